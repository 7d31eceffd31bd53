"""The retention purge on a fixed clock: what goes, what stays, and that a rerun ends a crash."""

from __future__ import annotations

from datetime import timedelta

import boto3
import pytest
from sqlmodel import Session, select

from checker_console.adapters.blobs import LocalBlobStore
from checker_console.adapters.s3_blobs import S3BlobStore
from checker_console.clock import utcnow
from checker_console.domain.lifecycle import CaseStatus
from checker_console.domain.retention import RetentionPolicy
from checker_console.services.audit import verify_audit_chain
from checker_console.services.retention.purge import _mark_batch, purge
from checker_console.store.models import Application, AuditEvent, Decision, Document, Invitation
from tests.factories import make_invitation
from tests.services.retention.support import DECIDED, finished_case
from tests.support.s3 import TEST_AWS_ENV, make_bucket

POLICY = RetentionPolicy(approved_days=90, rejected_days=180, referred_days=365)


def _keys(session: Session, case: Application) -> list[str]:
    documents = session.exec(select(Document).where(Document.application_id == case.id)).all()
    return [k for d in documents for k in (d.blob_key, d.preview_key, d.thumbnail_key)]


def _state(session: Session, blobs: LocalBlobStore) -> tuple[object, ...]:
    """Everything a purge changes, comparable across two databases."""
    session.expire_all()
    cases = session.exec(select(Application).order_by(Application.id)).all()
    files = sorted(p.name for p in blobs.root.rglob("*") if p.is_file())
    actions = [e.action for e in session.exec(select(AuditEvent).order_by(AuditEvent.sequence))]
    purged = [c.images_purged_at is not None for c in cases]
    deleted = [d.blobs_deleted_at is not None for d in session.exec(select(Document))]
    return files, actions, purged, deleted


def test_a_case_past_its_window_loses_its_images_and_keeps_its_decision_hashes_and_audit(
    session: Session, blobs: LocalBlobStore
) -> None:
    case = finished_case(session, blobs, status=CaseStatus.REJECTED)
    keys = _keys(session, case)
    assert all(blobs.exists(k) for k in keys)

    report = purge(session, blobs, POLICY, now=DECIDED + timedelta(days=181))

    assert [c.case_id for c in report.cases] == [case.id] and report.cases[0].rule == "rejected"
    assert not any(blobs.exists(k) for k in keys)  # the files are gone
    session.expire_all()
    assert session.get(Application, case.id).images_purged_at is not None
    assert session.exec(select(Decision).where(Decision.application_id == case.id)).all()
    assert _keys(session, case) == keys  # the content hashes of what was shown stay
    actions = [e.action for e in session.exec(select(AuditEvent))]
    assert "case.reject" in actions and "case.images_purged" in actions
    assert verify_audit_chain(session).ok


def test_a_case_inside_its_window_keeps_everything(session: Session, blobs: LocalBlobStore) -> None:
    rejected = finished_case(session, blobs, status=CaseStatus.REJECTED)
    approved = finished_case(session, blobs, status=CaseStatus.PROFILE_CREATED)

    report = purge(session, blobs, POLICY, now=DECIDED + timedelta(days=179))

    # 179 days: past the approved case's 90, inside the rejected case's 180.
    assert [c.case_id for c in report.cases] == [approved.id]
    assert all(blobs.exists(k) for k in _keys(session, rejected))
    session.expire_all()
    assert session.get(Application, rejected.id).images_purged_at is None


def test_open_referred_and_golden_cases_keep_their_images_however_old(
    session: Session, blobs: LocalBlobStore
) -> None:
    open_cases = [
        finished_case(session, blobs, status=status)
        for status in (CaseStatus.QUEUED, CaseStatus.REFERRED, CaseStatus.PROFILE_PENDING)
    ]
    golden = finished_case(session, blobs, golden=True)
    was_referred = finished_case(session, blobs, referred_first=True)

    report = purge(session, blobs, POLICY, now=DECIDED + timedelta(days=364))
    assert report.cases == []
    for case in [*open_cases, golden, was_referred]:
        assert all(blobs.exists(k) for k in _keys(session, case))

    report = purge(session, blobs, POLICY, now=DECIDED + timedelta(days=366))
    assert [(c.case_id, c.rule) for c in report.cases] == [(was_referred.id, "referred")]


def test_a_blob_shared_by_two_cases_survives_the_purge_of_one(
    session: Session, blobs: LocalBlobStore
) -> None:
    old = finished_case(session, blobs, labels=("shared selfie", "old passport"))
    recent = finished_case(
        session, blobs, decided_at=DECIDED + timedelta(days=100), labels=("shared selfie",)
    )

    report = purge(session, blobs, POLICY, now=DECIDED + timedelta(days=181))

    assert [c.case_id for c in report.cases] == [old.id]
    assert all(blobs.exists(k) for k in _keys(session, recent))
    old_only = set(_keys(session, old)) - set(_keys(session, recent))
    assert old_only and not any(blobs.exists(k) for k in old_only)
    assert report.blobs_shared_kept == 3  # the shared image's kept copy, preview and thumbnail


class _StoreThatDiesAfter:
    """The real store, killed after ``deletes`` deletions: the crash a purge must survive."""

    def __init__(self, store: LocalBlobStore, deletes: int) -> None:
        self.store, self.left = store, deletes

    def __getattr__(self, name: str) -> object:
        return getattr(self.store, name)

    def delete(self, key: str) -> None:
        if self.left == 0:
            raise SystemExit("killed mid-purge")
        self.left -= 1
        self.store.delete(key)


def test_a_purge_killed_midway_and_rerun_ends_as_one_that_ran_through(
    session: Session, blobs: LocalBlobStore
) -> None:
    cases = [
        finished_case(session, blobs, decided_at=DECIDED + timedelta(days=d)) for d in range(5)
    ]
    later = DECIDED + timedelta(days=200)

    # Killed once after marking two cases, before deleting anything ...
    _mark_batch(session, POLICY, now=later, batch=2)
    # ... and again in the middle of deleting blobs.
    with pytest.raises(SystemExit):
        purge(session, _StoreThatDiesAfter(blobs, 7), POLICY, now=later, batch=2)
    session.rollback()
    assert any(blobs.exists(k) for c in cases for k in _keys(session, c))  # half done

    rerun = purge(session, blobs, POLICY, now=later, batch=2)

    files, actions, purged, deleted = _state(session, blobs)
    # What a purge that ran through leaves: every file gone, every case purged exactly once.
    assert files == [] and all(purged) and all(deleted)
    assert actions.count("case.images_purged") == len(cases)
    assert rerun.cases == []  # nothing was left to mark, only blobs to delete
    assert verify_audit_chain(session).ok


def test_a_dry_run_reports_what_would_go_and_changes_nothing(
    session: Session, blobs: LocalBlobStore
) -> None:
    case = finished_case(session, blobs)
    before = _state(session, blobs)

    report = purge(session, blobs, POLICY, now=DECIDED + timedelta(days=181), dry_run=True)

    assert [c.case_id for c in report.cases] == [case.id]
    assert report.lines()[0].startswith(f"case {case.id}: would delete the images of 2 document")
    assert _state(session, blobs) == before


def test_an_invitation_never_answered_is_deleted_after_its_window(
    session: Session, blobs: LocalBlobStore
) -> None:
    stale = make_invitation(session, expires_in_days=-31)
    fresh = make_invitation(session, expires_in_days=-29)
    answered = finished_case(session, blobs)
    session.commit()
    stale_id, fresh_id = stale.id, fresh.id

    report = purge(session, blobs, POLICY, now=utcnow())

    assert report.invitations_deleted == 1
    session.expire_all()
    assert session.get(Invitation, stale_id) is None
    assert session.get(Invitation, fresh_id) is not None
    assert session.get(Invitation, answered.invitation_id) is not None
    assert "invitation.deleted" in [e.action for e in session.exec(select(AuditEvent))]
    assert verify_audit_chain(session).ok


def test_a_purge_deletes_the_objects_from_s3_compatible_storage_too(
    session: Session, blobs: LocalBlobStore, s3_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in TEST_AWS_ENV.items():
        monkeypatch.setenv(name, value)
    bucket = make_bucket(s3_server)
    store = S3BlobStore(bucket=bucket, endpoint_url=s3_server, region="eu-west-2", prefix="blobs")
    old = finished_case(session, store)
    kept = finished_case(session, store, decided_at=DECIDED + timedelta(days=100))
    listing = boto3.session.Session().client("s3", endpoint_url=s3_server, region_name="eu-west-2")

    def objects() -> int:
        return listing.list_objects_v2(Bucket=bucket).get("KeyCount", 0)

    assert objects() == 12  # two cases, two documents each, three blobs per document

    report = purge(session, store, POLICY, now=DECIDED + timedelta(days=181))

    assert [c.case_id for c in report.cases] == [old.id]
    assert not any(store.exists(k) for k in _keys(session, old))
    assert all(store.exists(k) for k in _keys(session, kept))
    assert objects() == 6
