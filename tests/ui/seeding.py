"""Small synthetic cases for the browser tests: known counts, tiny images, seconds to make.

The sample generator draws realistic documents, which is slow; these tests need only rows to page
through and one small JPEG per case to prove a thumbnail loads through the protected route.
"""

from __future__ import annotations

import io
from collections import Counter
from datetime import timedelta
from pathlib import Path

from PIL import Image, ImageDraw
from sqlalchemy import Engine
from sqlmodel import Session

from checker_console.adapters.blobs import LocalBlobStore, blob_key
from checker_console.clock import utcnow
from checker_console.domain.lifecycle import CaseStatus
from checker_console.store.models import Document
from tests.factories import make_case, make_org

GIVEN = ["Ada", "Bryn", "Cara", "Dev", "Elin", "Femi", "Gus", "Hana", "Ines", "Jon"]
FAMILY = ["Quill", "Rowan", "Sable", "Thorn", "Umber", "Vale"]
STATUS_CYCLE = [
    CaseStatus.QUEUED,
    CaseStatus.QUEUED,
    CaseStatus.IN_REVIEW,
    CaseStatus.APPROVED,
    CaseStatus.REJECTED,
    CaseStatus.REFERRED,
]


def _jpeg(width: int, height: int, label: str) -> bytes:
    image = Image.new("RGB", (width, height), (214, 232, 248))
    draw = ImageDraw.Draw(image)
    draw.rectangle((4, 4, width - 5, height - 5), outline=(0, 94, 184), width=3)
    draw.text((12, height // 2 - 6), label, fill=(33, 43, 50))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def seed_small_cases(engine: Engine, blob_dir: Path, count: int = 60) -> Counter[str]:
    """``count`` cases over two organisations and two cohorts; returns how many per status."""
    blobs = LocalBlobStore(blob_dir)
    statuses: Counter[str] = Counter()
    now = utcnow()
    with Session(engine, expire_on_commit=False) as session:
        orgs = [
            make_org(session, "RX1", "Riverside University"),
            make_org(session, "HL2", "Hillside NHS Trust"),
        ]
        for index in range(count):
            status = STATUS_CYCLE[index % len(STATUS_CYCLE)]
            case = make_case(
                session,
                status,
                org=orgs[index % 2],
                cohort=["Nursing 2026", "Midwifery 2026"][index // 2 % 2],
                given_name=GIVEN[index % len(GIVEN)],
                family_name=FAMILY[index % len(FAMILY)],
                ni_number=f"QQ{index:06d}C",
            )
            case.submitted_at = now - timedelta(hours=3 * index + 1)
            case.sla_due_at = case.submitted_at + timedelta(days=2)
            session.add(case)
            session.flush()
            preview = _jpeg(480, 320, f"SPECIMEN {index + 1}")
            thumbnail = _jpeg(120, 80, f"SPECIMEN {index + 1}")
            session.add(
                Document(
                    application_id=case.id,
                    position=0,
                    kind="passport",
                    side="page",
                    content_type="image/jpeg",
                    blob_key=blobs.put(preview),
                    sha256=blob_key(preview),
                    size_bytes=len(preview),
                    width=480,
                    height=320,
                    preview_key=blobs.put(preview),
                    preview_width=480,
                    preview_height=320,
                    thumbnail_key=blobs.put(thumbnail),
                )
            )
            statuses[status.value] += 1
        session.commit()
    return statuses


def seed_sample_cases(engine: Engine, blob_dir: Path, cases: int) -> int:
    """Real synthetic cases through the intake pipeline (documents, selfie, MRZ); how many."""
    from checker_console.sample.seeding import seed_cases
    from checker_console.settings import load_settings

    summary = seed_cases(engine, LocalBlobStore(blob_dir), load_settings(), cases=cases, seed=11)
    assert not summary.refused, summary.refused
    return summary.written
