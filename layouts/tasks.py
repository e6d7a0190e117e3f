"""The focus-tasks page: the appendix of Decision 2222/QĐ-TTg as a timeline and a table. Pure functions."""

from __future__ import annotations

import datetime as dt

import plotly.graph_objects as go
from dash import dcc, html

from ioc_app.focus_tasks import COMPLETED, GROUPS, IN_PROGRESS, NOT_STARTED, TaskState
from ioc_app.i18n import fmt_date, fmt_number, t
from layouts.scorecard import esc, html_block, tag

TASK_STATUS_STYLE: dict[str, tuple[str, str, str]] = {
    # icon, solid colour, light colour (Okabe-Ito, colour-blind safe)
    COMPLETED: ("✔", "#009E73", "#bfe6d9"),
    IN_PROGRESS: ("▶", "#0072B2", "#c4dcee"),
    NOT_STARTED: ("○", "#8A8F98", "#e1e3e6"),
}
TIMELINE_START = dt.date(2022, 1, 1)
TIMELINE_END = dt.date(2030, 12, 31)


def status_label(state: TaskState, lang: str) -> str:
    return t(f"tasks.status.{state.status}", lang)


def task_status_html(state: TaskState, lang: str) -> str:
    """Icon + word on the status colour, and whether it is by schedule or reported."""
    icon, _solid, _light = TASK_STATUS_STYLE[state.status]
    note = t("tasks.by_schedule", lang) if state.derived else t("tasks.recorded", lang)
    badge = tag(
        "span",
        tag("span", esc(icon), class_="ioc-status-icon", aria_hidden="true")
        + tag("span", esc(status_label(state, lang)), class_="ioc-status-word"),
        class_=f"ioc-status ioc-task-{state.status}",
    )
    return tag("span", badge + tag("small", esc(f"({note})")), class_="ioc-task-status")


def _label(state: TaskState, lang: str) -> str:
    return f"{state.task.number}  {state.task.label(lang)}"


def timeline_figure(states: list[TaskState], today: dt.date, lang: str) -> go.Figure:
    """Each task's period as a bar from 2022 to 2030: the elapsed part solid, the rest light; today's line."""
    fig = go.Figure()
    labels = [_label(s, lang) for s in states]
    day_ms = 86_400_000
    for status in (COMPLETED, IN_PROGRESS, NOT_STARTED):
        chosen = [(s, lab) for s, lab in zip(states, labels, strict=True) if s.status == status]
        if not chosen:
            continue
        icon, solid, light = TASK_STATUS_STYLE[status]
        name = f"{icon} {t(f'tasks.status.{status}', lang)}"
        hover = [
            f"<b>{s.task.number}</b> {s.task.title(lang)}<br>{s.task.lead(lang)}<br>{s.task.period} · "
            f"{status_label(s, lang)} ({t('tasks.by_schedule', lang) if s.derived else t('tasks.recorded', lang)})"
            for s, _ in chosen
        ]
        fig.add_trace(
            go.Bar(
                y=[lab for _, lab in chosen],
                base=[s.task.start.isoformat() for s, _ in chosen],
                x=[((s.task.end - s.task.start).days + 1) * day_ms for s, _ in chosen],
                orientation="h",
                marker={"color": light, "line": {"color": solid, "width": 1.5}},
                name=name,
                legendgroup=status,
                showlegend=False,
                hoverinfo="skip",
            )
        )
        elapsed = [(s, lab) for s, lab in chosen if s.elapsed > 0]
        fig.add_trace(
            go.Bar(
                y=[lab for _, lab in elapsed],
                base=[s.task.start.isoformat() for s, _ in elapsed],
                x=[max(1, (min(today, s.task.end) - s.task.start).days + 1) * day_ms for s, _ in elapsed],
                orientation="h",
                marker={"color": solid},
                name=name,
                legendgroup=status,
                text=[
                    f"{icon} {fmt_number(s.elapsed * 100, lang)}%" if s.status == IN_PROGRESS else icon
                    for s, _ in elapsed
                ],
                textposition="inside",
                insidetextanchor="end",
                textfont={"color": "#fff", "size": 14},
                hovertext=[h for h, (s, _) in zip(hover, chosen, strict=True) if s.elapsed > 0],
                hoverinfo="text",
            )
        )
    for when, text, dash in (
        (today, f"{t('tasks.today', lang)} {fmt_date(today, lang)}", "solid"),
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


def _summary(states: list[TaskState], lang: str) -> html.Div:
    tiles = []
    for status in (COMPLETED, IN_PROGRESS, NOT_STARTED):
        n = sum(s.status == status for s in states)
        icon, colour, _ = TASK_STATUS_STYLE[status]
        tiles.append(
            html.Div(
                className="ioc-stat ioc-task-stat",
                style={"borderTop": f"4px solid {colour}"},
                children=[
                    html.Div(f"{icon} {fmt_number(n, lang)}", className="ioc-stat-value", style={"color": colour}),
                    html.Div(
                        f"{t(f'tasks.status.{status}', lang)} ({t('tasks.by_schedule', lang)})",
                        className="ioc-stat-label",
                    ),
                ],
                id=f"tasks-count-{status}",
            )
        )
    return html.Div(tiles, className="ioc-stats ioc-task-stats")


def tasks_table(states: list[TaskState], lang: str, authority: str) -> dcc.Markdown:
    """Groups and tasks in the decision's order; the decision's wording, with the current authority noted."""
    head = tag(
        "tr",
        "".join(
            tag("th", esc(t(key, lang)))
            for key in (
                "tasks.col_no",
                "tasks.col_task",
                "tasks.col_lead",
                "tasks.col_partners",
                "tasks.col_period",
                "common.status",
            )
        ),
    )
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
                    tag("td", esc(g.number)) + tag("td", esc(g.title_en if lang == "en" else g.title_vi), colspan="5"),
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
                + tag("td", task_status_html(state, lang)),
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


def tasks_page(states: list[TaskState], today: dt.date, lang: str, authority: str) -> html.Div:
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
                    dcc.Graph(
                        id="tasks-timeline",
                        figure=timeline_figure(states, today, lang),
                        config={"displayModeBar": False, "responsive": True},
                    ),
                ],
            ),
            html.Section(className="ioc-panel", children=[tasks_table(states, lang, authority)]),
        ],
    )
