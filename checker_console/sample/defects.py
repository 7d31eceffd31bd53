"""The defects ID checkers meet, which rejection reason each one calls for, and the image
effects that produce them.

Some defects are in the data (an expired date, a name the invitation spells differently, a
wrong MRZ check digit, someone else's face); the rest are how the photo was taken (blur, glare,
a cut-off corner, a photo of a screen). Each maps to one published rejection reason, which is
the ground truth a correct checker gives.
"""

from __future__ import annotations

import random
from enum import StrEnum

from PIL import Image, ImageChops, ImageDraw, ImageFilter

from checker_console.domain.reasons import DocumentKind, RejectionReason


class Defect(StrEnum):
    BLUR = "blur"
    GLARE = "glare"
    CUT_CORNER = "cut_corner"
    SCREEN_PHOTO = "screen_photo"
    EXPIRED = "expired"
    NAME_MISMATCH = "name_mismatch"
    DOB_MISMATCH = "dob_mismatch"
    WRONG_MRZ_CHECK_DIGIT = "wrong_mrz_check_digit"
    DIFFERENT_FACE = "different_face"
    BUSY_BACKGROUND = "busy_background"


DEFECT_REASON: dict[Defect, RejectionReason] = {
    Defect.BLUR: RejectionReason.DOCUMENT_UNREADABLE,
    Defect.GLARE: RejectionReason.DOCUMENT_UNREADABLE,
    Defect.CUT_CORNER: RejectionReason.DOCUMENT_INCOMPLETE,
    Defect.SCREEN_PHOTO: RejectionReason.NOT_ORIGINAL,
    Defect.EXPIRED: RejectionReason.DOCUMENT_EXPIRED,
    Defect.NAME_MISMATCH: RejectionReason.DETAILS_MISMATCH,
    Defect.DOB_MISMATCH: RejectionReason.DETAILS_MISMATCH,
    # A check digit that does not add up means the data page was altered or is not genuine.
    Defect.WRONG_MRZ_CHECK_DIGIT: RejectionReason.NOT_ORIGINAL,
    Defect.DIFFERENT_FACE: RejectionReason.FACE_MISMATCH,
    Defect.BUSY_BACKGROUND: RejectionReason.PHOTO_RULES,
}

#: What the checker should notice, for defects whose note needs no case details.
DEFECT_NOTE: dict[Defect, str] = {
    Defect.BLUR: "The photo ID is too blurred to read.",
    Defect.GLARE: "Glare hides part of the photo ID.",
    Defect.CUT_CORNER: "A corner of the photo ID is cut off.",
    Defect.SCREEN_PHOTO: "The photo ID was photographed on a screen (moire, bezel).",
    Defect.DIFFERENT_FACE: "The selfie shows a different person from the photo ID.",
    Defect.BUSY_BACKGROUND: "The selfie's background is not plain (shelves and a poster behind).",
}

_GROUPS = (
    (Defect.BLUR, Defect.GLARE, Defect.CUT_CORNER, Defect.SCREEN_PHOTO),
    (Defect.EXPIRED, Defect.NAME_MISMATCH, Defect.DOB_MISMATCH, Defect.WRONG_MRZ_CHECK_DIGIT),
    (Defect.DIFFERENT_FACE, Defect.BUSY_BACKGROUND),
)


def applicable_defects(photo_id: DocumentKind) -> list[Defect]:
    """Every defect that can happen with this kind of photo ID (only passports have an MRZ)."""
    return [d for d in Defect if d is not Defect.WRONG_MRZ_CHECK_DIGIT or photo_id == "passport"]


def choose_defects(rng: random.Random, photo_id: DocumentKind) -> tuple[Defect, ...]:
    """One defect, or now and then two from different groups (say blurred and expired)."""
    possible = applicable_defects(photo_id)
    first = rng.choice(possible)
    if rng.random() >= 0.15:
        return (first,)
    other_groups = [d for g in _GROUPS if first not in g for d in g if d in possible]
    return tuple(sorted((first, rng.choice(other_groups)), key=list(Defect).index))


def reasons_for(defects: tuple[Defect, ...] | list[Defect]) -> list[RejectionReason]:
    """The rejection reasons a correct checker gives, in the published order, without repeats."""
    wanted = {DEFECT_REASON[d] for d in defects}
    return [reason for reason in RejectionReason if reason in wanted]


def blur(image: Image.Image, rng: random.Random) -> Image.Image:
    """Camera shake or missed focus: every word too soft to read."""
    return image.filter(ImageFilter.GaussianBlur(image.width / rng.uniform(160, 220)))


def glare(image: Image.Image, rng: random.Random) -> Image.Image:
    """A burnt-out reflection of a lamp or window over part of the document."""
    width, height = image.size
    blob_w = int(width * rng.uniform(0.3, 0.45))
    blob_h = int(blob_w * rng.uniform(0.6, 0.9))
    core = Image.radial_gradient("L").resize((blob_w, blob_h), Image.Resampling.BILINEAR)
    mask = core.point(lambda v: max(0, min(255, int((255 - v) * 1.9 - 120))))
    at = (
        int(width * rng.uniform(0.3, 0.7) - blob_w / 2),
        int(height * rng.uniform(0.3, 0.6) - blob_h / 2),
    )
    out = image.copy()
    out.paste((255, 255, 250), at, mask)
    return out


def cut_corner(image: Image.Image, rng: random.Random) -> Image.Image:
    """The frame cuts off one corner of the document (the photo is taken too close)."""
    width, height = image.size
    cut_x, cut_y = int(width * rng.uniform(0.24, 0.3)), int(height * rng.uniform(0.26, 0.32))
    corner = rng.choice(["top_left", "top_right", "bottom_left", "bottom_right"])
    left = cut_x if corner.endswith("left") else 0
    right = width if corner.endswith("left") else width - cut_x
    top = cut_y if corner.startswith("top") else 0
    bottom = height if corner.startswith("top") else height - cut_y
    return image.crop((left, top, right, bottom))


def on_screen(document: Image.Image, rng: random.Random) -> Image.Image:
    """The document shown on a phone or monitor screen, bezel and pixel grid included.

    The fine grid of the display turns into moire stripes once the photo is warped and
    scaled, the tell-tale a checker looks for; a glassy sheen and a cool cast complete it.
    """
    screen_w = document.width
    screen_h = int(document.height * screen_w / document.width)
    screen = document.resize((screen_w, screen_h)).convert("RGB")
    pitch = rng.choice([3, 4])
    grid = Image.new("L", screen.size, 255)
    draw = ImageDraw.Draw(grid)
    for y in range(0, screen_h, pitch):
        draw.line([(0, y), (screen_w, y)], fill=150)
    for x in range(0, screen_w, pitch):
        draw.line([(x, 0), (x, screen_h)], fill=190)
    screen = ImageChops.multiply(screen, grid.convert("RGB"))
    screen = Image.blend(screen, Image.new("RGB", screen.size, (150, 190, 255)), 0.12)
    border = int(screen_w * 0.05)
    device = Image.new("RGB", (screen_w + 2 * border, screen_h + 2 * border), (0, 0, 0))
    mask = Image.new("L", device.size, 0)
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, *device.size), radius=border * 2, fill=255)
    device.paste(screen, (border, border))
    sheen = Image.linear_gradient("L").rotate(35, expand=False).resize(device.size)
    device.paste((255, 255, 255), (0, 0), sheen.point(lambda v: int(v * 0.18)))
    ImageDraw.Draw(device).ellipse(
        (device.width // 2 - 10, border // 2 - 10, device.width // 2 + 10, border // 2 + 10),
        fill=(40, 40, 50),
    )
    device.putalpha(mask)  # rounded corners: the table shows through
    return device
