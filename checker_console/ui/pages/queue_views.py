"""The queue page's rows and totals as the state holds them, and how a service row becomes one."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from checker_console.domain.lifecycle import CaseStatus
from checker_console.services.cases.listing import status_label
from checker_console.services.queue.listing import QueueRow
from checker_console.ui.components.status_tag import status_class, status_shape
from checker_console.ui.format import london_time


def age_text(age: timedelta | None) -> str:
    """ "2 days 3 hours", "5 hours", "12 minutes"."""
    if age is None:
        return "None waiting"
    minutes = max(0, int(age.total_seconds() // 60))
    days, hours, mins = minutes // 1440, minutes // 60 % 24, minutes % 60
    if days:
        return f"{days} day{'s' if days != 1 else ''} {hours} hour{'s' if hours != 1 else ''}"
    if hours:
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{mins} minute{'s' if mins != 1 else ''}"


@dataclasses.dataclass
class QueueRowView:
    case_id: int
    organisation: str
    cohort: str
    attempt: int
    submitted: str
    sla_due: str
    age: str
    overdue: bool
    status_label: str
    status_shape: str
    status_class: str
    holder: str


def row_view(row: QueueRow) -> QueueRowView:
    holder = ""
    if row.status == CaseStatus.IN_REVIEW and row.held_by:
        since = london_time(row.held_since).split(", ")[-1] if row.held_since else "unknown"
        holder = f"{row.held_by_name} since {since}"
    elif row.status == CaseStatus.REFERRED and row.referred_by:
        holder = f"Referred by {row.referred_by_name}"
    return QueueRowView(
        case_id=row.case_id,
        organisation=row.organisation_name,
        cohort=row.cohort or "None",
        attempt=row.attempt,
        submitted=london_time(row.submitted_at),
        sla_due=london_time(row.sla_due_at),
        age=age_text(row.age),
        overdue=row.breaching_sla,
        status_label="Waiting" if row.status == CaseStatus.QUEUED else status_label(row.status),
        status_shape=status_shape(row.status),
        status_class=status_class(row.status),
        holder=holder,
    )
