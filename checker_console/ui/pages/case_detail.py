"""``/cases/[case_id]``: one case: its details, its documents, and where it stands downstream.

Document images appear only for someone allowed to see them (a lead or QA reviewer, or the
checker the case is leased to); everyone else sees the list of documents without pictures.
The image route enforces the same rule again and audits each view.

An approved (or rejected) case also shows its "Downstream" panel: the CIS profile and the
emails sent. A team lead can retry a case whose profile creation failed from here.
"""

from __future__ import annotations

import dataclasses

import reflex as rx
from reflex_components_core.react_router.dom import ReactRouterLink

from checker_console.clock import utcnow
from checker_console.services.cases.history import case_history
from checker_console.services.cases.listing import status_label
from checker_console.services.cases.overview import CaseOverview, case_overview, may_open_case
from checker_console.services.downstream.status import downstream_status
from checker_console.services.identity.sessions import SignedInUser, may_view_case_images
from checker_console.ui.calls import run_service
from checker_console.ui.components.case_history_panel import (
    DecisionView,
    TimelineView,
    decision_section,
    history_values,
    timeline_section,
)
from checker_console.ui.components.downstream_panel import (
    SHOWN_FOR,
    Line,
    downstream_panel,
    email_lines,
    profile_lines,
)
from checker_console.ui.components.erasure_form import ErasureForm, erasure_section
from checker_console.ui.components.layout import template
from checker_console.ui.components.profile_retry import ProfileRetry
from checker_console.ui.components.status_tag import status_class, status_shape, status_tag
from checker_console.ui.format import london_time, long_date
from checker_console.ui.state import SessionState


@dataclasses.dataclass
class DetailLine:
    label: str
    value: str


@dataclasses.dataclass
class DocumentView:
    label: str
    src: str
    alt: str


class CaseDetailState(ErasureForm, ProfileRetry, SessionState):
    found: bool = False
    loaded: bool = False
    case_id: int = 0
    heading: str = ""
    status_label: str = ""
    status_shape: str = ""
    status_class: str = ""
    details: list[DetailLine] = []
    documents: list[DocumentView] = []
    images_allowed: bool = False
    #: Why there are no images any more ("Images deleted on … under the retention policy").
    images_deleted: str = ""
    downstream_shown: bool = False
    profile_lines: list[Line] = []
    email_lines: list[Line] = []
    can_retry: bool = False
    decisions: list[DecisionView] = []
    timeline: list[TimelineView] = []
    shows_timeline: bool = False
    chain_verified: bool = False
    chain_text: str = ""

    @rx.event
    async def load_case(self):  # noqa: ANN201 - an async generator of state updates
        """Forget the previous case at once (client-side navigation keeps state), then load."""
        self.found = self.loaded = self.downstream_shown = self.shows_timeline = False
        self.details, self.documents, self.decisions, self.timeline = [], [], [], []
        self.retry_message, self.confirming_case_id = "", 0
        self.erase_open, self.erase_error, self.erase_message = False, "", ""
        yield
        user = await self.signed_in_user()
        if user is None:
            return
        raw_id = self.router.url.path.rstrip("/").rsplit("/", 1)[-1]  # /cases/<id>
        allowed = raw_id.isdigit() and await run_service(may_open_case, int(raw_id), user)
        overview = await run_service(case_overview, int(raw_id)) if allowed else None
        self.loaded = True
        self.found = overview is not None
        if overview is not None:
            self._show(overview, user)
            await self._load_downstream()
            history = await run_service(case_history, overview.case.id)
            for name, value in history_values(history, user).items():
                setattr(self, name, value)

    async def _after_retry(self) -> None:
        await self._load_downstream()

    async def _after_erasure(self) -> None:
        overview = await run_service(case_overview, self.case_id)
        user = await self.signed_in_user()
        if overview is not None and user is not None:
            self._show(overview, user)

    async def _load_downstream(self) -> None:
        """The panel's lines, for cases that have gone past the decision."""
        status = await run_service(downstream_status, self.case_id)
        self.status_label = status_label(status.case_status)
        self.status_shape = status_shape(status.case_status)
        self.status_class = status_class(status.case_status)
        self.downstream_shown = status.case_status in SHOWN_FOR
        self.profile_lines = profile_lines(status)
        self.email_lines = email_lines(status)
        self.can_retry = status.can_retry

    def _show(self, overview: CaseOverview, user: SignedInUser) -> None:
        case = overview.case
        overdue = " (overdue)" if case.is_overdue(utcnow()) else ""
        self.case_id = case.id
        self.heading = case.full_name
        self.status_label = status_label(case.status)
        self.status_shape = status_shape(case.status)
        self.status_class = status_class(case.status)
        self.details = [
            DetailLine("Case", str(case.id)),
            DetailLine("Date of birth", long_date(overview.date_of_birth)),
            DetailLine("Organisation", f"{case.organisation_name} ({case.organisation_code})"),
            DetailLine("Cohort", case.cohort or "None"),
            DetailLine("Attempt", str(overview.attempt)),
            DetailLine("Submitted", london_time(case.submitted_at)),
            DetailLine("SLA due", london_time(case.sla_due_at) + overdue),
            DetailLine("Leased to", case.lease_holder or "Nobody"),
            DetailLine("Decided", london_time(overview.decided_at) or "Not yet"),
        ]
        self.images_deleted = overview.images_deleted
        self.images_allowed = not overview.images_deleted and may_view_case_images(
            user, lease_holder=case.lease_holder, lease_expires_at=overview.lease_expires_at
        )
        self.documents = [
            DocumentView(
                label=document.label,
                src=f"/images/{document.id}/preview" if self.images_allowed else "",
                alt=f"{document.label} for {case.full_name}",
            )
            for document in overview.documents
        ]


def _document(document: rx.Var[DocumentView]) -> rx.Component:
    return rx.el.li(
        rx.el.figure(
            rx.cond(
                CaseDetailState.images_allowed,
                rx.el.img(src=document.src, alt=document.alt, width="240", height="160"),
            ),
            rx.el.figcaption(document.label),
            style={"margin": "0"},
        )
    )


def _case() -> rx.Component:
    state = CaseDetailState
    return rx.fragment(
        rx.el.h1(state.heading),
        rx.el.p(status_tag(state.status_label, state.status_shape, state.status_class)),
        rx.el.dl(
            rx.foreach(
                state.details,
                lambda line: rx.fragment(rx.el.dt(line.label), rx.el.dd(line.value)),
            ),
            class_name="summary-list",
        ),
        decision_section(state),
        rx.cond(state.downstream_shown, downstream_panel(state)),
        timeline_section(state),
        rx.el.h2("Documents"),
        rx.cond(
            state.images_deleted != "",
            rx.el.p(state.images_deleted, ".", id="images-deleted", class_name="inset"),
        ),
        rx.cond(
            state.images_allowed | (state.images_deleted != ""),
            rx.fragment(),
            rx.el.p(
                "Images are shown only to the checker this case is leased to, and to team "
                "leads and QA reviewers.",
                class_name="inset",
            ),
        ),
        rx.cond(
            state.documents.length() > 0,
            rx.el.ul(rx.foreach(state.documents, _document), class_name="documents"),
            rx.el.p("This case has no documents."),
        ),
        rx.cond(state.is_lead, erasure_section(state)),
    )


@template(
    route="/cases/[case_id]", title="Case", on_load=CaseDetailState.load_case, section="cases"
)
def case_detail_page() -> rx.Component:
    state = CaseDetailState
    return rx.el.div(
        rx.el.p(ReactRouterLink.create("Back to cases", to="/cases")),
        rx.cond(
            state.found,
            _case(),
            rx.cond(
                state.loaded,
                rx.fragment(
                    rx.el.h1("Case not found"),
                    rx.el.p(
                        "There is no case with that number that you can open. Check the "
                        "link, or find the case in the case list."
                    ),
                ),
                rx.el.p("Loading the case…", role="status"),
            ),
        ),
    )


PAGE = case_detail_page
