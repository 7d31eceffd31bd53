"""A real S3 API server for tests: moto's server mode as a child process on a free port.

``running_moto_server`` starts ``moto_server`` on 127.0.0.1, waits until it answers, and
yields its URL. The AWS variables a deployment would set (keys, region) are set for the test,
so boto3 finds its credentials the standard way and never looks anywhere else.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx

from checker_console.devtools.console_server import free_port
from checker_console.devtools.scale_stack import moto_server_command

TEST_AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "eu-west-2",
    "AWS_EC2_METADATA_DISABLED": "true",
}


@contextlib.contextmanager
def running_moto_server(log_path: Path | None = None) -> Iterator[str]:
    """Start ``moto_server`` on a free port and yield ``http://127.0.0.1:PORT``."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = open(log_path, "wb") if log_path else subprocess.DEVNULL  # noqa: SIM115
    process = subprocess.Popen(
        [*moto_server_command(), "-H", "127.0.0.1", "-p", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, **TEST_AWS_ENV},
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"moto_server exited with code {process.returncode}")
            try:
                httpx.get(f"{url}/moto-api/", timeout=1)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise RuntimeError("moto_server did not answer within 30 s") from None
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        if log_path:
            log.close()  # type: ignore[union-attr]


def make_bucket(endpoint_url: str, name: str | None = None) -> str:
    import boto3

    bucket = name or f"checker-test-{uuid.uuid4().hex[:10]}"
    client = boto3.session.Session().client(
        "s3", endpoint_url=endpoint_url, region_name="eu-west-2"
    )
    client.create_bucket(
        Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"}
    )
    return bucket
