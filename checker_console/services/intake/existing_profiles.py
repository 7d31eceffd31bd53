"""Does this applicant already have a Care Identity Service profile?

In the live service an existing profile stops the applicant's journey; in the console it is
flagged on the case so the checker sees it before approving a second one. The question is
asked by National Insurance number and date of birth together (an NI number alone can be
mistyped into someone else's).

``find_existing_profile`` answers from our own records: an earlier application of the same
person whose profile was created (``cim_uuid`` set). A lookup against CIM itself can take its
place: anything with the :class:`ProfileLookup` shape can be handed to intake.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

from sqlmodel import Session, col, select

from checker_console.store.models import Application


@dataclass(frozen=True)
class ExistingProfile:
    """A profile the person already has: its 12-digit UUID and where we learnt of it."""

    uuid: str
    source: str
    application_id: int | None = None


class ProfileLookup(Protocol):
    def __call__(
        self, session: Session, *, ni_number: str, date_of_birth: date
    ) -> ExistingProfile | None: ...


def find_existing_profile(
    session: Session, *, ni_number: str, date_of_birth: date
) -> ExistingProfile | None:
    """The newest profile created through the console for this NI number and date of birth.

    ``ni_number`` must be normalised (capitals, no spaces), as intake stores it.
    """
    row = session.exec(
        select(Application.id, Application.cim_uuid)
        .where(
            Application.ni_number == ni_number,
            Application.date_of_birth == date_of_birth,
            col(Application.cim_uuid).is_not(None),
        )
        .order_by(col(Application.id).desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    application_id, uuid = row
    assert uuid is not None  # the query keeps only cases with a CIM UUID
    return ExistingProfile(uuid=uuid, source="application", application_id=application_id)
