"""What a lead sees of retention: the policy in force, what is due now, what has gone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, func, select

from checker_console.clock import utcnow
from checker_console.domain.retention import RetentionPolicy
from checker_console.services.retention.purge import due_cases
from checker_console.services.unit_of_work import read_only
from checker_console.store.models import Application
from checker_console.store.retention_models import Erasure


@dataclass(frozen=True)
class ErasureLine:
    case_id: int
    erased_at: datetime
    erased_by: str
    dpo_reference: str


@dataclass(frozen=True)
class RetentionOverview:
    policy: list[tuple[str, str]]
    due_now: int
    purged: int
    last_purged_at: datetime | None
    erased: int
    recent_erasures: list[ErasureLine]


def retention_overview(
    session: Session, policy: RetentionPolicy, *, now: datetime | None = None
) -> RetentionOverview:
    now = now or utcnow()
    with read_only(session):
        purged, last = session.exec(
            select(func.count(), func.max(Application.images_purged_at)).where(
                col(Application.images_purged_at).is_not(None)
            )
        ).one()
        erased = session.exec(select(func.count()).select_from(Erasure)).one()
        recent = session.exec(
            select(Erasure)
            .order_by(col(Erasure.erased_at).desc(), col(Erasure.id).desc())
            .limit(10)
        ).all()
        return RetentionOverview(
            policy=policy.describe(),
            due_now=len(due_cases(session, policy, now=now)),
            purged=purged,
            last_purged_at=last,
            erased=erased,
            recent_erasures=[
                ErasureLine(e.application_id, e.erased_at, e.erased_by, e.dpo_reference)
                for e in recent
            ],
        )
