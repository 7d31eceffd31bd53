"""Scale mode on one machine: PostgreSQL, Redis, an S3 server, the stand-ins, one background
worker and the console on N server workers, for ``scale-demo``, ``bench team`` and tests.

Everything but PostgreSQL is started here, as child processes on free ports of 127.0.0.1:
a Redis of its own (so a benchmark may restart it without touching anyone else's), moto's S3
server (``pip install 'moto[server]'``), the CIM and Notify stand-ins and ``checker-console
worker``. PostgreSQL is the server ``pg_server_url`` names; the stack uses a database of its own
there. ``console_worker_pids()``, ``kill_console_worker()`` and ``restart_redis()`` are the
faults the team benchmark injects.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from checker_console.devtools.console_server import free_port, running_console

#: Credentials for the local S3 server only: it accepts any, and nothing else sees them.
LOCAL_S3_ENV = {
    "AWS_ACCESS_KEY_ID": "local-s3-server",
    "AWS_SECRET_ACCESS_KEY": "local-s3-server",
    "AWS_DEFAULT_REGION": "eu-west-2",
    "AWS_EC2_METADATA_DISABLED": "true",
}
BUCKET = "checker-images"


@dataclass
class ScaleStack:
    url: str
    database_url: str
    redis_url: str
    s3_endpoint: str
    folder: Path
    env: dict[str, str]
    console: subprocess.Popen[bytes] | None = None
    children: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    redis_port: int = 0
    #: Every console process's output, including their JSON log events (with ``pid``).
    console_log: Path = Path()

    def console_worker_pids(self) -> list[int]:
        """The server worker processes (Granian's), newest last."""
        assert self.console is not None
        return _worker_pids(self.console.pid)

    def kill_console_worker(self, pid: int | None = None) -> int:
        """SIGKILL one server worker (the first, or ``pid``), as a crash would."""
        pids = self.console_worker_pids()
        if not pids:
            raise RuntimeError("found no console worker process to kill")
        victim = pid or pids[0]
        os.kill(victim, signal.SIGKILL)
        return victim

    def restart_redis(self, down_s: float = 0.5) -> None:
        """Stop Redis and start it again on the same port, empty (no persistence)."""
        process = self.children.pop("redis")
        process.terminate()
        process.wait(timeout=10)
        time.sleep(down_s)
        self.children["redis"] = _start_redis(self.folder, self.redis_port)


def _proc_stat(pid: int) -> tuple[int, int] | None:
    """(parent pid, process group) from /proc, or None if it has gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw[raw.rindex(")") + 2 :].split()
    return int(fields[1]), int(fields[2])


def _worker_pids(group: int) -> list[int]:
    """Granian's workers: processes of the console's group whose parent runs the same program."""
    members: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := _proc_stat(int(entry.name))) and stat[1] == group:
            members[int(entry.name)] = stat[0]

    def cmdline(pid: int) -> bytes:
        with contextlib.suppress(OSError):
            return Path(f"/proc/{pid}/cmdline").read_bytes()
        return b""

    return sorted(
        pid
        for pid, parent in members.items()
        if parent in members and cmdline(pid) == cmdline(parent) and b"reflex" in cmdline(pid)
    )


def _start_redis(folder: Path, port: int) -> subprocess.Popen[bytes]:
    """An empty Redis with the keyspace events Reflex needs set from the start, as a managed
    Redis would have them in its configuration (so they survive a restart)."""
    program = shutil.which("redis-server")
    if program is None:
        raise SystemExit("redis-server is not installed (apt-get install redis-server).")
    log = (folder / "redis.log").open("ab")
    process = subprocess.Popen(
        [program, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(folder), "--notify-keyspace-events", "K$sgxe"],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    _wait_for_port(port, process, "Redis")
    return process


def _wait_for_port(port: int, process: subprocess.Popen[bytes], what: str) -> None:
    import socket

    deadline = time.monotonic() + 30
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with code {process.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not listen on port {port} within 30 s")
        time.sleep(0.1)


def _start(
    name: str, command: list[str], env: dict[str, str], folder: Path
) -> subprocess.Popen[bytes]:
    log = (folder / f"{name}.log").open("ab")
    return subprocess.Popen(
        command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "checker_console.cli", *args]


def moto_server_command() -> list[str]:
    beside = Path(sys.executable).with_name("moto_server")
    if beside.exists():
        return [str(beside)]
    if shutil.which("moto_server"):
        return [str(shutil.which("moto_server"))]
    raise SystemExit(
        "The local S3 server is moto's: pip install 'moto[server]' (it is in the test extra)."
    )


def _make_bucket(endpoint: str) -> None:
    import boto3

    client = boto3.session.Session(**_boto_credentials()).client(
        "s3", endpoint_url=endpoint, region_name="eu-west-2"
    )
    with contextlib.suppress(client.exceptions.BucketAlreadyOwnedByYou):
        client.create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"}
        )


def _boto_credentials() -> dict[str, str]:
    return {
        "aws_access_key_id": LOCAL_S3_ENV["AWS_ACCESS_KEY_ID"],
        "aws_secret_access_key": LOCAL_S3_ENV["AWS_SECRET_ACCESS_KEY"],
    }


@contextlib.contextmanager
def running_scale_stack(
    build_folder: Path,
    data_folder: Path,
    *,
    database_url: str,
    workers: int,
    seed: Callable[[dict[str, str]], None] | None = None,
    env: dict[str, str] | None = None,
    port: int | None = None,
    progress: Callable[[str], None] = print,
) -> Iterator[ScaleStack]:
    """Start everything, call ``seed(environment)`` once the database and bucket exist, then
    serve; yield the running stack; stop it all at the end."""
    data_folder.mkdir(parents=True, exist_ok=True)
    build_folder.mkdir(parents=True, exist_ok=True)
    redis_port, s3_port, cim_port, notify_port = (free_port() for _ in range(4))
    console_port = port or free_port()
    url = f"http://127.0.0.1:{console_port}"
    s3_endpoint = f"http://127.0.0.1:{s3_port}"
    environment = {
        **os.environ,
        **LOCAL_S3_ENV,
        "DATABASE_URL": database_url,
        "CHECKER_DATA_DIR": str(data_folder),
        "CHECKER_REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "CHECKER_S3_BUCKET": BUCKET,
        "CHECKER_S3_ENDPOINT_URL": s3_endpoint,
        "CHECKER_S3_REGION": "eu-west-2",
        "CHECKER_EMBEDDED_WORKER": "0",
        "CHECKER_WEB_WORKERS": str(workers),
        "CHECKER_CIM_BASE_URL": f"http://127.0.0.1:{cim_port}",
        "CHECKER_NOTIFY_BASE_URL": f"http://127.0.0.1:{notify_port}",
        "CHECKER_APP_URL": url,
        "CHECKER_DEMO_MODE": "1",
        "CHECKER_LOG_FORMAT": "json",
        "PYTHONUNBUFFERED": "1",
        **(env or {}),
    }
    stack = ScaleStack(
        url=url,
        database_url=database_url,
        redis_url=environment["CHECKER_REDIS_URL"],
        s3_endpoint=s3_endpoint,
        folder=data_folder,
        env=environment,
        redis_port=redis_port,
        console_log=build_folder / "console.log",
    )
    try:
        stack.children["redis"] = _start_redis(data_folder, redis_port)
        stack.children["s3"] = _start(
            "s3", [*moto_server_command(), "-H", "127.0.0.1", "-p", str(s3_port)], environment,
            data_folder,
        )  # fmt: skip
        _wait_for_port(s3_port, stack.children["s3"], "the S3 server")
        _make_bucket(s3_endpoint)
        for name, stand_in_port in (("cim", cim_port), ("notify", notify_port)):
            stack.children[name] = _start(
                name, _cli(f"standin-{name}", "--port", str(stand_in_port)), environment,
                data_folder,
            )  # fmt: skip
        progress(f"Redis :{redis_port}, S3 {s3_endpoint}, CIM :{cim_port}, Notify :{notify_port}")
        subprocess.run(_cli("migrate"), env=environment, check=True, capture_output=True)
        if seed is not None:
            seed(environment)
        stack.children["worker"] = _start("worker", _cli("worker"), environment, data_folder)
        for name, stand_in_port in (("cim", cim_port), ("notify", notify_port)):
            _wait_for_port(stand_in_port, stack.children[name], f"the {name} stand-in")

        def remember(process: subprocess.Popen[bytes]) -> None:
            stack.console = process

        with running_console(
            build_folder,
            database_url,
            env={k: v for k, v in environment.items() if k.startswith(("CHECKER_", "AWS_"))},
            progress=progress,
            port=console_port,
            on_start=remember,
        ):
            _wait_for_workers(stack, workers, progress)
            yield stack
    finally:
        for process in stack.children.values():
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        for process in stack.children.values():
            try:
                process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


def _wait_for_workers(stack: ScaleStack, workers: int, progress: Callable[[str], None]) -> None:
    """Until every server worker answers: ``/_health`` from several connections."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        found = len(stack.console_worker_pids())
        if found >= workers or (workers == 1 and found == 0):
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{stack.url}/_health", timeout=5).status_code == 200:
                    progress(f"console on {stack.url} with {max(found, 1)} worker process(es)")
                    return
        time.sleep(0.5)
    progress(f"warning: saw {len(stack.console_worker_pids())} of {workers} worker processes")
