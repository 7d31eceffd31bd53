"""Face comparisons run in a child process of their own, in the kernel's idle class.

dlib holds Python's GIL while it looks for a face: up to about 0.4 s at a time on these
pictures. Run on a thread, that froze every other thread of its process for as long: in the
worker, the outbox thread could be stopped between writing an audit event and committing it,
holding the audit chain's single tip, so every claim and decision in the deployment waited
behind one face detection; in the embedded console, every page event waited. In a process of
its own the comparison holds only its own GIL, and no database lock: the caller reads the
pictures before and stores the result after, at its normal priority.

The child starts on first use (with ``spawn``: the caller has threads, so ``fork`` is unsafe),
loads the models once and runs only on CPU nothing else wants (``SCHED_IDLE``, see
``cpu_priority.py``). If it dies, the next comparison starts a new one; if its parent is
killed outright, it ends within a second.
"""

from __future__ import annotations

import atexit
import logging
import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from checker_console.adapters.blobs import BlobStore
from checker_console.cpu_priority import run_this_thread_only_when_idle
from checker_console.store.face_models import FaceMatch
from checker_console.store.models import Document

log = logging.getLogger(__name__)

_executor: ProcessPoolExecutor | None = None
_executor_lock = threading.Lock()


def _start_child() -> None:
    run_this_thread_only_when_idle()
    parent = os.getppid()
    threading.Thread(target=_end_with_parent, args=(parent,), daemon=True).start()


def _end_with_parent(parent: int) -> None:
    """A parent killed outright (SIGKILL) cannot stop its child: the child notices instead."""
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(0)


def _pool() -> ProcessPoolExecutor:
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_child,
            )
        return _executor


def stop_face_process() -> None:
    """End the child (if one was started); the next comparison starts a new one."""
    global _executor
    with _executor_lock:
        executor, _executor = _executor, None
    if executor is not None:
        executor.shutdown(wait=True, cancel_futures=True)


atexit.register(stop_face_process)


def _picture(document: Document | None) -> Document | None:
    """A plain copy of the row (no session state) to send to the child."""
    if document is None:
        return None
    return Document(**document.model_dump())


def _compare_in_child(
    application_id: int,
    photo_id: Document | None,
    selfie: Document | None,
    blobs: BlobStore | None,
) -> FaceMatch:
    from checker_console.adapters.faces import get_face_engine
    from checker_console.services.review.face_match import compare_faces

    return compare_faces(application_id, photo_id, selfie, engine=get_face_engine(), blobs=blobs)


def compare_in_face_process(
    application_id: int,
    photo_id: Document | None,
    selfie: Document | None,
    *,
    blobs: BlobStore | None = None,
) -> FaceMatch:
    """``compare_faces`` with the process's models, run in the face process; waits for it."""
    arguments = (application_id, _picture(photo_id), _picture(selfie), blobs)
    try:
        return _pool().submit(_compare_in_child, *arguments).result()
    except BrokenProcessPool:
        log.warning("the face process ended; starting a new one")
        stop_face_process()
        return _pool().submit(_compare_in_child, *arguments).result()


def _how_the_child_runs() -> tuple[int, int]:
    return os.getpid(), os.sched_getscheduler(0)


def face_process_identity() -> tuple[int, int]:
    """The face process's pid and scheduling policy (for tests and diagnostics)."""
    return _pool().submit(_how_the_child_runs).result()
