"""Focus tasks: taken faithfully from the decision's appendix; schedule statuses from the periods alone; reported
progress from dated reports in the IOC store, as of the page's data date; the page in both languages."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
from pathlib import Path

import plotly.graph_objects as go
import pytest

from callbacks import tasks as tasks_cb
from callbacks.page import PageContext
from data_sources.engine import make_engine
from ioc_app import focus_tasks as ft
from ioc_app import task_progress
from ioc_app.services import Services
from ioc_app.settings import PROJECT_ROOT, Settings
from layouts import tasks as layout
from tests.conftest import database_url, new_store
from tests.test_scorecard import markdown_html, table_rows, texts

DECISION_CANDIDATES = [
    PROJECT_ROOT / "seed" / "decision-2222-QD-TTg-2021.txt",
    Path("/work/shared/seed/decision-2222-QD-TTg-2021.txt"),
]


@pytest.fixture(scope="module")
def appendix() -> str:
    """The appendix of the decision (from its title on), whitespace normalised."""
    path = next((p for p in DECISION_CANDIDATES if p.exists()), None)
    if path is None:
        pytest.skip("the text of the decision is not available here")
    text = path.read_text(encoding="utf-8")
    start = text.index("DANH MỤC CÁC NHIỆM VỤ TRỌNG TÂM TRIỂN KHAI")
    return re.sub(r"\s+", " ", text[start:])


def test_every_task_is_worded_as_in_the_decision(appendix: str) -> None:
    assert len(ft.TASKS) == 14
    cells = [c.strip() for c in appendix.split("|")]
    for task in ft.TASKS:
        assert task.title_vi in cells, task.number
        at = cells.index(task.title_vi)
        lead, partners, period = cells[at + 1], cells[at + 2], cells[at + 3]
        assert task.lead_vi == lead, task.number
        assert (task.partners_vi or "") == partners, task.number
        assert period.replace(" ", "") == f"{task.start_year}-{task.end_year}", task.number
    for group in ft.GROUPS:
        assert group.title_vi in cells, group.number


def test_task_order_and_groups() -> None:
    numbers = [t.number for t in ft.TASKS]
    assert numbers == [
        "1.1",
        "2.1.1",
        "2.1.2",
        "2.1.3",
        "2.1.4",
        "2.1.5",
        "2.1.6",
        "2.2.1",
        "2.2.2",
        "3.1",
        "3.2",
        "4.1",
        "4.2",
        "5",
    ]
    assert all(ft.group(t.group) for t in ft.TASKS)
    assert ft.top_group(ft.TASKS[3]).number == "2"
    assert all(t.title_en and t.short_vi and t.lead_en for t in ft.TASKS)


# --- schedule statuses: the period only, both ends inside it ----------------------------------------

SHORT = next(t for t in ft.TASKS if (t.start_year, t.end_year) == (2022, 2025))
LONG = next(t for t in ft.TASKS if (t.start_year, t.end_year) == (2022, 2030))


@pytest.mark.parametrize(
    "task,day,expected",
    [
        (SHORT, dt.date(2021, 12, 31), ft.BEFORE_PERIOD),
        (SHORT, dt.date(2022, 1, 1), ft.WITHIN_PERIOD),  # 1/1 of the first year is inside
        (SHORT, dt.date(2025, 12, 31), ft.WITHIN_PERIOD),  # 31/12 of the last year is inside
        (SHORT, dt.date(2026, 1, 1), ft.PERIOD_ENDED),  # 1/1 of the year after is not
        (LONG, dt.date(2022, 1, 1), ft.WITHIN_PERIOD),
        (LONG, dt.date(2030, 12, 31), ft.WITHIN_PERIOD),
        (LONG, dt.date(2031, 1, 1), ft.PERIOD_ENDED),
    ],
)
def test_schedule_status_at_the_period_boundaries(task: ft.FocusTask, day: dt.date, expected: str) -> None:
    assert ft.schedule_status(task, day) == expected


@pytest.mark.parametrize(
    "day,expected",
    [
        (dt.date(2021, 12, 31), {ft.BEFORE_PERIOD: 14}),
        (dt.date(2022, 1, 1), {ft.WITHIN_PERIOD: 14}),
        (dt.date(2025, 12, 31), {ft.WITHIN_PERIOD: 14}),
        (dt.date(2026, 1, 1), {ft.PERIOD_ENDED: 6, ft.WITHIN_PERIOD: 8}),
        (dt.date(2030, 12, 31), {ft.PERIOD_ENDED: 6, ft.WITHIN_PERIOD: 8}),
        (dt.date(2031, 1, 1), {ft.PERIOD_ENDED: 14}),
    ],
)
def test_schedule_statuses_of_all_tasks(day: dt.date, expected: dict[str, int]) -> None:
    states = ft.task_states(day)
    counts = {s: sum(x.schedule == s for x in states) for s in ft.SCHEDULE_STATUSES}
    assert {k: v for k, v in counts.items() if v} == expected
    assert all(x.report is None for x in states)


def test_schedule_statuses_are_worded_as_periods_not_results() -> None:
    assert [layout.schedule_label(s, "vi") for s in ft.SCHEDULE_STATUSES] == [
        "Chưa đến thời hạn",
        "Đang trong thời hạn",
        "Hết thời hạn triển khai",
    ]
    assert [layout.schedule_label(s, "en") for s in ft.SCHEDULE_STATUSES] == [
        "Not yet started",
        "Within implementation period",
        "Implementation period ended",
    ]
    assert [layout.reported_label(s, "vi") for s in ft.REPORTED_STATES] == [
        "Chưa triển khai",
        "Đang triển khai",
        "Đã hoàn thành",
    ]


def test_a_report_dated_after_the_date_is_not_known_then() -> None:
    later = _report("1.1", dt.date(2026, 6, 1), ft.COMPLETED, 100)
    assert (
        next(s for s in ft.task_states(dt.date(2026, 5, 31), {"1.1": later}) if s.task.number == "1.1").report is None
    )
    assert (
        next(s for s in ft.task_states(dt.date(2026, 6, 1), {"1.1": later}) if s.task.number == "1.1").report == later
    )
    state = ft.task_states(dt.date(2026, 6, 1))[0]
    assert state.elapsed == pytest.approx(
        (dt.date(2026, 6, 1) - dt.date(2022, 1, 1)).days / (dt.date(2030, 12, 31) - dt.date(2022, 1, 1)).days
    )


def _report(task: str, on: dt.date, state: str, percent: int | None = None, source: str = "CV 1") -> ft.ProgressReport:
    return ft.ProgressReport(task, on, state, percent, None, source, dt.datetime(2026, 11, 1, 8, 0))


# --- the page -------------------------------------------------------------------------------------------

ON = dt.date(2026, 11, 28)


def _page(
    lang: str,
    authority_vi: str = "Cơ quan A",
    authority_en: str = "Agency A",
    ioc_url: str | None = None,
    on: dt.date | None = ON,
) -> object:
    settings = dataclasses.replace(Settings(), authority_name_vi=authority_vi, authority_name_en=authority_en)
    if ioc_url:
        settings = dataclasses.replace(settings, ioc_database_url=ioc_url)
    services = Services.from_settings(settings)
    try:
        return tasks_cb.render(PageContext(services=services, lang=lang), on=on)
    finally:
        services.dispose()


def _all_words(page: object) -> str:
    """Every text of the page: components, the table's HTML and the timeline (legend, bar texts, hovers, notes)."""
    graph = next(c for c in _walk(page) if getattr(c, "id", None) == "tasks-timeline")
    fig = graph.figure
    parts = [*texts(page), markdown_html(page)]
    for trace in fig.data:
        parts += [trace.name or "", *(trace.text or []), *(trace.hovertext or [])]
    parts += [a.text for a in fig.layout.annotations]
    return " ".join(parts)


def _walk(component: object):
    yield component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, (list, tuple)) else [children]:
        if child is not None and not isinstance(child, str):
            yield from _walk(child)


def _task_rows(page: object) -> dict[str, list[str]]:
    return {r["attrs"]["id"][5:]: r["cells"] for r in table_rows(page) if r["attrs"].get("id", "").startswith("task-")}


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    return new_store(database_url(tmp_path, "ioc"))


def test_page_in_vietnamese_shows_schedule_statuses_and_no_report(store_url: str) -> None:
    page = _page("vi", authority_vi="Cục GDNN và GDTX, Bộ Giáo dục và Đào tạo", ioc_url=store_url)
    words = " ".join(texts(page))
    assert "Nhiệm vụ trọng tâm triển khai Chương trình" in words
    assert "Dữ liệu tính đến 28/11/2026" in words
    assert (
        "Cơ quan quản lý nhà nước về giáo dục nghề nghiệp hiện nay: Cục GDNN và GDTX, Bộ Giáo dục và Đào tạo." in words
    )
    header = next(r for r in table_rows(page) if r["attrs"].get("id") is None and "TT" in r["cells"])
    assert header["cells"][5:] == ["Trạng thái theo thời hạn", "Tiến độ được báo cáo"]
    rows = _task_rows(page)
    assert len(rows) == 14
    first = rows["1.1"]
    assert first[0] == "1.1" and first[1] == "Đổi mới và phát triển nội dung, chương trình đào tạo"
    assert "Bộ Lao động - Thương binh và Xã hội" in first[2] and "Hiện nay: Cục GDNN và GDTX" in first[2]
    assert first[5] == "▶Đang trong thời hạn" and first[6] == "Chưa có báo cáo tiến độ"
    assert rows["2.1.1"][5] == "■Hết thời hạn triển khai"
    assert all(cells[6] == "Chưa có báo cáo tiến độ" for cells in rows.values())
    assert "Hiện nay" not in rows["2.1.3"][2]  # led by the institutions themselves: nothing changed


@pytest.mark.parametrize("lang,claim", [("vi", "hoàn thành"), ("en", "complete")])
def test_without_reports_nothing_on_the_page_claims_a_task_is_complete(store_url: str, lang: str, claim: str) -> None:
    for day in (dt.date(2026, 1, 1), dt.date(2031, 1, 1)):  # some periods ended, all ended
        assert claim not in _all_words(_page(lang, ioc_url=store_url, on=day)).lower()


def test_page_in_english_keeps_the_decisions_wording(store_url: str) -> None:
    page = _page("en", ioc_url=store_url)
    html = markdown_html(page)
    assert "Renew and develop training content and programmes" in html
    assert "Đổi mới và phát triển nội dung, chương trình đào tạo" in html  # the original beside the translation
    assert "Now: Agency A" in html
    assert "Implementation period ended" in html and "Within implementation period" in html
    assert "No progress report yet" in html and "Reported progress" in html


def test_the_page_date_is_the_snapshots_data_date_and_the_demo_has_no_reports(services) -> None:
    from tests.conftest import DEMO_DATA_DATE

    page = tasks_cb.render(PageContext(services=services, lang="vi"))
    assert f"Dữ liệu tính đến {DEMO_DATA_DATE:%d/%m/%Y}" in " ".join(texts(page))
    assert all(cells[6] == "Chưa có báo cáo tiến độ" for cells in _task_rows(page).values())
    assert task_progress.reports(services.ioc_engine) == []


def test_timeline_has_every_task_and_the_data_date_line() -> None:
    fig = layout.timeline_figure(ft.task_states(ON), ON, "vi")
    labels = {y for trace in fig.data for y in trace.y}
    assert len(labels) == 14
    lines = [s for s in fig.layout.shapes if s.type == "line"]
    assert ON.isoformat() in {s.x0 for s in lines}
    assert any(a.text == "Dữ liệu tính đến 28/11/2026" for a in fig.layout.annotations)
    assert fig.layout.xaxis.range[0] == "2022-01-01"
    # The share of the period elapsed is in the hover, never on the bar where it would read as progress.
    assert not any("%" in text for trace in fig.data for text in (trace.text or []))
    assert all(isinstance(trace, go.Bar) for trace in fig.data)


# --- reported progress in the IOC store ----------------------------------------------------------------


@pytest.fixture(params=["sqlite", "postgresql"])
def any_store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return new_store(f"sqlite:///{tmp_path / 'ioc.sqlite3'}")
    return new_store(request.getfixturevalue("pg_url"))


TODAY = dt.date(2026, 11, 30)


def test_reports_round_trip_as_of_a_date(any_store_url: str) -> None:
    engine = make_engine(any_store_url)
    try:
        record = functools.partial(task_progress.record, engine, today=TODAY)
        record("2.1.2", ft.IN_PROGRESS, dt.date(2025, 6, 30), "  Báo cáo số 12/BC-TCGDNN  ", 40, "  ")
        record("2.1.2", ft.IN_PROGRESS, dt.date(2026, 3, 31), "Công văn 345/GDNN", 70, "Vận hành thử")
        record("2.1.2", ft.COMPLETED, dt.date(2026, 3, 31), "Công văn 346/GDNN (đính chính)", 100)  # correction
        record("2.1.2", ft.COMPLETED, dt.date(2026, 11, 29), "Báo cáo tổng kết")  # after the data date below
        record("5", ft.NOT_STARTED, dt.date(2026, 1, 15), "Cục An toàn thông tin", 0)

        rows = task_progress.reports(engine)
        assert [(r.task, r.reported_on, r.percent) for r in rows] == [
            ("2.1.2", dt.date(2025, 6, 30), 40),
            ("2.1.2", dt.date(2026, 3, 31), 70),
            ("2.1.2", dt.date(2026, 3, 31), 100),
            ("2.1.2", dt.date(2026, 11, 29), None),
            ("5", dt.date(2026, 1, 15), 0),
        ]
        assert rows[0].source == "Báo cáo số 12/BC-TCGDNN" and rows[0].note is None  # trimmed; blank note is none
        assert all(isinstance(r.recorded_at, dt.datetime) for r in rows)

        assert task_progress.latest_reports(engine, dt.date(2025, 6, 29)) == {}
        assert task_progress.latest_reports(engine, dt.date(2025, 6, 30))["2.1.2"].percent == 40
        at = task_progress.latest_reports(engine, ON)
        assert at["2.1.2"].state == ft.COMPLETED and at["2.1.2"].source == "Công văn 346/GDNN (đính chính)"
        assert at["5"].state == ft.NOT_STARTED
        assert task_progress.latest_reports(engine, dt.date(2026, 11, 29))["2.1.2"].source == "Báo cáo tổng kết"

        view = task_progress.tasks_view(engine, ON)
        assert view.as_of == ON  # no snapshot in this store: the date asked for
        states = {s.task.number: s for s in view.states}
        assert states["2.1.2"].schedule == ft.PERIOD_ENDED and states["2.1.2"].report == at["2.1.2"]
        assert states["1.1"].report is None
    finally:
        engine.dispose()


def test_the_store_refuses_rows_the_core_would_refuse(any_store_url: str) -> None:
    from sqlalchemy.exc import IntegrityError
    from sqlalchemy.orm import Session

    from ioc_app.store import TaskProgressReport

    engine = make_engine(any_store_url)
    try:
        for bad in ({"percent": 101}, {"state": "done"}, {"source": "  "}):
            values = {"task_id": "1.1", "reported_on": ON, "state": ft.IN_PROGRESS, "source": "x", "percent": 5}
            row = TaskProgressReport(**{**values, **bad}, recorded_at=dt.datetime(2026, 11, 30))
            with Session(engine) as s, pytest.raises(IntegrityError):
                s.add(row)
                s.commit()
        assert task_progress.reports(engine) == []
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    "changes,message",
    [
        ({"task_id": "2.3"}, "unknown task '2.3'"),
        ({"task_id": ""}, "unknown task ''"),
        ({"state": "done"}, "unknown state 'done'"),
        ({"reported_on": dt.date(2021, 12, 29)}, "before the decision"),
        ({"reported_on": dt.date(2026, 12, 1)}, "in the future"),
        ({"source": " \t "}, "a source is required"),
        ({"percent": 101}, "from 0 to 100"),
        ({"percent": -1}, "from 0 to 100"),
        ({"percent": True}, "from 0 to 100"),
        ({"state": ft.COMPLETED, "percent": 90}, "completed task is 100 percent"),
        ({"state": ft.NOT_STARTED, "percent": 10}, "not started is 0 percent"),
        ({"source": "x" * 301}, "at most 300"),
    ],
)
def test_invalid_reports_are_refused_and_nothing_is_written(
    store_url: str, changes: dict[str, object], message: str
) -> None:
    engine = make_engine(store_url)
    report = {"task_id": "1.1", "state": ft.IN_PROGRESS, "reported_on": ON, "source": "CV 1", "percent": 50}
    try:
        with pytest.raises(task_progress.ReportError, match=re.escape(message)):
            task_progress.record(engine, **{**report, **changes}, today=TODAY)
        assert task_progress.reports(engine) == []
    finally:
        engine.dispose()


def test_page_shows_the_latest_report_beside_the_schedule(store_url: str) -> None:
    engine = make_engine(store_url)
    try:
        record = functools.partial(task_progress.record, engine, today=TODAY)
        record("2.1.2", ft.IN_PROGRESS, dt.date(2026, 3, 31), "Công văn 345/GDNN", 70, "<b>x</b>")
        record("5", ft.COMPLETED, dt.date(2025, 12, 20), "Báo cáo 45/BC-BGDĐT")
        record("1.1", ft.COMPLETED, dt.date(2026, 11, 29), "Báo cáo sau ngày dữ liệu", 100)
    finally:
        engine.dispose()
    page = _page("vi", ioc_url=store_url)
    rows = _task_rows(page)
    assert rows["2.1.2"][5] == "■Hết thời hạn triển khai"  # the schedule is unchanged by the report
    assert rows["2.1.2"][6] == "◐Đang triển khai70%Báo cáo ngày 31/03/2026Nguồn: Công văn 345/GDNN<b>x</b>"
    assert "&lt;b&gt;x&lt;/b&gt;" in markdown_html(page)  # a note is text, never markup
    assert rows["5"][6] == "✔Đã hoàn thànhBáo cáo ngày 20/12/2025Nguồn: Báo cáo 45/BC-BGDĐT"
    assert rows["1.1"][6] == "Chưa có báo cáo tiến độ"  # dated after 28/11/2026: not known at the page's date
    tile = next(c for c in _walk(page) if getattr(c, "id", None) == "tasks-count-reported")
    assert texts(tile) == ["2/14", "Nhiệm vụ có báo cáo tiến độ"]
    fig = next(c for c in _walk(page) if getattr(c, "id", None) == "tasks-timeline").figure
    markers = [tr for tr in fig.data if isinstance(tr, go.Scatter)]
    assert {tr.name for tr in markers} == {
        "✔ Tiến độ được báo cáo: Đã hoàn thành",
        "◐ Tiến độ được báo cáo: Đang triển khai",
    }
    assert "2026-03-31" in {x for tr in markers for x in tr.x}
    en = _page("en", ioc_url=store_url)
    assert _task_rows(en)["2.1.2"][6] == "◐In progress70%Reported on 31 Mar 2026Source: Công văn 345/GDNN<b>x</b>"
