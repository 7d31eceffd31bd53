"""Date rules a checker applies to a document: is it in date, and how old is the applicant.

The published rule: photo ID must be in date, except that a passport may be up to 6 months past
its expiry date. A document is valid through the whole of its expiry day. The texts are what the
console shows next to the expiry date, so a checker never has to count months in their head.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from checker_console.domain.reasons import DocumentKind

PASSPORT_GRACE_MONTHS = 6


class ExpiryState(StrEnum):
    IN_DATE = "in_date"
    PASSPORT_GRACE = "passport_grace"
    EXPIRED = "expired"


@dataclass(frozen=True)
class ExpiryStatus:
    state: ExpiryState
    #: Whether the document can be accepted on expiry alone.
    accepted: bool
    #: One sentence for the checker, with the dates spelled out.
    text: str
    #: For passports, the last day they are accepted (expiry plus 6 months).
    last_accepted_day: date


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole months, kept to the month's last day (31 Aug + 6 = 28/29 Feb)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def long_date(day: date) -> str:
    """A date as GOV.UK writes it: 3 March 2027."""
    return f"{day.day} {day:%B %Y}"


def expiry_status(kind: DocumentKind | str, expiry_date: date, today: date) -> ExpiryStatus:
    """Whether a document of ``kind`` expiring on ``expiry_date`` is acceptable on ``today``."""
    is_passport = DocumentKind(kind) == DocumentKind.PASSPORT
    grace_end = add_months(expiry_date, PASSPORT_GRACE_MONTHS) if is_passport else expiry_date
    if today <= expiry_date:
        return ExpiryStatus(
            ExpiryState.IN_DATE,
            accepted=True,
            text=f"In date: expires {long_date(expiry_date)}.",
            last_accepted_day=grace_end,
        )
    if today <= grace_end:
        return ExpiryStatus(
            ExpiryState.PASSPORT_GRACE,
            accepted=True,
            text=(
                f"Expired on {long_date(expiry_date)}, but passports are accepted up to "
                f"{PASSPORT_GRACE_MONTHS} months past expiry: accept until {long_date(grace_end)}."
            ),
            last_accepted_day=grace_end,
        )
    if is_passport:
        text = (
            f"Expired on {long_date(expiry_date)}, more than {PASSPORT_GRACE_MONTHS} months "
            f"ago (accepted only until {long_date(grace_end)}): reject as expired."
        )
    else:
        text = (
            f"Expired on {long_date(expiry_date)}: only passports are accepted past their "
            "expiry date, so reject as expired."
        )
    return ExpiryStatus(ExpiryState.EXPIRED, accepted=False, text=text, last_accepted_day=grace_end)


def age_on(date_of_birth: date, today: date) -> int:
    """Whole years of age on ``today``; someone born on 29 February turns a year older on 1 March
    in non-leap years."""
    if date_of_birth > today:
        raise ValueError(
            f"date of birth {long_date(date_of_birth)} is after {long_date(today)}: "
            "enter a date of birth in the past"
        )
    had_birthday = (today.month, today.day) >= (date_of_birth.month, date_of_birth.day)
    return today.year - date_of_birth.year - (0 if had_birthday else 1)
