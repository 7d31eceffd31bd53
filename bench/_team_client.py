"""A checker without a browser: Reflex's own websocket protocol, through python-socketio.

``ReviewTab`` is one browser tab on ``/review``: it connects with a client token and the
session cookie (as a browser's handshake carries it), sends the page's boot event
(``hydrate_and_load``, which runs the page's ``on_load``), sends the review page's events by
their full names, and keeps the vars the server's deltas set. ``SimulatedChecker`` works a
queue with it: wait for a case, think, approve with every checklist item ticked (ticks stay in
the browser until the decision carries them), and time until the next case is shown.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import socketio

from checker_console.domain.reasons import ChecklistItem
from checker_console.ui.pages.review_state import ReviewState

REVIEW = ReviewState.get_full_name()
ROOT_STATE = "reflex___state____state"
SUFFIX = "_rx_state_"
ROUTER = {"pathname": "/review", "asPath": "/review", "query": {}}


class ClientError(Exception):
    """The page did not get where it should have within its time."""


class ReviewTab:
    def __init__(self, base_url: str, cookie: str, *, token: str | None = None) -> None:
        self.base_url = base_url
        self.cookie = cookie
        self.token = token or str(uuid.uuid4())
        self.vars: dict[str, Any] = {}
        self.changed = asyncio.Event()
        self.client: socketio.AsyncClient | None = None

    async def open(self, *, timeout_s: float = 30.0) -> None:
        """Connect and boot the review page: the server runs its ``on_load``."""
        self.vars.clear()
        client = socketio.AsyncClient(reconnection=False)
        client.on("event", self._on_event, namespace="/_event")
        boot = {"name": f"{ROOT_STATE}.hydrate_and_load", "payload": {}, "router_data": ROUTER}
        await client.connect(
            f"{self.base_url}?token={self.token}",
            headers={"Cookie": self.cookie},
            transports=["websocket"],
            socketio_path="/_event",
            namespaces=["/_event"],
            auth={"event": boot},
            wait_timeout=timeout_s,
        )
        self.client = client

    async def close(self) -> None:
        if self.client is not None:
            with contextlib.suppress(Exception):
                await self.client.disconnect()
            self.client = None

    @property
    def connected(self) -> bool:
        return self.client is not None and self.client.connected

    async def _on_event(self, message: dict[str, Any]) -> None:
        for state, values in (message.get("delta") or {}).items():
            if state != REVIEW and not state.endswith("review_state"):
                continue
            for name, value in values.items():
                self.vars[name.removesuffix(SUFFIX)] = value
        self.changed.set()

    async def send(self, handler: str, **payload: Any) -> None:
        if self.client is None:
            raise ClientError("not connected")
        await self.client.emit(
            "event",
            {"name": f"{REVIEW}.{handler}", "payload": payload, "router_data": ROUTER},
            namespace="/_event",
        )

    async def wait_for(self, condition: Callable[[dict[str, Any]], bool], timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while not condition(self.vars):
            left = deadline - time.monotonic()
            if left <= 0:
                raise ClientError(f"timed out; last seen {self._summary()}")
            if self.client is not None and not self.client.connected:
                raise ClientError("the websocket closed")
            self.changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.changed.wait(), timeout=min(left, 1.0))

    def _summary(self) -> str:
        keys = ("loaded", "has_case", "case_id", "queue_empty", "lease_lost")
        return ", ".join(f"{k}={self.vars.get(k)!r}" for k in keys)

    @property
    def case_id(self) -> int:
        return int(self.vars.get("case_id") or 0)


def case_shown(variables: dict[str, Any]) -> bool:
    return bool(variables.get("loaded")) and (
        bool(variables.get("has_case") and variables.get("case_id"))
        or bool(variables.get("queue_empty"))
        or bool(variables.get("lease_lost"))
    )


def moved_on_from(case_id: int) -> Callable[[dict[str, Any]], bool]:
    """The page shows another case (or says this one's lease has gone)."""
    return lambda v: bool(v.get("lease_lost")) or (case_shown(v) and v.get("case_id") != case_id)


#: What the page's decision events carry when every checklist item is ticked.
EVERY_ITEM_TICKED = [item.value for item in ChecklistItem]


@dataclass
class Holding:
    checker: str
    case_id: int
    shown_at: float
    decided_at: float | None = None
    #: The server said the lease had run out: another checker may have it legitimately now.
    lost: bool = False


@dataclass
class CheckerLog:
    decision_ms: list[float] = field(default_factory=list)
    acknowledged: list[int] = field(default_factory=list)
    holdings: list[Holding] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    reconnects: list[float] = field(default_factory=list)
    #: From the websocket dropping to a case on screen again: what the checker waited.
    back_to_work: list[float] = field(default_factory=list)
    #: From pressing approve to the next case on screen, each case, retries included: a fault
    #: that stalls a page without dropping its socket (Redis restarted) shows here.
    steps_s: list[float] = field(default_factory=list)


class SimulatedChecker:
    """Works the queue until ``stop_at``: reconnects (with the same token, or a fresh one when
    told to) within its ``reconnect_s`` when the websocket drops."""

    def __init__(
        self,
        base_url: str,
        checker_id: str,
        cookie: str,
        *,
        think_s: tuple[float, float],
        rng: random.Random,
        step_timeout_s: float = 20.0,
        heartbeat_s: float = 10.0,
    ) -> None:
        self.checker_id = checker_id
        self.tab = ReviewTab(base_url, cookie)
        self.think_s = think_s
        self.rng = rng
        self.step_timeout_s = step_timeout_s
        self.heartbeat_s = heartbeat_s
        self.log = CheckerLog()
        self._dropped_at: float | None = None

    async def run(self, stop_at: float) -> CheckerLog:
        beating = asyncio.create_task(self._heartbeat(stop_at))
        try:
            await self._work(stop_at)
        finally:
            beating.cancel()
        return self.log

    async def _heartbeat(self, stop_at: float) -> None:
        """As the review page does: renew the lease every ``heartbeat_s`` while it is open."""
        while time.monotonic() < stop_at:
            await asyncio.sleep(self.heartbeat_s)
            if self.tab.connected:
                with contextlib.suppress(ClientError, socketio.exceptions.SocketIOError):
                    await self.tab.send("heartbeat")

    async def _work(self, stop_at: float) -> None:
        while time.monotonic() < stop_at:
            try:
                await self._session(stop_at)
            except (ClientError, socketio.exceptions.SocketIOError, OSError) as problem:
                if time.monotonic() >= stop_at:
                    break
                dropped_at = time.monotonic()
                self._dropped_at = self._dropped_at or dropped_at
                await self.tab.close()
                await self._reconnect(stop_at, problem, dropped_at)
        await self.tab.close()

    async def _reconnect(self, stop_at: float, problem: Exception, dropped_at: float) -> None:
        """Like a browser: try again every half second; note how long it took."""
        while time.monotonic() < stop_at:
            await asyncio.sleep(0.5)
            try:
                await self.tab.open()
                self.log.reconnects.append(time.monotonic() - dropped_at)
                return
            except (socketio.exceptions.SocketIOError, OSError, ValueError):
                continue
        self.log.errors.append(f"{self.checker_id}: could not reconnect after {problem}")

    async def _session(self, stop_at: float) -> None:
        if not self.tab.connected:
            await self.tab.open()
        await self.tab.wait_for(case_shown, self.step_timeout_s)
        if self._dropped_at is not None:
            self.log.back_to_work.append(time.monotonic() - self._dropped_at)
            self._dropped_at = None
        while time.monotonic() < stop_at:
            if self.tab.vars.get("lease_lost") or self.tab.vars.get("queue_empty"):
                await asyncio.sleep(1.0)
                await self.tab.send("take_next_case")
                await self.tab.wait_for(
                    lambda v: bool(v.get("has_case")) or bool(v.get("queue_empty")), 10
                )
                if not self.tab.vars.get("has_case"):
                    continue
            case_id = self.tab.case_id
            holding = Holding(self.checker_id, case_id, time.monotonic())
            self.log.holdings.append(holding)
            await asyncio.sleep(self.rng.uniform(*self.think_s))
            if time.monotonic() >= stop_at:
                return
            pressed_at = time.monotonic()
            pressed = time.perf_counter()
            holding.decided_at = pressed_at
            await self.tab.send("approve", ticked=EVERY_ITEM_TICKED, shown=case_id)
            moved_on = moved_on_from(case_id)
            await self.tab.wait_for(
                lambda v, moved_on=moved_on: moved_on(v) or bool(v.get("errors")), 20
            )
            if not moved_on(self.tab.vars):
                # The page said why it did not decide (a summary at the top): as a person,
                # read it and press approve again.
                await self.tab.send("approve", ticked=EVERY_ITEM_TICKED, shown=case_id)
                await self.tab.wait_for(moved_on, self.step_timeout_s)
            self.log.steps_s.append(time.monotonic() - pressed_at)
            if f"Case {case_id} " in str(self.tab.vars.get("announcement", "")):
                self.log.acknowledged.append(case_id)
                self.log.decision_ms.append((time.perf_counter() - pressed) * 1000)
            elif self.tab.vars.get("lease_lost"):
                holding.lost = True
                self.log.errors.append(f"{self.checker_id}: lease lost on case {case_id}")
