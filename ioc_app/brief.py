"""The meeting brief: what a leader takes to a meeting, for the nation or one province at one date.

A brief holds the cover (scope, data date, the written situation), the twelve targets with their
value, status and deadlines as the overview's panels give them, the province table (the scorecard's
34 provinces, or a province's own targets as its page shows them), the map of one target, the
targets at risk with their paragraphs as the target pages word them, and the focus tasks' schedule.
Every figure and sentence is read from the core functions the pages use (``overview``,
``scorecard``, ``province_view``, ``situation``, ``map_data``, ``task_progress``) and worded by
``ioc_app.wording`` / ``ioc_app.situation_words``; nothing is computed here. Who may read what is
applied by those functions from the server-side identity: a province user's brief is their province.

``brief_pdf`` prints it, ``brief_xlsx`` writes its tables, ``brief_map`` draws its map.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ioc_app import access, snapshots, task_progress
from ioc_app.focus_tasks import TaskState
from ioc_app.i18n import fmt_percent, t
from ioc_app.indicators import registry
from ioc_app.indicators import status as rules
from ioc_app.indicators.scopes import NATIONAL, Scope
from ioc_app.map_data import DEFAULT_INDICATOR, mappable_codes
from ioc_app.overview import all_panels
from ioc_app.province_view import province_targets, unit_scope
from ioc_app.provincial import Unit, unit_of
from ioc_app.scorecard import Cell, scorecard
from ioc_app.services import Services
from ioc_app.situation import province_situation, scope_situation, target_situation
from ioc_app.situation_words import scope_paragraph, scope_words, target_paragraph
from ioc_app.snapshots import Snapshot
from ioc_app.wording import headline_value, report_summary, schedule_label, scope_label, status_word, value_text

# The statuses a brief calls out with their paragraphs: the panels' headline status.
AT_RISK_STATES = (rules.AT_RISK, rules.OFF_TRACK, rules.MISSED)
NATIONAL_SCOPE = "national"


class BriefError(ValueError):
    """A brief that cannot be made (unknown scope, no snapshot at the date); the message is one line."""


@dataclass(frozen=True)
class DeadlineLine:
    year: int
    head: str  # "2025 · đã chốt" / "2030 · dự báo", as on the panels
    target: str  # "50%" ('' for a milestone)
    figure: str  # the value judged, or the projection ('' when none)
    status: str
    word: str

    @property
    def label(self) -> str:
        """ "2025 · đã chốt · 50% · 48,2%": the deadline, its target and its figure (the status is apart)."""
        return " · ".join(x for x in (self.head, self.target, self.figure) if x)


@dataclass(frozen=True)
class TargetLine:
    """One of the twelve targets as its overview panel shows it."""

    code: str
    name: str
    kind: str
    value: str
    detail: str  # "1.234 / 2.154" ('' for milestones)
    numerator: int
    denominator: int
    share: float | None  # the headline series' value at the data date
    status: str
    word: str
    national_only: bool
    deadlines: tuple[DeadlineLine, ...]


@dataclass(frozen=True)
class ProvinceRow:
    """A row of the province table: a unit (or the nation) and its cell on each target."""

    code: str
    name: str
    cells: dict[str, Cell]  # indicator code -> cell
    rank: dict[str, int | None] | None = None  # a province brief: its rank among the units, per target


@dataclass(frozen=True)
class AtRisk:
    code: str
    name: str
    status: str
    word: str
    paragraph: str


@dataclass(frozen=True)
class MapView:
    """One target's value per province, coloured by its status (units outside the brief stay blank)."""

    code: str
    name: str
    values: dict[str, float | None]  # unit code -> value
    statuses: dict[str, str]  # unit code -> headline status (absent: not judged)
    names: dict[str, str]  # unit code -> short name
    judged: bool


@dataclass(frozen=True)
class Brief:
    lang: str
    data_date: dt.date
    snapshot_id: int
    scope: Scope  # as read: a province user's nation is their province
    unit: Unit | None  # the province of a province brief
    scope_name: str
    situation: str  # the overview's (or the province page's) paragraph
    targets: tuple[TargetLine, ...]
    provinces: tuple[ProvinceRow, ...]  # the national brief: every visible unit; a province: its own row
    national: ProvinceRow | None  # None when the reader may not see the nation
    at_risk: tuple[AtRisk, ...]
    map: MapView | None
    tasks: tuple[TaskState, ...]

    @property
    def table_rows(self) -> tuple[ProvinceRow, ...]:
        """The province table's rows: every unit shown, then the nation's when the reader may see it."""
        return (*self.provinces, *((self.national,) if self.national is not None else ()))

    @property
    def stem(self) -> str:
        """The file name a download gets: ban-tin_<scope>_<data date>."""
        where = self.unit.code if self.unit is not None else "toan-quoc"
        return f"ban-tin_{where}_{self.data_date.isoformat()}"


# --- the snapshot and the scope ---------------------------------------------------------------------


def snapshot_for(services: Services, day: dt.date | None) -> Snapshot:
    """The snapshot whose data date is the latest on or before ``day`` (the newest when None)."""
    snap = snapshots.current(services.ioc_engine) if day is None else snapshots.as_of(services.ioc_engine, day)
    if snap is None and (day is None or snapshots.latest_run(services.ioc_engine) is None):
        raise BriefError("no snapshot yet; run `python -m ioc_app refresh` first")
    if snap is None:
        raise BriefError(f"no stored snapshot has a data date on or before {day}")
    return snap


def parse_scope(raw: str | None) -> Unit | None:
    """ "national" (or nothing) -> None; a current province's two-digit code -> its unit; else BriefError."""
    value = (raw or NATIONAL_SCOPE).strip()
    if value.lower() == NATIONAL_SCOPE:
        return None
    unit = unit_of("34", value)
    if unit is None:
        raise BriefError(f"unknown scope {raw!r}: 'national' or the two-digit code of one of the 34 provinces")
    return unit


def readable_unit(unit: Unit | None) -> Unit | None:
    """The province the brief is about, as this request may read it: a province user asking for the
    nation gets their province; another province is Forbidden (``access.readable``)."""
    scope = access.readable(NATIONAL if unit is None else unit_scope(unit))
    return unit_of("34", scope.province34) if scope.province34 is not None else None


# --- the parts --------------------------------------------------------------------------------------


def _deadlines(view_assessments: list[rules.Assessment], kind: str, lang: str) -> tuple[DeadlineLine, ...]:
    lines = []
    for a in sorted(view_assessments, key=lambda x: x.deadline):
        if a.judged:
            head = t("panel.judged", lang).format(year=a.year)
            figure = "" if kind == "milestone" or a.value is None else fmt_percent(a.value, lang)
        else:
            head = t("panel.projected", lang).format(year=a.year)
            figure = fmt_percent(a.projection.value, lang) if a.projection is not None else ""
        target = "" if kind == "milestone" else fmt_percent(a.target, lang, 0)
        lines.append(DeadlineLine(a.year, head, target, figure, a.status, status_word(a.status, lang)))
    return tuple(lines)


def target_lines(snapshot: Snapshot, scope: Scope, lang: str) -> tuple[TargetLine, ...]:
    """The twelve panels of the overview in the scope, as lines."""
    lines = []
    for panel in all_panels(snapshot, scope):
        view = panel.view
        ind = view.indicator
        last = view.headline_series.last
        head = view.headline
        state = head.status if head is not None else rules.NO_DATA
        value, detail = headline_value(view, lang)
        lines.append(
            TargetLine(
                code=ind.code,
                name=ind.name(lang),
                kind=ind.kind,
                value=value,
                detail=detail,
                numerator=int(last["numerator"]),
                denominator=int(last["denominator"]),
                share=last["value"],
                status=state,
                word=status_word(state, lang),
                national_only=panel.national_only,
                deadlines=_deadlines(view.assessments, ind.kind, lang),
            )
        )
    return tuple(lines)


def province_rows(
    snapshot: Snapshot, unit: Unit | None, lang: str
) -> tuple[tuple[ProvinceRow, ...], ProvinceRow | None]:
    """The scorecard's rows (every unit this request may see), or a province's own row with its ranks;
    and the nation's row when this request may see it."""
    if unit is None:
        card = scorecard(snapshot, "34")
        rows = tuple(ProvinceRow(u.code, u.short_name(lang), card.cells[u.code]) for u in card.units)
        totals = card.totals
    else:
        card, target_rows = province_targets(snapshot, unit, None, None)
        ranks = {r.code: r.rank for r in target_rows}
        rows = (ProvinceRow(unit.code, unit.short_name(lang), {r.code: r.province for r in target_rows}, ranks),)
        totals = {r.code: r.national for r in target_rows}
    national = ProvinceRow("VN", t("common.national", lang), totals) if access.sees_nation() else None
    return rows, national


def map_target(snapshot: Snapshot, scope: Scope, requested: str | None) -> str:
    """The target the map shows: the one asked for; else the share furthest below its target with a
    figure per province; else the map page's default."""
    codes = mappable_codes()
    if requested is not None:
        code = requested.strip().upper()
        if code not in codes:
            raise BriefError(f"target {requested!r} has no figure per province; one of {', '.join(codes)}")
        return code
    furthest = [s.code for s in scope_situation(snapshot, scope).furthest if s.code in codes]
    return furthest[0] if furthest else DEFAULT_INDICATOR


def map_view(snapshot: Snapshot, code: str, unit: Unit | None, lang: str) -> MapView:
    """One target's column of the scorecard (the map page's figures, from ``provincial``, scoped by
    access); a province brief colours its own province only."""
    card = scorecard(snapshot, "34")
    shown = [u for u in card.units if unit is None or u.code == unit.code]
    indicator = registry.get(code)
    cells = {u.code: card.cells[u.code][code] for u in shown}
    return MapView(
        code=code,
        name=indicator.name(lang),
        values={k: c.value for k, c in cells.items()},
        statuses={k: c.status for k, c in cells.items() if c.status is not None and c.value is not None},
        names={u.code: u.short_name(lang) for u in shown},
        judged=indicator.provincially_judged,
    )


def at_risk(snapshot: Snapshot, scope: Scope, targets: tuple[TargetLine, ...], lang: str) -> tuple[AtRisk, ...]:
    """The targets whose panel status is at risk, off track or missed, each with its target page's paragraph."""
    out = []
    for line in targets:
        if line.status not in AT_RISK_STATES:
            continue
        s = target_situation(snapshot, registry.get(line.code), scope)
        text = target_paragraph(s, scope_words(s.scope, scope_label(s.scope, lang), lang), lang)
        out.append(AtRisk(line.code, line.name, line.status, line.word, text))
    return tuple(out)


def situation_text(services: Services, snapshot: Snapshot, unit: Unit | None, lang: str) -> str:
    """The overview's paragraph (nation) or the province page's (a province), worded as they are."""
    if unit is None:
        written = scope_situation(snapshot, NATIONAL)
    else:
        written = province_situation(services, snapshot, unit, None, None)
    return scope_paragraph(written, scope_words(written.scope, scope_label(written.scope, lang), lang), lang)


def build(
    services: Services,
    snapshot: Snapshot,
    unit: Unit | None = None,
    lang: str = "vi",
    map_code: str | None = None,
) -> Brief:
    """The brief of the nation (``unit`` None) or of one province, at the snapshot's data date, as this
    request may read it."""
    lang = "en" if lang == "en" else "vi"
    unit = readable_unit(unit)
    scope = NATIONAL if unit is None else unit_scope(unit)
    targets = target_lines(snapshot, scope, lang)
    provinces, national = province_rows(snapshot, unit, lang)
    code = map_target(snapshot, scope, map_code)
    view = task_progress.tasks_view(services.ioc_engine, snapshot.run.data_date)
    return Brief(
        lang=lang,
        data_date=snapshot.run.data_date,
        snapshot_id=snapshot.run.id,
        scope=scope,
        unit=unit,
        scope_name=scope_label(scope, lang),
        situation=situation_text(services, snapshot, unit, lang),
        targets=targets,
        provinces=provinces,
        national=national,
        at_risk=at_risk(snapshot, scope, targets, lang),
        map=map_view(snapshot, code, unit, lang),
        tasks=tuple(view.states),
    )


def cell_text(cell: Cell, lang: str) -> str:
    """A province table's figure: the value as the scorecard shows it, or why there is none."""
    if cell.mode == "national" and cell.value is None:
        return t("sc.national_only", lang)
    return value_text(cell.value, cell.kind, lang, cell.numerator, cell.denominator)


# --- the tables, worded once for the PDF and the workbook --------------------------------------------

# The headings of the tables both print (i18n keys), in their order.
TARGET_COLUMNS = ("common.code", "common.target", "common.value", "common.status", "brief.deadlines")
TASK_COLUMNS = (
    "tasks.col_no",
    "tasks.col_task",
    "tasks.col_lead",
    "tasks.col_period",
    "tasks.col_schedule",
    "tasks.reported_title",
)


@dataclass(frozen=True)
class TaskRow:
    """A focus task as the brief's schedule table lists it."""

    number: str
    title: str
    lead: str
    now_led_by: str  # "Nay do: <the current VET authority>" when it leads the task, else ''
    period: str
    schedule: str
    report: str


@dataclass(frozen=True)
class Tables:
    """The brief's tables as rows, worded once: the PDF lays them out, the workbook writes them."""

    targets: tuple[TargetLine, ...]
    provinces: tuple[ProvinceRow, ...]  # ``Brief.table_rows``
    at_risk: tuple[AtRisk, ...]
    tasks: tuple[TaskRow, ...]


def tables(made: Brief, authority: str) -> Tables:
    """The rows of every table of the brief. ``authority``: the current VET authority's name (the focus
    tasks it leads now say so)."""
    lang = made.lang
    led_now = f"{t('tasks.now_led_by', lang)}: {authority}"
    tasks = tuple(
        TaskRow(
            number=state.task.number,
            title=state.task.title(lang),
            lead=state.task.lead(lang),
            now_led_by=led_now if state.task.led_by_vet_authority else "",
            period=state.task.period,
            schedule=schedule_label(state.schedule, lang),
            report=report_summary(state.report, lang),
        )
        for state in made.tasks
    )
    return Tables(made.targets, made.table_rows, made.at_risk, tasks)


def cell_status_text(cell: Cell, lang: str) -> str:
    """A province table's status: its word, or why there is none."""
    if cell.mode == "national" and cell.value is None:
        return t("sc.national_only", lang)
    return t("sc.info", lang) if cell.status is None else status_word(cell.status, lang)
