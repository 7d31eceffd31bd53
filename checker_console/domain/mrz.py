"""Machine readable zones (ICAO Doc 9303): building them, reading them, checking the digits.

Two layouts matter to ID checkers: TD3, the passport data page (2 lines of 44 characters), and
TD1, the credit-card-sized identity card (3 lines of 30). Each key field carries a check digit,
and a composite digit covers them all, so a retyped or doctored MRZ usually gives itself away.

Pure functions, no I/O. Dates in an MRZ have two-digit years; :func:`birth_date` and
:func:`expiry_date` pick the century relative to a ``today`` the caller passes.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

FILLER = "<"
_WEIGHTS = (7, 3, 1)
_ALLOWED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<")


class MrzFormat(StrEnum):
    TD1 = "TD1"
    TD3 = "TD3"


class MrzFormatError(ValueError):
    """The text is not an MRZ of a known layout (wrong line count, length or characters)."""


def character_value(char: str) -> int:
    """ICAO value of one MRZ character: digits as themselves, A-Z as 10-35, the filler as 0."""
    if char.isdigit() and char.isascii():
        return int(char)
    if "A" <= char <= "Z":
        return ord(char) - ord("A") + 10
    if char == FILLER:
        return 0
    raise MrzFormatError(f"{char!r} cannot appear in an MRZ: use A-Z, 0-9 or '<'")


def check_digit(text: str) -> str:
    """The check digit over ``text``: weights 7, 3, 1 repeating, sum modulo 10."""
    total = sum(character_value(char) * _WEIGHTS[i % 3] for i, char in enumerate(text))
    return str(total % 10)


@dataclass(frozen=True)
class CheckedField:
    """A field as printed, the check digit printed after it, and whether that digit is right."""

    value: str
    check: str
    valid: bool


def _checked(value: str, check: str) -> CheckedField:
    expected = check_digit(value)
    # An empty optional field may carry a filler instead of 0 in its check position.
    empty_with_filler = check == FILLER and set(value) <= {FILLER}
    return CheckedField(value=value, check=check, valid=check == expected or empty_with_filler)


@dataclass(frozen=True)
class MrzData:
    """What goes into an MRZ, in ordinary form; :func:`build_td3` / :func:`build_td1` encode it."""

    document_code: str
    issuing_state: str
    surname: str
    given_names: str
    document_number: str
    nationality: str
    date_of_birth: date
    sex: str
    expiry_date: date
    optional_data: str = ""


@dataclass(frozen=True)
class MrzResult:
    """A parsed MRZ: every field, each check digit's validity and the composite check."""

    format: MrzFormat
    lines: tuple[str, ...]
    document_code: str
    issuing_state: str
    surname: str
    given_names: str
    document_number: CheckedField
    nationality: str
    date_of_birth: CheckedField
    sex: str
    expiry_date: CheckedField
    optional_data: str
    #: TD3 only: the personal number's own check digit (TD1 has none).
    optional_data_check: CheckedField | None
    composite: CheckedField

    @property
    def failed_checks(self) -> list[str]:
        """Names of the check digits that do not match, in the order they are printed."""
        checks = {
            "document_number": self.document_number,
            "date_of_birth": self.date_of_birth,
            "expiry_date": self.expiry_date,
            "optional_data": self.optional_data_check,
            "composite": self.composite,
        }
        return [name for name, field in checks.items() if field is not None and not field.valid]

    @property
    def valid(self) -> bool:
        return not self.failed_checks


def mrz_text(value: str) -> str:
    """Transliterate a name or code for an MRZ: A-Z only, accents dropped, gaps as fillers."""
    decomposed = unicodedata.normalize("NFKD", value.upper())
    out = []
    for char in decomposed:
        if "A" <= char <= "Z" or char.isdigit() and char.isascii():
            out.append(char)
        elif char in " -,.":
            out.append(FILLER)
        # Apostrophes and combining accents are dropped, as ICAO 9303 part 3 advises.
    return "".join(out)


def _pad(value: str, length: int) -> str:
    return value[:length].ljust(length, FILLER)


def _names(surname: str, given_names: str, length: int) -> str:
    primary = mrz_text(surname).strip(FILLER)
    secondary = mrz_text(given_names).strip(FILLER)
    return _pad(f"{primary}{FILLER * 2}{secondary}" if secondary else primary, length)


def mrz_date(value: date) -> str:
    return value.strftime("%y%m%d")


def build_td3(data: MrzData) -> tuple[str, str]:
    """The two 44-character lines of a passport data page."""
    code = _pad(mrz_text(data.document_code), 2)
    state = _pad(mrz_text(data.issuing_state), 3)
    line1 = code + state + _names(data.surname, data.given_names, 39)
    number = _pad(mrz_text(data.document_number), 9)
    birth = mrz_date(data.date_of_birth)
    expiry = mrz_date(data.expiry_date)
    optional = _pad(mrz_text(data.optional_data), 14)
    optional_check = check_digit(optional)
    checked = (
        f"{number}{check_digit(number)}",
        f"{birth}{check_digit(birth)}",
        f"{expiry}{check_digit(expiry)}",
        f"{optional}{optional_check}",
    )
    composite = check_digit("".join(checked))
    line2 = (
        checked[0]
        + _pad(mrz_text(data.nationality), 3)
        + checked[1]
        + _sex(data.sex)
        + checked[2]
        + checked[3]
        + composite
    )
    return line1, line2


def build_td1(data: MrzData) -> tuple[str, str, str]:
    """The three 30-character lines of an identity card (document numbers up to 9 characters)."""
    number = mrz_text(data.document_number)
    if len(number) > 9:
        raise ValueError("TD1 document numbers over 9 characters are not supported when building")
    number = _pad(number, 9)
    optional1 = _pad(mrz_text(data.optional_data), 15)
    line1 = (
        _pad(mrz_text(data.document_code), 2)
        + _pad(mrz_text(data.issuing_state), 3)
        + number
        + check_digit(number)
        + optional1
    )
    birth = mrz_date(data.date_of_birth)
    expiry = mrz_date(data.expiry_date)
    optional2 = FILLER * 11
    head = f"{birth}{check_digit(birth)}{_sex(data.sex)}{expiry}{check_digit(expiry)}"
    head += _pad(mrz_text(data.nationality), 3) + optional2
    composite = check_digit(line1[5:30] + head[0:7] + head[8:15] + head[18:29])
    line3 = _names(data.surname, data.given_names, 30)
    return line1, head + composite, line3


def _sex(value: str) -> str:
    sex = value.upper()[:1]
    return sex if sex in {"M", "F"} else FILLER


def parse_mrz(text: str | list[str] | tuple[str, ...]) -> MrzResult:
    """Parse a TD3 or TD1 MRZ given as lines (or one string with newlines).

    Raises :class:`MrzFormatError` when the layout is not recognised; wrong check digits are
    not an error, they are reported in the result (``failed_checks``) for the checker to see.
    """
    lines = _lines(text)
    if len(lines) == 2 and all(len(line) == 44 for line in lines):
        return _parse_td3(lines)
    if len(lines) == 3 and all(len(line) == 30 for line in lines):
        return _parse_td1(lines)
    lengths = ", ".join(str(len(line)) for line in lines) or "none"
    raise MrzFormatError(
        f"an MRZ has 2 lines of 44 characters (passport) or 3 lines of 30 (ID card); "
        f"got {len(lines)} line(s) of length {lengths}"
    )


def _lines(text: str | list[str] | tuple[str, ...]) -> tuple[str, ...]:
    raw = text.splitlines() if isinstance(text, str) else list(text)
    lines = tuple(line.strip().replace(" ", "").upper() for line in raw if line.strip())
    for number, line in enumerate(lines, start=1):
        bad = sorted(set(line) - _ALLOWED)
        if bad:
            raise MrzFormatError(
                f"line {number} has characters an MRZ cannot contain: {''.join(bad)!r}"
            )
    return lines


def _split_names(field: str) -> tuple[str, str]:
    primary, _, secondary = field.partition(FILLER * 2)

    def readable(part: str) -> str:
        return " ".join(word for word in part.split(FILLER) if word)

    return readable(primary), readable(secondary)


def _parse_td3(lines: tuple[str, ...]) -> MrzResult:
    line1, line2 = lines
    surname, given = _split_names(line1[5:44])
    number = _checked(line2[0:9], line2[9])
    birth = _checked(line2[13:19], line2[19])
    expiry = _checked(line2[21:27], line2[27])
    optional = _checked(line2[28:42], line2[42])
    composite = _checked(line2[0:10] + line2[13:20] + line2[21:43], line2[43])
    return MrzResult(
        format=MrzFormat.TD3,
        lines=lines,
        document_code=line1[0:2].rstrip(FILLER),
        issuing_state=line1[2:5].rstrip(FILLER),
        surname=surname,
        given_names=given,
        document_number=number,
        nationality=line2[10:13].rstrip(FILLER),
        date_of_birth=birth,
        sex=line2[20],
        expiry_date=expiry,
        optional_data=optional.value.rstrip(FILLER),
        optional_data_check=optional,
        composite=composite,
    )


def _parse_td1(lines: tuple[str, ...]) -> MrzResult:
    line1, line2, line3 = lines
    number_value, number_check, optional1 = line1[5:14], line1[14], line1[15:30]
    if number_check == FILLER:
        # Long document number: it continues in the optional field, its check digit last.
        extension = optional1.split(FILLER, 1)[0]
        number_value, number_check = number_value + extension[:-1], extension[-1:] or FILLER
        optional1 = optional1[len(extension) :]
    surname, given = _split_names(line3)
    return MrzResult(
        format=MrzFormat.TD1,
        lines=lines,
        document_code=line1[0:2].rstrip(FILLER),
        issuing_state=line1[2:5].rstrip(FILLER),
        surname=surname,
        given_names=given,
        document_number=_checked(number_value, number_check),
        nationality=line2[15:18].rstrip(FILLER),
        date_of_birth=_checked(line2[0:6], line2[6]),
        sex=line2[7],
        expiry_date=_checked(line2[8:14], line2[14]),
        optional_data=(optional1 + line2[18:29]).strip(FILLER),
        optional_data_check=None,
        composite=_checked(line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29], line2[29]),
    )


def _yymmdd(value: str, century: int) -> date | None:
    if len(value) != 6 or not value.isdigit():
        return None
    try:
        return date(century + int(value[0:2]), int(value[2:4]), int(value[4:6]))
    except ValueError:
        return None


def birth_date(value: str, *, today: date) -> date | None:
    """A YYMMDD birth date: the latest century that does not put it in the future."""
    candidate = _yymmdd(value, today.year // 100 * 100)
    if candidate is not None and candidate > today:
        candidate = _yymmdd(value, today.year // 100 * 100 - 100)
    return candidate


def expiry_date(value: str, *, today: date) -> date | None:
    """A YYMMDD expiry date: the century that puts it within 50 years either side of today."""
    century = today.year // 100 * 100
    candidate = _yymmdd(value, century)
    if candidate is None:
        return None
    if candidate.year > today.year + 50:
        return _yymmdd(value, century - 100)
    if candidate.year < today.year - 50:
        return _yymmdd(value, century + 100)
    return candidate
