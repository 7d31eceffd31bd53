"""Name and date of birth compared three ways, as the checker's data panel shows them."""

from __future__ import annotations

from datetime import date

from checker_console.domain.comparison import (
    DetailField,
    PersonDetails,
    compare_details,
    details_from_mrz,
    name_words,
    names_match,
)
from checker_console.domain.mrz import MrzData, build_td1, build_td3, parse_mrz

TODAY = date(2026, 11, 25)
ADA = PersonDetails("Ada Mary", "Quill", date(2001, 5, 12))


def _passport(surname: str, given: str, born: date) -> tuple[str, str]:
    return build_td3(
        MrzData("P", "GBR", surname, given, "123456789", "GBR", born, "F", date(2030, 1, 1))
    )


def test_names_are_compared_the_way_an_mrz_prints_them() -> None:
    assert name_words("Zoë O'Neill-Hart") == ("ZOE", "ONEILL", "HART")
    assert names_match("Zoë O'Neill-Hart", "ZOE ONEILL HART")
    assert names_match("  ada   mary ", "ADA MARY")
    assert not names_match("Zoe", "Zara")
    assert not names_match("Ada Mary", "Ada")


def test_a_truncated_mrz_name_matches_the_start_of_the_invited_name() -> None:
    assert names_match("Bartholomew", "BARTHOL", truncated=True)
    assert not names_match("Bartholomew", "BARTHOL")
    assert not names_match("Bartholomew", "", truncated=True)


def test_everything_matching_shows_no_mismatch() -> None:
    document = details_from_mrz(
        parse_mrz(_passport("Quill", "Ada Mary", ADA.date_of_birth)), today=TODAY
    )

    comparison = compare_details(ADA, ADA, document)

    assert comparison.mismatches == []
    assert [row.document for row in comparison.fields] == ["ADA MARY", "QUILL", "12 May 2001"]
    assert [row.invited for row in comparison.fields] == ["Ada Mary", "Quill", "12 May 2001"]


def test_a_different_date_of_birth_on_the_document_is_a_mismatch_in_words() -> None:
    document = details_from_mrz(
        parse_mrz(_passport("Quill", "Ada Mary", date(2001, 5, 21))), today=TODAY
    )

    comparison = compare_details(ADA, ADA, document)

    [row] = comparison.mismatches
    assert row.field is DetailField.DATE_OF_BIRTH
    assert row.entered_matches and row.document_matches is False
    assert row.problems == ["Date of birth on the document differs from the invitation"]


def test_what_the_applicant_typed_is_compared_with_the_invitation_too() -> None:
    typed = PersonDetails("Ada", "Quill", ADA.date_of_birth)

    comparison = compare_details(ADA, typed, None)

    [row] = comparison.mismatches
    assert row.field is DetailField.GIVEN_NAME
    assert row.problems == ["Given names the applicant entered differs from the invitation"]


def test_without_an_mrz_the_document_column_says_so_and_nothing_is_flagged_for_it() -> None:
    comparison = compare_details(ADA, ADA, None)

    assert not comparison.has_document_values
    assert all(row.document is None and row.document_matches is None for row in comparison.fields)
    assert comparison.mismatches == []


def test_an_identity_card_mrz_gives_its_names_and_birth_date() -> None:
    lines = build_td1(
        MrzData(
            "I",
            "FRA",
            "Durand",
            "Élodie",
            "X4RTBPFW4",
            "FRA",
            date(1999, 2, 3),
            "F",
            date(2031, 2, 3),
        )
    )

    document = details_from_mrz(parse_mrz(lines), today=TODAY)

    assert (document.given_name, document.family_name) == ("ELODIE", "DURAND")
    assert document.date_of_birth == date(1999, 2, 3)
    assert not document.names_truncated
    invited = PersonDetails("Élodie", "Durand", date(1999, 2, 3))
    assert compare_details(invited, invited, document).mismatches == []


def test_a_long_name_filling_the_whole_mrz_field_counts_as_truncated() -> None:
    lines = _passport("Wolfeschlegelsteinhausenbergerdorff", "Hubert Blaine", date(1990, 1, 1))

    document = details_from_mrz(parse_mrz(lines), today=TODAY)

    assert document.names_truncated
    invited = PersonDetails(
        "Hubert Blaine", "Wolfeschlegelsteinhausenbergerdorff", date(1990, 1, 1)
    )
    assert compare_details(invited, invited, document).mismatches == []
