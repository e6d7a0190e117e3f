"""Table exports: CSV (UTF-8 with BOM, so Excel shows Vietnamese correctly) and Excel (.xlsx).

Text cells that a spreadsheet would run as a formula (starting with = + - @, tab or CR) are
prefixed with an apostrophe: formula injection is neutralised, the text stays readable.
"""

from __future__ import annotations

import io
from typing import Any, cast

import pandas as pd
from werkzeug.wrappers import Response

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def prepare(df: pd.DataFrame, headers: dict[str, str] | None = None) -> pd.DataFrame:
    """Columns renamed to their (translated) headers, every text cell neutralised."""
    out = df.copy()
    if headers:
        out = out[[c for c in headers if c in out.columns]].rename(columns=headers)
    out.columns = [neutralise(str(c)) for c in out.columns]
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise)
    return out


def csv_bytes(df: pd.DataFrame, headers: dict[str, str] | None = None) -> bytes:
    return prepare(df, headers).to_csv(index=False).encode("utf-8-sig")


def download(
    df: pd.DataFrame, headers: dict[str, str] | None, fmt: str, stem: str, sheet: str = "IOC"
) -> dict[str, Any]:
    """What a ``dcc.Download`` needs: the table as ``stem.xlsx`` when ``fmt`` is "xlsx", else ``stem.csv``.

    Recorded in the audit log (who downloaded which table) when asked within a request.
    """
    # dash.dcc re-exports send_bytes through a computed __all__, which type checkers cannot read.
    from dash.dcc.express import send_bytes
    from flask import has_request_context

    from ioc_app import audit

    if has_request_context():
        audit.record("export", f"{stem}.{'xlsx' if fmt == 'xlsx' else 'csv'}", f"{len(df)} rows")
    if fmt == "xlsx":
        return cast(dict[str, Any], send_bytes(xlsx_bytes(df, headers, sheet), f"{stem}.xlsx"))  # type: ignore[no-untyped-call]  # dash leaves send_bytes unannotated
    return cast(dict[str, Any], send_bytes(csv_bytes(df, headers), f"{stem}.csv"))  # type: ignore[no-untyped-call]  # dash leaves send_bytes unannotated


def file_response(df: pd.DataFrame, fmt: str, stem: str, sheet: str = "IOC", detail: str | None = None) -> Response:
    """The table as an attachment of a server page: ``stem.xlsx`` when ``fmt`` is "xlsx", else ``stem.csv``.

    Recorded in the audit log like ``download`` (``detail``, else the row count).
    """
    xlsx = fmt == "xlsx"
    data = xlsx_bytes(df, sheet=sheet) if xlsx else csv_bytes(df)
    name = f"{stem}.{'xlsx' if xlsx else 'csv'}"
    return bytes_response(
        data, name, XLSX_MIMETYPE if xlsx else "text/csv", detail if detail is not None else f"{len(df)} rows"
    )


def bytes_response(data: bytes, name: str, mimetype: str, detail: str) -> Response:
    """A file made on the server (a table, the meeting brief) as an attachment, recorded in the audit log."""
    from flask import send_file

    from ioc_app import audit

    audit.record("export", name, detail)
    return send_file(io.BytesIO(data), as_attachment=True, download_name=name, mimetype=mimetype, max_age=0)


def xlsx_bytes(df: pd.DataFrame, headers: dict[str, str] | None = None, sheet: str = "IOC") -> bytes:
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        prepare(df, headers).to_excel(writer, index=False, sheet_name=sheet[:31])
    return buf.getvalue()
