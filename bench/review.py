"""``checker-console bench review``: from a decision to the next case's images on screen.

A checker's rhythm is: decide, and the next case is there. This measures exactly that, in
Chromium against the console built in production mode on the embedded default (SQLite, disk
state manager, local blobs): for each case the checker ticks the checklist and presses A; the
clock runs from that key press (the browser's own ``performance.now()`` at keydown) until both
viewers have painted the next case's document and selfie (their ``painted:`` performance marks).

It runs twice in the same console: with prefetch (the default: the next case is reserved and
its images loaded while the checker works, ``services/queue/reservations.py``) and without
(``/review?prefetch=0``), which is the baseline. Before each decision it waits until the
prefetch has finished, as it would have during the seconds a real checker spends on a case.
The target is a p95 under 300 ms with prefetch. The last line is::

    RESULT p50_ms=.. p95_ms=.. p95_no_prefetch_ms=..
"""

from __future__ import annotations

import argparse
import shutil
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from playwright.sync_api import Browser, Page, expect, sync_playwright

from checker_console.adapters.blobs import LocalBlobStore
from checker_console.devtools.console_server import running_console
from checker_console.sample.seeding import seed_cases
from checker_console.settings import load_settings
from checker_console.store.db import make_engine
from checker_console.store.migrate import migrate

TARGET_P95_MS = 300.0
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run"]
#: Installed once per page: remembers when the decision key went down, in page time.
_RECORD_KEYDOWN = """() => {
  window.__pressedAt = null;
  window.addEventListener("keydown", (event) => {
    if (event.key === "a" || event.key === "n") window.__pressedAt = performance.now();
  }, { capture: true });
}"""
_PAINT_DELAY = """([document, selfie]) => {
  const last = (src, viewer) => {
    const marks = performance.getEntriesByName(`painted:${viewer}:${src}`);
    return marks.length ? marks[marks.length - 1].startTime : null;
  };
  const painted = [last(document, "viewer-document"), last(selfie, "viewer-selfie")];
  if (painted.includes(null) || window.__pressedAt === null) return null;
  return Math.max(...painted) - window.__pressedAt;
}"""


def percentile(values: Sequence[float], share: float) -> float:
    """The nearest-rank percentile: the value below which ``share`` of the values fall."""
    ordered = sorted(values)
    rank = max(1, round(share * len(ordered) + 0.5 - 1e-9))
    return ordered[min(len(ordered), rank) - 1]


def _progress(message: str) -> None:
    print(f"[bench review] {message}", file=sys.stderr, flush=True)


def _shown(page: Page) -> tuple[str, str, str]:
    heading = page.locator("#review-heading").inner_text()
    document = page.locator("#viewer-document").get_attribute("data-src") or ""
    selfie = page.locator("#viewer-selfie").get_attribute("data-src") or ""
    return heading, document, selfie


def _wait_for_painted(page: Page) -> None:
    expect(page.locator("#viewer-document")).to_have_attribute("data-loaded", "true")
    expect(page.locator("#viewer-selfie")).to_have_attribute("data-loaded", "true")


def _run(page: Page, decisions: int, *, prefetch: bool) -> list[float]:
    """Decide ``decisions`` cases in a row; the milliseconds from each A to the next painted."""
    page.goto("/review" if prefetch else "/review?prefetch=0")
    page.evaluate(_RECORD_KEYDOWN)
    timings: list[float] = []
    for _ in range(decisions):
        expect(page.locator("#review-heading")).to_be_visible()
        _wait_for_painted(page)
        before = _shown(page)
        if prefetch:
            marker = page.locator("#image-prefetch")
            expect(marker).not_to_have_attribute("data-wanted", "0")
            wanted = marker.get_attribute("data-wanted") or "0"
            expect(marker).to_have_attribute("data-ready", wanted)
        for key in "12345678":
            page.keyboard.press(key)
        expect(page.locator(".check__box:checked")).to_have_count(8)
        page.keyboard.press("a")
        expect(page.locator("#review-heading")).not_to_have_text(before[0])
        _wait_for_painted(page)
        _, document, selfie = _shown(page)
        delay = page.evaluate(_PAINT_DELAY, [document, selfie])
        if delay is None:
            raise RuntimeError("the next case painted without a paint mark: is the viewer current?")
        timings.append(float(delay))
    return timings


def _timed_run(
    browser: Browser, url: str, user: str, decisions: int, *, prefetch: bool
) -> list[float]:
    context = browser.new_context(base_url=url, viewport={"width": 1366, "height": 768})
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.goto(f"/auth/demo-sign-in?user={user}")
    page.wait_for_url(lambda url: "/auth/" not in url)  # signed in, on their landing page
    started = time.perf_counter()
    try:
        return _run(page, decisions, prefetch=prefetch)
    finally:
        mode = "with" if prefetch else "without"
        _progress(f"{mode} prefetch: {time.perf_counter() - started:.0f}s")
        context.close()


def _report(name: str, timings: list[float]) -> tuple[float, float]:
    p50, p95 = percentile(timings, 0.5), percentile(timings, 0.95)
    print(
        f"{name:<12} n={len(timings):<3} p50={p50:7.1f} ms  p95={p95:7.1f} ms  "
        f"min={min(timings):6.1f}  max={max(timings):6.1f}  mean={statistics.fmean(timings):6.1f}"
    )
    return p50, p95


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="checker-console bench review", description=__doc__)
    parser.add_argument("--cases", type=int, default=30, help="decisions timed per run (30)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(list(argv or []))
    chromium = shutil.which("chromium")
    if chromium is None:
        print("Chromium is not installed: apt-get install chromium", file=sys.stderr)
        return 2
    # SIGTERM (a CI time-out) must still stop the console's process group.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    folder = Path(tempfile.mkdtemp(prefix="bench-review-"))
    try:
        database_url = f"sqlite:///{folder / 'checker.db'}"
        engine = make_engine(database_url)
        migrate(engine)
        wanted = 2 * (args.cases + 2)
        _progress(f"drawing {wanted} synthetic cases (about a second each)…")
        summary = seed_cases(
            engine,
            LocalBlobStore(folder / "data" / "blobs"),
            load_settings(),
            cases=wanted,
            seed=29,
        )
        engine.dispose()
        _progress(f"seeded {summary.written} cases in {summary.seconds:.0f}s")
        with (
            running_console(folder, database_url, progress=_progress) as url,
            sync_playwright() as playwright,
        ):
            browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            results = {
                prefetch: _timed_run(browser, url, user, args.cases, prefetch=prefetch)
                for user, prefetch in (("checker.one", True), ("checker.two", False))
            }
            browser.close()
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    p50, p95 = _report("prefetch", results[True])
    base_p50, base_p95 = _report("no prefetch", results[False])
    print(f"p95 with prefetch is {p95 / base_p95:.2f}x the p95 without (baseline, same run)")
    verdict = "meets" if p95 < TARGET_P95_MS else "misses"
    print(f"target p95 < {TARGET_P95_MS:.0f} ms: {verdict}")
    print(f"RESULT p50_ms={p50:.1f} p95_ms={p95:.1f} p95_no_prefetch_ms={base_p95:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
