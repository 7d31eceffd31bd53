"""The image viewers' tools, as a checker uses them on the 300th case of the day: by keyboard."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.ui.axe import serious_accessibility_problems
from tests.ui.review_support import (
    HEADING,
    reject_by_keyboard,
    shown_case_id,
    wait_until_both_images_painted,
)

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

    reject_by_keyboard(page)
    wait_until_both_images_painted(page)

    expect(frame).to_have_attribute("data-loupe", "off")
    expect(loupe).to_have_count(0)


def _cut_off(page: Page, times: int) -> list[str]:
    """Cut off the next ``times`` image loads mid-way, as a server worker killed mid-image
    would; the list fills with every image URL the viewers ask for."""
    asked: list[str] = []
    left = [times]

    def handle(route, request) -> None:  # noqa: ANN001 - Playwright's Route and Request
        asked.append(request.url)
        if "/preview" in request.url and left[0] > 0:
            left[0] -= 1
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route(re.compile(r"/images/\d+/"), handle)
    return asked


def test_an_image_cut_off_mid_load_is_fetched_again_without_reloading_the_page(
    open_as: OpenAs,
) -> None:
    page = open_as("checker.one")
    asked = _cut_off(page, times=2)  # the first load of the document and of the selfie
    pages_loaded: list[str] = []
    page.on("load", lambda loaded: pages_loaded.append(loaded.url))

    page.goto("/review")
    shown_case_id(page)

    wait_until_both_images_painted(page)
    expect(page.locator(".viewer-error")).to_have_count(0)
    assert any("reload=1" in url for url in asked)
    assert len(pages_loaded) == 1  # the checker never had to reload


def test_an_image_that_keeps_failing_says_so_and_try_again_fetches_it(open_as: OpenAs) -> None:
    page = open_as("checker.one")
    _cut_off(page, times=1000)
    page.goto("/review")
    shown_case_id(page)

    alert = page.locator("#viewer-document .viewer-error")
    expect(alert).to_contain_text("could not be loaded after 5 tries", timeout=20_000)
    assert serious_accessibility_problems(page) == []

    page.unroute(re.compile(r"/images/\d+/"))
    button = alert.get_by_role("button", name="Try again")
    button.focus()
    page.keyboard.press("Enter")

    expect(page.locator("#viewer-document")).to_have_attribute("data-loaded", "true")
    expect(alert).to_have_count(0)
