"""``checker-console serve``/``demo``: how Reflex is started, without building anything."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from checker_console.commands.serve import configure, our_words, reflex_command, reflex_environment


def test_reflex_runs_with_the_virtualenv_node_and_npm_and_asks_no_one_outside() -> None:
    env = reflex_environment(port=3100, base={"PATH": "/usr/bin", "DATABASE_URL": "sqlite:///x"})

    assert env["PATH"].split(os.pathsep)[0] == str(Path(sys.executable).parent)
    assert env["REFLEX_USE_NPM"] == "1"
    assert env["NPM_CONFIG_REGISTRY"] == "https://registry.npmjs.org/"
    assert env["REFLEX_CHECK_LATEST_VERSION"] == "0"
    assert env["CHECKER_APP_URL"] == "http://localhost:3100"
    assert env["DATABASE_URL"] == "sqlite:///x"


def test_settings_already_in_the_environment_are_kept() -> None:
    base = {"PATH": "/usr/bin", "CHECKER_APP_URL": "https://console.example.org"}

    env = reflex_environment(port=3100, base=base)

    assert env["CHECKER_APP_URL"] == "https://console.example.org"


def test_one_port_serves_pages_and_backend_in_production_mode() -> None:
    command = reflex_command(port=3100, host="127.0.0.1")

    assert command[-9:] == [
        "run", "--env", "prod", "--frontend-port", "3100", "--backend-port", "3100",
        "--backend-host", "127.0.0.1",
    ]  # fmt: skip


def test_only_the_demo_offers_to_skip_sample_cases() -> None:
    demo, serve = argparse.ArgumentParser(), argparse.ArgumentParser()
    configure(demo, "demo")
    configure(serve, "serve")

    assert demo.parse_args(["--no-seed"]).no_seed is True
    assert serve.parse_args([]).port == int(os.environ.get("CHECKER_PORT", "3000"))
    assert not hasattr(serve.parse_args([]), "no_seed")


def test_several_workers_without_redis_are_refused_with_what_to_set(settings_env: Path) -> None:
    import pytest

    from checker_console.commands.serve import worker_environment
    from checker_console.settings import load_settings

    with pytest.raises(SystemExit) as refused:
        worker_environment(load_settings(), workers=4, port=3100)

    assert "CHECKER_REDIS_URL" in str(refused.value)


def test_with_redis_granian_runs_the_asked_workers_sharing_one_metrics_folder(
    settings_env: Path, monkeypatch
) -> None:
    from checker_console.commands.serve import worker_environment
    from checker_console.settings import load_settings

    monkeypatch.setenv("CHECKER_REDIS_URL", "redis://127.0.0.1:6379/3")
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    stale = settings_env / "metrics" / "serve-3100" / "counter_123.db"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"old")

    env = worker_environment(load_settings(), workers=4, port=3100)

    assert env["GRANIAN_WORKERS"] == "4"
    assert env["PROMETHEUS_MULTIPROC_DIR"] == str(stale.parent)
    assert not stale.exists()


def test_with_redis_a_page_s_burst_of_events_shares_one_lock_that_a_dead_worker_frees_in_5_s(
    settings_env: Path, monkeypatch
) -> None:
    from checker_console.commands.serve import worker_environment
    from checker_console.settings import load_settings

    monkeypatch.setenv("CHECKER_REDIS_URL", "redis://127.0.0.1:6379/3")
    monkeypatch.setenv("REFLEX_OPLOCK_HOLD_TIME", "2s")  # an operator's own choice wins

    env = worker_environment(load_settings(), workers=4, port=3100)

    assert env["REFLEX_OPLOCK_ENABLED"] == "true"
    assert env["REFLEX_REDIS_LOCK_EXPIRATION"] == "5000"
    assert env["REFLEX_OPLOCK_HOLD_TIME"] == "2s"

    monkeypatch.delenv("CHECKER_REDIS_URL")
    assert "REFLEX_OPLOCK_ENABLED" not in worker_environment(load_settings(), workers=1, port=3100)


def test_reflex_s_advice_to_its_own_developers_is_replaced_by_what_to_do_here() -> None:
    reflex_line = (
        "Initialized app using the blank template. Run `uv run reflex run` to start the app."
    )
    assert our_words(reflex_line, port=3000) == (
        "The console is starting: open http://localhost:3000 when it says it is ready.\n"
    )
    assert our_words("Compiling: 100%\n", port=3000) == "Compiling: 100%\n"
