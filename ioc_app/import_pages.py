"""The import page of provincial submissions (server-rendered, like the administration pages).

``/import``: the templates to download, the upload form (kind, file, dry run) and the result of an
upload: its summary and every problem, row by row, with the error file to download
(``/import/<uid>/errors.xlsx`` or ``.csv``). Admins import rows of every province, provincial users
rows of their own province, central users see the page without the form; the rules themselves are
the core's (``ioc_app.imports``), which takes the importer from the server-side identity.
``/admin/imports``: the import log, for admins.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any, Final

from flask import Blueprint, Flask, abort, request, send_file
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response

from data_sources.submissions.kinds import KINDS
from data_sources.submissions.templates import template_xlsx
from data_sources.submissions.validation import Problem
from ioc_app import audit, exports, imports
from ioc_app.auth import province_name, render_page, request_language, require_admin, require_person
from ioc_app.i18n import fmt_datetime, fmt_number
from ioc_app.identity import current_identity
from ioc_app.services import Services

IMPORT_PATH: Final = "/import"
PROBLEMS_SHOWN: Final = 1000  # on the page; the error file has them all
LOG_SHOWN: Final = 500


def _when(lang: str) -> Any:
    def when(value: dt.datetime | None) -> str:
        return "—" if value is None else fmt_datetime(value + audit.VIETNAM_UTC_OFFSET, lang)

    return when


def build_blueprint(services: Services) -> Blueprint:
    bp = Blueprint("ioc_imports", __name__)
    settings = services.settings

    def page(status: int = 200, **context: Any) -> Response:
        lang = request_language(settings.default_language)
        identity = current_identity()
        context.setdefault("result", None)
        context.setdefault("error", None)
        return render_page(
            "import_page.html",
            settings.default_language,
            status,
            kinds=list(KINDS.values()),
            identity=identity,
            may_import=imports.may_import(identity),
            province_name=province_name,
            limit=f"{fmt_number(settings.import_max_bytes / 1024 / 1024, lang, 1)} MB",
            **context,
        )

    @bp.get(IMPORT_PATH)
    @require_person
    def form() -> ResponseReturnValue:
        return page()

    @bp.post(IMPORT_PATH)
    @require_person
    def upload() -> ResponseReturnValue:
        lang = request_language(settings.default_language)
        kind = request.form.get("kind") or None
        if kind is not None and kind not in KINDS:
            return page(400, error="import.problem.unknown_kind")
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            return page(400, error="import.no_file")
        # One byte past the limit is enough to refuse it by its size.
        data = upload.stream.read(settings.import_max_bytes + 1)
        try:
            result = imports.run_import(
                services.submissions_engine,
                services.ioc_engine,
                upload.filename,
                data,
                max_bytes=settings.import_max_bytes,
                kind=kind,
                dry_run=request.form.get("dry_run") == "1",
            )
        except imports.ImportNotAllowed:
            return page(403, error=imports.ImportNotAllowed.key)
        frame = imports.problems_frame(result.kind, result.problems[:PROBLEMS_SHOWN], lang)
        return page(
            422 if result.outcome == "refused" else 200,
            result=result,
            lines=imports.summary_lines(result, lang),
            problem_rows=frame.values.tolist(),
            problem_headers=list(frame.columns),
            kind_title=(KINDS[result.kind].title_en if lang == "en" else KINDS[result.kind].title_vi)
            if result.kind
            else "—",
        )

    @bp.errorhandler(RequestEntityTooLarge)
    def too_large(_err: RequestEntityTooLarge) -> ResponseReturnValue:
        lang = request_language(settings.default_language)
        message = imports.problem_text(
            Problem(None, None, "too_large", {"limit": str(settings.import_max_bytes)}), lang
        )
        return page(413, error_text=message)

    @bp.get(f"{IMPORT_PATH}/templates/<kind>.xlsx")
    @require_person
    def template(kind: str) -> ResponseReturnValue:
        spec = KINDS.get(kind)
        if spec is None:
            abort(404)
        return send_file(
            io.BytesIO(template_xlsx(spec)),
            as_attachment=True,
            download_name=f"mau-{kind}.xlsx",
            mimetype=exports.XLSX_MIMETYPE,
            max_age=0,
        )

    @bp.get(f"{IMPORT_PATH}/<uid>/errors.<fmt>")
    @require_person
    def error_file(uid: str, fmt: str) -> ResponseReturnValue:
        if fmt not in ("xlsx", "csv"):
            abort(404)
        found = imports.logged_problems(services.ioc_engine, uid, current_identity())
        if found is None:
            abort(404)
        logged, problems = found
        lang = request_language(settings.default_language)
        frame = imports.problems_frame(logged.kind, problems, lang)
        stem = f"loi-{logged.file_name.rsplit('.', 1)[0][:60]}"
        return exports.file_response(frame, fmt, stem, sheet="errors", detail=f"problems of import {uid}")

    @bp.get("/admin/imports")
    @require_admin
    def log() -> ResponseReturnValue:
        lang = request_language(settings.default_language)
        return render_page(
            "admin_imports.html",
            settings.default_language,
            section="imports",
            done=[],
            error=None,
            entries=imports.log_entries(services.ioc_engine, LOG_SHOWN),
            kinds=KINDS,
            when=_when(lang),
        )

    return bp


def register(server: Flask, services: Services) -> None:
    server.register_blueprint(build_blueprint(services))
