from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session, select

from checker_console.domain.invitations import RowProblem
from checker_console.services.intake.invitations import (
    InvitationFileRefused,
    OrganisationRefused,
    create_invitation,
    import_invitations,
    register_organisation,
)
from checker_console.store.models import AuditEvent, Invitation, Organisation

MIXED = (Path(__file__).parents[2] / "fixtures" / "invitations_mixed.csv").read_text()


@pytest.fixture(autouse=True)
def registered(session: Session) -> None:
    """The organisations the fixture file invites for, registered as an RA would first."""
    register_organisation(session, code="RX1", name="Riverside University")
    register_organisation(session, code="RX2", name="Riverside NHS Trust")
    session.commit()


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


def test_imported_rows_are_normalised_into_their_registered_organisations(
    session: Session,
) -> None:
    import_invitations(session, MIXED)
    session.commit()
    florence = session.exec(select(Invitation).where(Invitation.family_name == "Nightingale")).one()
    assert florence.mobile == "07700900123"
    assert florence.date_of_birth == date(2001, 5, 12)
    assert len(florence.token) >= 24
    codes = sorted(o.code for o in session.exec(select(Organisation)))
    assert codes == ["RX1", "RX2"]


def test_a_row_naming_an_unregistered_organisation_is_refused_saying_what_to_do(
    session: Session,
) -> None:
    text = MIXED.splitlines()[0] + "\nAda,Lovelace,2000-12-10,ada@example.org,07700900131,ZZZ99,\n"

    report = import_invitations(session, text)
    session.commit()

    assert report.imported == 0
    [error] = report.errors
    assert error.line == 2
    assert "organisation ZZZ99 is not registered" in error.reason
    assert "checker-console organisation add ZZZ99" in error.reason
    assert session.exec(select(Organisation).where(Organisation.code == "ZZZ99")).first() is None


@pytest.mark.parametrize("code", ["R1", "RX1234567", "RX-1", ""])
def test_an_organisation_code_not_in_ods_form_cannot_be_registered(
    session: Session, code: str
) -> None:
    with pytest.raises(OrganisationRefused, match="ODS organisation code"):
        register_organisation(session, code=code, name="Somewhere")


def test_registering_is_audited_and_registering_again_renames(session: Session) -> None:
    register_organisation(session, code="ab12c", name="Old  name")
    org = register_organisation(session, code="AB12C", name="New name")
    session.commit()

    assert (org.code, org.name) == ("AB12C", "New name")
    actions = session.exec(
        select(AuditEvent.action).where(AuditEvent.action == "organisation.register")
    ).all()
    assert len(actions) == 4  # RX1 and RX2 (the fixture), then AB12C twice


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
