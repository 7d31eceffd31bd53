"""The face-similarity aid's table: one comparison per case, computed once in the background.

Registered with the rest of the schema by ``store/models.py``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from checker_console.clock import utcnow
from checker_console.store.types import UTCDateTime


def _when(**kwargs: Any) -> Any:
    return Field(sa_type=UTCDateTime, **kwargs)


class FaceMatch(SQLModel, table=True):
    """The face-similarity aid for one application, computed once in the background.

    The photo ID's portrait against the selfie (``services/review/face_match.py``): the
    descriptor distance and its band, or why the faces could not be compared, with both face
    boxes (in preview pixels), the quality measures and the models that produced it.
    Descriptors themselves are not kept.
    """

    application_id: int = Field(foreign_key="application.id", primary_key=True)
    band: str = Field(max_length=24)
    distance: float | None = Field(default=None)
    problem: str | None = Field(default=None, max_length=24)
    problem_picture: str | None = Field(default=None, max_length=16)
    photo_id_document_id: int | None = Field(default=None, foreign_key="document.id")
    selfie_document_id: int | None = Field(default=None, foreign_key="document.id")
    photo_id_box: list[int] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    selfie_box: list[int] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    photo_id_sharpness: float | None = Field(default=None)
    selfie_sharpness: float | None = Field(default=None)
    photo_id_faces: int = Field(default=0)
    selfie_faces: int = Field(default=0)
    model_version: str = Field(max_length=80)
    compute_ms: float = Field(default=0.0)
    computed_at: datetime = _when(default_factory=utcnow)
