"""Cases for the team benchmark: many queued cases, fast, each with a document and a selfie.

The cases are bulk-loaded (``bench.claims.load_cases``); every case shows the same two small
synthetic images, stored once in the S3 bucket (keys are content addresses), so the image route,
the S3 store and the browser's painting are all exercised without drawing thousands of images.
"""

from __future__ import annotations

import io

from PIL import Image, ImageDraw
from sqlalchemy import insert

from bench.claims import load_cases
from checker_console.adapters.s3_blobs import S3BlobStore
from checker_console.store.db import make_engine
from checker_console.store.models import Document

BATCH = 5_000


def _synthetic_jpeg(size: tuple[int, int], colour: tuple[int, int, int], label: str) -> bytes:
    image = Image.new("RGB", size, colour)
    ImageDraw.Draw(image).text((20, 20), f"SYNTHETIC {label}", fill=(0, 0, 0))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def seed_team_cases(environment: dict[str, str], cases: int) -> None:
    store = S3BlobStore(
        bucket=environment["CHECKER_S3_BUCKET"],
        endpoint_url=environment["CHECKER_S3_ENDPOINT_URL"],
        region=environment.get("CHECKER_S3_REGION"),
        prefix=environment.get("CHECKER_S3_PREFIX", "blobs"),
    )
    document = _synthetic_jpeg((900, 640), (214, 228, 240), "DOCUMENT")
    selfie = _synthetic_jpeg((480, 600), (236, 222, 206), "SELFIE")
    keys = {"document": store.put(document), "selfie": store.put(selfie)}
    engine = make_engine(environment["DATABASE_URL"])
    try:
        load_cases(engine, cases, "team")
        for first in range(1, cases + 1, BATCH):
            rows = []
            for case_id in range(first, min(first + BATCH, cases + 1)):
                for position, (kind, key, data, size) in enumerate(
                    (
                        ("passport", keys["document"], document, (900, 640)),
                        ("selfie", keys["selfie"], selfie, (480, 600)),
                    )
                ):
                    rows.append(
                        {
                            "application_id": case_id,
                            "position": position,
                            "kind": kind,
                            "side": "page" if kind == "passport" else "front",
                            "content_type": "image/jpeg",
                            "blob_key": key,
                            "sha256": key,
                            "size_bytes": len(data),
                            "width": size[0],
                            "height": size[1],
                            "preview_key": key,
                            "preview_width": size[0],
                            "preview_height": size[1],
                            "thumbnail_key": key,
                        }
                    )
            with engine.begin() as connection:
                connection.execute(insert(Document), rows)
    finally:
        engine.dispose()
