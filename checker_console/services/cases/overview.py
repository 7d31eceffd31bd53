"""One case as its page shows it: details, documents, and where it stands."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlmodel import Session, col

from checker_console.clock import london
from checker_console.services.cases.listing import CASE_ROW_COLUMNS, CaseRow
from checker_console.services.identity.sessions import SignedInUser
from checker_console.store.models import Application, Decision, Document, Organisation


@dataclass(frozen=True)
class DocumentSummary:
    id: int
    kind: str
    side: str
    page: int

    @property
    def label(self) -> str:
        """ "Passport, page 1", "Driving licence, back", "Selfie"."""
        kind = self.kind.replace("_", " ").capitalize()
        if self.kind == "selfie":
            return kind
        return f"{kind}, {self.side}" if self.side != "page" else f"{kind}, page {self.page}"


@dataclass(frozen=True)
class CaseOverview:
    """What the read-only case page shows: the case's details and its documents."""

    case: CaseRow
    date_of_birth: date
    attempt: int
    lease_expires_at: datetime | None
    decided_at: datetime | None
    documents: list[DocumentSummary]
    #: "Images deleted on 3 March 2027 under the retention policy", or "" while they are kept.
    images_deleted: str = ""


def images_deleted_notice(
    *, images_purged_at: datetime | None, erased_at: datetime | None
) -> str | None:
    """Why a case shows no images, in the words the case page and the image route use."""
    if erased_at is not None:
        return f"Images deleted on {_long_date(erased_at)} when the applicant's data was erased"
    if images_purged_at is not None:
        return f"Images deleted on {_long_date(images_purged_at)} under the retention policy"
    return None


def _long_date(when: datetime) -> str:
    local = london(when)
    return f"{local.day} {local:%B %Y}"


def may_open_case(session: Session, case_id: int, user: SignedInUser) -> bool:
    """Leads and QA open any case; a checker only a case they hold or have decided.

    The queue never shows checkers applicants' names, so neither may typing a case number.
    """
    if user.sees_every_case:
        return True
    held = session.execute(
        select(col(Application.id)).where(
            col(Application.id) == case_id, col(Application.lease_holder) == user.user_id
        )
    ).first()
    decided = session.execute(
        select(col(Decision.id)).where(
            col(Decision.application_id) == case_id, col(Decision.checker_id) == user.user_id
        )
    ).first()
    return held is not None or decided is not None


def case_overview(session: Session, case_id: int) -> CaseOverview | None:
    found = session.execute(
        select(
            *CASE_ROW_COLUMNS,
            col(Application.date_of_birth),
            col(Application.attempt),
            col(Application.lease_expires_at),
            col(Application.decided_at),
            col(Application.images_purged_at),
            col(Application.erased_at),
        )
        .join(Organisation, col(Organisation.id) == col(Application.organisation_id))
        .where(col(Application.id) == case_id)
    ).first()
    if found is None:
        return None
    *row, date_of_birth, attempt, lease_expires_at, decided_at, purged_at, erased_at = found
    documents = session.execute(
        select(col(Document.id), col(Document.kind), col(Document.side), col(Document.page))
        .where(col(Document.application_id) == case_id)
        .order_by(col(Document.position), col(Document.id))
    ).all()
    deleted = images_deleted_notice(images_purged_at=purged_at, erased_at=erased_at)
    return CaseOverview(
        case=CaseRow(*row),
        date_of_birth=date_of_birth,
        attempt=attempt,
        lease_expires_at=lease_expires_at,
        decided_at=decided_at,
        documents=[DocumentSummary(*document) for document in documents],
        images_deleted=deleted or "",
    )
