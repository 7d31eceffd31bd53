"""A chart everyone can read: a recharts chart, the finding in words, the data as a table, CSV.

WCAG 2.2 AA: the chart is an image (``role="img"``) whose accessible name is its summary, which
states the finding ("Decisions per day, last 7 days: 412, up 8% on the week before"); the same
numbers are in a table under a disclosure, and the table downloads as CSV. Series differ by
dash pattern and marker shape as well as colour, and the legend names them.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Callable
from typing import Any

import reflex as rx

#: (colour, dash pattern, marker) per series, in order: never colour alone.
SERIES_STYLES = (
    ("#005eb8", "", "circle"),  # NHS blue, solid, circles
    ("#d5281b", "8 4", "square"),  # red, dashed, squares
    ("#330072", "2 3", "diamond"),  # purple, dotted, diamonds
    ("#007f3b", "12 3 3 3", "triangle"),
)


@dataclasses.dataclass
class ChartData:
    """What one chart shows. ``points`` feed the chart; ``headers`` and ``rows`` the table."""

    summary: str = ""
    points: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    headers: list[str] = dataclasses.field(default_factory=list)
    rows: list[list[str]] = dataclasses.field(default_factory=list)


@dataclasses.dataclass(frozen=True)
class Series:
    key: str
    label: str


def accessible_chart(
    *,
    chart_id: str,
    title: str,
    data: rx.Var[ChartData],
    x_key: str,
    series: list[Series],
    kind: str = "line",
    on_download: Callable[[], Any] | None = None,
) -> rx.Component:
    """A titled section: chart (as a labelled image), visible summary, table disclosure, CSV."""
    heading_id = f"{chart_id}-heading"
    if kind == "line":
        chart = _line_chart(data, x_key, series)
    else:
        chart = _bar_chart(data, x_key, series, across=kind == "hbar")
    return rx.el.section(
        rx.el.h2(title, id=heading_id),
        rx.el.figure(
            rx.el.div(
                chart,
                role="img",
                aria_label=data.summary,
                class_name="chart__image chart__image--tall" if kind == "hbar" else "chart__image",
                id=f"{chart_id}-chart",
            ),
            rx.el.figcaption(data.summary, class_name="chart__summary", id=f"{chart_id}-summary"),
            class_name="chart",
        ),
        data_table(table_id=f"{chart_id}-table", caption=title, data=data, on_download=on_download),
        aria_labelledby=heading_id,
        class_name="dashboard-section",
    )


def data_table(
    *,
    table_id: str,
    caption: str,
    data: rx.Var[ChartData],
    on_download: Callable[[], Any] | None = None,
    open_: bool = False,
) -> rx.Component:
    """The numbers behind a chart (or a table on its own) in a disclosure, with a CSV button."""
    table = rx.el.table(
        rx.el.caption(caption, class_name="visually-hidden"),
        rx.el.thead(rx.el.tr(rx.foreach(data.headers, lambda label: rx.el.th(label, scope="col")))),
        rx.el.tbody(
            rx.foreach(
                data.rows,
                lambda row: rx.el.tr(
                    rx.el.th(row[0], scope="row"),
                    rx.foreach(row[1:], lambda cell: rx.el.td(cell)),
                ),
            )
        ),
        class_name="table table--figures",
        id=table_id,
    )
    download = (
        rx.el.button(
            "Download this table as CSV",
            type="button",
            on_click=on_download,
            class_name="button button--secondary button--small",
            id=f"{table_id}-csv",
        )
        if on_download is not None
        else rx.fragment()
    )
    return rx.el.details(
        rx.el.summary("Show the data as a table", class_name="details__summary"),
        rx.el.div(table, download, class_name="details__text"),
        class_name="details",
        **({"open": True} if open_ else {}),
    )


def _axes(x_key: str) -> list[rx.Component]:
    return [
        rx.recharts.cartesian_grid(stroke_dasharray="3 3", stroke="#d8dde0"),
        rx.recharts.x_axis(data_key=x_key, stroke="#4c6272"),
        rx.recharts.y_axis(allow_decimals=False, stroke="#4c6272"),
        rx.recharts.legend(),
        rx.recharts.graphing_tooltip(),
    ]


_NO_KEYBOARD = {"accessibilityLayer": False}  # the table is the keyboard's way to the numbers


def _line_chart(data: rx.Var[ChartData], x_key: str, series: list[Series]) -> rx.Component:
    lines = [
        rx.recharts.line(
            data_key=s.key,
            name=s.label,
            stroke=colour,
            stroke_width=2,
            stroke_dasharray=dash,
            legend_type=marker,
            dot={"r": 3},
            is_animation_active=False,
            type_="linear",
        )
        for s, (colour, dash, marker) in zip(series, SERIES_STYLES, strict=False)
    ]
    return rx.recharts.line_chart(
        *lines,
        *_axes(x_key),
        data=data.points,
        width="100%",
        height=260,
        custom_attrs=_NO_KEYBOARD,
    )


def _bar_chart(
    data: rx.Var[ChartData], x_key: str, series: list[Series], *, across: bool = False
) -> rx.Component:
    """Bars; ``across`` lays them out left to right, for long category names (reasons)."""
    bars = [
        rx.recharts.bar(
            data_key=s.key,
            name=s.label,
            fill=colour,
            stroke="#212b32",
            legend_type=marker,
            is_animation_active=False,
        )
        for s, (colour, _dash, marker) in zip(series, SERIES_STYLES, strict=False)
    ]
    axes = _axes(x_key)
    if across:
        axes[1:3] = [
            rx.recharts.x_axis(type_="number", allow_decimals=False, stroke="#4c6272"),
            rx.recharts.y_axis(
                data_key=x_key, type_="category", width=260, interval=0, stroke="#4c6272"
            ),
        ]
    return rx.recharts.bar_chart(
        *bars,
        *axes,
        layout="vertical" if across else "horizontal",
        data=data.points,
        width="100%",
        height=400 if across else 260,
        custom_attrs=_NO_KEYBOARD,
    )


def csv_text(headers: list[str], rows: list[list[str]]) -> str:
    """RFC 4180 CSV, with cells a spreadsheet would run as formulas made plain text."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([_plain(cell) for cell in row])
    return out.getvalue()


def _plain(cell: str) -> str:
    formula = cell[:1] in ("=", "+", "@") or (cell[:1] == "-" and not cell[1:2].isdigit())
    return "'" + cell if formula else cell
