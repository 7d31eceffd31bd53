"""What a face comparison means to a checker: bands, quality rules and the words of the aid.

No I/O. The numbers come from measuring the sample set (``checker-console bench faces`` over
the demo's 60 cases, seed 1; figures in ``docs/BENCHMARKS.md``) with dlib's ResNet descriptor,
whose distances run from 0 (the same picture) up; dlib's own rule of thumb is "the same person
below 0.6", far too loose for drawn faces, which all share one way of drawing.

- Same person, pictures sharp enough to compare (55 pairs): 0.06 to 0.38, median 0.11, 47 of
  them below 0.22. Different people (59 pairs: the "different face" cases and each photo ID
  against the next case's selfie): 0.24 to 0.62, median 0.45, 45 of them at 0.40 or above.
- So **high** is below 0.22 (no different pair measured there), **low** is 0.40 and above (no
  sharp same-person pair measured there), and **medium** in between says plainly to compare
  closely: a quarter of different pairs and an eighth of same pairs land there.
- Blur pushes the same person's distance up into the different-person range (0.55 and 0.60
  for the two blurred photo IDs whose face was found at all), so a face that is too blurred or
  too small gives "too poor to compare" rather than "low". Sharpness is the variance of the
  Laplacian of the aligned 150 px face: 2 to 3 on blurred sample photos, 88 and above on all
  others, so the line is drawn at 45. A face narrower than 60 preview pixels carries too little
  detail (document portraits measure about 120 to 150).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

HIGH_BELOW = 0.22
LOW_FROM = 0.40
MIN_SHARPNESS = 45.0
MIN_FACE_PX = 60
#: A second face at least this share of the main face's width is a second person in shot.
SECOND_PERSON_SHARE = 0.5


class Band(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    TOO_POOR = "too_poor"
    COULD_NOT_COMPARE = "could_not_compare"


class Problem(StrEnum):
    """Why a picture could not be used, as stored and as explained to the checker."""

    NO_FACE = "no_face"
    SECOND_PERSON = "second_person"
    TOO_SMALL = "too_small"
    CUT_OFF = "cut_off"
    BLURRED = "blurred"
    NO_IMAGE = "no_image"


@dataclass(frozen=True)
class FaceQuality:
    """What the detector saw on one picture, enough to judge whether it can be compared."""

    faces: int
    width_px: int | None = None
    sharpness: float | None = None
    cut_off: bool = False
    second_width_px: int | None = None
    image_present: bool = True


def problem_with(quality: FaceQuality, *, selfie: bool) -> Problem | None:
    """The first reason this picture cannot be compared, or None if it can.

    On a photo ID a second, smaller face is expected (the ghost portrait); in a selfie a second
    face of a similar size is another person in shot, which the smartcard photo rules forbid.
    """
    if not quality.image_present:
        return Problem.NO_IMAGE
    if quality.faces == 0 or quality.width_px is None:
        return Problem.NO_FACE
    second = quality.second_width_px or 0
    if selfie and second >= quality.width_px * SECOND_PERSON_SHARE:
        return Problem.SECOND_PERSON
    if quality.cut_off:
        return Problem.CUT_OFF
    if quality.width_px < MIN_FACE_PX:
        return Problem.TOO_SMALL
    if quality.sharpness is not None and quality.sharpness < MIN_SHARPNESS:
        return Problem.BLURRED
    return None


def band_for(distance: float) -> Band:
    if distance < HIGH_BELOW:
        return Band.HIGH
    if distance < LOW_FROM:
        return Band.MEDIUM
    return Band.LOW


_WHERE = {"photo_id": "on the photo ID", "selfie": "in the selfie"}
_PROBLEM_WORDS = {
    Problem.NO_IMAGE: "there is no picture {where} to compare",
    Problem.NO_FACE: "no face found {where}",
    Problem.SECOND_PERSON: "more than one person {where}",
    Problem.TOO_SMALL: "the face {where} is too small",
    Problem.CUT_OFF: "the face {where} is cut off at the edge",
    Problem.BLURRED: "the face {where} is blurred",
}
_SELFIE_HINT = (
    " The selfie becomes the smartcard photo: check it against the smartcard photo rules "
    "(facing forward, plain background, nothing covering the face, no one else in shot)."
)


def aid_text(
    band: Band, *, distance: float | None, problem: Problem | None, where: str | None
) -> str:
    """The sentence the checker reads: always an aid, never a decision."""
    if band in (Band.HIGH, Band.MEDIUM, Band.LOW) and distance is not None:
        look = {
            Band.HIGH: "Still compare the faces yourself.",
            Band.MEDIUM: "Compare the faces closely.",
            Band.LOW: "Compare the faces closely: they may be different people.",
        }[band]
        return f"Aid: face similarity {band.value} (distance {distance:.2f}). {look}"
    reason = _PROBLEM_WORDS.get(problem or Problem.NO_FACE, "").format(
        where=_WHERE.get(where or "", "")
    )
    hint = _SELFIE_HINT if where == "selfie" else ""
    if band is Band.TOO_POOR:
        return (
            f"Aid: face similarity not measured, the picture is too poor to compare: {reason}. "
            f"Compare the faces yourself; 'too poor to compare' is a published reason.{hint}"
        )
    return f"Aid: face similarity could not compare: {reason}. Compare the faces yourself.{hint}"
