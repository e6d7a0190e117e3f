"""Importing provincial submissions: who may import what, the import log, and the messages.

The file is read and checked by ``data_sources.submissions`` (no identity there); this module adds
what needs one. The importer is the server-side identity (``current_identity()`` in a request;
the caller's, ``audit.CLI``, on the command line), never a value from a form: admins import rows of
every province, provincial users rows of their own province only (a row of another province is a
problem of that row), nobody else imports. Every attempt, refused and dry runs included, is one row
of the import log (``store.SubmissionImport``) and one ``import`` entry of the audit log, in one
transaction of the IOC store; the accepted rows are written to the VET database before that, all or
none (``data_sources.submissions.writing``), tagged with the log row's ``uid``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from dataclasses import dataclass
from typing import Final

import pandas as pd
from flask import has_request_context
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from data_sources.submissions import coverage, validation, writing
from data_sources.submissions.kinds import KINDS
from data_sources.submissions.validation import Problem
from ioc_app import audit
from ioc_app.i18n import fmt_date, fmt_number, t
from ioc_app.identity import ADMIN, PROVINCE, SYSTEM, Identity, current_identity
from ioc_app.store import SubmissionImport

OUTCOMES: Final = ("applied", "unchanged", "refused", "checked", "running", "abandoned")
# A real import is logged as running before it writes; one still running after this long lost its
# process (imports take seconds), and the next import settles it (:func:`reconcile`).
SETTLE_AFTER: Final = dt.timedelta(minutes=10)
# Every code a problem can carry (data_sources.submissions): its message is import.problem.<code>.
PROBLEM_CODES: Final = (
    "too_large",
    "empty",
    "no_rows",
    "too_many_rows",
    "macros",
    "external_links",
    "several_sheets",
    "not_xlsx",
    "old_excel",
    "file_type",
    "encoding",
    "bad_csv",
    "unknown_kind",
    "unknown_column",
    "duplicate_column",
    "missing_column",
    "value_outside_columns",
    "required",
    "formula",
    "bad_digits",
    "bad_code",
    "bad_period",
    "bad_date",
    "date_out_of_range",
    "bad_choice",
    "unknown_province",
    "foreign_province",
    "unknown_legacy_province",
    "legacy_not_in_province",
    "unknown_institution",
    "institution_other_province",
    "legacy_mismatch",
    "legacy_required",
    "institution_not_open",
    "duplicate_in_file",
    "unknown_staff",
    "staff_not_in_post",
    "conflicts_stored",
    "conflicts_stored_date",
    "no_dates",
    "other",
)
_DATE_PARAMS: Final = ("earliest", "latest", "established", "closed")
_BYTE_PARAMS: Final = ("limit", "size")


class ImportNotAllowed(Exception):
    """This identity may not import (not signed in, a central user, a token)."""

    key = "import.not_allowed"


@dataclass(frozen=True)
class ImportResult:
    uid: str
    kind: str | None
    outcome: str  # one of OUTCOMES
    file_name: str
    file_sha256: str
    rows_total: int
    rows_written: int  # written, or that would be in a dry run
    rows_unchanged: int
    problems: list[Problem]
    earlier: LoggedImport | None  # the last import that applied this same file

    @property
    def written(self) -> bool:
        return self.outcome == "applied"


@dataclass(frozen=True)
class LoggedImport:
    uid: str
    at: dt.datetime  # UTC
    actor: str
    role: str
    actor_province: str | None
    kind: str | None
    file_name: str
    file_sha256: str
    file_bytes: int
    dry_run: bool
    outcome: str
    rows_total: int
    rows_written: int
    rows_unchanged: int
    problem_count: int


def may_import(identity: Identity | None) -> bool:
    return identity is not None and identity.role in (ADMIN, PROVINCE) and identity.token_id is None


def importer(identity: Identity | None = None) -> Identity | None:
    """The identity an import acts as: the request's own in a request, whatever the caller says."""
    return current_identity() if has_request_context() else (identity or current_identity())


def run_import(
    vet_engine: Engine,
    ioc_engine: Engine,
    file_name: str,
    data: bytes,
    *,
    max_bytes: int,
    kind: str | None = None,
    dry_run: bool = False,
    identity: Identity | None = None,
    today: dt.date | None = None,
    whole_file: tuple[int, str] | None = None,
) -> ImportResult:
    """Check a file and, unless it has problems or this is a dry run, write its new rows; log the attempt.

    ``whole_file`` (size, SHA-256) is for the log when ``data`` is only the start of a file too large
    to read. ``ImportNotAllowed`` (and a ``denied`` audit entry) when the importer may not import at all.
    """
    who = importer(identity)
    name = (file_name or "").replace("\\", "/").rsplit("/", 1)[-1][:200] or "-"
    if not may_import(who) or who is None:
        audit.denied("import", name, identity=who, engine=ioc_engine)
        raise ImportNotAllowed()
    if kind is not None and kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    size, sha256 = whole_file or (len(data), hashlib.sha256(data).hexdigest())
    uid = str(uuid.uuid4())
    reconcile(vet_engine, ioc_engine)
    if not dry_run:
        # In the log before anything is written: a process killed later leaves a running entry, never
        # rows of an import the log does not know.
        _begin(ioc_engine, who, uid, name, kind, size, sha256)
    with vet_engine.connect() as conn:
        if not dry_run:
            writing.lock(conn)  # checked and written in one transaction, one import at a time
        checked = validation.check(
            conn,
            name,
            data,
            kind=kind,
            allowed_province=who.province,
            today=today or dt.date.today(),
            max_bytes=max_bytes,
        )
        if not checked.ok:
            outcome = "refused"
        elif dry_run:
            outcome = "checked"
        elif not checked.planned:
            outcome = "unchanged"
        else:
            writing.write(conn, checked, uid)
            outcome = "applied"
        conn.commit()
    result = ImportResult(
        uid,
        checked.kind.key if checked.kind else None,
        outcome,
        name,
        sha256,
        checked.rows_total,
        len(checked.planned),
        len(checked.unchanged),
        checked.problems,
        earlier_import(ioc_engine, sha256),
    )
    _log(ioc_engine, who, result, size, dry_run)
    return result


def _log(engine: Engine, who: Identity, result: ImportResult, size: int, dry_run: bool) -> None:
    problems = [
        {"row": p.row, "column": p.column, "code": p.code, "params": p.params, "value": p.value}
        for p in result.problems
    ]
    detail = (
        f"kind={result.kind or '-'} outcome={result.outcome} rows={result.rows_total} written="
        f"{result.rows_written if result.written else 0} unchanged={result.rows_unchanged} "
        f"problems={len(result.problems)} sha256={result.file_sha256} uid={result.uid}"
    )
    with Session(engine) as s, s.begin():
        pending = s.scalars(select(SubmissionImport).where(SubmissionImport.uid == result.uid)).first()
        if pending is not None:
            s.delete(pending)
            s.flush()  # the finished entry takes its place, under the same uid
        s.add(
            SubmissionImport(
                uid=result.uid,
                at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
                actor=who.name[:60],
                role=who.role,
                actor_province=who.province,
                kind=result.kind,
                file_name=result.file_name,
                file_sha256=result.file_sha256,
                file_bytes=size,
                dry_run=dry_run,
                outcome=result.outcome,
                rows_total=result.rows_total,
                rows_written=result.rows_written if result.written else 0,
                rows_unchanged=result.rows_unchanged,
                problem_count=len(result.problems),
                problems=json.dumps(problems, ensure_ascii=False),
            )
        )
        s.add(audit.entry("import", result.file_name, detail, who))


def _begin(engine: Engine, who: Identity, uid: str, name: str, kind: str | None, size: int, sha256: str) -> None:
    with Session(engine) as s, s.begin():
        s.add(
            SubmissionImport(
                uid=uid,
                at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
                actor=who.name[:60],
                role=who.role,
                actor_province=who.province,
                kind=kind,
                file_name=name,
                file_sha256=sha256,
                file_bytes=size,
                dry_run=False,
                outcome="running",
                rows_total=0,
                rows_written=0,
                rows_unchanged=0,
                problem_count=0,
                problems="[]",
            )
        )


def reconcile(
    vet_engine: Engine, ioc_engine: Engine, older_than: dt.timedelta = SETTLE_AFTER, now: dt.datetime | None = None
) -> list[str]:
    """Settle the imports whose process ended while they ran: ``applied`` (with their rows) when the VET
    database holds rows with their id (killed between its commit and the log's), else ``abandoned``
    (killed before the commit, which wrote nothing). Returns the uids settled."""
    now = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with Session(ioc_engine) as s, s.begin():
        stale = s.scalars(
            select(SubmissionImport).where(
                SubmissionImport.outcome == "running", SubmissionImport.at < now - older_than
            )
        ).all()
        for row in stale:
            kind, found = coverage.rows_of_import(vet_engine, row.uid)
            row.outcome = "applied" if found else "abandoned"
            row.kind = kind or row.kind
            row.rows_written = row.rows_total = found
            detail = f"kind={row.kind or '-'} outcome={row.outcome} written={found} uid={row.uid} settled"
            s.add(audit.entry("import", row.file_name, detail, SYSTEM))
        return [row.uid for row in stale]


def _logged(row: SubmissionImport) -> LoggedImport:
    return LoggedImport(
        row.uid,
        row.at,
        row.actor,
        row.role,
        row.actor_province,
        row.kind,
        row.file_name,
        row.file_sha256,
        row.file_bytes,
        row.dry_run,
        row.outcome,
        row.rows_total,
        row.rows_written,
        row.rows_unchanged,
        row.problem_count,
    )


def earlier_import(engine: Engine, sha256: str) -> LoggedImport | None:
    """The last import that wrote a file with this hash, if any."""
    with Session(engine) as s:
        row = s.scalars(
            select(SubmissionImport)
            .where(SubmissionImport.file_sha256 == sha256, SubmissionImport.outcome == "applied")
            .order_by(SubmissionImport.at.desc(), SubmissionImport.id.desc())
            .limit(1)
        ).first()
        return _logged(row) if row else None


def log_entries(engine: Engine, limit: int = 500) -> list[LoggedImport]:
    """The import log, newest first."""
    with Session(engine) as s:
        rows = s.scalars(
            select(SubmissionImport).order_by(SubmissionImport.at.desc(), SubmissionImport.id.desc()).limit(limit)
        )
        return [_logged(r) for r in rows]


def logged_problems(engine: Engine, uid: str, identity: Identity | None) -> tuple[LoggedImport, list[Problem]] | None:
    """An import's problems for the error file: to admins, and to whoever made the import."""
    with Session(engine) as s:
        row = s.scalars(select(SubmissionImport).where(SubmissionImport.uid == uid)).first()
        if row is None or identity is None:
            return None
        if not (identity.is_admin or (identity.name == row.actor and identity.role == row.role)):
            return None
        problems = [
            Problem(p["row"], p["column"], p["code"], dict(p["params"]), p["value"]) for p in json.loads(row.problems)
        ]
        return _logged(row), problems


# --- words ---------------------------------------------------------------------------------------


def _param(name: str, value: str, lang: str) -> str:
    if name in _DATE_PARAMS and value:
        return fmt_date(dt.date.fromisoformat(value), lang)
    if name in _BYTE_PARAMS and value.isdigit():
        return f"{fmt_number(int(value) / 1024 / 1024, lang, 1)} MB"
    return value or "—"


def problem_text(problem: Problem, lang: str) -> str:
    code = problem.code if problem.code in PROBLEM_CODES else "other"
    params = {k: _param(k, v, lang) for k, v in problem.params.items()}
    try:
        return t(f"import.problem.{code}", lang).format(**params)
    except (KeyError, IndexError):
        return t("import.problem.other", lang)


def column_label(kind: str | None, column: str | None, lang: str) -> str:
    if column is None:
        return ""
    spec = KINDS.get(kind or "")
    if spec is None or column not in {c.key for c in spec.columns}:
        return column
    c = spec.column(column)
    return c.en if lang == "en" else c.vi


def row_label(problem: Problem, lang: str) -> str:
    if problem.row is None:
        return t("import.whole_file", lang)
    return str(problem.row)


def problems_frame(kind: str | None, problems: list[Problem], lang: str) -> pd.DataFrame:
    """The problems as a table (the page's and the error file's)."""
    columns = [t(k, lang) for k in ("import.col_row", "import.col_column", "common.value", "import.col_problem")]
    rows = [
        [
            row_label(p, lang),
            column_label(kind, p.column, lang) or (t("import.whole_row", lang) if p.row is not None else ""),
            p.value,
            problem_text(p, lang),
        ]
        for p in problems
    ]
    return pd.DataFrame(rows, columns=columns)


def summary_lines(result: ImportResult, lang: str) -> list[str]:
    """What the page and the command line say about an import, in ``lang``."""
    lines = [
        t(f"import.outcome.{result.outcome}", lang),
        t("import.summary", lang).format(
            total=result.rows_total,
            written=result.rows_written if result.written else 0,
            unchanged=result.rows_unchanged,
            problems=len(result.problems),
        ),
    ]
    if result.outcome == "checked":
        lines.append(t("import.dry_summary", lang).format(written=result.rows_written))
    if result.outcome == "unchanged" and result.earlier is not None:
        when = result.earlier.at + audit.VIETNAM_UTC_OFFSET
        stamp = when.strftime("%H:%M %d/%m/%Y") if lang != "en" else when.strftime("%d %b %Y %H:%M")
        lines.append(t("import.already", lang).format(when=stamp, actor=result.earlier.actor))
    if result.written:
        lines.append(t("import.refresh_note", lang))
    return lines
