"""Reading a submitted file into a header and rows, without evaluating or trusting anything in it.

- ``.xlsx``: opened as a zip first: macros (``vbaProject.bin``), external links and oversized
  contents are refused before openpyxl parses anything; then read with ``data_only=False``, so a
  formula arrives as its text and is reported (never calculated, never its cached result). One data
  sheet only; an instructions sheet of our templates is ignored.
- ``.csv``: UTF-8 with or without a byte-order mark; UTF-16 and Windows-1258 are recognised by
  charset-normalizer and decoded; any other encoding is refused with its name.

Refusals are :class:`FileRefused` with a code and parameters; the words belong to the caller.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
import zipfile
from dataclasses import dataclass, field
from typing import Final, TypeAlias

import charset_normalizer

INSTRUCTION_SHEETS: Final = frozenset({"hướng dẫn", "instructions"})
MAX_ROWS: Final = 20_000
# An .xlsx is a zip: its unpacked contents may be many times the file, but not without bound.
MAX_UNPACKED_RATIO: Final = 40
FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")
# Encodings decoded as they are (besides UTF-8): Vietnamese Windows and Excel's "Unicode text".
DECODED_ENCODINGS: Final = {"cp1258": "cp1258", "utf_16": "utf-16", "utf_16_le": "utf-16-le", "utf_16_be": "utf-16-be"}
ENCODING_NAMES: Final = {"cp1258": "Windows-1258", "utf_16": "UTF-16", "utf_16_le": "UTF-16LE", "utf_16_be": "UTF-16BE"}


@dataclass(frozen=True)
class Formula:
    """A cell holding a formula: kept as its text, reported, never evaluated."""

    text: str


CellValue: TypeAlias = str | int | float | bool | dt.date | dt.datetime | Formula | None


class FileRefused(Exception):
    """The file as a whole cannot be read; ``code`` and ``params`` say why."""

    def __init__(self, code: str, **params: str) -> None:
        super().__init__(code, params)
        self.code = code
        self.params = params


@dataclass
class RawTable:
    """The data sheet (or CSV) as text headers and rows of cell values, with their row numbers in the file."""

    headers: list[str]
    header_rows: int  # the header row(s) at the top: one, or a Vietnamese and an English one
    rows: list[tuple[int, list[CellValue]]] = field(default_factory=list)
    encoding: str | None = None  # CSV only


def neutralise(text: str) -> str:
    """Text a spreadsheet would take for a formula, made inert with a leading apostrophe."""
    return "'" + text if text.startswith(FORMULA_START) else text


def _clean(value: CellValue) -> CellValue:
    if isinstance(value, str):
        text = unicodedata.normalize("NFC", value).strip()
        return text or None
    return value


def read_table(file_name: str, data: bytes, max_bytes: int, known_headers: frozenset[str]) -> RawTable:
    """The file's header row(s) and data rows; ``FileRefused`` for a file that cannot be taken."""
    if len(data) > max_bytes:
        raise FileRefused("too_large", size=str(len(data)), limit=str(max_bytes))
    if not data.strip():
        raise FileRefused("empty")
    suffix = file_name.lower().rsplit(".", 1)[-1] if "." in file_name else ""
    if suffix in ("xlsm", "xltm", "xlam"):
        raise FileRefused("macros")
    if suffix == "xlsx":
        grid = _xlsx_grid(data, max_bytes)
        encoding = None
    elif suffix == "csv":
        grid, encoding = _csv_grid(data)
    elif suffix == "xls":
        raise FileRefused("old_excel")
    else:
        raise FileRefused("file_type", suffix=suffix or "-")
    table = _table(grid, known_headers)
    table.encoding = encoding
    return table


def _table(grid: list[tuple[int, list[CellValue]]], known_headers: frozenset[str]) -> RawTable:
    rows = [(n, [_clean(v) for v in cells]) for n, cells in grid]
    rows = [(n, cells) for n, cells in rows if any(v is not None for v in cells)]
    if not rows:
        raise FileRefused("empty")
    _, first = rows[0]
    headers = ["" if v is None else str(v.text if isinstance(v, Formula) else v) for v in first]
    header_rows = 1
    # A template's second header row (the other language) is not data.
    if len(rows) > 1 and all(v is None or (isinstance(v, str) and v.lower() in known_headers) for v in rows[1][1]):
        header_rows = 2
    data_rows = rows[header_rows:]
    if not data_rows:
        raise FileRefused("no_rows")
    if len(data_rows) > MAX_ROWS:
        raise FileRefused("too_many_rows", rows=str(len(data_rows)), limit=str(MAX_ROWS))
    return RawTable(headers, header_rows, data_rows)


def _xlsx_grid(data: bytes, max_bytes: int) -> list[tuple[int, list[CellValue]]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise FileRefused("not_xlsx") from None
    with archive:
        names = archive.namelist()
        lowered = [n.lower() for n in names]
        if any(n.endswith("vbaproject.bin") for n in lowered):
            raise FileRefused("macros")
        if any(n.startswith("xl/externallinks/") for n in lowered):
            raise FileRefused("external_links")
        if sum(i.file_size for i in archive.infolist()) > max_bytes * MAX_UNPACKED_RATIO:
            raise FileRefused("too_large", size=str(len(data)), limit=str(max_bytes))
        if "xl/workbook.xml" not in lowered:
            raise FileRefused("not_xlsx")
        content_types = archive.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
        if b"macroEnabled" in content_types:
            raise FileRefused("macros")
    # openpyxl only when a workbook comes in: a web worker that never reads one does not hold it.
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        # data_only=False: a formula is read as its text, never as a cached (or computed) result.
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise FileRefused("not_xlsx") from None
    try:
        sheets = []
        for sheet in book.worksheets:
            if unicodedata.normalize("NFC", sheet.title).strip().lower() in INSTRUCTION_SHEETS:
                continue
            grid: list[tuple[int, list[CellValue]]] = []
            for row in sheet.iter_rows():
                cells: list[CellValue] = []
                number = 0
                for cell in row:
                    number = getattr(cell, "row", number) or number
                    value = getattr(cell, "value", None)
                    if getattr(cell, "data_type", None) == "f":
                        cells.append(Formula(str(value)))
                    else:
                        cells.append(value)
                if any(v not in (None, "") for v in cells):
                    grid.append((number, cells))
                    if len(grid) > MAX_ROWS + 2:
                        raise FileRefused("too_many_rows", rows=f">{MAX_ROWS}", limit=str(MAX_ROWS))
            if grid:
                sheets.append((sheet.title, grid))
    finally:
        book.close()
    if len(sheets) > 1:
        raise FileRefused("several_sheets", sheets=", ".join(title for title, _ in sheets))
    if not sheets:
        raise FileRefused("empty")
    return sheets[0][1]


def detect_encoding(data: bytes) -> str:
    """Python's name of the text's encoding: UTF-8 (with or without BOM) first, else charset-normalizer's guess."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf_8_sig"
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):  # before UTF-16's mark, its prefix
        return "utf_32"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf_16"
    if b"\x00" not in data:  # NUL bytes are valid UTF-8 but mean UTF-16 or UTF-32 without a mark
        try:
            data.decode("utf-8")
            return "utf_8"
        except UnicodeDecodeError:
            pass
    best = charset_normalizer.from_bytes(data).best()
    return best.encoding if best is not None else "unknown"


def _csv_grid(data: bytes) -> tuple[list[tuple[int, list[CellValue]]], str]:
    encoding = detect_encoding(data)
    if encoding in ("utf_8", "utf_8_sig"):
        text = data.decode("utf-8-sig")
        name = "UTF-8"
    elif encoding in DECODED_ENCODINGS:
        try:
            text = data.decode(DECODED_ENCODINGS[encoding])
        except UnicodeDecodeError:
            raise FileRefused("encoding", encoding=ENCODING_NAMES[encoding]) from None
        text = text.removeprefix("\ufeff")
        name = ENCODING_NAMES[encoding]
    else:
        raise FileRefused("encoding", encoding=encoding.replace("_", "-"))
    # Windows-1258 writes tone marks as separate characters: composed here, as everywhere else.
    text = unicodedata.normalize("NFC", text)
    if "\x00" in text:
        raise FileRefused("encoding", encoding=name)
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        grid: list[tuple[int, list[CellValue]]] = [
            (number, list(row)) for number, row in enumerate(reader, start=1) if any(c.strip() for c in row)
        ]
    except csv.Error:
        raise FileRefused("bad_csv") from None
    return grid, name
