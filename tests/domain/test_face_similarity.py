"""Bands and quality rules of the face-similarity aid."""

from __future__ import annotations

from checker_console.domain.face_similarity import (
    Band,
    FaceQuality,
    Problem,
    aid_text,
    band_for,
    problem_with,
)


def test_distances_fall_into_high_medium_and_low_bands() -> None:
    assert [band_for(d) for d in (0.05, 0.219, 0.22, 0.399, 0.40, 0.9)] == [
        Band.HIGH, Band.HIGH, Band.MEDIUM, Band.MEDIUM, Band.LOW, Band.LOW,
    ]  # fmt: skip


def test_a_passports_small_ghost_portrait_is_not_a_second_person() -> None:
    quality = FaceQuality(faces=2, width_px=124, sharpness=300.0, second_width_px=72)
    assert problem_with(quality, selfie=False) is None


def test_a_second_face_of_similar_size_in_a_selfie_is_a_second_person() -> None:
    quality = FaceQuality(faces=2, width_px=600, sharpness=300.0, second_width_px=500)
    assert problem_with(quality, selfie=True) is Problem.SECOND_PERSON


def test_blurred_tiny_and_cut_off_faces_each_have_their_own_reason() -> None:
    assert problem_with(FaceQuality(faces=1, width_px=124, sharpness=2.0), selfie=False) is (
        Problem.BLURRED
    )
    assert problem_with(FaceQuality(faces=1, width_px=40, sharpness=300.0), selfie=False) is (
        Problem.TOO_SMALL
    )
    assert (
        problem_with(FaceQuality(faces=1, width_px=600, sharpness=300.0, cut_off=True), selfie=True)
        is Problem.CUT_OFF
    )
    assert problem_with(FaceQuality(faces=0), selfie=False) is Problem.NO_FACE


def test_the_aid_says_it_is_an_aid_and_what_to_do() -> None:
    high = aid_text(Band.HIGH, distance=0.1234, problem=None, where=None)
    assert high == "Aid: face similarity high (distance 0.12). Still compare the faces yourself."
    poor = aid_text(Band.TOO_POOR, distance=None, problem=Problem.BLURRED, where="photo_id")
    assert "too poor to compare: the face on the photo ID is blurred" in poor
    second = aid_text(
        Band.COULD_NOT_COMPARE, distance=None, problem=Problem.SECOND_PERSON, where="selfie"
    )
    assert "more than one person in the selfie" in second and "smartcard photo rules" in second
