"""``checker-console bench team``: a team of simulated checkers against scale mode, with faults.

Scale mode runs here as in ``scale-demo`` (PostgreSQL, a Redis of its own, moto's S3 server,
the stand-ins, one background worker, the console built in production mode on N server
workers). K simulated checkers each sign in (a session made by the sessions service, as the
CIS2 callback makes it), open ``/review`` over Reflex's own websocket protocol
(python-socketio, no browser), and work the queue: think, tick the eight checklist items,
approve, and time from the approve event to the next case shown. One real Chromium checker
works beside them, timed from pressing A to the next case's images painted (as ``bench
review``).

In one run, each on a fresh database:
1. one simulated checker alone on N workers (thinking 0.5-1 s, for more samples): the
   baseline, ``p95_one_checker_ms``;
2. K checkers on 1 worker;
3. K checkers on N workers, plus the browser, plus the faults asked for: ``--kill-worker``
   SIGKILLs one server worker a third of the way in, ``--restart-redis`` restarts Redis
   (empty: it keeps nothing) half way.

Afterwards the database is asked: a case decided twice, or held by two checkers at overlapping
times (a double claim), or a decision a checker was shown as saved that is not in the database
(a lost decision). The last line is::

    RESULT checkers=.. workers=.. decisions_per_s=.. p95_ms=.. p95_one_checker_ms=..
           p95_over_one=.. errors=.. double_claims=.. lost_decisions=..
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from sqlmodel import Session

from bench._team_client import CheckerLog, SimulatedChecker
from bench._team_phase import Phase, check_database
from bench._team_seed import seed_team_cases
from checker_console.devtools.databases import drop_database, ensure_database
from checker_console.devtools.scale_stack import ScaleStack, running_scale_stack
from checker_console.services.identity.sessions import SESSION_COOKIE, create_session
from checker_console.store.db import make_engine

TARGET_P95_OVER_ONE = 3.0
BASELINE_THINK_S = (0.5, 1.0)
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/postgres"
PROJECT_ROOT = Path(__file__).resolve().parents[1]


def _progress(message: str) -> None:
    print(f"[bench team] {message}", file=sys.stderr, flush=True)


def _sign_in(database_url: str, count: int, prefix: str) -> list[tuple[str, str]]:
    """(checker id, Cookie header) for ``count`` checkers, through the sessions service."""
    engine = make_engine(database_url)
    signed_in = []
    with Session(engine) as session:
        for n in range(1, count + 1):
            user_id = f"{prefix}{n:03d}"
            value, _ = create_session(
                session, user_id=user_id, display_name=f"Bench checker {n}", roles=["checker"]
            )
            signed_in.append((user_id, f"{SESSION_COOKIE}={value}"))
        session.commit()
    engine.dispose()
    return signed_in


async def _run_checkers(
    stack: ScaleStack, phase: Phase, think_s: tuple[float, float], prefix: str
) -> None:
    checkers = [
        SimulatedChecker(stack.url, user_id, cookie, think_s=think_s, rng=random.Random(n))
        for n, (user_id, cookie) in enumerate(_sign_in(stack.database_url, phase.checkers, prefix))
    ]
    stop_at = time.monotonic() + phase.seconds

    async def staggered(n: int, checker: SimulatedChecker) -> CheckerLog:
        await asyncio.sleep(n * min(0.1, 5.0 / max(1, phase.checkers)))
        return await checker.run(stop_at)

    phase.logs = list(await asyncio.gather(*(staggered(n, c) for n, c in enumerate(checkers))))


def _inject_faults(stack: ScaleStack, phase: Phase, args: argparse.Namespace) -> threading.Thread:
    def run() -> None:
        started = time.monotonic()
        if args.kill_worker:
            time.sleep(max(0.0, phase.seconds / 3 - (time.monotonic() - started)))
            victim = stack.kill_console_worker()
            phase.faults.append(f"SIGKILL server worker {victim} at {phase.seconds / 3:.0f} s")
        if args.restart_redis:
            time.sleep(max(0.0, phase.seconds / 2 - (time.monotonic() - started)))
            stack.restart_redis()
            phase.faults.append(f"restarted Redis (empty) at {phase.seconds / 2:.0f} s")

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


_HEADING_CHANGED = (
    "(before) => { const h = document.querySelector('#review-heading');"
    " return h && h.innerText !== before; }"
)


def _decide_like_a_person(page, before: str, phase: Phase) -> None:  # noqa: ANN001
    """Tick the checklist and press A; if nothing happens for 10 s (an event lost in a fault),
    tick what is unticked and press A again, as a person would, up to three times."""
    boxes = page.locator(".check__box")
    for attempt in range(3):
        for n in range(8):
            if not boxes.nth(n).is_checked():
                page.keyboard.press(str(n + 1))
        page.keyboard.press("a")
        try:
            page.wait_for_function(_HEADING_CHANGED, arg=before, timeout=10_000)
            return
        except Exception:  # noqa: BLE001 - Playwright's TimeoutError: try again
            phase.faults.append(f"the Chromium checker pressed A again (try {attempt + 2})")
    page.wait_for_function(_HEADING_CHANGED, arg=before, timeout=10_000)


def _browser_checker(stack: ScaleStack, phase: Phase, stop_at: float) -> None:
    """One real checker in Chromium, as ``bench review`` times it, until ``stop_at``."""
    from playwright.sync_api import expect, sync_playwright

    from bench.review import _PAINT_DELAY, _RECORD_KEYDOWN, _shown, _wait_for_painted

    expect.set_options(timeout=30_000)  # a loaded machine: wait as long as a checker would
    chromium = shutil.which("chromium")
    if chromium is None:
        phase.browser_errors.append("Chromium is not installed: no browser figures")
        return
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, args=["--no-sandbox", "--disable-gpu", "--no-first-run"]
        )
        context = browser.new_context(base_url=stack.url, viewport={"width": 1366, "height": 768})
        context.set_default_timeout(30_000)
        page = context.new_page()
        try:
            page.goto("/auth/demo-sign-in?user=checker.one")
            page.wait_for_url(lambda url: "/auth/" not in url)  # signed in, on their landing page
            page.goto("/review")
            page.evaluate(_RECORD_KEYDOWN)
            while time.monotonic() < stop_at:
                page.locator("#review-heading").wait_for()
                _wait_for_painted(page)
                before = _shown(page)[0]
                time.sleep(1.0)
                _decide_like_a_person(page, before, phase)
                _wait_for_painted(page)
                _, document, selfie = _shown(page)
                delay = page.evaluate(_PAINT_DELAY, [document, selfie])
                if delay is not None:
                    phase.browser_ms.append(float(delay))
        except Exception as problem:  # noqa: BLE001 - reported, not fatal to the run
            phase.browser_errors.append(
                f"browser checker: {type(problem).__name__}: {problem}"[:300]
            )
        finally:
            context.close()
            browser.close()


def run_phase(
    args: argparse.Namespace, *, name: str, checkers: int, workers: int, seconds: float,
    faults: bool, browser: bool, think_s: tuple[float, float] | None = None,
) -> Phase:  # fmt: skip
    phase = Phase(name, checkers, workers, seconds)
    database = f"checker_bench_team_{os.getpid()}"
    database_url = ensure_database(args.pg_url, database, fresh=True)
    think_s = think_s or (args.think_min, args.think_max)
    cases = max(args.cases, int(checkers * seconds / max(0.5, think_s[0])) + 50)
    _progress(f"{name}: {cases} cases, {checkers} checker(s), {workers} worker(s), {seconds:.0f}s")
    folder = Path(tempfile.mkdtemp(prefix="bench-team-data-"))
    try:
        with running_scale_stack(
            args.build_folder,
            folder,
            database_url=database_url,
            workers=workers,
            seed=lambda env: _seed(env, cases),
            env={"CHECKER_LEASE_SECONDS": "30", "CHECKER_HEARTBEAT_SECONDS": "10"},
            progress=_progress,
        ) as stack:
            fault_thread = _inject_faults(stack, phase, args) if faults else None
            browser_thread = None
            if browser:
                stop_at = time.monotonic() + seconds
                browser_thread = threading.Thread(
                    target=_browser_checker, args=(stack, phase, stop_at), daemon=True
                )
                browser_thread.start()
            asyncio.run(_run_checkers(stack, phase, think_s, "bench."))
            if fault_thread is not None:
                fault_thread.join(timeout=5)
            if browser_thread is not None:
                browser_thread.join(timeout=60)
            time.sleep(1)
            check_database(stack.database_url, phase)
    finally:
        drop_database(args.pg_url, database)
        shutil.rmtree(folder, ignore_errors=True)
    phase.report()
    return phase


def _seed(environment: dict[str, str], cases: int) -> None:
    os.environ.update({k: v for k, v in environment.items() if k.startswith("AWS_")})
    seed_team_cases(environment, cases)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--checkers", type=int, default=50, help="simulated checkers (50)")
    parser.add_argument("--workers", type=int, default=4, help="console server workers (4)")
    parser.add_argument("--seconds", type=float, default=60, help="length of each team run (60)")
    parser.add_argument("--kill-worker", action="store_true", help="SIGKILL a worker mid-run")
    parser.add_argument("--restart-redis", action="store_true", help="restart Redis mid-run")
    parser.add_argument("--think-min", type=float, default=2.0, help="think time from (2 s)")
    parser.add_argument("--think-max", type=float, default=4.0, help="think time to (4 s)")
    parser.add_argument("--cases", type=int, default=500, help="at least this many cases")
    parser.add_argument("--no-browser", action="store_true", help="no Chromium checker")
    parser.add_argument("--skip-one-worker", action="store_true", help="no 1-worker team run")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("CHECKER_SCALE_PG_URL", DEFAULT_PG),
        help="PostgreSQL server for a throwaway database (CHECKER_SCALE_PG_URL)",
    )
    parser.add_argument(
        "--build-folder",
        type=Path,
        default=PROJECT_ROOT / "data" / "bench-team-build",
        help="where the production build is kept between runs",
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="checker-console bench team", description=__doc__)
    configure(parser)
    args = parser.parse_args(list(argv or []))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    baseline_s = args.seconds  # about 70 decisions at the baseline think time: a steadier p95
    # The baseline checker thinks for less (BASELINE_THINK_S) so that its p95 rests on a few
    # dozen decisions rather than a handful; alone, thinking does not change its latency.
    one = run_phase(args, name="one checker alone", checkers=1, workers=args.workers,
                    seconds=baseline_s, faults=False, browser=False,
                    think_s=BASELINE_THINK_S)  # fmt: skip
    single = None
    if not args.skip_one_worker and args.workers != 1:
        single = run_phase(args, name="team on one worker", checkers=args.checkers, workers=1,
                           seconds=args.seconds, faults=False, browser=False)  # fmt: skip
    team = run_phase(args, name="team", checkers=args.checkers, workers=args.workers,
                     seconds=args.seconds, faults=args.kill_worker or args.restart_redis,
                     browser=not args.no_browser)  # fmt: skip
    p95_one = one.p(0.95)
    over_one = team.p(0.95) / p95_one if p95_one and p95_one == p95_one else float("nan")
    print(
        f"\np95 with {args.checkers} checkers on {args.workers} workers is {over_one:.2f}x the "
        f"p95 of one checker alone (baseline, same run); target at most {TARGET_P95_OVER_ONE}"
    )
    if single is not None and single.acknowledged:
        print(f"{args.workers} workers decide {team.acknowledged / single.acknowledged:.2f}x "
              f"what one worker does with the same team")  # fmt: skip
    double = team.double_claims + team.double_decisions
    print(
        f"RESULT checkers={args.checkers} workers={args.workers} "
        f"decisions_per_s={team.acknowledged / team.seconds:.2f} p95_ms={team.p(0.95):.0f} "
        f"p95_one_checker_ms={p95_one:.0f} p95_over_one={over_one:.2f} "
        f"errors={len(team.errors)} double_claims={double} lost_decisions={team.lost_decisions}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
