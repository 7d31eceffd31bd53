"""Intake: a good submission opens a queued case; every bad one is refused and leaves nothing."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select

from checker_console.adapters.blobs import LocalBlobStore
from checker_console.clock import london, utcnow
from checker_console.domain.lifecycle import CaseStatus
from checker_console.services.audit import verify_audit_chain
from checker_console.services.intake.submissions import (
    DocumentUpload,
    IntakeRefused,
    SubmissionDetails,
    UploadedFile,
    submit_application,
)
from checker_console.settings import Settings, load_settings
from checker_console.store.models import (
    Application,
    AuditEvent,
    CohortPriority,
    Document,
    Invitation,
)
from tests.factories import make_case, make_invitation
from tests.support.images import (
    gif_image,
    png_bomb,
    png_with_text,
    truncated_jpeg,
    webp_photo,
)
from tests.support.images import (
    phone_jpeg as _phone_jpeg,
)

DOB = date(2001, 5, 12)
PASSPORT = _phone_jpeg((800, 600), orientation=6)
PROOF_OF_ADDRESS = png_with_text((600, 800))
SELFIE = webp_photo((300, 400))


@pytest.fixture
def settings() -> Settings:
    return replace(load_settings(), max_upload_bytes=2_000_000, sla_working_days=2)


def _file(field: str, data: bytes, name: str = "photo.jpg") -> UploadedFile:
    return UploadedFile(field=field, filename=name, content_type="image/jpeg", data=data)


def _document(index: int, kind: str, data: bytes, side: str = "front") -> DocumentUpload:
    return DocumentUpload(kind, side, 1, _file(f"documents[{index}][file]", data))


def _good_documents() -> list[DocumentUpload]:
    return [
        _document(0, "passport", PASSPORT, side="page"),
        _document(1, "proof_of_address", PROOF_OF_ADDRESS),
    ]


def _details(**changes: object) -> SubmissionDetails:
    values: dict[str, object] = {
        "given_name": "Florence",
        "family_name": "Nightingale",
        "date_of_birth": DOB,
        "ni_number": "QQ 12 34 56 C",
    }
    values.update(changes)
    return SubmissionDetails(**values)  # type: ignore[arg-type]


def _invite(session: Session, **fields: object) -> Invitation:
    invitation = make_invitation(session, **fields)  # type: ignore[arg-type]
    session.commit()
    return invitation


def _submit(session: Session, blobs: LocalBlobStore, settings: Settings, token: str, **kw: object):
    arguments: dict[str, object] = {
        "details": _details(),
        "documents": _good_documents(),
        "selfie": _file("selfie", SELFIE, "selfie.webp"),
    }
    arguments.update(kw)
    return submit_application(
        session,
        blobs,
        invitation_token=token,
        settings=settings,
        **arguments,  # type: ignore[arg-type]
    )


def _blob_files(blobs: LocalBlobStore) -> set[Path]:
    return {path for path in blobs.root.rglob("*") if path.is_file()}


def _assert_nothing_left_behind(session: Session, blobs: LocalBlobStore, before: set[Path]) -> None:
    session.rollback()
    assert session.exec(select(Application)).all() == []
    assert session.exec(select(Document)).all() == []
    assert session.exec(select(AuditEvent)).all() == []
    assert all(invitation.submitted_at is None for invitation in session.exec(select(Invitation)))
    assert _blob_files(blobs) == before


def test_accepted_submission_opens_a_queued_case_with_its_documents_in_order(
    session: Session, blobs: LocalBlobStore, settings: Settings
) -> None:
    invitation = _invite(session)

    result = _submit(session, blobs, settings, invitation.token)

    assert result.status == CaseStatus.QUEUED and result.existing_profile_flag is False
    case = session.get(Application, result.application_id)
    assert case is not None and case.status == CaseStatus.QUEUED
    assert (case.given_name, case.ni_number, case.email) == (
        "Florence",
        "QQ123456C",
        invitation.email,
    )
    documents = session.exec(
        select(Document).where(Document.application_id == case.id).order_by(Document.position)
    ).all()
    assert [(d.kind, d.side) for d in documents] == [
        ("passport", "page"),
        ("proof_of_address", "front"),
        ("selfie", "front"),
    ]
    passport = documents[0]
    assert (passport.width, passport.height) == (600, 800)  # stored 800 x 600 on its side
    assert passport.content_type == "image/jpeg" and documents[1].content_type == "image/png"
    for document in documents:
        for key in (document.blob_key, document.preview_key, document.thumbnail_key):
            assert blobs.exists(key)
    kept = blobs.get(passport.blob_key)  # full resolution, metadata gone (see test_clean_copy)
    assert kept != PASSPORT and passport.sha256 == hashlib.sha256(PASSPORT).hexdigest()
    assert passport.size_bytes == len(PASSPORT)
    session.refresh(invitation)
    assert invitation.submitted_at is not None
    actions = [e.action for e in session.exec(select(AuditEvent).order_by(AuditEvent.sequence))]
    assert actions == ["application.submitted", "case.enqueue"]
    assert verify_audit_chain(session).ok


def test_sla_deadline_skips_the_weekend(
    session: Session, blobs: LocalBlobStore, settings: Settings
) -> None:
    today = utcnow().date()
    friday = today + timedelta(days=(4 - today.weekday()) % 7)
    submitted = datetime(friday.year, friday.month, friday.day, 15, 0, tzinfo=UTC)
    invitation = _invite(session, expires_in_days=30)

    result = _submit(session, blobs, settings, invitation.token, now=submitted)

    case = session.get(Application, result.application_id)
    assert case is not None
    due, sent = london(case.sla_due_at), london(submitted)
    assert due.date() == friday + timedelta(days=4)  # Tuesday: two working days later
    assert due.time() == sent.time()  # the same time of day in London


def test_existing_profile_for_the_same_ni_number_and_date_of_birth_is_flagged(
    session: Session, blobs: LocalBlobStore, settings: Settings
) -> None:
    earlier = make_case(session, CaseStatus.QUEUED, ni_number="QQ123456C", date_of_birth=DOB)
    earlier.cim_uuid = "555000111222"
    session.add(earlier)
    invitation = _invite(session)
    other_person = _invite(session)

    flagged = _submit(
        session, blobs, settings, invitation.token, details=_details(ni_number="qq123456c")
    )
    not_flagged = _submit(
        session,
        blobs,
        settings,
        other_person.token,
        details=_details(date_of_birth=date(1999, 1, 2)),
    )

    assert flagged.existing_profile_flag is True
    assert session.get(Application, flagged.application_id).existing_profile_uuid == "555000111222"
    assert not_flagged.existing_profile_flag is False


Refusal = tuple[str, str, int]


def _refusal_cases() -> list[tuple[str, Callable[[Session], dict[str, object]], Refusal]]:
    photo_id = _document(0, "passport", PASSPORT)

    def docs(*extra: DocumentUpload) -> Callable[[Session], dict[str, object]]:
        return lambda _session: {"documents": [photo_id, *extra]}

    return [
        (
            "wrong-invitation",
            lambda s: {"token": "no-such-token"},
            ("invitation", "invitation_not_found", 404),
        ),
        (
            "expired-invitation",
            lambda s: {"token": _invite(s, expires_in_days=-1).token},
            ("invitation", "invitation_expired", 410),
        ),
        (
            "empty-given-name",
            lambda s: {"details": _details(given_name="  ")},
            ("given_name", "missing", 422),
        ),
        (
            "control-characters",
            lambda s: {"details": _details(family_name="Night\x00ingale")},
            ("family_name", "invalid_characters", 422),
        ),
        (
            "future-birthday",
            lambda s: {"details": _details(date_of_birth=date.today() + timedelta(days=1))},
            ("date_of_birth", "not_in_past", 422),
        ),
        (
            "child",
            lambda s: {"details": _details(date_of_birth=date.today() - timedelta(days=365 * 10))},
            ("date_of_birth", "too_young", 422),
        ),
        (
            "ni-number-shape",
            lambda s: {"details": _details(ni_number="12345678")},
            ("ni_number", "invalid_ni_number", 422),
        ),
        (
            "ni-number-prefix",
            lambda s: {"details": _details(ni_number="DA123456A")},
            ("ni_number", "invalid_ni_number", 422),
        ),
        (
            "ni-number-never-issued",
            lambda s: {"details": _details(ni_number="GB123456A")},
            ("ni_number", "invalid_ni_number", 422),
        ),
        ("no-documents", lambda s: {"documents": []}, ("documents", "no_documents", 422)),
        (
            "no-photo-id",
            lambda s: {"documents": [_document(0, "proof_of_address", PROOF_OF_ADDRESS)]},
            ("documents", "no_photo_id", 422),
        ),
        (
            "unknown-kind",
            lambda s: {"documents": [_document(0, "library_card", PASSPORT)]},
            ("documents[0][kind]", "unknown_kind", 422),
        ),
        (
            "unknown-side",
            lambda s: {"documents": [_document(0, "passport", PASSPORT, side="inside")]},
            ("documents[0][side]", "unknown_side", 422),
        ),
        (
            "too-many-documents",
            lambda s: {"documents": [photo_id] * 7},
            ("documents", "too_many_documents", 413),
        ),
        ("no-selfie", lambda s: {"selfie": None}, ("selfie", "missing", 422)),
        (
            "zero-byte-document",
            docs(_document(1, "proof_of_address", b"")),
            ("documents[1][file]", "empty_file", 422),
        ),
        (
            "gif-named-jpg",
            docs(_document(1, "proof_of_address", gif_image())),
            ("documents[1][file]", "unsupported_format", 415),
        ),
        (
            "truncated-jpeg",
            docs(_document(1, "driving_licence", truncated_jpeg())),
            ("documents[1][file]", "corrupt_image", 422),
        ),
        (
            "decompression-bomb",
            docs(_document(1, "driving_licence", png_bomb(8000))),
            ("documents[1][file]", "too_many_pixels", 422),
        ),
        (
            "file-too-large",
            docs(_document(1, "driving_licence", b"\xff\xd8\xff" + b"\x00" * 2_000_001)),
            ("documents[1][file]", "file_too_large", 413),
        ),
        (
            "bad-selfie",
            lambda s: {"selfie": _file("selfie", truncated_jpeg())},
            ("selfie", "corrupt_image", 422),
        ),
    ]


@pytest.mark.parametrize(
    ("change", "expected"),
    [case[1:] for case in _refusal_cases()],
    ids=[case[0] for case in _refusal_cases()],
)
def test_bad_submission_is_refused_naming_the_field_and_leaves_nothing_behind(
    session: Session,
    blobs: LocalBlobStore,
    settings: Settings,
    change: Callable[[Session], dict[str, object]],
    expected: Refusal,
) -> None:
    invitation = _invite(session)
    before = _blob_files(blobs)
    changes = change(session)
    token = str(changes.pop("token", invitation.token))

    with pytest.raises(IntakeRefused) as caught:
        _submit(session, blobs, settings, token, **changes)

    refusal = caught.value
    assert (refusal.field, refusal.code, refusal.status_code) == expected
    assert refusal.reason and refusal.fix
    assert refusal.to_json()["error"]["field"] == expected[0]
    _assert_nothing_left_behind(session, blobs, before)


def test_second_submission_for_an_invitation_is_refused_and_changes_nothing(
    session: Session, blobs: LocalBlobStore, settings: Settings
) -> None:
    invitation = _invite(session)
    first = _submit(session, blobs, settings, invitation.token)
    blobs_after_first = _blob_files(blobs)

    with pytest.raises(IntakeRefused) as caught:
        _submit(
            session, blobs, settings, invitation.token, documents=[_document(0, "passport", SELFIE)]
        )

    assert (caught.value.field, caught.value.code, caught.value.status_code) == (
        "invitation",
        "already_submitted",
        409,
    )
    assert [a.id for a in session.exec(select(Application))] == [first.application_id]
    assert _blob_files(blobs) == blobs_after_first


class _RivalCommitsFirst(LocalBlobStore):
    """A real store where, as our blobs start to land, a rival submission for the same
    invitation (sharing our passport photo) commits: the race a double-click can cause."""

    def __init__(self, root: Path, rival: Callable[[], object]) -> None:
        super().__init__(root)
        self._rival: Callable[[], object] | None = rival

    def put(self, data: bytes) -> str:
        if self._rival is not None:
            rival, self._rival = self._rival, None
            rival()
        return super().put(data)


def test_losing_a_race_removes_only_our_new_blobs_and_keeps_the_shared_ones(
    engine, tmp_path: Path, settings: Settings
) -> None:
    with Session(engine, expire_on_commit=False) as setup:
        token = _invite(setup).token

    def rival() -> None:
        with Session(engine, expire_on_commit=False) as other:
            _submit(other, LocalBlobStore(tmp_path / "blobs"), settings, token,
                    documents=[_document(0, "passport", PASSPORT)])  # fmt: skip

    blobs = _RivalCommitsFirst(tmp_path / "blobs", rival)
    mine_only = _document(1, "driving_licence", _phone_jpeg((500, 400), orientation=1))
    with Session(engine, expire_on_commit=False) as session:
        with pytest.raises(IntakeRefused) as caught:
            _submit(
                session,
                blobs,
                settings,
                token,
                documents=[_document(0, "passport", PASSPORT), mine_only],
            )
        assert caught.value.code == "already_submitted"
        documents = session.exec(select(Document)).all()
        assert len(session.exec(select(Application)).all()) == 1
    kept = {key for d in documents for key in (d.blob_key, d.preview_key, d.thumbnail_key)}
    stored = {path.name for path in _blob_files(blobs)}
    assert stored == kept  # the rival's blobs (incl. the shared passport) stay; ours went


def test_a_failure_after_blobs_are_stored_removes_them(
    session: Session, blobs: LocalBlobStore, settings: Settings
) -> None:
    invitation = _invite(session)
    before = _blob_files(blobs)

    def directory_down(*_args: object, **_kwargs: object) -> None:
        raise ConnectionError("profile directory unavailable")

    with pytest.raises(ConnectionError):
        _submit(session, blobs, settings, invitation.token, profile_lookup=directory_down)

    _assert_nothing_left_behind(session, blobs, before)


def test_an_application_from_a_cohort_a_lead_put_first_joins_the_front_of_the_queue(
    session: Session, blobs: LocalBlobStore, settings: Settings
) -> None:
    first = _invite(session)
    session.add(
        CohortPriority(
            organisation_id=first.organisation_id, cohort=first.cohort, set_by="lead.one"
        )
    )
    later = make_invitation(session, cohort="Bank staff")
    session.commit()

    in_front = _submit(session, blobs, settings, first.token)
    as_usual = _submit(
        session, blobs, settings, later.token, details=_details(ni_number="QQ654321C")
    )

    assert session.get(Application, in_front.application_id).queue_band == 0
    assert session.get(Application, as_usual.application_id).queue_band == 1
