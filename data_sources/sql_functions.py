"""Portable SQL date helpers: one expression, compiled for SQLite and PostgreSQL.

SQLite stores SQLAlchemy ``Date`` values as ISO text, so text comparison orders dates; the
helpers below keep every expression a comparable ISO date on SQLite and a ``date`` on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, String, case, literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement, Null
from sqlalchemy.sql.functions import FunctionElement


class month_key(FunctionElement):  # noqa: N801 - reads like the SQL function it is
    """'YYYY-MM' of a date expression."""

    type = String()
    inherit_cache = True
    name = "month_key"


@compiles(month_key, "sqlite")
def _month_key_sqlite(element, compiler, **kw):  # type: ignore[no-untyped-def]
    return "strftime('%%Y-%%m', %s)" % compiler.process(element.clauses, **kw)


@compiles(month_key, "postgresql")
def _month_key_pg(element, compiler, **kw):  # type: ignore[no-untyped-def]
    return "to_char(%s, 'YYYY-MM')" % compiler.process(element.clauses, **kw)


class plus_months(FunctionElement):  # noqa: N801
    """A date expression plus a whole number of months (first argument date, second a literal int)."""

    type = Date()
    inherit_cache = True
    name = "plus_months"


def _months_arg(element) -> int:  # type: ignore[no-untyped-def]
    return int(list(element.clauses)[1].value)


@compiles(plus_months, "sqlite")
def _plus_months_sqlite(element, compiler, **kw):  # type: ignore[no-untyped-def]
    date_sql = compiler.process(list(element.clauses)[0], **kw)
    return f"date({date_sql}, '+{_months_arg(element)} months')"


@compiles(plus_months, "postgresql")
def _plus_months_pg(element, compiler, **kw):  # type: ignore[no-untyped-def]
    date_sql = compiler.process(list(element.clauses)[0], **kw)
    return f"CAST(({date_sql} + INTERVAL '{_months_arg(element)} months') AS DATE)"


def add_months(expr: ColumnElement, months: int) -> ColumnElement:
    return plus_months(expr, literal(months))


def later_of(a: ColumnElement, b: ColumnElement) -> ColumnElement:
    """The later of two dates; NULL when either is NULL (both events are required)."""
    return case((a.is_(None), None), (b.is_(None), None), (a > b, a), else_=b)


def earlier_end(a: ColumnElement, b: ColumnElement) -> ColumnElement:
    """The earlier of two end dates where NULL means 'open-ended' (never ends)."""
    if _is_null(a):
        return b
    if _is_null(b):
        return a
    return case((a.is_(None), b), (b.is_(None), a), (a < b, a), else_=b)


def date_value(value: dt.date) -> ColumnElement:
    """A date literal bound with the Date type (ISO text on SQLite)."""
    return literal(value, Date)


def _is_null(expr: ColumnElement) -> bool:
    return isinstance(expr, Null)


def starts_before_end(start: ColumnElement, end: ColumnElement) -> ColumnElement:
    """``start`` if the interval [start, end) is non-empty, else NULL (end NULL = open-ended)."""
    if _is_null(end):
        return start
    return case((start.is_(None), None), (end.is_(None), start), (start < end, start), else_=None)
