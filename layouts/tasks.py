"""The focus-tasks page: the appendix of Decision 2222/QĐ-TTg as a timeline and a table, each task's schedule
status with its reported progress beside it. Pure functions."""

from __future__ import annotations

import datetime as dt

import plotly.graph_objects as go
from dash import dcc, html

from ioc_app.focus_tasks import (
    BEFORE_PERIOD,
    COMPLETED,
    GROUPS,
    IN_PROGRESS,
    NOT_STARTED,
    PERIOD_ENDED,
    WITHIN_PERIOD,
    ProgressReport,
    TaskState,
)
from ioc_app.i18n import fmt_date, fmt_number, t
from ioc_app.wording import percent_text as _percent
from ioc_app.wording import report_summary as report_summary
from ioc_app.wording import reported_label as reported_label  # shared with the printed brief
from ioc_app.wording import schedule_label as schedule_label
from layouts import chart_text
from layouts.scorecard import esc, html_block, tag

SCHEDULE_STYLE: dict[str, tuple[str, str, str]] = {
    # icon, solid colour, light colour (Okabe-Ito, colour-blind safe). An ended period is drawn in a
    # neutral grey, not green: it says nothing about the work done.
    PERIOD_ENDED: ("■", "#4D5661", "#d3d7dc"),
    WITHIN_PERIOD: ("▶", "#0072B2", "#c4dcee"),
    BEFORE_PERIOD: ("○", "#8A8F98", "#eceef0"),
}
REPORTED_STYLE: dict[str, tuple[str, str]] = {
    # icon, colour of what a progress report says
    COMPLETED: ("✔", "#009E73"),
    IN_PROGRESS: ("◐", "#E69F00"),
    NOT_STARTED: ("✖", "#CC79A7"),
}
TIMELINE_START = dt.date(2022, 1, 1)
TIMELINE_END = dt.date(2030, 12, 31)


def schedule_html(state: TaskState, lang: str) -> str:
    """Icon + word on the schedule status's colour."""
    icon, _solid, _light = SCHEDULE_STYLE[state.schedule]
    return tag(
        "span",
        tag("span", esc(icon), class_="ioc-status-icon", aria_hidden="true")
        + tag("span", esc(schedule_label(state.schedule, lang)), class_="ioc-status-word"),
        class_=f"ioc-status ioc-task-{state.schedule}",
    )


def reported_html(report: ProgressReport | None, lang: str) -> str:
    """The latest report: state (icon + word), percent, date, source and note; or that none exists."""
    if report is None:
        return tag("span", esc(t("tasks.no_report", lang)), class_="ioc-task-noreport")
    icon, _colour = REPORTED_STYLE[report.state]
    badge = tag(
        "span",
        tag("span", esc(icon), class_="ioc-status-icon", aria_hidden="true")
        + tag("span", esc(reported_label(report.state, lang)), class_="ioc-status-word"),
        class_=f"ioc-status ioc-report-{report.state}",
    )
    if report.percent is not None:
        badge += tag("span", esc(_percent(report, lang)), class_="ioc-task-percent")
    when = f"{t('tasks.reported_on', lang)} {fmt_date(report.reported_on, lang)}"
    out = badge + tag("small", esc(when)) + tag("small", esc(f"{t('tasks.source', lang)}: {report.source}"))
    if report.note:
        out += tag("small", esc(report.note), class_="ioc-task-report-note")
    return tag("div", out, class_="ioc-task-report")


def _label(state: TaskState, lang: str) -> str:
    return f"{state.task.number}  {state.task.label(lang)}"


def _hover(state: TaskState, lang: str) -> str:
    task = state.task
    elapsed = t("tasks.elapsed", lang).format(share=f"{fmt_number(state.elapsed * 100, lang)}%")
    return (
        f"<b>{esc(task.number)}</b> {esc(task.title(lang))}<br>{esc(task.lead(lang))}<br>"
        f"{esc(task.period)} · {esc(schedule_label(state.schedule, lang))} · {esc(elapsed)}<br>"
        f"{esc(report_summary(state.report, lang))}"
    )


def timeline_figure(states: list[TaskState], as_of: dt.date, lang: str) -> go.Figure:
    """Each task's period as a bar from 2022 to 2030, the part elapsed at ``as_of`` solid, the rest light;
    the data date's line; reported progress as a marker at each report's date."""
    fig = go.Figure()
    labels = [_label(s, lang) for s in states]
    day_ms = 86_400_000
    for status in (PERIOD_ENDED, WITHIN_PERIOD, BEFORE_PERIOD):
        chosen = [(s, lab) for s, lab in zip(states, labels, strict=True) if s.schedule == status]
        if not chosen:
            continue
        icon, solid, light = SCHEDULE_STYLE[status]
        name = f"{icon} {schedule_label(status, lang)}"
        fig.add_trace(
            go.Bar(
                y=[lab for _, lab in chosen],
                base=[s.task.start.isoformat() for s, _ in chosen],
                x=[((s.task.end - s.task.start).days + 1) * day_ms for s, _ in chosen],
                orientation="h",
                marker={"color": light, "line": {"color": solid, "width": 1.5}},
                name=name,
                legendgroup=status,
                showlegend=status == BEFORE_PERIOD,  # no solid part to carry the legend entry
                text=[icon for _ in chosen] if status == BEFORE_PERIOD else None,
                textposition="inside",
                insidetextanchor="start",
                textfont={"color": solid, "size": 14},
                hovertext=[_hover(s, lang) for s, _ in chosen],
                hoverinfo="text",
            )
        )
        elapsed = [(s, lab) for s, lab in chosen if s.elapsed > 0]
        if not elapsed:
            continue
        fig.add_trace(
            go.Bar(
                y=[lab for _, lab in elapsed],
                base=[s.task.start.isoformat() for s, _ in elapsed],
                x=[max(1, (min(as_of, s.task.end) - s.task.start).days + 1) * day_ms for s, _ in elapsed],
                orientation="h",
                marker={"color": solid},
                name=name,
                legendgroup=status,
                # The icon only: a share of the period elapsed must not read as progress.
                text=[icon for _ in elapsed],
                textposition="inside",
                insidetextanchor="end",
                textfont={"color": "#fff", "size": 14},
                hovertext=[_hover(s, lang) for s, _ in elapsed],
                hoverinfo="text",
            )
        )
    for state in (COMPLETED, IN_PROGRESS, NOT_STARTED):
        reported = [(s, lab) for s, lab in zip(states, labels, strict=True) if s.report and s.report.state == state]
        if not reported:
            continue
        icon, colour = REPORTED_STYLE[state]
        fig.add_trace(
            go.Scatter(
                x=[s.report.reported_on.isoformat() for s, _ in reported if s.report],
                y=[lab for _, lab in reported],
                mode="markers+text",
                marker={"symbol": "diamond", "size": 15, "color": colour, "line": {"color": "#fff", "width": 1.5}},
                text=[_percent(s.report, lang) if s.report else "" for s, _ in reported],
                textposition="middle right",
                textfont={"color": "#1b2430", "size": 13},
                name=f"{icon} {t('tasks.reported_title', lang)}: {reported_label(state, lang)}",
                hovertext=[_hover(s, lang) for s, _ in reported],
                hoverinfo="text",
            )
        )
    for when, text, dash in (
        (as_of, f"{t('common.data_date', lang)} {fmt_date(as_of, lang)}", "solid"),
        (dt.date(2025, 12, 31), t("tasks.phase_end", lang), "dot"),
    ):
        fig.add_shape(
            type="line",
            x0=when.isoformat(),
            x1=when.isoformat(),
            y0=0,
            y1=1,
            yref="paper",
            line={"color": "#b3261e" if dash == "solid" else "#5b6675", "width": 2, "dash": dash},
        )
        fig.add_annotation(
            x=when.isoformat(),
            y=1,
            yref="paper",
            yanchor="bottom",
            text=text,
            showarrow=False,
            font={"color": "#b3261e" if dash == "solid" else "#5b6675", "size": 13},
            xanchor="left" if dash == "solid" else "right",
        )
    fig.update_layout(
        barmode="overlay",
        height=100 + 40 * len(states),
        margin={"l": 10, "r": 20, "t": 36, "b": 30},
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="#ffffff",
        font={
            "family": "Segoe UI, Noto Sans, Roboto, Helvetica Neue, Arial, sans-serif",
            "size": 15,
            "color": "#1b2430",
        },
        legend={"orientation": "h", "x": 0, "y": -0.06, "yanchor": "top"},
        bargap=0.3,
    )
    fig.update_xaxes(
        type="date",
        range=[TIMELINE_START.isoformat(), "2031-01-31"],
        dtick="M12",
        tickformat="%Y",
        showgrid=True,
        gridcolor="#e7ebf0",
        ticklabelmode="period",
    )
    fig.update_yaxes(autorange="reversed", categoryorder="array", categoryarray=labels, automargin=True)
    return fig


def _tile(tile_id: str, value: str, label: str, colour: str) -> html.Div:
    return html.Div(
        className="ioc-stat ioc-task-stat",
        style={"borderTop": f"4px solid {colour}"},
        children=[
            html.Div(value, className="ioc-stat-value", style={"color": colour}),
            html.Div(label, className="ioc-stat-label"),
        ],
        id=tile_id,
    )


def _summary(states: list[TaskState], lang: str) -> html.Div:
    """How many tasks are in each schedule status, and how many have a progress report."""
    tiles = []
    for status in (PERIOD_ENDED, WITHIN_PERIOD, BEFORE_PERIOD):
        n = sum(s.schedule == status for s in states)
        icon, colour, _ = SCHEDULE_STYLE[status]
        tiles.append(
            _tile(f"tasks-count-{status}", f"{icon} {fmt_number(n, lang)}", schedule_label(status, lang), colour)
        )
    reported = sum(s.report is not None for s in states)
    tiles.append(
        _tile(
            "tasks-count-reported",
            f"{fmt_number(reported, lang)}/{fmt_number(len(states), lang)}",
            t("tasks.with_report", lang),
            "#1b2430",
        )
    )
    return html.Div(tiles, className="ioc-stats ioc-task-stats")


def tasks_table(states: list[TaskState], lang: str, authority: str) -> dcc.Markdown:
    """Groups and tasks in the decision's order; the decision's wording, with the current authority noted;
    the schedule status and, beside it, the reported progress."""
    columns = (
        "tasks.col_no",
        "tasks.col_task",
        "tasks.col_lead",
        "tasks.col_partners",
        "tasks.col_period",
        "tasks.col_schedule",
        "tasks.reported_title",
    )
    head = tag("tr", "".join(tag("th", esc(t(key, lang))) for key in columns))
    body: list[str] = []
    shown_groups: set[str] = set()
    for state in states:
        task = state.task
        parts = task.group.split(".")
        for depth in range(1, len(parts) + 1):
            number = ".".join(parts[:depth])
            if number in shown_groups:
                continue
            shown_groups.add(number)
            if number == task.number:  # a group that is itself a task (5) gets no header row
                continue
            g = next(x for x in GROUPS if x.number == number)
            body.append(
                tag(
                    "tr",
                    tag("td", esc(g.number))
                    + tag("td", esc(g.title_en if lang == "en" else g.title_vi), colspan=str(len(columns) - 1)),
                    class_="ioc-task-group",
                )
            )
        title = tag("div", esc(task.title(lang)), class_="ioc-task-title")
        if lang == "en":
            title += tag("div", esc(task.title_vi), class_="ioc-task-sub", lang="vi")
            lead = tag("div", esc(task.lead_en)) + tag("div", esc(task.lead_vi), class_="ioc-task-sub", lang="vi")
        else:
            lead = tag("div", esc(task.lead_vi))
        if task.led_by_vet_authority:
            lead += tag("div", esc(f"{t('tasks.now_led_by', lang)}: {authority}"), class_="ioc-task-sub ioc-task-now")
        body.append(
            tag(
                "tr",
                tag("td", esc(task.number), class_="ioc-code")
                + tag("td", title)
                + tag("td", lead)
                + tag("td", esc(task.partners(lang) or "—"))
                + tag("td", esc(task.period), class_="ioc-num")
                + tag("td", schedule_html(state, lang), class_="ioc-task-status")
                + tag("td", reported_html(state.report, lang), class_="ioc-task-reported"),
                id=f"task-{task.number}",
            )
        )
    return html_block(
        tag(
            "table",
            tag("thead", head) + tag("tbody", "".join(body)),
            class_="ioc-table ioc-task-table",
            id="tasks-table",
        ),
        "ioc-sc-block",
    )


def tasks_page(states: list[TaskState], as_of: dt.date, lang: str, authority: str) -> html.Div:
    """The page at the data date ``as_of``: schedule statuses, and reported progress beside them."""
    return html.Div(
        className="ioc-page ioc-tasks",
        children=[
            html.Div(
                className="ioc-sc-head",
                children=[
                    html.Div(
                        [
                            html.H2(t("tasks.title", lang)),
                            html.P(t("tasks.intro", lang), className="ioc-sc-intro"),
                            html.P(
                                f"{t('common.data_date', lang)} {fmt_date(as_of, lang)}",
                                className="ioc-sc-intro",
                                id="tasks-as-of",
                            ),
                        ]
                    ),
                    _summary(states, lang),
                ],
            ),
            html.Div(
                className="ioc-panel ioc-task-note",
                children=[
                    html.P(t("tasks.schedule_note", lang), className="ioc-note"),
                    html.P(t("tasks.authority_note", lang).format(authority=authority), className="ioc-note"),
                ],
            ),
            html.Section(
                className="ioc-panel",
                children=[
                    html.Div(html.H3(t("tasks.timeline", lang)), className="ioc-panel-head"),
                    # The table below lists every task's period and progress: the chart's data.
                    chart_text.figure(
                        dcc.Graph(
                            id="tasks-timeline",
                            figure=timeline_figure(states, as_of, lang),
                            config={"displayModeBar": False, "responsive": True},
                        ),
                        t("tasks.timeline_summary", lang).format(n=fmt_number(len(states), lang)),
                        None,
                    ),
                ],
            ),
            html.Section(className="ioc-panel", children=[tasks_table(states, lang, authority)]),
        ],
    )
