"""catalog: dealers, vehicles, media, buyers, watchlist

Revision ID: 0001
Revises:
Create Date: 2026-11-22 02:35:54.127614
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from catalog.database import UTCDateTime
from catalog.search_index import create_search_index, drop_search_index

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "buyers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("whatsapp_number", sa.String(length=16), nullable=True),
        sa.Column("telegram_user_id", sa.BigInteger(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("consent_given_at", UTCDateTime(), nullable=True),
        sa.Column("consent_version", sa.String(length=20), nullable=True),
        sa.Column("opted_out_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("last_seen_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "language IN ('en', 'fr', 'pt')", name=op.f("ck_buyers_language_supported")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_buyers")),
        sa.UniqueConstraint("telegram_user_id", name=op.f("uq_buyers_telegram_user_id")),
        sa.UniqueConstraint("whatsapp_number", name=op.f("uq_buyers_whatsapp_number")),
    )
    op.create_table(
        "dealers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("region", sa.String(length=80), nullable=False),
        sa.Column("city", sa.String(length=120), nullable=False),
        sa.Column("contact_name", sa.String(length=200), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("telegram_chat_id", sa.BigInteger(), nullable=True),
        sa.Column("telegram_link", sa.String(length=200), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dealers")),
        sa.UniqueConstraint("name", name=op.f("uq_dealers_name")),
    )
    op.create_table(
        "saved_searches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("buyer_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("filters", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("last_alerted_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["buyer_id"],
            ["buyers.id"],
            name=op.f("fk_saved_searches_buyer_id_buyers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_searches")),
    )
    with op.batch_alter_table("saved_searches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_saved_searches_buyer_id"), ["buyer_id"], unique=False)

    op.create_table(
        "vehicles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vin", sa.String(length=17), nullable=False),
        sa.Column("dealer_id", sa.Integer(), nullable=False),
        sa.Column("stock_number", sa.String(length=40), nullable=True),
        sa.Column("make", sa.String(length=60), nullable=False),
        sa.Column("model", sa.String(length=60), nullable=False),
        sa.Column("make_key", sa.String(length=60), nullable=False),
        sa.Column("model_key", sa.String(length=60), nullable=False),
        sa.Column("trim", sa.String(length=80), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column(
            "body_type",
            sa.Enum(
                "sedan",
                "hatchback",
                "suv",
                "pickup",
                "van",
                "minivan",
                "coupe",
                "wagon",
                "truck",
                name="bodytype",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column(
            "fuel",
            sa.Enum(
                "gasoline",
                "diesel",
                "hybrid",
                "electric",
                "flex",
                name="fuel",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column(
            "transmission",
            sa.Enum(
                "automatic",
                "manual",
                "cvt",
                name="transmission",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column(
            "drive",
            sa.Enum(
                "fwd",
                "rwd",
                "awd",
                "4wd",
                name="drive",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("engine", sa.String(length=60), nullable=False),
        sa.Column("seats", sa.Integer(), nullable=True),
        sa.Column("mileage_km", sa.Integer(), nullable=False),
        sa.Column("colour", sa.String(length=40), nullable=False),
        sa.Column(
            "condition",
            sa.Enum(
                "run_and_drive",
                "starts",
                "non_running",
                name="condition",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column(
            "title_status",
            sa.Enum(
                "clean",
                "salvage",
                "rebuilt",
                "flood",
                "parts_only",
                name="titlestatus",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("damage_notes", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column(
            "steering",
            sa.Enum(
                "lhd",
                "rhd",
                name="steering",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("length_mm", sa.Integer(), nullable=True),
        sa.Column("width_mm", sa.Integer(), nullable=True),
        sa.Column("height_mm", sa.Integer(), nullable=True),
        sa.Column("weight_kg", sa.Integer(), nullable=True),
        sa.Column("price_cents", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("yard_city", sa.String(length=120), nullable=False),
        sa.Column("yard_region", sa.String(length=80), nullable=False),
        sa.Column("yard_country", sa.String(length=2), nullable=False),
        sa.Column("export_port", sa.String(length=80), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "available",
                "reserved",
                "sold",
                "withdrawn",
                name="listingstatus",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("mileage_km >= 0", name=op.f("ck_vehicles_mileage_not_negative")),
        sa.CheckConstraint("price_cents >= 0", name=op.f("ck_vehicles_price_not_negative")),
        sa.CheckConstraint(
            "year >= 1950 AND year <= 2100", name=op.f("ck_vehicles_year_plausible")
        ),
        sa.ForeignKeyConstraint(
            ["dealer_id"],
            ["dealers.id"],
            name=op.f("fk_vehicles_dealer_id_dealers"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vehicles")),
        sa.UniqueConstraint("vin", name=op.f("uq_vehicles_vin")),
    )
    with op.batch_alter_table("vehicles", schema=None) as batch_op:
        batch_op.create_index("ix_vehicles_body_year", ["body_type", "year"], unique=False)
        batch_op.create_index(batch_op.f("ix_vehicles_dealer_id"), ["dealer_id"], unique=False)
        batch_op.create_index(
            "ix_vehicles_make_model_price",
            ["make_key", "model_key", "status", "price_cents", "id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_vehicles_make_price",
            ["make_key", "status", "price_cents", "id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_vehicles_status_created", ["status", "created_at", "id"], unique=False
        )
        batch_op.create_index(
            "ix_vehicles_status_mileage", ["status", "mileage_km", "id"], unique=False
        )
        batch_op.create_index(
            "ix_vehicles_status_price", ["status", "price_cents", "id"], unique=False
        )
        batch_op.create_index("ix_vehicles_status_year", ["status", "year", "id"], unique=False)

    op.create_table(
        "vehicle_media",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vehicle_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=60), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("web_width", sa.Integer(), nullable=False),
        sa.Column("web_height", sa.Integer(), nullable=False),
        sa.Column("thumb_width", sa.Integer(), nullable=False),
        sa.Column("thumb_height", sa.Integer(), nullable=False),
        sa.Column("bytes_original", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["vehicle_id"],
            ["vehicles.id"],
            name=op.f("fk_vehicle_media_vehicle_id_vehicles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vehicle_media")),
        sa.UniqueConstraint(
            "vehicle_id",
            "content_hash",
            name=op.f("uq_vehicle_media_vehicle_id_content_hash"),
        ),
        sa.UniqueConstraint(
            "vehicle_id", "position", name=op.f("uq_vehicle_media_vehicle_id_position")
        ),
    )
    with op.batch_alter_table("vehicle_media", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_vehicle_media_content_hash"), ["content_hash"], unique=False
        )

    op.create_table(
        "watchlist_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("buyer_id", sa.Integer(), nullable=False),
        sa.Column("vehicle_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["buyer_id"],
            ["buyers.id"],
            name=op.f("fk_watchlist_entries_buyer_id_buyers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["vehicle_id"],
            ["vehicles.id"],
            name=op.f("fk_watchlist_entries_vehicle_id_vehicles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_watchlist_entries")),
        sa.UniqueConstraint(
            "buyer_id",
            "vehicle_id",
            name=op.f("uq_watchlist_entries_buyer_id_vehicle_id"),
        ),
    )
    with op.batch_alter_table("watchlist_entries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_watchlist_entries_buyer_id"), ["buyer_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_watchlist_entries_vehicle_id"), ["vehicle_id"], unique=False
        )

    create_search_index(op.get_bind())


def downgrade() -> None:
    drop_search_index(op.get_bind())
    with op.batch_alter_table("watchlist_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_watchlist_entries_vehicle_id"))
        batch_op.drop_index(batch_op.f("ix_watchlist_entries_buyer_id"))

    op.drop_table("watchlist_entries")
    with op.batch_alter_table("vehicle_media", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vehicle_media_content_hash"))

    op.drop_table("vehicle_media")
    with op.batch_alter_table("vehicles", schema=None) as batch_op:
        batch_op.drop_index("ix_vehicles_status_year")
        batch_op.drop_index("ix_vehicles_status_price")
        batch_op.drop_index("ix_vehicles_status_mileage")
        batch_op.drop_index("ix_vehicles_status_created")
        batch_op.drop_index("ix_vehicles_make_price")
        batch_op.drop_index("ix_vehicles_make_model_price")
        batch_op.drop_index(batch_op.f("ix_vehicles_dealer_id"))
        batch_op.drop_index("ix_vehicles_body_year")

    op.drop_table("vehicles")
    with op.batch_alter_table("saved_searches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_saved_searches_buyer_id"))

    op.drop_table("saved_searches")
    op.drop_table("dealers")
    op.drop_table("buyers")
