from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

from catalog.migrate import downgrade, is_up_to_date, upgrade
from catalog.models import Base
from catalog.search_index import is_search_index_object


def _schema_differences(engine: Engine) -> list[object]:
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "include_object": lambda obj, name, type_, reflected, compare_to: (
                    not is_search_index_object(name, type_)
                ),
            },
        )
        return list(compare_metadata(context, Base.metadata))


def test_migrations_build_exactly_the_schema_the_models_describe(engine: Engine) -> None:
    assert is_up_to_date(engine)
    assert _schema_differences(engine) == []


def test_migrations_create_every_table(engine: Engine) -> None:
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables


def test_migrations_go_down_to_nothing_and_back_up(engine: Engine) -> None:
    downgrade(engine, "base")
    remaining = set(inspect(engine).get_table_names()) - {"alembic_version"}
    assert remaining == set()
    upgrade(engine)
    assert _schema_differences(engine) == []


def test_the_full_text_index_follows_inserts_and_updates(engine: Engine) -> None:
    from catalog.database import make_session_factory
    from tests.factories import make_dealer, make_vehicle

    sessions = make_session_factory(engine)
    with sessions() as db_session, db_session.begin():
        vehicle = make_vehicle(db_session, make_dealer(db_session), notes="sunroof")
        vehicle_id = vehicle.id
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE vehicles SET notes = 'leather seats' WHERE id = :id"), {"id": vehicle_id}
        )
    if engine.dialect.name == "sqlite":
        query = "SELECT rowid FROM vehicles_fts WHERE vehicles_fts MATCH :word"
    else:
        query = "SELECT id FROM vehicles WHERE search_vector @@ to_tsquery('simple', :word)"
    with engine.connect() as connection:
        assert connection.execute(text(query), {"word": "leather"}).scalars().all() == [vehicle_id]
        assert connection.execute(text(query), {"word": "sunroof"}).scalars().all() == []
