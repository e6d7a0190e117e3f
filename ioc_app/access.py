"""Who may read what: applied once, in the core read path, from the server-side identity.

Central users, admins and unrestricted tokens read everything. A province user (or a token limited
to a province) reads their current unit and its legacy units only: asking for the nation gives
their province; asking for another province, or another province's institution, raises
:class:`Forbidden` (answered 403 and written to the audit log), whatever the browser sent. Tables
that list every province keep the other units' rows without figures, and the nation's figure is
withheld.

Memoised computations stay identity-free: these functions are applied outside the memos.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable

from flask import Flask, Response, current_app, has_request_context, jsonify, request
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import SQLAlchemyError

from geo import provinces as geo_provinces
from ioc_app import audit
from ioc_app.identity import Identity, current_identity
from ioc_app.indicators.scopes import Scope
from ioc_app.selection import Selection

log = logging.getLogger(__name__)


class Forbidden(Exception):
    """The identity may not read this (or nobody signed in)."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


# Called with (identity, what) on every refusal: the audit log subscribes (kept as a hook so the
# read path does not depend on how audit entries are stored).
DENIAL_LISTENERS: list[Callable[[Identity | None, str], None]] = []


def deny(identity: Identity | None, what: str) -> Forbidden:
    """Report a refusal (log, audit log) and return the exception to raise."""
    log.warning("denied %s to %s", what, identity.name if identity else "anonymous")
    if has_request_context() and "IOC_SERVICES" in current_app.config:
        try:
            audit.denied(what, identity=identity)
        except SQLAlchemyError:
            log.exception("the refusal could not be written to the audit log")
    for listener in DENIAL_LISTENERS:
        listener(identity, what)
    return Forbidden(what)


def reader() -> Identity:
    """The identity of this read; Forbidden when nobody signed in."""
    identity = current_identity()
    if identity is None:
        raise deny(None, "read without signing in")
    return identity


def may_read_province(identity: Identity, code34: str | None, code63: str | None = None) -> bool:
    if identity.sees_everything:
        return True
    if code34 is not None:
        return code34 == identity.province
    if code63 is not None:
        try:
            return geo_provinces.current_code_of(code63) == identity.province
        except KeyError:
            return False
    return False  # the nation


def readable(scope: Scope) -> Scope:
    """The scope this request may read: the nation becomes a province user's own province."""
    identity = reader()
    if identity.sees_everything:
        return scope
    if scope.province34 is None and scope.province63 is None:
        return dataclasses.replace(scope, province34=identity.province)
    if may_read_province(identity, scope.province34, scope.province63):
        return scope
    raise deny(identity, f"scope {scope.key}")


def visible_units(level: str) -> frozenset[str] | None:
    """Codes of the units whose figures this request may see at a level (None: all of them)."""
    identity = reader()
    if identity.sees_everything:
        return None
    if level == "63":
        unit = geo_provinces.province_by_code().get(identity.province or "")
        return frozenset(unit.merged_from) if unit is not None else frozenset()
    return frozenset({identity.province or ""})


def sees_nation() -> bool:
    """Whether this request may see national figures (the nation beside a province, national totals)."""
    return reader().sees_everything


def check_province(code34: str | None, code63: str | None = None, what: str = "") -> None:
    """Forbidden unless this request may read the province (a current or a legacy code)."""
    identity = reader()
    if not may_read_province(identity, code34, code63):
        raise deny(identity, what or f"province {code34 or code63}")


def forbidden_response(err: Forbidden) -> ResponseReturnValue:
    """403: JSON for the API and callbacks, a short page for a page's URL."""
    if request.path.startswith(("/api/", "/_dash-")):
        return jsonify({"error": "forbidden", "status": 403}), 403
    return Response(_FORBIDDEN_PAGE, status=403, mimetype="text/html")


def register(server: Flask) -> None:
    """Answer every refusal with 403: JSON for the API and callbacks, a short page for a page's URL."""

    server.register_error_handler(Forbidden, forbidden_response)

    @server.before_request
    def _page_of_another_province() -> None:
        # A province's or an institution's page URL is checked before the app's shell is served;
        # its data callbacks are checked again in the core read path.
        parts = request.path.strip("/").split("/")
        if request.method != "GET" or len(parts) < 2 or current_identity() is None:
            return
        if parts[0] == "province":
            code = parts[1][3:] if parts[1].startswith("63-") else parts[1]
            level63 = parts[1].startswith("63-")
            check_province(None if level63 else code, code if level63 else None, f"page {request.path}")


_FORBIDDEN_PAGE = (
    '<!doctype html><html lang="vi"><meta charset="utf-8"><title>403</title>'
    '<p>Bạn không có quyền xem nội dung này. / You may not see this page.</p><p><a href="/">IOC</a></p></html>'
)


@dataclasses.dataclass(frozen=True)
class ReaderView:
    """What this request may read of a selection, decided once: the selection as it may read it, its
    readable scope, the units whose figures it may see (None: all) and whether it sees the nation.
    Pages key their per-snapshot memos by it, so one reader never gets another's page."""

    selection: Selection
    scope: Scope
    only: frozenset[str] | None
    nation: bool


def reader_view(selection: Selection) -> ReaderView:
    """This request's view of ``selection``; Forbidden for a province it may not read."""
    sel = readable_selection(selection)
    return ReaderView(sel, readable(sel.scope), visible_units(sel.level), sees_nation())


def readable_selection(selection: Selection) -> Selection:
    """The shared selection as this request may read it: a province user's nation is their province
    (so the filter bar shows what the figures are). Another province stays as asked: reading it is
    refused in the read path."""
    identity = reader()
    if identity.sees_everything or selection.province is not None or selection.level != "34":
        return selection
    return selection.with_province(identity.province)
