"""Prometheus metrics, safe across server worker processes.

Counters and histograms are kept by prometheus-client. With several worker processes
``PROMETHEUS_MULTIPROC_DIR`` names a folder where each process writes its own values
(``checker-console serve`` sets it) and a scrape of any worker adds them all up. Queue and outbox
figures (depth, age, lag) are read from the database at scrape time: the database is the truth,
and every worker reports the same numbers.

Labels are small fixed sets (outcomes, services, reasons), never ids or people.
"""

from __future__ import annotations

import functools
import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any, ParamSpec, TypeVar

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from checker_console.observability.logs import log_event

_log = logging.getLogger("checker_console.metrics")

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

CLAIMS = Counter(
    "checker_claims",
    "Take-the-next-case requests by outcome (claimed, resumed, empty, error)",
    ["outcome"],
)
CLAIM_SECONDS = Histogram(
    "checker_claim_seconds", "Time to claim the next case", buckets=LATENCY_BUCKETS
)
DECISIONS = Counter(
    "checker_decisions", "Decisions saved, by outcome (approved, rejected, referred)", ["outcome"]
)
DECISION_ERRORS = Counter(
    "checker_decision_errors", "Decisions not saved, by the error's name", ["error"]
)
DECISION_SECONDS = Histogram(
    "checker_decision_seconds", "Time to save a decision", buckets=LATENCY_BUCKETS
)
LEASE_EXPIRIES = Counter(
    "checker_lease_expiries", "Cases returned to the queue because their lease ran out"
)
OUTBOX_ATTEMPTS = Counter(
    "checker_outbox_attempts",
    "Calls to CIM and GOV.UK Notify from the outbox, by service and outcome",
    ["service", "outcome"],
)
SIGN_IN_REFUSALS = Counter(
    "checker_sign_in_refusals", "CIS2 sign-ins refused, by reason", ["reason"]
)

BACKGROUND_LEADING = Gauge(
    "checker_background_leading",
    "1 while this process leads the background work (lease sweeper, outbox worker)",
    multiprocess_mode="livemax",
)

#: Call outcomes that are not errors (the rest count towards an error rate).
OK_OUTCOMES = frozenset({"created", "replayed", "sent", "already_sent"})

P = ParamSpec("P")
R = TypeVar("R")


def observe_claim(func: Callable[P, R]) -> Callable[P, R]:
    """Count and time a claim: ``claimed``, ``resumed`` (their own case back), ``empty``."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        started = time.perf_counter()
        try:
            result = func(*args, **kwargs)
        except Exception:
            CLAIMS.labels("error").inc()
            raise
        elapsed = time.perf_counter() - started
        CLAIM_SECONDS.observe(elapsed)
        if result is None:
            outcome = "empty"
        else:
            outcome = "resumed" if getattr(result, "resumed", False) else "claimed"
        CLAIMS.labels(outcome).inc()
        log_event(
            _log,
            "case.claim",
            outcome=outcome,
            case_id=getattr(result, "case_id", None),
            ms=round(elapsed * 1000, 1),
        )
        return result

    return wrapper


def observe_decision(outcome: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Count and time a decision once it is committed; count a refused one by its error."""

    def decorate(func: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(func)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            started = time.perf_counter()
            try:
                result = func(*args, **kwargs)
            except Exception as error:
                DECISION_ERRORS.labels(type(error).__name__).inc()
                log_event(
                    _log,
                    "decision.not_saved",
                    level=logging.WARNING,
                    case_id=kwargs.get("case_id"),
                    outcome=outcome,
                    error=type(error).__name__,
                )
                raise
            elapsed = time.perf_counter() - started
            DECISION_SECONDS.observe(elapsed)
            DECISIONS.labels(outcome).inc()
            log_event(
                _log,
                "decision.saved",
                case_id=kwargs.get("case_id"),
                outcome=outcome,
                ms=round(elapsed * 1000, 1),
            )
            return result

        return wrapper

    return decorate


def count_calls(service: str, calls: Iterable[Any]) -> None:
    """Count each HTTP call an adapter made (``CallRecord``s), by its outcome."""
    for call in calls:
        OUTBOX_ATTEMPTS.labels(service, str(call.outcome)[:32]).inc()


class DatabaseCollector(Collector):
    """Queue depth and age, and outbox backlog and lag, read at scrape time."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from checker_console.observability.queue_figures import read_figures

        try:
            figures = read_figures()
        except Exception:  # noqa: BLE001 - a scrape must still answer, and say so
            _log.warning("metrics could not read the database", exc_info=True)
            yield GaugeMetricFamily(
                "checker_database_up", "1 if the metrics could read the database", value=0
            )
            return
        yield GaugeMetricFamily(
            "checker_database_up", "1 if the metrics could read the database", value=1
        )
        yield GaugeMetricFamily(
            "checker_queue_depth", "Cases waiting to be claimed", value=figures.queued
        )
        yield GaugeMetricFamily(
            "checker_queue_in_review", "Cases leased to a checker now", value=figures.in_review
        )
        yield GaugeMetricFamily(
            "checker_queue_oldest_age_seconds",
            "How long the oldest waiting case has waited since it was submitted",
            value=figures.oldest_queued_age_s,
        )
        yield GaugeMetricFamily(
            "checker_queue_sla_breached", "Waiting cases past their SLA", value=figures.breached
        )
        yield GaugeMetricFamily(
            "checker_outbox_pending", "Outbox messages not yet done", value=figures.outbox_pending
        )
        yield GaugeMetricFamily(
            "checker_outbox_lag_seconds",
            "How long the oldest due outbox message has been due",
            value=figures.outbox_lag_s,
        )
        yield GaugeMetricFamily(
            "checker_outbox_failed",
            "Messages that gave up (profiles a lead must retry)",
            value=figures.outbox_failed,
        )


def render_metrics() -> bytes:
    """The text exposition a scrape gets: every worker's counters plus the database's figures."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        registry.register(DatabaseCollector())
        return generate_latest(registry)
    from prometheus_client import REGISTRY  # one process: its own metrics (tests, one worker)

    _ensure_registered(REGISTRY)
    return generate_latest(REGISTRY)


_registered: set[int] = set()


def _ensure_registered(registry: CollectorRegistry) -> None:
    if id(registry) not in _registered:
        registry.register(DatabaseCollector())
        _registered.add(id(registry))


def seconds_since(moment: datetime | None, now: datetime) -> float:
    return max(0.0, (now - moment).total_seconds()) if moment else 0.0
