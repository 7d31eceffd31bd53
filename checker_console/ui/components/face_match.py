"""The face-similarity aid's two face crops, side by side at one scale, under the aids.

The crops come through the image route (``/images/{id}/face``: session, role, lease, audit,
no-store), like every identity image. The aid's sentence itself is in the aids list.
"""

from __future__ import annotations

import reflex as rx

from checker_console.ui.pages.review_state import ReviewState

CROP_DISPLAY_PX = "88"


def _crop(src: rx.Var[str], label: str) -> rx.Component:
    return rx.el.figure(
        rx.cond(
            src != "",
            rx.el.img(
                src=src,
                alt=f"The face found {label}, enlarged",
                width=CROP_DISPLAY_PX,
                height=CROP_DISPLAY_PX,
                class_name="faces__img",
            ),
            rx.el.div("No face found", class_name="faces__none"),
        ),
        rx.el.figcaption(label[0].upper() + label[1:]),
        class_name="faces__crop",
    )


def face_crops() -> rx.Component:
    """Nothing when the aid is off or not computed yet."""
    return rx.cond(
        ReviewState.face_crops.length() == 2,
        rx.el.div(
            _crop(ReviewState.face_crops[0], "on the photo ID"),
            _crop(ReviewState.face_crops[1], "in the selfie"),
            role="group",
            aria_label="Faces compared by the face-similarity aid, at the same scale",
            class_name="faces",
            id="face-crops",
        ),
    )
