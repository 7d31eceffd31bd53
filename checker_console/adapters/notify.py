"""Send emails through GOV.UK Notify with the official notifications-python-client.

Notify has no idempotency key: posting the same email twice delivers it twice, and a post whose
answer was lost may or may not have been delivered. What Notify does offer is a ``reference``
we choose and a way to list notifications by it. So :meth:`NotifyClient.send_email_once` asks
Notify "have you got one with this reference?" before every send that might be a repeat (every
retry, and every first try of a message the worker has tried before), and only sends if not.

The window that remains: a send that Notify is still processing when we ask (it answers "none"
and we send again). The worker keeps it closed in practice by never having two senders for one
message (the lease outlives every send) and by retrying only after a backoff, far longer than
Notify takes to store a notification. This is documented in
``services/downstream/notifications.py``.
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass, field
from typing import Any

from notifications_python_client import NotificationsAPIClient
from notifications_python_client.errors import APIError

from checker_console.adapters.cim import CallRecord
from checker_console.adapters.retries import (
    RETRYABLE_STATUS,
    TryAgain,
    longest_backoff_seconds,
    retry_options,
    retrying,
)
from checker_console.clock import utcnow
from checker_console.observability.metrics import count_calls
from checker_console.settings import Settings


@dataclass(frozen=True)
class Email:
    to: str
    template_id: str
    personalisation: dict[str, str]
    reference: str


@dataclass(frozen=True)
class SentEmail:
    notification_id: str
    #: True when Notify already had an email with this reference, so nothing was sent now.
    already_sent: bool
    calls: list[CallRecord] = field(default_factory=list)


class NotifyError(Exception):
    def __init__(self, message: str, calls: list[CallRecord]) -> None:
        super().__init__(message)
        self.reason = message
        self.calls = calls


class NotifyUnavailable(NotifyError):
    """Notify did not take the email within our retries: try again later."""


class NotifyRefused(NotifyError):
    """Notify will not send this email as it is (bad address, template or personalisation)."""


def _describe(error: APIError) -> str:
    if error.response is None:
        cause = error.__cause__
        return f"no answer from Notify ({type(cause).__name__ if cause else 'request failed'})"
    return f"Notify answered {error.status_code}: {error.message}"


class NotifyClient:
    def __init__(
        self,
        *,
        base_url: str,
        api_key: str,
        timeout_s: float = 5.0,
        retries: int = 3,
        backoff_s: float = 0.2,
        rng: random.Random | None = None,
    ) -> None:
        self.base_url = base_url
        self._api_key = api_key
        self.timeout_s = timeout_s
        self.retries = retries
        self.backoff_s = backoff_s
        self._rng = rng or random.Random()

    @classmethod
    def from_settings(cls, settings: Settings) -> NotifyClient:
        return cls(
            base_url=settings.notify_base_url,
            api_key=settings.notify_api_key,
            **retry_options(settings),
        )

    @property
    def worst_case_seconds(self) -> float:
        """The longest one send can take (a lookup and a send per try, each connect + read)."""
        waits = longest_backoff_seconds(self.retries, self.backoff_s)
        return (self.retries + 1) * 2 * self.timeout_s * 2 + waits

    def _api(self) -> NotificationsAPIClient:
        # The official client is not thread-safe: one per call, from any worker thread.
        return NotificationsAPIClient(self._api_key, base_url=self.base_url, timeout=self.timeout_s)

    def find_by_reference(self, reference: str) -> str | None:
        """The id of an email Notify holds with this reference, if any."""
        found = self._api().get_all_notifications(reference=reference)
        notifications: list[dict[str, Any]] = found.get("notifications") or []
        return str(notifications[0]["id"]) if notifications else None

    def send_email_once(self, email: Email, *, maybe_sent_before: bool) -> SentEmail:
        """Send unless Notify already has an email with ``email.reference``; blocking."""
        try:
            sent = self._send_email_once(email, maybe_sent_before=maybe_sent_before)
        except NotifyError as error:
            count_calls("notify", error.calls)
            raise
        count_calls("notify", sent.calls)
        return sent

    def _send_email_once(self, email: Email, *, maybe_sent_before: bool) -> SentEmail:
        """Send unless Notify already has an email with ``email.reference``; blocking."""
        calls: list[CallRecord] = []
        try:
            for attempt in retrying(self.retries, self.backoff_s, self._rng):
                with attempt:
                    look_first = maybe_sent_before or attempt.retry_state.attempt_number > 1
                    return self._send_once(email, look_first=look_first, calls=calls)
        except TryAgain as problem:
            message = f"{problem} (gave up after {self.retries + 1} tries)"
            raise NotifyUnavailable(message, calls) from None
        raise NotifyUnavailable("no call made", calls)

    def _send_once(self, email: Email, *, look_first: bool, calls: list[CallRecord]) -> SentEmail:
        """One try: the email (or the one Notify has), a :class:`NotifyError`, or ``TryAgain``."""
        started = utcnow()
        try:
            if look_first:
                existing = self.find_by_reference(email.reference)
                if existing is not None:
                    calls.append(CallRecord(started, utcnow(), "already_sent", 200))
                    return SentEmail(existing, already_sent=True, calls=calls)
            answer = self._api().send_email_notification(
                email_address=email.to,
                template_id=email.template_id,
                personalisation=email.personalisation,
                reference=email.reference,
            )
        except APIError as error:
            status = error.status_code if error.response is not None else None
            problem = _describe(error)
            if status is None or status in RETRYABLE_STATUS or 200 <= status < 300:
                calls.append(CallRecord(started, utcnow(), "unavailable", status, problem))
                raise TryAgain(problem) from error
            calls.append(CallRecord(started, utcnow(), "refused", status, problem))
            if status in (401, 403):
                raise NotifyUnavailable(
                    f"{problem}. Check CHECKER_NOTIFY_API_KEY; the email will be retried.",
                    calls,
                ) from error
            raise NotifyRefused(problem, calls) from error
        calls.append(CallRecord(started, utcnow(), "sent", 201))
        return SentEmail(str(answer["id"]), already_sent=False, calls=calls)

    async def send(self, email: Email, *, maybe_sent_before: bool) -> SentEmail:
        """:meth:`send_email_once` from async code, on a worker thread."""
        return await asyncio.to_thread(
            self.send_email_once, email, maybe_sent_before=maybe_sent_before
        )
