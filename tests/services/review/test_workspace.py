"""The review workspace's data, the prefetch reservation and the queue page's one call."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import event
from sqlmodel import Session

from checker_console.clock import utcnow
from checker_console.domain.lifecycle import CaseStatus
from checker_console.domain.mrz import MrzData, build_td3
from checker_console.domain.reasons import RejectionReason
from checker_console.services.queue.claims import claim_next_case
from checker_console.services.queue.listing import QueueFilters
from checker_console.services.queue.page import load_queue_view, queue_filter_options
from checker_console.services.queue.reservations import (
    release_reservation,
    reservation_is_held,
    reserve_next_case,
)
from checker_console.services.review.decisions import reject_case
from checker_console.services.review.workspace import (
    CaseNotLeasedToYou,
    Tone,
    may_view_as_earlier_attempt,
    open_workspace,
)
from checker_console.store.models import Application, Document
from tests.factories import make_case

BORN = date(2001, 5, 12)  # the factories' Florence Nightingale


def _mrz(born: date = BORN, *, spoil_birth_digit: bool = False) -> str:
    line1, line2 = build_td3(
        MrzData(
            "P", "GBR", "Nightingale", "Florence", "533401372", "GBR", born, "F",
            utcnow().date() + timedelta(days=900),
        )
    )  # fmt: skip
    if spoil_birth_digit:
        line2 = line2[:19] + str((int(line2[19]) + 1) % 10) + line2[20:]
    return f"{line1}\n{line2}"


def _document(
    session: Session, case: Application, position: int, kind: str, side: str, **kw: object
) -> None:
    session.add(
        Document(
            application_id=case.id, position=position, kind=kind, side=side,
            content_type="image/jpeg", blob_key="k", sha256="0" * 64, size_bytes=1, width=10,
            height=10, preview_key="p", thumbnail_key="t", **kw,
        )
    )  # fmt: skip


def _queued_case_with_images(
    session: Session, *, mrz: str | None = None, **fields: object
) -> Application:
    case = make_case(session, CaseStatus.QUEUED, **fields)
    _document(session, case, 0, "passport", "page", mrz_text=mrz)
    _document(session, case, 1, "proof_of_address", "page")
    _document(session, case, 2, "selfie", "front")
    session.commit()
    return case


def test_the_workspace_shows_the_held_case_with_its_images_and_a_clean_comparison(
    session: Session,
) -> None:
    case = _queued_case_with_images(session, mrz=_mrz())
    claim_next_case(session, checker_id="checker.one")

    workspace = open_workspace(session, case_id=case.id, checker_id="checker.one")

    assert workspace.full_name == "Florence Nightingale"
    assert [d.label for d in workspace.documents] == [
        "Passport, page 1",
        "Proof of address, page 1",
    ]
    assert workspace.documents[0].preview_url.endswith("/preview")
    assert workspace.selfie is not None and workspace.selfie.kind == "selfie"
    assert workspace.comparison.mismatches == []
    assert [row.document for row in workspace.comparison.fields] == [
        "FLORENCE",
        "NIGHTINGALE",
        "12 May 2001",
    ]
    texts = [aid.text for aid in workspace.aids]
    assert "Aid: MRZ check digits all correct." in texts
    assert any(t.startswith("Aid: In date: expires") for t in texts)
    assert any(t.startswith("Aid: the applicant is ") for t in texts)
    assert all(t.startswith("Aid:") for t in texts)
    assert len(workspace.checklist) == 8 and workspace.checklist[0].shortcut == "1"


def test_opening_a_case_asks_for_its_organisation_and_invitation_once(session: Session) -> None:
    """Both come in one query with the face comparison (every round trip waits for the CPU
    twice under load), and the workspace still names the organisation."""
    case_id = _queued_case_with_images(session, mrz=_mrz()).id
    claim_next_case(session, checker_id="checker.one")
    session.expunge_all()  # nothing already loaded: the workspace reads what it needs
    statements: list[str] = []
    engine = session.get_bind()
    listener = lambda *args: statements.append(" ".join(str(args[2]).split()))  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        workspace = open_workspace(session, case_id=case_id, checker_id="checker.one")
    finally:
        event.remove(engine, "before_cursor_execute", listener)

    assert workspace.organisation_name
    reads = [s for s in statements if "FROM organisation" in s or "FROM invitation" in s]
    assert len(reads) == 1, reads
    assert "JOIN invitation" in reads[0] and "facematch" in reads[0]


def test_a_wrong_check_digit_is_named_as_an_aid_not_a_decision(session: Session) -> None:
    case = _queued_case_with_images(session, mrz=_mrz(spoil_birth_digit=True))
    claim_next_case(session, checker_id="checker.one")

    workspace = open_workspace(session, case_id=case.id, checker_id="checker.one")

    warnings = [aid.text for aid in workspace.aids if aid.tone is Tone.WARNING]
    assert any("MRZ check digit for date of birth is wrong" in text for text in warnings)
    assert workspace.status == CaseStatus.IN_REVIEW


def test_a_document_date_of_birth_that_differs_is_a_mismatch(session: Session) -> None:
    case = _queued_case_with_images(session, mrz=_mrz(date(2001, 5, 21)))
    claim_next_case(session, checker_id="checker.one")

    workspace = open_workspace(session, case_id=case.id, checker_id="checker.one")

    [row] = workspace.comparison.mismatches
    assert row.label == "Date of birth" and row.document == "21 May 2001"


def test_without_an_mrz_the_checker_is_told_to_read_the_document(session: Session) -> None:
    case = _queued_case_with_images(session)
    claim_next_case(session, checker_id="checker.one")

    workspace = open_workspace(session, case_id=case.id, checker_id="checker.one")

    assert not workspace.comparison.has_document_values
    assert any("no machine readable zone" in aid.text for aid in workspace.aids)


def test_an_existing_profile_is_flagged_for_the_checker(session: Session) -> None:
    case = _queued_case_with_images(session)
    case.existing_profile_flag, case.existing_profile_uuid = True, "555000111222"
    session.add(case)
    session.commit()
    claim_next_case(session, checker_id="checker.one")

    workspace = open_workspace(session, case_id=case.id, checker_id="checker.one")

    assert any("555000111222" in a.text and a.tone is Tone.WARNING for a in workspace.aids)


def test_only_the_checker_holding_the_case_can_open_its_workspace(session: Session) -> None:
    case = _queued_case_with_images(session)
    claim_next_case(session, checker_id="checker.one")

    with pytest.raises(CaseNotLeasedToYou, match="being reviewed by checker.one"):
        open_workspace(session, case_id=case.id, checker_id="checker.two")


def test_an_earlier_rejected_attempt_shows_beside_the_new_one_with_its_reasons(
    session: Session,
) -> None:
    first = _queued_case_with_images(session, email="florence@example.org")
    claim_next_case(session, checker_id="checker.two")
    reject_case(
        session, case_id=first.id, checker_id="checker.two",
        reasons=[RejectionReason.DOCUMENT_UNREADABLE], applicant_message=None, internal_note="",
    )  # fmt: skip
    second = _queued_case_with_images(session, email="florence@example.org")
    second.attempt = 2
    session.add(second)
    session.commit()
    claim_next_case(session, checker_id="checker.one")

    workspace = open_workspace(session, case_id=second.id, checker_id="checker.one")

    [earlier] = workspace.earlier_attempts
    assert earlier.case_id == first.id and earlier.outcome == "rejected"
    assert earlier.reason_labels == ["Document blurry or hard to read"]
    assert len(earlier.images) == 3
    assert may_view_as_earlier_attempt(session, case_id=first.id, checker_id="checker.one")
    assert not may_view_as_earlier_attempt(session, case_id=first.id, checker_id="checker.two")


def test_the_previous_application_chain_counts_as_an_earlier_attempt(session: Session) -> None:
    first = _queued_case_with_images(session)
    second = _queued_case_with_images(session)
    second.previous_application_id = first.id
    session.add(second)
    first.sla_due_at = second.sla_due_at + timedelta(days=1)  # the new one is claimed first
    session.add(first)
    session.commit()
    claim_next_case(session, checker_id="checker.one")

    workspace = open_workspace(session, case_id=second.id, checker_id="checker.one")

    assert [a.case_id for a in workspace.earlier_attempts] == [first.id]


def test_a_reservation_holds_the_next_case_for_its_checker_only(session: Session) -> None:
    current = _queued_case_with_images(session)
    following = _queued_case_with_images(session)
    later = _queued_case_with_images(session)
    assert claim_next_case(session, checker_id="checker.one").case_id == current.id

    reservation = reserve_next_case(session, checker_id="checker.one")

    assert reservation is not None and reservation.case_id == following.id
    assert len(reservation.document_ids) == 3
    assert reservation_is_held(session, following.id, "checker.one")
    assert not reservation_is_held(session, following.id, "checker.two")
    assert session.get(Application, following.id).status == CaseStatus.QUEUED
    # Another checker passes over the reserved case while something else is waiting...
    assert claim_next_case(session, checker_id="checker.two").case_id == later.id


def test_the_reserving_checker_gets_their_reserved_case_next(session: Session) -> None:
    current = _queued_case_with_images(session)
    following = _queued_case_with_images(session)
    claim_next_case(session, checker_id="checker.one")
    reserve_next_case(session, checker_id="checker.one")
    reject_case(
        session, case_id=current.id, checker_id="checker.one",
        reasons=["face_mismatch"], applicant_message=None, internal_note="",
    )  # fmt: skip

    claimed = claim_next_case(session, checker_id="checker.one")

    assert claimed is not None and claimed.case_id == following.id
    case = session.get(Application, following.id, populate_existing=True)
    assert case.reserved_by is None and case.lease_holder == "checker.one"


def test_a_reserved_case_is_still_handed_out_when_nothing_else_is_waiting(session: Session) -> None:
    _queued_case_with_images(session)
    only_other = _queued_case_with_images(session)
    claim_next_case(session, checker_id="checker.one")
    reserve_next_case(session, checker_id="checker.one")

    claimed = claim_next_case(session, checker_id="checker.two")

    assert claimed is not None and claimed.case_id == only_other.id
    assert not reservation_is_held(session, only_other.id, "checker.one")


def test_renewing_keeps_the_same_reservation_and_releasing_drops_it(session: Session) -> None:
    _queued_case_with_images(session)
    _queued_case_with_images(session)
    _queued_case_with_images(session)
    claim_next_case(session, checker_id="checker.one")
    now = utcnow()
    first = reserve_next_case(session, checker_id="checker.one", now=now)

    again = reserve_next_case(session, checker_id="checker.one", now=now + timedelta(seconds=60))

    assert again is not None and first is not None and again.case_id == first.case_id
    assert again.reserved_until > first.reserved_until
    release_reservation(session, checker_id="checker.one")
    assert not reservation_is_held(session, first.case_id, "checker.one")


def test_an_empty_queue_reserves_nothing(session: Session) -> None:
    assert reserve_next_case(session, checker_id="checker.one") is None


def test_loading_the_queue_page_returns_abandoned_cases_first(session: Session) -> None:
    case = _queued_case_with_images(session, cohort="Midwifery 2026")
    start = utcnow()
    claim_next_case(session, checker_id="checker.one", now=start, lease=timedelta(seconds=20))

    view = load_queue_view(session, filters=QueueFilters(), now=start + timedelta(seconds=21))

    assert view.returned_to_queue == 1
    assert view.counts.waiting == 1 and view.counts.in_review == 0
    assert [row.case_id for row in view.page.rows] == [case.id]
    assert view.page.rows[0].held_by is None
    options = queue_filter_options(session)
    assert options.cohorts == ["Midwifery 2026"] and options.attempts == [1]
