"""Async client for Care Identity Management (CIM): create a person's CIS profile, safely.

Every create carries the case's idempotency key, so sending it again (after a timeout, a dropped
connection, a lost response or our own crash) can only ever answer with the profile the first
call created. That is what makes retrying safe, and this client retries, boundedly:

- timeouts, connection errors, 5xx and 429 are retried up to ``retries`` times with exponential
  backoff and full jitter, then raise :class:`CimUnavailable` (the outbox tries again later);
- 409 ``duplicate_person`` raises :class:`CimDuplicatePerson` with the existing UUID (a lead
  decides: never retried automatically);
- any other 4xx is CIM refusing the request: :class:`CimRefused` with CIM's reason (permanent);
- 401/403 raise :class:`CimAuthFailed`, a kind of ``CimUnavailable``: our credentials are wrong,
  which someone must fix, but the cases themselves are fine and should go through afterwards.

Every HTTP call is reported in ``calls`` (on the result or the exception), so the worker can
record each one for the lead who has to explain a failure.

The retry loop and its backoff are shared with the Notify client: see ``adapters/retries.py``.
"""

from __future__ import annotations

import base64
import random
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import httpx

from checker_console.adapters.retries import (
    RETRYABLE_STATUS,
    TryAgain,
    async_retrying,
    longest_backoff_seconds,
    retry_options,
)
from checker_console.clock import utcnow
from checker_console.observability.metrics import count_calls
from checker_console.settings import Settings

PROFILES_PATH = "/api/v1/profiles"
UUID_PATTERN = re.compile(r"^[0-9]{12}$")


@dataclass(frozen=True)
class ProfileRequest:
    idempotency_key: str
    given_name: str
    family_name: str
    date_of_birth: date
    email: str
    ni_number: str
    photo_jpeg: bytes
    verified_by: str
    organisation_code: str

    def to_json(self) -> dict[str, Any]:
        return {
            "given_name": self.given_name,
            "family_name": self.family_name,
            "date_of_birth": self.date_of_birth.isoformat(),
            "email": self.email,
            "ni_number": self.ni_number,
            "photo_jpeg_base64": base64.b64encode(self.photo_jpeg).decode("ascii"),
            "verified_by": self.verified_by,
            "organisation_code": self.organisation_code,
        }


@dataclass(frozen=True)
class CallRecord:
    """One HTTP call: what the lead sees in the case's attempt history."""

    started_at: datetime
    finished_at: datetime
    outcome: str  # created | replayed | duplicate | refused | unauthorised | server_error | ...
    http_status: int | None = None
    error: str | None = None


@dataclass(frozen=True)
class CreatedProfile:
    uuid: str
    replayed: bool
    calls: list[CallRecord] = field(default_factory=list)


class CimError(Exception):
    def __init__(self, message: str, calls: list[CallRecord] | None = None) -> None:
        super().__init__(message)
        self.reason = message
        self.calls = calls or []


class CimUnavailable(CimError):
    """CIM did not answer usefully within our retries: try again later with the same key."""


class CimAuthFailed(CimUnavailable):
    """CIM refused our credentials: fix CHECKER_CIM_API_KEY; the case can then go through."""


class CimDuplicatePerson(CimError):
    """CIM already holds a profile for this person (same NI number and date of birth)."""

    def __init__(self, message: str, existing_uuid: str, calls: list[CallRecord]) -> None:
        super().__init__(message, calls)
        self.existing_uuid = existing_uuid


class CimRefused(CimError):
    """CIM will not accept this request as it is (validation): retrying cannot help."""

    def __init__(self, message: str, http_status: int, calls: list[CallRecord]) -> None:
        super().__init__(message, calls)
        self.http_status = http_status


def _reason(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:300] or f"HTTP {response.status_code}"
    if isinstance(body, dict):
        return str(body.get("message") or body.get("error") or body)[:500]
    return str(body)[:500]


class CimClient:
    def __init__(
        self,
        *,
        base_url: str,
        api_key: str,
        timeout_s: float = 5.0,
        retries: int = 3,
        backoff_s: float = 0.2,
        rng: random.Random | None = None,
        max_connections: int = 50,
    ) -> None:
        if retries < 0:
            raise ValueError("retries cannot be negative")
        self.retries = retries
        self.backoff_s = backoff_s
        self.timeout_s = timeout_s
        self._rng = rng or random.Random()
        self._http = httpx.AsyncClient(
            base_url=base_url,
            timeout=httpx.Timeout(timeout_s),
            headers={"Authorization": f"Bearer {api_key}"},
            limits=httpx.Limits(max_connections=max_connections),
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> CimClient:
        return cls(
            base_url=settings.cim_base_url, api_key=settings.cim_api_key, **retry_options(settings)
        )

    @property
    def worst_case_seconds(self) -> float:
        """The longest one ``create_profile`` can take: the worker's lease must be longer."""
        waits = longest_backoff_seconds(self.retries, self.backoff_s)
        # httpx applies the timeout per phase (connect, write, read, pool): allow for all four.
        return (self.retries + 1) * self.timeout_s * 4 + waits

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> CimClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def create_profile(self, request: ProfileRequest) -> CreatedProfile:
        """Create the profile or raise a :class:`CimError` saying why not."""
        try:
            created = await self._create_profile(request)
        except CimError as error:
            count_calls("cim", error.calls)
            raise
        count_calls("cim", created.calls)
        return created

    async def _create_profile(self, request: ProfileRequest) -> CreatedProfile:
        calls: list[CallRecord] = []
        body = request.to_json()
        headers = {"Idempotency-Key": request.idempotency_key}
        try:
            async for attempt in async_retrying(self.retries, self.backoff_s, self._rng):
                with attempt:
                    return await self._post_once(body, headers, calls)
        except TryAgain as problem:
            message = f"{problem} (gave up after {self.retries + 1} calls)"
            raise CimUnavailable(message, calls) from None
        raise CimUnavailable("no call made", calls)

    async def _post_once(
        self, body: dict[str, Any], headers: dict[str, str], calls: list[CallRecord]
    ) -> CreatedProfile:
        """One POST: the profile, a :class:`CimError`, or :class:`TryAgain` if a retry may help."""
        started = utcnow()
        try:
            response = await self._http.post(PROFILES_PATH, json=body, headers=headers)
        except httpx.TimeoutException as exc:
            problem = f"CIM did not answer within {self.timeout_s:g}s ({type(exc).__name__})"
            calls.append(CallRecord(started, utcnow(), "timeout", None, problem))
            raise TryAgain(problem) from exc
        except (httpx.NetworkError, httpx.RemoteProtocolError) as exc:
            problem = f"connection to CIM failed: {exc or type(exc).__name__}"
            calls.append(CallRecord(started, utcnow(), "connection_error", None, problem))
            raise TryAgain(problem) from exc
        finished = utcnow()
        status = response.status_code
        if status in (200, 201):
            uuid = _uuid_from(response)
            if uuid is not None:
                outcome = "replayed" if status == 200 else "created"
                calls.append(CallRecord(started, finished, outcome, status))
                return CreatedProfile(uuid=uuid, replayed=status == 200, calls=calls)
            problem = f"CIM answered {status} without a 12-digit UUID"
            calls.append(CallRecord(started, finished, "bad_response", status, problem))
            raise TryAgain(problem)
        reason = _reason(response)
        if status in RETRYABLE_STATUS:
            problem = f"CIM answered {status}: {reason}"
            calls.append(CallRecord(started, finished, "server_error", status, problem))
            raise TryAgain(problem)
        if status in (401, 403):
            message = (
                f"CIM refused our credentials ({status}: {reason}). "
                "Check CHECKER_CIM_API_KEY; the case will be retried."
            )
            calls.append(CallRecord(started, finished, "unauthorised", status, message))
            raise CimAuthFailed(message, calls)
        if status == 409:
            existing = _existing_uuid(response)
            message = (
                f"CIM already has a profile for this person (UUID {existing}): {reason}"
                if existing
                else f"CIM already has a profile for this person: {reason}"
            )
            calls.append(CallRecord(started, finished, "duplicate", status, message))
            raise CimDuplicatePerson(message, existing or "", calls)
        message = f"CIM refused the profile ({status}): {reason}"
        calls.append(CallRecord(started, finished, "refused", status, message))
        raise CimRefused(message, status, calls)


def _uuid_from(response: httpx.Response) -> str | None:
    try:
        uuid = str(response.json().get("uuid", ""))
    except (ValueError, AttributeError):
        return None
    return uuid if UUID_PATTERN.match(uuid) else None


def _existing_uuid(response: httpx.Response) -> str | None:
    try:
        existing = str(response.json().get("existing_uuid", ""))
    except (ValueError, AttributeError):
        return None
    return existing if UUID_PATTERN.match(existing) else None
