"""One case as its page shows it: details, documents, and where it stands."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlmodel import Session, col

from checker_console.services.cases.listing import CaseRow
from checker_console.store.models import Application, Document, Organisation


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


def case_overview(session: Session, case_id: int) -> CaseOverview | None:
    found = session.execute(
        select(Application, Organisation)
        .join(Organisation, col(Organisation.id) == col(Application.organisation_id))
        .where(col(Application.id) == case_id)
    ).first()
    if found is None:
        return None
    case, organisation = found
    documents = session.execute(
        select(Document.id, Document.kind, Document.side, Document.page)
        .where(col(Document.application_id) == case_id)
        .order_by(col(Document.position), col(Document.id))
    ).all()
    row = CaseRow(
        id=case.id,
        given_name=case.given_name,
        family_name=case.family_name,
        organisation_code=organisation.code,
        organisation_name=organisation.name,
        cohort=case.cohort,
        status=case.status,
        submitted_at=case.submitted_at,
        sla_due_at=case.sla_due_at,
        lease_holder=case.lease_holder,
    )
    return CaseOverview(
        case=row,
        date_of_birth=case.date_of_birth,
        attempt=case.attempt,
        lease_expires_at=case.lease_expires_at,
        decided_at=case.decided_at,
        documents=[DocumentSummary(*document) for document in documents],
    )
