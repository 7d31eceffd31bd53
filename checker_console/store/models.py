"""The case store's tables. They are the domain's entities; UI code stays out of them.

Times are aware UTC (see ``store.types.UTCDateTime``). Status columns hold
``domain.lifecycle.CaseStatus`` values and change only through ``services.lifecycle``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from checker_console.clock import utcnow
from checker_console.store.types import UTCDateTime


def _when(**kwargs: Any) -> Any:
    return Field(sa_type=UTCDateTime, **kwargs)


class Organisation(SQLModel, table=True):
    """An NHS organisation or university whose Registration Authority invites applicants."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(index=True, unique=True, max_length=16)
    name: str = Field(max_length=200)


class Invitation(SQLModel, table=True):
    """An RA's invitation: the name and date of birth exactly as on the applicant's photo ID."""

    __table_args__ = (
        UniqueConstraint("import_key", name="uq_invitation_import_key"),
        # The leads' journey figures follow the invitations sent in a period: on PostgreSQL
        # from the index alone.
        Index(
            "ix_invitation_created",
            "created_at",
            postgresql_include=["id", "organisation_id", "cohort"],
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    cohort: str = Field(default="", max_length=100, index=True)
    given_name: str = Field(max_length=100)
    family_name: str = Field(max_length=100)
    date_of_birth: date
    email: str = Field(max_length=254, index=True)
    mobile: str = Field(max_length=32)
    attempt: int = Field(default=1)
    #: Hash of the row's normalised content and attempt: importing a file twice adds nothing.
    import_key: str = Field(max_length=64)
    #: What the applicant's submission quotes; random, never derived from personal data.
    token: str = Field(max_length=64, unique=True, index=True)
    created_at: datetime = _when(default_factory=utcnow)
    expires_at: datetime = _when()
    submitted_at: datetime | None = _when(default=None)


class Application(SQLModel, table=True):
    """One submission for one invitation: the case an ID checker reviews."""

    __table_args__ = (
        # Queue order everywhere: the band (a cohort a lead put first), then SLA, then id.
        Index("ix_application_queue", "status", "queue_band", "sla_due_at", "id"),
        # The head of the waiting queue, which every claim reads: queued cases only, so a claim
        # never steps over the cases already claimed or decided, and no planner prefers
        # ix_application_sla_due (which holds every case) when nearly all of them are queued.
        Index(
            "ix_application_waiting",
            "queue_band",
            "sla_due_at",
            "id",
            sqlite_where=text("status = 'queued'"),
            postgresql_where=text("status = 'queued'"),
        ),
        # A checker holds at most one case: two tabs claiming at once cannot both win.
        Index(
            "uq_application_lease_holder",
            "lease_holder",
            unique=True,
            sqlite_where=text("lease_holder IS NOT NULL"),
            postgresql_where=text("lease_holder IS NOT NULL"),
        ),
        # Partial: almost every row has no reservation, and once SQLite has statistics it
        # would not use a full index for "reserved_by = ?" (it scans the table instead).
        Index(
            "ix_application_reserved_by",
            "reserved_by",
            sqlite_where=text("reserved_by IS NOT NULL"),
            postgresql_where=text("reserved_by IS NOT NULL"),
        ),
        Index("ix_application_org_status", "organisation_id", "status"),
        # Golden cases are few: every oversight figure leaves them out through this index
        # (services/oversight/scope.py).
        Index(
            "ix_application_golden",
            "id",
            sqlite_where=text("is_golden"),
            postgresql_where=text("is_golden"),
        ),
        # Arrivals per day, and the journey's submitted and decided steps (from the index alone
        # on PostgreSQL).
        Index(
            "ix_application_submitted",
            "submitted_at",
            "id",
            postgresql_include=["invitation_id", "status", "is_golden"],
        ),
        # The case list sorts by these (services/cases/listing.py); id breaks ties so paging is
        # stable.
        Index("ix_application_sla_due", "sla_due_at", "id"),
        Index("ix_application_name", "family_name", "given_name", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    invitation_id: int = Field(foreign_key="invitation.id", unique=True)
    organisation_id: int = Field(foreign_key="organisation.id")
    cohort: str = Field(default="", max_length=100, index=True)
    attempt: int = Field(default=1)
    previous_application_id: int | None = Field(default=None, foreign_key="application.id")
    status: str = Field(max_length=32)
    # What the applicant entered.
    given_name: str = Field(max_length=100)
    family_name: str = Field(max_length=100)
    date_of_birth: date
    ni_number: str = Field(max_length=16, index=True)
    email: str = Field(max_length=254)
    # Queue and lease.
    submitted_at: datetime = _when(default_factory=utcnow)
    sla_due_at: datetime = _when()
    #: 0 for a cohort a team lead put first (``CohortPriority``), 1 for everyone else: the queue
    #: hands out band 0 first, each band soonest SLA first.
    queue_band: int = Field(default=1, sa_column_kwargs={"server_default": text("1")})
    lease_holder: str | None = Field(default=None, max_length=64)
    lease_expires_at: datetime | None = _when(default=None)
    claimed_at: datetime | None = _when(default=None)
    referred_by: str | None = Field(default=None, max_length=64)
    decided_at: datetime | None = _when(default=None)
    #: A golden case: synthetic, with a known answer (``SampleTruth``), put in the live queue
    #: to measure checkers. Checkers cannot tell it apart; it never reaches CIM or Notify and is
    #: counted apart from throughput, SLA, queue and journey figures.
    is_golden: bool = Field(default=False)
    #: When the retention purge deleted this case's images (``services/retention/purge.py``).
    images_purged_at: datetime | None = _when(default=None)
    #: When a lead erased the applicant's personal data on request (see ``Erasure``).
    erased_at: datetime | None = _when(default=None)
    #: Prefetch (services/queue/reservations.py): a short hold on a queued case the checker
    #: is likely to get next, so their browser can load its images early. Not a lease and not
    #: a status: the case stays queued, and other checkers pass over it only while the
    #: reservation is live.
    reserved_by: str | None = Field(default=None, max_length=64)
    reserved_until: datetime | None = _when(default=None)
    # Downstream.
    existing_profile_flag: bool = Field(default=False)
    existing_profile_uuid: str | None = Field(default=None, max_length=12)
    cim_uuid: str | None = Field(default=None, max_length=12)
    profile_error: str | None = Field(default=None, max_length=1000)
    updated_at: datetime = _when(default_factory=utcnow)


class CohortPriority(SQLModel, table=True):
    """A cohort a team lead put first in the queue (a university's start-of-term deadline).

    While the row exists, that cohort's cases are in ``queue_band`` 0, new arrivals included.
    """

    organisation_id: int = Field(foreign_key="organisation.id", primary_key=True)
    cohort: str = Field(primary_key=True, max_length=100)
    set_by: str = Field(max_length=64)
    set_at: datetime = _when(default_factory=utcnow)


class Document(SQLModel, table=True):
    """One image of one side or page of a document, or the selfie.

    ``blob_key`` is the original as received (kept for the record, never served); the preview
    and thumbnail are re-encoded with orientation applied and all metadata stripped.
    """

    __table_args__ = (Index("ix_document_application", "application_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id")
    position: int = Field(default=0)
    kind: str = Field(max_length=40)
    side: str = Field(default="front", max_length=10)
    page: int = Field(default=1)
    content_type: str = Field(max_length=40)
    blob_key: str = Field(max_length=80)
    sha256: str = Field(max_length=64)
    size_bytes: int = Field(sa_type=BigInteger)
    width: int
    height: int
    preview_key: str = Field(max_length=80)
    preview_width: int = Field(default=0)
    preview_height: int = Field(default=0)
    thumbnail_key: str = Field(max_length=80)
    #: The machine readable zone as the applicant's app read it (optional), for the checker's
    #: comparison panel; the image itself stays the evidence.
    mrz_text: str | None = Field(default=None, max_length=200)
    created_at: datetime = _when(default_factory=utcnow)
    #: Set once this document's blobs are gone from the store (after its case was purged or
    #: erased). Until then a purge run, or its rerun after a crash, still has work here.
    blobs_deleted_at: datetime | None = _when(default=None)


class Decision(SQLModel, table=True):
    """A checker's decision, with the checklist answers and the time it took."""

    __table_args__ = (
        # By time, for the leads' dashboard (services/oversight/): on PostgreSQL it carries what
        # the figures read, so a month of decisions is counted from the index alone.
        Index(
            "ix_decision_figures",
            "decided_at",
            postgresql_include=["outcome", "checker_id", "seconds_to_decide", "application_id"],
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", index=True)
    checker_id: str = Field(max_length=64, index=True)
    outcome: str = Field(max_length=16)
    reasons: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    checklist: dict[str, bool] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    applicant_message: str = Field(default="", max_length=4000)
    internal_note: str = Field(default="", max_length=4000)
    seconds_to_decide: float | None = Field(default=None)
    decided_at: datetime = _when(default_factory=utcnow)
    #: Set when the checker undid the decision inside its window; the row stays on the record.
    undone_at: datetime | None = _when(default=None)


class SampleTruth(SQLModel, table=True):
    """What a correct checker decides on a synthetic sample case, for QA and tests."""

    application_id: int = Field(foreign_key="application.id", primary_key=True)
    expected_outcome: str = Field(max_length=16)
    expected_reasons: list[str] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    defects: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    seed: int
    note: str = Field(default="", max_length=1000)


class AuditEvent(SQLModel, table=True):
    """Append-only and hash-chained: see ``domain.audit_chain``."""

    id: int | None = Field(default=None, primary_key=True)
    sequence: int = Field(sa_type=BigInteger, unique=True)
    occurred_at: datetime = _when(index=True)
    actor: str = Field(max_length=64, index=True)
    action: str = Field(max_length=64, index=True)
    application_id: int | None = Field(default=None, index=True)
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class AuditHead(SQLModel, table=True):
    """One row holding the chain's tip; locking it orders concurrent appends."""

    id: int = Field(default=1, primary_key=True)
    sequence: int = Field(default=0, sa_type=BigInteger)
    hash: str = Field(max_length=64)
    #: The tip before the newest append (one event, or a transaction's batch): an UPDATE ...
    #: RETURNING hands both back at once.
    prev_hash: str = Field(default="0" * 64, max_length=64)


class OutboxMessage(SQLModel, table=True):
    """Work that must reach the outside world exactly once: profile requests, notifications."""

    __table_args__ = (
        Index("ix_outbox_due", "status", "next_attempt_at", "id"),
        Index("ix_outbox_created", "created_at"),
        # The journey's last step: "your profile is ready" emails sent, from the index alone.
        Index(
            "ix_outbox_profile_emails",
            "created_at",
            postgresql_include=["id", "application_id"],
            postgresql_where=text("kind = 'notify_profile_created' AND status = 'done'"),
            sqlite_where=text("kind = 'notify_profile_created' AND status = 'done'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    application_id: int | None = Field(default=None, foreign_key="application.id", index=True)
    kind: str = Field(max_length=40)
    idempotency_key: str = Field(max_length=80, unique=True)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    status: str = Field(default="pending", max_length=16)
    attempts: int = Field(default=0)
    next_attempt_at: datetime = _when(default_factory=utcnow)
    lease_holder: str | None = Field(default=None, max_length=64)
    lease_expires_at: datetime | None = _when(default=None)
    last_error: str | None = Field(default=None, max_length=2000)
    created_at: datetime = _when(default_factory=utcnow)
    completed_at: datetime | None = _when(default=None)


class OutboxAttempt(SQLModel, table=True):
    """Every call made for an outbox message, kept for the lead who has to explain a failure."""

    id: int | None = Field(default=None, primary_key=True)
    outbox_id: int = Field(foreign_key="outboxmessage.id", index=True)
    started_at: datetime = _when(default_factory=utcnow)
    finished_at: datetime | None = _when(default=None)
    outcome: str = Field(max_length=32)
    http_status: int | None = Field(default=None)
    error: str | None = Field(default=None, max_length=2000)


# Tables of later capabilities live in modules of their own; importing them registers them with
# the rest of the schema (one metadata for migrations and the schema check).
import checker_console.store.face_models  # noqa: E402,F401
import checker_console.store.identity_models  # noqa: E402,F401
import checker_console.store.qa_models  # noqa: E402,F401
import checker_console.store.retention_models  # noqa: E402,F401
import checker_console.store.rollup_models  # noqa: E402,F401
