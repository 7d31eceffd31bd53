"""The face-similarity aid on real drawn pictures, with the real dlib models and database."""

from __future__ import annotations

import io
import os
import random
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from PIL import Image, ImageFilter
from sqlalchemy import Engine
from sqlmodel import Session

from checker_console.adapters.blobs import LocalBlobStore
from checker_console.adapters.faces import get_face_engine
from checker_console.domain.face_similarity import Band, Problem
from checker_console.domain.lifecycle import CaseStatus
from checker_console.sample.cases import ID_PHOTO_SIZE
from checker_console.sample.faces import FaceParams, random_face
from checker_console.sample.passport import draw_passport_page, passport_data
from checker_console.sample.people import random_person
from checker_console.sample.photos import place_on_table, to_jpeg
from checker_console.sample.selfie import SELFIE_SIZE, draw_selfie, plain_wall
from checker_console.services.intake.images import ImagePolicy, process_image
from checker_console.services.review.face_match import (
    compute_face_match,
    compute_pending,
    pending_face_matches,
)
from checker_console.services.review.face_process import face_process_identity
from checker_console.services.review.face_view import face_box, face_crop, face_match_for
from checker_console.store.face_models import FaceMatch
from checker_console.store.models import Document
from tests.factories import make_case

POLICY = ImagePolicy(max_bytes=50_000_000, max_pixels=60_000_000)


def _preview(picture: Image.Image) -> bytes:
    return process_image(to_jpeg(picture, quality=88), POLICY).preview


def _photo_id(rng: random.Random, face: FaceParams) -> bytes:
    person = random_person(rng, case_tag="face")
    data = passport_data(rng, person, issued=date(2022, 1, 5), expires=date(2032, 1, 5))
    page = draw_passport_page(rng, data, face)
    return _preview(place_on_table(rng, page, canvas_size=ID_PHOTO_SIZE))


def _case_with(session: Session, blobs: LocalBlobStore, photo_id: bytes, selfie: bytes) -> int:
    case = make_case(session, CaseStatus.QUEUED)
    for position, (kind, side, preview) in enumerate(
        (("passport", "page", photo_id), ("selfie", "front", selfie))
    ):
        key = blobs.put(preview)
        with Image.open(io.BytesIO(preview)) as image:
            width, height = image.size
        session.add(
            Document(
                application_id=case.id, position=position, kind=kind, side=side,
                content_type="image/jpeg", blob_key=key, sha256="0" * 64, size_bytes=len(preview),
                width=width, height=height, preview_key=key, preview_width=width,
                preview_height=height, thumbnail_key=key,
            )
        )  # fmt: skip
    session.commit()
    assert case.id is not None
    return case.id


@pytest.fixture(scope="module")
def pictures() -> dict[str, bytes]:
    """One drawn person's passport and selfie, another person's selfie, and an empty wall."""
    rng = random.Random(11)
    face = random_face(rng, sex="F")
    return {
        "photo_id": _photo_id(rng, face),
        "selfie": _preview(draw_selfie(rng, face)),
        # Someone else: a quarter of different people land in "medium" (see the bench), this
        # one at about 0.5, clear of the 0.40 line.
        "other_selfie": _preview(draw_selfie(rng, random_face(random.Random(101), sex="M"))),
        "wall": _preview(plain_wall(rng, SELFIE_SIZE)),
    }


@pytest.fixture
def face_aid_on(monkeypatch: pytest.MonkeyPatch, settings_env: object) -> None:
    monkeypatch.setenv("CHECKER_FACE_MATCH", "1")
    from checker_console.settings import get_settings

    get_settings.cache_clear()


def test_the_same_drawn_person_on_passport_and_selfie_scores_high_similarity(
    engine: Engine, session: Session, blobs: LocalBlobStore, pictures: dict[str, bytes],
    face_aid_on: None,
) -> None:  # fmt: skip
    case_id = _case_with(session, blobs, pictures["photo_id"], pictures["selfie"])

    row = compute_face_match(case_id, engine=get_face_engine(), db=engine, blobs=blobs)

    assert row.band == Band.HIGH, row
    assert row.distance is not None and row.distance < 0.22
    assert row.photo_id_box and row.selfie_box and row.model_version.startswith("dlib")
    with Session(engine) as fresh:
        view = face_match_for(fresh, case_id)
    assert view is not None
    assert view.aid.text.startswith(f"Aid: face similarity high (distance {row.distance:.2f})")
    assert view.photo_id_crop_url and view.selfie_crop_url


def test_a_different_drawn_person_in_the_selfie_scores_low_similarity(
    engine: Engine, session: Session, blobs: LocalBlobStore, pictures: dict[str, bytes],
    face_aid_on: None,
) -> None:  # fmt: skip
    case_id = _case_with(session, blobs, pictures["photo_id"], pictures["other_selfie"])

    row = compute_face_match(case_id, engine=get_face_engine(), db=engine, blobs=blobs)

    assert row.band == Band.LOW, row
    assert row.distance is not None and row.distance >= 0.40
    with Session(engine) as fresh:
        view = face_match_for(fresh, case_id)
    assert view is not None and "they may be different people" in view.aid.text


def test_a_selfie_with_no_face_could_not_be_compared_and_says_why(
    engine: Engine, session: Session, blobs: LocalBlobStore, pictures: dict[str, bytes],
    face_aid_on: None,
) -> None:  # fmt: skip
    case_id = _case_with(session, blobs, pictures["photo_id"], pictures["wall"])

    row = compute_face_match(case_id, engine=get_face_engine(), db=engine, blobs=blobs)

    assert (row.band, row.problem, row.problem_picture) == (
        Band.COULD_NOT_COMPARE, Problem.NO_FACE, "selfie",
    )  # fmt: skip
    assert row.distance is None
    with Session(engine) as fresh:
        view = face_match_for(fresh, case_id)
    assert view is not None
    assert "could not compare: no face found in the selfie" in view.aid.text
    assert "smartcard photo rules" in view.aid.text
    assert view.selfie_crop_url is None and view.photo_id_crop_url is not None


def test_waiting_cases_are_compared_once_in_the_background_pass(
    engine: Engine, session: Session, blobs: LocalBlobStore, pictures: dict[str, bytes],
) -> None:  # fmt: skip
    """As the background job runs it: without an engine, so the face process compares."""
    case_id = _case_with(session, blobs, pictures["photo_id"], pictures["selfie"])
    with Session(engine) as fresh:
        assert pending_face_matches(fresh) == [case_id]

    assert compute_pending(db=engine, blobs=blobs) == 1
    assert compute_pending(db=engine, blobs=blobs) == 0
    with Session(engine) as fresh:
        stored = fresh.get(FaceMatch, case_id)
        assert stored is not None and stored.band == Band.HIGH
        assert pending_face_matches(fresh) == []


def test_the_background_compares_faces_in_a_process_of_its_own_on_idle_cpu_only() -> None:
    """dlib holds the GIL for up to 0.4 s a detection: on a thread it froze its process's other
    threads (the outbox, mid-transaction on the audit chain's tip; in the embedded console,
    every page event). In its own process, in the idle class, it stops nobody."""
    pid, policy = face_process_identity()

    assert pid != os.getpid()
    assert policy == os.SCHED_IDLE


def test_both_face_crops_come_out_the_same_size_with_the_face_at_one_scale(
    engine: Engine, session: Session, blobs: LocalBlobStore, pictures: dict[str, bytes],
) -> None:  # fmt: skip
    case_id = _case_with(session, blobs, pictures["photo_id"], pictures["selfie"])
    row = compute_face_match(case_id, engine=get_face_engine(), db=engine, blobs=blobs)
    sizes = []
    with Session(engine) as fresh:
        for document_id, preview in (
            (row.photo_id_document_id, pictures["photo_id"]),
            (row.selfie_document_id, pictures["selfie"]),
        ):
            assert document_id is not None
            box = face_box(fresh, document_id)
            assert box is not None
            with Image.open(io.BytesIO(face_crop(preview, box))) as crop:
                sizes.append(crop.size)
    assert sizes == [(240, 240), (240, 240)]


def test_with_the_aid_turned_off_the_workspace_gets_no_face_aid(
    engine: Engine, session: Session, blobs: LocalBlobStore, pictures: dict[str, bytes],
    monkeypatch: pytest.MonkeyPatch, settings_env: object,
) -> None:  # fmt: skip
    case_id = _case_with(session, blobs, pictures["photo_id"], pictures["selfie"])
    compute_face_match(case_id, engine=get_face_engine(), db=engine, blobs=blobs)
    monkeypatch.setenv("CHECKER_FACE_MATCH", "0")
    from checker_console.settings import get_settings

    get_settings.cache_clear()
    with Session(engine) as fresh:
        assert face_match_for(fresh, case_id) is None


def test_a_selfie_with_a_second_person_in_shot_could_not_be_compared(
    engine: Engine, session: Session, blobs: LocalBlobStore, pictures: dict[str, bytes],
) -> None:  # fmt: skip
    rng = random.Random(5)
    two = Image.new("RGB", (1200, 800), (230, 230, 226))
    for left, face in ((0, random_face(rng, sex="F")), (600, random_face(rng, sex="M"))):
        two.paste(draw_selfie(rng, face).resize((600, 800)), (left, 0))
    case_id = _case_with(session, blobs, pictures["photo_id"], _preview(two))

    row = compute_face_match(case_id, engine=get_face_engine(), db=engine, blobs=blobs)

    assert (row.band, row.problem, row.problem_picture) == (
        Band.COULD_NOT_COMPARE, Problem.SECOND_PERSON, "selfie",
    )  # fmt: skip
    assert row.selfie_faces == 2


def test_a_blurred_photo_id_is_too_poor_to_compare_rather_than_low_similarity(
    engine: Engine, session: Session, blobs: LocalBlobStore, pictures: dict[str, bytes],
    face_aid_on: None,
) -> None:  # fmt: skip
    with Image.open(io.BytesIO(pictures["photo_id"])) as sharp:
        blurred = _preview(sharp.filter(ImageFilter.GaussianBlur(2)))
    case_id = _case_with(session, blobs, blurred, pictures["selfie"])

    row = compute_face_match(case_id, engine=get_face_engine(), db=engine, blobs=blobs)

    assert (row.band, row.problem, row.problem_picture) == (
        Band.TOO_POOR, Problem.BLURRED, "photo_id",
    )  # fmt: skip
    assert row.distance is None and row.photo_id_box is not None
    with Session(engine) as fresh:
        view = face_match_for(fresh, case_id)
    assert view is not None and "too poor to compare" in view.aid.text


def test_a_case_not_compared_yet_says_so_rather_than_showing_nothing(
    engine: Engine, session: Session, blobs: LocalBlobStore, pictures: dict[str, bytes],
    face_aid_on: None,
) -> None:  # fmt: skip
    case_id = _case_with(session, blobs, pictures["photo_id"], pictures["selfie"])

    with Session(engine) as fresh:
        view = face_match_for(fresh, case_id)

    assert view is not None and view.band == "pending"
    assert view.aid.text.startswith("Aid: face similarity has not been worked out")
    assert view.photo_id_crop_url is None and view.selfie_crop_url is None


_START_THE_FACE_PROCESS_AND_WAIT = """
import time
from checker_console.services.review.face_process import face_process_identity
if __name__ == "__main__":
    print(face_process_identity()[0], flush=True)
    time.sleep(120)
"""


def test_the_face_process_ends_when_its_parent_is_killed_outright(tmp_path: Path) -> None:
    """A worker killed with SIGKILL cannot stop its child; a child left behind would hold its
    models' memory for good, one more each time the worker is restarted."""
    script = tmp_path / "parent.py"
    script.write_text(_START_THE_FACE_PROCESS_AND_WAIT)
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    child = int(parent.stdout.readline())

    parent.kill()
    parent.wait()

    deadline = time.monotonic() + 10
    while _is_running(child) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _is_running(child)


def _is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").exists() and " Z " not in Path(f"/proc/{pid}/stat").read_text()
