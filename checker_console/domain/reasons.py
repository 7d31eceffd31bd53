"""The published rejection reasons and the checklist a checker confirms before approving.

Codes are stable identifiers stored with decisions and sample-case ground truth; the wording is
what the applicant reads, so it follows the public service guidance in plain English.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class RejectionReason(StrEnum):
    DOCUMENT_NOT_ACCEPTED = "document_not_accepted"
    DOCUMENT_EXPIRED = "document_expired"
    DETAILS_MISMATCH = "details_mismatch"
    FACE_MISMATCH = "face_mismatch"
    PHOTO_RULES = "photo_rules"
    DOCUMENT_UNREADABLE = "document_unreadable"
    DOCUMENT_INCOMPLETE = "document_incomplete"
    NOT_ORIGINAL = "not_original"


@dataclass(frozen=True)
class ReasonText:
    label: str
    applicant_message: str


REASON_TEXT: dict[RejectionReason, ReasonText] = {
    RejectionReason.DOCUMENT_NOT_ACCEPTED: ReasonText(
        "Photo ID not on the accepted list",
        "The photo ID you sent is not one we can accept. Apply again with a passport, "
        "photocard driving licence, biometric residence permit or national identity card.",
    ),
    RejectionReason.DOCUMENT_EXPIRED: ReasonText(
        "ID has expired",
        "Your photo ID has expired. Passports can be up to 6 months past their expiry date; "
        "other documents must be in date. Apply again with an in-date document.",
    ),
    RejectionReason.DETAILS_MISMATCH: ReasonText(
        "Name or date of birth does not match",
        "The name or date of birth on your document does not match your invitation. Ask your "
        "Registration Authority to invite you again with your name exactly as on your photo ID.",
    ),
    RejectionReason.FACE_MISMATCH: ReasonText(
        "Face does not match or is too poor to compare",
        "We could not match your photo to the photo on your ID. Take a new photo in good light, "
        "facing the camera, and apply again.",
    ),
    RejectionReason.PHOTO_RULES: ReasonText(
        "Photo does not meet smartcard photo rules",
        "Your photo will be printed on your smartcard, so it must be like a passport photo: "
        "facing forward, plain background, nothing covering your face and no one else in shot.",
    ),
    RejectionReason.DOCUMENT_UNREADABLE: ReasonText(
        "Document blurry or hard to read",
        "We could not read your document. Take the photo again in good light, without glare, "
        "holding the camera steady so every word is sharp.",
    ),
    RejectionReason.DOCUMENT_INCOMPLETE: ReasonText(
        "Part of the document not visible",
        "Part of your document was cut off. Take the photo again with all four corners visible.",
    ),
    RejectionReason.NOT_ORIGINAL: ReasonText(
        "Document not an original",
        "We need a photo of the original document, not a screenshot, photocopy or a photo of "
        "a screen. Take a photo of the document itself and apply again.",
    ),
}


class ChecklistItem(StrEnum):
    ACCEPTED_TYPE = "accepted_type"
    IN_DATE = "in_date"
    WHOLE_AND_READABLE = "whole_and_readable"
    ORIGINAL = "original"
    NAME_MATCHES = "name_matches"
    DOB_MATCHES = "dob_matches"
    FACE_MATCHES = "face_matches"
    PHOTO_RULES = "photo_rules"


CHECKLIST_TEXT: dict[ChecklistItem, str] = {
    ChecklistItem.ACCEPTED_TYPE: "Photo ID is an accepted document type",
    ChecklistItem.IN_DATE: "Document is in date (passport up to 6 months past expiry)",
    ChecklistItem.WHOLE_AND_READABLE: "Whole document visible and readable",
    ChecklistItem.ORIGINAL: "An original, not a screen, photocopy or screenshot",
    ChecklistItem.NAME_MATCHES: "Name matches the invitation",
    ChecklistItem.DOB_MATCHES: "Date of birth matches the invitation",
    ChecklistItem.FACE_MATCHES: "Face matches the photo ID",
    ChecklistItem.PHOTO_RULES: "Selfie meets smartcard photo rules",
}


class DocumentKind(StrEnum):
    PASSPORT = "passport"
    DRIVING_LICENCE = "driving_licence"
    BIOMETRIC_RESIDENCE_PERMIT = "biometric_residence_permit"
    NATIONAL_ID_CARD = "national_id_card"
    PROOF_OF_ADDRESS = "proof_of_address"
    SELFIE = "selfie"


PHOTO_ID_KINDS = frozenset(
    {
        DocumentKind.PASSPORT,
        DocumentKind.DRIVING_LICENCE,
        DocumentKind.BIOMETRIC_RESIDENCE_PERMIT,
        DocumentKind.NATIONAL_ID_CARD,
    }
)


class DocumentSide(StrEnum):
    FRONT = "front"
    BACK = "back"
    PAGE = "page"
