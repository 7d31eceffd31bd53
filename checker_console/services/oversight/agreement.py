"""How often QA agrees with each checker: percent, Cohen's kappa with its 95% interval, reasons.

Over a period, for each checker and for the team: the replays with a QA verdict, the share where
QA reached the same outcome, Cohen's kappa on the outcome (``domain/kappa.py``), how far the
rejection reasons agree when both rejected, a confusion table (checker said / QA said), and the
checker's accuracy on golden cases beside it. Fewer than ``MIN_REPLAYS`` replays gets a warning
in plain English: a kappa from a handful of cases says almost nothing.

:func:`agreement_by_checker` is the one entry point; the leads' dashboard can call it as well.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from checker_console.domain.decisions import DecisionOutcome
from checker_console.domain.kappa import Kappa, cohens_kappa
from checker_console.services.identity.sessions import display_names, name_or_id
from checker_console.services.oversight.golden import GoldenScore, golden_scores
from checker_console.services.unit_of_work import read_only
from checker_console.store.models import Decision
from checker_console.store.qa_models import QaSample, QaVerdict

OUTCOMES = (DecisionOutcome.APPROVED, DecisionOutcome.REJECTED, DecisionOutcome.REFERRED)
#: Below this many replays the figures come with a warning.
MIN_REPLAYS = 20
TEAM = "team"


@dataclass(frozen=True)
class Agreement:
    checker_id: str
    name: str
    replays: int
    agreed: int
    kappa: Kappa
    #: Replays where both rejected, how many named exactly the same reasons, and the mean
    #: overlap of the two sets of reasons (shared / either), from 0 to 1.
    both_rejected: int
    same_reasons: int
    reason_overlap: float | None
    #: confusion[checker said][QA said] = count, over OUTCOMES.
    confusion: dict[str, dict[str, int]]
    golden: GoldenScore | None = None
    warning: str = field(default="")

    @property
    def percent(self) -> float | None:
        return 100 * self.agreed / self.replays if self.replays else None


@dataclass(frozen=True)
class AgreementReport:
    start: datetime
    end: datetime
    team: Agreement
    checkers: list[Agreement]


def agreement_by_checker(session: Session, start: datetime, end: datetime) -> AgreementReport:
    """Agreement per checker and for the team over QA verdicts recorded in [start, end)."""
    with read_only(session):
        rows = session.execute(
            sa_select(
                col(QaSample.checker_id),
                col(Decision.outcome),
                col(Decision.reasons),
                col(QaVerdict.outcome),
                col(QaVerdict.reasons),
            )
            .join(QaVerdict, col(QaVerdict.sample_id) == QaSample.id)
            .join(Decision, col(Decision.id) == QaSample.decision_id)
            .where(col(QaVerdict.recorded_at) >= start)
            .where(col(QaVerdict.recorded_at) < end)
        ).all()
        names = display_names(session, {row[0] for row in rows})
    golden = golden_scores(session, start, end)
    pairs: dict[str, list[tuple[str, list[str], str, list[str]]]] = {}
    for checker_id, c_outcome, c_reasons, q_outcome, q_reasons in rows:
        pairs.setdefault(checker_id, []).append((c_outcome, c_reasons, q_outcome, q_reasons))
    checkers = [
        _agreement(c, name_or_id(names, c) or c, pairs.get(c, []), golden.get(c))
        for c in sorted(set(pairs) | set(golden), key=lambda c: name_or_id(names, c) or c)
    ]
    everyone = [pair for checker_pairs in pairs.values() for pair in checker_pairs]
    team = _agreement(TEAM, "Whole team", everyone, _team_golden(golden))
    return AgreementReport(start=start, end=end, team=team, checkers=checkers)


def _agreement(
    checker_id: str,
    name: str,
    pairs: list[tuple[str, list[str], str, list[str]]],
    golden: GoldenScore | None,
) -> Agreement:
    confusion: dict[str, dict[str, int]] = {said: dict.fromkeys(OUTCOMES, 0) for said in OUTCOMES}
    overlaps: list[float] = []
    same = 0
    for checker_outcome, checker_reasons, qa_outcome, qa_reasons in pairs:
        if checker_outcome in confusion and qa_outcome in confusion:
            confusion[checker_outcome][qa_outcome] += 1
        if checker_outcome == qa_outcome == DecisionOutcome.REJECTED:
            a, b = set(checker_reasons), set(qa_reasons)
            same += int(a == b)
            overlaps.append(len(a & b) / len(a | b) if a | b else 1.0)
    table = [[confusion[row][column] for column in OUTCOMES] for row in OUTCOMES]
    agreed = sum(confusion[o][o] for o in OUTCOMES)
    return Agreement(
        checker_id=checker_id,
        name=name,
        replays=len(pairs),
        agreed=agreed,
        kappa=cohens_kappa(table),
        both_rejected=len(overlaps),
        same_reasons=same,
        reason_overlap=sum(overlaps) / len(overlaps) if overlaps else None,
        confusion={str(k): {str(q): n for q, n in v.items()} for k, v in confusion.items()},
        golden=golden,
        warning=too_few_warning(len(pairs)),
    )


def too_few_warning(replays: int) -> str:
    if replays >= MIN_REPLAYS:
        return ""
    if replays == 0:
        return "No replays in this period: there is nothing to judge yet."
    counted = "1 replay" if replays == 1 else f"{replays} replays"
    return (
        f"Only {counted} in this period: too few to judge. Wait for at least {MIN_REPLAYS} "
        "before drawing conclusions, or choose a longer period."
    )


def _team_golden(scores: dict[str, GoldenScore]) -> GoldenScore | None:
    if not scores:
        return None
    total: Counter[str] = Counter()
    for score in scores.values():
        total.update(scored=score.scored, correct=score.correct, referred=score.referred)
    return GoldenScore(TEAM, total["scored"], total["correct"], total["referred"])
