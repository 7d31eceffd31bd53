"""leads: cohort priority in queue order, and indexes for the dashboard

Adds ``application.queue_band`` (0: a cohort a lead put first; 1: everyone else) to the queue
indexes, the ``cohortpriority`` table, and the indexes the leads' dashboard reads: golden cases,
invitations and outbox messages by date, and decisions by date carrying what the figures need.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 14:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

from checker_console.store.types import UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_QUEUED = sa.text("status = 'queued'")


def upgrade() -> None:
    op.create_table(
        "cohortpriority",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("cohort", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("set_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("set_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"]),
        sa.PrimaryKeyConstraint("organisation_id", "cohort"),
    )
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("queue_band", sa.Integer(), nullable=False, server_default=sa.text("1"))
        )
        batch_op.drop_index("ix_application_queue")
        batch_op.drop_index("ix_application_waiting")
        batch_op.create_index(
            "ix_application_queue", ["status", "queue_band", "sla_due_at", "id"], unique=False
        )
        batch_op.create_index(
            "ix_application_waiting",
            ["queue_band", "sla_due_at", "id"],
            unique=False,
            sqlite_where=_QUEUED,
            postgresql_where=_QUEUED,
        )
        batch_op.create_index(
            "ix_application_golden",
            ["id"],
            unique=False,
            sqlite_where=sa.text("is_golden"),
            postgresql_where=sa.text("is_golden"),
        )
    op.create_index("ix_invitation_created", "invitation", ["created_at"])
    op.create_index("ix_outbox_created", "outboxmessage", ["created_at"])
    op.drop_index("ix_decision_decided_at", table_name="decision")
    op.create_index(
        "ix_decision_figures",
        "decision",
        ["decided_at"],
        postgresql_include=["outcome", "checker_id", "seconds_to_decide", "application_id"],
    )


def downgrade() -> None:
    op.drop_index("ix_decision_figures", table_name="decision")
    op.create_index("ix_decision_decided_at", "decision", ["decided_at"])
    op.drop_index("ix_outbox_created", table_name="outboxmessage")
    op.drop_index("ix_invitation_created", table_name="invitation")
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.drop_index("ix_application_golden")
        batch_op.drop_index("ix_application_waiting")
        batch_op.drop_index("ix_application_queue")
        batch_op.create_index(
            "ix_application_queue", ["status", "sla_due_at", "id"], unique=False
        )
        batch_op.create_index(
            "ix_application_waiting",
            ["sla_due_at", "id"],
            unique=False,
            sqlite_where=_QUEUED,
            postgresql_where=_QUEUED,
        )
        batch_op.drop_column("queue_band")
    op.drop_table("cohortpriority")
