"""privacy: the privacy audit, and buyers.erased_at

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 10:04:12.318204
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from catalog.database import UTCDateTime

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN on both backends (a nullable column needs no table copy on SQLite).
    op.add_column("buyers", sa.Column("erased_at", UTCDateTime(), nullable=True))
    op.create_table(
        "privacy_audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("buyer_id", sa.Integer(), nullable=False),
        sa.Column(
            "action",
            sa.Enum(
                "consent",
                "opt_out",
                "opt_in",
                "data_summary",
                "erasure_requested",
                "erased",
                name="privacy_action",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("detail", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["buyer_id"],
            ["buyers.id"],
            name=op.f("fk_privacy_audit_buyer_id_buyers"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_privacy_audit")),
    )
    with op.batch_alter_table("privacy_audit", schema=None) as batch_op:
        batch_op.create_index("ix_privacy_audit_buyer", ["buyer_id", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("privacy_audit", schema=None) as batch_op:
        batch_op.drop_index("ix_privacy_audit_buyer")

    op.drop_table("privacy_audit")
    # Native DROP COLUMN (SQLite >= 3.35), not a batch copy of buyers, whose rows other tables
    # reference.
    op.drop_column("buyers", "erased_at")
