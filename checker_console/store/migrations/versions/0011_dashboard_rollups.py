"""dashboard rollups: decision figures of closed London days; the journey from indexes alone

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 15:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

from checker_console.store.types import UTCDateTime

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def _text(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def upgrade() -> None:
    op.create_table(
        "rollup_day",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("rolled_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("day"),
    )
    op.create_table(
        "decision_count_rollup",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("hour", sa.Integer(), nullable=False),
        sa.Column("checker_id", _text(64), nullable=False),
        sa.Column("outcome", _text(16), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "hour", "checker_id", "outcome"),
    )
    op.create_table(
        "handling_time_rollup",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("checker_id", _text(64), nullable=False),
        sa.Column("seconds", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "checker_id", "seconds"),
    )
    op.create_table(
        "rejection_rollup",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("cohort", _text(100), nullable=False),
        sa.Column("reason", _text(64), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "organisation_id", "cohort", "reason"),
    )


    _journey_indexes(include=True)


_PROFILE_EMAILS_DONE = "kind = 'notify_profile_created' AND status = 'done'"


def _journey_indexes(*, include: bool) -> None:
    """The journey's three reads carry what they need on PostgreSQL (include is PostgreSQL's)."""
    postgres = op.get_bind().dialect.name == "postgresql"
    if include:
        op.create_index(
            "ix_outbox_profile_emails",
            "outboxmessage",
            ["created_at"],
            postgresql_include=["id", "application_id"],
            postgresql_where=sa.text(_PROFILE_EMAILS_DONE),
            sqlite_where=sa.text(_PROFILE_EMAILS_DONE),
        )
    else:
        op.drop_index("ix_outbox_profile_emails", table_name="outboxmessage")
    if not postgres:
        return
    op.drop_index("ix_invitation_created", table_name="invitation")
    op.create_index(
        "ix_invitation_created",
        "invitation",
        ["created_at"],
        postgresql_include=["id", "organisation_id", "cohort"] if include else [],
    )
    op.drop_index("ix_application_submitted", table_name="application")
    op.create_index(
        "ix_application_submitted",
        "application",
        ["submitted_at", "id"],
        postgresql_include=["invitation_id", "status", "is_golden"] if include else [],
    )


def downgrade() -> None:
    _journey_indexes(include=False)
    for table in ("rejection_rollup", "handling_time_rollup", "decision_count_rollup"):
        op.drop_table(table)
    op.drop_table("rollup_day")
