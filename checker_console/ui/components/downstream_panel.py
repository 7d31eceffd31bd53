"""The case page's "Downstream" panel: the CIS profile (being created, created with its UUID,
or failed with CIM's reason) and the emails sent, from ``services.downstream.status``.

:func:`downstream_lines` turns a :class:`DownstreamStatus` into the lines people read; the
panel renders them, with a lead's "Retry profile creation" when the case failed.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import reflex as rx

from checker_console.domain.lifecycle import CaseStatus
from checker_console.services.downstream.outbox import OutboxStatus
from checker_console.services.downstream.status import DownstreamStatus, NotificationView
from checker_console.ui.components.profile_retry import retry_control, retry_result
from checker_console.ui.format import london_time

S = CaseStatus
#: The statuses whose case page shows the panel: approved and after, and rejected (its emails).
SHOWN_FOR = frozenset(
    {S.APPROVED, S.PROFILE_PENDING, S.PROFILE_CREATED, S.PROFILE_FAILED, S.REJECTED}
)
_GAP_BELOW = {"margin": "0 0 16px"}
RECIPIENT_LABELS = {
    "applicant": "Email to the applicant",
    "inviting RA": "Email to the inviting RA",
}


@dataclasses.dataclass
class Line:
    label: str
    value: str


def profile_lines(status: DownstreamStatus) -> list[Line]:
    """The CIS profile as the panel says it; nothing for a rejected case (it gets none)."""
    case_status = status.case_status
    if case_status == S.PROFILE_CREATED:
        return [
            Line("CIS profile", "Created"),
            Line("UUID", status.cim_uuid or "Not recorded"),
            Line("Created", london_time(status.completed_at) or "Unknown"),
        ]
    if case_status == S.PROFILE_FAILED:
        reason = status.profile_error or status.last_error or "CIM gave no reason"
        lines = [Line("CIS profile", "Creation failed"), Line("Attempts", str(status.attempts))]
        if status.existing_profile_uuid:
            duplicate = f"Duplicate person: existing UUID {status.existing_profile_uuid}"
            return [*lines, Line("Reason", duplicate), Line("CIM said", reason)]
        return [*lines, Line("CIM's reason", reason)]
    if case_status == S.PROFILE_PENDING:
        lines = [
            Line("CIS profile", "Being created"),
            Line("Attempts so far", str(status.attempts)),
        ]
        if status.next_retry_at is not None:
            lines.append(Line("Next try", london_time(status.next_retry_at)))
        elif status.attempts:
            lines.append(Line("Next try", "Sending to CIM now"))
        if status.last_error:
            lines.append(Line("Last error", status.last_error))
        return lines
    if case_status == S.APPROVED:
        return [Line("CIS profile", "Not yet sent to CIM")]
    return []


def _email_value(notification: NotificationView) -> str:
    if notification.status == OutboxStatus.DONE:
        return f"Sent {london_time(notification.sent_at)}".strip()
    if notification.status == OutboxStatus.FAILED:
        return f"Not sent: {notification.last_error or 'GOV.UK Notify refused it'}"
    return "Waiting to be sent"


def email_lines(status: DownstreamStatus) -> list[Line]:
    return [
        Line(RECIPIENT_LABELS.get(n.recipient, f"Email to {n.recipient}"), _email_value(n))
        for n in status.notifications
    ]


def _summary_list(lines: rx.Var, list_id: str) -> rx.Component:
    return rx.el.dl(
        rx.foreach(lines, lambda line: rx.fragment(rx.el.dt(line.label), rx.el.dd(line.value))),
        class_name="summary-list",
        id=list_id,
    )


def downstream_panel(state: Any) -> rx.Component:
    """Needs on ``state``: ``profile_lines``, ``email_lines``, ``can_retry``, ``case_id``,
    ``heading`` and ``is_lead``, plus the ``ProfileRetry`` mixin."""
    return rx.el.section(
        rx.el.h2("Downstream", id="downstream-heading"),
        rx.cond(
            state.profile_lines.length() > 0,
            _summary_list(state.profile_lines, "profile-status"),
        ),
        rx.cond(
            state.is_lead & state.can_retry,
            rx.el.div(retry_control(state, state.case_id, state.heading), style=_GAP_BELOW),
        ),
        retry_result(state),
        rx.el.h3("Emails", style={"font_size": "1.1875rem", "font_weight": "bold", **_GAP_BELOW}),
        rx.cond(
            state.email_lines.length() > 0,
            _summary_list(state.email_lines, "emails-sent"),
            rx.el.p("No emails have been sent for this case yet."),
        ),
        aria_labelledby="downstream-heading",
    )
