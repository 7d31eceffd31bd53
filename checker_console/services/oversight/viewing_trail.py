"""How a checker looked at the images, as their browser reported it in a few batches per case.

The review page's viewers keep, per image, how long it was on screen and the largest zoom, the
rotation, brightness, contrast and invert used; the browser sends them in one batch when the
checker moves on (and every so often while they stay), never one message per wheel tick.
:func:`record_viewing` accepts a batch only from the checker who holds the case, and only about
that case's images. QA reads the trail back beside the reveal (:func:`trail_for`), for coaching:
"the selfie was never zoomed before a face-mismatch approval".
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from checker_console.clock import utcnow
from checker_console.services.queue.leases import lock_leased_case
from checker_console.services.unit_of_work import unit_of_work
from checker_console.store.models import Document
from checker_console.store.qa_models import DecisionSnapshot, ViewingTrail

#: A batch larger than this is cut: a browser has no reason to send more about one case.
MAX_EVENTS = 40
_LIMITS = {"seconds": (0.0, 3600.0), "max_zoom": (0.1, 40.0), "brightness": (0.0, 5.0)}


class BadTrail(ValueError):
    """A batch that is not what the review page sends."""


@dataclass(frozen=True)
class TrailLine:
    document_id: int
    label: str
    opened: bool
    text: str


def _number(raw: Any, name: str, default: float) -> float:
    value = raw.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise BadTrail(f"{name} must be a number")
    low, high = _LIMITS.get(name, (-1e6, 1e6))
    return min(max(float(value), low), high)


def clean_events(raw: Sequence[Mapping[str, Any]], allowed: set[int]) -> list[dict[str, Any]]:
    """The batch as stored: known fields only, numbers in range, this case's images only."""
    events = []
    for item in list(raw)[:MAX_EVENTS]:
        if not isinstance(item, Mapping):
            raise BadTrail("each viewing event must be an object")
        document_id = item.get("document_id")
        if not isinstance(document_id, int) or document_id not in allowed:
            raise BadTrail("a viewing event names an image that is not in this case")
        events.append(
            {
                "document_id": document_id,
                "seconds": round(_number(item, "seconds", 0.0), 1),
                "max_zoom": round(_number(item, "max_zoom", 1.0), 2),
                "rotation": int(_number(item, "rotation", 0.0)) % 360,
                "brightness": round(_number(item, "brightness", 1.0), 2),
                "contrast": round(_number(item, "contrast", 1.0), 2),
                "inverted": item.get("inverted") is True,
            }
        )
    return events


def record_viewing(
    session: Session,
    *,
    case_id: int,
    checker_id: str,
    events: Sequence[Mapping[str, Any]],
    now: datetime | None = None,
) -> int:
    """Store one batch from the checker holding ``case_id``; returns how many events were kept."""
    now = now or utcnow()
    with unit_of_work(session):
        lock_leased_case(session, case_id=case_id, checker_id=checker_id, now=now)
        allowed = set(
            session.exec(select(Document.id).where(Document.application_id == case_id)).all()
        )
        kept = clean_events(events, {i for i in allowed if i is not None})
        if kept:
            session.add(
                ViewingTrail(
                    application_id=case_id, checker_id=checker_id, events=kept, received_at=now
                )
            )
        return len(kept)


def trail_for(session: Session, snapshot: DecisionSnapshot) -> list[TrailLine]:
    """One line per image the checker was shown, from the batches sent before they decided."""
    batches = session.exec(
        select(ViewingTrail)
        .where(ViewingTrail.application_id == snapshot.application_id)
        .where(ViewingTrail.checker_id == snapshot.checker_id)
        .where(col(ViewingTrail.received_at) <= snapshot.recorded_at)
    ).all()
    per_image: dict[int, list[dict[str, Any]]] = {}
    for batch in batches:
        for event in batch.events:
            per_image.setdefault(event["document_id"], []).append(event)
    return [
        _line(image["document_id"], image["label"], per_image.get(image["document_id"], []))
        for image in snapshot.images
    ]


def _line(document_id: int, label: str, events: list[dict[str, Any]]) -> TrailLine:
    seconds = sum(e["seconds"] for e in events)
    if not events or seconds <= 0:
        return TrailLine(document_id, label, False, f"{label}: never opened")
    zoom = max(e["max_zoom"] for e in events)
    parts = [f"on screen {seconds:.0f} s"]
    parts.append(f"zoomed up to {zoom:.1f}×" if zoom > 1.05 else "never zoomed")
    if any(e["rotation"] for e in events):
        parts.append("rotated")
    if any(e["brightness"] != 1 or e["contrast"] != 1 for e in events):
        parts.append("brightness or contrast changed")
    if any(e["inverted"] for e in events):
        parts.append("inverted")
    return TrailLine(document_id, label, True, f"{label}: " + ", ".join(parts))
