"""saved-search hits: each (saved search, vehicle) pair a buyer was told about, so an import
alerts one message per search listing its new vehicles, and never the same pair twice

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 11:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from catalog.database import UTCDateTime

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "saved_search_hits",
        sa.Column("saved_search_id", sa.Integer(), nullable=False),
        sa.Column("vehicle_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["saved_search_id"], ["saved_searches.id"],
                                name=op.f("fk_saved_search_hits_saved_search_id_saved_searches"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["vehicle_id"], ["vehicles.id"],
                                name=op.f("fk_saved_search_hits_vehicle_id_vehicles"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("saved_search_id", "vehicle_id",
                                name=op.f("pk_saved_search_hits")),
    )  # fmt: skip
    with op.batch_alter_table("saved_search_hits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_saved_search_hits_vehicle_id"), ["vehicle_id"],
                              unique=False)  # fmt: skip


def downgrade() -> None:
    op.drop_table("saved_search_hits")
