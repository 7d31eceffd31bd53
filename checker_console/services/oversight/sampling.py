"""Which decisions QA replays: a policy a lead sets, each draw recorded with the policy behind it.

After every approval or rejection (a referral is not an outcome; its resolution is) the rules are
tried in order, and the first that takes the decision names why it was drawn:

1. ``first_decisions``: every decision among a checker's first N (``CHECKER_QA_FIRST_DECISIONS``);
2. ``referral_resolution``: every decision on a case someone referred;
3. ``flagged_approval``: a larger share of approvals where an aid warned or details did not match;
4. ``random``: a share of every checker's decisions (``CHECKER_QA_SAMPLE_PERCENT``).

The draw is a number in [0, 1). With ``CHECKER_QA_SEED`` set it is derived from the seed and the
decision's id, so the same seed and the same decisions draw the same cases; without it, it is
unpredictable. Either way it is stored with the policy, so anyone can check why a case was, or
was not, drawn. Golden cases are not drawn: they are scored against their known answer instead.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlmodel import Session, col, func, select

from checker_console.domain.decisions import DecisionOutcome
from checker_console.services.oversight.snapshots import flagged
from checker_console.settings import Settings, get_settings
from checker_console.store.models import Application, Decision
from checker_console.store.qa_models import DecisionSnapshot, QaSample

RULES = ("first_decisions", "referral_resolution", "flagged_approval", "random")
RULE_TEXT = {
    "first_decisions": "one of the checker's first decisions",
    "referral_resolution": "a referral resolved",
    "flagged_approval": "approved although an aid warned",
    "random": "random share",
}


@dataclass(frozen=True)
class SamplingPolicy:
    sample_percent: int = 10
    first_decisions: int = 50
    every_referral_resolution: bool = True
    flagged_approval_percent: int = 50
    seed: str = ""

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> SamplingPolicy:
        settings = settings or get_settings()
        return cls(
            sample_percent=settings.qa_sample_percent,
            first_decisions=settings.qa_first_decisions,
            every_referral_resolution=settings.qa_every_referral_resolution,
            flagged_approval_percent=settings.qa_flagged_approval_percent,
            seed=settings.qa_seed,
        )

    def draw(self, decision_id: int) -> float:
        """The decision's number in [0, 1): from the seed if there is one, else at random."""
        if not self.seed:
            return secrets.randbits(53) / 2**53
        digest = hashlib.sha256(f"{self.seed}:{decision_id}".encode()).digest()
        return int.from_bytes(digest[:8], "big") / 2**64

    def rule_for(
        self,
        *,
        outcome: str,
        decision_number: int,
        referral_resolution: bool,
        flagged: bool,
        draw: float,
    ) -> str | None:
        """Which rule draws this decision, or None. ``decision_number`` counts from 1."""
        if outcome == DecisionOutcome.REFERRED:
            return None
        if decision_number <= self.first_decisions:
            return "first_decisions"
        if referral_resolution and self.every_referral_resolution:
            return "referral_resolution"
        flagged_approval = flagged and outcome == DecisionOutcome.APPROVED
        if flagged_approval and draw < self.flagged_approval_percent / 100:
            return "flagged_approval"
        if draw < self.sample_percent / 100:
            return "random"
        return None

    def as_record(self) -> dict[str, object]:
        """The policy as stored with a draw; the seed is named by its hash, never stored."""
        record: dict[str, object] = asdict(self)
        record["seed"] = hashlib.sha256(self.seed.encode()).hexdigest()[:12] if self.seed else ""
        return record


def draw_for_qa(
    session: Session,
    *,
    case: Application,
    decision: Decision,
    snapshot: DecisionSnapshot,
    policy: SamplingPolicy,
    now: datetime,
) -> QaSample | None:
    """Draw ``decision`` for QA if the policy says so (in the caller's transaction)."""
    assert case.id is not None and decision.id is not None
    if case.is_golden:
        return None
    number = session.exec(
        select(func.count())
        .select_from(Decision)
        .where(Decision.checker_id == decision.checker_id)
        .where(col(Decision.id) <= decision.id)
        .where(col(Decision.outcome) != DecisionOutcome.REFERRED)
    ).one()
    draw = policy.draw(decision.id)
    rule = policy.rule_for(
        outcome=decision.outcome,
        decision_number=number,
        referral_resolution=case.referred_by is not None,
        flagged=flagged(snapshot),
        draw=draw,
    )
    if rule is None:
        return None
    sample = QaSample(
        decision_id=decision.id,
        application_id=case.id,
        checker_id=decision.checker_id,
        rule=rule,
        policy=policy.as_record(),
        draw=draw,
        drawn_at=now,
    )
    session.add(sample)
    session.flush()
    return sample
