"""QA's to-do list: drawn decisions waiting for a replay, oldest first, with counts per checker.

A reviewer's own decisions are left out of their list: nobody replays their own decision. The
rows do not name the checker (the replay is blind); the counts per checker sit apart, for
planning.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, func, select

from checker_console.services.identity.sessions import display_names, name_or_id
from checker_console.services.oversight.sampling import RULE_TEXT
from checker_console.services.unit_of_work import read_only
from checker_console.store.qa_models import QaSample


@dataclass(frozen=True)
class WaitingReplay:
    sample_id: int
    case_id: int
    why: str
    drawn_at: datetime


@dataclass(frozen=True)
class Worklist:
    waiting: list[WaitingReplay]
    total: int
    #: (checker name, cases waiting), most first.
    per_checker: list[tuple[str, int]]


def qa_worklist(session: Session, *, reviewer_id: str, limit: int = 50) -> Worklist:
    with read_only(session):
        waiting = (
            select(QaSample)
            .where(QaSample.status == "waiting")
            .where(QaSample.checker_id != reviewer_id)
        )
        rows = session.exec(
            waiting.order_by(col(QaSample.drawn_at), col(QaSample.id)).limit(limit)
        ).all()
        counts = session.exec(
            select(QaSample.checker_id, func.count())
            .where(QaSample.status == "waiting")
            .where(QaSample.checker_id != reviewer_id)
            .group_by(col(QaSample.checker_id))
        ).all()
        names = display_names(session, [c for c, _ in counts])
    per_checker = sorted(
        ((name_or_id(names, c) or c, n) for c, n in counts), key=lambda item: (-item[1], item[0])
    )
    return Worklist(
        waiting=[
            WaitingReplay(
                sample_id=s.id or 0,
                case_id=s.application_id,
                why=RULE_TEXT.get(s.rule, s.rule),
                drawn_at=s.drawn_at,
            )
            for s in rows
        ],
        total=sum(n for _, n in per_checker),
        per_checker=per_checker,
    )
