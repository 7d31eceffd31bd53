"""The stand-ins the app starts in its own process on the embedded default."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import httpx

from checker_console.settings import load_settings
from checker_console.standins.embedded import start_downstream_standins


def test_the_embedded_standins_answer_and_keep_their_stores_under_the_data_folder(
    tmp_path: Path,
) -> None:
    settings = replace(
        load_settings(),
        data_dir=tmp_path,
        cim_base_url="http://127.0.0.1:0",
        notify_base_url="http://127.0.0.1:0",
    )

    servers = start_downstream_standins(settings)
    try:
        answers = [httpx.get(f"{server.url}/healthz").status_code for server in servers]
        mailbox = httpx.get(f"{servers[1].url}/mailbox")
    finally:
        for server in servers:
            server.stop()

    assert answers == [200, 200]
    assert "No emails have been sent yet" in mailbox.text
    assert sorted(p.name for p in (tmp_path / "standins").glob("*.db")) == ["cim.db", "notify.db"]
