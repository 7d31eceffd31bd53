"""What happened to one case: its decisions, and every audit event, with the chain checked.

A decided case's page shows who decided, when, what and why (reasons, checklist answers, the
message to the applicant, the internal note, the time it took), and to leads and QA reviewers
the case's whole audit timeline. Each of the case's audit rows is checked against the hash
chain: its own hash is recomputed, and the row before it in the chain must hold the hash it
links to. That proves the case's rows are as written without walking the whole log
(``checker-console verify-audit`` does that).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from checker_console.domain.audit_chain import GENESIS_HASH
from checker_console.domain.reasons import (
    CHECKLIST_TEXT,
    REASON_TEXT,
    ChecklistItem,
    RejectionReason,
)
from checker_console.services.audit import content_holds
from checker_console.services.identity.sessions import display_names, name_or_id
from checker_console.store.models import AuditEvent, Decision

#: Plain words for each audit action a case's timeline can hold.
ACTION_WORDS: dict[str, str] = {
    "application.submitted": "Submitted by the applicant",
    "case.submit": "Submitted",
    "case.enqueue": "Put in the queue",
    "case.claim": "Taken for review",
    "case.release": "Handed back to the queue",
    "case.approve": "Approved",
    "case.reject": "Rejected",
    "case.refer": "Referred for a second opinion",
    "case.request_profile": "CIS profile requested from CIM",
    "case.profile_created": "CIS profile created",
    "case.profile_failed": "CIS profile creation failed",
    "case.retry_profile": "Profile creation retried by a team lead",
    "case.undo": "Decision undone by the checker: back in their hands",
    "image.view": "Viewed images",
    "image.prefetch": "Images loaded ahead (next case)",
    "image.refused": "Image view refused",
}
#: Image views come in bursts (every side, every zoom); consecutive ones by one person are one line.
_GROUPED = frozenset({"image.view", "image.prefetch"})


@dataclass(frozen=True)
class ChecklistAnswer:
    text: str
    confirmed: bool


@dataclass(frozen=True)
class DecisionRecord:
    checker_id: str
    checker_name: str
    outcome: str
    decided_at: datetime
    reasons: list[str]
    checklist: list[ChecklistAnswer]
    applicant_message: str
    internal_note: str
    seconds_to_decide: float | None
    #: When the checker undid it inside its window (it stays on the record), or None.
    undone_at: datetime | None = None


@dataclass(frozen=True)
class TimelineEntry:
    occurred_at: datetime
    actor: str
    action: str
    what: str
    #: How many events this line stands for (consecutive image views are one line).
    count: int = 1


@dataclass(frozen=True)
class CaseHistory:
    decisions: list[DecisionRecord]
    timeline: list[TimelineEntry]
    events_checked: int
    #: Sequence numbers of this case's audit rows that do not hold against the chain.
    broken: list[int]

    @property
    def chain_verified(self) -> bool:
        return not self.broken


def case_history(session: Session, case_id: int) -> CaseHistory:
    decisions = session.exec(
        select(Decision)
        .where(col(Decision.application_id) == case_id)
        .order_by(col(Decision.decided_at), col(Decision.id))
    ).all()
    events = session.exec(
        select(AuditEvent)
        .where(col(AuditEvent.application_id) == case_id)
        .order_by(col(AuditEvent.sequence))
    ).all()
    names = display_names(session, [d.checker_id for d in decisions] + [e.actor for e in events])
    return CaseHistory(
        decisions=[_decision_record(d, names) for d in decisions],
        timeline=_timeline(list(events), names),
        events_checked=len(events),
        broken=_broken_links(session, list(events)),
    )


def _decision_record(decision: Decision, names: dict[str, str]) -> DecisionRecord:
    answers = decision.checklist or {}
    return DecisionRecord(
        checker_id=decision.checker_id,
        checker_name=name_or_id(names, decision.checker_id) or decision.checker_id,
        outcome=decision.outcome,
        decided_at=decision.decided_at,
        reasons=[_reason_label(code) for code in decision.reasons or []],
        checklist=[
            ChecklistAnswer(CHECKLIST_TEXT[item], answers.get(item.value) is True)
            for item in ChecklistItem
        ]
        if answers
        else [],
        applicant_message=decision.applicant_message,
        internal_note=decision.internal_note,
        seconds_to_decide=decision.seconds_to_decide,
        undone_at=decision.undone_at,
    )


def _reason_label(code: str) -> str:
    try:
        return REASON_TEXT[RejectionReason(code)].label
    except ValueError:
        return code


def _timeline(events: list[AuditEvent], names: dict[str, str]) -> list[TimelineEntry]:
    lines: list[TimelineEntry] = []
    for event in events:
        actor = name_or_id(names, event.actor) or event.actor
        last = lines[-1] if lines else None
        if last and event.action in _GROUPED and (last.action, last.actor) == (event.action, actor):
            lines[-1] = dataclasses.replace(last, count=last.count + 1)
            continue
        lines.append(TimelineEntry(event.occurred_at, actor, event.action, _words(event)))
    return lines


def _words(event: AuditEvent) -> str:
    words = ACTION_WORDS.get(event.action, event.action)
    detail: dict[str, Any] = event.detail or {}
    if event.action == "case.profile_created" and detail.get("cim_uuid"):
        return f"{words}: UUID {detail['cim_uuid']}"
    if event.action == "case.release" and detail.get("reason") == "lease expired":
        return "Lease ran out: back in the queue"
    if event.action in {"case.profile_failed", "image.refused"} and detail.get("reason"):
        return f"{words}: {detail['reason']}"
    return words


def _broken_links(session: Session, events: list[AuditEvent]) -> list[int]:
    """This case's rows whose content or link to the row before does not hold."""
    before = {event.sequence - 1 for event in events} - {0}
    hashes = dict(
        session.exec(
            select(AuditEvent.sequence, AuditEvent.hash).where(col(AuditEvent.sequence).in_(before))
        ).all()
    )
    broken = []
    for event in events:
        expected_link = hashes.get(event.sequence - 1) if event.sequence > 1 else GENESIS_HASH
        if not content_holds(event) or expected_link != event.prev_hash:
            broken.append(event.sequence)
    return broken
