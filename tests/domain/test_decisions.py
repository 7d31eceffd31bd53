from __future__ import annotations

import pytest

from checker_console.domain.decisions import (
    MAX_TEXT_LENGTH,
    DecisionRefused,
    checked_text,
    checklist_answers,
    default_applicant_message,
    is_own_application,
    message_to_applicant,
    rejection_reasons,
    require_every_item_confirmed,
    require_four_eyes,
)
from checker_console.domain.reasons import REASON_TEXT, ChecklistItem, RejectionReason

ALL_TICKED = {item.value: True for item in ChecklistItem}


def test_a_fully_ticked_checklist_allows_approval() -> None:
    require_every_item_confirmed(checklist_answers(ALL_TICKED))


def test_approval_refusal_is_one_short_line_saying_what_else_to_do() -> None:
    def refusal(answers: dict[str, bool]) -> str:
        with pytest.raises(DecisionRefused) as refused:
            require_every_item_confirmed(checklist_answers(answers))
        assert refused.value.field == "checklist"
        return refused.value.message

    assert refusal({}) == "Confirm all 8 checklist items, or reject or refer"
    assert (
        refusal({**ALL_TICKED, "photo_rules": False, "face_matches": False})
        == "Confirm the 2 checklist items not yet ticked, or reject or refer"
    )
    assert refusal({**ALL_TICKED, "face_matches": False}) == (
        "Confirm the last checklist item (face matches the photo ID), or reject or refer"
    )


def test_unanswered_checklist_items_count_as_unticked() -> None:
    answers = checklist_answers({"accepted_type": True})
    assert answers["accepted_type"] is True
    assert answers["in_date"] is False
    assert len(answers) == 8


def test_a_checklist_item_that_is_not_on_the_list_is_refused() -> None:
    with pytest.raises(DecisionRefused, match="Unknown checklist item looks_fine"):
        checklist_answers({**ALL_TICKED, "looks_fine": True})


def test_rejection_needs_at_least_one_reason() -> None:
    with pytest.raises(DecisionRefused) as refused:
        rejection_reasons([])
    assert (refused.value.field, refused.value.message) == ("reasons", "Select at least one reason")


def test_rejection_reasons_must_be_published_ones() -> None:
    with pytest.raises(DecisionRefused, match="'wrong_hat' is not a published rejection reason"):
        rejection_reasons(["face_mismatch", "wrong_hat"])


def test_rejection_reasons_keep_their_order_and_drop_repeats() -> None:
    chosen = rejection_reasons(["not_original", "face_mismatch", "not_original"])
    assert chosen == [RejectionReason.NOT_ORIGINAL, RejectionReason.FACE_MISMATCH]


def test_the_default_applicant_message_has_one_paragraph_per_reason() -> None:
    reasons = [RejectionReason.DOCUMENT_EXPIRED, RejectionReason.PHOTO_RULES]
    message = default_applicant_message(reasons)
    assert message.split("\n\n") == [REASON_TEXT[r].applicant_message for r in reasons]


def test_an_empty_edited_message_falls_back_to_the_default() -> None:
    reasons = [RejectionReason.FACE_MISMATCH]
    assert message_to_applicant(reasons, "   ") == default_applicant_message(reasons)
    assert message_to_applicant(reasons, " Please retake. ") == "Please retake."


def test_a_note_over_the_limit_is_refused_with_its_length() -> None:
    with pytest.raises(DecisionRefused, match="4,000 characters or fewer; it is 4,001"):
        checked_text("x" * (MAX_TEXT_LENGTH + 1), field="note", label="The note")


def test_a_required_note_cannot_be_blank() -> None:
    with pytest.raises(DecisionRefused, match="Enter a note"):
        checked_text("  ", field="note", label="The note", required_message="Enter a note")


def test_the_checker_who_referred_a_case_may_not_approve_it() -> None:
    with pytest.raises(DecisionRefused, match="four-eyes rule"):
        require_four_eyes("checker.one", {"checker.one"})
    require_four_eyes("lead.one", {"checker.one"})


@pytest.mark.parametrize(
    ("checker_email", "checker_ni", "conflicted"),
    [
        ("Ada.Lovelace@Example.org ", None, True),
        (None, "qq 12 34 56 c", True),
        ("someone.else@example.org", "AB123456C", False),
        (None, None, False),
        ("", "", False),
    ],
)
def test_a_checker_is_conflicted_on_their_own_application(
    checker_email: str | None, checker_ni: str | None, conflicted: bool
) -> None:
    assert (
        is_own_application(
            checker_email=checker_email,
            checker_ni_number=checker_ni,
            applicant_email="ada.lovelace@example.org",
            applicant_ni_number="QQ123456C",
        )
        is conflicted
    )
