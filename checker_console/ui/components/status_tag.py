"""A case's status as a tag: words first, a shape second, colour third (never colour alone)."""

from __future__ import annotations

import reflex as rx

from checker_console.domain.lifecycle import CaseStatus

S = CaseStatus

#: status -> (shape, colour). Shapes group statuses so the list scans without colour vision:
#: hollow circle waiting, half circle being reviewed, triangle referred, tick done, cross refused.
_LOOK: dict[str, tuple[str, str]] = {
    S.INVITED: ("○", "grey"),
    S.SUBMITTED: ("○", "grey"),
    S.QUEUED: ("○", "blue"),
    S.IN_REVIEW: ("◐", "blue"),
    S.REFERRED: ("▲", "orange"),
    S.APPROVED: ("✓", "green"),
    S.PROFILE_PENDING: ("✓", "green"),
    S.PROFILE_CREATED: ("✓", "green"),
    S.REJECTED: ("✕", "red"),
    S.PROFILE_FAILED: ("!", "red"),
}


def status_shape(status: str) -> str:
    return _LOOK.get(status, ("■", "grey"))[0]


def status_class(status: str) -> str:
    return f"tag tag--{_LOOK.get(status, ('■', 'grey'))[1]}"


def status_tag(label: rx.Var | str, shape: rx.Var | str, class_name: rx.Var | str) -> rx.Component:
    return rx.el.strong(rx.el.span(shape, aria_hidden="true"), label, class_name=class_name)
