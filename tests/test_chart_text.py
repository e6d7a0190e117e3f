"""Charts in words (layouts.chart_text): the latest value and the change over a year, by hand."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser
from typing import Any

import pytest

from layouts import chart_text


class _Table(HTMLParser):
    """A chart's data table read back from its HTML: caption, rows of cell texts, and each cell's tag and
    attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.caption = ""
        self.rows: list[list[str]] = []
        self.cells: list[list[tuple[str, dict[str, str | None]]]] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self.rows.append([])
            self.cells.append([])
        elif tag in ("th", "td"):
            self.rows[-1].append("")
            self.cells[-1].append((tag, dict(attrs)))
        if tag in ("th", "td", "caption"):
            self._in = tag

    def handle_endtag(self, tag: str) -> None:
        if tag in ("th", "td", "caption"):
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "caption":
            self.caption += data
        elif self._in:
            self.rows[-1][-1] += data


def read_table(details: Any) -> _Table:
    """The table folded in a chart's ``<details>`` (``chart_text.data_table``): one block of HTML."""
    summary, block = details.children
    assert summary.children in ("Xem bảng số liệu", "Show data table")
    parser = _Table()
    parser.feed(block.children)
    return parser


def table_rows(details: Any) -> list[list[str]]:
    """The rows' texts, the header row first."""
    return read_table(details).rows


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
    details = chart_text.data_table("T01 <&>", ["Thời điểm", "Giá trị"], [["31/12/2024", "20,0%"]], "vi")
    table = read_table(details)
    assert table.caption == "T01 <&>"  # escaped in the HTML, read back as written
    assert table.rows == [["Thời điểm", "Giá trị"], ["31/12/2024", "20,0%"]]
    assert [(tag, attrs.get("scope")) for tag, attrs in table.cells[0]] == [("th", "col"), ("th", "col")]
    (first, first_attrs), (value, value_attrs) = table.cells[1]
    assert first == "th" and first_attrs.get("scope") == "row"
    assert value == "td" and value_attrs.get("class") == "ioc-num"


def test_year_ends_keep_each_years_last_date_and_the_latest() -> None:
    dates = [dt.date(2024, 11, 30), dt.date(2024, 12, 31), dt.date(2025, 1, 31), dt.date(2025, 12, 31),
             dt.date(2026, 10, 31), dt.date(2026, 11, 15)]  # fmt: skip
    assert chart_text.year_ends(dates) == [1, 3, 5]
    assert chart_text.year_ends(dates[:1]) == [0]
    assert chart_text.year_ends([]) == []
