"""Who reviews what now: the live board on the dashboard and the queue page.

The database is the truth, whichever worker process served the claim. Every claim, decision,
release and expiry moves the audit chain's tip (``audithead``, one row), so a board asks
:func:`board_version` (a primary-key read) every second and rebuilds itself with
:func:`live_board` only when the version moved, or every so often for the lease clocks. That
poll was measured against pushing from the database (``bench/dashboard.py`` and
``docs/BENCHMARKS.md``): it costs a fraction of a millisecond, needs no listener per worker, and
works the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from checker_console.clock import utcnow
from checker_console.domain.lifecycle import CaseStatus
from checker_console.services.identity.sessions import display_names, name_or_id
from checker_console.services.oversight.scope import (
    counted,
    counted_by_status,
)
from checker_console.services.queue.claims import in_queue_order
from checker_console.services.queue.leases import lease_duration
from checker_console.services.unit_of_work import read_only
from checker_console.settings import get_settings
from checker_console.store.models import Application, AuditHead

#: A case held longer than this gets a warning on the board: the checker may be stuck.
LONG_HOLD = timedelta(minutes=20)
#: The board lists this many referred cases, soonest SLA first (the queue page has the rest).
REFERRALS_SHOWN = 10


@dataclass(frozen=True)
class HeldCase:
    case_id: int
    checker_id: str
    checker_name: str
    since: datetime
    lease_expires_at: datetime
    lease_left: timedelta
    #: Why a lead may want to look, in words ("" when all is well).
    warning: str


@dataclass(frozen=True)
class BoardTiles:
    waiting: int
    in_review: int
    referred: int
    breaching_sla: int


@dataclass(frozen=True)
class Referral:
    """A referred case waiting for a lead or second checker, soonest SLA first."""

    case_id: int
    referred_by_name: str
    sla_due_at: datetime


@dataclass(frozen=True)
class LiveBoard:
    version: int
    held: list[HeldCase]
    tiles: BoardTiles
    referrals: list[Referral]


def board_version(session: Session) -> int:
    """The audit chain's length: it moves with every claim, decision, release and expiry."""
    with read_only(session):
        return int(session.exec(select(AuditHead.sequence).where(AuditHead.id == 1)).first() or 0)


def live_board(session: Session, *, now: datetime | None = None) -> LiveBoard:
    """Every case being reviewed now, longest-held first, and the queue tiles."""
    now = now or utcnow()
    with read_only(session):
        version = int(
            session.exec(select(AuditHead.sequence).where(AuditHead.id == 1)).first() or 0
        )
        held = session.exec(
            select(Application)
            .where(Application.status == CaseStatus.IN_REVIEW)
            .order_by(col(Application.claimed_at), col(Application.id))
        ).all()
        referred = session.exec(
            in_queue_order(select(Application), CaseStatus.REFERRED, None).limit(REFERRALS_SHOWN)
        ).all()
        names = display_names(
            session, [c.lease_holder for c in held] + [c.referred_by for c in referred]
        )
        by_status = counted_by_status(
            session, [CaseStatus.QUEUED, CaseStatus.IN_REVIEW, CaseStatus.REFERRED]
        )
        breaching = session.exec(
            select(func.count())
            .select_from(Application)
            .where(
                col(Application.status).in_(
                    [CaseStatus.QUEUED, CaseStatus.IN_REVIEW, CaseStatus.REFERRED]
                )
            )
            .where(counted(Application.id))
            .where(col(Application.sla_due_at) < now)
        ).one()
        return LiveBoard(
            version=version,
            held=[_held(case, names, now) for case in held if case.lease_holder],
            tiles=BoardTiles(
                waiting=by_status.get(CaseStatus.QUEUED, 0),
                in_review=by_status.get(CaseStatus.IN_REVIEW, 0),
                referred=by_status.get(CaseStatus.REFERRED, 0),
                breaching_sla=breaching,
            ),
            referrals=[
                Referral(
                    case_id=c.id or 0,
                    referred_by_name=name_or_id(names, c.referred_by) or "",
                    sla_due_at=c.sla_due_at,
                )
                for c in referred
            ],
        )


def _held(case: Application, names: dict[str, str], now: datetime) -> HeldCase:
    assert case.id is not None and case.lease_holder is not None
    since = case.claimed_at or now
    expires = case.lease_expires_at or now
    return HeldCase(
        case_id=case.id,
        checker_id=case.lease_holder,
        checker_name=name_or_id(names, case.lease_holder) or case.lease_holder,
        since=since,
        lease_expires_at=expires,
        lease_left=max(expires - now, timedelta(0)),
        warning=idle_warning(since=since, lease_expires_at=expires, now=now),
    )


def idle_warning(*, since: datetime, lease_expires_at: datetime, now: datetime) -> str:
    """Idle: the review page has missed two heartbeats (closed or asleep). Long: held too long."""
    if lease_expires_at <= now:
        return "Hold ran out: going back to the queue"
    quiet = lease_duration() - (lease_expires_at - now)
    if quiet > timedelta(seconds=2 * get_settings().heartbeat_seconds):
        return f"Idle: no activity for {_minutes(quiet)}"
    if now - since > LONG_HOLD:
        return f"Held for {_minutes(now - since)}"
    return ""


def _minutes(span: timedelta) -> str:
    minutes = int(span.total_seconds() // 60)
    return "under a minute" if minutes < 1 else f"{minutes} minute{'s' if minutes != 1 else ''}"
