"""Fault injection for the stand-ins, so the outbox is tested against the failures it must survive.

:class:`FaultMiddleware` wraps a stand-in's ASGI app and, for the requests it is told to target,
picks one fault per request at the configured rates:

- ``error``: answers 500 or 503 without doing anything;
- ``timeout``: holds the request for ``hang_seconds`` (longer than any sane client timeout), then
  either handles it late (``timeout_then_process``, the default: a slow server whose answer comes
  after the client gave up) or drops it;
- ``drop``: cuts the TCP connection before doing anything;
- ``lost_response``: handles the request completely (the profile *is* created), then cuts the
  connection instead of answering: "created but the response was lost".

``latency_ms`` adds a random delay of up to that many milliseconds to every targeted request.
Tests can also script the next faults exactly (:meth:`FaultInjector.script`, or ``"next":
["lost_response", ...]`` in a ``PUT /admin/faults``) before the rates apply again.
The app underneath never knows: faults live only in this layer, between the server and the app.
"""

from __future__ import annotations

import asyncio
import json
import random
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields, replace
from enum import StrEnum
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class Fault(StrEnum):
    NONE = "none"
    ERROR = "error"
    TIMEOUT = "timeout"
    DROP = "drop"
    LOST_RESPONSE = "lost_response"


@dataclass(frozen=True)
class FaultConfig:
    """Rates are shares of targeted requests (0.0 to 1.0); together they may not exceed 1."""

    latency_ms: int = 0
    error_rate: float = 0.0
    timeout_rate: float = 0.0
    drop_rate: float = 0.0
    lost_response_rate: float = 0.0
    hang_seconds: float = 10.0
    timeout_then_process: bool = True

    def __post_init__(self) -> None:
        for name in ("error_rate", "timeout_rate", "drop_rate", "lost_response_rate"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1, not {value}")
        if self.total_rate > 1.0 + 1e-9:
            raise ValueError(
                f"fault rates add up to {self.total_rate:.2f}; keep them at 1 or below"
            )
        if self.latency_ms < 0 or self.hang_seconds < 0:
            raise ValueError("latency_ms and hang_seconds cannot be negative")

    @property
    def total_rate(self) -> float:
        return self.error_rate + self.timeout_rate + self.drop_rate + self.lost_response_rate

    @classmethod
    def spread(cls, share: float, **overrides: Any) -> FaultConfig:
        """``share`` of requests fail, split evenly over the four kinds of fault."""
        each = share / 4
        rates = {
            "error_rate": each,
            "timeout_rate": each,
            "drop_rate": each,
            "lost_response_rate": each,
        }
        return cls(**{**rates, **overrides})

    @classmethod
    def from_dict(cls, data: dict[str, Any], base: FaultConfig | None = None) -> FaultConfig:
        """Apply ``data`` to ``base``; an unknown key is an error, never silently ignored."""
        known = {f.name: f.type for f in fields(cls)}
        unknown = sorted(set(data) - set(known) - {"fault_rate"})
        if unknown:
            raise ValueError(f"unknown fault settings {unknown}; known: {sorted(known)}")
        start = base or cls()
        if "fault_rate" in data:
            start = cls.spread(float(data["fault_rate"]), latency_ms=start.latency_ms)
        values = {k: v for k, v in data.items() if k != "fault_rate"}
        coerced: dict[str, Any] = {}
        for key, value in values.items():
            current = getattr(start, key)
            coerced[key] = type(current)(value) if not isinstance(current, bool) else bool(value)
        return replace(start, **coerced)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class FaultInjector:
    """Holds the current configuration (changeable at run time) and counts what it did."""

    def __init__(self, config: FaultConfig | None = None, *, seed: int | None = None) -> None:
        self._config = config or FaultConfig()
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self._scripted: list[Fault] = []
        self.counts: Counter[str] = Counter()

    @property
    def config(self) -> FaultConfig:
        return self._config

    def configure(self, config: FaultConfig) -> None:
        with self._lock:
            self._config = config

    def script(self, *faults: Fault | str) -> None:
        """The next requests get exactly these faults, in order, before the rates apply again."""
        with self._lock:
            self._scripted.extend(Fault(f) for f in faults)

    def pick(self) -> Fault:
        with self._lock:
            if self._scripted:
                fault = self._scripted.pop(0)
                self.counts[fault.value] += 1
                return fault
            config = self._config
            roll = self._rng.random()
        fault = Fault.NONE
        for kind, rate in (
            (Fault.ERROR, config.error_rate),
            (Fault.TIMEOUT, config.timeout_rate),
            (Fault.DROP, config.drop_rate),
            (Fault.LOST_RESPONSE, config.lost_response_rate),
        ):
            if roll < rate:
                fault = kind
                break
            roll -= rate
        with self._lock:
            self.counts[fault.value] += 1
        return fault

    def latency_seconds(self) -> float:
        with self._lock:
            return self._rng.uniform(0, self._config.latency_ms / 1000)

    def error_status(self) -> int:
        with self._lock:
            return self._rng.choice((500, 503))


async def drop_connection(send: Send) -> None:
    """Cut the connection without an answer.

    Under uvicorn the raw ``send`` is a bound method of the request cycle, which holds the TCP
    transport: aborting it is a real dropped connection. Under any other server, start an answer
    and never finish it, which the server turns into a closed connection.
    """
    transport = getattr(getattr(send, "__self__", None), "transport", None)
    if transport is not None and hasattr(transport, "abort"):
        transport.abort()
        for _ in range(3):  # let the server notice the disconnect before the app returns
            await asyncio.sleep(0)
        return
    await send(
        {"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"64")]}
    )
    await send({"type": "http.response.body", "body": b"{", "more_body": True})


async def _send_error(send: Send, status: int) -> None:
    body = json.dumps(
        {"error": "injected_fault", "message": f"Stand-in fault injection answered {status}."}
    ).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class FaultMiddleware:
    """Wrap ``app``; requests for which ``targets(method, path)`` is true may get a fault.

    Must be the outermost layer (directly under the server) so ``drop_connection`` sees the
    server's own ``send``.
    """

    def __init__(
        self, app: ASGIApp, injector: FaultInjector, targets: Callable[[str, str], bool]
    ) -> None:
        self.app = app
        self.injector = injector
        self.targets = targets

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.targets(scope["method"], scope["path"]):
            await self.app(scope, receive, send)
            return
        delay = self.injector.latency_seconds()
        if delay:
            await asyncio.sleep(delay)
        fault = self.injector.pick()
        if fault is Fault.ERROR:
            await _send_error(send, self.injector.error_status())
        elif fault is Fault.DROP:
            await drop_connection(send)
        elif fault is Fault.TIMEOUT:
            body = await _read_body(receive)  # the server forgets it once the client gives up
            await asyncio.sleep(self.injector.config.hang_seconds)
            if self.injector.config.timeout_then_process:
                await self.app(scope, _replay(body), send)
            else:
                await drop_connection(send)
        elif fault is Fault.LOST_RESPONSE:
            await self.app(scope, receive, _swallow)
            await drop_connection(send)
        else:
            await self.app(scope, receive, send)


async def _swallow(message: Message) -> None:
    """A ``send`` that goes nowhere: the app's answer is computed, then lost."""


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}  # true by now: the client gave up long ago
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


def admin_faults_route(injector: FaultInjector) -> Route:
    """``GET /admin/faults`` shows the configuration; ``PUT`` changes it and scripts ``next``."""

    async def faults_endpoint(request: Request) -> Response:
        if request.method == "PUT":
            try:
                data = await request.json()
                scripted = data.pop("next", [])
                injector.configure(FaultConfig.from_dict(data, injector.config))
                injector.script(*scripted)
            except (ValueError, TypeError) as exc:
                return JSONResponse({"error": "bad_faults", "message": str(exc)}, status_code=400)
        return JSONResponse(injector.config.to_dict())

    return Route("/admin/faults", faults_endpoint, methods=["GET", "PUT"])
