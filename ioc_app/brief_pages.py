"""The meeting brief's downloads: ``/brief.pdf`` and ``/brief.xlsx`` (the nation, or a province user's
own province), ``/brief/<code>.pdf|xlsx`` (one of the 34 provinces).

People signed in through a session may download; the scope is decided in the core read path from the
server-side identity (``ioc_app.brief.build`` through ``access``): another province is refused 403 and
written to the audit log, and each download is recorded like every export. ``?date=YYYY-MM-DD`` asks
for the newest snapshot on or before that date; ``?lang=`` (else the language cookie) the language.
"""

from __future__ import annotations

from typing import Final

from flask import Blueprint, Flask, abort, request
from flask.typing import ResponseReturnValue

from ioc_app import brief, exports
from ioc_app.auth import request_language, require_person
from ioc_app.inputs import InputError, iso_date
from ioc_app.provincial import Unit
from ioc_app.services import Services

BRIEF_PATH: Final = "/brief"
PDF_MIMETYPE: Final = "application/pdf"


def build_blueprint(services: Services) -> Blueprint:
    bp = Blueprint("ioc_brief", __name__)
    settings = services.settings

    def send(unit: Unit | None, fmt: str) -> ResponseReturnValue:
        if fmt not in ("pdf", "xlsx"):
            abort(404)
        raw_date = request.args.get("date")
        try:
            day = iso_date(raw_date, "date") if raw_date else None
        except InputError:
            abort(400)
        lang = request_language(settings.default_language)
        authority = settings.authority_name_en if lang == "en" else settings.authority_name_vi
        try:
            made = brief.build(services, brief.snapshot_for(services, day), unit, lang)
        except brief.BriefError:
            abort(404)
        detail = f"{made.scope_name}, {made.data_date.isoformat()}"
        if fmt == "xlsx":
            from ioc_app import brief_xlsx

            data = brief_xlsx.xlsx_bytes(made, authority)
            return exports.bytes_response(data, f"{made.stem}.xlsx", exports.XLSX_MIMETYPE, detail)
        # The PDF and chart libraries (~30 MB) load on the first brief, not in every web worker.
        from ioc_app import brief_pdf

        data = brief_pdf.pdf_bytes(made, authority, settings.boundaries_34_path)
        return exports.bytes_response(data, f"{made.stem}.pdf", PDF_MIMETYPE, detail)

    @bp.get(f"{BRIEF_PATH}.<fmt>")
    @require_person
    def own(fmt: str) -> ResponseReturnValue:
        return send(None, fmt)

    @bp.get(f"{BRIEF_PATH}/<code>.<fmt>")
    @require_person
    def province(code: str, fmt: str) -> ResponseReturnValue:
        try:
            unit = brief.parse_scope(code)
        except brief.BriefError:
            abort(404)
        if unit is None:
            abort(404)  # the nation is /brief.pdf
        return send(unit, fmt)

    return bp


def register(server: Flask, services: Services) -> None:
    server.register_blueprint(build_blueprint(services))
