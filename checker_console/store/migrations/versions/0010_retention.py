"""retention: purged and erased cases, deleted blobs, erasure tombstones

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 14:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

from checker_console.store.types import UTCDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.add_column(sa.Column("images_purged_at", UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("erased_at", UTCDateTime(), nullable=True))
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.add_column(sa.Column("blobs_deleted_at", UTCDateTime(), nullable=True))
    op.create_table(
        "erasure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("erased_at", UTCDateTime(), nullable=False),
        sa.Column("erased_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("dpo_reference", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.ForeignKeyConstraint(["application_id"], ["application.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("erasure", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_erasure_application_id"), ["application_id"])


def downgrade() -> None:
    op.drop_table("erasure")
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.drop_column("blobs_deleted_at")
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.drop_column("erased_at")
        batch_op.drop_column("images_purged_at")
