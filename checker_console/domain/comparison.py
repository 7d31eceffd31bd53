"""Name and date of birth three ways: the invitation, what the applicant typed, the document.

The RA invites with the name "exactly as on the photo ID"; the applicant types their details;
the document says what it says (read from its machine readable zone where it has one). The
checker must see at a glance where the three disagree, so each field is compared after the same
normalisation an MRZ applies: upper case, accents dropped, apostrophes dropped, hyphens and
spaces as word breaks. "Zoë O'Neill-Hart" and "ZOE ONEILL HART" are the same name; "Zoe" and
"Zara" are not.

Pure functions, no I/O: ``services/review/workspace.py`` feeds them and turns the result into the
panel.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from checker_console.domain.document_checks import long_date
from checker_console.domain.mrz import FILLER, MrzFormat, MrzResult, birth_date, mrz_text


class DetailField(StrEnum):
    GIVEN_NAME = "given_name"
    FAMILY_NAME = "family_name"
    DATE_OF_BIRTH = "date_of_birth"


FIELD_LABELS = {
    DetailField.GIVEN_NAME: "Given names",
    DetailField.FAMILY_NAME: "Family name",
    DetailField.DATE_OF_BIRTH: "Date of birth",
}


@dataclass(frozen=True)
class PersonDetails:
    """A name and date of birth from one source; ``None`` where that source gives none."""

    given_name: str | None
    family_name: str | None
    date_of_birth: date | None
    #: Whether the names may be cut short (an MRZ name field filled to its last character).
    names_truncated: bool = False


@dataclass(frozen=True)
class FieldComparison:
    """One row of the panel: the three values as shown, and what disagrees with what."""

    field: DetailField
    label: str
    invited: str
    entered: str
    #: None when the document gives no machine readable value (the checker reads the image).
    document: str | None
    entered_matches: bool
    document_matches: bool | None

    @property
    def mismatch(self) -> bool:
        return not self.entered_matches or self.document_matches is False

    @property
    def problems(self) -> list[str]:
        """Plain sentences for what disagrees, so the panel never relies on colour alone."""
        problems = []
        if not self.entered_matches:
            problems.append(f"{self.label} the applicant entered differs from the invitation")
        if self.document_matches is False:
            problems.append(f"{self.label} on the document differs from the invitation")
        return problems


@dataclass(frozen=True)
class Comparison:
    fields: tuple[FieldComparison, ...]

    @property
    def mismatches(self) -> list[FieldComparison]:
        return [row for row in self.fields if row.mismatch]

    @property
    def has_document_values(self) -> bool:
        return any(row.document is not None for row in self.fields)


def name_words(value: str | None) -> tuple[str, ...]:
    """A name as the words an MRZ would print: ``"Zoë O'Neill-Hart"`` -> ``("ZOE", "ONEILL",
    "HART")``."""
    return tuple(word for word in mrz_text(value or "").split(FILLER) if word)


def names_match(expected: str | None, actual: str | None, *, truncated: bool = False) -> bool:
    """Same words in the same order; a truncated ``actual`` may stop short of ``expected``."""
    want, got = " ".join(name_words(expected)), " ".join(name_words(actual))
    if want == got:
        return True
    return truncated and bool(got) and want.startswith(got)


def details_from_mrz(result: MrzResult, *, today: date) -> PersonDetails:
    """What the document's MRZ says, with the birth date's century chosen relative to today."""
    name_field = result.lines[0][5:] if result.format is MrzFormat.TD3 else result.lines[2]
    return PersonDetails(
        given_name=result.given_names,
        family_name=result.surname,
        date_of_birth=birth_date(result.date_of_birth.value, today=today),
        names_truncated=not name_field.endswith(FILLER),
    )


def _shown_date(value: date | None) -> str:
    return long_date(value) if value is not None else "Not given"


def _shown_name(value: str | None) -> str:
    return value.strip() if value and value.strip() else "Not given"


def compare_details(
    invited: PersonDetails, entered: PersonDetails, document: PersonDetails | None
) -> Comparison:
    """Compare what the applicant entered, and what the document says, with the invitation.

    The invitation is the reference: it is what the RA vouched for, and what the profile is
    created with. ``document`` None means the document has no machine readable zone.
    """
    rows = []
    for field in (DetailField.GIVEN_NAME, DetailField.FAMILY_NAME):
        want = getattr(invited, field.value)
        typed = getattr(entered, field.value)
        read = getattr(document, field.value) if document is not None else None
        rows.append(
            FieldComparison(
                field=field,
                label=FIELD_LABELS[field],
                invited=_shown_name(want),
                entered=_shown_name(typed),
                document=None if document is None else _shown_name(read),
                entered_matches=names_match(want, typed),
                document_matches=None
                if document is None
                else names_match(want, read, truncated=document.names_truncated),
            )
        )
    born = invited.date_of_birth
    read_born = document.date_of_birth if document is not None else None
    rows.append(
        FieldComparison(
            field=DetailField.DATE_OF_BIRTH,
            label=FIELD_LABELS[DetailField.DATE_OF_BIRTH],
            invited=_shown_date(born),
            entered=_shown_date(entered.date_of_birth),
            document=None if document is None else _shown_date(read_born),
            entered_matches=entered.date_of_birth == born,
            document_matches=None if document is None else read_born == born,
        )
    )
    return Comparison(fields=tuple(rows))
