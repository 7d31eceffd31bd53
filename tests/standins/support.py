"""Helpers for the outbox tests: stand-ins on real HTTP, approved cases with a selfie, a worker.

Cases are approved the way a checker approves them (``claim_next_case`` then ``approve_case``),
so the outbox message under test is the one the real approve writes.
"""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from PIL import Image
from sqlalchemy import Engine
from sqlmodel import Session

from checker_console.adapters.blobs import LocalBlobStore
from checker_console.domain.lifecycle import CaseStatus
from checker_console.domain.reasons import ChecklistItem, DocumentKind
from checker_console.services.downstream.worker import run_worker
from checker_console.services.queue.claims import claim_next_case
from checker_console.services.review.decisions import approve_case, reject_case
from checker_console.settings import Settings, load_settings
from checker_console.standins._serve import ServerThread
from checker_console.standins.cim import create_app as create_cim
from checker_console.standins.cim_store import CimStore
from checker_console.standins.faults import FaultConfig, FaultInjector
from checker_console.standins.notify import Mailbox
from checker_console.standins.notify import create_app as create_notify
from checker_console.store.models import Application, Document
from tests.factories import make_case
from tests.support.asyncio_run import run_async

CIM_KEY = "test-cim-key"
CHECKER = "checker.ada"
ALL_CONFIRMED = {item.value: True for item in ChecklistItem}


def selfie_jpeg(shade: int = 120) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (48, 64), (shade, 150, 200)).save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


@dataclass
class RunningCim:
    url: str
    store: CimStore
    faults: FaultInjector


@dataclass
class RunningNotify:
    url: str
    mailbox: Mailbox
    faults: FaultInjector


@contextmanager
def running_cim(path: Path, faults: FaultConfig | None = None) -> Iterator[RunningCim]:
    store = CimStore(path)
    injector = FaultInjector(faults, seed=7)
    with ServerThread(create_cim(store, api_key=CIM_KEY, faults=injector)) as server:
        yield RunningCim(server.url, store, injector)
    store.close()


@contextmanager
def running_notify(settings: Settings) -> Iterator[RunningNotify]:
    mailbox = Mailbox()
    injector = FaultInjector(seed=11)
    app = create_notify(
        mailbox, api_key=settings.notify_api_key, settings=settings, faults=injector
    )
    with ServerThread(app) as server:
        yield RunningNotify(server.url, mailbox, injector)


def outbox_settings(engine: Engine, tmp_path: Path, **overrides: object) -> Settings:
    """Settings for a worker in a test: quick timeouts and backoff, this test's database."""
    base = load_settings()
    values: dict[str, object] = {
        "database_url": engine.url.render_as_string(hide_password=False),
        "data_dir": tmp_path,
        "blob_dir": tmp_path / "blobs",
        "cim_api_key": CIM_KEY,
        "cim_timeout_ms": 1000,
        "cim_retries": 2,
        "cim_backoff_ms": 10,
        "outbox_backoff_ms": 20,
        "outbox_max_attempts": 4,
        "outbox_lease_seconds": 20,
        "outbox_poll_ms": 20,
    }
    values.update(overrides)
    return replace(base, **values)  # type: ignore[arg-type]


def add_selfie(session: Session, case: Application, blobs: LocalBlobStore) -> Document:
    photo = selfie_jpeg()
    key = blobs.put(photo)
    document = Document(
        application_id=case.id,
        position=9,
        kind=DocumentKind.SELFIE,
        side="front",
        content_type="image/jpeg",
        blob_key=key,
        sha256=key,
        size_bytes=len(photo),
        width=48,
        height=64,
        preview_key=key,
        preview_width=48,
        preview_height=64,
        thumbnail_key=key,
    )
    session.add(document)
    session.flush()
    return document


def queued_case(
    session: Session, blobs: LocalBlobStore, *, number: int, selfie: bool = True, **fields: object
) -> Application:
    """A queued case with its own synthetic NI number (QQ is never issued to a real person)."""
    fields.setdefault("ni_number", f"QQ{number:06d}C")
    case = make_case(session, CaseStatus.QUEUED, **fields)  # type: ignore[arg-type]
    if selfie:
        add_selfie(session, case, blobs)
    session.commit()
    return case


def queued_cases(session: Session, blobs: LocalBlobStore, count: int) -> list[int]:
    """``count`` queued cases with selfies, made in one transaction (numbered from 1)."""
    cases = []
    for number in range(1, count + 1):
        case = make_case(session, CaseStatus.QUEUED, ni_number=f"QQ{number:06d}C")
        add_selfie(session, case, blobs)
        cases.append(case.id)
    session.commit()
    return cases


def decide_all_queued(session: Session, *, approve: bool = True) -> list[int]:
    """Claim and approve (or reject) every queued case as one checker would, in turn."""
    decided = []
    while (claimed := claim_next_case(session, checker_id=CHECKER)) is not None:
        if approve:
            approve_case(
                session, case_id=claimed.case_id, checker_id=CHECKER, checklist=ALL_CONFIRMED
            )
        else:
            reject_case(
                session,
                case_id=claimed.case_id,
                checker_id=CHECKER,
                reasons=["document_expired", "photo_rules"],
                applicant_message=None,
                internal_note="Passport expired in 2019.",
                checklist=None,
            )
        decided.append(claimed.case_id)
    return decided


def drain(
    engine: Engine,
    settings: Settings,
    *,
    until: Callable[[], bool] | None = None,
    timeout_s: float = 30.0,
) -> None:
    """Run the worker on what is due until ``until()`` holds (default: one pass)."""
    deadline = time.monotonic() + timeout_s
    while True:
        # On a thread of its own: a live Playwright session keeps a loop running in this one.
        run_async(
            run_worker(
                threading.Event(),
                engine=engine,
                settings=settings,
                once=True,
                worker_id="test-worker",
            )
        )
        if until is None or until():
            return
        if time.monotonic() > deadline:
            raise AssertionError("the outbox did not settle in time")
        time.sleep(0.02)


def case_status(engine: Engine, case_id: int) -> str:
    with Session(engine) as session:
        case = session.get(Application, case_id)
        assert case is not None
        return case.status
