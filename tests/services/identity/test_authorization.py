"""Role checks for handlers: a "yes" leaves no trace, a "no" is on the audit record."""

from __future__ import annotations

from sqlmodel import Session, select

from checker_console.domain.roles import CHECKER, LEAD
from checker_console.services.audit import verify_audit_chain
from checker_console.services.identity.authorization import authorize, refusal_message
from checker_console.services.identity.sessions import SignedInUser
from checker_console.store.models import AuditEvent

CHECKER_SAM = SignedInUser("checker.one", "Sam Patel", [CHECKER])
LEAD_JORDAN = SignedInUser("lead.one", "Jordan Lee", [LEAD])


def _events(session: Session) -> list[AuditEvent]:
    return list(session.exec(select(AuditEvent)).all())


def test_a_lead_is_allowed_a_lead_action_and_nothing_is_audited(session: Session) -> None:
    assert authorize(session, LEAD_JORDAN, LEAD, handler="downstream.retry_profile")
    session.commit()

    assert _events(session) == []


def test_a_checker_calling_a_lead_action_is_refused_and_the_refusal_is_audited(
    session: Session,
) -> None:
    allowed = authorize(session, CHECKER_SAM, LEAD, handler="downstream.retry_profile")
    session.commit()

    [event] = _events(session)
    assert allowed is False
    assert (event.actor, event.action) == ("checker.one", "ui.refused")
    assert event.detail == {
        "handler": "downstream.retry_profile",
        "needs": "lead",
        "had": ["checker"],
    }
    assert verify_audit_chain(session).ok


def test_the_refusal_message_names_the_role_that_is_needed() -> None:
    assert (
        refusal_message(LEAD) == "Only a team lead can do that. Ask a team lead if it needs doing."
    )
