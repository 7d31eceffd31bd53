"""National Insurance numbers: HMRC's published shape; its example prefix QQ only in demo mode."""

from __future__ import annotations

import random
import re
import string

import pytest

from checker_console.domain.ni_number import (
    InvalidNiNumber,
    ni_number_pattern,
    normalise_ni_number,
)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("QQ 12 34 56 C", "QQ123456C"), ("ab123456d", "AB123456D"), (" JG 10 30 70 A ", "JG103070A")],
)
def test_well_formed_numbers_are_stored_without_spaces_in_capitals(typed: str, stored: str) -> None:
    assert normalise_ni_number(typed, allow_example=True) == stored


def test_hmrc_s_example_prefix_is_refused_outside_demo_mode() -> None:
    with pytest.raises(InvalidNiNumber, match="QQ is not a prefix HMRC issues"):
        normalise_ni_number("QQ 12 34 56 C", allow_example=False)


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
        normalise_ni_number(typed, allow_example=True)


@pytest.mark.parametrize("allow_example", [True, False])
def test_the_schema_pattern_accepts_exactly_what_the_server_accepts(allow_example: bool) -> None:
    pattern = re.compile(ni_number_pattern(allow_example=allow_example))
    rng = random.Random(7)
    accepted = 0
    for _ in range(20_000):
        letters = rng.choice(["QQ", "".join(rng.choices(string.ascii_letters, k=2))])
        digits = "".join(rng.choices("0123456789x", weights=[10] * 10 + [1], k=6))
        parts = [letters[0], letters[1], digits[:2], digits[2:4], digits[4:], rng.choice("ACDEbz")]
        typed = "".join(part + rng.choice(["", " ", "\t"]) for part in parts)
        try:
            normalise_ni_number(typed, allow_example=allow_example)
            server = True
        except InvalidNiNumber:
            server = False
        accepted += server
        assert bool(pattern.search(typed)) == server, typed
    assert accepted > 1000  # the sample holds plenty of good numbers, not only bad ones
