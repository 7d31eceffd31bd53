"""A QA history for the demo: sample cases decided by the demo checkers, replayed by QA.

``checker-console seed --history N`` decides N of the waiting sample cases the way the console
is used: each is claimed and decided through the real services by one of the demo checkers
(``checker.one``, ``checker.two``), who follow the case's known answer but, as people do, get
about one in six wrong. Every fifth case is made golden first (scored, never sent anywhere).
The QA reviewer ``qa.one`` then replays two in three of the decisions drawn for QA, with the
known answer as their verdict, and the team lead ``lead.one`` rules on the first disagreements.
So the QA pages, the agreement figures and a checker's feedback all have something to show on
first start. Deterministic for a given seed; no emails or profiles result from golden cases.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from sqlmodel import Session, col, select

from checker_console.domain.decisions import DecisionOutcome
from checker_console.domain.reasons import ChecklistItem, RejectionReason
from checker_console.services.oversight.adjudication import adjudicate, waiting_adjudications
from checker_console.services.oversight.golden import mark_golden
from checker_console.services.oversight.replay import record_verdict
from checker_console.services.queue.claims import claim_next_case
from checker_console.services.review.decisions import approve_case, reject_case
from checker_console.store.models import Application, SampleTruth
from checker_console.store.qa_models import QaSample

CHECKERS = ("checker.one", "checker.two")
QA_REVIEWER = "qa.one"
LEAD = "lead.one"
ALL_TICKED = {item.value: True for item in ChecklistItem}
FALLBACK_REASON = RejectionReason.DOCUMENT_UNREADABLE.value


@dataclass
class HistorySummary:
    decided: int = 0
    golden: int = 0
    replayed: int = 0
    ruled: int = 0


def _verdict_for(truth: SampleTruth | None) -> tuple[str, list[str]]:
    if truth is None or truth.expected_outcome == "approve":
        return DecisionOutcome.APPROVED, []
    known = {r.value for r in RejectionReason}
    reasons = [r for r in truth.expected_reasons if r in known] or [FALLBACK_REASON]
    return DecisionOutcome.REJECTED, reasons


def _decide(session: Session, checker: str, case_id: int, outcome: str, reasons: list[str]) -> None:
    if outcome == DecisionOutcome.APPROVED:
        approve_case(session, case_id=case_id, checker_id=checker, checklist=ALL_TICKED)
    else:
        reject_case(
            session,
            case_id=case_id,
            checker_id=checker,
            reasons=reasons,
            applicant_message=None,
            internal_note="Sample history.",
        )


def seed_qa_history(session: Session, *, cases: int, seed: int) -> HistorySummary:
    """Decide up to ``cases`` waiting sample cases, replay the drawn ones, rule on some."""
    rng = random.Random(f"history:{seed}")
    summary = HistorySummary()
    waiting = session.exec(
        select(Application.id)
        .join(SampleTruth, col(SampleTruth.application_id) == Application.id)
        .where(Application.status == "queued")
        .order_by(col(Application.sla_due_at), col(Application.id))
        .limit(cases)
    ).all()
    session.rollback()
    golden = [case_id for i, case_id in enumerate(waiting) if case_id and i % 5 == 4]
    if golden:
        summary.golden = mark_golden(session, golden)
    for number in range(len(waiting)):
        checker = CHECKERS[number % len(CHECKERS)]
        claim = claim_next_case(session, checker_id=checker)
        if claim is None:
            break
        outcome, reasons = _verdict_for(session.get(SampleTruth, claim.case_id))
        if rng.random() < 1 / 6:  # a mistake
            outcome, reasons = (
                (DecisionOutcome.REJECTED, [FALLBACK_REASON])
                if outcome == DecisionOutcome.APPROVED
                else (DecisionOutcome.APPROVED, [])
            )
        _decide(session, checker, claim.case_id, outcome, reasons)
        summary.decided += 1
    drawn = session.exec(select(QaSample).where(QaSample.status == "waiting")).all()
    session.rollback()
    for sample in drawn:
        if rng.random() >= 2 / 3 or sample.id is None:
            continue
        outcome, reasons = _verdict_for(session.get(SampleTruth, sample.application_id))
        session.rollback()
        record_verdict(
            session,
            sample_id=sample.id,
            reviewer_id=QA_REVIEWER,
            outcome=outcome,
            checklist=ALL_TICKED,
            reasons=reasons,
            note="Replayed for the sample history.",
        )
        summary.replayed += 1
    for disagreement in waiting_adjudications(session)[:2]:
        adjudicate(
            session,
            verdict_id=disagreement.verdict_id,
            lead_id=LEAD,
            upheld="qa",
            note="QA's reading matches the evidence: look again at the points QA noted.",
        )
        summary.ruled += 1
    return summary
