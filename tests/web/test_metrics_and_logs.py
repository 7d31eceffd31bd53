"""What operators watch: /metrics counts what happened; the JSON logs hold no personal data."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import Engine
from sqlmodel import Session

from checker_console.adapters.blobs import LocalBlobStore
from checker_console.clock import utcnow
from checker_console.observability.logs import configure_logging
from checker_console.services.identity.cis2_sign_in import record_sign_in_failure
from checker_console.services.queue.claims import claim_next_case
from checker_console.services.queue.leases import expire_leases
from checker_console.services.review.decisions import approve_case
from checker_console.standins.faults import FaultConfig
from checker_console.web.app import build_api
from tests.factories import make_invitation
from tests.standins.support import (
    ALL_CONFIRMED,
    drain,
    outbox_settings,
    queued_case,
    running_cim,
)
from tests.support.servers import app_settings, serve_app
from tests.web.test_intake_api import SERVICE_TOKEN, _files, _form

CHECKER = "checker.ada"


def _samples(url: str, **kwargs: object) -> dict[tuple[str, tuple], float]:
    response = httpx.get(f"{url}/metrics", timeout=30, **kwargs)  # type: ignore[arg-type]
    assert response.status_code == 200, response.text
    found = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def _delta(before: dict, after: dict, name: str, **labels: str) -> float:
    key = (name, tuple(sorted(labels.items())))
    return after.get(key, 0.0) - before.get(key, 0.0)


@pytest.fixture
def console(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    with (
        app_settings(
            monkeypatch,
            engine,
            tmp_path / "data",
            CHECKER_INTAKE_TOKEN=SERVICE_TOKEN,
            CHECKER_METRICS_TOKEN="scraper-secret-42",
        ),
        serve_app(build_api()) as url,
    ):
        yield url


def test_metrics_count_claims_a_decision_a_cim_failure_a_sign_in_refusal_and_a_lease_expiry(
    console: str, engine: Engine, session: Session, tmp_path: Path
) -> None:
    blobs = LocalBlobStore(tmp_path / "blobs")
    before = _samples(console)

    case = queued_case(session, blobs, number=1)
    claimed = claim_next_case(session, checker_id=CHECKER)
    assert claimed is not None and claimed.case_id == case.id
    approve_case(session, case_id=case.id, checker_id=CHECKER, checklist=ALL_CONFIRMED)
    with running_cim(tmp_path / "cim.db", FaultConfig(error_rate=1.0)) as cim:
        settings = replace(
            outbox_settings(engine, tmp_path), cim_base_url=cim.url, outbox_backoff_ms=60_000
        )
        drain(engine, settings)
    record_sign_in_failure(session, reason="wrong_nonce", message="The sign-in was replayed.")
    session.commit()
    lapsed = queued_case(session, blobs, number=2)
    assert claim_next_case(session, checker_id="checker.bea") is not None
    assert expire_leases(session, now=utcnow() + timedelta(days=1)) == 1
    after = _samples(console)

    assert lapsed.id is not None
    assert _delta(before, after, "checker_sign_in_refusals_total", reason="wrong_nonce") == 1
    assert _delta(before, after, "checker_lease_expiries_total") == 1
    assert _delta(before, after, "checker_claims_total", outcome="claimed") == 2
    assert _delta(before, after, "checker_claim_seconds_count") == 2
    assert _delta(before, after, "checker_decisions_total", outcome="approved") == 1
    assert _delta(before, after, "checker_decision_seconds_count") == 1
    assert (
        _delta(
            before, after, "checker_outbox_attempts_total", service="cim", outcome="server_error"
        )
        == settings.cim_retries + 1
    )
    assert after[("checker_queue_depth", ())] == 1  # the lapsed case is back in the queue
    assert after[("checker_outbox_pending", ())] == 1


def test_metrics_are_refused_to_anyone_not_named_in_the_settings(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with (
        app_settings(
            monkeypatch,
            engine,
            tmp_path / "data",
            CHECKER_METRICS_ALLOW="10.20.0.0/16",
            CHECKER_METRICS_TOKEN="scraper-secret-42",
        ),
        serve_app(build_api()) as url,
    ):
        refused = httpx.get(f"{url}/metrics")
        wrong = httpx.get(f"{url}/metrics", headers={"Authorization": "Bearer guess"})
        allowed = httpx.get(f"{url}/metrics", headers={"Authorization": "Bearer scraper-secret-42"})

    assert refused.status_code == wrong.status_code == 403
    assert "CHECKER_METRICS_ALLOW" in refused.json()["error"]
    assert "checker_claims" not in refused.text
    assert allowed.status_code == 200 and "checker_queue_depth" in allowed.text


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    configure_logging("json")
    buffer = io.StringIO()
    handler = logging.getLogger("checker_console").handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(buffer)
    yield buffer
    configure_logging("text")


def test_the_logs_of_an_intake_and_a_decision_hold_ids_but_no_name_date_of_birth_or_token(
    console: str, engine: Engine, session: Session, json_log: io.StringIO
) -> None:
    invitation = make_invitation(
        session, given_name="Mary", family_name="Seacole", date_of_birth=date(2000, 11, 23)
    )
    session.commit()

    submitted = httpx.post(
        f"{console}/api/v1/invitations/{invitation.token}/submission",
        data=_form(),
        files=_files(),
        headers={"Authorization": f"Bearer {SERVICE_TOKEN}"},
        timeout=60,
    )
    assert submitted.status_code == 201, submitted.text
    case_id = submitted.json()["application_id"]
    claimed = claim_next_case(session, checker_id=CHECKER)
    assert claimed is not None and claimed.case_id == case_id
    approve_case(session, case_id=case_id, checker_id=CHECKER, checklist=ALL_CONFIRMED)

    text = json_log.getvalue()
    events = [json.loads(line) for line in text.splitlines()]
    by_name = {event["event"]: event for event in events}
    assert by_name["intake.accepted"]["case_id"] == case_id
    assert by_name["intake.accepted"]["request_id"]
    assert by_name["case.claim"]["case_id"] == case_id
    assert by_name["decision.saved"] == {
        **by_name["decision.saved"],
        "case_id": case_id,
        "outcome": "approved",
    }
    for secret in (
        "Mary",
        "Seacole",
        "2000-11-23",
        "23/11/2000",
        "QQ123456C",
        "QQ 12 34 56 C",
        invitation.token,
        SERVICE_TOKEN,
        "scraper-secret-42",
    ):
        assert secret not in text, f"{secret!r} is in the logs"


def test_counters_from_several_worker_processes_add_up_in_one_scrape(
    engine: Engine, tmp_path: Path
) -> None:
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
        "DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "CHECKER_DATA_DIR": str(tmp_path / "data"),
    }
    (tmp_path / "metrics").mkdir()
    count = (
        "from checker_console.observability.metrics import DECISIONS; "
        "DECISIONS.labels('approved').inc()"
    )
    for _ in range(3):  # three worker processes, one decision each
        subprocess.run([sys.executable, "-c", count], env=env, check=True)
    scrape = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from checker_console.observability.metrics import render_metrics; "
            "sys.stdout.buffer.write(render_metrics())",
        ],
        env=env,
        check=True,
        capture_output=True,
    ).stdout.decode()

    assert 'checker_decisions_total{outcome="approved"} 3.0' in scrape
    assert "checker_queue_depth 0.0" in scrape
