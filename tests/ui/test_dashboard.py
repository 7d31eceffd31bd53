"""The team lead's dashboard in Chromium: its figures, its charts' tables and CSV, the live board
following another browser's claim, and a lead handing a case back to the queue."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect
from sqlmodel import Session

from checker_console.clock import utcnow
from checker_console.sample.history import (
    ensure_sample_organisations,
    history_rows,
    next_free_id,
    write_history,
)
from checker_console.services.oversight.dashboard import dashboard
from checker_console.services.oversight.scope import period_for
from checker_console.store.db import make_engine
from tests.ui.conftest import Console
from tests.ui.review_support import case_row, release_everything_held_by, shown_case_id

pytestmark = pytest.mark.browser

OpenAs = Callable[..., Page]
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def _add_history(console: Console) -> None:
    """Two weeks of decided cases (rows only), so every chart has something to show."""
    engine = make_engine(console.database_url)
    with Session(engine) as session:
        organisation_ids = ensure_sample_organisations(session)
    rows = history_rows(
        now=utcnow(),
        days=14,
        cases_per_day=6,
        organisation_ids=organisation_ids,
        first_id=next_free_id(engine),
        seed=14,
    )
    write_history(engine, rows)
    engine.dispose()


def _expected(console: Console) -> tuple[int, int]:
    """(decisions in the last 7 days, cases waiting now), counted by the service itself."""
    engine = make_engine(console.database_url)
    with Session(engine) as session:
        figures = dashboard(session, period_for("7d", now=utcnow()))
    engine.dispose()
    return figures.throughput.total.total, figures.queue.waiting


def _serious_wcag22_problems(page: Page) -> list[str]:
    options = {"runOnly": {"type": "tag", "values": WCAG_22_AA}}
    violations = Axe().run(page, options=options).response["violations"]
    return [
        f"{v['id']} ({v['impact']}): {v['help']} {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
        if v["impact"] in {"serious", "critical"}
    ]


def test_a_lead_sees_the_seeded_figures_with_tables_and_csv_and_axe_finds_nothing_serious(
    open_as: OpenAs, review_console: Console, tmp_path: Path
) -> None:
    _add_history(review_console)
    decided, waiting = _expected(review_console)
    lead = open_as("lead.one", width=1280, height=900)

    lead.get_by_role("link", name="Dashboard").click()

    expect(lead.locator("#period-label")).to_have_text("last 7 days")
    expect(lead.locator("#tile-decisions")).to_have_text(f"{decided:,}")
    expect(lead.locator("#tile-waiting")).to_have_text(f"{waiting:,}")
    chart = lead.locator("#per-day-chart")
    expect(chart).to_have_attribute("role", "img")
    expect(chart).to_have_attribute(
        "aria-label", re.compile(rf"^Decisions per day, last 7 days: {decided:,}, ")
    )
    lead.get_by_text("Show the data as a table").first.click()
    expect(lead.locator("#per-day-table tbody tr")).to_have_count(7)
    with lead.expect_download() as download:
        lead.locator("#per-day-table-csv").click()
    csv = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
    assert csv[0] == "Day,Approved,Rejected,Referred,Total"
    assert sum(int(line.rsplit(",", 1)[1]) for line in csv[1:]) == decided
    if folder := os.environ.get("CHECKER_SCREENSHOT_DIR"):
        lead.screenshot(path=str(Path(folder) / "dashboard.png"), full_page=True)
    assert _serious_wcag22_problems(lead) == []


def test_a_claim_in_another_browser_shows_on_the_lead_s_board_and_the_lead_hands_it_back(
    open_as: OpenAs, review_console: Console
) -> None:
    release_everything_held_by(review_console.database_url, "checker.one")
    lead = open_as("lead.one")
    lead.goto("/dashboard")
    expect(lead.locator("#live-board")).to_be_visible()
    checker = open_as("checker.one")

    checker.goto("/review")
    case_id = shown_case_id(checker)
    claimed = time.monotonic()
    board_row = lead.locator(
        "#live-board tbody tr", has=lead.locator(f'a[href="/cases/{case_id}"]')
    )
    expect(board_row).to_contain_text("Sam Patel", timeout=2_000)
    assert time.monotonic() - claimed < 2.0

    board_row.get_by_role("button", name=f"Hand back case {case_id}").click()
    confirm = lead.locator("#hand-back-confirm")
    expect(confirm).to_have_text(f"Hand back case {case_id}")
    confirm.click()
    expect(lead.locator("#hand-back-reason-error")).to_contain_text("Enter a reason")
    lead.get_by_label("Why are you handing this case back?").fill("Sam is needed on a call")
    confirm.click()

    expect(lead.locator("#board-message")).to_contain_text(f"Case {case_id} is back in the queue")
    expect(board_row).to_have_count(0)
    notice = checker.locator(".notice")
    expect(notice).to_contain_text(f"Jordan Lee handed case {case_id} back", timeout=15_000)
    expect(notice).to_contain_text("Sam is needed on a call.")
    assert case_row(review_console.database_url, case_id).lease_holder is None


def test_a_lead_puts_a_cohort_first_and_back_again(open_as: OpenAs) -> None:
    lead = open_as("lead.one")
    lead.goto("/dashboard")

    lead.get_by_role("button", name="Put this cohort first").click()
    expect(lead.locator("#cohort-error")).to_have_text("Choose a cohort from the list.")
    lead.get_by_label("Cohort", exact=True).select_option(index=1)
    chosen = lead.get_by_label("Cohort", exact=True).evaluate(
        "s => s.options[s.selectedIndex].text"
    )
    lead.get_by_role("button", name="Put this cohort first").click()

    expect(lead.locator("#cohort-message")).to_contain_text("is now first in the queue")
    expect(lead.locator("#cohorts-first li")).to_have_text(re.compile(re.escape(chosen)))
    lead.get_by_role(
        "button", name=re.compile(rf"^Put back in SLA order.*{re.escape(chosen)}$")
    ).click()
    expect(lead.locator("#cohort-message")).to_contain_text("is now back in SLA order")
    expect(lead.locator("#cohorts-first li")).to_have_count(0)


def test_a_custom_range_ending_before_it_starts_says_what_to_change_and_keeps_the_dates(
    open_as: OpenAs,
) -> None:
    lead = open_as("lead.one")
    lead.goto("/dashboard")
    expect(lead.locator("#period-label")).to_have_text("last 7 days")

    lead.get_by_label("Custom", exact=True).check()
    lead.get_by_label("Custom range: from").fill("2026-10-20")
    lead.get_by_label("to", exact=True).fill("2026-10-10")
    lead.get_by_role("button", name="Show figures").click()

    expect(lead.locator("#period-error")).to_contain_text("enter an end date on or after it")
    expect(lead.get_by_label("Custom range: from")).to_have_value("2026-10-20")
    lead.get_by_label("to", exact=True).fill("2026-10-25")
    lead.get_by_role("button", name="Show figures").click()
    expect(lead.locator("#period-label")).to_have_text("20 October 2026 to 25 October 2026")
    expect(lead.locator("#period-error")).to_have_count(0)
