"""The retention purge: delete the images of cases past their window, in small audited batches.

Two steps, so that a crash anywhere leaves nothing a rerun would not finish:

1. **Mark** (one transaction per batch): each due case gets ``images_purged_at`` and a
   ``case.images_purged`` audit event naming the rule that applied and how many documents it had.
   From this commit on, the image route answers "deleted" for the case, whatever the store holds.
2. **Delete** (idempotent): every document of a purged or erased case whose blobs are not yet
   deleted has its kept copy, preview and thumbnail removed from the store, except a blob that a
   document of a case still keeping its images refers to (blobs are content-addressed, so two
   cases can share one). Then ``blobs_deleted_at`` is set. A crash between a delete and that
   commit means the next run deletes again: deleting what is gone is not an error.

The case keeps its decision, its documents' rows (and so the content hashes of what was shown)
and its audit trail, so ``verify-audit`` still passes. Invitations nobody answered are deleted
outright once their window has passed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel import Session, col, or_, select
from sqlmodel.sql.expression import Select, SelectOfScalar

from checker_console.adapters.blobs import BlobStore
from checker_console.clock import utcnow
from checker_console.domain.decisions import DecisionOutcome
from checker_console.domain.retention import (
    FINISHED,
    CaseForRetention,
    RetentionPolicy,
    images_kept_until,
    window_name,
)
from checker_console.services.audit import append_audit
from checker_console.services.unit_of_work import fresh, unit_of_work
from checker_console.store.models import Application, Decision, Document, Invitation
from checker_console.store.qa_models import QaSample, QaVerdict

SYSTEM = "system"


@dataclass(frozen=True)
class DueCase:
    case_id: int
    rule: str
    kept_until: datetime
    documents: int


@dataclass
class PurgeReport:
    """What a run did (or, in a dry run, would do)."""

    dry_run: bool
    cases: list[DueCase] = field(default_factory=list)
    blobs_deleted: int = 0
    blobs_shared_kept: int = 0
    invitations_deleted: int = 0

    def lines(self) -> list[str]:
        verb = "would delete" if self.dry_run else "deleted"
        out = [
            f"case {c.case_id}: {verb} the images of {c.documents} document(s) "
            f"({c.rule} rule, kept until {c.kept_until:%Y-%m-%d})"
            for c in self.cases
        ]
        out.append(
            f"{len(self.cases)} case(s) {'due' if self.dry_run else 'purged'}, "
            f"{self.blobs_deleted} blob(s) deleted, {self.blobs_shared_kept} shared blob(s) kept, "
            f"{self.invitations_deleted} unanswered invitation(s) "
            f"{'due' if self.dry_run else 'deleted'}"
        )
        return out


def purge(
    session: Session,
    blobs: BlobStore,
    policy: RetentionPolicy,
    *,
    now: datetime | None = None,
    batch: int = 50,
    dry_run: bool = False,
    max_batches: int | None = None,
) -> PurgeReport:
    """Mark every due case, delete their blobs, delete stale invitations; report what happened.

    ``max_batches`` stops marking early (tests use it to stop a run half way, as a crash would).
    """
    now = now or utcnow()
    report = PurgeReport(dry_run=dry_run)
    if dry_run:
        report.cases = due_cases(session, policy, now=now)
        report.invitations_deleted = len(_stale_invitation_ids(session, policy, now))
        session.rollback()
        return report
    batches = 0
    while max_batches is None or batches < max_batches:
        marked = _mark_batch(session, policy, now=now, batch=batch)
        report.cases.extend(marked)
        batches += 1
        if len(marked) < batch:
            break
    deleted, shared = delete_purged_blobs(session, blobs, now=now)
    report.blobs_deleted, report.blobs_shared_kept = deleted, shared
    report.invitations_deleted = _delete_stale_invitations(session, policy, now=now)
    return report


def due_cases(session: Session, policy: RetentionPolicy, *, now: datetime) -> list[DueCase]:
    """Finished cases whose images are past their window, oldest decision first."""
    return _due(session, list(session.exec(_candidates(policy, now)).all()), policy, now)


def _candidates(policy: RetentionPolicy, now: datetime) -> SelectOfScalar[Application]:
    return (
        select(Application)
        .where(col(Application.status).in_(list(FINISHED)))
        .where(col(Application.images_purged_at).is_(None))
        .where(col(Application.erased_at).is_(None))
        .where(col(Application.is_golden).is_(False))
        .where(col(Application.decided_at) <= now - policy.shortest)
        .where(col(Application.id).not_in(_held_for_qa()))
        .order_by(col(Application.decided_at), col(Application.id))
    )


def _held_for_qa() -> Select[tuple[int]]:
    """Cases whose QA is not over: drawn and not yet replayed, or a disagreement not yet ruled.

    QA replays exactly the images the checker saw, so they outlive the window until then.
    """
    waiting = select(col(QaSample.application_id)).where(col(QaSample.status) == "waiting")
    unruled = (
        select(col(QaSample.application_id))
        .join(QaVerdict, col(QaVerdict.sample_id) == col(QaSample.id))
        .where(col(QaVerdict.adjudication) == "waiting")
    )
    return waiting.union(unruled)  # type: ignore[return-value]


def _due(
    session: Session, cases: list[Application], policy: RetentionPolicy, now: datetime
) -> list[DueCase]:
    ids = [c.id for c in cases if c.id is not None]
    referred = _ever_referred(session, ids)
    counts = _document_counts(session, ids)
    due = []
    for case in cases:
        assert case.id is not None
        facts = CaseForRetention(
            status=case.status,
            decided_at=case.decided_at,
            was_referred=case.id in referred,
            is_golden=case.is_golden,
        )
        until = images_kept_until(facts, policy)
        if until is not None and until <= now:
            due.append(DueCase(case.id, window_name(facts), until, counts.get(case.id, 0)))
    return due


def _mark_batch(
    session: Session, policy: RetentionPolicy, *, now: datetime, batch: int
) -> list[DueCase]:
    with unit_of_work(session):
        locked = session.exec(
            fresh(_candidates(policy, now)).limit(batch).with_for_update(skip_locked=True)
        ).all()
        due = _due(session, list(locked), policy, now)
        by_id = {c.id: c for c in locked}
        for item in due:
            case = by_id[item.case_id]
            case.images_purged_at = now
            session.add(case)
            append_audit(
                session,
                actor=SYSTEM,
                action="case.images_purged",
                application_id=item.case_id,
                occurred_at=now,
                detail={
                    "rule": item.rule,
                    "kept_until": item.kept_until.isoformat(),
                    "documents": item.documents,
                },
            )
        return due


def delete_purged_blobs(
    session: Session, blobs: BlobStore, *, now: datetime | None = None, batch: int = 200
) -> tuple[int, int]:
    """Delete the blobs of purged and erased cases; (deleted, kept because shared)."""
    now = now or utcnow()
    deleted = shared = 0
    while True:
        with unit_of_work(session):
            documents = session.exec(
                fresh(select(Document))
                .join(Application, col(Application.id) == col(Document.application_id))
                .where(
                    or_(
                        col(Application.images_purged_at).is_not(None),
                        col(Application.erased_at).is_not(None),
                    )
                )
                .where(col(Document.blobs_deleted_at).is_(None))
                .order_by(col(Document.id))
                .limit(batch)
                .with_for_update(skip_locked=True)
            ).all()
            keys = {k for d in documents for k in _keys_of(d)}
            still_needed = _keys_still_needed(session, keys)
            for key in keys:
                if key in still_needed:
                    shared += 1
                    continue
                blobs.delete(key)
                deleted += 1
            for document in documents:
                document.blobs_deleted_at = now
                session.add(document)
        if len(documents) < batch:
            return deleted, shared


def _keys_of(document: Document) -> tuple[str, str, str]:
    return (document.blob_key, document.preview_key, document.thumbnail_key)


def _keys_still_needed(session: Session, keys: Iterable[str]) -> set[str]:
    """Those of ``keys`` that a document of a case still keeping its images refers to."""
    keys = list(keys)
    if not keys:
        return set()
    rows = session.exec(
        select(Document.blob_key, Document.preview_key, Document.thumbnail_key)
        .join(Application, col(Application.id) == col(Document.application_id))
        .where(col(Application.images_purged_at).is_(None))
        .where(col(Application.erased_at).is_(None))
        .where(
            or_(
                col(Document.blob_key).in_(keys),
                col(Document.preview_key).in_(keys),
                col(Document.thumbnail_key).in_(keys),
            )
        )
    ).all()
    return {key for row in rows for key in row} & set(keys)


def _ever_referred(session: Session, case_ids: list[int]) -> set[int]:
    if not case_ids:
        return set()
    rows = session.exec(
        select(Decision.application_id)
        .where(col(Decision.application_id).in_(case_ids))
        .where(Decision.outcome == DecisionOutcome.REFERRED)
    ).all()
    return set(rows)


def _document_counts(session: Session, case_ids: list[int]) -> dict[int, int]:
    counts: dict[int, int] = {}
    if case_ids:
        for case_id in session.exec(
            select(Document.application_id).where(col(Document.application_id).in_(case_ids))
        ).all():
            counts[case_id] = counts.get(case_id, 0) + 1
    return counts


def _stale_invitation_ids(session: Session, policy: RetentionPolicy, now: datetime) -> list[int]:
    cutoff = now - timedelta(days=policy.unsubmitted_invitation_days)
    answered = select(Application.invitation_id)
    return [
        i
        for i in session.exec(
            select(Invitation.id)
            .where(col(Invitation.submitted_at).is_(None))
            .where(col(Invitation.expires_at) <= cutoff)
            .where(col(Invitation.id).not_in(answered))
        ).all()
        if i is not None
    ]


def _delete_stale_invitations(session: Session, policy: RetentionPolicy, *, now: datetime) -> int:
    with unit_of_work(session):
        ids = _stale_invitation_ids(session, policy, now)
        for invitation_id in ids:
            invitation = session.get(Invitation, invitation_id)
            if invitation is None:
                continue
            append_audit(
                session,
                actor=SYSTEM,
                action="invitation.deleted",
                occurred_at=now,
                detail={
                    "invitation_id": invitation_id,
                    "organisation_id": invitation.organisation_id,
                    "reason": "never answered; past the retention window",
                },
            )
            session.delete(invitation)
        return len(ids)
