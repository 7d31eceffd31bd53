"""System findings the workspace shows beside the evidence: aids to the checker, never decisions.

Each finding is one sentence starting "Aid:", worded so that it cannot be mistaken for the
console having decided anything: the checker still looks at the document. A ``warning`` is
something the checker must look at closely, ``ok`` a check that passed, ``info`` a fact.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from checker_console.domain.document_checks import ExpiryState, age_on, expiry_status, long_date
from checker_console.domain.invitations import MINIMUM_AGE
from checker_console.domain.mrz import MrzFormatError, MrzResult, expiry_date, parse_mrz
from checker_console.domain.reasons import PHOTO_ID_KINDS, DocumentKind

#: How each failed check digit reads to the checker.
CHECK_NAMES = {
    "document_number": "document number",
    "date_of_birth": "date of birth",
    "expiry_date": "expiry date",
    "optional_data": "personal number",
    "composite": "whole line (composite)",
}


class Tone(StrEnum):
    OK = "ok"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Aid:
    tone: Tone
    text: str


def read_mrz(text: str | None) -> tuple[MrzResult | None, Aid | None]:
    """The parsed MRZ, or an aid saying why there is none to compare with."""
    if not text or not text.strip():
        return None, Aid(
            Tone.INFO,
            "Aid: no machine readable zone was read from this document. Read the printed "
            "details yourself.",
        )
    try:
        return parse_mrz(text), None
    except MrzFormatError as problem:
        return None, Aid(
            Tone.WARNING,
            f"Aid: the machine readable zone could not be read ({problem}). Read the printed "
            "details yourself.",
        )


def check_digit_aids(result: MrzResult) -> list[Aid]:
    if result.valid:
        return [Aid(Tone.OK, "Aid: MRZ check digits all correct.")]
    return [
        Aid(
            Tone.WARNING,
            f"Aid: MRZ check digit for {CHECK_NAMES.get(name, name)} is wrong. Look for "
            "signs that the document is not an original.",
        )
        for name in result.failed_checks
    ]


def expiry_aid(kind: str, result: MrzResult, today: date) -> Aid:
    expires = expiry_date(result.expiry_date.value, today=today)
    if expires is None:
        return Aid(
            Tone.WARNING,
            "Aid: the expiry date in the MRZ is not a real date. Read it from the document.",
        )
    known_kind = kind if kind in set(DocumentKind) else DocumentKind.NATIONAL_ID_CARD
    status = expiry_status(known_kind, expires, today)
    tone = {
        ExpiryState.IN_DATE: Tone.OK,
        ExpiryState.PASSPORT_GRACE: Tone.INFO,
        ExpiryState.EXPIRED: Tone.WARNING,
    }[status.state]
    return Aid(tone, f"Aid: {status.text}")


def age_aid(date_of_birth: date, today: date) -> Aid:
    try:
        age = age_on(date_of_birth, today)
    except ValueError:
        return Aid(Tone.WARNING, "Aid: the invited date of birth is in the future.")
    born = long_date(date_of_birth)
    if age < MINIMUM_AGE:
        return Aid(
            Tone.WARNING,
            f"Aid: the applicant is {age} (born {born}), under the minimum age of {MINIMUM_AGE}.",
        )
    return Aid(Tone.INFO, f"Aid: the applicant is {age} (born {born}).")


def existing_profile_aid(flagged: bool, uuid: str | None) -> Aid:
    if not flagged:
        return Aid(Tone.OK, "Aid: no existing Care Identity profile matches this applicant.")
    which = f" (UUID {uuid})" if uuid else ""
    return Aid(
        Tone.WARNING,
        f"Aid: a Care Identity profile already exists for this NI number and date of "
        f"birth{which}. Refer the case to a team lead.",
    )


def photo_id_aids(
    kind: str | None, mrz: str | None, today: date
) -> tuple[MrzResult | None, list[Aid]]:
    """Everything the photo ID's MRZ tells us: check digits and expiry (or why we cannot tell)."""
    if kind is None or kind not in {k.value for k in PHOTO_ID_KINDS}:
        return None, [Aid(Tone.WARNING, "Aid: no photo ID was sent with this application.")]
    result, problem = read_mrz(mrz)
    if result is None:
        return None, [problem] if problem else []
    return result, [*check_digit_aids(result), expiry_aid(kind, result, today)]
