"""The administration page of the wall displays' playlists (``/admin/playlists``, admins only).

Every change goes through ``ioc_app.playlist_store`` (validated as a whole playlist, audited, the
same rules as the command line); a refused change is answered 400 with its reason in the page's
language, and nothing is written. Forms carry a CSRF token like the other admin pages.
"""

from __future__ import annotations

from typing import Any, Final

from flask import Blueprint, Flask, redirect, request
from flask.typing import ResponseReturnValue
from werkzeug.wrappers import Response

from data_sources.schema import OWNERSHIPS
from ioc_app import playlist_store
from ioc_app.admin import done_message, flashed_messages, province_options, when_formatter
from ioc_app.auth import province_name, render_page, request_language, require_admin
from ioc_app.identity import current_identity
from ioc_app.indicators import registry
from ioc_app.playlists import (
    BEHIND,
    CHANGES,
    DEFAULT,
    INST_TYPES,
    MAP,
    MAX_SECONDS,
    MIN_SECONDS,
    NATIONAL_ONLY,
    OVERVIEW,
    PROVINCE_CYCLE,
    PROVINCES,
    SLIDE_KINDS,
    TARGETS,
    Playlist,
    PlaylistError,
)
from ioc_app.services import Services

KIND_KEYS: Final = {
    OVERVIEW: "playlist.kind.overview",
    TARGETS: "playlist.kind.targets",
    MAP: "playlist.kind.map",
    PROVINCES: "playlist.kind.provinces",
    BEHIND: "playlist.kind.behind",
    CHANGES: "playlist.kind.changes",
    PROVINCE_CYCLE: "playlist.kind.province_cycle",
}
PRESENT_URL: Final = "/present?playlist="
_SLIDE_FIELDS: Final = ("kind", "seconds", "province", "inst_type", "ownership")


def _slide_from_form() -> dict[str, Any]:
    """The slide a form describes, as loose JSON: parse_playlist gives the reason if it is wrong."""
    form = {k: (request.form.get(k) or "").strip() for k in _SLIDE_FIELDS}
    return playlist_store.slide_json(
        form["kind"],
        form["seconds"],
        [t for t in request.form.getlist("targets") if t],
        form["province"] or None,
        form["inst_type"] or None,
        form["ownership"] or None,
    )


def _number(raw: str | None) -> Any:
    """A form's number, or the raw text (refused with its reason by the store's position check)."""
    text = (raw or "").strip()
    return int(text) if text.isdigit() else text


def build_blueprint(services: Services) -> Blueprint:
    bp = Blueprint("ioc_admin_playlists", __name__, url_prefix="/admin/playlists")
    engine = services.ioc_engine
    default_language = services.settings.default_language

    def lang() -> str:
        return request_language(default_language)

    def page(template: str, status: int = 200, **context: Any) -> Response:
        return render_page(
            template,
            default_language,
            status,
            section="playlists",
            done=flashed_messages(),
            when=when_formatter(lang()),
            provinces=province_options(),
            province_name=province_name,
            error=None,
            **context,
        )

    def list_page(status: int = 200, refusal: str | None = None, form: dict[str, str] | None = None) -> Response:
        return page(
            "admin_playlists.html",
            status,
            playlists=playlist_store.summaries(engine),
            refusal=refusal,
            form=form or {"name": "", "title": "", "start": "builtin"},
            present_url=PRESENT_URL,
        )

    def editor(name: str, status: int = 200, refusal: str | None = None) -> Response:
        playlist = playlist_store.get_or_builtin(engine, name)
        if playlist is None:
            return list_page(404, PlaylistError("", "playlist.err.not_found", name=name).text(lang()))
        stored = playlist_store.get(engine, name) is not None
        language = lang()
        return page(
            "admin_playlist.html",
            status,
            playlist=playlist,
            stored=stored,
            refusal=refusal,
            kinds=[(k, KIND_KEYS[k]) for k in SLIDE_KINDS],
            national_only=NATIONAL_ONLY,
            targets=[(i.code, i.name(language)) for i in registry.INDICATORS],
            inst_types=INST_TYPES,
            ownerships=OWNERSHIPS,
            min_seconds=MIN_SECONDS,
            max_seconds=MAX_SECONDS,
            present_url=PRESENT_URL,
        )

    def edited(name: str, change: Any) -> ResponseReturnValue:
        """Run one change; back to the editor, or the editor with the reason (400)."""
        try:
            result: Playlist = change()
        except PlaylistError as exc:
            return editor(name, 400, exc.text(lang()))
        done_message("admin.done.playlist_saved", result.name)
        return redirect(f"/admin/playlists/{result.name}")

    @bp.get("")
    @require_admin
    def index() -> ResponseReturnValue:
        return list_page()

    @bp.post("/create")
    @require_admin
    def create() -> ResponseReturnValue:
        form = {k: (request.form.get(k) or "").strip() for k in ("name", "title", "start")}
        slides = (
            [s.to_json() for s in DEFAULT.slides] if form["start"] == "builtin" else [{"kind": OVERVIEW, "seconds": 30}]
        )
        raw = {"name": form["name"], "title": form["title"], "slides": slides}
        try:
            playlist, _ = playlist_store.save(engine, raw, current_identity(), replace=False)
        except PlaylistError as exc:
            return list_page(400, exc.text(lang()), form)
        done_message("admin.done.playlist_created", playlist.name)
        return redirect(f"/admin/playlists/{playlist.name}")

    @bp.get("/<name>")
    @require_admin
    def edit(name: str) -> ResponseReturnValue:
        return editor(name)

    @bp.post("/<name>/delete")
    @require_admin
    def delete(name: str) -> ResponseReturnValue:
        try:
            playlist_store.delete(engine, name, current_identity())
        except PlaylistError as exc:
            return list_page(400, exc.text(lang()))
        done_message("admin.done.playlist_deleted", name)
        return redirect("/admin/playlists")

    @bp.post("/<name>/title")
    @require_admin
    def set_title(name: str) -> ResponseReturnValue:
        title = request.form.get("title") or ""
        return edited(name, lambda: playlist_store.set_title(engine, name, title, current_identity()))

    @bp.post("/<name>/slides/add")
    @require_admin
    def add_slide(name: str) -> ResponseReturnValue:
        slide = _slide_from_form()
        raw_position = (request.form.get("position") or "").strip()
        position = _number(raw_position) if raw_position else None
        return edited(name, lambda: playlist_store.add_slide(engine, name, slide, position, current_identity()))

    @bp.post("/<name>/slides/<int:n>/update")
    @require_admin
    def update_slide(name: str, n: int) -> ResponseReturnValue:
        slide = _slide_from_form()
        return edited(name, lambda: playlist_store.replace_slide(engine, name, n, slide, current_identity()))

    @bp.post("/<name>/slides/<int:n>/move")
    @require_admin
    def move_slide(name: str, n: int) -> ResponseReturnValue:
        target = _number(request.form.get("to"))
        return edited(name, lambda: playlist_store.move_slide(engine, name, n, target, current_identity()))

    @bp.post("/<name>/slides/<int:n>/remove")
    @require_admin
    def remove_slide(name: str, n: int) -> ResponseReturnValue:
        return edited(name, lambda: playlist_store.remove_slide(engine, name, n, current_identity()))

    return bp


def register(server: Flask, services: Services) -> None:
    server.register_blueprint(build_blueprint(services))
