"""Write sample cases into the console the way real ones arrive: invitation, then intake.

Each case goes through ``services.intake.invitations.create_invitation`` and
``services.intake.submissions.submit_application`` (so its images take the real upload pipeline and
it
lands in the queue), then its ground truth is stored in ``SampleTruth``. Each step commits on
its own, and every step is idempotent: the invitation's import key finds an earlier one, a
submitted invitation is not submitted again, and a missing truth row is written. So a seed
interrupted half way is completed by running it again, and running it twice adds nothing.
"""

from __future__ import annotations

import random
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from checker_console.adapters.blobs import BlobStore
from checker_console.clock import london, utcnow
from checker_console.sample.cases import SampleCase, render_case
from checker_console.sample.plan import DEFAULT_DEFECT_SHARE, CasePlan, case_seed, plan_case
from checker_console.services.intake.invitations import create_invitation
from checker_console.services.intake.submissions import (
    DocumentUpload,
    IntakeRefused,
    SubmissionDetails,
    UploadedFile,
    document_field,
    submit_application,
)
from checker_console.settings import Settings
from checker_console.store.models import Application, Invitation, SampleTruth

SEED_ACTOR = "sample.seed"
#: Sample cases arrive over the last few days, so the queue has young and old cases.
SPREAD_HOURS = 72


@dataclass
class SeedSummary:
    """What a seeding run did, for the command's report and for tests."""

    written: int = 0
    already_present: int = 0
    approve: int = 0
    reject: int = 0
    by_reason: Counter[str] = field(default_factory=Counter)
    by_defect: Counter[str] = field(default_factory=Counter)
    application_ids: list[int] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def count(self, case: CasePlan, application_id: int) -> None:
        self.application_ids.append(application_id)
        if case.truth.outcome == "approve":
            self.approve += 1
        else:
            self.reject += 1
        self.by_reason.update(case.truth.reasons)
        self.by_defect.update(case.truth.defects)


SessionSource = Engine | Callable[[], Session]


def _open(source: SessionSource) -> Session:
    if isinstance(source, Engine):
        return Session(source, expire_on_commit=False)
    return source()


def seed_cases(
    source: SessionSource,
    blobs: BlobStore,
    settings: Settings,
    *,
    cases: int,
    seed: int,
    defect_share: float = DEFAULT_DEFECT_SHARE,
    progress: Callable[[CasePlan], object] | None = None,
    now: datetime | None = None,
) -> SeedSummary:
    """Generate cases ``0 .. cases-1`` of ``seed`` and submit each one; see the module docstring.

    ``source`` is an engine or a function returning a new session. ``progress`` is called after
    each case (the command moves its progress bar with it).
    """
    if cases < 0:
        raise ValueError(f"cases must be 0 or more, not {cases}")
    if not 0.0 <= defect_share <= 1.0:
        raise ValueError(f"defect share must be between 0 and 1, not {defect_share}")
    now = now or utcnow()
    today = london(now).date()
    summary = SeedSummary()
    started = time.perf_counter()
    plans = [plan_case(seed, i, today=today, defect_share=defect_share) for i in range(cases)]
    with _open(source) as session:
        present = _already_seeded(session, plans)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sample-render") as pool:
        for plan, rendering in _render_ahead(plans, present, pool, today=today):
            if plan.person.email in present:
                summary.count(plan, present[plan.person.email])
                summary.already_present += 1
            else:
                assert rendering is not None
                _seed_one(source, blobs, settings, plan, rendering, now=now, summary=summary)
            if progress is not None:
                progress(plan)
    summary.seconds = time.perf_counter() - started
    return summary


def _render_ahead(
    plans: list[CasePlan],
    present: dict[str, int],
    pool: ThreadPoolExecutor,
    *,
    today: date,
    lookahead: int = 2,
) -> Iterator[tuple[CasePlan, Future[SampleCase] | None]]:
    """Each plan with its images being drawn in the background, a couple of cases ahead.

    Pillow releases the GIL while it warps, blurs and encodes, so drawing the next case
    overlaps with intake processing this one: seeding on two cores takes about half as long.
    Only cases not yet in the database are drawn.
    """
    waiting: deque[tuple[CasePlan, Future[SampleCase] | None]] = deque()
    for plan in plans:
        drawn = (
            None if plan.person.email in present else pool.submit(render_case, plan, today=today)
        )
        waiting.append((plan, drawn))
        if len(waiting) > lookahead:
            yield waiting.popleft()
    while waiting:
        yield waiting.popleft()


def _seed_one(
    source: SessionSource,
    blobs: BlobStore,
    settings: Settings,
    plan: CasePlan,
    rendering: Future[SampleCase],
    *,
    now: datetime,
    summary: SeedSummary,
) -> None:
    with _open(source) as session:
        try:
            application_id, new = _write_case(session, blobs, settings, plan, rendering, now=now)
        except IntakeRefused as refusal:
            session.rollback()
            summary.refused.append(f"case {plan.index}: {refusal}")
            return
    summary.count(plan, application_id)
    if new:
        summary.written += 1
    else:
        summary.already_present += 1


def _already_seeded(session: Session, plans: list[CasePlan]) -> dict[str, int]:
    """Application ids of the planned cases already submitted with their truth, by email."""
    emails = [plan.person.email for plan in plans]
    found: dict[str, int] = {}
    for start in range(0, len(emails), 500):
        rows = session.exec(
            select(Invitation.email, Application.id)
            .join(Application, col(Application.invitation_id) == Invitation.id)
            .join(SampleTruth, col(SampleTruth.application_id) == Application.id)
            .where(col(Invitation.email).in_(emails[start : start + 500]))
        ).all()
        found.update({email: case_id for email, case_id in rows if case_id is not None})
    session.rollback()
    return found


def _arrival(case: CasePlan, now: datetime) -> tuple[datetime, datetime]:
    """When the applicant was invited and when they submitted, spread over recent days."""
    rng = random.Random(case_seed(case.seed, 1))
    submitted = now - timedelta(hours=rng.uniform(0, SPREAD_HOURS))
    invited = submitted - timedelta(days=rng.uniform(1, 14))
    return invited, submitted


def _write_case(
    session: Session,
    blobs: BlobStore,
    settings: Settings,
    case: CasePlan,
    rendering: Future[SampleCase],
    *,
    now: datetime,
) -> tuple[int, bool]:
    """Invite, submit and record the truth of one case; (application id, whether it is new).

    Finds an earlier invitation or application from an interrupted run and completes it.
    """
    invited_at, submitted_at = _arrival(case, now)
    invitation = create_invitation(
        session,
        org_code=case.org.code,
        org_name=case.org.name,
        given_name=case.invited_given_name,
        family_name=case.invited_family_name,
        date_of_birth=case.invited_date_of_birth,
        email=case.person.email,
        mobile=case.person.mobile,
        cohort=case.cohort,
        actor=SEED_ACTOR,
        now=invited_at,
    )
    session.commit()
    existing = _application_for(session, invitation)
    if existing is not None:
        _ensure_truth(session, existing, case)
        return existing, False
    files = rendering.result()
    result = submit_application(
        session,
        blobs,
        invitation_token=invitation.token,
        details=SubmissionDetails(
            # The applicant types what their invitation says (the RA's typing is what a
            # checker compares with the documents).
            given_name=case.invited_given_name,
            family_name=case.invited_family_name,
            date_of_birth=case.invited_date_of_birth,
            ni_number=case.person.ni_number,
        ),
        documents=[
            DocumentUpload(
                kind=str(doc.kind),
                side=str(doc.side),
                page=doc.page,
                file=UploadedFile(
                    document_field(i, "file"), doc.filename, doc.content_type, doc.data
                ),
                # The passport page carries the MRZ it was drawn with, as an app would read it.
                mrz="\n".join(files.mrz) if files.mrz and doc.kind == "passport" else None,
            )
            for i, doc in enumerate(files.documents)
        ],
        selfie=UploadedFile(
            "selfie", files.selfie.filename, files.selfie.content_type, files.selfie.data
        ),
        settings=settings,
        now=submitted_at,
    )
    _ensure_truth(session, result.application_id, case)
    return result.application_id, True


def _application_for(session: Session, invitation: Invitation) -> int | None:
    return session.exec(
        select(Application.id).where(Application.invitation_id == invitation.id)
    ).first()


def _ensure_truth(session: Session, application_id: int, case: CasePlan) -> None:
    if session.get(SampleTruth, application_id) is None:
        session.add(
            SampleTruth(
                application_id=application_id,
                expected_outcome=case.truth.outcome,
                expected_reasons=list(case.truth.reasons),
                defects=list(case.truth.defects),
                seed=case.seed,
                note=case.truth.note[:1000],
            )
        )
    session.commit()
