"""National Insurance numbers: what a well-formed one looks like (HMRC's published rules).

Two prefix letters, six digits and a suffix letter A-D, written with or without spaces. The
first letter is never D, F, I, Q, U or V; the second never D, F, I, O, Q, U or V; and the
prefixes BG, GB, KN, NK, NT, TN and ZZ are never issued.

``QQ`` breaks those rules on purpose: HMRC reserves it for examples ("QQ 12 34 56 C"), so it
can never belong to a real person. The synthetic sample data uses it, so it is accepted here;
a real applicant never has it, so accepting it cannot let a real mistake through.
"""

from __future__ import annotations

import re

EXAMPLE_PREFIX = "QQ"
_SHAPE = re.compile(r"^([A-Z]{2})(\d{6})([A-D])$")
_NOT_FIRST = frozenset("DFIQUV")
_NOT_SECOND = frozenset("DFIOQUV")
_NEVER_ISSUED = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})


class InvalidNiNumber(ValueError):
    """What is wrong with the number, in words the applicant can act on."""


def normalise_ni_number(raw: str) -> str:
    """``raw`` without spaces and in capitals, or :class:`InvalidNiNumber` saying why not."""
    compact = re.sub(r"\s+", "", raw or "").upper()
    if not compact:
        raise InvalidNiNumber("Enter your National Insurance number, like QQ 12 34 56 C")
    match = _SHAPE.match(compact)
    if match is None:
        raise InvalidNiNumber(
            "A National Insurance number is 2 letters, 6 numbers, then A, B, C or D, "
            "like QQ 12 34 56 C"
        )
    prefix = match.group(1)
    if prefix == EXAMPLE_PREFIX:
        return compact
    if prefix[0] in _NOT_FIRST or prefix[1] in _NOT_SECOND or prefix in _NEVER_ISSUED:
        raise InvalidNiNumber(
            f"{prefix} is not a prefix HMRC issues: check the first two letters on your "
            "National Insurance letter or in the HMRC app"
        )
    return compact
