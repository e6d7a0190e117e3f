"""Blank templates a province fills in: one data sheet with a Vietnamese and an English header row,
and an instructions sheet (ignored when the file comes back)."""

from __future__ import annotations

import io

from data_sources.submissions.kinds import KindSpec

HEADER_COLOUR = "DCE6F1"


def template_xlsx(kind: KindSpec) -> bytes:
    # openpyxl only when a template is asked for: a web worker that never builds one does not hold it.
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    header_fill = PatternFill("solid", fgColor=HEADER_COLOUR)
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has its one sheet
    sheet.title = "Dữ liệu"
    sheet.append([c.vi for c in kind.columns])
    sheet.append([c.en for c in kind.columns])
    for row in (1, 2):
        for cell in sheet[row]:
            cell.font = Font(bold=row == 1, italic=row == 2)
            cell.fill = header_fill
            cell.data_type = "s"
    for index, column in enumerate(kind.columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(18, len(column.vi) + 4)
        # Codes and IDs are text: Excel would drop their leading zeros; dates as dd/mm/yyyy.
        number_format = "DD/MM/YYYY" if column.type == "date" else "@"
        for row in range(3, 503):
            sheet.cell(row=row, column=index).number_format = number_format
    sheet.freeze_panes = "A3"
    notes = book.create_sheet("Hướng dẫn")
    notes.append([kind.title_vi, kind.title_en])
    notes.append([])
    notes.append(["Cột", "Column", "Bắt buộc / Required", "Giá trị / Values"])
    for column in kind.columns:
        values = " / ".join(v for v in (column.hint_vi, column.hint_en) if v)
        if not values and column.type == "date":
            values = "dd/mm/yyyy"
        notes.append([column.vi, column.en, "x" if column.required else "", values])
    notes.append([])
    notes.append(["Nhập dữ liệu từ dòng 3 của trang “Dữ liệu”; không dùng công thức, macro hay liên kết ngoài."])
    notes.append(["Enter data from row 3 of the first sheet; no formulas, macros or external links."])
    notes.column_dimensions["A"].width = 45
    notes.column_dimensions["B"].width = 45
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
