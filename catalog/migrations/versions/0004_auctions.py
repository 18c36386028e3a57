"""auctions: auctions (terms and the engine's running state) and their accepted bids

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 04:11:31.578204
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from catalog.database import UTCDateTime

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "auctions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vehicle_id", sa.Integer(), nullable=False),
        sa.Column(
            "result",
            sa.Enum(
                "open",
                "sold",
                "on_approval",
                "not_sold",
                "cancelled",
                name="auction_result",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("starts_at", UTCDateTime(), nullable=False),
        sa.Column("ends_at", UTCDateTime(), nullable=False),
        sa.Column("current_ends_at", UTCDateTime(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("starting_bid_cents", sa.BigInteger(), nullable=False),
        sa.Column("reserve_cents", sa.BigInteger(), nullable=True),
        sa.Column("buy_now_cents", sa.BigInteger(), nullable=True),
        sa.Column("soft_close_seconds", sa.Integer(), nullable=False),
        sa.Column("increments", sa.JSON(), nullable=True),
        sa.Column("current_price_cents", sa.BigInteger(), nullable=True),
        sa.Column("leader_id", sa.Integer(), nullable=True),
        sa.Column("leader_max_cents", sa.BigInteger(), nullable=True),
        sa.Column("runner_up_max_cents", sa.BigInteger(), nullable=True),
        sa.Column("bids_accepted", sa.Integer(), nullable=False),
        sa.Column("bought_now", sa.Boolean(), nullable=False),
        sa.Column("last_bid_at", UTCDateTime(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_auctions_ends_after_start")),
        sa.CheckConstraint(
            "starting_bid_cents > 0", name=op.f("ck_auctions_starting_bid_positive")
        ),
        sa.ForeignKeyConstraint(
            ["leader_id"],
            ["buyers.id"],
            name=op.f("fk_auctions_leader_id_buyers"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["vehicle_id"],
            ["vehicles.id"],
            name=op.f("fk_auctions_vehicle_id_vehicles"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_auctions")),
    )
    with op.batch_alter_table("auctions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_auctions_result_ends", ["result", "current_ends_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_auctions_vehicle_id"), ["vehicle_id"], unique=False)

    op.create_table(
        "auction_bids",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("auction_id", sa.Integer(), nullable=False),
        sa.Column("buyer_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("placed_at", UTCDateTime(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=True),
        sa.Column("price_after_cents", sa.BigInteger(), nullable=False),
        sa.Column("leader_after_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["auction_id"],
            ["auctions.id"],
            name=op.f("fk_auction_bids_auction_id_auctions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["buyer_id"],
            ["buyers.id"],
            name=op.f("fk_auction_bids_buyer_id_buyers"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_auction_bids")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_auction_bids_idempotency_key")),
    )
    with op.batch_alter_table("auction_bids", schema=None) as batch_op:
        batch_op.create_index("ix_auction_bids_auction", ["auction_id", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_auction_bids_buyer_id"), ["buyer_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("auction_bids", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_auction_bids_buyer_id"))
        batch_op.drop_index("ix_auction_bids_auction")

    op.drop_table("auction_bids")
    with op.batch_alter_table("auctions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_auctions_vehicle_id"))
        batch_op.drop_index("ix_auctions_result_ends")

    op.drop_table("auctions")
