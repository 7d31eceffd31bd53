"""``checker-console golden`` tops the queue up to one golden case in N; off, it adds none."""

from __future__ import annotations

import argparse

import pytest
from sqlmodel import Session, func, select

from checker_console.sample import command, golden_command
from checker_console.store.db import get_engine
from checker_console.store.models import Application


def test_golden_adds_the_missing_golden_cases_and_nothing_when_the_rate_is_off(
    settings_env: object, capsys: pytest.CaptureFixture[str]
) -> None:
    seeded = argparse.Namespace(cases=2, seed=5, defect_share=0.3, if_empty=False, history_days=0)
    assert command.run(seeded) == 0

    assert golden_command.run(argparse.Namespace(one_in=0)) == 0
    assert golden_command.run(argparse.Namespace(one_in=3)) == 0  # 2 real: 1 golden is 1 in 3
    assert golden_command.run(argparse.Namespace(one_in=3)) == 0

    output = capsys.readouterr().out
    assert "the golden rate is off" in output
    assert "Added 1 golden case(s) to the queue (one in 3)." in output
    assert "the golden rate is at one in 3 already" in output
    with Session(get_engine()) as session:
        golden = session.exec(
            select(func.count()).select_from(Application).where(Application.is_golden)
        ).one()
    assert golden == 1
