"""Which band of the queue a new case joins: 0 if a team lead put its cohort first, else 1.

Leads set and clear a cohort's priority in ``services/oversight/lead_actions.py``; the queue
order itself is ``claims.in_queue_order``.
"""

from __future__ import annotations

from sqlmodel import Session

from checker_console.store.models import CohortPriority

FIRST = 0
NORMAL = 1


def queue_band_for(session: Session, organisation_id: int, cohort: str) -> int:
    """The band a case of this organisation's cohort joins the queue in."""
    first = session.get(CohortPriority, (organisation_id, cohort))
    return FIRST if first is not None else NORMAL
