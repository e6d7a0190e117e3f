"""Exports keep Vietnamese text and neutralise spreadsheet formulas."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd

from ioc_app.exports import csv_bytes, neutralise, xlsx_bytes


def test_formula_cells_are_neutralised() -> None:
    assert neutralise('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    for bad in ("+1", "-2+3", "@SUM(A1)", "\tx", "\rx"):
        assert neutralise(bad).startswith("'")
    assert neutralise("Hà Nội") == "Hà Nội"
    assert neutralise(-5) == -5  # numbers stay numbers


def test_csv_has_bom_vietnamese_headers_and_safe_cells() -> None:
    df = pd.DataFrame({"name": ["Trường Cao đẳng Nghề =1+1", "=cmd|' /C calc'!A0"], "value": [0.5, -0.25]})
    data = csv_bytes(df, {"name": "Tên cơ sở", "value": "Giá trị"})
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert text.splitlines()[0] == "Tên cơ sở,Giá trị"
    assert "'=cmd" in text and "-0.25" in text


def test_xlsx_round_trips() -> None:
    df = pd.DataFrame({"province": ["Đà Nẵng", "+84"], "n": [3, 4]})
    wb = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(df, {"province": "Tỉnh", "n": "Số lượng"})))
    rows = list(wb.active.iter_rows(values_only=True))
    assert rows == [("Tỉnh", "Số lượng"), ("Đà Nẵng", 3), ("'+84", 4)]
