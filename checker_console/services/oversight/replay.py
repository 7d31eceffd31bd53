"""Blind replay: QA sees exactly what the checker saw, decides, and only then sees the original.

:func:`open_replay` returns the recorded material only (``snapshots.py``): images by the hash of
the bytes the checker was served, the panel rows, the aids and the checklist as presented, never
today's data. Nothing in it names the checker or says what they decided. :func:`record_verdict`
takes QA's own decision under the same rules a checker's has (approve needs every checklist
item, reject a published reason, refer a note); :func:`reveal` then shows both side by side.
A replay changes nothing about the case: it writes no outbox message and no status. Nobody
replays their own decision. Every step is an audit event.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from checker_console.clock import utcnow
from checker_console.domain.decisions import (
    DecisionOutcome,
    DecisionRefused,
    checked_text,
    checklist_answers,
    rejection_reasons,
    require_every_item_confirmed,
)
from checker_console.domain.reasons import REASON_TEXT, RejectionReason
from checker_console.services.audit import append_audit
from checker_console.services.cases.overview import images_deleted_notice
from checker_console.services.identity.sessions import display_names, name_or_id
from checker_console.services.oversight.snapshots import RecordedImage, recorded_images
from checker_console.services.oversight.viewing_trail import TrailLine, trail_for
from checker_console.services.unit_of_work import read_only, unit_of_work
from checker_console.store.models import Application, Decision
from checker_console.store.qa_models import DecisionSnapshot, QaSample, QaVerdict

__all__ = [
    "DecisionRefused",
    "NotYours",
    "OwnDecision",
    "ReplayMaterial",
    "Reveal",
    "open_replay",
    "reason_label",
    "record_verdict",
    "reveal",
]


class NotYours(Exception):
    """The replay cannot go ahead; ``message`` says why and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class OwnDecision(NotYours):
    def __init__(self) -> None:
        super().__init__(
            "You made this decision, so you cannot replay it. Choose another case from the list."
        )


@dataclass(frozen=True)
class ReplayMaterial:
    sample_id: int
    case_id: int
    images: list[RecordedImage]
    facts: list[dict[str, Any]]
    data_rows: list[dict[str, Any]]
    aids: list[dict[str, Any]]
    #: [{key, shortcut, text}]: as presented, with nothing ticked.
    checklist: list[dict[str, Any]]
    has_verdict: bool
    #: "Images deleted on … under the retention policy" once purged or erased; else "".
    images_deleted: str = ""


@dataclass(frozen=True)
class Reveal:
    sample_id: int
    case_id: int
    checker_name: str
    checker_outcome: str
    checker_reasons: list[str]
    checker_note: str
    checker_seconds: float | None
    checker_checklist: list[dict[str, Any]]
    qa_name: str
    qa_outcome: str
    qa_reasons: list[str]
    qa_note: str
    agrees: bool
    adjudication: str
    trail: list[TrailLine]


def recorded_image_url(sample_id: int, sha256: str) -> str:
    """Where the browser fetches a recorded image: ``web/recorded_images.py`` checks and audits."""
    return f"/qa/images/{sample_id}/{sha256}"


def reason_label(code: str) -> str:
    try:
        return REASON_TEXT[RejectionReason(code)].label
    except ValueError:
        return code


def _load(session: Session, sample_id: int, reviewer_id: str) -> tuple[QaSample, DecisionSnapshot]:
    sample = session.get(QaSample, sample_id)
    if sample is None:
        raise NotYours(f"There is no QA sample {sample_id}. Choose a case from the QA list.")
    if sample.checker_id == reviewer_id:
        raise OwnDecision()
    snapshot = session.exec(
        select(DecisionSnapshot).where(DecisionSnapshot.decision_id == sample.decision_id)
    ).first()
    if snapshot is None:
        raise NotYours(f"Sample {sample_id} has no record of what the checker saw.")
    return sample, snapshot


def open_replay(session: Session, *, sample_id: int, reviewer_id: str) -> ReplayMaterial:
    """The recorded material of a drawn decision, without the decision; audited."""
    with unit_of_work(session):
        sample, snapshot = _load(session, sample_id, reviewer_id)
        has_verdict = _verdict(session, sample_id) is not None
        append_audit(
            session,
            actor=reviewer_id,
            action="qa.replay_opened",
            application_id=sample.application_id,
            detail={"sample_id": sample_id},
        )
        return ReplayMaterial(
            sample_id=sample_id,
            case_id=sample.application_id,
            images=recorded_images(snapshot),
            facts=list(snapshot.facts),
            data_rows=list(snapshot.data_rows),
            aids=list(snapshot.aids),
            checklist=[
                {key: line[key] for key in ("key", "shortcut", "text")}
                for line in snapshot.checklist
            ],
            has_verdict=has_verdict,
            images_deleted=_images_deleted(session, sample.application_id),
        )


def _images_deleted(session: Session, case_id: int) -> str:
    case = session.get(Application, case_id)
    if case is None:
        return ""
    notice = images_deleted_notice(images_purged_at=case.images_purged_at, erased_at=case.erased_at)
    return notice or ""


def record_verdict(
    session: Session,
    *,
    sample_id: int,
    reviewer_id: str,
    outcome: str,
    checklist: Mapping[str, bool] | None = None,
    reasons: Sequence[str] = (),
    note: str = "",
    now: datetime | None = None,
) -> bool:
    """Record QA's verdict; True if it agrees with the checker's outcome. Audited."""
    now = now or utcnow()
    with unit_of_work(session):
        sample, _ = _load(session, sample_id, reviewer_id)
        if _verdict(session, sample_id) is not None:
            raise NotYours("A verdict is already recorded for this case: it cannot be changed.")
        answers = checklist_answers(checklist)
        chosen: list[str] = []
        if outcome == DecisionOutcome.APPROVED:
            require_every_item_confirmed(answers)
        elif outcome == DecisionOutcome.REJECTED:
            chosen = [reason.value for reason in rejection_reasons(reasons)]
        elif outcome != DecisionOutcome.REFERRED:
            raise DecisionRefused("decision", "Choose approve, reject or refer")
        clean_note = (
            checked_text(
                note,
                field="note",
                label="The note",
                required_message="Enter a note saying why you would refer this case",
            )
            if outcome == DecisionOutcome.REFERRED
            else (note or "").strip()[:4000]
        )
        decision = session.get(Decision, sample.decision_id)
        assert decision is not None
        agrees = outcome == decision.outcome
        session.add(
            QaVerdict(
                sample_id=sample_id,
                reviewer_id=reviewer_id,
                outcome=outcome,
                reasons=chosen,
                checklist=answers,
                note=clean_note,
                agrees=agrees,
                adjudication="none" if agrees else "waiting",
                recorded_at=now,
            )
        )
        sample.status = "replayed"
        session.add(sample)
        append_audit(
            session,
            actor=reviewer_id,
            action="qa.verdict",
            application_id=sample.application_id,
            detail={"sample_id": sample_id, "outcome": outcome, "agrees": agrees},
            occurred_at=now,
        )
        return agrees


def reveal(session: Session, *, sample_id: int, viewer_id: str) -> Reveal:
    """The checker's decision beside QA's, with the viewing trail: only once QA has decided."""
    with unit_of_work(session):
        sample, snapshot = _load(session, sample_id, viewer_id)
        verdict = _verdict(session, sample_id)
        if verdict is None:
            raise NotYours("Record your own verdict first: the original shows after that.")
        decision = session.get(Decision, sample.decision_id)
        assert decision is not None
        names = display_names(session, [decision.checker_id, verdict.reviewer_id])
        append_audit(
            session,
            actor=viewer_id,
            action="qa.revealed",
            application_id=sample.application_id,
            detail={"sample_id": sample_id},
        )
        return Reveal(
            sample_id=sample_id,
            case_id=sample.application_id,
            checker_name=name_or_id(names, decision.checker_id) or decision.checker_id,
            checker_outcome=decision.outcome,
            checker_reasons=[reason_label(code) for code in decision.reasons],
            checker_note=decision.internal_note,
            checker_seconds=decision.seconds_to_decide,
            checker_checklist=list(snapshot.checklist),
            qa_name=name_or_id(names, verdict.reviewer_id) or verdict.reviewer_id,
            qa_outcome=verdict.outcome,
            qa_reasons=[reason_label(code) for code in verdict.reasons],
            qa_note=verdict.note,
            agrees=verdict.agrees,
            adjudication=verdict.adjudication,
            trail=trail_for(session, snapshot),
        )


def _verdict(session: Session, sample_id: int) -> QaVerdict | None:
    return session.exec(select(QaVerdict).where(QaVerdict.sample_id == sample_id)).first()


def replay_allowed(session: Session, *, sample_id: int, sha256: str, viewer_id: str) -> int | None:
    """The case id if ``sha256`` is an image recorded for ``sample_id`` and the viewer may see
    it (anyone but the checker who decided); else None. The image route asks this."""
    with read_only(session):
        try:
            sample, snapshot = _load(session, sample_id, viewer_id)
        except NotYours:
            return None
        hashes = {h for i in snapshot.images for h in (i["preview_sha256"], i["thumbnail_sha256"])}
        return sample.application_id if sha256 in hashes else None
