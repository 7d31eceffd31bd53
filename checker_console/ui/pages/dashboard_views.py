"""The dashboard's figures as the page shows them: tiles, chart data, tables and their findings.

Plain functions from the service's dataclasses to view dataclasses, so the state class stays
thin and every sentence a lead reads is made (and tested) in one place.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime

from checker_console.clock import london
from checker_console.services.oversight.dashboard import Dashboard
from checker_console.services.oversight.outcomes import JOURNEY_STEPS, STEP_LABELS
from checker_console.services.oversight.throughput import OutcomeCounts, seconds_words
from checker_console.ui.components.chart import ChartData

OUTCOME_HEADERS = ["Approved", "Rejected", "Referred", "Total"]


@dataclasses.dataclass
class Tile:
    label: str
    value: str
    id: str
    href: str = ""


def _day(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b}"


def _counts(counts: OutcomeCounts) -> list[str]:
    return [
        f"{counts.approved:,}",
        f"{counts.rejected:,}",
        f"{counts.referred:,}",
        f"{counts.total:,}",
    ]


def _points(counts: OutcomeCounts, **label: str) -> dict[str, object]:
    return label | {
        "approved": counts.approved,
        "rejected": counts.rejected,
        "referred": counts.referred,
    }


def change_words(now: int, before: int) -> str:
    """ "up 8% on the 7 days before", "the same as", or "none the ... before"."""
    if before == 0:
        return "none in the period before"
    change = round((now - before) * 100 / before)
    if change == 0:
        return "the same as the period before"
    return f"{'up' if change > 0 else 'down'} {abs(change)}% on the period before"


def clears_words(clears_at: datetime | None, now: datetime) -> str:
    """ "Thursday 14:00" (London), with the date when it is over a week away."""
    if clears_at is None:
        return "not forecast"
    local = london(clears_at)
    if (clears_at - now).days >= 6:
        return f"{local:%A} {local.day} {local:%B}, {local:%H:%M}"
    return f"{local:%A %H:%M}"


def tiles(board: Dashboard) -> list[Tile]:
    t, q, d = board.throughput, board.queue, board.downstream
    return [
        Tile("Decisions", f"{t.total.total:,}", "tile-decisions"),
        Tile("Handling time p50", seconds_words(t.p50_seconds), "tile-p50"),
        Tile("Handling time p95", seconds_words(t.p95_seconds), "tile-p95"),
        Tile("Waiting now", f"{q.waiting:,}", "tile-waiting"),
        Tile("Breaching SLA now", f"{q.breaching_now:,}", "tile-breaching"),
        Tile("Will breach in 24 hours", f"{q.breaching_within_24h:,}", "tile-breach-soon"),
        Tile(
            "Queue clears, at this pace",
            clears_words(q.forecast.clears_at, board.now),
            "tile-clears",
        ),
        Tile("Profiles waiting", f"{d.profiles_pending:,}", "tile-profiles-pending", "/downstream"),
        Tile("Profiles failed", f"{d.profiles_failed:,}", "tile-profiles-failed", "/downstream"),
        Tile("Emails failed", f"{d.emails_failed:,}", "tile-emails-failed", "/downstream"),
    ]


def per_day(board: Dashboard) -> ChartData:
    t = board.throughput
    busiest = max(t.per_day, key=lambda d: d.counts.total, default=None)
    summary = (
        f"Decisions per day, {board.period.label}: {t.total.total:,}, "
        f"{change_words(t.total.total, t.previous_total)}."
    )
    if busiest is not None and busiest.counts.total:
        summary += f" Busiest day: {_day(busiest.day)}, {busiest.counts.total:,}."
    return ChartData(
        summary=summary,
        points=[_points(d.counts, day=_day(d.day)) for d in t.per_day],
        headers=["Day", *OUTCOME_HEADERS],
        rows=[[_day(d.day), *_counts(d.counts)] for d in t.per_day],
    )


def per_hour(board: Dashboard) -> ChartData:
    t = board.throughput
    busiest = max(t.per_hour, key=lambda h: h.counts.total)
    hours = len(board.period.days) * 24
    summary = (
        f"Decisions per hour of the day, {board.period.label}: "
        f"{t.total.total / hours:.1f} an hour on average"
    )
    if busiest.counts.total:
        summary += f"; the busiest hour is {busiest.hour:02d}:00 with {busiest.counts.total:,}."
    else:
        summary += "."
    return ChartData(
        summary=summary,
        points=[_points(h.counts, hour=f"{h.hour:02d}:00") for h in t.per_hour],
        headers=["Hour (London)", *OUTCOME_HEADERS],
        rows=[[f"{h.hour:02d}:00", *_counts(h.counts)] for h in t.per_hour],
    )


def checkers(board: Dashboard) -> ChartData:
    t = board.throughput
    rows = [
        [c.name, *_counts(c.counts), seconds_words(c.p50_seconds), seconds_words(c.p95_seconds)]
        for c in t.checkers
    ]
    rows.append(
        ["Team", *_counts(t.total), seconds_words(t.p50_seconds), seconds_words(t.p95_seconds)]
    )
    return ChartData(
        summary=f"Handling time, claim to decision, {board.period.label}: half of decisions took "
        f"{seconds_words(t.p50_seconds)} or less, 95% took {seconds_words(t.p95_seconds)} or less.",
        headers=["Checker", *OUTCOME_HEADERS, "p50", "p95"],
        rows=rows,
    )


def ages(board: Dashboard) -> ChartData:
    q = board.queue
    oldest = next((band for band in reversed(q.ages) if band.count), None)
    summary = f"Cases waiting now: {q.waiting:,}."
    if oldest is not None:
        summary += f" The oldest are in the band {oldest.label.lower()} ({oldest.count:,})."
    return ChartData(
        summary=summary,
        points=[{"age": band.label, "cases": band.count} for band in q.ages],
        headers=["Waiting for", "Cases"],
        rows=[[band.label, f"{band.count:,}"] for band in q.ages],
    )


def flow(board: Dashboard) -> ChartData:
    q = board.queue
    arrived = sum(f.arrivals for f in q.flow)
    decided = sum(f.decisions for f in q.flow)
    trend = "grew" if arrived > decided else "shrank" if arrived < decided else "held steady"
    return ChartData(
        summary=f"Arrivals against decisions, {board.period.label}: {arrived:,} arrived and "
        f"{decided:,} were decided, so the queue {trend}.",
        points=[
            {"day": _day(f.day), "arrivals": f.arrivals, "decisions": f.decisions} for f in q.flow
        ],
        headers=["Day", "Arrived", "Decided"],
        rows=[[_day(f.day), f"{f.arrivals:,}", f"{f.decisions:,}"] for f in q.flow],
    )


def reasons(board: Dashboard) -> ChartData:
    r = board.rejections
    top = r.reasons[0] if r.reasons else None
    summary = f"Rejections, {board.period.label}: {r.rejections:,}."
    if top is not None:
        summary += f" The most common reason: {top.label.lower()} ({top.share:.0%} of rejections)."
    rows = [
        ["All", "All", reason.label, f"{reason.count:,}", f"{reason.share:.0%}"]
        for reason in r.reasons
    ]
    for group in r.groups:
        rows += [
            [
                group.organisation,
                group.cohort or "(none)",
                reason.label,
                f"{reason.count:,}",
                f"{reason.share:.0%}",
            ]
            for reason in group.reasons
        ]
    return ChartData(
        summary=summary,
        points=[{"reason": reason.label, "rejections": reason.count} for reason in r.reasons],
        headers=["Organisation", "Cohort", "Reason", "Rejections", "Share"],
        rows=rows,
    )


def journey(board: Dashboard) -> ChartData:
    rows = board.journey
    totals = {step: sum(row.step(step) for row in rows) for step in JOURNEY_STEPS}
    summary = f"The journey of people invited {board.period.label}: {totals['invited']:,} invited"
    summary += "".join(f", {totals[s]:,} {STEP_LABELS[s].lower()}" for s in JOURNEY_STEPS[1:])
    drops = [r.biggest_drop for r in rows if r.biggest_drop]
    if drops:
        worst = max(drops, key=lambda d: d[2])
        summary += (
            f". Most people stop between {STEP_LABELS[worst[0]].lower()} and "
            f"{STEP_LABELS[worst[1]].lower()}."
        )
    else:
        summary += "."
    return ChartData(
        summary=summary,
        points=[{"step": STEP_LABELS[s], "people": totals[s]} for s in JOURNEY_STEPS],
        headers=[
            "Organisation and cohort",
            *[STEP_LABELS[s] for s in JOURNEY_STEPS],
            "Most drop out",
        ],
        rows=[
            [
                f"{r.organisation}, {r.cohort or '(no cohort)'}",
                *[f"{r.step(s):,}" for s in JOURNEY_STEPS],
                _drop_words(r.biggest_drop),
            ]
            for r in rows
        ],
    )


def _drop_words(drop: tuple[str, str, int] | None) -> str:
    if drop is None:
        return "Nobody"
    return f"{STEP_LABELS[drop[0]]} to {STEP_LABELS[drop[1]].lower()} ({drop[2]:,})"
