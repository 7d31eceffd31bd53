"""``checker-console bench images``: our intake image pipeline against naive Pillow and pyvips.

It makes ``--photos`` synthetic 12-megapixel phone photos (``sample.photos.phone_photo``: 4000 x
3000 JPEG with EXIF orientation 6, camera tags and GPS), then times three ways of turning each
into what the console serves, a preview of 1600 px and a thumbnail of 320 px (longest side):

- **ours**: ``services.intake.images.process_image``, exactly what intake runs for one photo: the
byte,
  format and pixel checks, SHA-256 of the original, JPEG draft decoding (libjpeg scales by 1/2
  while decoding), resize, rotate upright, both derivatives written without metadata;
- **naive**: ``Image.open`` + full ``load`` + ``ImageOps.exif_transpose`` + LANCZOS resize of the
  full image to each size + save, the way the task is usually written first;
- **pyvips**: ``pyvips.Image.thumbnail_buffer`` for each size (shrink-on-load, auto-rotate) +
  ``write_to_buffer``; from the optional ``bench`` extra (``pip install 'pyvips[binary]'``).

Fairness: all three read the same bytes from memory and write JPEG bytes to memory at quality
85 with all metadata dropped, producing the same upright sizes (checked on the first photo).
pyvips' operation cache is switched off (it would otherwise hand back the previous result for a
repeated buffer) and it keeps its default worker threads, so it is the strongest baseline we
can give it; ``--vips-concurrency 1`` makes it single-threaded like the other two. The three run
interleaved, photo by photo, so a busy moment on the machine hits all of them alike; each gets
one warm-up photo first, and the figure reported is the median over photos x ``--repeats``.

Targets: ours at most 1.5x pyvips' time, and naive at least 2x ours. The last line is::

    RESULT ours_ms=.. naive_ms=.. pyvips_ms=.. ours_over_pyvips=.. naive_over_ours=..
"""

from __future__ import annotations

import argparse
import io
import math
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence

from PIL import Image, ImageOps
from tqdm import tqdm

from checker_console.sample.photos import phone_photo
from checker_console.services.intake.images import ImagePolicy, fit_within, process_image

QUALITY = 85
POLICY = ImagePolicy(max_bytes=64 * 1024 * 1024, max_pixels=50_000_000, jpeg_quality=QUALITY)
SIZES = (POLICY.preview_px, POLICY.thumbnail_px)

Pipeline = Callable[[bytes], list[tuple[int, int]]]


def ours(data: bytes) -> list[tuple[int, int]]:
    result = process_image(data, POLICY)
    return [
        (result.preview_width, result.preview_height),
        (result.thumbnail_width, result.thumbnail_height),
    ]


def naive(data: bytes) -> list[tuple[int, int]]:
    with Image.open(io.BytesIO(data)) as opened:
        opened.load()
        upright = ImageOps.exif_transpose(opened)
    sizes = []
    for longest in SIZES:
        resized = upright.resize(fit_within(upright.size, longest), Image.Resampling.LANCZOS)
        resized.save(io.BytesIO(), "JPEG", quality=QUALITY)
        sizes.append(resized.size)
    return sizes


def load_pyvips(concurrency: int | None) -> tuple[Pipeline | None, str]:
    """The pyvips pipeline, or None and the reason it cannot run here."""
    try:
        import pyvips
    except Exception as exc:  # noqa: BLE001 - ImportError, or libvips failing to load
        return (
            None,
            f"pyvips is not available ({exc}); install it with pip install 'pyvips[binary]'",
        )
    pyvips.cache_set_max(0)
    if concurrency:
        pyvips.concurrency_set(concurrency)
    strip = {"keep": "none"} if pyvips.at_least_libvips(8, 15) else {"strip": True}

    def run(data: bytes) -> list[tuple[int, int]]:
        sizes = []
        for longest in SIZES:
            thumb = pyvips.Image.thumbnail_buffer(data, longest, height=longest)
            thumb.write_to_buffer(".jpg", Q=QUALITY, **strip)
            sizes.append((thumb.width, thumb.height))
        return sizes

    version = f"libvips {pyvips.version(0)}.{pyvips.version(1)}.{pyvips.version(2)}"
    return run, f"{version}, {pyvips.concurrency_get()} thread(s)"


def _timed(pipeline: Pipeline, data: bytes) -> float:
    started = time.perf_counter()
    pipeline(data)
    return (time.perf_counter() - started) * 1000


def _parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="checker-console bench images", description=__doc__)
    parser.add_argument("--photos", type=int, default=12, help="synthetic photos (default 12)")
    parser.add_argument("--repeats", type=int, default=3, help="timings per photo and pipeline")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--vips-concurrency", type=int, default=None, help="pyvips threads")
    return parser.parse_args(list(argv))


def _ratio(top: float, bottom: float) -> float:
    return top / bottom if bottom and not math.isnan(bottom) else math.nan


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse_args(sys.argv[1:] if argv is None else argv)
    vips, vips_note = load_pyvips(args.vips_concurrency)
    pipelines: dict[str, Pipeline] = {"ours": ours, "naive": naive}
    if vips is not None:
        pipelines["pyvips"] = vips
    print(f"pyvips: {vips_note}")

    photos = [
        phone_photo(random.Random(args.seed + index))
        for index in tqdm(range(args.photos), desc="making 12 MP photos", file=sys.stderr)
    ]
    megabytes = statistics.median(map(len, photos)) / 1e6
    print(f"{len(photos)} photos of 4000 x 3000 pixels, median {megabytes:.2f} MB each")
    outputs = {name: pipeline(photos[0]) for name, pipeline in pipelines.items()}  # warm-up
    if len({tuple(sizes) for sizes in outputs.values()}) != 1:
        print(f"warning: the pipelines made different sizes: {outputs}")

    timings: dict[str, list[float]] = {name: [] for name in pipelines}
    for photo in tqdm(photos, desc="timing", file=sys.stderr):
        for _ in range(args.repeats):
            for name, pipeline in pipelines.items():
                timings[name].append(_timed(pipeline, photo))

    median = {name: statistics.median(values) for name, values in timings.items()}
    median.setdefault("pyvips", math.nan)
    print(f"\n{'pipeline':<8} {'median ms':>10} {'min ms':>8} {'max ms':>8}  outputs")
    for name, values in timings.items():
        spread = f"{min(values):>8.2f} {max(values):>8.2f}"
        print(f"{name:<8} {median[name]:>10.2f} {spread}  {outputs[name]}")
    ours_over_pyvips = _ratio(median["ours"], median["pyvips"])
    naive_over_ours = _ratio(median["naive"], median["ours"])
    if vips is None:
        print(f"target ours <= 1.5x pyvips: not measured, {vips_note}")
    else:
        verdict = "met" if ours_over_pyvips <= 1.5 else "MISSED"
        print(f"target ours <= 1.5x pyvips: {verdict} ({ours_over_pyvips:.2f}x)")
    naive_verdict = "met" if naive_over_ours >= 2 else "MISSED"
    print(f"target naive >= 2x ours: {naive_verdict} ({naive_over_ours:.2f}x)")
    print(
        f"RESULT ours_ms={median['ours']:.2f} naive_ms={median['naive']:.2f} "
        f"pyvips_ms={median['pyvips']:.2f} ours_over_pyvips={ours_over_pyvips:.2f} "
        f"naive_over_ours={naive_over_ours:.2f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
