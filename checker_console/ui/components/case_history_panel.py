"""The case page's "Decision" and "Timeline" sections, from ``services.cases.history``.

Who sees what: team leads and QA reviewers see every decision (with the internal note) and the
whole audit timeline with its chain check; a checker sees only their own decision on the case.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import reflex as rx

from checker_console.clock import london
from checker_console.services.cases.history import CaseHistory, DecisionRecord
from checker_console.services.identity.sessions import SignedInUser
from checker_console.ui.format import london_time


@dataclasses.dataclass
class AnswerView:
    text: str
    answer: str


@dataclasses.dataclass
class DecisionView:
    heading: str
    who: str
    when: str
    took: str
    reasons: list[str]
    checklist: list[AnswerView]
    applicant_message: str
    internal_note: str


@dataclasses.dataclass
class TimelineView:
    when: str
    who: str
    what: str


def _took(seconds: float | None) -> str:
    if seconds is None:
        return "Not recorded"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s" if minutes else f"{rest} s"


def _decision_view(record: DecisionRecord) -> DecisionView:
    undone = f" (undone at {london_time(record.undone_at)})" if record.undone_at else ""
    return DecisionView(
        heading=record.outcome.capitalize() + undone,
        who=record.checker_name,
        when=london_time(record.decided_at),
        took=_took(record.seconds_to_decide),
        reasons=record.reasons,
        checklist=[
            AnswerView(a.text, "Confirmed" if a.confirmed else "Not confirmed")
            for a in record.checklist
        ],
        applicant_message=record.applicant_message,
        internal_note=record.internal_note,
    )


def history_values(history: CaseHistory, user: SignedInUser) -> dict[str, Any]:
    """The case page state's decision and timeline vars, for what ``user`` may read."""
    records = [d for d in history.decisions if user.sees_every_case or d.checker_id == user.user_id]
    timeline = [
        TimelineView(
            when=f"{london(line.occurred_at):%d %b %Y, %H:%M:%S}",
            who=line.actor,
            what=line.what + (f" ({line.count} times)" if line.count > 1 else ""),
        )
        for line in history.timeline
    ]
    if history.chain_verified:
        chain = f"Chain verified: all {history.events_checked} events are as they were written."
    else:
        broken = ", ".join(str(n) for n in history.broken)
        chain = f"Chain broken at event {broken}: tell your security team, and keep this page."
    return {
        "decisions": [_decision_view(record) for record in records],
        "timeline": timeline if user.sees_every_case else [],
        "shows_timeline": user.sees_every_case,
        "chain_verified": history.chain_verified,
        "chain_text": chain,
    }


def _decision(decision: rx.Var[DecisionView]) -> rx.Component:
    return rx.el.div(
        rx.el.h3(decision.heading, class_name="decision-record__heading"),
        rx.el.dl(
            rx.el.dt("Decided by"),
            rx.el.dd(decision.who),
            rx.el.dt("When"),
            rx.el.dd(decision.when),
            rx.el.dt("Time to decide"),
            rx.el.dd(decision.took),
            rx.cond(
                decision.reasons.length() > 0,
                rx.fragment(
                    rx.el.dt("Reasons"),
                    rx.el.dd(rx.el.ul(rx.foreach(decision.reasons, rx.el.li))),
                ),
            ),
            rx.cond(
                decision.applicant_message != "",
                rx.fragment(
                    rx.el.dt("Message to the applicant"),
                    rx.el.dd(decision.applicant_message, class_name="pre-wrap"),
                ),
            ),
            rx.cond(
                decision.internal_note != "",
                rx.fragment(
                    rx.el.dt("Internal note (not sent)"),
                    rx.el.dd(decision.internal_note, class_name="pre-wrap"),
                ),
            ),
            class_name="summary-list",
        ),
        rx.cond(
            decision.checklist.length() > 0,
            rx.el.table(
                rx.el.caption("Checklist answers"),
                rx.el.thead(
                    rx.el.tr(rx.el.th("Item", scope="col"), rx.el.th("Answer", scope="col"))
                ),
                rx.el.tbody(
                    rx.foreach(
                        decision.checklist,
                        lambda a: rx.el.tr(rx.el.td(a.text), rx.el.td(a.answer)),
                    )
                ),
                class_name="table",
            ),
        ),
        class_name="decision-record",
    )


def decision_section(state: Any) -> rx.Component:
    return rx.cond(
        state.decisions.length() > 0,
        rx.el.section(
            rx.el.h2("Decision", id="decision-heading"),
            rx.foreach(state.decisions, _decision),
            aria_labelledby="decision-heading",
            id="decision-record",
        ),
    )


def timeline_section(state: Any) -> rx.Component:
    return rx.cond(
        state.shows_timeline,
        rx.el.section(
            rx.el.h2("Timeline", id="timeline-heading"),
            rx.el.p(
                rx.cond(state.chain_verified, "✓ ", "✕ "),
                state.chain_text,
                class_name=rx.cond(state.chain_verified, "chain chain--ok", "chain chain--broken"),
                id="chain-status",
            ),
            rx.el.table(
                rx.el.caption("Every event of this case, oldest first (Europe/London time)"),
                rx.el.thead(
                    rx.el.tr(
                        rx.el.th("When", scope="col"),
                        rx.el.th("Who", scope="col"),
                        rx.el.th("What", scope="col"),
                    )
                ),
                rx.el.tbody(
                    rx.foreach(
                        state.timeline,
                        lambda line: rx.el.tr(
                            rx.el.td(line.when), rx.el.td(line.who), rx.el.td(line.what)
                        ),
                    )
                ),
                class_name="table",
                id="timeline",
            ),
            aria_labelledby="timeline-heading",
        ),
    )
