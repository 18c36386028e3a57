"""alert delivery: the outbox's claims, retries, statuses and staff recipients; the buyers'
alert preferences; outbound messages name the alert they deliver

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from catalog.database import UTCDateTime

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATUSES = ("pending", "sent", "delivered", "read", "failed", "dead", "skipped")
ONE_RECIPIENT = (
    "(CASE WHEN buyer_id IS NULL THEN 0 ELSE 1 END)"
    " + (CASE WHEN dealer_id IS NULL THEN 0 ELSE 1 END)"
    " + (CASE WHEN to_staff THEN 1 ELSE 0 END) = 1"
)


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("to_staff", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))  # fmt: skip
        batch_op.add_column(sa.Column("status", sa.Enum(*STATUSES, name="alert_status",
                                                        native_enum=False, create_constraint=True,
                                                        length=20),
                                      nullable=False, server_default="pending"))  # fmt: skip
        for name in ("next_attempt_at", "claimed_until", "sent_at", "read_at"):
            batch_op.add_column(sa.Column(name, UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("claimed_by", sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column("channel", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("template", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("error_code", sa.String(length=40), nullable=True))
        batch_op.drop_constraint("one_recipient", type_="check")
        batch_op.create_check_constraint("one_recipient", sa.text(ONE_RECIPIENT))
        batch_op.drop_index("ix_outbox_undelivered")
        batch_op.create_index("ix_outbox_due", ["status", "next_attempt_at", "id"], unique=False)
    # What was marked delivered was handed to a provider: sent. Given up: dead.
    op.execute("UPDATE outbox SET sent_at = delivered_at, status = 'sent', delivered_at = NULL"
               " WHERE delivered_at IS NOT NULL")  # fmt: skip
    op.execute("UPDATE outbox SET status = 'dead' WHERE failed_at IS NOT NULL AND sent_at IS NULL")
    op.create_table(
        "alert_preferences",
        sa.Column("buyer_id", sa.Integer(), nullable=False),
        sa.Column("muted_kinds", sa.JSON(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=True),
        sa.Column("quiet_start_hour", sa.Integer(), nullable=True),
        sa.Column("quiet_end_hour", sa.Integer(), nullable=True),
        sa.Column("time_zone", sa.String(length=60), nullable=True),
        sa.Column("marketing_held_until", UTCDateTime(), nullable=True),
        sa.Column("marketing_stopped_at", UTCDateTime(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["buyer_id"], ["buyers.id"],
                                name=op.f("fk_alert_preferences_buyer_id_buyers"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("buyer_id", name=op.f("pk_alert_preferences")),
    )  # fmt: skip
    with op.batch_alter_table("chat_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("outbox_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_chat_messages_outbox_id_outbox"), "outbox",
                                    ["outbox_id"], ["id"], ondelete="SET NULL")  # fmt: skip
        batch_op.create_index(batch_op.f("ix_chat_messages_outbox_id"), ["outbox_id"],
                              unique=False)  # fmt: skip


def downgrade() -> None:
    with op.batch_alter_table("chat_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_chat_messages_outbox_id"))
        batch_op.drop_constraint(batch_op.f("fk_chat_messages_outbox_id_outbox"),
                                 type_="foreignkey")  # fmt: skip
        batch_op.drop_column("outbox_id")
    op.drop_table("alert_preferences")
    op.execute("DELETE FROM outbox WHERE to_staff")
    op.execute("UPDATE outbox SET delivered_at = sent_at WHERE sent_at IS NOT NULL")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_due")
        batch_op.create_index("ix_outbox_undelivered", ["delivered_at", "failed_at", "id"],
                              unique=False)  # fmt: skip
        batch_op.drop_constraint("one_recipient", type_="check")
        batch_op.create_check_constraint(
            "one_recipient", sa.text("(buyer_id IS NULL) <> (dealer_id IS NULL)")
        )
        batch_op.drop_constraint("alert_status", type_="check")
        for name in ("error_code", "template", "channel", "claimed_by", "read_at", "sent_at",
                     "claimed_until", "next_attempt_at", "status", "to_staff"):  # fmt: skip
            batch_op.drop_column(name)
