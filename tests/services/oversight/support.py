"""Decided cases for the QA tests, made the way a checker makes them: claim, then decide."""

from __future__ import annotations

from sqlmodel import Session

from checker_console.adapters.blobs import LocalBlobStore
from checker_console.services.identity.sessions import create_session
from checker_console.services.queue.claims import claim_next_case
from checker_console.services.review.decisions import DecisionResult, approve_case, reject_case
from tests.standins.support import ALL_CONFIRMED, queued_case

CHECKER = "checker.one"
QA_REVIEWER = "qa.one"
LEAD = "lead.one"


def decide(
    session: Session,
    blobs: LocalBlobStore,
    *,
    number: int,
    checker: str = CHECKER,
    approve: bool = True,
    **fields: object,
) -> DecisionResult:
    queued_case(session, blobs, number=number, **fields)
    return decide_next(session, checker=checker, approve=approve)


def decide_next(
    session: Session, *, checker: str = CHECKER, approve: bool = True
) -> DecisionResult:
    """Claim the next case and approve it (every item ticked) or reject it (face mismatch)."""
    claim = claim_next_case(session, checker_id=checker)
    assert claim is not None
    if approve:
        return approve_case(
            session, case_id=claim.case_id, checker_id=checker, checklist=ALL_CONFIRMED
        )
    return reject_case(
        session,
        case_id=claim.case_id,
        checker_id=checker,
        reasons=["face_mismatch"],
        applicant_message=None,
        internal_note="The faces differ.",
    )


def sign_in_names(session: Session) -> None:
    """Give the demo people their names, as signing in does."""
    for user_id, name, role in (
        (CHECKER, "Sam Patel", "checker"),
        (QA_REVIEWER, "Priya Shah", "qa"),
        (LEAD, "Jordan Lee", "lead"),
    ):
        create_session(session, user_id=user_id, display_name=name, roles=[role])
    session.commit()
