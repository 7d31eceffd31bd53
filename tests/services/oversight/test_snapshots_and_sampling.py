"""Each decision records what the checker saw, and the QA draw follows the policy it records."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest
from sqlmodel import Session, func, select

from checker_console.adapters.blobs import LocalBlobStore, blob_key
from checker_console.domain.decisions import DecisionOutcome
from checker_console.services.oversight.sampling import SamplingPolicy
from checker_console.services.queue.claims import claim_next_case
from checker_console.services.review.decisions import DecisionRefused, approve_case, refer_case
from checker_console.settings import get_settings
from checker_console.store.models import Document
from checker_console.store.qa_models import DecisionSnapshot, QaSample
from tests.services.oversight.support import CHECKER, decide
from tests.standins.support import ALL_CONFIRMED, queued_case, selfie_jpeg


@pytest.fixture
def policy_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    yield monkeypatch
    get_settings.cache_clear()


def _set_policy(monkeypatch: pytest.MonkeyPatch, **values: str) -> None:
    for name, value in values.items():
        monkeypatch.setenv(f"CHECKER_QA_{name.upper()}", value)
    get_settings.cache_clear()


def test_a_decision_records_the_served_image_hashes_panel_rows_aids_checklist_and_time(
    session: Session, blobs: LocalBlobStore
) -> None:
    result = decide(session, blobs, number=1)

    snapshot = session.exec(
        select(DecisionSnapshot).where(DecisionSnapshot.decision_id == result.decision_id)
    ).one()
    [image] = snapshot.images
    served = blobs.get(session.get(Document, image["document_id"]).preview_key)
    assert image["preview_sha256"] == blob_key(served) == blob_key(selfie_jpeg())
    assert (image["role"], image["label"]) == ("selfie", "Selfie")
    assert [row["label"] for row in snapshot.data_rows] == [
        "Given names",
        "Family name",
        "Date of birth",
    ]
    assert any(aid["text"].startswith("Aid: no photo ID") for aid in snapshot.aids)
    assert len(snapshot.checklist) == 8 and all(line["answer"] for line in snapshot.checklist)
    assert snapshot.checklist[0]["text"] == "Photo ID is an accepted document type"
    assert snapshot.seconds_to_decide == result.seconds_to_decide


def test_a_refused_decision_records_no_snapshot_and_draws_nothing(
    session: Session, blobs: LocalBlobStore
) -> None:
    queued_case(session, blobs, number=1)
    claim = claim_next_case(session, checker_id=CHECKER)

    with pytest.raises(DecisionRefused):
        approve_case(session, case_id=claim.case_id, checker_id=CHECKER, checklist={})

    for table in (DecisionSnapshot, QaSample):
        assert session.exec(select(func.count()).select_from(table)).one() == 0


def test_every_one_of_a_checkers_first_decisions_is_drawn_with_its_policy(
    session: Session, blobs: LocalBlobStore, policy_env: pytest.MonkeyPatch
) -> None:
    _set_policy(policy_env, first_decisions="2", sample_percent="0", seed="s1")
    for number in (1, 2, 3):
        decide(session, blobs, number=number)

    samples = session.exec(select(QaSample).order_by(QaSample.id)).all()
    assert [s.rule for s in samples] == ["first_decisions", "first_decisions"]
    assert samples[0].policy["first_decisions"] == 2
    assert samples[0].policy["sample_percent"] == 0
    assert samples[0].policy["seed"] not in ("", "s1")  # named by its hash, never stored


def test_a_referral_is_not_drawn_but_its_resolution_always_is(
    session: Session, blobs: LocalBlobStore, policy_env: pytest.MonkeyPatch
) -> None:
    _set_policy(policy_env, first_decisions="0", sample_percent="0", flagged_approval_percent="0")
    queued_case(session, blobs, number=1)
    claim = claim_next_case(session, checker_id=CHECKER)
    refer_case(session, case_id=claim.case_id, checker_id=CHECKER, note="Face looks different")
    second = claim_next_case(session, checker_id="checker.two", include_referred=True)
    assert second is not None and second.case_id == claim.case_id

    approve_case(session, case_id=claim.case_id, checker_id="checker.two", checklist=ALL_CONFIRMED)

    [sample] = session.exec(select(QaSample)).all()
    assert (sample.checker_id, sample.rule) == ("checker.two", "referral_resolution")


def test_the_policy_draws_its_share_and_the_same_seed_draws_the_same_decisions() -> None:
    policy = SamplingPolicy(sample_percent=10, first_decisions=50, seed="audit-2026")

    def rules(p: SamplingPolicy) -> list[str | None]:
        return [
            p.rule_for(
                outcome=DecisionOutcome.APPROVED if i % 3 else DecisionOutcome.REJECTED,
                decision_number=i,
                referral_resolution=False,
                flagged=False,
                draw=p.draw(i),
            )
            for i in range(1, 2051)
        ]

    drawn = rules(policy)
    counted = Counter(drawn)
    assert counted["first_decisions"] == 50
    assert 160 <= counted["random"] <= 240  # 10% of the other 2,000, give or take
    assert rules(SamplingPolicy(sample_percent=10, first_decisions=50, seed="audit-2026")) == drawn
    assert rules(SamplingPolicy(sample_percent=10, first_decisions=50, seed="other")) != drawn


def test_flagged_approvals_are_drawn_at_their_higher_share_but_flagged_rejections_are_not() -> None:
    policy = SamplingPolicy(
        sample_percent=0, first_decisions=0, flagged_approval_percent=50, seed="x"
    )

    def drawn(outcome: str) -> int:
        return sum(
            policy.rule_for(
                outcome=outcome,
                decision_number=i,
                referral_resolution=False,
                flagged=True,
                draw=policy.draw(i),
            )
            == "flagged_approval"
            for i in range(1000)
        )

    assert 430 <= drawn(DecisionOutcome.APPROVED) <= 570
    assert drawn(DecisionOutcome.REJECTED) == 0
