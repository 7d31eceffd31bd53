"""QA's blind replay: the recorded material in the review workspace's viewers, a verdict, a reveal.

The state reuses the review page's :class:`DecisionForm` for the checklist and the reasons, and
replaces its three decisions with QA's verdict (``approve``, ``reject``, ``refer``), so the same
keys do the same things. Nothing about the checker's decision reaches the browser before the
verdict is recorded: the reveal's variables stay empty until the service hands them over.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import reflex as rx

from checker_console.domain.decisions import DecisionOutcome, DecisionRefused
from checker_console.domain.roles import QA
from checker_console.services.oversight.replay import (
    NotYours,
    ReplayMaterial,
    Reveal,
    open_replay,
    record_verdict,
    recorded_image_url,
    reveal,
)
from checker_console.ui.calls import run_service
from checker_console.ui.pages.review_decision import DecisionForm
from checker_console.ui.pages.review_views import (
    AID_ICONS,
    AidView,
    ChecklistRowView,
    ComparisonRowView,
    ImageView,
    error_view,
)
from checker_console.ui.state import SessionState

REPLAY_HEADING_ID = "replay-heading"
OUTCOME_TEXT = {"approved": "Approve", "rejected": "Reject", "referred": "Refer"}


@dataclasses.dataclass
class CompareRow:
    label: str
    checker: str
    qa: str
    differs: bool


def _images(material: ReplayMaterial) -> tuple[list[ImageView], list[ImageView]]:
    documents, selfie = [], []
    for image in material.images:
        view = ImageView(
            key=image.preview_sha256,
            label=image.label,
            preview_url=recorded_image_url(material.sample_id, image.preview_sha256),
            thumbnail_url=recorded_image_url(material.sample_id, image.thumbnail_sha256),
            alt=f"{image.label}, as the checker saw it",
        )
        (selfie if image.role == "selfie" else documents).append(view)
    return documents, selfie


def _compare_rows(shown: Reveal) -> list[CompareRow]:
    ticked = sum(1 for line in shown.checker_checklist if line.get("answer"))
    seconds = f"{shown.checker_seconds:.0f} seconds" if shown.checker_seconds else "not recorded"
    rows = [
        (
            "Outcome",
            OUTCOME_TEXT.get(shown.checker_outcome, ""),
            OUTCOME_TEXT.get(shown.qa_outcome, ""),
        ),
        (
            "Reasons",
            ", ".join(shown.checker_reasons) or "None",
            ", ".join(shown.qa_reasons) or "None",
        ),
        ("Note", shown.checker_note or "None", shown.qa_note or "None"),
    ]
    return [CompareRow(label, a, b, a != b) for label, a, b in rows] + [
        CompareRow("Checklist items ticked", f"{ticked} of 8", "", False),
        CompareRow("Time spent", seconds, "", False),
    ]


class ReplayState(DecisionForm, SessionState):
    stage: str = "loading"  # loading | replay | revealed | refused
    message: str = ""
    has_case: bool = False
    case_id: int = 0
    sample_id: int = 0
    facts: list[str] = []
    documents: list[ImageView] = []
    selfie: list[ImageView] = []
    left_key: str = ""
    comparison: list[ComparisonRowView] = []
    mismatch_count: int = 0
    aids: list[AidView] = []
    link_zoom: bool = True
    note: str = ""
    images_deleted: str = ""
    # Filled only after QA's verdict.
    checker_name: str = ""
    agrees: bool = False
    compare_rows: list[CompareRow] = []
    trail: list[str] = []

    @rx.var
    def left(self) -> ImageView:
        found = next((i for i in self.documents if i.key == self.left_key), None)
        return found or ImageView("", "No document", "", "", "No document was sent")

    @rx.var
    def selfie_src(self) -> str:
        return self.selfie[0].preview_url if self.selfie else ""

    @rx.event
    async def load_replay(self):  # noqa: ANN201
        self.stage, self.message, self.has_case = "loading", "", False
        self.compare_rows, self.trail, self.checker_name = [], [], ""
        yield
        user = await self.user_with_role(QA, handler="ReplayState.load_replay")
        if user is None:
            self.stage = "refused"
            return
        raw = self.router.url.path.rstrip("/").rsplit("/", 1)[-1]
        try:
            material = await run_service(
                open_replay, sample_id=int(raw) if raw.isdigit() else 0, reviewer_id=user.user_id
            )
        except NotYours as refused:
            self.stage, self.message = "refused", refused.message
            return
        self._show(material)
        if material.has_verdict:
            await self._reveal(user.user_id)
        yield rx.set_focus(REPLAY_HEADING_ID)

    def _show(self, material: ReplayMaterial) -> None:
        self._reset_decision_form()
        self.stage, self.has_case = "replay", True
        self.case_id, self.sample_id = material.case_id, material.sample_id
        self.facts = [f"{f['label']}: {f['value']}" for f in material.facts if f["value"]]
        self.documents, self.selfie = _images(material)
        self.images_deleted = material.images_deleted
        self.left_key = self.documents[0].key if self.documents else ""
        self.comparison = [ComparisonRowView(**row) for row in material.data_rows]
        self.mismatch_count = sum(1 for row in material.data_rows if row["mismatch"])
        self.aids = [
            AidView(a["tone"], AID_ICONS.get(a["tone"], "i"), a["text"]) for a in material.aids
        ]
        self.checklist = [
            ChecklistRowView(line["key"], line["shortcut"], line["text"])
            for line in material.checklist
        ]
        self.note = ""

    async def _reveal(self, viewer_id: str) -> None:
        shown: Reveal = await run_service(reveal, sample_id=self.sample_id, viewer_id=viewer_id)
        self.stage, self.has_case, self.panel = "revealed", False, ""
        self.checker_name = shown.checker_name
        self.agrees = shown.agrees
        self.compare_rows = _compare_rows(shown)
        self.trail = [line.text for line in shown.trail]

    @rx.event
    def show_document(self, key: str) -> None:
        self.left_key = key

    @rx.event
    def toggle_link_zoom(self) -> None:
        self.link_zoom = not self.link_zoom

    @rx.event
    def keep_note(self, text: str) -> None:
        self.note = text

    # QA's verdict, on the same keys as a checker's decision --------------------------------

    @rx.event
    async def approve(self, ticked: list[str] | None = None, shown: int | None = None):  # noqa: ANN201
        async for update in self._verdict(DecisionOutcome.APPROVED, ticked, shown):
            yield update

    @rx.event
    async def reject(  # noqa: ANN201
        self, form: dict[str, Any], ticked: list[str] | None = None, shown: int | None = None
    ):
        async for update in self._verdict(DecisionOutcome.REJECTED, ticked, shown, form):
            yield update

    @rx.event
    async def refer(  # noqa: ANN201
        self, form: dict[str, Any], ticked: list[str] | None = None, shown: int | None = None
    ):
        async for update in self._verdict(DecisionOutcome.REFERRED, ticked, shown, form):
            yield update

    async def _verdict(  # noqa: ANN202
        self,
        outcome: str,
        ticked: list[str] | None,
        shown: int | None,
        form: dict[str, Any] | None = None,
    ):
        user = await self.user_with_role(QA, handler="ReplayState.verdict")
        if user is None or not self.has_case or shown != self.sample_id:
            return  # a verdict sent twice, the second with the replay already revealed
        note = str((form or {}).get("note", self.note))
        try:
            await run_service(
                record_verdict,
                sample_id=self.sample_id,
                reviewer_id=user.user_id,
                outcome=outcome,
                checklist=self._answers(ticked),
                reasons=[r.code for r in self.reasons if r.checked],
                note=note,
            )
        except DecisionRefused as refused:
            self.errors = [error_view(refused.field, refused.message)]
            yield rx.set_focus("error-summary")
            return
        except NotYours as refused:
            self.stage, self.message = "refused", refused.message
            return
        await self._reveal(user.user_id)
        yield rx.set_focus("reveal-heading")
