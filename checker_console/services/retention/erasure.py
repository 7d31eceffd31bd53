"""Erasure on request: a lead removes an applicant's personal data once the DPO has approved it.

What goes, on every attempt the applicant made (their chain of cases): names, date of birth, NI
number, email and mobile on the case and its invitation, the MRZ text read from their document,
the free text of decisions (the message and the internal note might name them), the payloads
of finished outbox messages, and the images (deleted from the store like a purge's).

What stays: the case rows with their statuses, dates, decisions' outcomes and reasons, and the
documents' content hashes, so every figure on the dashboards still adds up; an ``Erasure``
tombstone per case (who, when, the DPO's reference, why); and ``case.erased`` audit events. The
audit log never held personal data (its details are ids and codes), so the chain is untouched
and still verifies.

An open case cannot be erased: its work (a review, a profile being created) needs the data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, select

from checker_console.adapters.blobs import BlobStore
from checker_console.clock import utcnow
from checker_console.domain.lifecycle import CaseStatus
from checker_console.services.audit import append_audit
from checker_console.services.downstream.outbox import OutboxStatus
from checker_console.services.retention.purge import delete_purged_blobs
from checker_console.services.unit_of_work import unit_of_work
from checker_console.store.models import Application, Decision, Document, Invitation, OutboxMessage
from checker_console.store.retention_models import Erasure

ERASED = "[erased]"
#: A date of birth nobody has, where the column cannot be empty.
ERASED_DATE = date(1900, 1, 1)
#: Statuses in which nothing more will happen to a case without a new application.
ERASABLE = frozenset({CaseStatus.REJECTED, CaseStatus.PROFILE_CREATED, CaseStatus.PROFILE_FAILED})


class ErasureRefused(Exception):
    """Why the erasure was not done, next to the field to fix (``field`` names it)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class ErasureResult:
    case_ids: list[int]
    blobs_deleted: int


def erase_applicant(
    session: Session,
    blobs: BlobStore,
    *,
    case_id: int,
    lead_id: str,
    reason: str,
    dpo_reference: str,
    now: datetime | None = None,
) -> ErasureResult:
    """Erase the personal data of the applicant of ``case_id``, on all of their attempts."""
    now = now or utcnow()
    reason, dpo_reference = reason.strip(), dpo_reference.strip()
    if not dpo_reference:
        raise ErasureRefused(
            "dpo_reference", "Enter the data protection officer's reference for this erasure"
        )
    if len(reason) < 10:
        raise ErasureRefused(
            "reason", "Enter why the applicant's data is being erased (at least 10 characters)"
        )
    with unit_of_work(session):
        chain = _attempts_of(session, case_id)
        if not chain:
            raise ErasureRefused("case", f"Case {case_id} does not exist. Check the case number.")
        open_cases = [c for c in chain if c.status not in ERASABLE]
        if open_cases:
            first = open_cases[0]
            raise ErasureRefused(
                "case",
                f"Case {first.id} is still open ({first.status.replace('_', ' ')}): its work "
                "needs the data. Erase once it has been decided and its profile settled.",
            )
        if _has_unsent_messages(session, [c.id for c in chain if c.id is not None]):
            raise ErasureRefused(
                "case",
                "A profile request or an email for this applicant is still waiting to be sent. "
                "Try again once it has gone (the Profiles page shows it).",
            )
        if all(c.erased_at is not None for c in chain):
            raise ErasureRefused("case", f"Case {case_id}'s applicant has already been erased.")
        for case in chain:
            assert case.id is not None
            _erase_case(session, case, now)
            erasure = Erasure(
                application_id=case.id,
                erased_at=now,
                erased_by=lead_id,
                dpo_reference=dpo_reference[:100],
                reason=reason[:1000],
            )
            session.add(erasure)
            session.flush()
            append_audit(
                session,
                actor=lead_id,
                action="case.erased",
                application_id=case.id,
                occurred_at=now,
                detail={"erasure_id": erasure.id, "requested_on_case": case_id},
            )
        ids = [c.id for c in chain if c.id is not None]
    deleted, _shared = delete_purged_blobs(session, blobs, now=now)
    return ErasureResult(case_ids=ids, blobs_deleted=deleted)


def _attempts_of(session: Session, case_id: int) -> list[Application]:
    """Every attempt linked to this case, earlier and later, row-locked, oldest first."""
    seen: dict[int, Application] = {}
    frontier = [case_id]
    while frontier:
        found = session.exec(
            select(Application)
            .where(
                col(Application.id).in_(frontier)
                | col(Application.previous_application_id).in_(frontier)
            )
            .with_for_update()
        ).all()
        frontier = []
        for case in found:
            assert case.id is not None
            if case.id not in seen:
                seen[case.id] = case
                frontier.append(case.id)
                if case.previous_application_id and case.previous_application_id not in seen:
                    frontier.append(case.previous_application_id)
    return sorted(seen.values(), key=lambda c: c.id or 0)


def _erase_case(session: Session, case: Application, now: datetime) -> None:
    case.given_name = case.family_name = ERASED
    case.date_of_birth = ERASED_DATE
    case.ni_number = case.email = ""
    case.erased_at = now
    case.updated_at = now
    session.add(case)
    invitation = session.get(Invitation, case.invitation_id)
    if invitation is not None:
        invitation.given_name = invitation.family_name = ERASED
        invitation.date_of_birth = ERASED_DATE
        invitation.email = invitation.mobile = ""
        session.add(invitation)
    for document in session.exec(select(Document).where(Document.application_id == case.id)):
        document.mrz_text = None
        session.add(document)
    for decision in session.exec(select(Decision).where(Decision.application_id == case.id)):
        decision.applicant_message = ERASED if decision.applicant_message else ""
        decision.internal_note = ERASED if decision.internal_note else ""
        session.add(decision)
    for message in session.exec(
        select(OutboxMessage).where(OutboxMessage.application_id == case.id)
    ):
        message.payload = {"erased": True}
        session.add(message)


def _has_unsent_messages(session: Session, case_ids: list[int]) -> bool:
    return (
        session.exec(
            select(OutboxMessage.id)
            .where(col(OutboxMessage.application_id).in_(case_ids))
            .where(col(OutboxMessage.status).in_([OutboxStatus.PENDING, OutboxStatus.IN_FLIGHT]))
            .limit(1)
        ).first()
        is not None
    )
