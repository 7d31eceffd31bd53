"""Seeding writes sample cases through the real invitation and intake services."""

from __future__ import annotations

import argparse
import io
import re
from collections import Counter
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, func, select

from checker_console.adapters.blobs import LocalBlobStore
from checker_console.domain.lifecycle import CaseStatus
from checker_console.sample import command
from checker_console.sample.command import progress_reporter
from checker_console.sample.plan import plan_case
from checker_console.sample.seeding import seed_cases
from checker_console.settings import get_settings
from checker_console.store.models import Application, Document, Invitation, SampleTruth

NOW = datetime(2026, 3, 10, 10, 0, tzinfo=UTC)
CASES = 6


def test_seeding_leaves_queued_cases_with_documents_selfie_and_truth(
    engine: Engine, blobs: LocalBlobStore, settings_env: object
) -> None:
    seen: list[int] = []
    summary = seed_cases(
        engine,
        blobs,
        get_settings(),
        cases=CASES,
        seed=4,
        defect_share=0.5,
        now=NOW,
        progress=lambda plan: seen.append(plan.index),
    )

    assert seen == list(range(CASES))
    assert summary.written == CASES and not summary.refused
    with Session(engine) as session:
        cases = session.exec(select(Application).order_by(Application.id)).all()
        assert [c.status for c in cases] == [CaseStatus.QUEUED] * CASES
        for case in cases:
            kinds = Counter(
                d.kind
                for d in session.exec(select(Document).where(Document.application_id == case.id))
            )
            assert kinds["selfie"] == 1 and kinds["proof_of_address"] == 1
            assert kinds["passport"] + kinds["driving_licence"] >= 1
            assert case.ni_number.startswith("QQ") and case.email.endswith("@example.org")
        truths = session.exec(select(SampleTruth).order_by(SampleTruth.application_id)).all()
        invitations = session.exec(select(Invitation).order_by(Invitation.id)).all()
    plans = [plan_case(4, i, today=NOW.date(), defect_share=0.5) for i in range(CASES)]
    # The invitation holds what a checker compares with the documents.
    assert [(i.given_name, i.family_name, i.date_of_birth, i.email) for i in invitations] == [
        (p.invited_given_name, p.invited_family_name, p.invited_date_of_birth, p.person.email)
        for p in plans
    ]
    assert [t.application_id for t in truths] == [c.id for c in cases]
    assert [(t.expected_outcome, t.expected_reasons, t.defects) for t in truths] == [
        (p.truth.outcome, list(p.truth.reasons), list(p.truth.defects)) for p in plans
    ]
    assert summary.approve + summary.reject == CASES
    assert summary.reject == sum(1 for p in plans if p.defects)


def test_seeding_again_adds_nothing_and_more_cases_extend_the_run(
    engine: Engine, blobs: LocalBlobStore, settings_env: object
) -> None:
    settings = get_settings()
    seed_cases(engine, blobs, settings, cases=1, seed=5, now=NOW)

    again = seed_cases(engine, blobs, settings, cases=2, seed=5, now=NOW)

    assert (again.written, again.already_present) == (1, 1)
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(Application)).one() == 2
        assert session.exec(select(func.count()).select_from(SampleTruth)).one() == 2


def test_seed_refuses_a_defect_share_outside_zero_to_one(
    engine: Engine, blobs: LocalBlobStore, settings_env: object
) -> None:
    with pytest.raises(ValueError, match="between 0 and 1"):
        seed_cases(engine, blobs, get_settings(), cases=1, seed=1, defect_share=1.5)


def test_seed_command_with_if_empty_seeds_only_an_empty_console(
    settings_env: object, capsys: pytest.CaptureFixture[str]
) -> None:
    args = argparse.Namespace(cases=1, seed=2, defect_share=0.3, if_empty=True, history_days=21)

    assert command.run(args) == 0
    first = capsys.readouterr().out
    assert command.run(argparse.Namespace(**{**vars(args), "cases": 3})) == 0
    second = capsys.readouterr().out

    assert "Seed 2: 1 sample case (1 new" in first
    assert "decided cases and" in first and "over the last 21 days" in first
    # The one sample case and the history's decided cases are all there the second time.
    assert re.search(r"Not seeding: the console already has \d+ application\(s\)\.", second)
    assert "Seed 2" not in second


def test_seeding_progress_is_plain_lines_when_output_is_not_a_terminal() -> None:
    stream = io.StringIO()  # not a terminal, like a log file or a pipe

    with progress_reporter(20, stream) as step:
        for _ in range(20):
            step()

    lines = stream.getvalue().splitlines()
    assert lines == [f"Seeding: {n} of 20 cases" for n in range(2, 21, 2)]
    assert "\r" not in stream.getvalue()
