"""The seeded history gives the leads' dashboard weeks of figures, and is added only once."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import Session, func, select

from checker_console.sample.history import seed_history
from checker_console.services.oversight.dashboard import dashboard
from checker_console.services.oversight.scope import period_for
from checker_console.store.models import Application, Decision, Invitation
from tests.services.oversight.history import NOW


def test_three_weeks_of_history_fill_the_dashboard_and_are_seeded_once(engine: Engine) -> None:
    summary = seed_history(engine, days=21, cases_per_day=10, now=NOW)

    assert not summary.skipped and summary.decisions >= summary.cases > 100
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(Decision)).one() == summary.decisions
        invited = session.exec(select(func.count()).select_from(Invitation)).one()
        assert invited > session.exec(select(func.count()).select_from(Application)).one()
        figures = dashboard(session, period_for("30d", now=NOW), now=NOW)
    assert figures.throughput.total.total == summary.decisions
    assert figures.throughput.p50_seconds is not None
    assert figures.rejections.rejections > 0
    assert sum(row.email_sent for row in figures.journey) > 0
    assert seed_history(engine, days=21, now=NOW).skipped
