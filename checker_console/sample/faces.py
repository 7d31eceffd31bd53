"""Drawn faces: no real person is ever in a sample case.

A face is a handful of parameters (skin tone, hair, face shape, eye spacing and so on). The same
parameters drawn twice give the same face, so the portrait on a document and the selfie match;
the "different face" defect draws the selfie from other parameters. Faces are drawn with
ellipses and arcs on a head-and-shoulders layout, like a passport photo.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

from PIL import Image, ImageChops, ImageDraw, ImageFilter

Colour = tuple[int, int, int]

SKIN_TONES: list[Colour] = [
    (255, 224, 196),
    (241, 194, 160),
    (224, 172, 125),
    (198, 134, 96),
    (161, 102, 70),
    (126, 80, 52),
    (92, 58, 38),
]
HAIR_COLOURS: list[Colour] = [
    (24, 20, 18),
    (58, 38, 26),
    (96, 64, 40),
    (150, 110, 64),
    (200, 160, 96),
    (168, 72, 36),
    (140, 136, 132),
]
IRIS_COLOURS: list[Colour] = [(70, 44, 26), (40, 28, 20), (64, 100, 140), (78, 110, 70)]
CLOTHES: list[Colour] = [(30, 50, 90), (90, 90, 96), (20, 20, 24), (120, 30, 40), (40, 90, 70)]
HAIR_STYLES = ("short", "long", "bun", "curly", "bald", "fringe")


@dataclass(frozen=True)
class FaceParams:
    skin: int  # index into SKIN_TONES
    hair_colour: int  # index into HAIR_COLOURS
    hair_style: str
    face_width: float  # head width as a share of the picture width
    face_height: float  # head height as a share of the picture height
    eye_spacing: float  # distance between the eyes as a share of head width
    eye_size: float
    iris: int
    brow_weight: float
    nose_length: float
    mouth_width: float
    beard: bool
    glasses: bool
    clothes: int


def random_face(rng: random.Random, *, sex: str) -> FaceParams:
    """A plausible face; ``sex`` only shifts the odds of hair styles and beards."""
    styles = ["short", "short", "bald", "curly", "fringe"] if sex == "M" else list(HAIR_STYLES)
    return FaceParams(
        skin=rng.randrange(len(SKIN_TONES)),
        hair_colour=rng.randrange(len(HAIR_COLOURS) - 1),
        hair_style=rng.choice(styles),
        face_width=rng.uniform(0.40, 0.50),
        face_height=rng.uniform(0.44, 0.52),
        eye_spacing=rng.uniform(0.36, 0.46),
        eye_size=rng.uniform(0.8, 1.2),
        iris=rng.randrange(len(IRIS_COLOURS)),
        brow_weight=rng.uniform(0.6, 1.4),
        nose_length=rng.uniform(0.14, 0.22),
        mouth_width=rng.uniform(0.28, 0.42),
        beard=sex == "M" and rng.random() < 0.25,
        glasses=rng.random() < 0.2,
        clothes=rng.randrange(len(CLOTHES)),
    )


def different_face(rng: random.Random, face: FaceParams, *, sex: str) -> FaceParams:
    """Someone else of a broadly similar look: near skin tone, but other hair and features.

    Impostors tend to resemble the person they pretend to be, so the difference is in shape and
    hair rather than an obvious change of skin tone.
    """
    other = random_face(rng, sex=sex)
    skin = max(0, min(len(SKIN_TONES) - 1, face.skin + rng.choice([-1, 0, 1])))
    style = rng.choice([s for s in HAIR_STYLES if s != face.hair_style])
    hair = rng.choice([i for i in range(len(HAIR_COLOURS) - 1) if i != face.hair_colour])
    wider = face.face_width + (0.06 if face.face_width < 0.45 else -0.06)
    return replace(
        other, skin=skin, hair_style=style, hair_colour=hair, face_width=wider, glasses=False
    )


def _shade(colour: Colour, factor: float) -> Colour:
    return (
        max(0, min(255, int(colour[0] * factor))),
        max(0, min(255, int(colour[1] * factor))),
        max(0, min(255, int(colour[2] * factor))),
    )


def draw_face(
    face: FaceParams,
    size: tuple[int, int],
    *,
    background: Colour | Image.Image = (222, 224, 226),
    supersample: int = 1,
) -> Image.Image:
    """A head-and-shoulders picture of ``face`` on a plain colour or a backdrop picture.

    ``supersample`` draws larger and scales down (smooth edges for small document portraits).
    """
    w, h = size[0] * supersample, size[1] * supersample
    if isinstance(background, Image.Image):
        image = background.convert("RGB")
        image = image.resize((w, h)) if image.size != (w, h) else image.copy()
    else:
        image = Image.new("RGB", (w, h), background)
    draw = ImageDraw.Draw(image)
    skin = SKIN_TONES[face.skin]
    hair = HAIR_COLOURS[face.hair_colour]
    cx, cy = w / 2, h * 0.44
    rx, ry = face.face_width * w / 2, face.face_height * h / 2

    def box(x: float, y: float, half_w: float, half_h: float) -> tuple[float, float, float, float]:
        return (x - half_w, y - half_h, x + half_w, y + half_h)

    # Shoulders, neck, hair behind the head, ears.
    draw.ellipse((w * 0.02, h * 0.80, w * 0.98, h * 1.45), fill=CLOTHES[face.clothes])
    if face.hair_style == "long":  # falls behind the head and over the shoulders
        draw.ellipse(box(cx, cy - ry * 0.1, rx * 1.14, ry * 1.0), fill=hair)
        for side in (-1, 1):
            x = cx + side * rx * 0.82
            draw.rounded_rectangle(
                (x - rx * 0.34, cy - ry * 0.4, x + rx * 0.34, cy + ry * 1.45),
                radius=rx * 0.3,
                fill=hair,
            )
    elif face.hair_style == "curly":
        draw.ellipse(box(cx, cy - ry * 0.05, rx * 1.2, ry * 1.05), fill=hair)
    draw.rectangle(box(cx, cy + ry * 1.05, rx * 0.42, ry * 0.45), fill=_shade(skin, 0.88))
    if face.hair_style == "bun":
        draw.ellipse(box(cx, cy - ry * 1.12, rx * 0.42, ry * 0.32), fill=hair)
    for side in (-1, 1):
        draw.ellipse(box(cx + side * rx * 0.98, cy + ry * 0.05, rx * 0.14, ry * 0.2), fill=skin)
    # The head, with a slightly darker rim.
    draw.ellipse(box(cx, cy, rx, ry), fill=skin, outline=_shade(skin, 0.8), width=max(1, w // 300))
    _shade_head(image, face, cx, cy, rx, ry)
    _draw_hair_top(draw, face, cx, cy, rx, ry, hair)
    _draw_features(draw, face, cx, cy, rx, ry, w)
    if supersample > 1:
        image = image.resize(size, Image.Resampling.LANCZOS)
    return image


def _shade_head(
    image: Image.Image, face: FaceParams, cx: float, cy: float, rx: float, ry: float
) -> None:
    """Light and shadow on the head: sockets round the eyes, the sides of the nose, under the
    nose, lip and chin, and a fall-off towards the edge, as a face lit from the front shows.

    A flat disc with features on it does not look like a face to a face detector; these soft
    shadows are what makes it read as one. The shadow mask is low-frequency, so it is drawn at a
    quarter of the size and scaled up.
    """
    k = 4
    w, h = image.size
    small = (max(1, w // k), max(1, h // k))
    mask = Image.new("L", small, 0)
    draw = ImageDraw.Draw(mask)

    def oval(x: float, y: float, half_w: float, half_h: float, value: int) -> None:
        draw.ellipse(
            ((x - half_w) / k, (y - half_h) / k, (x + half_w) / k, (y + half_h) / k), fill=value
        )

    head = Image.new("L", small, 0)
    ImageDraw.Draw(head).ellipse(
        ((cx - rx) / k, (cy - ry) / k, (cx + rx) / k, (cy + ry) / k), fill=255
    )
    draw.rectangle((0, 0, small[0], small[1]), fill=185)
    oval(cx, cy + ry * 0.05, rx * 0.78, ry * 0.85, 0)  # the lit middle of the face
    eye_y = cy - ry * 0.05
    for side in (-1, 1):
        oval(cx + side * face.eye_spacing * rx, eye_y, rx * 0.3, ry * 0.17, 235)  # eye sockets
        oval(cx + side * rx * 0.11, eye_y + ry * 0.22, rx * 0.05, ry * 0.2, 160)  # nose sides
    nose_bottom = eye_y + ry * (0.05 + face.nose_length * 2)
    oval(cx, nose_bottom + ry * 0.05, rx * 0.16, ry * 0.05, 170)  # under the nose
    oval(cx, nose_bottom + ry * 0.36, rx * 0.22, ry * 0.06, 110)  # under the lower lip
    blur = max(1.0, rx / k * 0.09)
    mask = mask.filter(ImageFilter.GaussianBlur(blur))
    mask = ImageChops.multiply(mask, head).resize((w, h), Image.Resampling.BILINEAR)
    shadow = Image.new("RGB", (w, h), _shade(SKIN_TONES[face.skin], 0.55))
    image.paste(shadow, (0, 0), mask)


def _draw_hair_top(
    draw: ImageDraw.ImageDraw,
    face: FaceParams,
    cx: float,
    cy: float,
    rx: float,
    ry: float,
    hair: Colour,
) -> None:
    if face.hair_style == "bald":
        return
    lift = {"curly": 1.14, "short": 1.06, "fringe": 1.08}.get(face.hair_style, 1.08)
    hairline = cy - ry * 0.55
    top = cy - ry * lift
    # A half-ellipse from the hairline up; its flat side is the hairline.
    draw.chord((cx - rx * 1.04, top, cx + rx * 1.04, 2 * hairline - top), 180, 360, fill=hair)
    for side in (-1, 1):  # hair over the temples, down to the ears
        x = cx + side * rx * 0.86
        draw.ellipse((x - rx * 0.2, hairline - ry * 0.2, x + rx * 0.2, cy - ry * 0.05), fill=hair)
    if face.hair_style == "fringe":
        draw.chord((cx - rx, cy - ry * 0.95, cx + rx, cy - ry * 0.05), 180, 360, fill=hair)
    elif face.hair_style == "curly":
        for i in range(9):
            x = cx - rx * 1.05 + i * rx * 0.26
            draw.ellipse((x - rx * 0.18, cy - ry * 1.15, x + rx * 0.18, cy - ry * 0.7), fill=hair)


def _draw_features(
    draw: ImageDraw.ImageDraw,
    face: FaceParams,
    cx: float,
    cy: float,
    rx: float,
    ry: float,
    w: int,
) -> None:
    skin = SKIN_TONES[face.skin]
    line = max(1, round(w / 180))
    eye_y = cy - ry * 0.05
    eye_dx = face.eye_spacing * rx
    eye_w, eye_h = rx * 0.17 * face.eye_size, ry * 0.075 * face.eye_size
    brow = _shade(HAIR_COLOURS[face.hair_colour], 0.8)
    for side in (-1, 1):
        ex = cx + side * eye_dx
        draw.ellipse((ex - eye_w, eye_y - eye_h, ex + eye_w, eye_y + eye_h), fill=(228, 224, 216))
        iris_r = eye_h * 0.95
        draw.ellipse(
            (ex - iris_r, eye_y - iris_r, ex + iris_r, eye_y + iris_r), fill=IRIS_COLOURS[face.iris]
        )
        draw.ellipse(
            (ex - iris_r * 0.4, eye_y - iris_r * 0.4, ex + iris_r * 0.4, eye_y + iris_r * 0.4),
            fill=(10, 10, 10),
        )
        draw.arc(
            (ex - eye_w, eye_y - eye_h * 1.2, ex + eye_w, eye_y + eye_h * 1.2),
            190,
            350,
            fill=_shade(skin, 0.55),
            width=line,
        )
        brow_y = eye_y - ry * 0.17
        draw.line(
            [
                (ex - eye_w * 1.1, brow_y + ry * 0.02),
                (ex + side * eye_w * 0.2, brow_y - ry * 0.01),
                (ex + eye_w * 1.1 * side, brow_y + ry * 0.015),
            ],
            fill=brow,
            width=max(1, round(line * 2.6 * face.brow_weight)),
            joint="curve",
        )
        if face.glasses:
            draw.rounded_rectangle(
                (ex - eye_w * 1.7, eye_y - eye_h * 3.2, ex + eye_w * 1.7, eye_y + eye_h * 3.0),
                radius=eye_w * 0.6,
                outline=(30, 30, 34),
                width=line * 2,
            )
    if face.glasses:
        draw.line(
            [
                (cx - eye_dx + eye_w * 1.7, eye_y - eye_h),
                (cx + eye_dx - eye_w * 1.7, eye_y - eye_h),
            ],
            fill=(30, 30, 34),
            width=line * 2,
        )
    nose_top, nose_bottom = eye_y + ry * 0.05, eye_y + ry * (0.05 + face.nose_length * 2)
    shadow = _shade(skin, 0.72)
    draw.line([(cx + rx * 0.03, nose_top), (cx + rx * 0.07, nose_bottom)], fill=shadow, width=line)
    draw.arc(
        (cx - rx * 0.13, nose_bottom - ry * 0.05, cx + rx * 0.13, nose_bottom + ry * 0.04),
        20,
        160,
        fill=shadow,
        width=line,
    )
    mouth_y = nose_bottom + ry * 0.2
    half = face.mouth_width * rx
    lips = _shade((196, 104, 100), 0.55 + 0.45 * (1 - face.skin / len(SKIN_TONES)))
    draw.chord((cx - half, mouth_y - ry * 0.08, cx + half, mouth_y + ry * 0.1), 0, 180, fill=lips)
    draw.line(
        [(cx - half, mouth_y + ry * 0.01), (cx + half, mouth_y + ry * 0.01)],
        fill=_shade(lips, 0.6),
        width=line,
    )
    if face.beard and face.hair_style not in {"long", "bun"}:
        beard = HAIR_COLOURS[face.hair_colour]
        draw.chord((cx - rx * 0.98, cy - ry * 0.2, cx + rx * 0.98, cy + ry), 20, 160, fill=beard)
        draw.chord(
            (cx - half * 0.9, mouth_y - ry * 0.05, cx + half * 0.9, mouth_y + ry * 0.09),
            0,
            180,
            fill=lips,
        )
