"""Rollups of closed days give exactly the figures of counting every decision on read."""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlmodel import Session

from checker_console.sample.history import history_rows
from checker_console.sample.history_writer import ensure_sample_organisations, write_history
from checker_console.services.oversight.dashboard import Dashboard, dashboard
from checker_console.services.oversight.rollups import (
    forget_rollups,
    roll_up_day,
    roll_up_recent_days,
    rolled_up_days,
)
from checker_console.services.oversight.scope import london_days, period_for
from checker_console.store.rollup_models import DecisionCountRollup, HandlingTimeRollup
from tests.factories import make_org
from tests.services.oversight.history import NOW, decision, utc

REASONS = ["face_mismatch", "photo_rules", "not_original", "document_unreadable"]


def _history(session: Session, *, days: int = 40, seed: int = 3) -> None:
    """Decisions every few hours for ``days`` days before NOW, the clock change among them:
    several checkers, outcomes, organisations and cohorts, golden cases, untimed decisions,
    and handling times with tenths (some exactly on a half second)."""
    rng = random.Random(seed)
    riverside = make_org(session, "RX1", "Riverside University")
    hill = make_org(session, "HL2", "Hillside Trust")
    moment = NOW - timedelta(days=days)
    while moment < NOW:
        outcome = rng.choice(["approved", "approved", "rejected", "referred"])
        decision(
            session,
            moment,
            outcome=outcome,
            seconds=rng.choice([None, 90.5, 91.5, round(rng.uniform(20, 900), 1)]),
            checker=rng.choice(["checker.one", "checker.two", "lead.one"]),
            reasons=rng.sample(REASONS, rng.choice([1, 2])) if outcome == "rejected" else None,
            golden=rng.random() < 0.1,
            org=rng.choice([riverside, hill]),
            cohort=rng.choice(["Nursing 2026", "F1"]),
        )
        moment += timedelta(minutes=rng.randint(20, 300))
    session.commit()


def _both_ways(session: Session, kind: str, **custom: date) -> tuple[Dashboard, Dashboard]:
    period = period_for(kind, now=NOW, **custom)
    return (
        dashboard(session, period, now=NOW, rollups=True),
        dashboard(session, period, now=NOW, rollups=False),
    )


def test_rolled_up_days_give_the_same_dashboard_as_counting_every_decision(
    session: Session,
) -> None:
    _history(session)
    for kind in ("today", "7d", "30d"):
        kept, counted_now = _both_ways(session, kind)
        assert kept == counted_now, kind
        assert kept.throughput.total.total > 0 and kept.throughput.p95_seconds is not None
    # The 30-day view and the 30 days before it were rolled up on the way, all but today.
    closed = london_days(date(2026, 8, 31), date(2026, 10, 28)).days
    assert len(rolled_up_days(session, [*closed, date(2026, 10, 29)])) == len(closed) == 59
    again, counted_now = _both_ways(session, "30d")  # now read from the rollups alone
    assert again == counted_now


def test_rollups_count_london_days_and_hours_across_the_october_clock_change(
    session: Session,
) -> None:
    _history(session, days=10, seed=11)
    decision(session, utc(10, 25, 0, 30), checker="checker.two")  # 01:30 BST
    decision(session, utc(10, 25, 1, 30), checker="checker.two")  # 01:30 GMT, again
    decision(session, utc(10, 24, 23, 0), outcome="rejected", reasons=["photo_rules"])  # 00:00
    session.commit()
    sunday = {"first": date(2026, 10, 25), "last": date(2026, 10, 25)}
    kept, counted_now = _both_ways(session, "custom", **sunday)
    assert kept == counted_now
    assert rolled_up_days(session, [date(2026, 10, 25)]) == {date(2026, 10, 25)}
    assert {h.hour: h.counts.total for h in kept.throughput.per_hour}[1] >= 2
    kept, counted_now = _both_ways(session, "custom", first=date(2026, 10, 20), last=NOW.date())
    assert kept == counted_now


def test_handling_time_percentiles_from_rollups_are_the_whole_seconds_the_page_shows(
    session: Session,
) -> None:
    for n, seconds in enumerate([10.4, 10.6, 11.5, 12.5, 13.49, 99.5]):
        decision(session, utc(10, 27, 9 + n), seconds=seconds)
    session.commit()
    period = london_days(date(2026, 10, 27), date(2026, 10, 27))
    kept = dashboard(session, period, now=NOW)
    assert rolled_up_days(session, [date(2026, 10, 27)]) == {date(2026, 10, 27)}
    # Sorted: 10.4, 10.6, 11.5, 12.5, 13.49, 99.5: p50 is rank 3 (11.5 s, shown as 12 s) and p95
    # rank 6 (99.5 s, shown as 100 s). Python rounds halves to even, as the page does.
    assert (kept.throughput.p50_seconds, kept.throughput.p95_seconds) == (12, 100)
    assert kept == dashboard(session, period, now=NOW, rollups=False)


def test_golden_cases_never_reach_the_rollups(session: Session) -> None:
    decision(session, utc(10, 27, 9), seconds=60.0)
    decision(session, utc(10, 27, 10), seconds=61.0, golden=True)
    session.commit()
    assert roll_up_day(session, date(2026, 10, 27))
    counts = session.execute(select(func.sum(DecisionCountRollup.count))).scalar_one()
    times = session.execute(select(func.sum(HandlingTimeRollup.count))).scalar_one()
    assert (counts, times) == (1, 1)


def test_a_decision_stamped_before_midnight_and_committed_after_it_is_still_counted(
    session: Session,
) -> None:
    decision(session, utc(10, 28, 15))
    session.commit()
    just_after_midnight = utc(10, 29, 0, 10)
    yesterday = london_days(date(2026, 10, 28), date(2026, 10, 28))
    assert dashboard(session, yesterday, now=just_after_midnight).throughput.total.total == 1
    assert rolled_up_days(session, [date(2026, 10, 28)]) == set()  # not settled yet
    decision(session, utc(10, 28, 23, 59) + timedelta(seconds=59))  # committed after midnight
    session.commit()
    assert dashboard(session, yesterday, now=utc(10, 29, 0, 20)).throughput.total.total == 2
    settled = dashboard(session, yesterday, now=utc(10, 29, 1, 5))
    assert rolled_up_days(session, [date(2026, 10, 28)]) == {date(2026, 10, 28)}
    assert settled.throughput.total.total == 2


def test_decisions_written_into_a_rolled_up_day_count_once_its_rollup_is_forgotten(
    session: Session,
) -> None:
    decision(session, utc(10, 20, 10), checker="checker.one")
    session.commit()
    day = london_days(date(2026, 10, 20), date(2026, 10, 20))
    assert dashboard(session, day, now=NOW).throughput.total.total == 1
    decision(session, utc(10, 20, 11), checker="checker.two")  # written late, by hand
    session.commit()
    assert dashboard(session, day, now=NOW).throughput.total.total == 1  # the rollup stands
    forget_rollups(session, date(2026, 10, 20), date(2026, 10, 20))
    assert dashboard(session, day, now=NOW) == dashboard(session, day, now=NOW, rollups=False)
    assert rolled_up_days(session, [date(2026, 10, 20)]) == {date(2026, 10, 20)}  # again
    assert dashboard(session, day, now=NOW).throughput.total.total == 2


def test_sample_history_written_into_rolled_up_days_is_counted(session: Session) -> None:
    assert roll_up_recent_days(session, now=NOW) == 62  # empty days, rolled up all the same
    organisations = ensure_sample_organisations(session)
    session.commit()
    write_history(
        session.get_bind(),  # type: ignore[arg-type]
        history_rows(now=NOW, days=3, cases_per_day=6, organisation_ids=organisations),
    )
    kept, counted_now = _both_ways(session, "7d")
    assert kept == counted_now and kept.throughput.total.total > 0


def test_rolling_up_a_day_twice_writes_it_once(session: Session) -> None:
    _history(session, days=3)
    assert roll_up_day(session, date(2026, 10, 27)) is True
    rows = session.execute(select(func.count()).select_from(DecisionCountRollup)).scalar_one()
    assert roll_up_day(session, date(2026, 10, 27)) is False
    assert roll_up_recent_days(session, now=NOW) == 61  # every other day of the job's window
    assert (
        rows
        == session.execute(
            select(func.count())
            .select_from(DecisionCountRollup)
            .where(DecisionCountRollup.day == date(2026, 10, 27))
        ).scalar_one()
    )
