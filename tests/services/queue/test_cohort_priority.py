"""A cohort a lead puts first comes first: on both claim paths, the queue page and new arrivals."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from checker_console.clock import utcnow
from checker_console.domain.lifecycle import CaseStatus
from checker_console.services.oversight.lead_actions import (
    LeadActionRefused,
    cohorts_first,
    set_cohort_priority,
)
from checker_console.services.queue import claims as queue
from checker_console.services.queue.claims import claim_next_case
from checker_console.services.queue.listing import list_queue
from checker_console.services.queue.priority import queue_band_for
from checker_console.services.queue.reservations import reserve_next_case
from checker_console.store.models import AuditEvent
from tests.factories import make_case, make_org

T0 = utcnow().replace(microsecond=0)


@pytest.fixture(autouse=True, params=["one_statement", "general"])
def claim_path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """As in test_claims.py: "general" turns PostgreSQL's one-statement claim off."""
    if request.param == "general":
        monkeypatch.setattr(queue, "_claim_queue_head", lambda *args: None)
    return request.param


def _queue(session: Session) -> dict[str, int]:
    """Nursing due in 10 hours; two Medicine cases due in 30 and 40 hours."""
    ids = {}
    for name, cohort, hours in (("nursing", "Nursing 2026", 10), ("medicine", "Medicine", 30),
                                ("medicine_late", "Medicine", 40)):  # fmt: skip
        case = make_case(session, CaseStatus.QUEUED, cohort=cohort)
        case.sla_due_at = T0 + timedelta(hours=hours)
        session.add(case)
        session.flush()
        ids[name] = case.id
    session.commit()
    return ids


def test_a_cohort_put_first_is_claimed_first(session: Session) -> None:
    ids = _queue(session)
    org = make_org(session)
    session.commit()

    moved = set_cohort_priority(
        session, organisation_id=org.id, cohort="Medicine", first=True, lead_id="lead.one"
    )

    assert moved == 2
    claimed = [claim_next_case(session, checker_id=f"checker.{n}", now=T0) for n in range(3)]
    assert [c.case_id for c in claimed if c] == [
        ids["medicine"],
        ids["medicine_late"],
        ids["nursing"],
    ]


def test_a_lead_claiming_with_referrals_and_a_reservation_also_honour_the_cohort_first(
    session: Session,
) -> None:
    ids = _queue(session)
    org = make_org(session)
    session.commit()
    set_cohort_priority(
        session, organisation_id=org.id, cohort="Medicine", first=True, lead_id="lead.one"
    )

    reserved = reserve_next_case(session, checker_id="checker.one", now=T0)
    taken = claim_next_case(session, checker_id="lead.one", include_referred=True, now=T0)

    assert reserved is not None and reserved.case_id == ids["medicine"]
    assert taken is not None and taken.case_id == ids["medicine_late"]


def test_the_queue_page_pages_through_the_cohort_first_then_by_sla(session: Session) -> None:
    ids = _queue(session)
    org = make_org(session)
    session.commit()
    set_cohort_priority(
        session, organisation_id=org.id, cohort="Medicine", first=True, lead_id="lead.one"
    )

    seen, token = [], None
    for _ in range(3):
        page = list_queue(session, page=token, page_size=1, now=T0)
        seen += [row.case_id for row in page.rows]
        token = page.next_page
    assert seen == [ids["medicine"], ids["medicine_late"], ids["nursing"]]
    assert token is None


def test_clearing_the_priority_puts_the_cohort_back_in_sla_order_and_new_arrivals_follow(
    session: Session,
) -> None:
    ids = _queue(session)
    org = make_org(session)
    session.commit()
    set_cohort_priority(
        session, organisation_id=org.id, cohort="Medicine", first=True, lead_id="lead.one"
    )
    assert queue_band_for(session, org.id, "Medicine") == 0
    assert [(c.cohort, c.organisation_name) for c in cohorts_first(session)] == [
        ("Medicine", "Riverside University")
    ]

    set_cohort_priority(
        session, organisation_id=org.id, cohort="Medicine", first=False, lead_id="lead.one"
    )

    assert queue_band_for(session, org.id, "Medicine") == 1
    assert cohorts_first(session) == []
    first = claim_next_case(session, checker_id="checker.one", now=T0)
    assert first is not None and first.case_id == ids["nursing"]
    events = session.exec(select(AuditEvent).where(AuditEvent.action == "lead.cohort_priority"))
    assert [e.detail["first"] for e in events.all()] == [True, False]


def test_putting_a_cohort_nobody_was_invited_to_first_is_refused(session: Session) -> None:
    org = make_org(session)
    session.commit()
    with pytest.raises(LeadActionRefused, match="Choose one from the list"):
        set_cohort_priority(
            session, organisation_id=org.id, cohort="Dentistry", first=True, lead_id="lead.one"
        )
