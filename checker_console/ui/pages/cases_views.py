"""The case list's rows as the state holds them, and how a service row becomes one."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from checker_console.services.cases.listing import CaseRow, status_label
from checker_console.services.identity.sessions import SignedInUser
from checker_console.ui.components.status_tag import status_class, status_shape
from checker_console.ui.format import london_time


@dataclasses.dataclass
class CaseRowView:
    id: int
    href: str
    name: str
    organisation: str
    cohort: str
    status_label: str
    status_shape: str
    status_class: str
    submitted: str
    sla_due: str
    overdue: bool
    thumbnail_url: str
    thumbnail_alt: str
    decision: str
    decided: str


def row_view(row: CaseRow, user: SignedInUser, now: datetime) -> CaseRowView:
    show_thumbnail = user.sees_every_case and row.thumbnail_document_id is not None
    return CaseRowView(
        id=row.id,
        href=f"/cases/{row.id}",
        name=row.full_name,
        organisation=row.organisation_name,
        cohort=row.cohort or "None",
        status_label=status_label(row.status),
        status_shape=status_shape(row.status),
        status_class=status_class(row.status),
        submitted=london_time(row.submitted_at),
        sla_due=london_time(row.sla_due_at),
        overdue=row.is_overdue(now),
        thumbnail_url=f"/images/{row.thumbnail_document_id}/thumbnail" if show_thumbnail else "",
        thumbnail_alt=f"Photo ID of {row.full_name}",
        decision=(row.decided_outcome or "").capitalize(),
        decided=london_time(row.decided_at) if row.decided_at else "",
    )
