"""outbox: alerts of every domain in one table; the auction alerts move into it

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 22:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from catalog.database import UTCDateTime

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AUCTION_EVENT_KINDS = ("outbid", "extended", "ending_soon", "won", "lost", "reserve_not_met",
                       "approval_requested", "dealer_decision", "counter_answered", "cancelled")  # fmt: skip


def upgrade() -> None:
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("subject_type", sa.String(length=30), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("buyer_id", sa.Integer(), nullable=True),
        sa.Column("dealer_id", sa.Integer(), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("delivered_at", UTCDateTime(), nullable=True),
        sa.Column("failed_at", UTCDateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "(buyer_id IS NULL) <> (dealer_id IS NULL)", name=op.f("ck_outbox_one_recipient")
        ),
        sa.ForeignKeyConstraint(["buyer_id"], ["buyers.id"],
                                name=op.f("fk_outbox_buyer_id_buyers"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["dealer_id"], ["dealers.id"],
                                name=op.f("fk_outbox_dealer_id_dealers"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("key", name=op.f("uq_outbox_key")),
    )  # fmt: skip
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_buyer_id"), ["buyer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_outbox_dealer_id"), ["dealer_id"], unique=False)
        batch_op.create_index("ix_outbox_subject", ["subject_type", "subject_id"], unique=False)
        batch_op.create_index(
            "ix_outbox_undelivered", ["delivered_at", "failed_at", "id"], unique=False
        )
    # Every auction alert keeps its key, times and recipient; nothing is sent twice or lost.
    op.execute(
        "INSERT INTO outbox (kind, subject_type, subject_id, buyer_id, dealer_id, payload, key,"
        " created_at, delivered_at, attempts)"
        " SELECT 'auction.' || kind, 'auction', auction_id, buyer_id, dealer_id, payload, key,"
        " created_at, delivered_at, 0 FROM auction_events ORDER BY id"
    )
    op.drop_table("auction_events")


def downgrade() -> None:
    op.create_table(
        "auction_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("auction_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.Enum(*AUCTION_EVENT_KINDS, name="auction_event_kind",
                                  native_enum=False, create_constraint=True, length=20),
                  nullable=False),
        sa.Column("buyer_id", sa.Integer(), nullable=True),
        sa.Column("dealer_id", sa.Integer(), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("delivered_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["auction_id"], ["auctions.id"],
                                name=op.f("fk_auction_events_auction_id_auctions"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["buyer_id"], ["buyers.id"],
                                name=op.f("fk_auction_events_buyer_id_buyers"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["dealer_id"], ["dealers.id"],
                                name=op.f("fk_auction_events_dealer_id_dealers"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_auction_events")),
        sa.UniqueConstraint("key", name=op.f("uq_auction_events_key")),
    )  # fmt: skip
    with op.batch_alter_table("auction_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_auction_events_auction_id"), ["auction_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_auction_events_buyer_id"), ["buyer_id"], unique=False)
        batch_op.create_index("ix_auction_events_undelivered", ["delivered_at", "id"], unique=False)
    # Only the auction alerts have a home here; alerts of later domains go with the outbox.
    op.execute(
        "INSERT INTO auction_events (auction_id, kind, buyer_id, dealer_id, payload, key,"
        " created_at, delivered_at)"
        " SELECT subject_id, substr(kind, 9), buyer_id, dealer_id, payload, key, created_at,"
        " delivered_at FROM outbox WHERE subject_type = 'auction'"
        " AND subject_id IN (SELECT id FROM auctions) ORDER BY id"
    )
    op.drop_table("outbox")
