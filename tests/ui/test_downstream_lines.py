"""What the case page's "Downstream" panel says for each state (no browser needed)."""

from __future__ import annotations

from datetime import UTC, datetime

from checker_console.domain.lifecycle import CaseStatus
from checker_console.services.downstream.status import DownstreamStatus, NotificationView
from checker_console.ui.components.downstream_panel import Line, email_lines, profile_lines

NOON_BST = datetime(2026, 6, 1, 11, 0, tzinfo=UTC)


def _status(case_status: CaseStatus, **fields: object) -> DownstreamStatus:
    values: dict[str, object] = {
        "case_id": 7,
        "case_status": case_status,
        "summary": "",
        "cim_uuid": None,
        "existing_profile_uuid": None,
        "attempts": 0,
        "last_error": None,
        "next_retry_at": None,
        "profile_error": None,
        "requested_at": None,
        "completed_at": None,
        "can_retry": case_status == CaseStatus.PROFILE_FAILED,
    }
    values.update(fields)
    return DownstreamStatus(**values)  # type: ignore[arg-type]


def _said(lines: list[Line]) -> dict[str, str]:
    return {line.label: line.value for line in lines}


def test_a_pending_profile_shows_the_attempts_the_last_error_and_the_next_try_in_london_time() -> (
    None
):
    status = _status(
        CaseStatus.PROFILE_PENDING,
        attempts=2,
        last_error="CIM did not answer within 5 s",
        next_retry_at=NOON_BST,
    )

    assert _said(profile_lines(status)) == {
        "CIS profile": "Being created",
        "Attempts so far": "2",
        "Next try": "1 June 2026, 12:00",
        "Last error": "CIM did not answer within 5 s",
    }


def test_a_created_profile_shows_its_12_digit_uuid() -> None:
    status = _status(CaseStatus.PROFILE_CREATED, cim_uuid="555100000007", completed_at=NOON_BST)

    assert _said(profile_lines(status))["UUID"] == "555100000007"


def test_a_duplicate_person_names_the_existing_uuid_and_keeps_cim_s_words() -> None:
    status = _status(
        CaseStatus.PROFILE_FAILED,
        attempts=1,
        existing_profile_uuid="555000123456",
        profile_error="A profile already exists for this NI number",
    )

    said = _said(profile_lines(status))

    assert said["Reason"] == "Duplicate person: existing UUID 555000123456"
    assert said["CIM said"] == "A profile already exists for this NI number"


def test_each_email_says_whether_it_was_sent_is_waiting_or_failed() -> None:
    notifications = [
        NotificationView("notify_rejected_applicant", "applicant", "done", NOON_BST, None),
        NotificationView("notify_ra_reinvite", "inviting RA", "failed", None, "Notify said 400"),
    ]
    status = _status(CaseStatus.REJECTED, notifications=notifications)

    assert _said(email_lines(status)) == {
        "Email to the applicant": "Sent 1 June 2026, 12:00",
        "Email to the inviting RA": "Not sent: Notify said 400",
    }
    assert profile_lines(status) == []
