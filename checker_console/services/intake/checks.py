"""The shapes of a submission and the checks that need no image decoding.

Field names in refusals are the intake API's form field names (``documents[0][kind]``), so the
HTTP layer passes a refusal through unchanged and the applicant's form can show it next to the
right input. ``services.intake.submissions`` re-exports everything here: import from there.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, select

from checker_console.clock import london
from checker_console.domain.invitations import MINIMUM_AGE, OLDEST_PLAUSIBLE_YEAR
from checker_console.domain.ni_number import InvalidNiNumber, normalise_ni_number
from checker_console.domain.reasons import PHOTO_ID_KINDS, DocumentKind, DocumentSide
from checker_console.store.models import Invitation

#: Photo ID front and back, proof of address, and room for a third document.
MAX_DOCUMENTS = 6
MAX_PAGE = 99
NAME_MAX_LENGTH = 100
#: What may be sent as a document (the selfie has its own field).
DOCUMENT_KINDS = tuple(kind.value for kind in DocumentKind if kind is not DocumentKind.SELFIE)
DOCUMENT_SIDES = tuple(side.value for side in DocumentSide)
_PHOTO_ID_NAMES = (
    "a passport, photocard driving licence, biometric residence permit or national ID card"
)


@dataclass(frozen=True)
class UploadedFile:
    """A file as received: ``field`` is the form field it came in, for error messages."""

    field: str
    filename: str
    content_type: str | None
    data: bytes


@dataclass(frozen=True)
class DocumentUpload:
    kind: str
    side: str
    page: int
    file: UploadedFile
    #: The machine readable zone as the applicant's app read it, lines separated by newlines.
    mrz: str | None = None


@dataclass(frozen=True)
class SubmissionDetails:
    """What the applicant typed (checked and normalised by intake before it is stored)."""

    given_name: str
    family_name: str
    date_of_birth: date
    ni_number: str


@dataclass(frozen=True)
class SubmissionResult:
    application_id: int
    status: str
    existing_profile_flag: bool


class IntakeRefused(Exception):
    """A submission we will not take: which field, what was wrong, what to do about it.

    ``code`` is a stable identifier for programs and tests; ``reason`` and ``fix`` are plain
    English for the applicant; ``status_code`` is the HTTP status the API answers with.
    """

    def __init__(
        self,
        field: str,
        reason: str,
        status_code: int = 422,
        *,
        code: str = "invalid",
        fix: str = "",
    ) -> None:
        super().__init__(field, reason)
        self.field = field
        self.reason = reason
        self.status_code = status_code
        self.code = code
        self.fix = fix

    def __str__(self) -> str:
        return f"{self.field}: {self.reason} {self.fix}".strip()

    def to_json(self) -> dict[str, Any]:
        return {
            "error": {
                "field": self.field,
                "code": self.code,
                "reason": self.reason,
                "fix": self.fix,
            }
        }


def document_field(index: int, part: str) -> str:
    """The form field name of one part of one document: ``documents[0][file]``."""
    return f"documents[{index}][{part}]"


def check_invitation(
    session: Session, token: str, now: datetime, *, lock: bool = False
) -> Invitation:
    """The open invitation for ``token``, or the refusal an applicant can act on.

    ``lock`` takes the row for update (PostgreSQL), so two submissions for one invitation
    queue up and the second sees the first.
    """
    query = select(Invitation).where(Invitation.token == token)
    invitation = session.exec(query.with_for_update() if lock else query).first()
    ask_again = "Ask your Registration Authority to invite you again."
    if invitation is None:
        raise IntakeRefused(
            "invitation",
            "No invitation matches this link.",
            404,
            code="invitation_not_found",
            fix=f"Use the link in your invitation email exactly as it was sent. {ask_again}",
        )
    if invitation.submitted_at is not None:
        raise IntakeRefused(
            "invitation",
            "An application has already been sent for this invitation.",
            409,
            code="already_submitted",
            fix="You do not need to send it again: we will email you once it has been checked. "
            f"To change something, {ask_again[0].lower()}{ask_again[1:]}",
        )
    if invitation.expires_at <= now:
        expired_on = london(invitation.expires_at).strftime("%-d %B %Y")
        raise IntakeRefused(
            "invitation",
            f"This invitation expired on {expired_on}.",
            410,
            code="invitation_expired",
            fix=ask_again,
        )
    return invitation


def _has_control_characters(text: str) -> bool:
    return any(unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Co"} for ch in text)


def _clean_name(field: str, label: str, raw: str) -> str:
    name = " ".join((raw or "").split())
    if not name:
        raise IntakeRefused(
            field,
            f"The {label} is missing.",
            code="missing",
            fix=f"Enter your {label} exactly as it is on your photo ID.",
        )
    if len(name) > NAME_MAX_LENGTH:
        raise IntakeRefused(
            field,
            f"The {label} is longer than {NAME_MAX_LENGTH} characters.",
            code="too_long",
            fix=f"Enter your {label} as on your photo ID, up to {NAME_MAX_LENGTH} characters.",
        )
    if _has_control_characters(name):
        raise IntakeRefused(
            field,
            f"The {label} contains characters that are not letters or punctuation.",
            code="invalid_characters",
            fix=f"Type your {label} again, without pasting it.",
        )
    return name


def _check_date_of_birth(born: date, today: date) -> date:
    def refuse(reason: str, *, code: str, fix: str) -> IntakeRefused:
        return IntakeRefused("date_of_birth", reason, code=code, fix=fix)

    if born >= today:
        raise refuse(
            "The date of birth is not in the past.",
            code="not_in_past",
            fix="Enter a date of birth in the past, as YYYY-MM-DD.",
        )
    if born.year < OLDEST_PLAUSIBLE_YEAR:
        raise refuse(
            f"The date of birth is before {OLDEST_PLAUSIBLE_YEAR}.",
            code="implausible",
            fix="Check the year of your date of birth.",
        )
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    if age < MINIMUM_AGE:
        raise refuse(
            f"The date of birth makes you {age}; applicants must be {MINIMUM_AGE} or over.",
            code="too_young",
            fix="Check your date of birth.",
        )
    return born


def clean_details(details: SubmissionDetails, *, today: date, demo_mode: bool) -> SubmissionDetails:
    """The details trimmed and normalised, or the first problem with them. HMRC's example NI
    prefix QQ (the synthetic applicants') is accepted only in demo mode."""
    try:
        ni_number = normalise_ni_number(details.ni_number, allow_example=demo_mode)
    except InvalidNiNumber as exc:
        raise IntakeRefused(
            "ni_number",
            "The National Insurance number is not valid.",
            code="invalid_ni_number",
            fix=str(exc),
        ) from None
    return SubmissionDetails(
        given_name=_clean_name("given_name", "given name", details.given_name),
        family_name=_clean_name("family_name", "family name", details.family_name),
        date_of_birth=_check_date_of_birth(details.date_of_birth, today),
        ni_number=ni_number,
    )


#: The longest MRZ text taken: 3 lines of 30 or 2 of 44, with room for line breaks and spaces.
MRZ_MAX_LENGTH = 200
_MRZ_CHARACTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789< \r\n")


def check_mrz_text(index: int, text: str) -> None:
    """An optional MRZ is stored as sent, but only if it could be one: a checker reads it.

    Whether it parses, and whether its check digits are right, is for the checker's aids to
    say, not a reason to refuse the application.
    """
    bad = sorted(set(text.upper()) - _MRZ_CHARACTERS)
    if len(text) > MRZ_MAX_LENGTH or bad:
        too_long = len(text) > MRZ_MAX_LENGTH
        raise IntakeRefused(
            document_field(index, "mrz"),
            f"The MRZ has {len(text)} characters."
            if too_long
            else f"The MRZ contains characters an MRZ cannot have: {''.join(bad)[:20]!r}.",
            code="invalid_mrz",
            fix="Send the machine readable zone's lines (A-Z, 0-9 and <) separated by line "
            f"breaks, at most {MRZ_MAX_LENGTH} characters, or leave the field out.",
        )


def check_documents(documents: Sequence[DocumentUpload], selfie: UploadedFile | None) -> None:
    """At least one photo ID, known kinds and sides, and a selfie."""
    if not documents:
        raise IntakeRefused(
            "documents",
            "No documents were sent.",
            code="no_documents",
            fix=f"Add a photo of your photo ID: {_PHOTO_ID_NAMES}.",
        )
    if len(documents) > MAX_DOCUMENTS:
        raise IntakeRefused(
            "documents",
            f"{len(documents)} documents were sent; the most we take is {MAX_DOCUMENTS}.",
            413,
            code="too_many_documents",
            fix="Send one photo of each side of your photo ID and of your proof of address.",
        )
    for index, document in enumerate(documents):
        if document.kind not in DOCUMENT_KINDS:
            raise IntakeRefused(
                document_field(index, "kind"),
                f"{document.kind[:40]!r} is not a document kind we take.",
                code="unknown_kind",
                fix=f"Use one of: {', '.join(DOCUMENT_KINDS)}.",
            )
        if document.side not in DOCUMENT_SIDES:
            raise IntakeRefused(
                document_field(index, "side"),
                f"{document.side[:40]!r} is not a side of a document.",
                code="unknown_side",
                fix=f"Use one of: {', '.join(DOCUMENT_SIDES)}.",
            )
        if not 1 <= document.page <= MAX_PAGE:
            raise IntakeRefused(
                document_field(index, "page"),
                f"Page {document.page} is out of range.",
                code="invalid_page",
                fix=f"Number pages from 1 to {MAX_PAGE}.",
            )
        if document.mrz is not None:
            check_mrz_text(index, document.mrz)
    if not any(document.kind in PHOTO_ID_KINDS for document in documents):
        raise IntakeRefused(
            "documents",
            "None of the documents is a photo ID.",
            code="no_photo_id",
            fix=f"Add a photo of {_PHOTO_ID_NAMES}.",
        )
    if selfie is None:
        raise IntakeRefused(
            "selfie",
            "The photo of your face is missing.",
            code="missing",
            fix="Take a photo of your face: facing forward, against a plain background.",
        )
