"""Tables for quality assurance: what each checker saw, QA's draws and verdicts, adjudications.

Registered with the rest of the schema by ``store/models.py``. A snapshot is written in the same
transaction as its decision and never changed afterwards; replay reads only the snapshot, so a
case whose data or images change later still replays exactly as it was decided.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from checker_console.clock import utcnow
from checker_console.store.types import UTCDateTime


def _when(**kwargs: Any) -> Any:
    return Field(sa_type=UTCDateTime, **kwargs)


def _json_list() -> Any:
    return Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class DecisionSnapshot(SQLModel, table=True):
    """What the checker was shown when they decided: image hashes, panel rows, aids, checklist.

    ``images`` holds each served derivative's SHA-256 (the blob store's key), so replay serves
    the very bytes the checker saw, whatever happens to the case's documents afterwards.
    """

    id: int | None = Field(default=None, primary_key=True)
    decision_id: int = Field(foreign_key="decision.id", unique=True)
    application_id: int = Field(foreign_key="application.id", index=True)
    checker_id: str = Field(max_length=64)
    #: [{document_id, kind, label, role ("document" | "selfie"), preview_sha256, thumbnail_sha256}]
    images: list[dict[str, Any]] = _json_list()
    #: The case facts above the panel: [{label, value}].
    facts: list[dict[str, Any]] = _json_list()
    #: Name and date of birth three ways: [{label, invited, entered, document, mismatch, ...}].
    data_rows: list[dict[str, Any]] = _json_list()
    #: [{tone, text}], the wording exactly as shown.
    aids: list[dict[str, Any]] = _json_list()
    #: [{key, shortcut, text, answer}] in the order presented.
    checklist: list[dict[str, Any]] = _json_list()
    seconds_to_decide: float | None = Field(default=None)
    recorded_at: datetime = _when(default_factory=utcnow)


class ViewingTrail(SQLModel, table=True):
    """A batch of viewing events from a checker's browser: which images, and how they looked."""

    __table_args__ = (Index("ix_viewingtrail_case_checker", "application_id", "checker_id"),)

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id")
    checker_id: str = Field(max_length=64)
    #: [{document_id, seconds, max_zoom, rotations, brightness, contrast, inverted}]
    events: list[dict[str, Any]] = _json_list()
    received_at: datetime = _when(default_factory=utcnow)


class QaSample(SQLModel, table=True):
    """A decision drawn for QA, with the policy and the random draw that chose it."""

    __table_args__ = (Index("ix_qasample_waiting", "status", "drawn_at", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    decision_id: int = Field(foreign_key="decision.id", unique=True)
    application_id: int = Field(foreign_key="application.id", index=True)
    checker_id: str = Field(max_length=64, index=True)
    #: Why it was drawn: "first_decisions", "referral_resolution", "flagged_approval", "random".
    rule: str = Field(max_length=32)
    #: The policy in force, as settings values: the draw can be checked and repeated.
    policy: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    #: The number in [0, 1) compared with the rule's share (None when the rule takes every case).
    draw: float | None = Field(default=None)
    status: str = Field(default="waiting", max_length=16)
    drawn_at: datetime = _when(default_factory=utcnow)


class QaVerdict(SQLModel, table=True):
    """A QA reviewer's own decision on a blind replay, compared with the checker's."""

    id: int | None = Field(default=None, primary_key=True)
    sample_id: int = Field(foreign_key="qasample.id", unique=True)
    reviewer_id: str = Field(max_length=64, index=True)
    outcome: str = Field(max_length=16)
    reasons: list[str] = _json_list()
    checklist: dict[str, bool] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    note: str = Field(default="", max_length=4000)
    agrees: bool
    #: "none" when QA agreed; "waiting" for a lead; "checker" or "qa" once a lead upheld one.
    adjudication: str = Field(default="none", max_length=16, index=True)
    recorded_at: datetime = _when(default_factory=utcnow, index=True)


class Adjudication(SQLModel, table=True):
    """A lead's ruling on a disagreement, and what it set in motion."""

    id: int | None = Field(default=None, primary_key=True)
    verdict_id: int = Field(foreign_key="qaverdict.id", unique=True)
    lead_id: str = Field(max_length=64)
    upheld: str = Field(max_length=16)
    note: str = Field(default="", max_length=4000)
    follow_up: str = Field(default="", max_length=1000)
    decided_at: datetime = _when(default_factory=utcnow)


class LeadTask(SQLModel, table=True):
    """Something a team lead must do by hand, such as reviewing a CIS profile after QA."""

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", index=True)
    text: str = Field(max_length=1000)
    created_at: datetime = _when(default_factory=utcnow)
    done_at: datetime | None = _when(default=None)
