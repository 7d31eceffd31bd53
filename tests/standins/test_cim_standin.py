"""The CIM stand-in's own rules: persistence, idempotency keys, duplicates, switchable faults."""

from __future__ import annotations

import base64
from pathlib import Path

import httpx
import pytest

from checker_console.standins.cim_store import (
    CimStore,
    DuplicatePerson,
    IdempotencyKeyReused,
    NewProfile,
)
from checker_console.standins.faults import FaultConfig
from tests.standins.support import CIM_KEY, running_cim, selfie_jpeg


def new_profile(ni_number: str = "QQ123456C", given_name: str = "Mary") -> NewProfile:
    return NewProfile(
        given_name=given_name,
        family_name="Seacole",
        date_of_birth="2000-11-23",
        email="mary@example.org",
        ni_number=ni_number,
        verified_by="checker.ada",
        organisation_code="RX1",
        photo=selfie_jpeg(),
    )


def test_profiles_survive_a_restart_of_the_standin(tmp_path: Path) -> None:
    store = CimStore(tmp_path / "cim.db")
    created = store.create_profile("k1", new_profile())
    store.close()

    reopened = CimStore(tmp_path / "cim.db")

    assert reopened.get(created.profile.uuid) == created.profile
    assert reopened.create_profile("k1", new_profile()).replayed


def test_a_key_reused_for_a_different_person_is_refused(tmp_path: Path) -> None:
    store = CimStore(tmp_path / "cim.db")
    store.create_profile("k1", new_profile())

    with pytest.raises(IdempotencyKeyReused):
        store.create_profile("k1", new_profile(ni_number="QQ654321A", given_name="Edith"))


def test_the_same_ni_number_and_birth_date_under_a_new_key_is_a_duplicate(tmp_path: Path) -> None:
    store = CimStore(tmp_path / "cim.db")
    first = store.create_profile("k1", new_profile())

    with pytest.raises(DuplicatePerson) as raised:
        store.create_profile("k2", new_profile())

    assert raised.value.existing_uuid == first.profile.uuid


def test_faults_can_be_switched_on_and_off_through_the_admin_endpoint(tmp_path: Path) -> None:
    body = {
        "given_name": "Mary",
        "family_name": "Seacole",
        "date_of_birth": "2000-11-23",
        "email": "mary@example.org",
        "ni_number": "QQ123456C",
        "verified_by": "checker.ada",
        "organisation_code": "RX1",
        "photo_jpeg_base64": base64.b64encode(selfie_jpeg()).decode(),
    }
    headers = {"Authorization": f"Bearer {CIM_KEY}", "Idempotency-Key": "k1"}
    with running_cim(tmp_path / "cim.db") as cim, httpx.Client(base_url=cim.url) as http:
        http.put("/admin/faults", json={"error_rate": 1.0}).raise_for_status()
        failed = http.post("/api/v1/profiles", json=body, headers=headers)
        http.put("/admin/faults", json={"error_rate": 0.0}).raise_for_status()
        created = http.post("/api/v1/profiles", json=body, headers=headers)
        refused = http.put("/admin/faults", json={"error_rat": 0.5})

    assert failed.status_code in (500, 503)
    assert created.status_code == 201
    assert refused.status_code == 400 and "unknown fault settings" in refused.json()["message"]


def test_spread_faults_split_the_share_evenly_over_every_kind() -> None:
    config = FaultConfig.spread(0.3)

    assert config.total_rate == pytest.approx(0.3)
    rates = (config.error_rate, config.timeout_rate, config.drop_rate, config.lost_response_rate)
    assert all(rate == pytest.approx(0.075) for rate in rates)


def test_the_cim_stand_in_s_root_page_lists_the_profiles_it_holds(tmp_path: Path) -> None:
    with running_cim(tmp_path / "cim.db") as cim, httpx.Client(base_url=cim.url) as http:
        empty = http.get("/")
        created = cim.store.create_profile("k1", new_profile()).profile
        page = http.get("/")

    assert empty.status_code == 200 and "No profiles have been created yet" in empty.text
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "CIM stand-in: profiles (1 profile)" in page.text
    assert created.uuid in page.text and "Mary Seacole" in page.text
