"""Erasure on request: the applicant's personal data goes from every attempt; the figures stay."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlmodel import Session, select

from checker_console.adapters.blobs import LocalBlobStore
from checker_console.domain.lifecycle import CaseStatus
from checker_console.services.audit import verify_audit_chain
from checker_console.services.retention.erasure import (
    ERASED,
    ErasureRefused,
    erase_applicant,
)
from checker_console.store.models import Application, AuditEvent, Decision, Document, Invitation
from checker_console.store.retention_models import Erasure
from tests.services.retention.support import finished_case

LEAD = "555000000003"


def _erase(session: Session, blobs: LocalBlobStore, case: int, **changes: object):  # noqa: ANN202
    arguments = {
        "case_id": case,
        "lead_id": LEAD,
        "reason": "The applicant asked for their data to be erased (UK GDPR article 17).",
        "dpo_reference": "DPO-2026-0142",
    }
    arguments.update(changes)
    return erase_applicant(session, blobs, **arguments)  # type: ignore[arg-type]


def _everything_text(session: Session, case_ids: list[int]) -> str:
    """Every stored value about these cases, as one string to search for a name in."""
    rows: list[object] = []
    for model in (Application, Decision, Document):
        key = Application.id if model is Application else model.application_id  # type: ignore[attr-defined]
        rows += session.exec(select(model).where(key.in_(case_ids))).all()
    cases = session.exec(select(Application).where(Application.id.in_(case_ids))).all()
    rows += [session.get(Invitation, c.invitation_id) for c in cases]
    return " ".join(repr(row.model_dump()) for row in rows if row is not None)


def test_a_lead_erases_the_applicant_on_every_attempt_and_the_audit_chain_still_verifies(
    session: Session, blobs: LocalBlobStore
) -> None:
    first = finished_case(session, blobs, status=CaseStatus.REJECTED)
    second = finished_case(session, blobs, status=CaseStatus.PROFILE_CREATED)
    second.previous_application_id = first.id
    session.add(second)
    session.commit()
    other = finished_case(session, blobs, status=CaseStatus.REJECTED)
    assert "Florence" in _everything_text(session, [first.id, second.id])

    result = _erase(session, blobs, second.id)

    assert result.case_ids == [first.id, second.id]
    text = _everything_text(session, [first.id, second.id])
    for personal in ("Florence", "Nightingale", "2001-05-12", "QQ123456C", "example.org",
                     "07700900123", "NIGHTINGALE"):  # fmt: skip
        assert personal not in text
    session.expire_all()
    for case_id in (first.id, second.id):
        case = session.get(Application, case_id)
        assert case.given_name == ERASED and case.erased_at is not None
        documents = session.exec(select(Document).where(Document.application_id == case_id))
        for document in documents:
            assert not blobs.exists(document.preview_key) and document.blobs_deleted_at
    assert session.get(Application, other.id).given_name == "Florence"  # nobody else's
    tombstones = session.exec(select(Erasure)).all()
    assert {(t.application_id, t.erased_by, t.dpo_reference) for t in tombstones} == {
        (first.id, LEAD, "DPO-2026-0142"),
        (second.id, LEAD, "DPO-2026-0142"),
    }
    actions = [e.action for e in session.exec(select(AuditEvent))]
    assert actions.count("case.erased") == 2
    assert verify_audit_chain(session).ok


def test_figures_still_add_up_after_an_erasure(session: Session, blobs: LocalBlobStore) -> None:
    cases = [finished_case(session, blobs, status=s) for s in (
        CaseStatus.REJECTED, CaseStatus.PROFILE_CREATED, CaseStatus.REJECTED)]  # fmt: skip

    def figures() -> tuple[Counter[str], Counter[str]]:
        session.expire_all()
        statuses = Counter(c.status for c in session.exec(select(Application)))
        outcomes = Counter(d.outcome for d in session.exec(select(Decision)))
        return statuses, outcomes

    before = figures()
    _erase(session, blobs, cases[0].id)
    assert figures() == before


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"dpo_reference": "  "}, "dpo_reference"),
        ({"reason": "asked"}, "reason"),
        ({"case_id": 999_999}, "case"),
    ],
)
def test_an_erasure_needs_a_dpo_reference_a_reason_and_a_real_case(
    session: Session, blobs: LocalBlobStore, changes: dict[str, object], field: str
) -> None:
    case = finished_case(session, blobs)
    with pytest.raises(ErasureRefused) as refused:
        _erase(session, blobs, case.id, **changes)  # type: ignore[arg-type]
    assert refused.value.field == field
    session.expire_all()
    assert session.get(Application, case.id).given_name == "Florence"


def test_an_open_case_cannot_be_erased_and_nothing_changes(
    session: Session, blobs: LocalBlobStore
) -> None:
    case = finished_case(session, blobs, status=CaseStatus.QUEUED)
    with pytest.raises(ErasureRefused, match="still open"):
        _erase(session, blobs, case.id)
    session.expire_all()
    assert session.get(Application, case.id).given_name == "Florence"
    assert session.exec(select(Erasure)).all() == []
