"""Faces found and described inside the deployment, with dlib: nothing leaves the machine.

Models (all from the ``face-recognition-models`` package, CC0 / public domain, by Davis King):
dlib's HOG frontal face detector (built into dlib), the MMOD CNN face detector as a fallback,
the 5-point landmark model to align faces, and the ResNet model that turns an aligned face into
128 numbers. The 68-point landmark model in the same package is never loaded: its training data
(iBUG 300-W) excludes commercial use.

Detection runs as a cascade, cheapest first, on the ~1600 px preview intake made:

1. HOG on a scaled-down copy (a photo ID at 800 px with 2x upsampling, because its portrait is
   small; a selfie at 400 px, because its face is large);
2. HOG with more upsampling or at another size;
3. for a selfie, the CNN detector on a small copy (slow, so only when HOG found nothing);
4. the best weak HOG find (score just below HOG's threshold), if any.

Every box is reported in the preview's pixels. Landmarks and the descriptor are computed on the
preview itself, so a small document portrait is described from every pixel it has.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from enum import StrEnum

import dlib
import face_recognition_models
import numpy as np
from PIL import Image

#: Stored with every comparison, so a stored distance always says which models produced it.
MODEL_VERSION = f"dlib {dlib.__version__}; hog+mmod; 5-point; resnet v1"
#: Side of the aligned face chip the descriptor and the sharpness measure look at.
CHIP_PX = 150


class Picture(StrEnum):
    PHOTO_ID = "photo_id"
    SELFIE = "selfie"


@dataclass(frozen=True)
class Box:
    left: int
    top: int
    right: int
    bottom: int

    @property
    def width(self) -> int:
        return self.right - self.left

    def as_list(self) -> list[int]:
        return [self.left, self.top, self.right, self.bottom]


@dataclass(frozen=True)
class Face:
    box: Box
    detector: str  # "hog" or "cnn"
    score: float
    #: The box reaches past the picture's edge: part of the face is not in the picture.
    cut_off: bool
    #: Variance of the Laplacian on the aligned grey chip: low is blurred.
    sharpness: float
    descriptor: tuple[float, ...]


#: (long side to scale to, upsampling) per pass, per kind of picture.
_HOG_PASSES = {
    Picture.PHOTO_ID: ((800, 1), (800, 2)),
    Picture.SELFIE: ((400, 0), (600, 0), (300, 0)),
}
#: The CNN detector only where it pays: a selfie's large face, on a small copy. On a photo ID
#: the portrait is too small for it at any size that runs in reasonable time.
_CNN_PASS = {Picture.SELFIE: (300, 0)}
#: HOG finds at or above 0 are faces; between this and 0 they are kept as a last resort (a
#: screen photo or glare weakens a real face's score), the best one only.
WEAK_SCORE = -0.5


class FaceEngine:
    """Loads the models once per process (about 0.3 s, 32 MB) and is safe to share."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._hog = dlib.get_frontal_face_detector()
        self._cnn = dlib.cnn_face_detection_model_v1(
            face_recognition_models.cnn_face_detector_model_location()
        )
        self._landmarks = dlib.shape_predictor(
            face_recognition_models.pose_predictor_five_point_model_location()
        )
        self._resnet = dlib.face_recognition_model_v1(
            face_recognition_models.face_recognition_model_location()
        )

    def faces(self, image: Image.Image, picture: Picture) -> list[Face]:
        """Every face found, largest first (so the main portrait before a passport's ghost)."""
        rgb = np.asarray(image.convert("RGB"))
        with self._lock:  # dlib's models are not documented as thread-safe
            boxes = self._detect(image, picture)
            found = [self._describe(rgb, box, detector, score) for box, detector, score in boxes]
        return sorted(found, key=lambda face: face.box.width, reverse=True)

    def _detect(self, image: Image.Image, picture: Picture) -> list[tuple[Box, str, float]]:
        """The first pass that finds a face wins; a weak find is kept for the very end."""
        weak: list[tuple[Box, str, float]] = []
        for long_side, upsample in _HOG_PASSES[picture]:
            small, scale = _scaled(image, long_side)
            rects, scores, _ = self._hog.run(np.asarray(small), upsample, WEAK_SCORE)
            found = [(_box(r, scale), "hog", float(s)) for r, s in zip(rects, scores, strict=True)]
            if any(score >= 0.0 for _, _, score in found):
                return [hit for hit in found if hit[2] >= 0.0]
            weak = weak or found
        if picture in _CNN_PASS:
            long_side, upsample = _CNN_PASS[picture]
            small, scale = _scaled(image, long_side)
            found = [
                (_box(hit.rect, scale), "cnn", float(hit.confidence))
                for hit in self._cnn(np.asarray(small), upsample)
                if hit.confidence > 0.0
            ]
            if found:
                return found
        return sorted(weak, key=lambda hit: hit[2], reverse=True)[:1]

    def _describe(self, rgb: np.ndarray, box: Box, detector: str, score: float) -> Face:
        height, width = rgb.shape[:2]
        rect = dlib.rectangle(box.left, box.top, box.right, box.bottom)
        shape = self._landmarks(rgb, rect)
        descriptor = self._resnet.compute_face_descriptor(rgb, shape)
        chip = dlib.get_face_chip(rgb, shape, size=CHIP_PX)
        cut_off = box.left < 0 or box.top < 0 or box.right > width or box.bottom > height
        return Face(
            box=box,
            detector=detector,
            score=round(score, 3),
            cut_off=cut_off,
            sharpness=round(laplacian_variance(chip), 1),
            descriptor=tuple(float(v) for v in descriptor),
        )


def laplacian_variance(rgb: np.ndarray) -> float:
    """How much fine detail a picture has; blur lowers it sharply."""
    grey = rgb.astype(np.float32) @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
    lap = grey[:-2, 1:-1] + grey[2:, 1:-1] + grey[1:-1, :-2] + grey[1:-1, 2:] - 4 * grey[1:-1, 1:-1]
    return float(lap.var())


def distance(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    """Euclidean distance between two descriptors: dlib's measure (same person below ~0.6)."""
    return float(np.linalg.norm(np.asarray(a) - np.asarray(b)))


def _scaled(image: Image.Image, long_side: int) -> tuple[Image.Image, float]:
    scale = min(1.0, long_side / max(image.size))
    if scale == 1.0:
        return image.convert("RGB"), 1.0
    size = (round(image.width * scale), round(image.height * scale))
    return image.convert("RGB").resize(size, Image.Resampling.BILINEAR), scale


def _box(rect: dlib.rectangle, scale: float) -> Box:
    return Box(
        round(rect.left() / scale),
        round(rect.top() / scale),
        round(rect.right() / scale),
        round(rect.bottom() / scale),
    )


_shared: FaceEngine | None = None
_shared_lock = threading.Lock()


def get_face_engine() -> FaceEngine:
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = FaceEngine()
        return _shared
