"""RA invitations: one at a time, or a whole cohort from a CSV file.

A bulk import is all-or-nothing per row, not per file: every good row is imported, every bad row
is reported with its line number and what to fix, and importing the same file again adds nothing
(each row has an import key; rows whose key exists are counted as already imported).
"""

from __future__ import annotations

import csv
import io
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlmodel import Session, col, select

from checker_console.clock import london, utcnow
from checker_console.domain.invitations import (
    FIELDS,
    ORG_CODE_RE,
    InvitationRow,
    RowProblem,
    validate_row,
)
from checker_console.services.audit import append_audit
from checker_console.store.models import Invitation, Organisation

INVITATION_VALID_DAYS = 28


@dataclass(frozen=True)
class RowError:
    line: int
    reason: str


@dataclass
class ImportReport:
    imported: int = 0
    already_imported: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def rows_read(self) -> int:
        return self.imported + self.already_imported + len(self.errors)


class InvitationFileRefused(ValueError):
    """The file as a whole cannot be read (wrong columns, not CSV): nothing was imported."""


class OrganisationRefused(ValueError):
    """An organisation cannot be registered as given; the message says what to fix."""


def find_organisation(session: Session, code: str) -> Organisation | None:
    return session.exec(select(Organisation).where(Organisation.code == code)).first()


def register_organisation(
    session: Session, *, code: str, name: str, actor: str = "system"
) -> Organisation:
    """Register an organisation by its ODS code (or rename it); the caller commits.

    Invitations name organisations by code, and only registered ones: a typo in a CSV is a
    refused row, never a new organisation."""
    clean_code = (code or "").strip().upper()
    clean_name = " ".join((name or "").split())
    if not ORG_CODE_RE.match(clean_code):
        raise OrganisationRefused(
            f"{code!r} is not an ODS organisation code: 3 to 6 letters or digits, like RX1"
        )
    if not clean_name:
        raise OrganisationRefused("Give the organisation's name, as its staff would know it")
    org = find_organisation(session, clean_code)
    if org is None:
        org = Organisation(code=clean_code, name=clean_name)
    elif org.name == clean_name:
        return org
    org.name = clean_name
    session.add(org)
    session.flush()
    append_audit(
        session,
        actor=actor,
        action="organisation.register",
        detail={"code": clean_code, "name": clean_name},
    )
    return org


def unregistered_message(code: str) -> str:
    return (
        f"organisation {code} is not registered: check the code for a typo, or register it "
        f'first with: checker-console organisation add {code} "Organisation name"'
    )


def _new_invitation(
    session: Session, row: InvitationRow, *, org: Organisation, now: datetime, attempt: int = 1
) -> Invitation:
    assert org.id is not None  # flushed by get_or_create_organisation
    invitation = Invitation(
        organisation_id=org.id,
        cohort=row.cohort,
        given_name=row.given_name,
        family_name=row.family_name,
        date_of_birth=row.date_of_birth,
        email=row.email,
        mobile=row.mobile,
        attempt=attempt,
        import_key=row.import_key(attempt),
        token=secrets.token_urlsafe(24),
        created_at=now,
        expires_at=now + timedelta(days=INVITATION_VALID_DAYS),
    )
    session.add(invitation)
    return invitation


def create_invitation(
    session: Session,
    *,
    org_code: str,
    given_name: str,
    family_name: str,
    date_of_birth: date,
    email: str,
    mobile: str,
    cohort: str = "",
    org_name: str | None = None,
    actor: str = "system",
    now: datetime | None = None,
) -> Invitation:
    """Invite one applicant (the caller commits). Raises ``RowProblem`` for bad details."""
    now = now or utcnow()
    row = validate_row(
        {
            "given_name": given_name,
            "family_name": family_name,
            "date_of_birth": date_of_birth.isoformat(),
            "email": email,
            "mobile": mobile,
            "org_code": org_code,
            "cohort": cohort,
        },
        london(now).date(),
    )
    org = (
        register_organisation(session, code=row.org_code, name=org_name, actor=actor)
        if org_name
        else find_organisation(session, row.org_code)
    )
    if org is None:
        raise RowProblem(unregistered_message(row.org_code))
    existing = session.exec(
        select(Invitation).where(Invitation.import_key == row.import_key())
    ).first()
    if existing is not None:
        return existing
    invitation = _new_invitation(session, row, org=org, now=now)
    session.flush()
    append_audit(
        session, actor=actor, action="invitation.create", detail={"invitation": invitation.id}
    )
    return invitation


def _read_rows(text: str) -> Iterable[tuple[int, dict[str, str | None]]]:
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [name for name in FIELDS if name not in header and name != "cohort"]
    if missing:
        raise InvitationFileRefused(
            f"The file has no column for {', '.join(missing)}. "
            "The first line must name the columns: " + ",".join(FIELDS)
        )
    reader.fieldnames = header
    for record in reader:
        if not any((v or "").strip() for v in record.values() if isinstance(v, str)):
            continue  # a blank line is not a mistake
        yield reader.line_num, record


def import_invitations(
    session: Session,
    text: str,
    *,
    actor: str = "system",
    now: datetime | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import every good row of a CSV text and report every bad one (the caller commits)."""
    now = now or utcnow()
    today = london(now).date()
    report = ImportReport()
    seen: dict[tuple[str, str], int] = {}
    good: list[tuple[int, InvitationRow]] = []
    for line, raw in _read_rows(text):
        try:
            row = validate_row(raw, today)
        except RowProblem as problem:
            report.errors.append(RowError(line, str(problem)))
            continue
        first = seen.setdefault(row.person_key(), line)
        if first != line:
            report.errors.append(
                RowError(
                    line, f"duplicate of line {first} ({row.email} in {row.org_code}): remove one"
                )
            )
            continue
        good.append((line, row))

    keys = [row.import_key() for _, row in good]
    existing_keys: set[str] = set()
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        existing_keys.update(
            session.exec(
                select(Invitation.import_key).where(col(Invitation.import_key).in_(chunk))
            ).all()
        )
    orgs = {
        org.code: org
        for org in session.exec(
            select(Organisation).where(
                col(Organisation.code).in_({row.org_code for _, row in good})
            )
        )
    }
    for done, (line, row) in enumerate(good, start=1):
        if row.import_key() in existing_keys:
            report.already_imported += 1
        elif (org := orgs.get(row.org_code)) is None:
            report.errors.append(RowError(line, unregistered_message(row.org_code)))
        else:
            _new_invitation(session, row, org=org, now=now)
            report.imported += 1
        if progress:
            progress(done)
    session.flush()
    append_audit(
        session,
        actor=actor,
        action="invitation.import",
        detail={
            "imported": report.imported,
            "already_imported": report.already_imported,
            "errors": len(report.errors),
        },
    )
    return report
