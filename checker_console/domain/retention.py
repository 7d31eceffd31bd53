"""How long a case's identity images are kept: the rule, with no I/O.

Images are kept while the case is open and for a window after its decision, long enough for
QA sampling, a lead's adjudication and a complaint; then they are deleted and the case keeps
its decision, the content hashes of what was shown, and its audit trail.

- Only a case that has finished can lose its images: rejected, or approved with its CIS profile
  created. A case still queued, in review, referred, or approved with its profile pending or
  failed is open work, and keeps them however old it is.
- A case that was referred at any point keeps them longest: a second opinion was needed, so
  a complaint is likeliest there.
- Golden cases are synthetic: they hold no one's personal data, so they keep their images.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from checker_console.domain.lifecycle import CaseStatus

#: Statuses in which a case is finished and its images may go once its window has passed.
FINISHED = frozenset({CaseStatus.REJECTED, CaseStatus.PROFILE_CREATED})


@dataclass(frozen=True)
class RetentionPolicy:
    """Days after the decision that images are kept, by how the case went."""

    approved_days: int = 90
    rejected_days: int = 180
    referred_days: int = 365
    #: Days after an invitation expired unanswered before it is deleted.
    unsubmitted_invitation_days: int = 30

    @property
    def shortest(self) -> timedelta:
        """No case can be due before this long after its decision (the purge's first filter)."""
        return timedelta(days=min(self.approved_days, self.rejected_days, self.referred_days))

    def describe(self) -> list[tuple[str, str]]:
        """The policy as a lead reads it: (what, how long)."""
        return [
            ("Approved case (profile created)", _days(self.approved_days) + " after the decision"),
            ("Rejected case", _days(self.rejected_days) + " after the decision"),
            ("Case that was referred", _days(self.referred_days) + " after the final decision"),
            ("Open case (waiting, in review, referred, profile not yet created)", "while open"),
            ("Golden case (synthetic)", "kept: it holds no one's personal data"),
            (
                "Invitation never answered",
                _days(self.unsubmitted_invitation_days) + " after it expired",
            ),
        ]


@dataclass(frozen=True)
class CaseForRetention:
    """What the rule needs to know about one case."""

    status: str
    decided_at: datetime | None
    was_referred: bool
    is_golden: bool


def images_kept_until(case: CaseForRetention, policy: RetentionPolicy) -> datetime | None:
    """When the case's images are due for deletion; None while they must be kept."""
    if case.is_golden or case.status not in FINISHED or case.decided_at is None:
        return None
    if case.was_referred:
        days = policy.referred_days
    elif case.status == CaseStatus.REJECTED:
        days = policy.rejected_days
    else:
        days = policy.approved_days
    return case.decided_at + timedelta(days=days)


def window_name(case: CaseForRetention) -> str:
    """Which rule applied, for the audit event."""
    if case.was_referred:
        return "referred"
    return "rejected" if case.status == CaseStatus.REJECTED else "approved"


def _days(count: int) -> str:
    return f"{count} day{'s' if count != 1 else ''}"
