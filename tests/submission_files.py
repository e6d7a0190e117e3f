"""Submission files written for the tests: real .xlsx workbooks (openpyxl) and CSV bytes in several encodings."""

from __future__ import annotations

import io
import unicodedata
import zipfile
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook

from data_sources.submissions.kinds import KINDS

# Windows-1258 writes a tone mark as its own character after the letter.
_TONES = "\u0300\u0301\u0303\u0309\u0323"


def headers(kind: str, lang: str = "vi") -> list[str]:
    return [c.vi if lang == "vi" else c.en for c in KINDS[kind].columns]


def csv_text(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    def cell(v: Any) -> str:
        text = "" if v is None else str(v)
        return f'"{text}"' if any(ch in text for ch in ',"\n') else text

    return "".join(",".join(cell(v) for v in line) + "\r\n" for line in [list(header), *rows])


def csv_bytes(header: Sequence[str], rows: Sequence[Sequence[Any]], encoding: str = "utf-8") -> bytes:
    text = csv_text(header, rows)
    if encoding == "cp1258":
        return cp1258(text)
    return text.encode(encoding)


def cp1258(text: str) -> bytes:
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES))
            out += base.encode("cp1258") + "".join(c for c in parts if c in _TONES).encode("cp1258")
    return bytes(out)


def xlsx_bytes(
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    english_row: Sequence[str] | None = None,
    extra_sheets: dict[str, Sequence[Sequence[Any]]] | None = None,
) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Dữ liệu"
    sheet.append(list(header))
    if english_row:
        sheet.append(list(english_row))
    for row in rows:
        sheet.append(list(row))
    for title, content in (extra_sheets or {}).items():
        other = book.create_sheet(title)
        for row in content:
            other.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def with_zip_entry(workbook: bytes, name: str, content: bytes = b"x") -> bytes:
    """The workbook with one more part in its zip (a macro project, an external link)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr(name, content)
    return out.getvalue()
