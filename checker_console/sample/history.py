"""A synthetic past for the leads' dashboard: weeks of invitations, decisions and emails, as rows.

History cases are decided cases from before the demo started: rows only (no images), so
thousands take a second. Each day of the past brings arrivals; checkers decide them during
London working hours (approve, reject with published reasons, now and then refer first); most
approvals have their profile and email, a few failed at CIM; some invitations were never taken
up. ``bench/dashboard.py`` writes national scale with the same generator (PostgreSQL COPY).
"""

from __future__ import annotations

import json
import random
import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, func, select
from sqlmodel import Session

from checker_console.clock import LONDON
from checker_console.domain.lifecycle import CaseStatus
from checker_console.domain.reasons import RejectionReason
from checker_console.sample.history_writer import (
    ensure_sample_organisations,
    next_free_id,
    write_history,
)
from checker_console.sample.organisations import SAMPLE_ORGS
from checker_console.sample.people import FAMILY_NAMES, GIVEN_NAMES_F, GIVEN_NAMES_M
from checker_console.store.models import (
    Decision,
)

#: Who decided the history's cases: the demo's two checkers and a few more.
HISTORY_CHECKERS = ("checker.one", "checker.two", "checker.three", "checker.four", "lead.one")
#: How often each reason is given; a rejection gives one, sometimes two.
REASON_WEIGHTS = {
    RejectionReason.DOCUMENT_UNREADABLE: 30,
    RejectionReason.PHOTO_RULES: 22,
    RejectionReason.DOCUMENT_INCOMPLETE: 15,
    RejectionReason.DETAILS_MISMATCH: 12,
    RejectionReason.FACE_MISMATCH: 8,
    RejectionReason.DOCUMENT_EXPIRED: 6,
    RejectionReason.NOT_ORIGINAL: 5,
    RejectionReason.DOCUMENT_NOT_ACCEPTED: 2,
}


@dataclass
class HistoryRows:
    """Rows for each table, as dicts of column values, ids given (so rows can refer to rows)."""

    invitations: list[dict[str, Any]] = field(default_factory=list)
    applications: list[dict[str, Any]] = field(default_factory=list)
    decisions: list[dict[str, Any]] = field(default_factory=list)
    outbox: list[dict[str, Any]] = field(default_factory=list)


def working_moment(rng: random.Random, day: date) -> datetime:
    """A moment in London working hours (08:00 to 18:00) of ``day``, in UTC."""
    minutes = rng.randint(8 * 60, 18 * 60 - 1)
    local = datetime(day.year, day.month, day.day, minutes // 60, minutes % 60, tzinfo=LONDON)
    return local.astimezone(UTC)


def _in_working_hours(rng: random.Random, moment: datetime) -> datetime:
    """``moment`` if checkers are at work then (08:00 to 18:00 London), else the next morning."""
    local = moment.astimezone(LONDON)
    if 8 <= local.hour < 18:
        return moment
    day = local.date() + timedelta(days=1 if local.hour >= 18 else 0)
    return _morning(rng, day)


def _morning(rng: random.Random, day: date) -> datetime:
    minutes = rng.randint(8 * 60, 10 * 60)
    local = datetime(day.year, day.month, day.day, minutes // 60, minutes % 60, tzinfo=LONDON)
    return local.astimezone(UTC)


def history_rows(
    *,
    now: datetime,
    days: int,
    cases_per_day: int,
    organisation_ids: list[int],
    first_id: int = 1,
    seed: int = 1,
    decisions_per_case: float = 1.0,
) -> HistoryRows:
    """The rows of ``days`` days before ``now``: ``cases_per_day`` arrivals a day, all decided.

    ``decisions_per_case`` above 1 adds referrals (bench scale: 1,000,000 decisions over
    300,000 cases). Ids start at ``first_id`` in every table.
    """
    rng = random.Random(seed)
    rows = HistoryRows()
    next_id = first_id
    today = now.astimezone(LONDON).date()
    cohorts = [
        (org_id, cohort)
        for org_id, org in zip(organisation_ids, SAMPLE_ORGS, strict=False)
        for cohort in org.cohorts
    ]
    extra_referrals = max(0.0, decisions_per_case - 1.0)
    for back in range(days, 0, -1):
        day = today - timedelta(days=back)
        arrivals = cases_per_day if day.weekday() < 5 else cases_per_day // 3
        for _ in range(arrivals):
            org_id, cohort = rng.choice(cohorts)
            case_id = next_id
            next_id += 1
            submitted = working_moment(rng, day)
            _case(rows, rng, case_id, org_id, cohort, submitted, now, extra_referrals)
    return rows


def _case(
    rows: HistoryRows,
    rng: random.Random,
    case_id: int,
    org_id: int,
    cohort: str,
    submitted: datetime,
    now: datetime,
    extra_referrals: float,
) -> None:
    given = rng.choice(GIVEN_NAMES_F + GIVEN_NAMES_M)
    family = rng.choice(FAMILY_NAMES)
    email = f"history.{case_id}@example.org"
    invited = submitted - timedelta(days=rng.randint(1, 6), minutes=rng.randint(0, 600))
    born = date(1975, 1, 1) + timedelta(days=rng.randint(0, 10_000))
    rows.invitations.append(
        {
            "id": case_id,
            "organisation_id": org_id,
            "cohort": cohort,
            "given_name": given,
            "family_name": family,
            "date_of_birth": born,
            "email": email,
            "mobile": "07700900000",
            "attempt": 1,
            "import_key": secrets.token_hex(16) + f"{case_id:016x}",
            "token": f"h{case_id}-{secrets.token_hex(8)}",
            "created_at": invited,
            "expires_at": invited + timedelta(days=28),
            "submitted_at": None,
        }
    )
    if rng.random() < 0.1:
        return  # invited, never applied
    rows.invitations[-1]["submitted_at"] = submitted
    decided = _in_working_hours(rng, submitted + timedelta(hours=rng.uniform(0.5, 30.0)))
    if decided > now:
        decided = now - timedelta(minutes=rng.randint(1, 60))
    referrals = int(extra_referrals) + (1 if rng.random() < extra_referrals % 1 else 0)
    if extra_referrals == 0 and rng.random() < 0.03:
        referrals = 1
    checker = rng.choice(HISTORY_CHECKERS)
    for n in range(referrals):
        rows.decisions.append(
            _decision(rng, case_id, checker, "referred", decided - timedelta(minutes=30 * (n + 1)))
        )
    outcome = "approved" if rng.random() < 0.75 else "rejected"
    final = next(c for c in HISTORY_CHECKERS if c != checker) if referrals else checker
    rows.decisions.append(_decision(rng, case_id, final, outcome, decided, reasons=outcome))
    status = CaseStatus.REJECTED
    if outcome == "approved":
        status = CaseStatus.PROFILE_FAILED if rng.random() < 0.02 else CaseStatus.PROFILE_CREATED
        if status == CaseStatus.PROFILE_CREATED and rng.random() < 0.97:
            rows.outbox.append(
                {
                    "id": len(rows.outbox) + 1,
                    "application_id": case_id,
                    "kind": "notify_profile_created",
                    "idempotency_key": f"notify_profile_created:{case_id}",
                    "payload": "{}",
                    "status": "done",
                    "attempts": 1,
                    "next_attempt_at": decided,
                    "created_at": decided,
                    "completed_at": decided + timedelta(seconds=5),
                }
            )
    rows.applications.append(
        {
            "id": case_id,
            "invitation_id": case_id,
            "organisation_id": org_id,
            "cohort": cohort,
            "attempt": 1,
            "status": status.value,
            "given_name": given,
            "family_name": family,
            "date_of_birth": born,
            "ni_number": f"QQ{case_id % 1_000_000:06d}A",
            "email": email,
            "submitted_at": submitted,
            "sla_due_at": submitted + timedelta(days=2),
            "decided_at": decided,
            "is_golden": False,
            "existing_profile_flag": False,
            "cim_uuid": f"{case_id:012d}" if status == CaseStatus.PROFILE_CREATED else None,
            "profile_error": "CIM refused the request"
            if status == CaseStatus.PROFILE_FAILED
            else None,
            "updated_at": decided,
        }
    )


def _decision(
    rng: random.Random,
    case_id: int,
    checker: str,
    outcome: str,
    when: datetime,
    reasons: str = "",
) -> dict[str, Any]:
    chosen: list[str] = []
    if reasons == "rejected":
        names = list(REASON_WEIGHTS)
        chosen = sorted(
            {
                r.value
                for r in rng.choices(names, list(REASON_WEIGHTS.values()), k=rng.choice((1, 1, 2)))
            }
        )
    return {
        "application_id": case_id,
        "checker_id": checker,
        "outcome": outcome,
        "reasons": json.dumps(chosen),
        "checklist": "{}",
        "applicant_message": "",
        "internal_note": "",
        "seconds_to_decide": round(rng.lognormvariate(4.9, 0.45), 1),
        "decided_at": when,
    }


@dataclass(frozen=True)
class HistorySummary:
    cases: int
    decisions: int
    skipped: bool


def seed_history(
    engine: Engine, *, days: int, cases_per_day: int = 40, seed: int = 1, now: datetime
) -> HistorySummary:
    """``days`` of decided history before ``now``, unless the console has decisions already."""
    with Session(engine) as session:
        if days <= 0 or session.scalar(select(func.count()).select_from(Decision)):
            return HistorySummary(0, 0, skipped=True)
        organisation_ids = ensure_sample_organisations(session)
    rows = history_rows(
        now=now,
        days=days,
        cases_per_day=cases_per_day,
        organisation_ids=organisation_ids,
        first_id=next_free_id(engine),
        seed=seed,
    )
    write_history(engine, rows)
    return HistorySummary(len(rows.applications), len(rows.decisions), skipped=False)
