"""dealers on Telegram: one-time link tokens, the linked account, paused alerts; leads; muted
vehicles

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-08 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from catalog.database import UTCDateTime

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ALTERs, no batch: rebuilding `dealers` on SQLite would break the vehicles' keys.
    op.add_column("dealers", sa.Column("telegram_user_id", sa.BigInteger(), nullable=True))
    op.add_column(
        "dealers", sa.Column("language", sa.String(length=2), server_default="en", nullable=False)
    )
    op.add_column("dealers", sa.Column("alerts_paused_at", UTCDateTime(), nullable=True))
    op.create_index("ix_dealers_telegram_user_id", "dealers", ["telegram_user_id"], unique=True)
    op.create_table(
        "dealer_link_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dealer_id", sa.Integer(), nullable=False),
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("used_at", UTCDateTime(), nullable=True),
        sa.Column("used_by_telegram_user_id", sa.BigInteger(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["dealer_id"], ["dealers.id"],
                                name=op.f("fk_dealer_link_tokens_dealer_id_dealers"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dealer_link_tokens")),
        sa.UniqueConstraint("token_sha256", name=op.f("uq_dealer_link_tokens_token_sha256")),
    )  # fmt: skip
    with op.batch_alter_table("dealer_link_tokens", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dealer_link_tokens_dealer_id"), ["dealer_id"], unique=False
        )
    op.create_table(
        "dealer_muted_vehicles",
        sa.Column("dealer_id", sa.Integer(), nullable=False),
        sa.Column("vehicle_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["dealer_id"], ["dealers.id"],
                                name=op.f("fk_dealer_muted_vehicles_dealer_id_dealers"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["vehicle_id"], ["vehicles.id"],
                                name=op.f("fk_dealer_muted_vehicles_vehicle_id_vehicles"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("dealer_id", "vehicle_id", name=op.f("pk_dealer_muted_vehicles")),
    )  # fmt: skip
    op.create_table(
        "leads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dealer_id", sa.Integer(), nullable=False),
        sa.Column("buyer_id", sa.Integer(), nullable=False),
        sa.Column("vehicle_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("active_days", sa.JSON(), nullable=False),
        sa.Column("first_seen_at", UTCDateTime(), nullable=False),
        sa.Column("last_activity_at", UTCDateTime(), nullable=False),
        sa.Column("hot_alerted_at", UTCDateTime(), nullable=True),
        sa.Column("claimed_at", UTCDateTime(), nullable=True),
        sa.Column("digested_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["buyer_id"], ["buyers.id"],
                                name=op.f("fk_leads_buyer_id_buyers"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["dealer_id"], ["dealers.id"],
                                name=op.f("fk_leads_dealer_id_dealers"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["vehicle_id"], ["vehicles.id"],
                                name=op.f("fk_leads_vehicle_id_vehicles"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_leads")),
        sa.UniqueConstraint("buyer_id", "vehicle_id", name=op.f("uq_leads_buyer_id_vehicle_id")),
    )  # fmt: skip
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_leads_buyer_id"), ["buyer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_leads_vehicle_id"), ["vehicle_id"], unique=False)
        batch_op.create_index(
            "ix_leads_dealer_activity", ["dealer_id", "last_activity_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.drop_index("ix_leads_dealer_activity")
        batch_op.drop_index(batch_op.f("ix_leads_vehicle_id"))
        batch_op.drop_index(batch_op.f("ix_leads_buyer_id"))
    op.drop_table("leads")
    op.drop_table("dealer_muted_vehicles")
    with op.batch_alter_table("dealer_link_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dealer_link_tokens_dealer_id"))
    op.drop_table("dealer_link_tokens")
    op.drop_index("ix_dealers_telegram_user_id", table_name="dealers")
    op.drop_column("dealers", "alerts_paused_at")  # SQLite >= 3.35 drops a column in place
    op.drop_column("dealers", "language")
    op.drop_column("dealers", "telegram_user_id")
