"""Render a planned sample case into the files an applicant uploads.

Rendering draws from a ``random.Random`` of its own, seeded from the case's seed, so the same
plan always gives the same bytes (JPEG encoding included) and planning can be done without
drawing, for instance to see whether a case is already in the database.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from PIL import Image

from checker_console.domain.reasons import DocumentKind, DocumentSide
from checker_console.sample import defects as effects
from checker_console.sample.address import draw_letter, letter_data
from checker_console.sample.defects import Defect
from checker_console.sample.licence import draw_licence_back, draw_licence_front, licence_data
from checker_console.sample.passport import break_check_digit, draw_passport_page, passport_data
from checker_console.sample.photos import phone_exif, place_on_table, to_jpeg
from checker_console.sample.plan import DEFAULT_DEFECT_SHARE, CasePlan, Truth, plan_case
from checker_console.sample.selfie import draw_selfie

ID_PHOTO_SIZE = (2000, 1500)
LETTER_PHOTO_SIZE = (1500, 2000)
#: Mixed into the case seed so rendering's random stream is not planning's.
_RENDER_SALT = 0x5EED


@dataclass(frozen=True)
class SampleFile:
    kind: str
    side: str
    page: int
    filename: str
    data: bytes
    content_type: str = "image/jpeg"


@dataclass(frozen=True)
class SampleCase:
    plan: CasePlan
    documents: tuple[SampleFile, ...]
    selfie: SampleFile
    #: The MRZ printed on the passport page (None for a driving licence), for tests and QA.
    mrz: tuple[str, str] | None

    @property
    def truth(self) -> Truth:
        return self.plan.truth


def generate_case(
    seed: int, index: int, *, today: date, defect_share: float = DEFAULT_DEFECT_SHARE
) -> SampleCase:
    """Plan and render case ``index`` of ``seed``."""
    return render_case(plan_case(seed, index, today=today, defect_share=defect_share), today=today)


def render_case(plan: CasePlan, *, today: date) -> SampleCase:
    rng = random.Random(plan.seed ^ _RENDER_SALT)
    documents, mrz = _photo_id_files(rng, plan, today)
    letter = draw_letter(rng, letter_data(rng, plan.person, today=today))
    documents.append(
        _photo_file(
            rng,
            letter,
            DocumentKind.PROOF_OF_ADDRESS,
            DocumentSide.PAGE,
            today,
            canvas=LETTER_PHOTO_SIZE,
        )
    )
    busy = Defect.BUSY_BACKGROUND in plan.defects
    selfie = SampleFile(
        kind=DocumentKind.SELFIE,
        side=DocumentSide.FRONT,
        page=1,
        filename=f"IMG_{_taken_at(rng, today):%Y%m%d_%H%M%S}.jpg",
        data=to_jpeg(draw_selfie(rng, plan.selfie_face, busy_background=busy), quality=88),
    )
    return SampleCase(plan=plan, documents=tuple(documents), selfie=selfie, mrz=mrz)


def _photo_id_files(
    rng: random.Random, plan: CasePlan, today: date
) -> tuple[list[SampleFile], tuple[str, str] | None]:
    """The photo ID's images, with the planned photo defects on the front (or data page)."""
    kind, person = plan.photo_id, plan.person
    if kind == DocumentKind.PASSPORT:
        data = passport_data(rng, person, issued=plan.issued, expires=plan.expires)
        if plan.broken_check is not None:
            data = replace(data, mrz=break_check_digit(data.mrz, plan.broken_check, rng))
        page = draw_passport_page(rng, data, plan.face)
        photo = _photo_file(rng, page, kind, DocumentSide.PAGE, today, defects=plan.defects)
        return [photo], data.mrz
    licence = licence_data(rng, person, issued=plan.issued, expires=plan.expires)
    front = draw_licence_front(rng, licence, plan.face)
    back = draw_licence_back(rng, licence)
    return [
        _photo_file(rng, front, kind, DocumentSide.FRONT, today, defects=plan.defects),
        _photo_file(rng, back, kind, DocumentSide.BACK, today),
    ], None


def _photo_file(
    rng: random.Random,
    document: Image.Image,
    kind: str,
    side: str,
    today: date,
    *,
    canvas: tuple[int, int] = ID_PHOTO_SIZE,
    defects: tuple[Defect, ...] = (),
) -> SampleFile:
    """Photograph ``document`` as the applicant would, applying any photo defects."""
    if Defect.SCREEN_PHOTO in defects:
        document = effects.on_screen(document, rng)
    photo = place_on_table(rng, document, canvas_size=canvas)
    if Defect.GLARE in defects:
        photo = effects.glare(photo, rng)
    if Defect.BLUR in defects:
        photo = effects.blur(photo, rng)
    if Defect.CUT_CORNER in defects:
        photo = effects.cut_corner(photo, rng)
    orientation = 6 if rng.random() < 0.2 else 1
    if orientation == 6:  # stored sideways with an EXIF tag, as phones do
        photo = photo.transpose(Image.Transpose.ROTATE_90)
    taken_at = _taken_at(rng, today)
    exif = phone_exif(rng, orientation=orientation, taken_at=taken_at)
    return SampleFile(
        kind=kind,
        side=side,
        page=1,
        filename=f"IMG_{taken_at:%Y%m%d_%H%M%S}.jpg",
        data=to_jpeg(photo, quality=85, exif=exif),
    )


def _taken_at(rng: random.Random, today: date) -> datetime:
    day = today - timedelta(days=rng.randint(0, 6))
    return datetime.combine(day, time(rng.randint(7, 22), rng.randint(0, 59), rng.randint(0, 59)))
