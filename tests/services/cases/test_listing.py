"""The case list: pages, sorting, filters and thumbnails, as a lead or checker would notice them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import insert, select
from sqlmodel import Session

from checker_console.clock import utcnow
from checker_console.services.cases.listing import (
    InvalidCaseQuery,
    case_filters,
    list_cases,
)
from checker_console.services.cases.overview import case_overview
from checker_console.store.models import Application, Decision, Document, Invitation
from tests.factories import make_org

GIVEN = ["Ada", "Bryn", "Cara", "Dev", "Elin"]
FAMILY = ["Quill", "Rowan", "Sable", "Thorn"]
STATUSES = ["queued", "queued", "in_review", "approved", "rejected"]


def _insert_cases(session: Session, count: int) -> list[int]:
    """``count`` cases, case i submitted i hours ago, over two organisations and two cohorts."""
    riverside = make_org(session, "RX1", "Riverside University")
    hillside = make_org(session, "HL2", "Hillside NHS Trust")
    now = utcnow()
    invitation_rows = [
        {
            "organisation_id": (riverside, hillside)[i % 2].id,
            "cohort": ("Nursing 2026", "Midwifery 2026")[i // 2 % 2],
            "given_name": GIVEN[i % len(GIVEN)],
            "family_name": FAMILY[i % len(FAMILY)],
            "date_of_birth": date(2000, 1, 1) + timedelta(days=i),
            "email": f"applicant{i}@example.org",
            "mobile": "07700900123",
            "import_key": f"key-{i:06d}",
            "token": f"token-{i:06d}",
            "created_at": now,
            "expires_at": now + timedelta(days=28),
        }
        for i in range(count)
    ]
    session.execute(insert(Invitation), invitation_rows)
    invitations = session.execute(
        select(Invitation.id, Invitation.organisation_id, Invitation.cohort).order_by(Invitation.id)
    ).all()
    session.execute(
        insert(Application),
        [
            {
                "invitation_id": invitation_id,
                "organisation_id": organisation_id,
                "cohort": cohort,
                "status": STATUSES[i % len(STATUSES)],
                "given_name": GIVEN[i % len(GIVEN)],
                "family_name": FAMILY[i % len(FAMILY)],
                "date_of_birth": date(2000, 1, 1) + timedelta(days=i),
                "ni_number": f"QQ{i:06d}C",
                "email": f"applicant{i}@example.org",
                "submitted_at": now - timedelta(hours=i),
                "sla_due_at": now - timedelta(hours=i) + timedelta(days=2 + i % 3),
                "updated_at": now,
            }
            for i, (invitation_id, organisation_id, cohort) in enumerate(invitations)
        ],
    )
    session.commit()
    return list(session.execute(select(Application.id).order_by(Application.id)).scalars())


def _add_document(session: Session, case_id: int, kind: str, position: int) -> int:
    document = Document(
        application_id=case_id,
        position=position,
        kind=kind,
        content_type="image/jpeg",
        blob_key="0" * 64,
        sha256="0" * 64,
        size_bytes=1,
        width=1,
        height=1,
        preview_key="0" * 64,
        thumbnail_key="0" * 64,
    )
    session.add(document)
    session.commit()
    assert document.id is not None
    return document.id


def test_paging_walks_every_case_once_newest_first(session: Session) -> None:
    _insert_cases(session, 60)

    pages = [list_cases(session, page=n) for n in (1, 2, 3)]

    assert [len(p.rows) for p in pages] == [25, 25, 10]
    assert all(p.total == 60 and p.page_count == 3 for p in pages)
    seen = [row.id for p in pages for row in p.rows]
    assert len(set(seen)) == 60
    submitted = [row.submitted_at for p in pages for row in p.rows]
    assert submitted == sorted(submitted, reverse=True)
    assert (pages[0].has_previous, pages[0].has_next) == (False, True)
    assert (pages[2].has_previous, pages[2].has_next) == (True, False)


def test_a_page_past_the_end_shows_the_last_page(session: Session) -> None:
    _insert_cases(session, 30)

    result = list_cases(session, page=9)

    assert result.page == 2
    assert len(result.rows) == 5


def test_larger_pages_hold_more_cases(session: Session) -> None:
    _insert_cases(session, 60)

    assert len(list_cases(session, page_size=50).rows) == 50
    assert len(list_cases(session, page_size=100).rows) == 60


def test_sorting_by_name_orders_by_family_then_given_name(session: Session) -> None:
    _insert_cases(session, 30)

    rows = list_cases(session, sort="name", descending=False, page_size=50).rows

    names = [(row.family_name, row.given_name) for row in rows]
    assert names == sorted(names)
    assert rows[0].family_name == "Quill"


def test_sorting_by_sla_due_puts_the_most_urgent_first(session: Session) -> None:
    _insert_cases(session, 30)

    rows = list_cases(session, sort="sla_due", descending=False, page_size=50).rows

    due = [row.sla_due_at for row in rows]
    assert due == sorted(due)


def test_sorting_by_status_groups_cases_of_one_status(session: Session) -> None:
    _insert_cases(session, 30)

    rows = list_cases(session, sort="status", descending=False, page_size=50).rows

    statuses = [row.status for row in rows]
    assert statuses == sorted(statuses)


def test_filters_narrow_the_list_and_the_total(session: Session) -> None:
    _insert_cases(session, 60)

    queued = list_cases(session, status="queued", page_size=100)
    riverside = list_cases(session, organisation_code="RX1", page_size=100)
    nursing_at_hillside = list_cases(
        session, organisation_code="HL2", cohort="Nursing 2026", page_size=100
    )

    assert queued.total == 24 and {row.status for row in queued.rows} == {"queued"}
    assert riverside.total == 30
    assert {row.organisation_code for row in riverside.rows} == {"RX1"}
    assert nursing_at_hillside.total == 15
    assert {(r.organisation_code, r.cohort) for r in nursing_at_hillside.rows} == {
        ("HL2", "Nursing 2026")
    }
    assert list_cases(session, organisation_code="NOPE").total == 0


def test_an_unknown_sort_or_page_size_is_refused_with_the_choices(session: Session) -> None:
    with pytest.raises(InvalidCaseQuery, match="submitted, sla_due, name, status"):
        list_cases(session, sort="ni_number")
    with pytest.raises(InvalidCaseQuery, match="25, 50, 100"):
        list_cases(session, page_size=1000)
    with pytest.raises(InvalidCaseQuery, match="pages start at 1"):
        list_cases(session, page=0)


def test_the_thumbnail_is_the_first_photo_id_not_the_selfie(session: Session) -> None:
    first, second, third = _insert_cases(session, 3)
    _add_document(session, first, "selfie", 0)
    passport_back = _add_document(session, first, "driving_licence", 2)
    passport_front = _add_document(session, first, "driving_licence", 1)
    _add_document(session, second, "proof_of_address", 0)

    rows = {row.id: row for row in list_cases(session).rows}
    without = {row.id: row for row in list_cases(session, include_thumbnails=False).rows}

    assert rows[first].thumbnail_document_id == passport_front != passport_back
    assert rows[second].thumbnail_document_id is None
    assert rows[third].thumbnail_document_id is None
    assert without[first].thumbnail_document_id is None


def test_filter_choices_are_the_values_cases_actually_have(session: Session) -> None:
    make_org(session, "ZZ9", "Organisation with no cases")
    _insert_cases(session, 10)

    options = case_filters(session)

    assert options.statuses == ["queued", "in_review", "approved", "rejected"]
    assert [o.code for o in options.organisations] == ["HL2", "RX1"]
    assert options.cohorts == ["Midwifery 2026", "Nursing 2026"]


def test_the_case_overview_lists_documents_in_order(session: Session) -> None:
    (case_id,) = _insert_cases(session, 1)
    selfie = _add_document(session, case_id, "selfie", 1)
    passport = _add_document(session, case_id, "passport", 0)

    overview = case_overview(session, case_id)

    assert overview is not None
    assert overview.case.full_name == "Ada Quill"
    assert overview.case.organisation_name == "Riverside University"
    assert [d.id for d in overview.documents] == [passport, selfie]
    assert case_overview(session, case_id + 1) is None


def _decide(session: Session, case_id: int, checker_id: str, outcome: str) -> None:
    session.add(Decision(application_id=case_id, checker_id=checker_id, outcome=outcome))
    session.commit()


def test_a_checkers_list_holds_only_the_cases_they_decided_with_their_outcome(
    session: Session,
) -> None:
    case_ids = _insert_cases(session, 8)
    _decide(session, case_ids[1], "checker.one", "approved")
    _decide(session, case_ids[4], "checker.one", "rejected")
    _decide(session, case_ids[5], "checker.two", "approved")

    mine = list_cases(session, decided_by="checker.one", include_thumbnails=False)
    everyone = list_cases(session)

    assert mine.total == 2
    assert {row.id: row.decided_outcome for row in mine.rows} == {
        case_ids[1]: "approved",
        case_ids[4]: "rejected",
    }
    assert all(row.decided_at is not None for row in mine.rows)
    assert everyone.total == 8
    assert all(row.decided_outcome is None for row in everyone.rows)


def test_a_checker_who_decided_nothing_has_an_empty_list(session: Session) -> None:
    _insert_cases(session, 5)

    assert list_cases(session, decided_by="checker.one").total == 0


def test_a_checker_opens_only_the_cases_they_hold_or_decided_and_leads_open_any(
    session: Session,
) -> None:
    from checker_console.domain.lifecycle import CaseStatus
    from checker_console.services.cases.overview import may_open_case
    from checker_console.services.identity.sessions import SignedInUser
    from checker_console.store.models import Decision
    from tests.factories import make_case

    held = make_case(session, CaseStatus.IN_REVIEW, actor="checker.one")
    held.lease_holder = "checker.one"
    decided = make_case(session, CaseStatus.REJECTED)
    someone_elses = make_case(session, CaseStatus.REJECTED)
    session.add(held)
    session.add(Decision(application_id=decided.id, checker_id="checker.one", outcome="rejected"))
    session.add(
        Decision(application_id=someone_elses.id, checker_id="checker.two", outcome="rejected")
    )
    session.commit()

    def user(roles: list[str]) -> SignedInUser:
        return SignedInUser(user_id="checker.one", display_name="Sam Patel", roles=roles)

    checker, lead = user(["checker"]), user(["lead"])
    assert may_open_case(session, held.id, checker)
    assert may_open_case(session, decided.id, checker)
    assert not may_open_case(session, someone_elses.id, checker)
    assert may_open_case(session, someone_elses.id, lead)
