"""Validating one RA invitation row: pure rules, so the CSV import and a future form agree."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MOBILE_RE = re.compile(r"^(?:\+44|0)7\d{9}$")
#: An NHS ODS organisation code: 3 (a trust) to 6 (a GP practice) letters or digits.
ORG_CODE_RE = re.compile(r"^[A-Z0-9]{3,6}$")
OLDEST_PLAUSIBLE_YEAR = 1900
MINIMUM_AGE = 16

FIELDS = ("given_name", "family_name", "date_of_birth", "email", "mobile", "org_code", "cohort")


@dataclass(frozen=True)
class InvitationRow:
    """A row that passed every check, normalised (trimmed, email lower-cased, mobile compact)."""

    given_name: str
    family_name: str
    date_of_birth: date
    email: str
    mobile: str
    org_code: str
    cohort: str

    def import_key(self, attempt: int = 1) -> str:
        """Same person, organisation, cohort and attempt: same key, so re-imports add nothing."""
        parts = [
            self.org_code,
            self.cohort.casefold(),
            self.email,
            self.given_name.casefold(),
            self.family_name.casefold(),
            self.date_of_birth.isoformat(),
            str(attempt),
        ]
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()

    def person_key(self) -> tuple[str, str]:
        """Two rows for the same person in one file are a mistake, whatever else differs."""
        return (self.org_code, self.email)


class RowProblem(ValueError):
    """What is wrong with a row and what to do about it, in one sentence."""


def parse_date_of_birth(raw: str, today: date) -> date:
    text = raw.strip()
    if not text:
        raise RowProblem("date_of_birth is missing: enter it as YYYY-MM-DD")
    parsed: date | None = None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            parsed = datetime.strptime(text, pattern).date()
            break
        except ValueError:
            continue
    if parsed is None:
        raise RowProblem(f"date_of_birth {text!r} is not a real date: enter it as YYYY-MM-DD")
    if parsed >= today:
        raise RowProblem(
            f"date_of_birth {text} is not in the past: enter a date of birth in the past"
        )
    if parsed.year < OLDEST_PLAUSIBLE_YEAR:
        raise RowProblem(f"date_of_birth {text} is before {OLDEST_PLAUSIBLE_YEAR}: check the year")
    age = today.year - parsed.year - ((today.month, today.day) < (parsed.month, parsed.day))
    if age < MINIMUM_AGE:
        raise RowProblem(
            f"date_of_birth {text} makes the applicant {age}: "
            f"applicants must be {MINIMUM_AGE} or over"
        )
    return parsed


def validate_row(raw: dict[str, str | None], today: date) -> InvitationRow:
    """Check one row; raise :class:`RowProblem` naming the first thing to fix."""
    values = {name: (raw.get(name) or "").strip() for name in FIELDS}
    for name in ("given_name", "family_name"):
        if not values[name]:
            raise RowProblem(f"{name} is missing: enter the name exactly as on the photo ID")
        if len(values[name]) > 100:
            raise RowProblem(f"{name} is longer than 100 characters")
    dob = parse_date_of_birth(values["date_of_birth"], today)
    email = values["email"].lower()
    if not EMAIL_RE.match(email):
        raise RowProblem(
            f"email {values['email']!r} is not an email address: check it, like name@example.org"
        )
    mobile = re.sub(r"[\s()-]", "", values["mobile"])
    if not MOBILE_RE.match(mobile):
        raise RowProblem(f"mobile {values['mobile']!r} is not a UK mobile number: use 07xxx xxxxxx")
    org_code = values["org_code"].upper()
    if not ORG_CODE_RE.match(org_code):
        raise RowProblem(
            f"org_code {values['org_code']!r} is not an ODS organisation code "
            "(3 to 6 letters or digits, like RX1): check it"
        )
    return InvitationRow(
        given_name=values["given_name"],
        family_name=values["family_name"],
        date_of_birth=dob,
        email=email,
        mobile=mobile,
        org_code=org_code,
        cohort=values["cohort"],
    )
