"""One run of the team benchmark: what the checkers saw, and what the database says.

A double claim is two checkers shown the same case at overlapping times; a case decided twice
has two decisions; a lost decision is one a checker was shown as saved ("Case N approved.")
that the database does not have.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import Session, select

from bench._team_client import CheckerLog
from bench.review import percentile
from checker_console.store.db import make_engine
from checker_console.store.models import Decision


@dataclass
class Phase:
    name: str
    checkers: int
    workers: int
    seconds: float
    logs: list[CheckerLog] = field(default_factory=list)
    browser_ms: list[float] = field(default_factory=list)
    browser_errors: list[str] = field(default_factory=list)
    faults: list[str] = field(default_factory=list)
    double_claims: int = 0
    double_decisions: int = 0
    lost_decisions: int = 0
    decided_in_db: int = 0

    @property
    def decision_ms(self) -> list[float]:
        return [ms for log in self.logs for ms in log.decision_ms]

    @property
    def errors(self) -> list[str]:
        return [e for log in self.logs for e in log.errors] + self.browser_errors

    @property
    def reconnects(self) -> list[float]:
        return [s for log in self.logs for s in log.reconnects]

    @property
    def back_to_work(self) -> list[float]:
        return [s for log in self.logs for s in log.back_to_work]

    @property
    def acknowledged(self) -> int:
        return sum(len(log.acknowledged) for log in self.logs)

    def p(self, share: float) -> float:
        return percentile(self.decision_ms, share) if self.decision_ms else float("nan")

    def report(self) -> None:
        print(f"\n== {self.name}: {self.checkers} checker(s) on {self.workers} worker(s)")
        print(f"  decisions acknowledged {self.acknowledged}, in the database {self.decided_in_db}"
              f", {self.acknowledged / self.seconds:.2f}/s over {self.seconds:.0f} s")  # fmt: skip
        if self.decision_ms:
            print(f"  decision to next case (simulated): p50 {self.p(0.5):.0f} ms, "
                  f"p95 {self.p(0.95):.0f} ms, max {max(self.decision_ms):.0f} ms")  # fmt: skip
        if self.browser_ms:
            print(f"  decision to next case painted (Chromium): n={len(self.browser_ms)} "
                  f"p50 {percentile(self.browser_ms, 0.5):.0f} ms, "
                  f"p95 {percentile(self.browser_ms, 0.95):.0f} ms")  # fmt: skip
        for fault in self.faults:
            print(f"  fault: {fault}")
        if self.reconnects:
            print(f"  reconnects {len(self.reconnects)}, slowest {max(self.reconnects):.1f} s")
        steps = [s for log in self.logs for s in log.steps_s]
        if steps:
            print(f"  first tick to next case shown: slowest {max(steps):.1f} s, "
                  f"{sum(1 for s in steps if s > 5)} of {len(steps)} over 5 s")  # fmt: skip
        if self.back_to_work:
            print(f"  from the drop to a case on screen again: slowest "
                  f"{max(self.back_to_work):.1f} s, {len(self.back_to_work)} checkers")  # fmt: skip
        print(
            f"  errors {len(self.errors)}, double claims {self.double_claims}, cases decided "
            f"twice {self.double_decisions}, lost decisions {self.lost_decisions}"
        )
        for error in self.errors[:8]:
            print(f"    {error}")


def check_database(database_url: str, phase: Phase) -> None:
    engine = make_engine(database_url)
    with Session(engine) as session:
        per_case = session.exec(
            select(Decision.application_id, func.count()).group_by(Decision.application_id)
        ).all()
        decided = {(d.application_id, d.checker_id) for d in session.exec(select(Decision)).all()}
    engine.dispose()
    phase.decided_in_db = sum(count for _, count in per_case)
    phase.double_decisions = sum(1 for _, count in per_case if count > 1)
    phase.lost_decisions = sum(
        1
        for log in phase.logs
        for case_id in log.acknowledged
        if not any(case == case_id for case, _ in decided)
    )
    holdings = sorted(
        (h for log in phase.logs for h in log.holdings), key=lambda h: (h.case_id, h.shown_at)
    )
    for first, second in zip(holdings, holdings[1:], strict=False):
        if first.case_id != second.case_id or first.checker == second.checker or first.lost:
            continue
        first_end = first.decided_at or float("inf")
        if second.shown_at < first_end:
            phase.double_claims += 1
