"""Reading and arranging the browser-test console's own database, through the services.

The console serves from a SQLite file (WAL mode), so a test can change it while the console
runs: each helper opens its own short transaction and commits, and the next page load or event
sees the change. Statuses change only through ``apply_transition`` (see ``profile_factories``),
so the audit chain stays whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from checker_console.clock import utcnow
from checker_console.domain.lifecycle import CaseStatus
from checker_console.domain.reasons import DocumentKind
from checker_console.store.db import make_engine
from checker_console.store.identity_models import UserSession
from checker_console.store.models import Application, AuditEvent, Decision, Document
from tests.profile_factories import fail_profile
from tests.ui.conftest import Console


@dataclass(frozen=True)
class ArrangedCase:
    id: int
    name: str


@cache
def _engine(database_url: str) -> Engine:
    return make_engine(database_url)


def _session(console: Console) -> Session:
    return Session(_engine(console.database_url), expire_on_commit=False)


def fail_an_approved_case(
    console: Console, *, reason: str, existing_uuid: str | None = None
) -> ArrangedCase:
    """Take the oldest seeded approved case through CIM to ``profile_failed``.

    The case gets a selfie (the smartcard photo CIM needs), so a retry really goes to CIM,
    which in the test console never answers: the case then stays "being created". The total
    stays the same, so tests that count the seeded cases are not disturbed; ``console.statuses``
    is kept true.
    """
    with _session(console) as session:
        case = session.exec(
            select(Application)
            .where(col(Application.status) == CaseStatus.APPROVED)
            .order_by(col(Application.id))
        ).first()
        assert case is not None and case.id is not None, "no approved case left to fail"
        _add_selfie(session, case.id)
        fail_profile(session, case, reason=reason, existing_uuid=existing_uuid)
        session.commit()
        console.statuses[CaseStatus.APPROVED] -= 1
        console.statuses[CaseStatus.PROFILE_FAILED] += 1
        return ArrangedCase(case.id, f"{case.given_name} {case.family_name}")


def mark_decided_by(console: Console, case_id: int, checker_id: str) -> None:
    """Record ``checker_id`` as the checker who approved the case (so they may open its page)."""
    with _session(console) as session:
        session.add(Decision(application_id=case_id, checker_id=checker_id, outcome="approved"))
        session.commit()


def _add_selfie(session: Session, case_id: int) -> None:
    """The seeded photo ID's image, filed as the selfie too (any image will do for CIM here)."""
    photo = session.exec(select(Document).where(col(Document.application_id) == case_id)).first()
    assert photo is not None
    fields = photo.model_dump(exclude={"id", "kind", "side", "position"})
    session.add(Document(**fields, kind=DocumentKind.SELFIE, side="front", position=9))


def case_status(console: Console, case_id: int) -> str:
    with _session(console) as session:
        case = session.get(Application, case_id)
        assert case is not None
        return case.status


def count_in_status(console: Console, status: CaseStatus) -> int:
    with _session(console) as session:
        return len(session.exec(select(Application.id).where(Application.status == status)).all())


def audit_events(
    console: Console, *, action: str, actor: str, case_id: int | None = None
) -> list[AuditEvent]:
    """The audit events of one kind by one person (about one case, if given), oldest first."""
    query = select(AuditEvent).where(col(AuditEvent.action) == action, AuditEvent.actor == actor)
    if case_id is not None:
        query = query.where(col(AuditEvent.application_id) == case_id)
    with _session(console) as session:
        return list(session.exec(query.order_by(col(AuditEvent.sequence))).all())


def leave_sessions_idle(console: Console, user_id: str, *, minutes: int) -> int:
    """Make ``user_id``'s live sessions look unused for ``minutes``; how many there were."""
    with _session(console) as session:
        rows = session.exec(
            select(UserSession).where(
                col(UserSession.user_id) == user_id, col(UserSession.ended_at).is_(None)
            )
        ).all()
        for row in rows:
            row.last_seen_at = utcnow() - timedelta(minutes=minutes)
            session.add(row)
        session.commit()
        return len(rows)


def record_a_decision(
    console: Console, checker_id: str, outcome: str, *, nth: int = 0, **fields: object
) -> tuple[int, str]:
    """A decision by ``checker_id`` on the ``nth`` seeded case in ``outcome``: (case id, name).

    Only the decision row: the case's status is already the outcome's, so no count changes.
    """
    with _session(console) as session:
        cases = session.exec(
            select(Application).where(col(Application.status) == outcome).order_by(Application.id)
        ).all()
        case = cases[nth]
        assert case.id is not None
        session.add(
            Decision(application_id=case.id, checker_id=checker_id, outcome=outcome, **fields)
        )
        session.commit()
        return case.id, f"{case.given_name} {case.family_name}"


def other_applicant_names(console: Console, except_case_id: int) -> set[str]:
    """Full names of every other applicant (a name shared with ``except_case_id`` excluded)."""
    with _session(console) as session:
        cases = session.exec(select(Application)).all()
    own = {f"{c.given_name} {c.family_name}" for c in cases if c.id == except_case_id}
    return {f"{c.given_name} {c.family_name}" for c in cases} - own
