"""National Insurance numbers: what a well-formed one looks like (HMRC's published rules).

Two prefix letters, six digits and a suffix letter A-D, written with or without spaces, in
capitals or not. The first letter is never D, F, I, Q, U or V; the second never D, F, I, O, Q,
U or V; and the prefixes BG, GB, KN, NK, NT, TN and ZZ are never issued.

``QQ`` breaks those rules on purpose: HMRC reserves it for examples ("QQ 12 34 56 C"), so it
can never belong to a real person. The synthetic sample data uses it, so it is accepted in demo
mode only (``allow_example``); a live console refuses it like any other prefix never issued.

:func:`ni_number_pattern` is the same rule as one regular expression, for the OpenAPI document:
what the schema says is exactly what :func:`normalise_ni_number` accepts.
"""

from __future__ import annotations

import re
import string

EXAMPLE_PREFIX = "QQ"
_SHAPE = re.compile(r"^([A-Z]{2})(\d{6})([A-D])$")
_NOT_FIRST = frozenset("DFIQUV")
_NOT_SECOND = frozenset("DFIOQUV")
_NEVER_ISSUED = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})


class InvalidNiNumber(ValueError):
    """What is wrong with the number, in words the applicant can act on."""


def normalise_ni_number(raw: str, *, allow_example: bool) -> str:
    """``raw`` without spaces and in capitals, or :class:`InvalidNiNumber` saying why not.

    ``allow_example`` accepts HMRC's example prefix QQ (demo mode's synthetic applicants)."""
    compact = re.sub(r"\s+", "", raw or "").upper()
    if not compact:
        raise InvalidNiNumber("Enter your National Insurance number, like AB 12 34 56 C")
    match = _SHAPE.match(compact)
    if match is None:
        raise InvalidNiNumber(
            "A National Insurance number is 2 letters, 6 numbers, then A, B, C or D, "
            "like AB 12 34 56 C"
        )
    prefix = match.group(1)
    if prefix == EXAMPLE_PREFIX and allow_example:
        return compact
    if prefix[0] in _NOT_FIRST or prefix[1] in _NOT_SECOND or prefix in _NEVER_ISSUED:
        raise InvalidNiNumber(
            f"{prefix} is not a prefix HMRC issues: check the first two letters on your "
            "National Insurance letter or in the HMRC app"
        )
    return compact


def _letter(letters: str) -> str:
    """A character class for these letters in either case."""
    return "[" + "".join(f"{c}{c.lower()}" for c in letters) + "]"


def ni_number_pattern(*, allow_example: bool) -> str:
    """The rule as a regular expression over the raw text (spaces anywhere, any case)."""
    gap = r"\s*"
    first = _letter("".join(c for c in string.ascii_uppercase if c not in _NOT_FIRST))
    second = _letter("".join(c for c in string.ascii_uppercase if c not in _NOT_SECOND))
    never = "|".join(_letter(pair[0]) + gap + _letter(pair[1]) for pair in sorted(_NEVER_ISSUED))
    issued = f"(?!{never}){first}{gap}{second}"
    prefix = f"(?:{issued}|{_letter('Q')}{gap}{_letter('Q')})" if allow_example else issued
    return rf"^{gap}{prefix}{gap}(?:\d{gap}){{6}}{_letter('ABCD')}{gap}$"
