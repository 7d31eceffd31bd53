"""The image viewers' tools, as a checker uses them on the 300th case of the day: by keyboard."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.ui.review_support import HEADING, shown_case_id, wait_until_both_images_painted

pytestmark = pytest.mark.browser

OpenAs = Callable[..., Page]


def _frame(page: Page, viewer: str) -> Locator:
    return page.locator(f"#viewer-{viewer} .viewer-frame")


def _open_workspace(open_as: OpenAs, user: str) -> Page:
    page = open_as(user)
    page.goto("/review")
    shown_case_id(page)
    wait_until_both_images_painted(page)
    _frame(page, "document").focus()  # the image keys act on the document viewer
    return page


def _image_inside_frame(page: Page, viewer: str) -> bool:
    return page.evaluate(
        """viewer => {
            const frame = document.querySelector(`#viewer-${viewer} .viewer-frame`);
            const image = frame.querySelector("img.viewer-image");
            const f = frame.getBoundingClientRect(), i = image.getBoundingClientRect();
            // At 100% the whole image area is the frame's: nothing of it may leave the frame.
            return i.left >= f.left - 1 && i.top >= f.top - 1 &&
                   i.right <= f.right + 1 && i.bottom <= f.bottom + 1;
        }""",
        viewer,
    )


def test_with_link_zoom_on_reset_puts_both_images_back_not_only_the_document(
    open_as: OpenAs,
) -> None:
    page = _open_workspace(open_as, "checker.one")

    page.keyboard.press("+")
    page.keyboard.press("+")
    expect(_frame(page, "selfie")).to_have_attribute("data-scale", "1.563")
    page.keyboard.press("0")

    expect(_frame(page, "document")).to_have_attribute("data-scale", "1.000")
    expect(_frame(page, "selfie")).to_have_attribute("data-scale", "1.000")


def test_arrow_keys_leave_an_unzoomed_image_in_view_and_a_zoomed_one_covering_its_frame(
    open_as: OpenAs,
) -> None:
    page = _open_workspace(open_as, "checker.one")

    for _ in range(5):
        page.keyboard.press("ArrowLeft")
        page.keyboard.press("ArrowUp")

    expect(_frame(page, "document")).to_have_attribute("data-x", "0")
    expect(_frame(page, "document")).to_have_attribute("data-y", "0")
    assert _image_inside_frame(page, "document")

    page.keyboard.press("+")  # 125%: a quarter of the frame's width to move through
    for _ in range(20):
        page.keyboard.press("ArrowLeft")
    width = _frame(page, "document").bounding_box()["width"]  # type: ignore[index]
    shift = float(_frame(page, "document").get_attribute("data-x") or "0")
    assert 0 < shift <= width * 0.25 / 2 + 1
    page.keyboard.press("0")


def test_brightness_contrast_and_invert_have_keys_and_named_buttons_with_tooltips(
    open_as: OpenAs,
) -> None:
    page = _open_workspace(open_as, "checker.one")
    frame = _frame(page, "document")

    page.keyboard.press("b")
    expect(frame).to_have_attribute("data-brightness", "120")
    page.keyboard.press("Shift+B")
    page.keyboard.press("Shift+B")
    expect(frame).to_have_attribute("data-brightness", "80")
    page.keyboard.press("c")
    expect(frame).to_have_attribute("data-contrast", "120")
    page.keyboard.press("Shift+C")
    expect(frame).to_have_attribute("data-contrast", "100")
    page.keyboard.press("i")
    expect(frame).to_have_attribute("data-invert", "true")

    toolbar = page.locator("#viewer-document .viewer-toolbar")
    for name in (
        "Brighter (B)",
        "Darker (Shift+B)",
        "More contrast (C)",
        "Less contrast (Shift+C)",
        "Invert colours (I)",
        "Magnifier loupe (L)",
    ):
        expect(toolbar.get_by_role("button", name=name, exact=True)).to_have_count(1)
    toolbar.get_by_role("button", name="Darker (Shift+B)").focus()
    expect(page.locator("#viewer-document .viewer-tip")).to_have_text("Darker (Shift+B)")
    page.keyboard.press("0")
    expect(frame).to_have_attribute("data-brightness", "100")

    page.locator(HEADING).focus()
    page.keyboard.press("?")
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    for key in ("B and Shift+B", "C and Shift+C", "I", "L"):
        expect(dialog.locator("kbd", has_text=re.compile(rf"^{re.escape(key)}$"))).to_have_count(1)
    page.keyboard.press("Escape")


def test_the_loupe_works_from_the_keyboard_and_is_off_again_for_the_next_case(
    open_as: OpenAs,
) -> None:
    page = _open_workspace(open_as, "checker.two")
    frame = _frame(page, "document")

    page.keyboard.press("l")
    loupe = page.locator("#viewer-document .viewer-loupe")
    expect(loupe).to_be_visible()
    start = loupe.bounding_box()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowDown")
    moved = loupe.bounding_box()
    assert start is not None and moved is not None
    assert (round(moved["x"] - start["x"]), round(moved["y"] - start["y"])) == (30, 30)
    expect(frame).to_have_attribute("data-x", "0")  # the loupe moved, not the image

    case_id = shown_case_id(page)
    page.keyboard.press("r")
    expect(page.locator("#reject-form")).to_be_visible()
    page.keyboard.press("6")
    page.get_by_role("button", name="Reject case").click()
    expect(page.locator(HEADING)).not_to_have_text(re.compile(rf"case {case_id}$"))
    wait_until_both_images_painted(page)

    expect(frame).to_have_attribute("data-loupe", "off")
    expect(loupe).to_have_count(0)
