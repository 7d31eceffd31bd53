"""faces: the face-similarity aid per application, computed once in the background

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-01 14:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

from checker_console.store.types import UTCDateTime

revision = "0009"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "facematch",
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("band", sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
        sa.Column("distance", sa.Float(), nullable=True),
        sa.Column("problem", sqlmodel.sql.sqltypes.AutoString(length=24), nullable=True),
        sa.Column("problem_picture", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("photo_id_document_id", sa.Integer(), nullable=True),
        sa.Column("selfie_document_id", sa.Integer(), nullable=True),
        sa.Column("photo_id_box", sa.JSON(), nullable=True),
        sa.Column("selfie_box", sa.JSON(), nullable=True),
        sa.Column("photo_id_sharpness", sa.Float(), nullable=True),
        sa.Column("selfie_sharpness", sa.Float(), nullable=True),
        sa.Column("photo_id_faces", sa.Integer(), nullable=False),
        sa.Column("selfie_faces", sa.Integer(), nullable=False),
        sa.Column("model_version", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("compute_ms", sa.Float(), nullable=False),
        sa.Column("computed_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["application_id"], ["application.id"]),
        sa.ForeignKeyConstraint(["photo_id_document_id"], ["document.id"]),
        sa.ForeignKeyConstraint(["selfie_document_id"], ["document.id"]),
        sa.PrimaryKeyConstraint("application_id"),
    )


def downgrade() -> None:
    op.drop_table("facematch")
