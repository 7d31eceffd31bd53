"""Background work (lease sweeper, outbox worker) runs once per deployment, however many run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine

from checker_console.devtools.console_server import free_port
from checker_console.services.leadership import Leadership
from checker_console.store.db import make_engine
from tests.conftest import REQUIRE_POSTGRES, TEST_DATABASE_URL

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not TEST_DATABASE_URL and not REQUIRE_POSTGRES,
        reason="set TEST_DATABASE_URL: leader election is a PostgreSQL advisory lock",
    ),
]


@pytest.fixture
def pg_engine(postgres_url: str) -> Iterator[Engine]:
    engine = make_engine(postgres_url)
    yield engine
    engine.dispose()


def test_of_three_contenders_exactly_one_leads(pg_engine: Engine) -> None:
    contenders = [Leadership(pg_engine) for _ in range(3)]

    won = [leadership.try_acquire() for leadership in contenders]

    assert won.count(True) == 1
    leader = contenders[won.index(True)]
    assert leader.still_held()
    for leadership in contenders:
        leadership.release()


def test_when_the_leaders_connection_dies_a_standby_takes_over(pg_engine: Engine) -> None:
    leader, standby = Leadership(pg_engine), Leadership(pg_engine)
    assert leader.try_acquire() and not standby.try_acquire()

    assert leader._connection is not None
    leader._connection.invalidate()  # the process died: PostgreSQL ends its session

    assert not leader.still_held()
    assert standby.try_acquire()
    standby.release()


def _leading_pids(log_path: Path) -> list[int]:
    pids = []
    for line in log_path.read_text(errors="replace").splitlines():
        if line.startswith("{"):
            event = json.loads(line)
            if event["event"] == "background.leading":
                pids.append(event["pid"])
    return pids


def _leading_gauge(port: int) -> float:
    """What the worker's own /metrics says: 1 while it leads."""
    deadline = time.monotonic() + 20
    while True:
        try:
            text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
            break
        except httpx.HTTPError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    for line in text.splitlines():
        if line.startswith("checker_background_leading "):
            return float(line.split()[1])
    return 0.0


def _wait_for(condition, timeout_s: float, what: str, logs: list[Path]) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            tails = "\n".join(path.read_text(errors="replace")[-1500:] for path in logs)
            pytest.fail(f"timed out waiting for {what}:\n{tails}")
        time.sleep(0.2)


def test_three_worker_processes_run_the_background_work_once_and_a_standby_takes_over(
    postgres_url: str, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": postgres_url,
        "CHECKER_DATA_DIR": str(tmp_path / "data"),
        "CHECKER_LOG_FORMAT": "json",
        "CHECKER_LEADER_RETRY_SECONDS": "0.5",
        "CHECKER_LEASE_SWEEP_SECONDS": "0.5",
    }
    logs = [tmp_path / f"worker{n}.log" for n in range(3)]
    ports = [free_port() for _ in logs]
    processes = []
    for log_path, port in zip(logs, ports, strict=True):
        with log_path.open("wb") as log:
            processes.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "checker_console.cli",
                        "worker",
                        "--no-migrate",
                        "--metrics-port",
                        str(port),
                    ],  # fmt: skip
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
    try:
        _wait_for(lambda: any(_leading_pids(p) for p in logs), 30, "a leader", logs)
        time.sleep(3)  # six election rounds for the standbys
        leaders = [n for n, path in enumerate(logs) if _leading_pids(path)]
        assert len(leaders) == 1, "more than one process ran the background work"
        assert [_leading_gauge(port) for port in ports] == [
            1.0 if n == leaders[0] else 0.0 for n in range(3)
        ]

        processes[leaders[0]].send_signal(signal.SIGKILL)
        processes[leaders[0]].wait(timeout=10)
        killed_at = time.monotonic()
        others = [n for n in range(3) if n != leaders[0]]
        _wait_for(
            lambda: any(_leading_pids(logs[n]) for n in others), 15, "a standby to lead", logs
        )
        took_over_s = time.monotonic() - killed_at
        time.sleep(2)
        assert sum(len(_leading_pids(logs[n])) for n in others) == 1
        assert took_over_s < 5
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                process.kill()
