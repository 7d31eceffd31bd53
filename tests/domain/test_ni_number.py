"""National Insurance numbers: HMRC's published shape, plus its reserved example prefix QQ."""

from __future__ import annotations

import pytest

from checker_console.domain.ni_number import InvalidNiNumber, normalise_ni_number


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("QQ 12 34 56 C", "QQ123456C"), ("ab123456d", "AB123456D"), (" JG 10 30 70 A ", "JG103070A")],
)
def test_well_formed_numbers_are_stored_without_spaces_in_capitals(typed: str, stored: str) -> None:
    assert normalise_ni_number(typed) == stored


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("", "Enter your National Insurance number"),
        ("AB12345C", "2 letters, 6 numbers"),
        ("AB123456E", "then A, B, C or D"),
        ("DA123456A", "DA is not a prefix HMRC issues"),
        ("AO123456A", "AO is not a prefix HMRC issues"),
        ("GB123456A", "GB is not a prefix HMRC issues"),
        ("QA123456A", "QA is not a prefix HMRC issues"),
    ],
)
def test_malformed_numbers_are_refused_saying_what_to_check(typed: str, says: str) -> None:
    with pytest.raises(InvalidNiNumber, match=says):
        normalise_ni_number(typed)
