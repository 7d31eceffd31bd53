from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session, select

from checker_console.domain.invitations import RowProblem
from checker_console.services.intake.invitations import (
    InvitationFileRefused,
    create_invitation,
    import_invitations,
)
from checker_console.store.models import Invitation, Organisation

MIXED = (Path(__file__).parents[2] / "fixtures" / "invitations_mixed.csv").read_text()


def test_good_rows_are_imported_and_each_bad_row_is_reported_with_its_line(
    session: Session,
) -> None:
    report = import_invitations(session, MIXED)
    session.commit()

    assert report.imported == 3
    reasons = {error.line: error.reason for error in report.errors}
    assert set(reasons) == {4, 5, 6, 7, 8}
    assert "not a real date" in reasons[4]
    assert "not an email address" in reasons[5]
    assert "given_name is missing" in reasons[6]
    assert "not in the past" in reasons[7]
    assert "duplicate of line 3" in reasons[8]
    names = sorted(i.family_name for i in session.exec(select(Invitation)))
    assert names == ["Fenwick", "Nightingale", "Seacole"]


def test_importing_the_same_file_twice_creates_nothing_new(session: Session) -> None:
    import_invitations(session, MIXED)
    session.commit()
    tokens_before = sorted(i.token for i in session.exec(select(Invitation)))

    again = import_invitations(session, MIXED)
    session.commit()

    assert again.imported == 0
    assert again.already_imported == 3
    assert sorted(i.token for i in session.exec(select(Invitation))) == tokens_before


def test_imported_rows_are_normalised_and_organisations_created(session: Session) -> None:
    import_invitations(session, MIXED)
    session.commit()
    florence = session.exec(select(Invitation).where(Invitation.family_name == "Nightingale")).one()
    assert florence.mobile == "07700900123"
    assert florence.date_of_birth == date(2001, 5, 12)
    assert len(florence.token) >= 24
    codes = sorted(o.code for o in session.exec(select(Organisation)))
    assert codes == ["RX1", "RX2"]


def test_a_file_without_the_required_columns_imports_nothing(session: Session) -> None:
    with pytest.raises(InvitationFileRefused, match="no column for .*date_of_birth"):
        import_invitations(session, "given_name,family_name\nAda,Lovelace\n")
    assert session.exec(select(Invitation)).first() is None


def test_an_under_age_applicant_is_refused(session: Session) -> None:
    with pytest.raises(RowProblem, match="must be 16 or over"):
        create_invitation(
            session,
            org_code="RX1",
            given_name="Young",
            family_name="Person",
            date_of_birth=date.today().replace(year=date.today().year - 10),
            email="young@example.org",
            mobile="07700900130",
        )


def test_create_invitation_is_idempotent_for_the_same_person(session: Session) -> None:
    details = dict(
        org_code="RX1",
        given_name="Ada",
        family_name="Lovelace",
        date_of_birth=date(2000, 12, 10),
        email="ada@example.org",
        mobile="07700900131",
        cohort="Computing",
    )
    first = create_invitation(session, **details)
    second = create_invitation(session, **details)
    session.commit()
    assert first.id == second.id
