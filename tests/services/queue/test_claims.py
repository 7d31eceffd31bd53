from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import NoResultFound
from sqlmodel import Session, select

from checker_console.clock import utcnow
from checker_console.domain.lifecycle import CaseStatus
from checker_console.services.audit import verify_audit_chain
from checker_console.services.identity.sessions import create_session
from checker_console.services.queue import claims as queue
from checker_console.services.queue.claims import claim_next_case
from checker_console.services.queue.leases import (
    CaseNotLeasedToYou,
    expire_leases,
    lease_is_held,
    release_case,
    renew_lease,
)
from checker_console.services.queue.listing import (
    QueueFilters,
    list_queue,
    queue_counts,
    queue_page_statement,
)
from checker_console.services.queue.reservations import reservation_duration, reserve_next_case
from checker_console.settings import get_settings
from checker_console.store.db import is_postgres
from checker_console.store.models import Application, AuditEvent, Decision
from tests.factories import make_case, make_org

T0 = utcnow().replace(microsecond=0)


@pytest.fixture(autouse=True, params=["one_statement", "general"])
def claim_path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every rule holds on both ways of claiming.

    On PostgreSQL a claim from the queue head is one statement
    (``services/queue/claim_statement.py``)
    and everything else the general path; "general" turns the statement off so the general
    path is proved on PostgreSQL too. SQLite has only the general path.
    """
    if request.param == "general":
        monkeypatch.setattr(queue, "_claim_queue_head", lambda *args: None)
    return request.param


def queued_cases(session: Session, due_in_hours: list[int], **fields: object) -> list[int]:
    """Queued cases due ``due_in_hours`` after T0, committed; their ids in the order given."""
    ids = []
    for hours in due_in_hours:
        case = make_case(session, CaseStatus.QUEUED, **fields)  # type: ignore[arg-type]
        case.sla_due_at = T0 + timedelta(hours=hours)
        session.add(case)
        session.flush()
        ids.append(case.id)
    session.commit()
    return ids


def audit_actions(session: Session, case_id: int) -> list[tuple[str, str, dict]]:
    events = session.exec(
        select(AuditEvent).where(AuditEvent.application_id == case_id).order_by(AuditEvent.sequence)
    ).all()
    return [(e.action, e.actor, e.detail) for e in events]


# Claims -------------------------------------------------------------------------------------


def test_claims_take_the_case_due_soonest_first(session: Session) -> None:
    late, early, middle = queued_cases(session, [30, 10, 20])
    claimed = [claim_next_case(session, checker_id=f"checker.{n}", now=T0) for n in range(3)]
    assert [c.case_id for c in claimed if c] == [early, middle, late]


def test_a_claim_leases_the_case_and_writes_one_audit_event(session: Session) -> None:
    (case_id,) = queued_cases(session, [5])
    claim = claim_next_case(session, checker_id="checker.one", now=T0)

    assert claim is not None and claim.case_id == case_id and not claim.resumed
    assert claim.lease_expires_at == T0 + timedelta(minutes=get_settings().lease_minutes)
    stored = session.get(Application, case_id)
    assert (stored.status, stored.lease_holder, stored.claimed_at) == (
        "in_review",
        "checker.one",
        T0,
    )
    claims = [a for a in audit_actions(session, case_id) if a[0] == "case.claim"]
    assert [(action, actor) for action, actor, _ in claims] == [("case.claim", "checker.one")]


def test_a_checker_with_a_live_lease_gets_the_same_case_back(session: Session) -> None:
    queued_cases(session, [1, 2])
    first = claim_next_case(session, checker_id="checker.one", now=T0)
    again = claim_next_case(session, checker_id="checker.one", now=T0 + timedelta(minutes=3))

    assert again is not None and first is not None
    assert again.case_id == first.case_id and again.resumed
    assert again.lease_expires_at > first.lease_expires_at
    in_review = session.exec(select(Application).where(Application.status == "in_review")).all()
    assert len(in_review) == 1


def test_an_empty_queue_gives_no_case(session: Session) -> None:
    assert claim_next_case(session, checker_id="checker.one", now=T0) is None


def test_a_checker_is_never_given_their_own_application(session: Session) -> None:
    (own_by_email,) = queued_cases(
        session, [1], email="Mary.Seacole@example.org", ni_number="AB111111A"
    )
    (own_by_ni,) = queued_cases(session, [2], ni_number="CD222222B")
    (other,) = queued_cases(session, [3], ni_number="EF333333C")

    claim = claim_next_case(
        session,
        checker_id="mary",
        checker_email="mary.seacole@example.org ",
        checker_ni="cd 22 22 22 b",
        now=T0,
    )
    assert claim is not None and claim.case_id == other
    release_case(session, case_id=other, checker_id="mary", now=T0)
    assert session.get(Application, other).status == "queued"

    claim_next_case(session, checker_id="someone.else", now=T0)  # takes own_by_email
    assert session.get(Application, own_by_email).lease_holder == "someone.else"
    mary_again = claim_next_case(session, checker_id="mary", checker_ni="CD222222B", now=T0)
    assert mary_again is not None and mary_again.case_id == other
    assert session.get(Application, own_by_ni).status == "queued"


def test_a_checker_is_not_given_their_own_application_stored_with_odd_whitespace(
    session: Session,
) -> None:
    """Written some other way than intake (an old import, a hand fix): no normalisation."""
    own, other = queued_cases(session, [1, 2])
    session.get(Application, own).email = "\u00a0Mary.Seacole@example.org\t"
    session.commit()

    claim = claim_next_case(
        session, checker_id="mary", checker_email="mary.seacole@example.org", now=T0
    )

    assert claim is not None and claim.case_id == other
    assert session.get(Application, own, populate_existing=True).status == "queued"


def test_without_the_audit_chains_tip_nothing_is_claimed(session: Session) -> None:
    """A case never changes status without its audit event."""
    (case_id,) = queued_cases(session, [1])
    session.execute(text("DELETE FROM audithead"))
    session.commit()

    with pytest.raises(NoResultFound):
        claim_next_case(session, checker_id="checker.one", now=T0)

    assert session.get(Application, case_id, populate_existing=True).status == "queued"
    assert [a for a in audit_actions(session, case_id) if a[0] == "case.claim"] == []


def test_a_checker_conflicted_on_every_waiting_case_gets_none(session: Session) -> None:
    queued_cases(session, [1, 2], ni_number="QQ123456C")
    assert claim_next_case(session, checker_id="q", checker_ni="QQ123456C", now=T0) is None


def test_referred_cases_go_only_to_leads_and_never_back_to_the_referrer(session: Session) -> None:
    case = make_case(session, CaseStatus.REFERRED)
    case.referred_by = "checker.one"
    session.add(case)
    session.commit()

    assert claim_next_case(session, checker_id="checker.two", now=T0) is None
    assert claim_next_case(session, checker_id="checker.one", include_referred=True, now=T0) is None
    lead = claim_next_case(session, checker_id="lead.one", include_referred=True, now=T0)
    assert lead is not None and lead.case_id == case.id and lead.referred_by == "checker.one"


def test_no_one_who_ever_referred_a_case_is_given_it_even_from_the_queue(
    session: Session,
) -> None:
    (case_id,) = queued_cases(session, [1])
    session.get(Application, case_id).referred_by = "checker.two"
    session.add(Decision(application_id=case_id, checker_id="checker.one", outcome="referred"))
    session.commit()

    assert claim_next_case(session, checker_id="checker.one", now=T0) is None
    assert claim_next_case(session, checker_id="checker.two", now=T0) is None
    other = claim_next_case(session, checker_id="checker.three", now=T0)
    assert other is not None and other.case_id == case_id


def test_every_claim_event_extends_the_audit_chain_unbroken(session: Session) -> None:
    queued_cases(session, [1, 2, 3])
    for n in range(3):
        claim_next_case(session, checker_id=f"checker.{n}", now=T0)
    release_case(session, case_id=1, checker_id="checker.0", now=T0)
    claim_next_case(session, checker_id="checker.9", now=T0)

    result = verify_audit_chain(session)
    assert result.ok and result.events_checked >= 5
    assert audit_actions(session, 1)[-1] == (
        "case.claim",
        "checker.9",
        {"from": "queued", "to": "in_review", "lease_minutes": get_settings().lease_minutes},
    )


def test_a_claim_leaves_its_connection_as_it_found_it(session: Session) -> None:
    """The statement runs in autocommit with a relaxed commit; neither may outlive it."""
    queued_cases(session, [1, 2])
    claim_next_case(session, checker_id="checker.one", now=T0)

    case = session.exec(select(Application).where(Application.status == "queued")).one()
    case.cohort = "not kept"
    session.add(case)
    session.flush()
    if is_postgres(session.get_bind()):
        assert session.execute(text("SHOW synchronous_commit")).scalar() == "on"
    session.rollback()
    assert session.get(Application, case.id, populate_existing=True).cohort != "not kept"


def test_a_lead_takes_whichever_of_queued_and_referred_is_due_first(session: Session) -> None:
    (queued_id,) = queued_cases(session, [5])
    referred = make_case(session, CaseStatus.REFERRED)
    referred.referred_by = "checker.one"
    referred.sla_due_at = T0 + timedelta(hours=1)
    session.add(referred)
    session.commit()

    first = claim_next_case(session, checker_id="lead.one", include_referred=True, now=T0)
    second = claim_next_case(session, checker_id="lead.two", include_referred=True, now=T0)
    assert (first.case_id, second.case_id) == (referred.id, queued_id)


# Leases -------------------------------------------------------------------------------------


def test_an_expired_lease_returns_the_case_to_the_queue_with_an_audit_event(
    session: Session,
) -> None:
    (case_id,) = queued_cases(session, [1])
    claim_next_case(session, checker_id="checker.one", now=T0)

    assert expire_leases(session, now=T0 + timedelta(minutes=9)) == 0
    assert expire_leases(session, now=T0 + timedelta(minutes=11)) == 1

    stored = session.get(Application, case_id)
    assert (stored.status, stored.lease_holder, stored.lease_expires_at) == ("queued", None, None)
    action, actor, detail = audit_actions(session, case_id)[-1]
    assert (action, actor, detail["reason"], detail["holder"]) == (
        "case.release",
        "system",
        "lease expired",
        "checker.one",
    )
    other = claim_next_case(session, checker_id="checker.two", now=T0 + timedelta(minutes=12))
    assert other is not None and other.case_id == case_id


def test_a_heartbeat_keeps_the_lease_alive(session: Session) -> None:
    (case_id,) = queued_cases(session, [1])
    claim_next_case(session, checker_id="checker.one", now=T0)

    renewed_until = renew_lease(
        session, case_id=case_id, checker_id="checker.one", now=T0 + timedelta(minutes=8)
    )

    assert renewed_until == T0 + timedelta(minutes=8 + get_settings().lease_minutes)
    assert expire_leases(session, now=T0 + timedelta(minutes=11)) == 0
    assert lease_is_held(session, case_id, "checker.one", T0 + timedelta(minutes=17))
    assert not lease_is_held(session, case_id, "checker.one", T0 + timedelta(minutes=19))
    assert not lease_is_held(session, case_id, "checker.two", T0 + timedelta(minutes=12))


def test_a_heartbeat_after_the_lease_ran_out_is_refused(session: Session) -> None:
    (case_id,) = queued_cases(session, [1])
    claim_next_case(session, checker_id="checker.one", now=T0)

    with pytest.raises(CaseNotLeasedToYou, match="ran out at .* Claim the next case"):
        renew_lease(
            session, case_id=case_id, checker_id="checker.one", now=T0 + timedelta(minutes=11)
        )
    with pytest.raises(CaseNotLeasedToYou, match="being reviewed by checker.one"):
        renew_lease(session, case_id=case_id, checker_id="checker.two", now=T0)


def test_a_checker_whose_lease_ran_out_starts_afresh_on_the_next_claim(session: Session) -> None:
    (case_id,) = queued_cases(session, [1])
    claim_next_case(session, checker_id="checker.one", now=T0)

    later = claim_next_case(session, checker_id="checker.one", now=T0 + timedelta(minutes=15))

    assert later is not None and later.case_id == case_id and not later.resumed
    actions = [(a, d.get("reason")) for a, _, d in audit_actions(session, case_id)]
    assert actions[-2:] == [("case.release", "lease expired"), ("case.claim", None)]


def test_a_checker_can_hand_a_case_back_but_not_someone_elses(session: Session) -> None:
    (case_id,) = queued_cases(session, [1])
    claim_next_case(session, checker_id="checker.one", now=T0)

    with pytest.raises(CaseNotLeasedToYou):
        release_case(session, case_id=case_id, checker_id="checker.two", now=T0)
    release_case(session, case_id=case_id, checker_id="checker.one", now=T0)

    assert session.get(Application, case_id).status == "queued"
    assert audit_actions(session, case_id)[-1][2]["reason"] == "released by checker"


# The queue page -----------------------------------------------------------------------------


def test_the_queue_lists_cases_soonest_sla_first_across_pages(session: Session) -> None:
    ids = queued_cases(session, [7, 3, 5, 1, 6, 2, 4])
    claim_next_case(session, checker_id="checker.one", now=T0)  # takes the case due in 1h
    claim_next_case(session, checker_id="checker.two", now=T0)  # and in 2h

    seen, token, pages = [], None, 0
    while True:
        page = list_queue(session, page=token, page_size=3, now=T0)
        seen += [row.case_id for row in page.rows]
        pages += 1
        assert page.total == 7
        if page.next_page is None:
            break
        token = page.next_page
    by_due = [case_id for _, case_id in sorted(zip([7, 3, 5, 1, 6, 2, 4], ids, strict=True))]
    assert seen == by_due and pages == 3


def test_rows_being_reviewed_show_who_holds_them_and_since_when(session: Session) -> None:
    queued_cases(session, [1, 2])
    claim = claim_next_case(session, checker_id="checker.one", now=T0)

    rows = list_queue(session, page_size=10, now=T0 + timedelta(minutes=2)).rows
    held = [(r.case_id, r.status, r.held_by, r.held_since) for r in rows if r.held_by]
    assert held == [(claim.case_id, "in_review", "checker.one", T0)]
    assert rows[0].held_by_name == "checker.one"  # never signed in here: the id will do
    assert rows[1].held_by is None and rows[1].organisation_code == "RX1"

    create_session(session, user_id="checker.one", display_name="Sam Patel", roles=["checker"])
    session.commit()
    rows = list_queue(session, page_size=10, now=T0 + timedelta(minutes=2)).rows
    assert rows[0].held_by_name == "Sam Patel"


def test_the_queue_filters_by_organisation_cohort_attempt_and_age(session: Session) -> None:
    other_org = make_org(session, code="KCL", name="Kingsbridge College")
    (in_other_org,) = queued_cases(session, [1], org=other_org)
    (in_midwifery,) = queued_cases(session, [2], cohort="Midwifery 2026")
    (second_attempt, old) = queued_cases(session, [3, 4])
    for case_id, change in ((second_attempt, "attempt"), (old, "age")):
        case = session.get(Application, case_id)
        if change == "attempt":
            case.attempt = 2
        else:
            case.submitted_at = T0 - timedelta(days=3)
        session.add(case)
    session.commit()

    def listed(**filters: object) -> list[int]:
        return [
            r.case_id for r in list_queue(session, filters=QueueFilters(**filters), now=T0).rows
        ]

    assert listed(organisation_id=other_org.id) == [in_other_org]
    assert listed(cohort="Midwifery 2026") == [in_midwifery]
    assert listed(attempt=2) == [second_attempt]
    assert listed(older_than=timedelta(days=2)) == [old]
    assert len(listed()) == 4


def test_queue_counts_show_waiting_in_review_referred_breaching_and_oldest(
    session: Session,
) -> None:
    queued_cases(session, [-2, 1, 3])  # the first is already past its SLA
    referred = make_case(session, CaseStatus.REFERRED)
    referred.sla_due_at = T0 + timedelta(hours=10)
    session.add(referred)
    oldest = session.exec(select(Application).order_by(Application.sla_due_at)).first()
    oldest.submitted_at = T0 - timedelta(days=2, hours=1)
    session.add(oldest)
    session.commit()
    claim_next_case(session, checker_id="checker.one", now=T0)

    counts = queue_counts(session, now=T0)
    assert (counts.waiting, counts.in_review, counts.referred, counts.breaching_sla) == (2, 1, 1, 1)
    assert counts.oldest_age == timedelta(days=2, hours=1)


def test_an_unknown_page_token_is_refused_with_what_to_do(session: Session) -> None:
    with pytest.raises(ValueError, match="go back to the first page"):
        list_queue(session, page="page-two")


def test_the_queue_page_reads_a_queue_index_without_sorting(session: Session) -> None:
    """ix_application_queue, or for queued cases ix_application_waiting: both are in order."""
    queued_cases(session, [1, 2, 3])
    statement = queue_page_statement(CaseStatus.QUEUED, QueueFilters(cohort="Nursing 2026"), T0)
    compiled = statement.compile(session.get_bind(), compile_kwargs={"literal_binds": True})
    if is_postgres(session):
        # A three-row table would be read whole; ask what plan the index allows at scale.
        session.execute(text("SET LOCAL enable_seqscan = off"))
        plan = "\n".join(session.execute(text(f"EXPLAIN {compiled}")).scalars())
    else:
        plan = "\n".join(row[-1] for row in session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")))
    session.rollback()
    assert "ix_application_queue" in plan or "ix_application_waiting" in plan
    assert "Sort" not in plan and "TEMP B-TREE" not in plan


def test_oldest_waiting_is_the_longest_wait_even_when_its_sla_is_not_first(
    session: Session,
) -> None:
    first_id, second_id = queued_cases(session, [1, 5])
    first_by_sla = session.get(Application, first_id)
    second_by_sla = session.get(Application, second_id)
    first_by_sla.submitted_at = T0 - timedelta(days=2, hours=12)
    second_by_sla.submitted_at = T0 - timedelta(days=2, hours=23)  # a later SLA, a longer wait
    session.add_all([first_by_sla, second_by_sla])
    session.commit()

    counts = queue_counts(session, now=T0)

    assert counts.oldest_age == timedelta(days=2, hours=23)


# A checker's reserved next case -------------------------------------------------------------


def _holding_one_and_reserving_the_next(session: Session, due_in_hours: list[int]) -> list[int]:
    """checker.one claims the first of these cases and reserves the second, as the review
    page does, then hands the first back: it waits again, due sooner than the reserved one."""
    cases = queued_cases(session, due_in_hours)
    claimed = claim_next_case(session, checker_id="checker.one", now=T0)
    assert claimed is not None and claimed.case_id == cases[0]
    reservation = reserve_next_case(session, checker_id="checker.one", now=T0)
    assert reservation is not None and reservation.case_id == cases[1]
    release_case(session, case_id=cases[0], checker_id="checker.one", now=T0)
    return cases


def test_a_checker_is_given_the_case_they_reserved_even_if_another_is_due_sooner(
    session: Session,
) -> None:
    """Their browser has already loaded its images: that is what makes the next case instant."""
    handed_back, reserved, _ = _holding_one_and_reserving_the_next(session, [1, 2, 3])

    claimed = claim_next_case(session, checker_id="checker.one", now=T0 + timedelta(seconds=5))

    assert claimed is not None and claimed.case_id == reserved
    case = session.get(Application, reserved, populate_existing=True)
    assert (case.status, case.lease_holder, case.reserved_by) == ("in_review", "checker.one", None)
    assert session.get(Application, handed_back).status == "queued"
    assert audit_actions(session, reserved)[-1][:2] == ("case.claim", "checker.one")
    assert verify_audit_chain(session).ok


def test_a_reservation_that_ran_out_is_not_honoured(session: Session) -> None:
    handed_back, _, _ = _holding_one_and_reserving_the_next(session, [1, 2, 3])
    later = T0 + reservation_duration() + timedelta(seconds=1)

    claimed = claim_next_case(session, checker_id="checker.one", now=later)

    assert claimed is not None and claimed.case_id == handed_back  # due soonest


def test_a_reserved_case_found_to_be_the_checker_s_own_is_not_given_to_them(
    session: Session,
) -> None:
    """The applicant's email was corrected after the reservation: the conflict rule still holds."""
    handed_back, reserved, _ = _holding_one_and_reserving_the_next(session, [1, 2, 3])
    case = session.get(Application, reserved)
    case.email = "mary.seacole@example.org"
    session.add(case)
    session.commit()

    claimed = claim_next_case(
        session, checker_id="checker.one", checker_email="Mary.Seacole@example.org", now=T0
    )

    assert claimed is not None and claimed.case_id == handed_back
    assert session.get(Application, reserved, populate_existing=True).lease_holder is None
