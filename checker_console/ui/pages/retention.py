"""``/retention`` ("Retention"), for team leads: the policy in force, and what it has deleted.

The purge itself runs in the background worker; this page shows the policy it applies (from
settings), how many cases are due now, how many have had their images deleted, and the latest
erasures on request. Erasing an applicant is done from their case page.
"""

from __future__ import annotations

import dataclasses

import reflex as rx
from reflex_components_core.react_router.dom import ReactRouterLink

from checker_console.domain.roles import LEAD
from checker_console.services.retention.overview import RetentionOverview, retention_overview
from checker_console.services.retention.policy import policy_in_force
from checker_console.ui.calls import run_service
from checker_console.ui.components.gated_page import gated_page
from checker_console.ui.components.layout import template
from checker_console.ui.format import london_time
from checker_console.ui.state import SessionState


@dataclasses.dataclass
class PolicyLine:
    what: str
    kept: str


@dataclasses.dataclass
class ErasureView:
    case_id: int
    href: str
    when: str
    by: str
    reference: str


class RetentionState(SessionState):
    loaded: bool = False
    policy: list[PolicyLine] = []
    due_now: str = ""
    purged: str = ""
    erased: str = ""
    erasures: list[ErasureView] = []

    @rx.event
    async def load_retention(self) -> None:
        self.loaded = False
        if await self.user_with_role(LEAD, handler="RetentionState.load_retention") is None:
            return
        overview: RetentionOverview = await run_service(retention_overview, policy_in_force())
        self.policy = [PolicyLine(what, kept) for what, kept in overview.policy]
        self.due_now = f"{overview.due_now:,}"
        last = london_time(overview.last_purged_at)
        self.purged = f"{overview.purged:,}" + (f" (latest {last})" if last else "")
        self.erased = f"{overview.erased:,}"
        self.erasures = [
            ErasureView(
                e.case_id,
                f"/cases/{e.case_id}",
                london_time(e.erased_at),
                e.erased_by,
                e.dpo_reference,
            )
            for e in overview.recent_erasures
        ]
        self.loaded = True


def _policy() -> rx.Component:
    return rx.el.table(
        rx.el.caption("Retention policy in force"),
        rx.el.thead(
            rx.el.tr(rx.el.th("Images of", scope="col"), rx.el.th("Kept for", scope="col"))
        ),
        rx.el.tbody(
            rx.foreach(
                RetentionState.policy,
                lambda line: rx.el.tr(rx.el.td(line.what), rx.el.td(line.kept)),
            )
        ),
        class_name="table",
        id="retention-policy",
    )


def _figures() -> rx.Component:
    def figure(label: str, value: rx.Var[str], key: str) -> rx.Component:
        return rx.el.div(
            rx.el.dt(label, class_name="count__label"),
            rx.el.dd(value, class_name="count__value", id=key),
            class_name="count",
        )

    return rx.el.dl(
        figure("Cases due for deletion now", RetentionState.due_now, "count-due"),
        figure("Cases whose images were deleted", RetentionState.purged, "count-purged"),
        figure("Applicants erased on request", RetentionState.erased, "count-erased"),
        class_name="counts",
        aria_label="Totals",
    )


def _erasures() -> rx.Component:
    def row(erasure: rx.Var[ErasureView]) -> rx.Component:
        return rx.el.tr(
            rx.el.td(ReactRouterLink.create(erasure.case_id, to=erasure.href)),
            rx.el.td(erasure.when),
            rx.el.td(erasure.by),
            rx.el.td(erasure.reference),
        )

    headings = ["Case", "Erased", "By", "DPO reference"]
    return rx.cond(
        RetentionState.erasures.length() > 0,
        rx.el.table(
            rx.el.caption("Latest erasures on request"),
            rx.el.thead(rx.el.tr(*[rx.el.th(h, scope="col") for h in headings])),
            rx.el.tbody(rx.foreach(RetentionState.erasures, row)),
            class_name="table",
            id="recent-erasures",
        ),
        rx.el.p("Nobody has been erased on request yet."),
    )


def _page() -> rx.Component:
    return rx.fragment(
        rx.el.p(
            "Identity images are deleted once a case is finished and its window has passed. "
            "The case keeps its decision, the fingerprints (hashes) of the images shown, and "
            "its audit trail. The background worker deletes them in small batches; "
            "checker-console purge --dry-run lists what it would delete.",
            class_name="notice",
        ),
        _figures(),
        _policy(),
        rx.el.h2("Erasure on request"),
        rx.el.p(
            "To erase an applicant's personal data once the data protection officer has "
            "approved it, open one of their cases and choose Erase personal data."
        ),
        _erasures(),
    )


@template(
    route="/retention",
    title="Retention",
    on_load=RetentionState.load_retention,
    section="retention",
)
def retention_page() -> rx.Component:
    state = RetentionState
    return gated_page(
        "Retention of identity images",
        _page(),
        allowed=state.is_lead,
        loaded=state.loaded,
        checked=state.session_checked,
        refusal="This page is for team leads. Your role does not give access to it.",
    )


PAGE = retention_page
