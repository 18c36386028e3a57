"""The full-text index over vehicles: SQLite FTS5 with triggers, PostgreSQL tsvector with GIN.

It lives outside the ORM models (each backend builds it differently), so migrations create it
with the DDL below and autogenerate comparisons ignore it.
"""

from __future__ import annotations

from sqlalchemy.engine import Connection

FTS_TABLE = "vehicles_fts"
TSVECTOR_COLUMN = "search_vector"
# Columns searched by free text, in both backends.
TEXT_COLUMNS = (
    "make",
    "model",
    "trim",
    "engine",
    "colour",
    "body_type",
    "fuel",
    "transmission",
    "notes",
    "damage_notes",
)

_SQLITE_CREATE = [
    f"""CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(
        {", ".join(TEXT_COLUMNS)}, content='vehicles', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2')""",
    f"""CREATE TRIGGER vehicles_fts_ai AFTER INSERT ON vehicles BEGIN
        INSERT INTO {FTS_TABLE}(rowid, {", ".join(TEXT_COLUMNS)})
        VALUES (new.id, {", ".join("new." + c for c in TEXT_COLUMNS)});
    END""",
    f"""CREATE TRIGGER vehicles_fts_ad AFTER DELETE ON vehicles BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {", ".join(TEXT_COLUMNS)})
        VALUES ('delete', old.id, {", ".join("old." + c for c in TEXT_COLUMNS)});
    END""",
    f"""CREATE TRIGGER vehicles_fts_au AFTER UPDATE OF {", ".join(TEXT_COLUMNS)} ON vehicles BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {", ".join(TEXT_COLUMNS)})
        VALUES ('delete', old.id, {", ".join("old." + c for c in TEXT_COLUMNS)});
        INSERT INTO {FTS_TABLE}(rowid, {", ".join(TEXT_COLUMNS)})
        VALUES (new.id, {", ".join("new." + c for c in TEXT_COLUMNS)});
    END""",
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')",
]

_SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS vehicles_fts_au",
    "DROP TRIGGER IF EXISTS vehicles_fts_ad",
    "DROP TRIGGER IF EXISTS vehicles_fts_ai",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
]

_PG_DOCUMENT = " || ' ' || ".join(f"coalesce({c}, '')" for c in TEXT_COLUMNS)
_PG_CREATE = [
    # 'simple' config: no stemming, so make/model names and French/Portuguese words match as typed.
    f"""ALTER TABLE vehicles ADD COLUMN {TSVECTOR_COLUMN} tsvector
        GENERATED ALWAYS AS (to_tsvector('simple', {_PG_DOCUMENT})) STORED""",
    f"CREATE INDEX ix_vehicles_{TSVECTOR_COLUMN} ON vehicles USING gin ({TSVECTOR_COLUMN})",
]
_PG_DROP = [
    f"DROP INDEX IF EXISTS ix_vehicles_{TSVECTOR_COLUMN}",
    f"ALTER TABLE vehicles DROP COLUMN IF EXISTS {TSVECTOR_COLUMN}",
]


def create_search_index(connection: Connection) -> None:
    for statement in _SQLITE_CREATE if connection.dialect.name == "sqlite" else _PG_CREATE:
        connection.exec_driver_sql(statement)


def drop_search_index(connection: Connection) -> None:
    for statement in _SQLITE_DROP if connection.dialect.name == "sqlite" else _PG_DROP:
        connection.exec_driver_sql(statement)


def is_search_index_object(name: str | None, type_: str) -> bool:
    """True for the objects above, which autogenerate must not try to drop."""
    if name is None:
        return False
    return name.startswith(FTS_TABLE) or name in {TSVECTOR_COLUMN, f"ix_vehicles_{TSVECTOR_COLUMN}"}
