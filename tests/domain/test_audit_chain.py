from __future__ import annotations

from datetime import UTC, datetime

import pytest

from checker_console.domain.audit_chain import canonical_body, canonical_body_around_case

WHEN = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    "actor",
    ["checker.one", 'sly","case":null,"detail":{', "\\u0000", "Ms Ní Bhriain"],
)
@pytest.mark.parametrize("detail", [{}, {"case": None, "from": "queued"}, {"note": '"case":null'}])
@pytest.mark.parametrize("case_id", [1, 987654321])
def test_a_body_split_around_the_case_joins_into_the_body_the_verifier_hashes(
    actor: str, detail: dict[str, object], case_id: int
) -> None:
    """The claim statement writes the id between the parts; any other body breaks the chain."""
    before, after = canonical_body_around_case(
        occurred_at=WHEN, actor=actor, action="case.claim", detail=detail
    )
    whole = canonical_body(
        occurred_at=WHEN, actor=actor, action="case.claim", application_id=case_id, detail=detail
    )
    assert before + str(case_id) + after == whole
