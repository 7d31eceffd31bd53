"""The face-similarity aid in the review workspace, in Chromium: the aid's sentence among the
other aids and both face crops, loaded through the protected image route."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.ui.axe import serious_accessibility_problems
from tests.ui.conftest import Console
from tests.ui.review_support import release_everything_held_by, shown_case_id

pytestmark = pytest.mark.browser


def test_the_face_aid_and_both_face_crops_appear_in_the_workspace(
    open_as: Callable[..., Page], review_console: Console
) -> None:
    page = open_as("checker.two")
    try:
        page.goto("/queue")
        page.locator("#take-next").click()
        page.wait_for_url("**/review")
        shown_case_id(page)

        aid = page.locator(".aids li", has_text="Aid: face similarity")
        expect(aid).to_have_count(1)
        expect(aid).to_contain_text(re.compile("compare the faces", re.IGNORECASE))
        crops = page.locator("#face-crops img")
        expect(crops).to_have_count(2)
        for index in range(2):
            crop = crops.nth(index)
            expect(crop).to_have_attribute("src", re.compile(r"^/images/\d+/face$"))
            page.wait_for_function(
                "img => img.complete && img.naturalWidth === 240", arg=crop.element_handle()
            )
        expect(page.locator("#face-crops figcaption")).to_have_text(
            ["On the photo ID", "In the selfie"]
        )
        assert serious_accessibility_problems(page) == []
    finally:
        release_everything_held_by(review_console.database_url, "checker.two")
