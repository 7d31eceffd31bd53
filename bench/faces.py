"""``checker-console bench faces``: the face-similarity aid over seeded sample cases.

It seeds ``--cases`` synthetic cases (``--seed``) through the real intake into a temporary
SQLite database, then runs the face comparison the background worker runs
(``services.review.face_match.compute_face_match``) on each, and reports:

- **detection rate**: the share of photo IDs, of selfies, and of both together, on which a face
  was found (target at least 0.95);
- **separation** of same-face and different-face distances as a ROC AUC (target at least
  0.95). Same face: every case without the "different face" defect, photo ID against its own
  selfie. Different face: the "different face" cases, and each photo ID against the *next*
  case's selfie (other drawn people), so the AUC rests on more than a handful of impostors.
  The distances of each group are printed, for choosing the bands;
- **time**: the median milliseconds per case for the comparison, against the median time of
  the image derivative pipeline (``services.intake.images.process_image``, what intake runs
  on each upload) on the same two uploads, in the same run.

The last line is::

    RESULT detect_rate=.. auc=.. ms_per_case=.. over_derivatives=..
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from PIL import Image
from sqlmodel import Session, col, select

from checker_console.adapters.blobs import LocalBlobStore
from checker_console.adapters.faces import Face, FaceEngine, Picture, distance
from checker_console.sample.seeding import seed_cases
from checker_console.services.intake.images import ImagePolicy, process_image
from checker_console.services.review.face_match import compute_face_match, pictures_for
from checker_console.settings import get_settings, load_settings
from checker_console.store.db import dispose_engines, get_engine
from checker_console.store.migrate import migrate
from checker_console.store.models import Application, SampleTruth


class RecordingEngine(FaceEngine):
    """The real engine, keeping the main face it found on each picture for the bench."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[Picture, Face | None]] = []

    def faces(self, image: Image.Image, picture: Picture) -> list[Face]:
        found = super().faces(image, picture)
        self.seen.append((picture, found[0] if found else None))
        return found


def roc_auc(same: Sequence[float], different: Sequence[float]) -> float:
    """Probability that a random same-face distance is below a random different-face one."""
    if not same or not different:
        return float("nan")
    wins = sum((s < d) + 0.5 * (s == d) for s in same for d in different)
    return wins / (len(same) * len(different))


def _spread(name: str, values: Sequence[float]) -> None:
    if not values:
        print(f"  {name}: none")
        return
    ordered = sorted(values)
    print(
        f"  {name}: n={len(values)} min={ordered[0]:.3f} median={statistics.median(ordered):.3f} "
        f"max={ordered[-1]:.3f}  [{' '.join(f'{v:.2f}' for v in ordered)}]"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="checker-console bench faces", description=__doc__)
    parser.add_argument("--cases", type=int, default=60, help="sample cases to seed (60)")
    parser.add_argument("--seed", type=int, default=1, help="sample seed (1, as the demo)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(list(argv or []))
    folder = Path(tempfile.mkdtemp(prefix="bench-faces-"))
    saved = {k: os.environ.get(k) for k in ("DATABASE_URL", "CHECKER_DATA_DIR", "CHECKER_BLOB_DIR")}
    os.environ.update(
        DATABASE_URL=f"sqlite:///{folder / 'checker.db'}",
        CHECKER_DATA_DIR=str(folder),
        CHECKER_BLOB_DIR=str(folder / "blobs"),
    )
    get_settings.cache_clear()
    try:
        return _run(args, folder)
    finally:
        dispose_engines()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        get_settings.cache_clear()
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


def _run(args: argparse.Namespace, folder: Path) -> int:
    settings = load_settings()
    engine = get_engine()
    migrate(engine)
    blobs = LocalBlobStore(settings.blob_dir)
    print(f"seeding {args.cases} cases (seed {args.seed})…", file=sys.stderr, flush=True)
    seed_cases(engine, blobs, settings, cases=args.cases, seed=args.seed)
    policy = ImagePolicy.from_settings(settings)
    faces = RecordingEngine()
    with Session(engine) as session:
        cases = session.exec(select(Application.id).order_by(col(Application.id))).all()
        truth = {t.application_id: t.defects for t in session.exec(select(SampleTruth))}
    found = {Picture.PHOTO_ID: 0, Picture.SELFIE: 0}
    main_faces: list[tuple[int, Face | None, Face | None]] = []
    face_ms: list[float] = []
    derivative_ms: list[float] = []
    for case_id in cases:
        assert case_id is not None
        with Session(engine) as session:
            photo_id, selfie = pictures_for(session, case_id)
        originals = [blobs.get(d.blob_key) for d in (photo_id, selfie) if d is not None]
        started = time.perf_counter()
        for data in originals:
            process_image(data, policy)
        derivative_ms.append((time.perf_counter() - started) * 1000)
        faces.seen.clear()
        started = time.perf_counter()
        row = compute_face_match(case_id, engine=faces)
        face_ms.append((time.perf_counter() - started) * 1000)
        seen = dict(faces.seen)
        for picture in found:
            found[picture] += seen.get(picture) is not None
        main_faces.append((case_id, seen.get(Picture.PHOTO_ID), seen.get(Picture.SELFIE)))
        print(
            f"case {case_id}: {row.band} d={row.distance} problem={row.problem}@"
            f"{row.problem_picture} id_sharp={row.photo_id_sharpness} "
            f"selfie_sharp={row.selfie_sharpness} defects={truth.get(case_id)} "
            f"{face_ms[-1]:.0f} ms",
            file=sys.stderr,
            flush=True,
        )
    same: list[float] = []
    different: list[float] = []
    for index, (case_id, id_face, selfie_face) in enumerate(main_faces):
        if id_face and selfie_face:
            pair = distance(id_face.descriptor, selfie_face.descriptor)
            is_other = "different_face" in truth.get(case_id, [])
            (different if is_other else same).append(pair)
        next_selfie = main_faces[(index + 1) % len(main_faces)][2]
        if id_face and next_selfie and len(main_faces) > 1:
            different.append(distance(id_face.descriptor, next_selfie.descriptor))
    total = len(main_faces)
    detect_rate = (found[Picture.PHOTO_ID] + found[Picture.SELFIE]) / (2 * total) if total else 0.0
    auc = roc_auc(same, different)
    ms_per_case = statistics.median(face_ms) if face_ms else float("nan")
    derivatives = statistics.median(derivative_ms) if derivative_ms else float("nan")
    print(f"cases: {total}")
    print(f"face found on photo IDs: {found[Picture.PHOTO_ID]}/{total}")
    print(f"face found on selfies:   {found[Picture.SELFIE]}/{total}")
    print("distances (photo ID against selfie):")
    _spread("same face", same)
    _spread("different face", different)
    print(f"ROC AUC same vs different: {auc:.3f} (target at least 0.95)")
    print(
        f"median per case: comparison {ms_per_case:.0f} ms, image derivatives of the same two "
        f"uploads {derivatives:.0f} ms (baseline, same run)"
    )
    print(
        f"RESULT detect_rate={detect_rate:.3f} auc={auc:.3f} ms_per_case={ms_per_case:.0f} "
        f"over_derivatives={ms_per_case / derivatives:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
