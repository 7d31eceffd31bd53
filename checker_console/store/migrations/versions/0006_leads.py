"""leads: indexes for the dashboard (golden cases left out, invitations by date)

Revision ID: 0006
Revises: 0004
Create Date: 2026-12-01 14:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_invitation_created", "invitation", ["created_at"])
    op.create_index(
        "ix_application_golden",
        "application",
        ["id"],
        sqlite_where=sa.text("is_golden"),
        postgresql_where=sa.text("is_golden"),
    )


def downgrade() -> None:
    op.drop_index("ix_application_golden", table_name="application")
    op.drop_index("ix_invitation_created", table_name="invitation")
