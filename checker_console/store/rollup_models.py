"""The leads' dashboard rollups: closed London days' decision figures, kept so that a month's
dashboard reads days, not a million decisions (``services/oversight/rollups.py``).

Registered with the rest of the schema by ``store/models.py``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlmodel import Field, SQLModel

from checker_console.clock import utcnow
from checker_console.store.types import UTCDateTime


def _when(**kwargs: Any) -> Any:
    return Field(sa_type=UTCDateTime, **kwargs)


class RollupDay(SQLModel, table=True):
    """A closed London day whose decision figures are kept in the rollup tables below.

    Written first in the transaction that fills the day, so two processes rolling up the same
    day at once cannot both write it: the second waits on this row's key, then gives way.
    """

    __tablename__ = "rollup_day"

    day: date = Field(primary_key=True)
    rolled_at: datetime = _when(default_factory=utcnow)


class DecisionCountRollup(SQLModel, table=True):
    """Decisions on a closed London day, per London hour, checker and outcome (no golden cases)."""

    __tablename__ = "decision_count_rollup"

    day: date = Field(primary_key=True)
    hour: int = Field(primary_key=True)
    checker_id: str = Field(primary_key=True, max_length=64)
    outcome: str = Field(primary_key=True, max_length=16)
    count: int


class HandlingTimeRollup(SQLModel, table=True):
    """How many of a checker's decisions on a closed day took ``seconds`` (whole seconds)."""

    __tablename__ = "handling_time_rollup"

    day: date = Field(primary_key=True)
    checker_id: str = Field(primary_key=True, max_length=64)
    seconds: int = Field(primary_key=True)
    count: int


class RejectionRollup(SQLModel, table=True):
    """Rejections on a closed day per organisation and cohort: ``reason`` "" counts rejections,
    any other the rejections giving that reason."""

    __tablename__ = "rejection_rollup"

    day: date = Field(primary_key=True)
    organisation_id: int = Field(primary_key=True)
    cohort: str = Field(primary_key=True, max_length=100)
    reason: str = Field(primary_key=True, max_length=64)
    count: int


#: The dashboard's rollup tables, each keyed by ``day`` first.
ROLLUP_TABLES = tuple(
    SQLModel.metadata.tables[name]
    for name in ("decision_count_rollup", "handling_time_rollup", "rejection_rollup", "rollup_day")
)
