"""The administration pages (server-rendered, admins only): accounts, read-only tokens, the audit log
(the wall displays' playlists: ``ioc_app.admin_playlists``).

Every change goes through ``ioc_app.accounts`` (the same rules and audit entries as the command
line); forms carry a CSRF token; a refused change shows its reason in the page's language.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

import pandas as pd
from flask import Blueprint, Flask, flash, get_flashed_messages, redirect, request
from flask.typing import ResponseReturnValue
from werkzeug.wrappers import Response

from geo import provinces as geo
from ioc_app import accounts, audit, exports, playlist_store
from ioc_app.auth import province_name, render_page, request_language, require_admin
from ioc_app.i18n import fmt_datetime
from ioc_app.identity import ROLES, TOKEN_KINDS, current_identity
from ioc_app.services import Services

AUDIT_SHOWN = 1000  # rows on the page; the export has them all
_DONE_SEPARATOR = "|"


def when_formatter(lang: str) -> Any:
    def when(value: dt.datetime | None) -> str:
        return "—" if value is None else fmt_datetime(value + audit.VIETNAM_UTC_OFFSET, lang)

    return when


def province_options() -> list[tuple[str, str]]:
    return [(p.code, f"{p.kind} {p.name}") for p in geo.provinces()]


def done_message(key: str, arg: str) -> None:
    flash(f"{key}{_DONE_SEPARATOR}{arg}")


def flashed_messages() -> list[tuple[str, str]]:
    out = []
    for message in get_flashed_messages():
        key, _, arg = str(message).partition(_DONE_SEPARATOR)
        out.append((key, arg))
    return out


def _parse_day(raw: str | None) -> dt.date | None:
    if not raw:
        return None
    return dt.date.fromisoformat(raw)


def build_blueprint(services: Services) -> Blueprint:
    bp = Blueprint("ioc_admin", __name__, url_prefix="/admin")
    engine = services.ioc_engine
    default_language = services.settings.default_language

    def page(template: str, section: str, status: int = 200, **context: Any) -> Response:
        lang = request_language(default_language)
        return render_page(
            template,
            default_language,
            status,
            section=section,
            done=flashed_messages(),
            when=when_formatter(lang),
            provinces=province_options(),
            province_name=province_name,
            **context,
        )

    def users_page(status: int = 200, error: str | None = None, form: dict[str, str] | None = None) -> Response:
        return page(
            "admin_users.html",
            "users",
            status,
            users=accounts.users(engine),
            roles=ROLES,
            error=error,
            form=form or {"username": "", "role": "province", "province": ""},
        )

    def tokens_page(status: int = 200, error: str | None = None, **context: Any) -> Response:
        context.setdefault("form", {"name": "", "kind": "display", "province": "", "playlist": ""})
        return page(
            "admin_tokens.html",
            "tokens",
            status,
            tokens=accounts.tokens(engine),
            kinds=TOKEN_KINDS,
            playlists=[p.name for p in playlist_store.summaries(engine)],
            error=error,
            base_url=request.host_url,
            **context,
        )

    @bp.get("/")
    @require_admin
    def index() -> ResponseReturnValue:
        return redirect("/admin/users")

    @bp.get("/users")
    @require_admin
    def users() -> ResponseReturnValue:
        return users_page()

    @bp.post("/users/add")
    @require_admin
    def add_user() -> ResponseReturnValue:
        form = {k: request.form.get(k, "") for k in ("username", "role", "province")}
        try:
            user = accounts.add_user(
                engine,
                form["username"],
                form["role"],
                form["province"] or None,
                request.form.get("password", ""),
                current_identity(),
            )
        except accounts.AccountError as exc:
            return users_page(400, exc.key, form)
        done_message("admin.done.user_added", user.username)
        return redirect("/admin/users")

    @bp.post("/users/active")
    @require_admin
    def set_active() -> ResponseReturnValue:
        active = request.form.get("active") == "1"
        try:
            user = accounts.set_active(engine, request.form.get("username", ""), active, current_identity())
        except accounts.AccountError as exc:
            return users_page(400, exc.key)
        done_message("admin.done.user_enabled" if active else "admin.done.user_disabled", user.username)
        return redirect("/admin/users")

    @bp.post("/users/password")
    @require_admin
    def set_password() -> ResponseReturnValue:
        try:
            user = accounts.set_password(
                engine, request.form.get("username", ""), request.form.get("password", ""), current_identity()
            )
        except accounts.AccountError as exc:
            return users_page(400, exc.key)
        done_message("admin.done.password_set", user.username)
        return redirect("/admin/users")

    @bp.post("/users/role")
    @require_admin
    def set_role() -> ResponseReturnValue:
        try:
            user = accounts.set_role(
                engine,
                request.form.get("username", ""),
                request.form.get("role", ""),
                request.form.get("province") or None,
                current_identity(),
            )
        except accounts.AccountError as exc:
            return users_page(400, exc.key)
        done_message("admin.done.role_set", user.username)
        return redirect("/admin/users")

    @bp.get("/tokens")
    @require_admin
    def tokens() -> ResponseReturnValue:
        return tokens_page()

    @bp.post("/tokens/create")
    @require_admin
    def create_token() -> ResponseReturnValue:
        form = {k: request.form.get(k, "") for k in ("name", "kind", "province", "playlist")}
        try:
            token, secret = accounts.create_token(
                engine,
                form["name"],
                form["kind"],
                form["province"] or None,
                current_identity(),
                form["playlist"] or None,
            )
        except accounts.AccountError as exc:
            return tokens_page(400, exc.key, form=form)
        # Shown in this response only (never stored, never redirected through the session).
        return tokens_page(created=token, secret=secret)

    @bp.post("/tokens/revoke")
    @require_admin
    def revoke_token() -> ResponseReturnValue:
        try:
            token = accounts.revoke_token(engine, request.form.get("name", ""), current_identity())
        except accounts.AccountError as exc:
            return tokens_page(400, exc.key)
        done_message("admin.done.token_revoked", token.name)
        return redirect("/admin/tokens")

    def audit_filters() -> tuple[dict[str, str], dict[str, Any]]:
        raw = {k: (request.args.get(k) or "").strip() for k in ("action", "actor", "since", "until")}
        parsed: dict[str, Any] = {
            "action": raw["action"] or None,
            "actor": raw["actor"] or None,
            "since": _parse_day(raw["since"]),
            "until": _parse_day(raw["until"]),
        }
        return raw, parsed

    @bp.get("/audit")
    @require_admin
    def audit_log() -> ResponseReturnValue:
        error: str | None = None
        try:
            raw, parsed = audit_filters()
        except ValueError:
            raw, parsed, error = {"action": "", "actor": "", "since": "", "until": ""}, {}, "admin.bad_date"
        rows, total = audit.entries(engine, limit=AUDIT_SHOWN, **parsed)
        return page(
            "admin_audit.html",
            "audit",
            400 if error else 200,
            error=error,
            entries=rows,
            total=total,
            actions=audit.recorded_actions(engine),
            filters=raw,
            export_url="/admin/audit/export?" + urlencode({**{k: v for k, v in raw.items() if v}, "fmt": ""}),
        )

    @bp.get("/audit/export")
    @require_admin
    def audit_export() -> ResponseReturnValue:
        try:
            raw, parsed = audit_filters()
        except ValueError:
            return redirect("/admin/audit")
        rows, _total = audit.entries(engine, limit=None, **parsed)
        fmt = "xlsx" if request.args.get("fmt") == "xlsx" else "csv"
        frame = pd.DataFrame(
            [
                {
                    "time_utc": e.at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "actor": e.actor,
                    "role": e.role,
                    "address": e.address,
                    "action": e.action,
                    "target": e.target,
                    "detail": e.detail,
                }
                for e in rows
            ],
            columns=["time_utc", "actor", "role", "address", "action", "target", "detail"],
        )
        return exports.file_response(
            frame,
            fmt,
            f"audit-log_{dt.date.today().isoformat()}",
            sheet="audit",
            detail=urlencode({k: v for k, v in raw.items() if v}),
        )

    return bp


def register(server: Flask, services: Services) -> None:
    server.register_blueprint(build_blueprint(services))
