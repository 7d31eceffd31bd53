"""The rules a decision must pass before anything is written, with no I/O.

Every refusal is a :class:`DecisionRefused` naming the form field it belongs to and a message the
checker reads next to that field, so the UI shows it as it is. The services layer
(``services/review/decisions.py``) calls these checks inside its transaction.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from enum import StrEnum

from checker_console.domain.reasons import (
    CHECKLIST_TEXT,
    REASON_TEXT,
    ChecklistItem,
    RejectionReason,
)

#: The longest message or note a decision stores (the columns hold 4,000 characters).
MAX_TEXT_LENGTH = 4000


class DecisionOutcome(StrEnum):
    """What a checker decided; the values match the case status each decision leads to."""

    APPROVED = "approved"
    REJECTED = "rejected"
    REFERRED = "referred"


class DecisionRefused(Exception):
    """A decision that breaks a rule; ``field`` says where the UI shows ``message``."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _item_label(item: ChecklistItem) -> str:
    text = CHECKLIST_TEXT[item]
    return text[0].lower() + text[1:]


def checklist_answers(raw: Mapping[str, bool] | None) -> dict[str, bool]:
    """All eight checklist items with the checker's answers; unanswered items count as unticked.

    Any client can send any keys, so an item that is not on the checklist is refused rather
    than stored.
    """
    raw = raw or {}
    known = {item.value for item in ChecklistItem}
    unknown = sorted(str(key) for key in raw if key not in known)
    if unknown:
        raise DecisionRefused(
            "checklist",
            f"Unknown checklist item {', '.join(unknown)}: reload the page and try again.",
        )
    return {item.value: raw.get(item.value) is True for item in ChecklistItem}


def require_every_item_confirmed(answers: Mapping[str, bool]) -> None:
    """Approval needs every item ticked. The message is one short line (the boxes themselves
    show which are open), and says what else the checker can do."""
    missing = [item for item in ChecklistItem if answers.get(item.value) is not True]
    if not missing:
        return
    if len(missing) == len(ChecklistItem):
        text = f"Confirm all {len(ChecklistItem)} checklist items"
    elif len(missing) == 1:
        text = f"Confirm the last checklist item ({_item_label(missing[0])})"
    else:
        text = f"Confirm the {len(missing)} checklist items not yet ticked"
    raise DecisionRefused("checklist", f"{text}, or reject or refer")


def rejection_reasons(raw: Sequence[str]) -> list[RejectionReason]:
    """The published reasons chosen, in the order given, each once."""
    if not raw:
        raise DecisionRefused("reasons", "Select at least one reason")
    chosen: list[RejectionReason] = []
    for code in raw:
        try:
            reason = RejectionReason(code)
        except ValueError:
            raise DecisionRefused(
                "reasons",
                f"'{code}' is not a published rejection reason: choose reasons from the list.",
            ) from None
        if reason not in chosen:
            chosen.append(reason)
    return chosen


def default_applicant_message(reasons: Sequence[RejectionReason]) -> str:
    """The pre-filled message the applicant reads: one paragraph per reason."""
    return "\n\n".join(REASON_TEXT[reason].applicant_message for reason in reasons)


def message_to_applicant(reasons: Sequence[RejectionReason], edited: str | None) -> str:
    """The checker's edited message, or the default when they left it empty."""
    if edited is None or not edited.strip():
        return default_applicant_message(reasons)
    return checked_text(edited, field="applicant_message", label="The message to the applicant")


def checked_text(
    text: str | None, *, field: str, label: str, required_message: str | None = None
) -> str:
    """``text`` stripped; refused if too long, or empty when ``required_message`` is given."""
    clean = (text or "").strip()
    if required_message and not clean:
        raise DecisionRefused(field, required_message)
    if len(clean) > MAX_TEXT_LENGTH:
        raise DecisionRefused(
            field,
            f"{label} must be {MAX_TEXT_LENGTH:,} characters or fewer; "
            f"it is {len(clean):,}. Shorten it and try again.",
        )
    return clean


def require_four_eyes(checker_id: str, referrers: Collection[str]) -> None:
    """Whoever referred a case for a second opinion may not be the one who approves it."""
    if checker_id in referrers:
        raise DecisionRefused(
            "decision",
            "You referred this case, so another checker must approve it (four-eyes rule). "
            "Reject it or release it back to the referral queue.",
        )


def email_key(email: str | None) -> str:
    """An email as conflicts compare it (``services/queue/claim_statement.py`` does the same in
    SQL)."""
    return (email or "").strip().lower()


def ni_key(ni_number: str | None) -> str:
    """An NI number as conflicts compare it: no spaces, upper case."""
    return "".join((ni_number or "").split()).upper()


def is_own_application(
    *,
    checker_email: str | None,
    checker_ni_number: str | None,
    applicant_email: str | None,
    applicant_ni_number: str | None,
) -> bool:
    """A checker is conflicted on an application with their email or NI number.

    Comparison ignores case and spaces ("qq 12 34 56 c" is QQ123456C); an unknown value on
    either side never matches.
    """
    email = email_key(checker_email)
    ni_number = ni_key(checker_ni_number)
    return bool(
        (email and email == email_key(applicant_email))
        or (ni_number and ni_number == ni_key(applicant_ni_number))
    )
