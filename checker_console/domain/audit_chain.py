"""The audit log's hash chain: each row's hash covers its content and the previous row's hash.

Changing, inserting or deleting any row breaks every hash after it, so a verifier that walks the
chain from the start finds the first row that was tampered with.

The hash is ``sha256(prev_hash + "\\n" + sequence + "\\n" + body)``, where ``body`` is the event's
canonical JSON. Sequence and previous hash are outside the JSON on purpose: the database can
then extend the chain itself in one statement (``services/audit.py``), holding the chain's lock
for one round trip instead of three, while Python computes exactly the same hash to verify it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

GENESIS_HASH = "0" * 64


def canonical_body(
    *,
    occurred_at: datetime,
    actor: str,
    action: str,
    application_id: int | None,
    detail: dict[str, Any],
) -> str:
    """A stable text form: the same event always hashes the same on SQLite and PostgreSQL."""
    return json.dumps(
        {
            "at": occurred_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "actor": actor,
            "action": action,
            "case": application_id,
            "detail": detail,
        },
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )


def canonical_body_around_case(
    *, occurred_at: datetime, actor: str, action: str, detail: dict[str, Any]
) -> tuple[str, str]:
    """The canonical body in two parts, to be joined around a case id not known yet.

    A claim on PostgreSQL picks its case and appends its audit event in one statement, so the
    database writes the id between the parts: ``before + str(case_id) + after`` is exactly
    ``canonical_body(..., application_id=case_id)``. The first ``"case":null`` is the key's own:
    only string values precede it in sorted order, and a quote inside a string is escaped.
    """
    body = canonical_body(
        occurred_at=occurred_at, actor=actor, action=action, application_id=None, detail=detail
    )
    before, _, after = body.partition('"case":null')
    return before + '"case":', after


def chain_hash(prev_hash: str, sequence: int, body: str) -> str:
    return hashlib.sha256(f"{prev_hash}\n{sequence}\n{body}".encode()).hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    """Where verification failed, and why, in words a lead can act on."""

    sequence: int
    reason: str
