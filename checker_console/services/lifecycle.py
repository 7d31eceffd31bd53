"""How a case changes status: the domain transition plus its audit event, together.

The one other writer of a status is the PostgreSQL claim statement
(``services/queue/claim_statement.py``), which takes its move and audit record from the same
``domain.lifecycle.transition``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from checker_console.clock import utcnow
from checker_console.domain.lifecycle import CaseEvent, transition
from checker_console.services.audit import append_record
from checker_console.store.models import Application


def apply_transition(
    session: Session,
    case: Application,
    event: CaseEvent | str,
    *,
    actor: str,
    detail: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> None:
    """Move ``case`` and append its audit event in the caller's transaction.

    Raises ``IllegalTransition`` before anything is written when the move is not allowed.
    """
    when = now or utcnow()
    record = transition(case, event, actor=actor, now=when, detail=detail)
    case.updated_at = when
    session.add(case)
    session.flush()
    append_record(session, record)
