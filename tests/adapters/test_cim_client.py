"""The CIM client against the CIM stand-in over real HTTP on 127.0.0.1, with faults injected."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import pytest

from checker_console.adapters.cim import (
    CimAuthFailed,
    CimClient,
    CimDuplicatePerson,
    CimRefused,
    CimUnavailable,
    CreatedProfile,
    ProfileRequest,
)
from checker_console.standins.faults import Fault, FaultConfig
from tests.standins.support import CIM_KEY, RunningCim, running_cim, selfie_jpeg
from tests.support.asyncio_run import run_async


@pytest.fixture
def cim(tmp_path: Path):
    with running_cim(tmp_path / "cim.db") as running:
        yield running


def request(key: str = "create_profile:1", ni_number: str = "QQ123456C") -> ProfileRequest:
    return ProfileRequest(
        idempotency_key=key,
        given_name="Mary",
        family_name="Seacole",
        date_of_birth=date(2000, 11, 23),
        email="mary.seacole@example.org",
        ni_number=ni_number,
        photo_jpeg=selfie_jpeg(),
        verified_by="checker.ada",
        organisation_code="RX1",
    )


def create(cim: RunningCim, req: ProfileRequest, **client_options: object) -> CreatedProfile:
    options = {"timeout_s": 1.0, "retries": 2, "backoff_s": 0.01, **client_options}

    async def go() -> CreatedProfile:
        async with CimClient(base_url=cim.url, api_key=CIM_KEY, **options) as client:  # type: ignore[arg-type]
            return await client.create_profile(req)

    return run_async(go())


def test_create_returns_a_12_digit_uuid_and_a_repeat_returns_the_same_one(cim: RunningCim) -> None:
    first = create(cim, request())
    again = create(cim, request())

    assert len(first.uuid) == 12 and first.uuid.isdigit()
    assert not first.replayed
    assert again.uuid == first.uuid and again.replayed
    assert len(cim.store.profiles()) == 1


def test_cim_stores_the_selfie_as_the_profile_photo(cim: RunningCim) -> None:
    created = create(cim, request())

    assert cim.store.photo(created.uuid) == selfie_jpeg()


def test_a_duplicate_person_is_reported_with_the_existing_uuid(cim: RunningCim) -> None:
    existing = create(cim, request("create_profile:1"))

    with pytest.raises(CimDuplicatePerson) as raised:
        create(cim, request("create_profile:2"))

    assert raised.value.existing_uuid == existing.uuid
    assert existing.uuid in raised.value.reason
    assert [c.outcome for c in raised.value.calls] == ["duplicate"]  # never retried


def test_a_validation_refusal_is_permanent_and_carries_cims_reason(cim: RunningCim) -> None:
    with pytest.raises(CimRefused) as raised:
        create(cim, request(ni_number="12345"))

    assert raised.value.http_status == 422
    assert "not a National Insurance number" in raised.value.reason
    assert len(raised.value.calls) == 1
    assert cim.store.profiles() == []


def test_wrong_credentials_fail_without_retrying_and_say_which_setting(cim: RunningCim) -> None:
    async def go() -> None:
        async with CimClient(base_url=cim.url, api_key="wrong", retries=3) as client:
            await client.create_profile(request())

    with pytest.raises(CimAuthFailed, match="CHECKER_CIM_API_KEY") as raised:
        run_async(go())
    assert isinstance(raised.value, CimUnavailable)  # retried later by the outbox, not now
    assert len(raised.value.calls) == 1


def test_server_errors_are_retried_a_bounded_number_of_times(cim: RunningCim) -> None:
    cim.faults.configure(FaultConfig(error_rate=1.0))

    with pytest.raises(CimUnavailable, match="gave up after 3 calls") as raised:
        create(cim, request(), retries=2)

    assert len(raised.value.calls) == 3
    assert {c.http_status for c in raised.value.calls} <= {500, 503}


def test_a_server_error_then_success_creates_one_profile(cim: RunningCim) -> None:
    cim.faults.script(Fault.ERROR, Fault.ERROR)

    created = create(cim, request(), retries=2)

    assert [c.outcome for c in created.calls] == ["server_error", "server_error", "created"]
    assert len(cim.store.profiles()) == 1


def test_a_dropped_connection_is_retried(cim: RunningCim) -> None:
    cim.faults.script(Fault.DROP)

    created = create(cim, request())

    assert [c.outcome for c in created.calls] == ["connection_error", "created"]


def test_a_lost_response_is_healed_by_retrying_with_the_same_key(cim: RunningCim) -> None:
    cim.faults.script(Fault.LOST_RESPONSE)

    created = create(cim, request())

    assert [c.outcome for c in created.calls] == ["connection_error", "replayed"]
    assert [p.uuid for p in cim.store.profiles()] == [created.uuid]


def test_a_timed_out_request_that_cim_finishes_later_does_not_make_a_second_profile(
    cim: RunningCim,
) -> None:
    cim.faults.configure(FaultConfig(hang_seconds=0.8))
    cim.faults.script(Fault.TIMEOUT)

    created = create(cim, request(), timeout_s=0.3)
    time.sleep(1.0)  # the held request is now handled, after the client gave up on it

    assert created.calls[0].outcome == "timeout"
    assert [p.uuid for p in cim.store.profiles()] == [created.uuid]
    assert cim.store.stats()["requests_replayed"] == 1


def test_nothing_is_retried_forever_even_when_cim_never_answers(cim: RunningCim) -> None:
    cim.faults.configure(FaultConfig(timeout_rate=1.0, hang_seconds=2, timeout_then_process=False))
    started = time.monotonic()

    with pytest.raises(CimUnavailable, match="did not answer within 0.2s"):
        create(cim, request(), timeout_s=0.2, retries=1)

    assert time.monotonic() - started < 2.0
