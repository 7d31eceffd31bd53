"""Every dashboard figure against a hand count of a known history, on a fixed clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import Session

from checker_console.domain.lifecycle import CaseStatus
from checker_console.services.oversight.dashboard import dashboard
from checker_console.services.oversight.scope import InvalidPeriod, period_for
from checker_console.store.models import OutboxMessage
from tests.factories import make_invitation, make_org
from tests.services.oversight.history import NOW, case, decision, utc


def _week(session: Session):  # type: ignore[no-untyped-def]
    session.commit()
    return dashboard(session, period_for("7d", now=NOW), now=NOW)


def test_decisions_fall_on_the_london_day_across_the_october_clock_change(
    session: Session,
) -> None:
    decision(session, utc(10, 24, 22, 59))  # Saturday 23:59 BST
    decision(session, utc(10, 24, 23, 30))  # Sunday 00:30 BST
    decision(session, utc(10, 25, 0, 30), outcome="rejected")  # Sunday 01:30 BST
    decision(session, utc(10, 25, 1, 30), outcome="referred")  # Sunday 01:30 GMT, again
    decision(session, utc(10, 25, 23, 30))  # Sunday 23:30 GMT
    decision(session, utc(10, 26, 0, 30))  # Monday 00:30 GMT

    figures = _week(session).throughput
    per_day = {d.day: d.counts for d in figures.per_day}
    assert per_day[date(2026, 10, 24)].total == 1
    sunday = per_day[date(2026, 10, 25)]
    assert (sunday.approved, sunday.rejected, sunday.referred) == (2, 1, 1)
    assert per_day[date(2026, 10, 26)].total == 1
    per_hour = {h.hour: h.counts.total for h in figures.per_hour}
    assert per_hour[1] == 2  # 01:30 happened twice that night
    assert per_hour[0] == 2 and per_hour[23] == 2
    assert figures.total.total == 6


def test_the_week_before_starts_at_london_midnight_in_summer_time(session: Session) -> None:
    decision(session, utc(10, 21, 23, 30))  # Thursday 22 October 00:30 BST: last of the week before
    decision(session, utc(10, 22, 22, 59))  # Thursday 22 October 23:59 BST
    decision(session, utc(10, 22, 23, 0))  # Friday 23 October 00:00 BST: this week

    figures = _week(session).throughput
    assert figures.total.total == 1
    assert figures.previous_total == 2


def test_handling_time_p50_and_p95_are_nearest_rank_for_the_team_and_each_checker(
    session: Session,
) -> None:
    for n in range(1, 17):  # Sam: 10, 20, ... 160 seconds
        decision(session, NOW - timedelta(hours=n), seconds=10.0 * n, checker="checker.one")
    for seconds in (30.0, 60.0, 90.0, 600.0):  # Alex
        decision(session, NOW - timedelta(minutes=30), seconds=seconds, checker="checker.two")
    decision(session, NOW - timedelta(hours=2), seconds=None, checker="checker.two")

    figures = _week(session).throughput
    # Team, 20 timed decisions sorted: 10..160 and 30, 60, 90, 600. Rank 10 and rank 19.
    everyone = sorted([10.0 * n for n in range(1, 17)] + [30.0, 60.0, 90.0, 600.0])
    assert figures.p50_seconds == everyone[9] == 80.0
    assert figures.p95_seconds == everyone[18] == 160.0
    checkers = {c.checker_id: c for c in figures.checkers}
    assert (checkers["checker.one"].p50_seconds, checkers["checker.one"].p95_seconds) == (80, 160)
    # Alex: 4 timed; p50 is rank 2 (60 s), p95 rank 4 (600 s); the untimed one still counts.
    assert (checkers["checker.two"].p50_seconds, checkers["checker.two"].p95_seconds) == (60, 600)
    assert checkers["checker.two"].counts.total == 5


def test_golden_cases_are_never_in_throughput_queue_or_journey_figures(session: Session) -> None:
    decision(session, NOW - timedelta(hours=1))
    decision(session, NOW - timedelta(hours=1), golden=True)
    case(session, status=CaseStatus.QUEUED)
    case(session, status=CaseStatus.QUEUED, golden=True, sla_due_at=NOW - timedelta(hours=1))

    figures = _week(session)
    assert figures.throughput.total.total == 1
    assert figures.throughput.checkers[0].counts.total == 1
    assert figures.queue.waiting == 1
    assert figures.queue.breaching_now == 0
    assert sum(flow.arrivals for flow in figures.queue.flow) == 2
    assert figures.queue.forecast.open_cases == 1
    assert sum(row.invited for row in figures.journey) == 2


def test_a_decision_its_checker_undid_is_not_counted_in_any_figure(session: Session) -> None:
    decision(session, NOW - timedelta(hours=2), outcome="rejected", reasons=["not_original"])
    undone = decision(
        session, NOW - timedelta(hours=1), outcome="rejected", reasons=["not_original"]
    )
    undone.undone_at = undone.decided_at + timedelta(seconds=4)
    session.add(undone)

    figures = _week(session)
    assert figures.throughput.total.total == 1
    assert figures.throughput.checkers[0].counts.rejected == 1
    assert figures.rejections.rejections == 1
    assert [(r.reason, r.count) for r in figures.rejections.reasons] == [("not_original", 1)]


def test_the_forecast_clears_the_open_cases_at_the_last_seven_days_pace(session: Session) -> None:
    # 84 approvals and rejections in the 7 days before now: 0.5 an hour. Referrals do not count.
    for n in range(84):
        decision(session, NOW - timedelta(hours=2 * n + 1), outcome=("approved", "rejected")[n % 2])
    decision(session, NOW - timedelta(hours=3), outcome="referred")  # one more open case
    decision(session, NOW - timedelta(days=8))  # too long ago
    for _ in range(4):
        case(session, status=CaseStatus.QUEUED)
    case(session, status=CaseStatus.IN_REVIEW, lease_holder="checker.two")

    forecast = _week(session).queue.forecast
    assert forecast.rate_per_hour == 0.5
    assert forecast.open_cases == 6
    assert forecast.clears_at == NOW + timedelta(hours=12)


def test_no_forecast_when_nothing_was_decided_in_the_last_seven_days(session: Session) -> None:
    case(session, status=CaseStatus.QUEUED)
    forecast = _week(session).queue.forecast
    assert forecast.clears_at is None and forecast.open_cases == 1


def test_queue_ages_and_sla_breaches_now_and_in_the_next_24_hours(session: Session) -> None:
    ages = [timedelta(hours=1), timedelta(hours=5), timedelta(hours=30), timedelta(days=3)]
    for age in ages + [timedelta(days=6), timedelta(days=7)]:
        case(session, submitted_at=NOW - age, sla_due_at=NOW + timedelta(days=2))
    case(session, sla_due_at=NOW - timedelta(minutes=1))  # breaching now (age 1 hour)
    case(session, status=CaseStatus.REFERRED, sla_due_at=NOW + timedelta(hours=23, minutes=59))
    case(session, sla_due_at=NOW + timedelta(hours=24))  # due in exactly 24 hours: not within

    queue = _week(session).queue
    assert [band.count for band in queue.ages] == [3, 1, 1, 1, 2]
    assert (queue.waiting, queue.referred) == (8, 1)
    assert queue.breaching_now == 1
    assert queue.breaching_within_24h == 1


def test_arrivals_against_decisions_per_london_day(session: Session) -> None:
    case(session, submitted_at=utc(10, 28, 23, 30))  # Wednesday 23:30 GMT
    case(session, submitted_at=utc(10, 24, 23, 30))  # Sunday 00:30 BST
    decision(session, utc(10, 29, 9))  # its case arrived at 06:00 on Thursday

    flow = {f.day: f for f in _week(session).queue.flow}
    assert (flow[date(2026, 10, 28)].arrivals, flow[date(2026, 10, 28)].decisions) == (1, 0)
    assert flow[date(2026, 10, 25)].arrivals == 1
    assert (flow[date(2026, 10, 29)].arrivals, flow[date(2026, 10, 29)].decisions) == (1, 1)


def test_rejection_reasons_count_and_share_per_organisation_and_cohort(session: Session) -> None:
    riverside = make_org(session, "RX1", "Riverside University")
    hill = make_org(session, "HL2", "Hillside Trust")
    when = NOW - timedelta(hours=1)
    decision(session, when, outcome="rejected", reasons=["face_mismatch"], org=riverside)
    decision(
        session,
        when,
        outcome="rejected",
        reasons=["face_mismatch", "photo_rules"],
        org=riverside,
    )
    decision(session, when, outcome="rejected", reasons=["not_original"], org=hill, cohort="F1")
    decision(session, when, outcome="rejected", reasons=["not_original"], golden=True)
    decision(session, when, outcome="approved", org=hill)

    found = _week(session).rejections
    assert found.rejections == 3
    overall = {r.reason: (r.count, round(r.share, 4)) for r in found.reasons}
    assert overall == {
        "face_mismatch": (2, 0.6667),
        "photo_rules": (1, 0.3333),
        "not_original": (1, 0.3333),
    }
    groups = {(g.organisation, g.cohort): g for g in found.groups}
    riverside_reasons = groups[("Riverside University", "Nursing 2026")]
    assert riverside_reasons.rejections == 2
    assert [(r.label, r.share) for r in riverside_reasons.reasons] == [
        ("Face does not match or is too poor to compare", 1.0),
        ("Photo does not meet smartcard photo rules", 0.5),
    ]
    assert groups[("Hillside Trust", "F1")].reasons[0].count == 1


def test_the_journey_follows_invitations_and_names_where_people_drop_out(
    session: Session,
) -> None:
    riverside = make_org(session, "RX1", "Riverside University")
    invited = NOW - timedelta(days=2)
    created = case(session, status=CaseStatus.PROFILE_CREATED, org=riverside, invited_at=invited)
    case(session, status=CaseStatus.PROFILE_CREATED, org=riverside, invited_at=invited)
    case(session, status=CaseStatus.REJECTED, org=riverside, invited_at=invited)
    case(session, status=CaseStatus.QUEUED, org=riverside, invited_at=invited)
    case(session, status=CaseStatus.QUEUED, org=riverside, invited_at=NOW - timedelta(days=9))
    for _ in range(3):  # invited, never submitted
        make_invitation(session, org=riverside).created_at = invited
    session.add(
        OutboxMessage(
            application_id=created.id,
            kind="notify_profile_created",
            idempotency_key=f"notify_profile_created:{created.id}",
            status="done",
        )
    )

    (row,) = _week(session).journey
    assert (row.invited, row.submitted, row.decided, row.profile_created, row.email_sent) == (
        7,
        4,
        3,
        2,
        1,
    )
    assert row.biggest_drop == ("invited", "submitted", 3)


def test_downstream_counts_profiles_waiting_and_failed(session: Session) -> None:
    case(session, status=CaseStatus.APPROVED)
    case(session, status=CaseStatus.PROFILE_PENDING)
    case(session, status=CaseStatus.PROFILE_FAILED)
    case(session, status=CaseStatus.PROFILE_CREATED)

    downstream = _week(session).downstream
    assert (downstream.profiles_pending, downstream.profiles_failed) == (2, 1)
    assert downstream.emails_failed == 0


def test_today_on_the_clock_change_is_a_25_hour_day() -> None:
    period = period_for("today", now=datetime(2026, 10, 25, 12, tzinfo=UTC))
    assert period.end - period.start == timedelta(hours=25)
    assert period.start == utc(10, 24, 23)


def test_a_custom_range_that_ends_before_it_starts_says_what_to_change() -> None:
    with pytest.raises(InvalidPeriod, match="enter an end date on or after it"):
        period_for("custom", now=NOW, first=date(2026, 10, 20), last=date(2026, 10, 10))
    with pytest.raises(InvalidPeriod, match="both a start date and an end date"):
        period_for("custom", now=NOW, first=date(2026, 10, 20))
