"""Create an approved applicant's CIS profile in CIM exactly once, and let a lead retry a failure.

Why exactly once holds, whatever fails:

- approve writes the case's ``create_profile`` message in its own transaction (no approval is
  ever lost, and there is one message per case: its key is unique);
- every call to CIM carries the same idempotency key, ``create_profile:<case id>``, so CIM
  answers a repeat with the profile the first call created. A timeout, a dropped connection, a
  response lost after CIM created the profile, or our worker dying between CIM's answer and our
  commit all end the same way: the message is tried again and CIM hands back the same UUID;
- the outcome is written under a lock on the message: the first success moves the case to
  ``profile_created`` and writes the applicant's email message in the same transaction; any later
  answer for a message already done only adds its calls to the history.

Failures: a duplicate person (409) and a refusal (other 4xx) fail at once with CIM's reason (a
duplicate keeps the existing UUID for the lead); anything transient is retried with backoff and
fails after ``CHECKER_OUTBOX_MAX_ATTEMPTS``. A failed case waits in ``profile_failed`` for a
lead, whose :func:`retry_profile` reopens the same message (same key, so still exactly once).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, select

from checker_console.adapters.blobs import BlobNotFound, BlobStore
from checker_console.adapters.cim import (
    CallRecord,
    CimDuplicatePerson,
    CimRefused,
    CimUnavailable,
    ProfileRequest,
)
from checker_console.clock import utcnow
from checker_console.domain.lifecycle import CaseEvent, CaseStatus
from checker_console.domain.reasons import DocumentKind
from checker_console.services.downstream.handling import (
    SYSTEM_ACTOR,
    WorkerContext,
    give_up_now,
    log,
    settle_transient,
)
from checker_console.services.downstream.outbox import (
    ClaimedMessage,
    OutboxKind,
    OutboxStatus,
    enqueue,
    holds_lease,
    lock_message,
    mark_done,
    mark_failed,
    message_key,
    record_calls,
    reopen,
)
from checker_console.services.lifecycle import apply_transition
from checker_console.store.models import (
    Application,
    Decision,
    Document,
    Organisation,
    OutboxMessage,
)


class CannotBuildRequest(Exception):
    """The case lacks something CIM needs; retrying will not help until someone fixes it."""


@dataclass(frozen=True)
class ProfileOutcome:
    """What CIM said, reduced to what the case needs: exactly one of the fields says which."""

    uuid: str | None = None
    replayed: bool = False
    permanent_error: str | None = None
    existing_uuid: str | None = None
    transient_error: str | None = None
    calls: list[CallRecord] = field(default_factory=list)


def build_profile_request(
    session: Session, message: ClaimedMessage, blobs: BlobStore
) -> ProfileRequest:
    """Everything CIM needs, read fresh from the case (the selfie becomes the card photo)."""
    case = session.get(Application, message.application_id)
    if case is None:
        raise CannotBuildRequest(f"case {message.application_id} no longer exists")
    organisation = session.get(Organisation, case.organisation_id)
    selfie = session.exec(
        select(Document)
        .where(Document.application_id == case.id, Document.kind == DocumentKind.SELFIE)
        .order_by(col(Document.position), col(Document.id))
    ).first()
    if selfie is None:
        raise CannotBuildRequest("the case has no selfie, and CIM needs it for the smartcard photo")
    try:
        photo = blobs.get(selfie.preview_key)
    except BlobNotFound as exc:
        raise CannotBuildRequest("the selfie's image is missing from the image store") from exc
    return ProfileRequest(
        idempotency_key=message.idempotency_key,
        given_name=case.given_name,
        family_name=case.family_name,
        date_of_birth=case.date_of_birth,
        email=case.email,
        ni_number=case.ni_number,
        photo_jpeg=photo,
        verified_by=str(message.payload.get("checker_id") or _approver(session, case) or "unknown"),
        organisation_code=organisation.code if organisation else "",
    )


def _approver(session: Session, case: Application) -> str | None:
    decision = session.exec(
        select(Decision)
        .where(Decision.application_id == case.id)
        .order_by(col(Decision.decided_at).desc())
    ).first()
    return decision.checker_id if decision else None


class ProfileRequestHandler:
    """The outbox handler for ``create_profile`` messages."""

    async def process(self, ctx: WorkerContext, message: ClaimedMessage) -> None:
        try:
            request = await ctx.db(build_profile_request, message, ctx.blobs)
        except CannotBuildRequest as exc:
            reason = f"Cannot ask CIM for a profile: {exc}."
            await ctx.db(
                give_up_now, self, message_id=message.id, worker_id=ctx.worker_id, reason=reason
            )
            return
        try:
            created = await ctx.cim.create_profile(request)
            outcome = ProfileOutcome(
                uuid=created.uuid, replayed=created.replayed, calls=created.calls
            )
        except CimDuplicatePerson as dup:
            outcome = ProfileOutcome(
                permanent_error=dup.reason, existing_uuid=dup.existing_uuid or None, calls=dup.calls
            )
        except CimRefused as refused:
            outcome = ProfileOutcome(permanent_error=refused.reason, calls=refused.calls)
        except CimUnavailable as unavailable:
            outcome = ProfileOutcome(transient_error=unavailable.reason, calls=unavailable.calls)
        result = await ctx.db(
            record_profile_outcome, self, message_id=message.id, ctx=ctx, outcome=outcome
        )
        log.info("case %s: %s", message.application_id, result)

    def give_up(
        self, session: Session, message: OutboxMessage, *, reason: str, now: datetime
    ) -> None:
        mark_failed(message, error=reason, now=now)
        session.add(message)
        case = session.get(Application, message.application_id)
        if case is not None:
            case.profile_error = reason[:1000]
            session.add(case)
            if case.status == CaseStatus.PROFILE_PENDING:
                apply_transition(
                    session,
                    case,
                    CaseEvent.PROFILE_FAILED,
                    actor=SYSTEM_ACTOR,
                    detail={"reason": reason[:300]},
                    now=now,
                )


def record_profile_outcome(
    session: Session,
    handler: ProfileRequestHandler,
    *,
    message_id: int,
    ctx: WorkerContext,
    outcome: ProfileOutcome,
) -> str:
    """Write what CIM said, in one transaction with the case's transition."""
    now = utcnow()
    if outcome.uuid is not None:
        row = lock_message(session, message_id)
        record_calls(session, message_id, outcome.calls)
        return _profile_created(session, row, outcome, worker_id=ctx.worker_id, now=now)
    if outcome.permanent_error is not None:
        row = lock_message(session, message_id)
        record_calls(session, message_id, outcome.calls)
        if not holds_lease(row, ctx.worker_id):
            return "lease lost: calls recorded only"
        case = session.get(Application, row.application_id)
        if case is not None:
            case.existing_profile_uuid = outcome.existing_uuid
        handler.give_up(session, row, reason=outcome.permanent_error, now=now)
        session.add(row)
        return f"failed: {outcome.permanent_error}"
    return settle_transient(
        session,
        handler,
        message_id=message_id,
        worker_id=ctx.worker_id,
        reason=outcome.transient_error or "unknown error",
        calls=outcome.calls,
        policy=ctx.policy,
        rng=ctx.rng,
        now=now,
    )


def _profile_created(
    session: Session, row: OutboxMessage, outcome: ProfileOutcome, *, worker_id: str, now: datetime
) -> str:
    """The case's transition is written last: it locks the audit chain's head until commit."""
    if row.status == OutboxStatus.DONE:
        return "already done: calls recorded only"
    mark_done(row, now)
    session.add(row)
    case = session.get(Application, row.application_id)
    if case is None:
        return "case gone: message closed"
    assert case.id is not None
    enqueue(
        session,
        kind=OutboxKind.NOTIFY_PROFILE_CREATED,
        idempotency_key=message_key(OutboxKind.NOTIFY_PROFILE_CREATED, case.id),
        application_id=case.id,
        payload={"uuid": outcome.uuid},
        now=now,
    )
    if case.status == CaseStatus.PROFILE_FAILED:
        # We had given up, yet CIM did create it (a late answer): the truth wins, on the record.
        apply_transition(
            session,
            case,
            CaseEvent.RETRY_PROFILE,
            actor=SYSTEM_ACTOR,
            detail={"why": "CIM answered after the case had failed"},
            now=now,
        )
    if case.status == CaseStatus.PROFILE_PENDING:
        case.cim_uuid = outcome.uuid
        case.profile_error = None
        case.existing_profile_uuid = None
        detail = {"cim_uuid": outcome.uuid, "worker": worker_id[:64], "replayed": outcome.replayed}
        apply_transition(
            session, case, CaseEvent.PROFILE_CREATED, actor=SYSTEM_ACTOR, detail=detail, now=now
        )
    return f"profile {outcome.uuid} created" + (" (replayed)" if outcome.replayed else "")


def retry_profile(
    session: Session, *, case_id: int, lead_id: str, now: datetime | None = None
) -> None:
    """A lead sends a failed case to CIM again (same idempotency key: still exactly once).

    Raises ``IllegalTransition`` unless the case is ``profile_failed``. The caller checks that
    ``lead_id`` is a lead and commits.
    """
    when = now or utcnow()
    case = session.get(Application, case_id)
    if case is None:
        raise LookupError(f"There is no case {case_id}.")
    key = message_key(OutboxKind.CREATE_PROFILE, case_id)
    row = session.exec(
        select(OutboxMessage).where(OutboxMessage.idempotency_key == key).with_for_update()
    ).first()
    apply_transition(
        session,
        case,
        CaseEvent.RETRY_PROFILE,
        actor=lead_id,
        detail={"previous_error": (case.profile_error or "")[:300]},
        now=when,
    )
    case.profile_error = None
    case.existing_profile_uuid = None
    session.add(case)
    if row is None:
        enqueue(
            session,
            kind=OutboxKind.CREATE_PROFILE,
            idempotency_key=key,
            application_id=case_id,
            payload={},
            now=when,
        )
    else:
        reopen(row, now=when)
        session.add(row)
    session.flush()
