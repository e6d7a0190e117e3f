"""Focus tasks: taken faithfully from the decision's appendix, statuses by schedule, the page in both languages."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import pytest

from callbacks import tasks as tasks_cb
from callbacks.page import PageContext
from ioc_app import focus_tasks as ft
from ioc_app.services import Services
from ioc_app.settings import PROJECT_ROOT, Settings
from layouts import tasks as layout
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


@pytest.mark.parametrize(
    "day,expected",
    [
        (dt.date(2021, 12, 31), {ft.NOT_STARTED: 14}),
        (dt.date(2024, 6, 1), {ft.IN_PROGRESS: 14}),
        (dt.date(2026, 1, 1), {ft.COMPLETED: 6, ft.IN_PROGRESS: 8}),
        (dt.date(2031, 1, 1), {ft.COMPLETED: 14}),
    ],
)
def test_statuses_by_schedule(day: dt.date, expected: dict[str, int]) -> None:
    states = ft.task_states(day)
    counts = {s: sum(x.status == s for x in states) for s in ft.TASK_STATUSES}
    assert {k: v for k, v in counts.items() if v} == expected
    assert all(x.derived for x in states)


def test_period_boundaries_and_recorded_status() -> None:
    task = next(t for t in ft.TASKS if t.end_year == 2025)
    assert ft.derived_status(task, dt.date(2025, 12, 31)) == ft.IN_PROGRESS  # the last day still counts
    assert ft.derived_status(task, dt.date(2026, 1, 1)) == ft.COMPLETED
    states = ft.task_states(dt.date(2026, 6, 1), recorded={task.number: ft.IN_PROGRESS, "1.1": "bogus"})
    mine = next(s for s in states if s.task.number == task.number)
    assert mine.status == ft.IN_PROGRESS and not mine.derived
    assert next(s for s in states if s.task.number == "1.1").derived  # an unknown recorded status is ignored
    assert next(s for s in states if s.task.number == "1.1").elapsed == pytest.approx(
        (dt.date(2026, 6, 1) - dt.date(2022, 1, 1)).days / (dt.date(2030, 12, 31) - dt.date(2022, 1, 1)).days
    )


def _page(lang: str, authority_vi: str = "Cơ quan A", authority_en: str = "Agency A") -> object:
    settings = dataclasses.replace(Settings(), authority_name_vi=authority_vi, authority_name_en=authority_en)
    services = Services.from_settings(settings)
    try:
        return tasks_cb.render(PageContext(services=services, lang=lang), on=dt.date(2026, 11, 28))
    finally:
        services.dispose()


def test_page_in_vietnamese_labels_schedule_statuses_and_current_authority() -> None:
    page = _page("vi", authority_vi="Cục GDNN và GDTX, Bộ Giáo dục và Đào tạo")
    words = " ".join(texts(page))
    assert "Nhiệm vụ trọng tâm triển khai Chương trình" in words
    assert (
        "Cơ quan quản lý nhà nước về giáo dục nghề nghiệp hiện nay: Cục GDNN và GDTX, Bộ Giáo dục và Đào tạo." in words
    )
    rows = [r for r in table_rows(page) if r["attrs"].get("id", "").startswith("task-")]
    assert len(rows) == 14
    first = rows[0]["cells"]
    assert first[0] == "1.1" and first[1] == "Đổi mới và phát triển nội dung, chương trình đào tạo"
    assert "Bộ Lao động - Thương binh và Xã hội" in first[2] and "Hiện nay: Cục GDNN và GDTX" in first[2]
    assert "Đang triển khai" in first[5] and "(theo kế hoạch)" in first[5]
    institutions_led = next(r for r in rows if r["attrs"]["id"] == "task-2.1.3")["cells"][2]
    assert "Hiện nay" not in institutions_led  # led by the institutions themselves: nothing changed
    assert "Hoàn thành (theo kế hoạch)" in words and "Đang triển khai (theo kế hoạch)" in words


def test_page_in_english_keeps_the_decisions_wording() -> None:
    page = _page("en")
    html = markdown_html(page)
    assert "Renew and develop training content and programmes" in html
    assert "Đổi mới và phát triển nội dung, chương trình đào tạo" in html  # the original beside the translation
    assert "Now: Agency A" in html and "(by schedule)" in html


def test_timeline_has_every_task_and_todays_line() -> None:
    today = dt.date(2026, 11, 28)
    fig = layout.timeline_figure(ft.task_states(today), today, "vi")
    labels = {y for trace in fig.data for y in trace.y}
    assert len(labels) == 14
    lines = [s for s in fig.layout.shapes if s.type == "line"]
    assert today.isoformat() in {s.x0 for s in lines}
    assert any(a.text == "Hôm nay 28/11/2026" for a in fig.layout.annotations)
    assert fig.layout.xaxis.range[0] == "2022-01-01"
