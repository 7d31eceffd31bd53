"""MRZ building, parsing and check digits, against the ICAO 9303 specimens."""

from __future__ import annotations

from datetime import date

import pytest

from checker_console.domain.mrz import (
    MrzData,
    MrzFormat,
    MrzFormatError,
    birth_date,
    build_td1,
    build_td3,
    check_digit,
    expiry_date,
    mrz_text,
    parse_mrz,
)

SPECIMEN_TD3 = (
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
)
SPECIMEN_TD1 = (
    "I<UTOD231458907<<<<<<<<<<<<<<<",
    "7408122F1204159UTO<<<<<<<<<<<6",
    "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
)
ANNA = MrzData(
    document_code="P",
    issuing_state="UTO",
    surname="Eriksson",
    given_names="Anna Maria",
    document_number="L898902C3",
    nationality="UTO",
    date_of_birth=date(1974, 8, 12),
    sex="F",
    expiry_date=date(2012, 4, 15),
    optional_data="ZE184226B",
)


@pytest.mark.parametrize(
    ("text", "digit"),
    [("L898902C3", "6"), ("740812", "2"), ("120415", "9"), ("ZE184226B<<<<<", "1"), ("<<<", "0")],
)
def test_check_digit_matches_the_icao_specimen_values(text: str, digit: str) -> None:
    assert check_digit(text) == digit


def test_check_digit_weights_letters_from_ten_and_filler_as_zero() -> None:
    # A=10 weight 7 -> 70; B=11 weight 3 -> 33; '<'=0 -> 0; total 103 -> 3.
    assert check_digit("AB<") == "3"


def test_check_digit_refuses_lower_case_and_punctuation() -> None:
    with pytest.raises(MrzFormatError, match="cannot appear in an MRZ"):
        check_digit("ab")


def test_specimen_passport_parses_with_every_check_valid() -> None:
    result = parse_mrz(SPECIMEN_TD3)

    assert result.format is MrzFormat.TD3
    assert result.valid and result.failed_checks == []
    assert (result.document_code, result.issuing_state, result.nationality) == ("P", "UTO", "UTO")
    assert (result.surname, result.given_names) == ("ERIKSSON", "ANNA MARIA")
    assert result.document_number.value == "L898902C3"
    assert (result.date_of_birth.value, result.sex, result.expiry_date.value) == (
        "740812",
        "F",
        "120415",
    )
    assert result.optional_data == "ZE184226B"
    assert result.composite.check == "0" and result.composite.valid


def test_specimen_identity_card_parses_with_every_check_valid() -> None:
    result = parse_mrz("\n".join(SPECIMEN_TD1))

    assert result.format is MrzFormat.TD1
    assert result.valid
    assert result.document_number.value == "D23145890"
    assert (result.surname, result.given_names) == ("ERIKSSON", "ANNA MARIA")
    assert result.optional_data_check is None
    assert result.composite.check == "6"


def test_building_the_specimen_data_gives_the_specimen_lines() -> None:
    assert build_td3(ANNA) == SPECIMEN_TD3
    card = MrzData(**{**ANNA.__dict__, "document_code": "I", "document_number": "D23145890"})
    assert build_td1(MrzData(**{**card.__dict__, "optional_data": ""})) == SPECIMEN_TD1


def test_built_lines_have_the_layout_lengths() -> None:
    assert [len(line) for line in build_td3(ANNA)] == [44, 44]
    assert [len(line) for line in build_td1(ANNA)] == [30, 30, 30]


@pytest.mark.parametrize(
    ("position", "failed"),
    [
        (9, ["document_number", "composite"]),
        (19, ["date_of_birth", "composite"]),
        (27, ["expiry_date", "composite"]),
        (42, ["optional_data", "composite"]),
        (43, ["composite"]),
    ],
)
def test_a_wrong_digit_is_reported_against_its_field(position: int, failed: list[str]) -> None:
    line2 = SPECIMEN_TD3[1]
    wrong = str((int(line2[position]) + 1) % 10)
    result = parse_mrz([SPECIMEN_TD3[0], line2[:position] + wrong + line2[position + 1 :]])

    assert not result.valid
    assert result.failed_checks == failed


def test_a_retyped_birth_date_fails_its_check_and_the_composite() -> None:
    line2 = SPECIMEN_TD3[1].replace("740812", "740813")

    assert parse_mrz([SPECIMEN_TD3[0], line2]).failed_checks == ["date_of_birth", "composite"]


def test_empty_personal_number_may_carry_a_filler_check_digit() -> None:
    data = MrzData(**{**ANNA.__dict__, "optional_data": ""})
    line1, line2 = build_td3(data)
    filler_check = line2[:42] + "<" + line2[43:]

    assert parse_mrz([line1, filler_check]).valid


def test_long_td1_document_number_continues_in_the_optional_field() -> None:
    number = "D23145890AB"
    value = number[:9] + "<" + number[9:] + check_digit(number)
    line1 = ("I<UTO" + value).ljust(30, "<")
    line2_head = "7408122F1204159UTO<<<<<<<<<<<"
    composite = check_digit(line1[5:30] + line2_head[0:7] + line2_head[8:15] + line2_head[18:29])
    result = parse_mrz([line1, line2_head + composite, SPECIMEN_TD1[2]])

    assert result.document_number.value == number
    assert result.valid


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (["P<UTO"], "2 lines of 44"),
        ([SPECIMEN_TD3[0], SPECIMEN_TD3[1][:-1]], "length 44, 43"),
        ([SPECIMEN_TD3[0], SPECIMEN_TD3[1][:-1] + "?"], "cannot contain"),
    ],
)
def test_parse_explains_what_is_wrong_with_a_malformed_mrz(lines: list[str], message: str) -> None:
    with pytest.raises(MrzFormatError, match=message):
        parse_mrz(lines)


def test_parse_tolerates_lower_case_spaces_and_blank_lines() -> None:
    line1, line2 = SPECIMEN_TD3
    text = f"\n  {line1.lower()}\n\n{line2[:20]} {line2[20:]}"

    assert parse_mrz(text).valid


def test_names_are_transliterated_without_accents_or_apostrophes() -> None:
    assert mrz_text("Zoë O'Brien-Smith") == "ZOE<OBRIEN<SMITH"
    line1, _ = build_td3(MrzData(**{**ANNA.__dict__, "surname": "Núñez", "given_names": "José"}))
    assert line1.startswith("P<UTONUNEZ<<JOSE<<")


def test_over_long_names_are_cut_to_the_field() -> None:
    data = MrzData(**{**ANNA.__dict__, "surname": "A" * 50})

    assert build_td3(data)[0] == "P<UTO" + "A" * 39


def test_two_digit_years_resolve_to_the_right_century() -> None:
    today = date(2026, 3, 1)

    assert birth_date("740812", today=today) == date(1974, 8, 12)
    assert birth_date("050101", today=today) == date(2005, 1, 1)
    assert birth_date("300101", today=today) == date(1930, 1, 1)
    assert expiry_date("310415", today=today) == date(2031, 4, 15)
    assert expiry_date("991231", today=today) == date(1999, 12, 31)
    assert expiry_date("991331", today=today) is None
