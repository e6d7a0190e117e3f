"""Charts in words (layouts.chart_text): the latest value and the change over a year, by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from layouts import chart_text

DATES = [dt.date(2024, 12, 31), dt.date(2025, 6, 30), dt.date(2025, 11, 30), dt.date(2026, 11, 15)]


@pytest.mark.parametrize(
    ("values", "lang", "expected"),
    [
        (
            [0.2, 0.3, 0.412, 0.443],
            "vi",
            "T01: 44,3% tại 15/11/2026, tăng 14,3 điểm % so với 30/06/2025",
        ),
        ([0.2, 0.5, None, 0.25], "en", "T01: 25.0% at 15 Nov 2026, down 25.0 pp since 30 Jun 2025"),
        ([0.5, 0.5, 0.5, 0.5002], "vi", "T01: 50,0% tại 15/11/2026, không đổi so với 30/06/2025"),
        # Less than a year of figures: the change since the first one.
        ([None, None, 0.1, 0.2], "vi", "T01: 20,0% tại 15/11/2026, tăng 10,0 điểm % so với 30/11/2025"),
        ([None, None, None, 0.2], "vi", "T01: 20,0% tại 15/11/2026"),
        ([None, None, None, None], "vi", "T01: chưa có số liệu"),
    ],
)
def test_trend_summary(values: list[float | None], lang: str, expected: str) -> None:
    assert chart_text.trend_summary("T01", DATES, values, lang) == expected


def test_the_table_has_headings_for_columns_and_rows() -> None:
    details = chart_text.data_table("T01", ["Thời điểm", "Giá trị"], [["31/12/2024", "20,0%"]], "vi")
    summary, scroll = details.children
    assert summary.children == "Xem bảng số liệu"
    caption, head, body = scroll.children.children
    assert caption.children == "T01"
    assert [th.scope for th in head.children.children] == ["col", "col"]
    first, value = body.children[0].children
    assert type(first).__name__ == "Th" and first.scope == "row"
    assert type(value).__name__ == "Td" and value.className == "ioc-num"
