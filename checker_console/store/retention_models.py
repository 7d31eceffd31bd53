"""The retention capability's table: tombstones of erasures on request.

Registered with the rest of the schema by ``store/models.py``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Field, SQLModel

from checker_console.clock import utcnow
from checker_console.store.types import UTCDateTime


def _when(**kwargs: Any) -> Any:
    return Field(sa_type=UTCDateTime, **kwargs)


class Erasure(SQLModel, table=True):
    """The tombstone of an erasure on request: who, when, why, and the DPO's approval.

    The case rows stay (their statuses and decisions keep every figure adding up); the
    applicant's names, dates, contact details, notes and images are gone.
    """

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", index=True)
    erased_at: datetime = _when(default_factory=utcnow)
    erased_by: str = Field(max_length=64)
    dpo_reference: str = Field(max_length=100)
    reason: str = Field(max_length=1000)
