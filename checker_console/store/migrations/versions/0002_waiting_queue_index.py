"""waiting queue index: the head of the queue every claim reads, queued cases only

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 15:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_QUEUED = sa.text("status = 'queued'")


def upgrade() -> None:
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.create_index(
            "ix_application_waiting",
            ["sla_due_at", "id"],
            unique=False,
            sqlite_where=_QUEUED,
            postgresql_where=_QUEUED,
        )


def downgrade() -> None:
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.drop_index("ix_application_waiting")
