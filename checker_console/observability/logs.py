"""Structured logs: one JSON object per line, with ids, never personal data or tokens.

Log with ``log_event(logger, "decision.saved", case_id=12, outcome="approve")``. Fields are ids,
counts, outcomes and durations. As a second line of defence the formatter drops any field whose
name suggests personal data or a secret, and replaces the message of a record that carries
arguments it cannot vouch for: a log line is read by more people than the case itself.
"""

from __future__ import annotations

import contextvars
import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

#: The current web request's id (set by the request-id middleware), added to every event.
request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)

#: Field names never written, whatever a caller passes.
REDACTED_FIELDS = frozenset(
    {
        "name",
        "given_name",
        "family_name",
        "display_name",
        "date_of_birth",
        "dob",
        "email",
        "mobile",
        "ni_number",
        "address",
        "token",
        "cookie",
        "session",
        "authorization",
        "api_key",
        "password",
        "message_to_applicant",
        "note",
    }
)

_FIELDS_ATTR = "checker_fields"


def log_event(
    logger: logging.Logger, event: str, *, level: int = logging.INFO, **fields: Any
) -> None:
    """Log ``event`` (a dotted name like ``case.claimed``) with id-like ``fields``."""
    logger.log(level, event, extra={_FIELDS_ATTR: fields})


def _safe(value: Any) -> Any:
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        fields = getattr(record, _FIELDS_ATTR, None)
        if fields is not None:
            event = record.msg
        else:
            # A plain log call: keep the template, never the interpolated arguments, which
            # could be anything (a name, a token in an error message).
            event = str(record.msg) if not record.args else f"{record.msg} [arguments withheld]"
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": event,
            "pid": record.process,
        }
        rid = request_id.get()
        if rid:
            line["request_id"] = rid
        for key, value in (fields or {}).items():
            if key.lower() not in REDACTED_FIELDS:
                line[key] = _safe(value)
        if record.exc_info and record.exc_info[0] is not None:
            line["error"] = record.exc_info[0].__name__
        return json.dumps(line, separators=(",", ":"))


class TextFormatter(logging.Formatter):
    """For people at a terminal: the event and its fields on one line."""

    def format(self, record: logging.LogRecord) -> str:
        fields = getattr(record, _FIELDS_ATTR, None)
        if fields is None:
            return super().format(record)
        shown = " ".join(
            f"{key}={_safe(value)}"
            for key, value in fields.items()
            if key.lower() not in REDACTED_FIELDS
        )
        stamp = self.formatTime(record)
        return f"{stamp} {record.levelname} {record.msg} {shown}".rstrip()


def configure_logging(log_format: str = "text", *, level: int = logging.INFO) -> None:
    """Route the console's loggers to stderr in ``json`` or ``text``."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    root = logging.getLogger("checker_console")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False
