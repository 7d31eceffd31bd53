"""Tell people the outcome through GOV.UK Notify, one email per person per outcome.

Which emails:

- profile created: the applicant gets their 12-digit UUID (``notify_profile_created``, written
  in the same transaction that moves the case to ``profile_created``);
- rejected: the reject use case writes one ``notify_rejected`` message; the worker splits it into
  ``notify_rejected_applicant`` (the reasons and how to put each right) and ``notify_ra_reinvite``
  (the inviting RA is asked to send a new invitation). Splitting is one transaction with unique
  keys, so it happens once, and each email then succeeds or fails on its own.

Why each email goes once although Notify has no idempotency key: each message is one email and
its outbox key is the Notify ``reference``. A message is held by one worker at a time (the lease
is longer than the longest send, which the worker enforces with a deadline). Before any send that
might repeat an earlier one (a retry within a try, or a message claimed before), the client asks
Notify for an email with that reference and sends only if there is none (``adapters/notify.py``).
So a lost answer, a dropped connection or a worker killed between Notify's answer and our commit
all lead to "already sent", never to a second email. The one case this cannot cover is a send
that Notify is still processing when we ask; retries wait a backoff first, which makes it
vanishingly rare, and the Notify stand-in does not de-duplicate, so the tests would see it.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from checker_console.adapters.notify import Email, NotifyRefused, NotifyUnavailable
from checker_console.clock import utcnow
from checker_console.domain.reasons import REASON_TEXT, RejectionReason
from checker_console.services.downstream.handling import (
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
    lock_message,
    mark_done,
    mark_failed,
    message_key,
    record_calls,
)
from checker_console.settings import Settings
from checker_console.store.models import Application, Organisation, OutboxMessage

#: The emails a rejection becomes.
REJECTION_EMAILS = (OutboxKind.NOTIFY_REJECTED_APPLICANT, OutboxKind.NOTIFY_RA_REINVITE)


class CannotBuildEmail(Exception):
    pass


def _reason_labels(codes: list[str]) -> list[tuple[str, str]]:
    """(label, how to fix it) for each reason code; an unknown code is shown as it is."""
    result = []
    for code in codes:
        try:
            text = REASON_TEXT[RejectionReason(code)]
            result.append((text.label, text.applicant_message))
        except ValueError:
            result.append((code, ""))
    return result


def _bullets(lines: list[str]) -> str:
    return "\n".join(f"* {line}" for line in lines if line) or "* No reason was recorded"


def build_email(session: Session, message: ClaimedMessage, settings: Settings) -> Email:
    """The email a notification message stands for, from the case as it is now."""
    case = session.get(Application, message.application_id)
    if case is None:
        raise CannotBuildEmail(f"case {message.application_id} no longer exists")
    organisation = session.get(Organisation, case.organisation_id)
    org_name = organisation.name if organisation else "your organisation"
    reasons = _reason_labels(list(message.payload.get("reasons") or []))
    if message.kind == OutboxKind.NOTIFY_PROFILE_CREATED:
        uuid = str(message.payload.get("uuid") or case.cim_uuid or "")
        if not uuid:
            raise CannotBuildEmail("the case has no CIM UUID to tell the applicant")
        return Email(
            to=case.email,
            template_id=settings.notify_template_profile_created,
            personalisation={
                "given_name": case.given_name,
                "uuid": uuid,
                "organisation_name": org_name,
            },
            reference=message.idempotency_key,
        )
    if message.kind == OutboxKind.NOTIFY_REJECTED_APPLICANT:
        # The checker's message (by default one "how to put it right" paragraph per reason).
        how_to_fix = str(message.payload.get("message") or "").strip() or "\n\n".join(
            fix for _, fix in reasons if fix
        )
        return Email(
            to=case.email,
            template_id=settings.notify_template_rejected,
            personalisation={
                "given_name": case.given_name,
                "reasons": _bullets([label for label, _ in reasons]),
                "how_to_fix": how_to_fix or "Ask your Registration Authority what to do next.",
                "organisation_name": org_name,
            },
            reference=message.idempotency_key,
        )
    if message.kind == OutboxKind.NOTIFY_RA_REINVITE:
        code = (organisation.code if organisation else "unknown").lower()
        return Email(
            to=settings.ra_email_template.format(org_code=code),
            template_id=settings.notify_template_ra_reinvite,
            personalisation={
                "applicant_name": f"{case.given_name} {case.family_name}",
                "cohort": case.cohort or "none",
                "case_reference": str(case.id),
                "reasons": _bullets([label for label, _ in reasons]),
            },
            reference=message.idempotency_key,
        )
    raise CannotBuildEmail(f"no email is defined for messages of kind {message.kind!r}")


def split_rejection(session: Session, *, message_id: int, worker_id: str) -> str:
    """Turn one ``notify_rejected`` message into the applicant's and the RA's emails."""
    now = utcnow()
    row = lock_message(session, message_id)
    if row.status == OutboxStatus.DONE or row.application_id is None:
        return "already split"
    for kind in REJECTION_EMAILS:
        enqueue(
            session,
            kind=kind,
            idempotency_key=message_key(kind, row.application_id),
            application_id=row.application_id,
            payload=dict(row.payload or {}),
            now=now,
        )
    mark_done(row, now)
    session.add(row)
    return "split into the applicant's and the RA's emails"


def record_sent(
    session: Session, *, message_id: int, notification_id: str, already_sent: bool, calls: list
) -> str:
    now = utcnow()
    row = lock_message(session, message_id)
    record_calls(session, message_id, calls)
    if row.status == OutboxStatus.DONE:
        return "already done"
    row.payload = {**(row.payload or {}), "notification_id": notification_id}
    mark_done(row, now)
    session.add(row)
    return "found already sent" if already_sent else f"sent {notification_id}"


class NotificationHandler:
    """The outbox handler for every ``notify_*`` message."""

    async def process(self, ctx: WorkerContext, message: ClaimedMessage) -> None:
        if message.kind == OutboxKind.NOTIFY_REJECTED:
            result = await ctx.db(split_rejection, message_id=message.id, worker_id=ctx.worker_id)
            log.info("case %s: %s", message.application_id, result)
            return
        try:
            email = await ctx.db(build_email, message, ctx.settings)
        except CannotBuildEmail as exc:
            await ctx.db(
                give_up_now,
                self,
                message_id=message.id,
                worker_id=ctx.worker_id,
                reason=f"Cannot send this email: {exc}.",
            )
            return
        try:
            sent = await ctx.notify.send(email, maybe_sent_before=message.attempts > 1)
        except NotifyRefused as refused:
            result = await ctx.db(
                _record_refused, self, message_id=message.id, ctx=ctx, error=refused
            )
        except NotifyUnavailable as unavailable:
            result = await ctx.db(
                settle_transient,
                self,
                message_id=message.id,
                worker_id=ctx.worker_id,
                reason=unavailable.reason,
                calls=unavailable.calls,
                policy=ctx.policy,
                rng=ctx.rng,
            )
        else:
            result = await ctx.db(
                record_sent,
                message_id=message.id,
                notification_id=sent.notification_id,
                already_sent=sent.already_sent,
                calls=sent.calls,
            )
        log.info("case %s %s: %s", message.application_id, message.kind, result)

    def give_up(
        self, session: Session, message: OutboxMessage, *, reason: str, now: datetime
    ) -> None:
        mark_failed(message, error=reason, now=now)


def _record_refused(
    session: Session,
    handler: NotificationHandler,
    *,
    message_id: int,
    ctx: WorkerContext,
    error: NotifyRefused,
) -> str:
    record_calls(session, message_id, error.calls)
    return give_up_now(
        session,
        handler,
        message_id=message_id,
        worker_id=ctx.worker_id,
        reason=f"Notify refused the email: {error.reason}",
    )
