"""quality assurance: decision snapshots, viewing trails, QA draws, verdicts, adjudications

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 15:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import checker_console.store.types

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "leadtask",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("created_at", checker_console.store.types.UTCDateTime(), nullable=False),
        sa.Column("done_at", checker_console.store.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_leadtask_application_id"), "leadtask", ["application_id"], unique=False
    )
    op.create_table(
        "viewingtrail",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("checker_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("events", sa.JSON(), nullable=False),
        sa.Column("received_at", checker_console.store.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_viewingtrail_case_checker",
        "viewingtrail",
        ["application_id", "checker_id"],
        unique=False,
    )
    op.create_table(
        "decisionsnapshot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("checker_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("images", sa.JSON(), nullable=False),
        sa.Column("facts", sa.JSON(), nullable=False),
        sa.Column("data_rows", sa.JSON(), nullable=False),
        sa.Column("aids", sa.JSON(), nullable=False),
        sa.Column("checklist", sa.JSON(), nullable=False),
        sa.Column("seconds_to_decide", sa.Float(), nullable=True),
        sa.Column("recorded_at", checker_console.store.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["decision.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("decision_id"),
    )
    op.create_index(
        op.f("ix_decisionsnapshot_application_id"),
        "decisionsnapshot",
        ["application_id"],
        unique=False,
    )
    op.create_table(
        "qasample",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("checker_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("rule", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("policy", sa.JSON(), nullable=False),
        sa.Column("draw", sa.Float(), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("drawn_at", checker_console.store.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["decision.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("decision_id"),
    )
    op.create_index(
        op.f("ix_qasample_application_id"), "qasample", ["application_id"], unique=False
    )
    op.create_index(op.f("ix_qasample_checker_id"), "qasample", ["checker_id"], unique=False)
    op.create_index("ix_qasample_waiting", "qasample", ["status", "drawn_at", "id"], unique=False)
    op.create_table(
        "qaverdict",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sample_id", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("checklist", sa.JSON(), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
        sa.Column("agrees", sa.Boolean(), nullable=False),
        sa.Column("adjudication", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("recorded_at", checker_console.store.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["sample_id"],
            ["qasample.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("sample_id"),
    )
    op.create_index(op.f("ix_qaverdict_adjudication"), "qaverdict", ["adjudication"], unique=False)
    op.create_index(op.f("ix_qaverdict_recorded_at"), "qaverdict", ["recorded_at"], unique=False)
    op.create_index(op.f("ix_qaverdict_reviewer_id"), "qaverdict", ["reviewer_id"], unique=False)
    op.create_table(
        "adjudication",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("verdict_id", sa.Integer(), nullable=False),
        sa.Column("lead_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("upheld", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
        sa.Column("follow_up", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("decided_at", checker_console.store.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["verdict_id"],
            ["qaverdict.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("verdict_id"),
    )


def downgrade() -> None:
    op.drop_table("adjudication")
    op.drop_index(op.f("ix_qaverdict_reviewer_id"), table_name="qaverdict")
    op.drop_index(op.f("ix_qaverdict_recorded_at"), table_name="qaverdict")
    op.drop_index(op.f("ix_qaverdict_adjudication"), table_name="qaverdict")
    op.drop_table("qaverdict")
    op.drop_index("ix_qasample_waiting", table_name="qasample")
    op.drop_index(op.f("ix_qasample_checker_id"), table_name="qasample")
    op.drop_index(op.f("ix_qasample_application_id"), table_name="qasample")
    op.drop_table("qasample")
    op.drop_index(op.f("ix_decisionsnapshot_application_id"), table_name="decisionsnapshot")
    op.drop_table("decisionsnapshot")
    op.drop_index("ix_viewingtrail_case_checker", table_name="viewingtrail")
    op.drop_table("viewingtrail")
    op.drop_index(op.f("ix_leadtask_application_id"), table_name="leadtask")
    op.drop_table("leadtask")
