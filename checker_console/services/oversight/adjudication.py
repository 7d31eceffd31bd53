"""A lead rules on each disagreement between a checker and QA, and the console follows it up.

Upholding QA on a case the checker approved (QA: "should have been rejected") raises a lead
task to review the person's CIS profile: the console never revokes a profile itself. Upholding
QA on a case the checker rejected (QA: "should have been approved") asks the inviting RA, through
the usual notification path (the outbox), to invite the applicant again. Every step is an audit
event; nothing here ever touches a golden case's outbox (the outbox refuses it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from checker_console.clock import utcnow
from checker_console.domain.decisions import DecisionOutcome, DecisionRefused, checked_text
from checker_console.services.audit import append_audit
from checker_console.services.downstream.outbox import OutboxKind, enqueue
from checker_console.services.identity.sessions import display_names, name_or_id
from checker_console.services.oversight.replay import NotYours, reason_label
from checker_console.services.unit_of_work import read_only, unit_of_work
from checker_console.store.models import Application, Decision
from checker_console.store.qa_models import Adjudication, LeadTask, QaSample, QaVerdict

UPHOLD = ("checker", "qa")


@dataclass(frozen=True)
class Disagreement:
    verdict_id: int
    sample_id: int
    case_id: int
    checker_name: str
    checker_outcome: str
    checker_reasons: list[str]
    checker_note: str
    qa_name: str
    qa_outcome: str
    qa_reasons: list[str]
    qa_note: str
    recorded_at: datetime


@dataclass(frozen=True)
class Ruling:
    verdict_id: int
    case_id: int
    upheld: str
    follow_up: str


def waiting_adjudications(session: Session) -> list[Disagreement]:
    """Disagreements no lead has ruled on yet, oldest first."""
    with read_only(session):
        rows = session.exec(
            select(QaVerdict, QaSample, Decision)
            .join(QaSample, col(QaSample.id) == QaVerdict.sample_id)
            .join(Decision, col(Decision.id) == QaSample.decision_id)
            .where(QaVerdict.adjudication == "waiting")
            .order_by(col(QaVerdict.recorded_at), col(QaVerdict.id))
        ).all()
        names = display_names(
            session, {d.checker_id for _, _, d in rows} | {v.reviewer_id for v, _, _ in rows}
        )
    return [
        Disagreement(
            verdict_id=verdict.id or 0,
            sample_id=sample.id or 0,
            case_id=sample.application_id,
            checker_name=name_or_id(names, decision.checker_id) or "",
            checker_outcome=decision.outcome,
            checker_reasons=[reason_label(r) for r in decision.reasons],
            checker_note=decision.internal_note,
            qa_name=name_or_id(names, verdict.reviewer_id) or "",
            qa_outcome=verdict.outcome,
            qa_reasons=[reason_label(r) for r in verdict.reasons],
            qa_note=verdict.note,
            recorded_at=verdict.recorded_at,
        )
        for verdict, sample, decision in rows
    ]


def adjudicate(
    session: Session,
    *,
    verdict_id: int,
    lead_id: str,
    upheld: str,
    note: str,
    now: datetime | None = None,
) -> Ruling:
    """Uphold the checker or QA on a disagreement, with a note, and start the follow-up."""
    now = now or utcnow()
    if upheld not in UPHOLD:
        raise DecisionRefused("upheld", "Choose whether to uphold the checker or QA")
    clean_note = checked_text(
        note, field="note", label="The note", required_message="Enter a note explaining why"
    )
    with unit_of_work(session):
        verdict = session.get(QaVerdict, verdict_id)
        if verdict is None or verdict.adjudication != "waiting":
            raise NotYours("This disagreement has already been ruled on, or does not exist.")
        sample = session.get(QaSample, verdict.sample_id)
        assert sample is not None
        if lead_id in (sample.checker_id, verdict.reviewer_id):
            raise NotYours("You took part in this case: ask another team lead to rule on it.")
        decision = session.get(Decision, sample.decision_id)
        case = session.get(Application, sample.application_id)
        assert decision is not None and case is not None
        follow_up = ""
        if upheld == "qa":
            follow_up = _follow_up(session, case, decision, verdict, lead_id, now)
        verdict.adjudication = upheld
        session.add(verdict)
        session.add(
            Adjudication(
                verdict_id=verdict_id,
                lead_id=lead_id,
                upheld=upheld,
                note=clean_note,
                follow_up=follow_up,
                decided_at=now,
            )
        )
        append_audit(
            session,
            actor=lead_id,
            action="qa.adjudicated",
            application_id=case.id,
            detail={"verdict_id": verdict_id, "upheld": upheld, "follow_up": follow_up},
            occurred_at=now,
        )
        return Ruling(verdict_id, sample.application_id, upheld, follow_up)


def _follow_up(
    session: Session,
    case: Application,
    decision: Decision,
    verdict: QaVerdict,
    lead_id: str,
    now: datetime,
) -> str:
    assert case.id is not None
    if decision.outcome == DecisionOutcome.APPROVED and verdict.outcome != decision.outcome:
        uuid = f"UUID {case.cim_uuid}" if case.cim_uuid else "no UUID yet"
        text = (
            f"Review the CIS profile of {uuid} (case {case.id}): QA found the approval "
            "should not have been given. The console does not revoke profiles."
        )
        session.add(LeadTask(application_id=case.id, text=text, created_at=now))
        append_audit(
            session,
            actor=lead_id,
            action="qa.lead_task",
            application_id=case.id,
            detail={"text": text},
            occurred_at=now,
        )
        return text
    if decision.outcome == DecisionOutcome.REJECTED and verdict.outcome == "approved":
        enqueue(
            session,
            kind=OutboxKind.NOTIFY_RA_REINVITE,
            idempotency_key=f"{OutboxKind.NOTIFY_RA_REINVITE.value}:qa:{case.id}",
            application_id=case.id,
            payload={"reasons": [], "after_qa": True},
            now=now,
        )
        append_audit(
            session,
            actor=lead_id,
            action="qa.reinvite_requested",
            application_id=case.id,
            occurred_at=now,
        )
        return f"The inviting RA has been asked to invite the applicant of case {case.id} again."
    return ""


def open_lead_tasks(session: Session) -> list[LeadTask]:
    with read_only(session):
        return list(
            session.exec(
                select(LeadTask).where(col(LeadTask.done_at).is_(None)).order_by(col(LeadTask.id))
            ).all()
        )
