"""Portable SQL date helpers: one expression, compiled for SQLite and PostgreSQL.

SQLite stores SQLAlchemy ``Date`` values as ISO text, so text comparison orders dates; the
helpers below keep every expression a comparable ISO date on SQLite and a ``date`` on PostgreSQL.

Arguments are ``SQLColumnExpression``: Core column expressions and ORM attributes such as
``Staff.hired_on`` alike. Helpers that may hand an argument back unchanged return that type too.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Date, SQLColumnExpression, String, literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement, Null
from sqlalchemy.sql.functions import FunctionElement


class month_key(FunctionElement[str]):  # lower case: reads like the SQL function it is
    """'YYYY-MM' of a date expression."""

    type = String()
    inherit_cache = True
    name = "month_key"


@compiles(month_key, "sqlite")
def _month_key_sqlite(element, compiler, **kw):  # type: ignore[no-untyped-def]
    # Dates are ISO text in SQLite: the first seven characters are the month, cheaper than strftime.
    return f"substr({compiler.process(element.clauses, **kw)}, 1, 7)"


@compiles(month_key, "postgresql")
def _month_key_pg(element, compiler, **kw):  # type: ignore[no-untyped-def]
    return f"to_char({compiler.process(element.clauses, **kw)}, 'YYYY-MM')"


class plus_months(FunctionElement[dt.date]):
    """A date expression plus a whole number of months (first argument date, second a literal int)."""

    type = Date()
    inherit_cache = True
    name = "plus_months"


def _months_arg(element) -> int:  # type: ignore[no-untyped-def]
    return int(list(element.clauses)[1].value)


@compiles(plus_months, "sqlite")
def _plus_months_sqlite(element, compiler, **kw):  # type: ignore[no-untyped-def]
    date_sql = compiler.process(next(iter(element.clauses)), **kw)
    return f"date({date_sql}, '+{_months_arg(element)} months')"


@compiles(plus_months, "postgresql")
def _plus_months_pg(element, compiler, **kw):  # type: ignore[no-untyped-def]
    date_sql = compiler.process(next(iter(element.clauses)), **kw)
    return f"CAST(({date_sql} + INTERVAL '{_months_arg(element)} months') AS DATE)"


def add_months(expr: SQLColumnExpression[Any], months: int) -> ColumnElement[Any]:
    return plus_months(expr, literal(months))


class _later_of(FunctionElement[dt.date]):
    type = Date()
    inherit_cache = True
    name = "later_of"


class _earlier_end(FunctionElement[dt.date]):
    type = Date()
    inherit_cache = True
    name = "earlier_end"


class _starts_before_end(FunctionElement[dt.date]):
    type = Date()
    inherit_cache = True
    name = "starts_before_end"


def _args(element, compiler, **kw) -> list[str]:  # type: ignore[no-untyped-def]
    return [compiler.process(c, **kw) for c in element.clauses]


# SQLite's two-argument max()/min() return NULL when either argument is NULL: exactly "both
# events are required". They keep expressions short: nested CASEs would repeat each operand and
# grow exponentially with nesting, which SQLite then evaluates per row.
@compiles(_later_of, "sqlite")
def _later_of_sqlite(element, compiler, **kw):  # type: ignore[no-untyped-def]
    a, b = _args(element, compiler, **kw)
    return f"max({a}, {b})"


@compiles(_later_of, "postgresql")
def _later_of_pg(element, compiler, **kw):  # type: ignore[no-untyped-def]
    a, b = _args(element, compiler, **kw)
    return f"(CASE WHEN ({a}) IS NULL OR ({b}) IS NULL THEN NULL ELSE GREATEST({a}, {b}) END)"


@compiles(_earlier_end, "sqlite")
def _earlier_end_sqlite(element, compiler, **kw):  # type: ignore[no-untyped-def]
    a, b = _args(element, compiler, **kw)
    return f"coalesce(min({a}, {b}), {a}, {b})"


@compiles(_earlier_end, "postgresql")
def _earlier_end_pg(element, compiler, **kw):  # type: ignore[no-untyped-def]
    a, b = _args(element, compiler, **kw)
    return f"LEAST({a}, {b})"  # LEAST ignores NULLs: NULL means open-ended here


@compiles(_starts_before_end, "sqlite")
def _starts_before_end_sqlite(element, compiler, **kw):  # type: ignore[no-untyped-def]
    start, end = _args(element, compiler, **kw)
    return f"(CASE WHEN {start} < coalesce({end}, '9999-12-31') THEN {start} END)"


@compiles(_starts_before_end, "postgresql")
def _starts_before_end_pg(element, compiler, **kw):  # type: ignore[no-untyped-def]
    start, end = _args(element, compiler, **kw)
    return f"(CASE WHEN {start} < coalesce({end}, DATE '9999-12-31') THEN {start} END)"


def later_of(a: SQLColumnExpression[Any], b: SQLColumnExpression[Any]) -> ColumnElement[Any]:
    """The later of two dates; NULL when either is NULL (both events are required)."""
    return _later_of(a, b)


def earlier_end(a: SQLColumnExpression[Any], b: SQLColumnExpression[Any]) -> SQLColumnExpression[Any]:
    """The earlier of two end dates where NULL means 'open-ended' (never ends)."""
    if _is_null(a):
        return b
    if _is_null(b):
        return a
    return _earlier_end(a, b)


def date_value(value: dt.date) -> ColumnElement[Any]:
    """A date literal bound with the Date type (ISO text on SQLite)."""
    return literal(value, Date)


def _is_null(expr: SQLColumnExpression[Any]) -> bool:
    return isinstance(expr, Null)


def starts_before_end(start: SQLColumnExpression[Any], end: SQLColumnExpression[Any]) -> SQLColumnExpression[Any]:
    """``start`` if the interval [start, end) is non-empty, else NULL (end NULL = open-ended)."""
    if _is_null(end):
        return start
    return _starts_before_end(start, end)
