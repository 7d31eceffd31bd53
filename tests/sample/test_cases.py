"""Rendered sample cases: reproducible bytes, readable MRZs, and defects a checker can see."""

from __future__ import annotations

import hashlib
import io
from dataclasses import replace
from datetime import date

from PIL import Image, ImageFilter, ImageOps, ImageStat

from checker_console.domain.mrz import birth_date, expiry_date, parse_mrz
from checker_console.sample.cases import SampleCase, generate_case, render_case
from checker_console.sample.defects import Defect
from checker_console.sample.plan import CasePlan, plan_case

TODAY = date(2026, 3, 10)


def _hashes(case: SampleCase) -> list[str]:
    return [hashlib.sha256(f.data).hexdigest() for f in (*case.documents, case.selfie)]


def _open(data: bytes) -> Image.Image:
    return ImageOps.exif_transpose(Image.open(io.BytesIO(data)))


def _find(seed: int, wanted: Defect | None, *, photo_id: str = "passport") -> CasePlan:
    """The first planned case of ``seed`` with exactly the defect wanted (None: a clean one)."""
    for index in range(500):
        plan = plan_case(seed, index, today=TODAY, defect_share=0.5)
        if plan.photo_id == photo_id and plan.defects == ((wanted,) if wanted else ()):
            return plan
    raise AssertionError(f"no {photo_id} case with {wanted} in 500 cases of seed {seed}")


def test_same_seed_gives_byte_identical_images_and_truth() -> None:
    first = [generate_case(42, i, today=TODAY) for i in range(2)]
    again = [generate_case(42, i, today=TODAY) for i in range(2)]

    assert [_hashes(c) for c in first] == [_hashes(c) for c in again]
    assert [c.truth for c in first] == [c.truth for c in again]


def test_different_seed_gives_different_images() -> None:
    one, other = generate_case(1, 0, today=TODAY), generate_case(2, 0, today=TODAY)

    assert set(_hashes(one)).isdisjoint(_hashes(other))


def test_case_has_photo_id_proof_of_address_and_selfie_as_phone_jpegs() -> None:
    case = render_case(_find(3, None, photo_id="driving_licence"), today=TODAY)
    kinds = [(f.kind, f.side) for f in case.documents]

    assert kinds == [
        ("driving_licence", "front"),
        ("driving_licence", "back"),
        ("proof_of_address", "page"),
    ]
    assert case.selfie.kind == "selfie"
    for sample in (*case.documents, case.selfie):
        image = Image.open(io.BytesIO(sample.data))
        assert image.format == "JPEG" and sample.content_type == "image/jpeg"
        assert sample.filename.startswith("IMG_") and sample.filename.endswith(".jpg")
    for sample in case.documents:
        exif = Image.open(io.BytesIO(sample.data)).getexif()
        assert exif.get(0x0112) in (1, 6) and exif.get(0x0110)  # orientation and model
        assert 2000 <= max(_open(sample.data).size) <= 3000


def test_generated_passport_mrz_is_valid_and_matches_the_person() -> None:
    plan = _find(5, None)
    case = render_case(plan, today=TODAY)
    assert case.mrz is not None
    result = parse_mrz(case.mrz)

    assert result.valid
    assert result.surname == plan.person.family_name.upper().replace("-", " ").replace("'", "")
    assert birth_date(result.date_of_birth.value, today=TODAY) == plan.person.date_of_birth
    assert expiry_date(result.expiry_date.value, today=TODAY) == plan.expires


def test_wrong_check_digit_defect_fails_exactly_the_planned_check() -> None:
    plan = _find(6, Defect.WRONG_MRZ_CHECK_DIGIT)
    case = render_case(plan, today=TODAY)
    assert case.mrz is not None

    assert parse_mrz(case.mrz).failed_checks == [plan.broken_check]


def _sharpness(data: bytes) -> float:
    edges = _open(data).convert("L").filter(ImageFilter.FIND_EDGES)
    return ImageStat.Stat(edges).mean[0]


def _with_defects(plan: CasePlan, *defects: Defect) -> SampleCase:
    return render_case(replace(plan, defects=defects), today=TODAY)


def test_blur_glare_and_cut_corner_change_the_photo_id_as_a_checker_would_see() -> None:
    plan = _find(7, None)
    clean = _with_defects(plan).documents[0].data
    blurred = _with_defects(plan, Defect.BLUR).documents[0].data
    glared = _with_defects(plan, Defect.GLARE).documents[0].data
    cut = _with_defects(plan, Defect.CUT_CORNER).documents[0].data

    assert _sharpness(blurred) < _sharpness(clean) / 2
    white = [sum(_open(d).convert("L").histogram()[250:]) for d in (clean, glared)]
    assert white[1] > white[0] + 20_000
    clean_size, cut_size = _open(clean).size, _open(cut).size
    assert cut_size[0] < clean_size[0] * 0.8 and cut_size[1] < clean_size[1] * 0.8


def test_screen_photo_shows_a_dark_bezel_round_the_document() -> None:
    plan = _find(8, None)
    on_screen = _open(_with_defects(plan, Defect.SCREEN_PHOTO).documents[0].data).convert("L")
    clean = _open(_with_defects(plan).documents[0].data).convert("L")

    def dark(image: Image.Image) -> int:
        return sum(image.histogram()[:25])

    assert dark(on_screen) > dark(clean) + 50_000


def test_different_face_changes_the_selfie_but_not_the_documents() -> None:
    plan = _find(9, None)
    same = render_case(plan, today=TODAY)
    other = render_case(replace(plan, selfie_face=plan_case(10, 0, today=TODAY).face), today=TODAY)

    assert _hashes(same)[:-1] == _hashes(other)[:-1]
    assert same.selfie.data != other.selfie.data
