"""The meeting brief printed as a PDF (reportlab, offline), Vietnamese by default.

The text is set in DejaVu Sans, which carries every Vietnamese letter; the TTF files are the ones
matplotlib ships in its package data (so no system font is needed), and reportlab embeds the glyphs
used. A status is always its word (and its icon), never a colour alone. Everything printed comes
from :class:`ioc_app.brief.Brief` and its tables' rows (``ioc_app.brief.tables``, which the workbook
writes too); nothing is computed here.
"""

from __future__ import annotations

import datetime as dt
import io
from functools import lru_cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import matplotlib
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Image, KeepTogether, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from geo.provinces import province_by_code
from ioc_app.audit import VIETNAM_UTC_OFFSET
from ioc_app.brief import AT_RISK_STATES, TARGET_COLUMNS, TASK_COLUMNS, Brief, Tables, cell_text, tables
from ioc_app.brief_map import map_png
from ioc_app.i18n import fmt_date, fmt_datetime, fmt_number, t
from ioc_app.indicators import registry
from ioc_app.map_data import archipelagos
from ioc_app.place_names import place_name
from ioc_app.scorecard import Cell
from ioc_app.situation_words import join_items, lower_first
from ioc_app.wording import STATUS_STYLE, status_word

FONT, BOLD = "DejaVuSans", "DejaVuSans-Bold"
PAGE = landscape(A4)
MARGIN = 1.4 * cm
GRID = colors.HexColor("#c9ced6")
HEAD_BG = colors.HexColor("#eef1f5")


@lru_cache(maxsize=1)
def register_fonts() -> tuple[str, str]:
    """DejaVu Sans (regular, bold) from matplotlib's package data, registered once per process."""
    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    pdfmetrics.registerFont(TTFont(FONT, str(folder / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(folder / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)
    return FONT, BOLD


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=12.5, alignment=TA_LEFT)
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=7.5, leading=9.5),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=10.5),
        "tiny": ParagraphStyle("tiny", parent=base, fontSize=7, leading=8.5),
        "head": ParagraphStyle("head", parent=base, fontName=BOLD, fontSize=8.5, leading=10.5),
        "title": ParagraphStyle("title", parent=base, fontName=BOLD, fontSize=26, leading=32, spaceAfter=10),
        "h1": ParagraphStyle("h1", parent=base, fontName=BOLD, fontSize=14, leading=18, spaceBefore=4, spaceAfter=8),
        "h2": ParagraphStyle("h2", parent=base, fontName=BOLD, fontSize=11, leading=14, spaceBefore=8, spaceAfter=4),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text), style)


def _status(state: str | None, lang: str, style: ParagraphStyle, word: bool = True) -> Paragraph:
    """A status as a coloured icon and its word (the word is what counts; the colour only helps)."""
    icon, colour = STATUS_STYLE.get(state or "no_data", STATUS_STYLE["no_data"])
    text = f" {escape(status_word(state, lang))}" if word else ""
    return Paragraph(f'<font color="{colour}">{escape(icon)}</font>{text}', style)


def _table(rows: list[list[Any]], widths: list[float], header_rows: int = 1, extra: list[Any] | None = None) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=header_rows)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),  # the table's default is Helvetica, which is not embedded
                ("GRID", (0, 0), (-1, -1), 0.4, GRID),
                ("BACKGROUND", (0, 0), (-1, header_rows - 1), HEAD_BG),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                *(extra or []),
            ]
        )
    )
    return table


# --- the parts ----------------------------------------------------------------------------------------


def cover(brief: Brief, made_at: dt.datetime, s: dict[str, ParagraphStyle]) -> list[Any]:
    lang = brief.lang
    return [
        Spacer(1, 1.2 * cm),
        _p(t("brief.title", lang), s["title"]),
        _p(t("app.title", lang), s["h2"]),
        Spacer(1, 0.4 * cm),
        _p(f"{t('common.scope', lang)}: {brief.scope_name}", s["h1"]),
        _p(f"{t('common.data_date', lang)} {fmt_date(brief.data_date, lang)}", s["h1"]),
        _p(t("brief.made_at", lang).format(at=fmt_datetime(made_at, lang), run=brief.snapshot_id), s["small"]),
        Spacer(1, 0.6 * cm),
        _p(t("brief.situation", lang), s["h2"]),
        _p(brief.situation, s["body"]),
    ]


def targets_table(brief: Brief, tab: Tables, s: dict[str, ParagraphStyle]) -> list[Any]:
    lang = brief.lang
    rows: list[list[Any]] = [[_p(t(k, lang), s["head"]) for k in TARGET_COLUMNS]]
    for line in tab.targets:
        name = line.name + (f" ({t('panel.national_only', lang)})" if line.national_only else "")
        value = line.value + (f"\n{line.detail}" if line.detail else "")
        deadlines = "<br/>".join(
            escape(d.label) + f': <font color="{STATUS_STYLE.get(d.status, STATUS_STYLE["no_data"])[1]}">'
            f"{escape(STATUS_STYLE.get(d.status, STATUS_STYLE['no_data'])[0])}</font> {escape(d.word)}"
            for d in line.deadlines
        )
        rows.append(
            [
                _p(line.code, s["head"]),
                _p(name, s["cell"]),
                Paragraph(escape(value).replace("\n", "<br/>"), s["cell"]),
                _status(line.status, lang, s["cell"]),
                Paragraph(deadlines, s["cell"]),
            ]
        )
    width = PAGE[0] - 2 * MARGIN
    return [
        _p(t("home.title", lang), s["h1"]),
        _table(rows, [1.2 * cm, width - 19.2 * cm, 2.8 * cm, 4.4 * cm, 10.8 * cm]),
    ]


def _cell(cell: Cell, lang: str, style: ParagraphStyle) -> Paragraph:
    """A figure of the big table: no figure is its dash (named in the key), so each row keeps one line."""
    no_figure = cell.value is None and cell.mode != "national"
    text = escape(STATUS_STYLE["no_data"][0] if no_figure else cell_text(cell, lang))
    if cell.status is None or cell.value is None:
        return Paragraph(text, style)
    icon, colour = STATUS_STYLE.get(cell.status, STATUS_STYLE["no_data"])
    return Paragraph(f'{text} <font color="{colour}">{escape(icon)}</font>', style)


def _key(lang: str, s: dict[str, ParagraphStyle]) -> Paragraph:
    parts = [
        f'<font color="{colour}">{escape(icon)}</font> {escape(status_word(state, lang))}'
        for state, (icon, colour) in STATUS_STYLE.items()
    ]
    return Paragraph(f"{escape(t('brief.key', lang))}: " + " · ".join(parts), s["small"])


def provinces_table(brief: Brief, tab: Tables, s: dict[str, ParagraphStyle]) -> list[Any]:
    """Every unit x the twelve targets (value and status icon, the key below); a province: its own
    targets beside the nation's, with its rank."""
    lang = brief.lang
    width = PAGE[0] - 2 * MARGIN
    if brief.unit is not None:
        return _own_table(brief, s, width)
    codes = [ind.code for ind in registry.INDICATORS]
    head = [_p(t("common.code", lang), s["head"]), _p(t("common.province", lang), s["head"])]
    head += [_p(code, s["head"]) for code in codes]
    rows: list[list[Any]] = [head]
    for row in tab.provinces:
        rows.append(
            [_p(row.code, s["tiny"]), _p(row.name, s["tiny"]), *(_cell(row.cells[c], lang, s["tiny"]) for c in codes)]
        )
    first = 3.6 * cm
    # One page for the 34 rows and the nation's: tighter padding than the other tables.
    extra: list[Any] = [("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5)]
    if brief.national is not None:
        extra.append(("BACKGROUND", (0, len(rows) - 1), (-1, len(rows) - 1), HEAD_BG))
    return [
        _p(t("brief.provinces", lang), s["h1"]),
        _table(rows, [0.9 * cm, first, *[(width - first - 0.9 * cm) / len(codes)] * len(codes)], extra=extra),
        Spacer(1, 0.2 * cm),
        _key(lang, s),
    ]


def _own_table(brief: Brief, s: dict[str, ParagraphStyle], width: float) -> list[Any]:
    lang = brief.lang
    assert brief.unit is not None
    row = brief.provinces[0]
    head = [
        _p(t("common.code", lang), s["head"]),
        _p(t("common.target", lang), s["head"]),
        _p(row.name, s["head"]),
        _p(t("common.status", lang), s["head"]),
    ]
    if brief.national is not None:
        head += [_p(t("common.national", lang), s["head"]), _p(t("common.status", lang), s["head"])]
    head.append(_p(t("export.rank", lang), s["head"]))
    rows: list[list[Any]] = [head]
    for ind in registry.INDICATORS:
        mine = row.cells[ind.code]
        line = [
            _p(ind.code, s["head"]),
            _p(ind.name(lang), s["cell"]),
            _p(cell_text(mine, lang), s["cell"]),
            _status(mine.status, lang, s["cell"]) if mine.status is not None else _p("", s["cell"]),
        ]
        if brief.national is not None:
            nat = brief.national.cells[ind.code]
            line += [
                _p(cell_text(nat, lang), s["cell"]),
                _status(nat.status, lang, s["cell"]) if nat.status is not None else _p("", s["cell"]),
            ]
        rank = (row.rank or {}).get(ind.code)
        line.append(_p("" if rank is None else fmt_number(rank, lang), s["cell"]))
        rows.append(line)
    fixed = [1.2 * cm, 0.0, 3.0 * cm, 4.4 * cm] + ([3.0 * cm, 4.4 * cm] if brief.national is not None else [])
    fixed.append(1.8 * cm)
    fixed[1] = width - sum(fixed)
    return [
        _p(t("brief.province_own", lang).format(name=brief.unit.full_name(lang)), s["h1"]),
        _table(rows, fixed),
    ]


def map_part(brief: Brief, s: dict[str, ParagraphStyle], boundaries_path: str | None) -> list[Any]:
    lang = brief.lang
    view = brief.map
    if view is None:
        return []
    png = map_png(view, lang, boundaries_path)
    height = PAGE[1] - 2 * MARGIN - 3.2 * cm
    image = Image(io.BytesIO(png), width=height * 5.6 / 6.4, height=height)
    first, second = archipelagos()[:2]
    units = province_by_code()

    def unit_name(code: str) -> str:
        unit = units.get(code)
        return place_name(unit.name, unit.is_city, lang) if unit is not None else code

    notes = [
        t("brief.archipelagos", lang).format(
            first=first["name_en"] if lang == "en" else first["name"],
            first_unit=unit_name(str(first["code"])),
            second=second["name_en"] if lang == "en" else second["name"],
            second_unit=unit_name(str(second["code"])),
        )
    ]
    if not view.judged:
        notes.append(t("brief.map_reference", lang))
    if brief.unit is not None:
        notes.append(t("brief.map_own", lang))
    return [
        _p(t("brief.map", lang).format(code=view.code, name=view.name), s["h1"]),
        image,
        _p(" ".join(notes), s["small"]),
    ]


def at_risk_states(lang: str) -> str:
    """'có nguy cơ không đạt, chậm tiến độ và không đạt': the statuses the brief calls out, in words."""
    return join_items([lower_first(status_word(x, lang)) for x in AT_RISK_STATES], lang)


def at_risk_part(brief: Brief, tab: Tables, s: dict[str, ParagraphStyle]) -> list[Any]:
    lang = brief.lang
    out: list[Any] = [_p(t("brief.at_risk", lang).format(states=at_risk_states(lang)), s["h1"])]
    if not tab.at_risk:
        out.append(_p(t("brief.none_at_risk", lang), s["body"]))
    for item in tab.at_risk:
        icon, colour = STATUS_STYLE.get(item.status, STATUS_STYLE["no_data"])
        head = Paragraph(
            f"{escape(item.code)} · {escape(item.name)} · "
            f'<font color="{colour}">{escape(icon)}</font> {escape(item.word)}',
            s["h2"],
        )
        out.append(KeepTogether([head, _p(item.paragraph, s["body"])]))
    return out


def tasks_part(brief: Brief, tab: Tables, s: dict[str, ParagraphStyle]) -> list[Any]:
    lang = brief.lang
    rows: list[list[Any]] = [[_p(t(k, lang), s["head"]) for k in TASK_COLUMNS]]
    for r in tab.tasks:
        lead = escape(r.lead) + (f"<br/>{escape(r.now_led_by)}" if r.now_led_by else "")
        rows.append(
            [
                _p(r.number, s["tiny"]),
                _p(r.title, s["tiny"]),
                Paragraph(lead, s["tiny"]),
                _p(r.period, s["tiny"]),
                _p(r.schedule, s["tiny"]),
                _p(r.report, s["tiny"]),
            ]
        )
    width = PAGE[0] - 2 * MARGIN
    widths = [1.0 * cm, 0.0, 6.0 * cm, 2.2 * cm, 3.2 * cm, 6.0 * cm]
    widths[1] = width - sum(widths)
    return [_p(t("tasks.title", lang), s["h1"]), _table(rows, widths)]


def pdf_bytes(
    brief: Brief, authority: str, boundaries_path: str | None = None, made_at: dt.datetime | None = None
) -> bytes:
    """The brief as a PDF. ``authority``: the current VET authority's name (the focus tasks' lead);
    ``made_at``: when it was produced, printed on the cover (default: now, Vietnam's time)."""
    register_fonts()
    s = _styles()
    lang, tab = brief.lang, tables(brief, authority)
    made = made_at or dt.datetime.now(dt.UTC).replace(tzinfo=None) + VIETNAM_UTC_OFFSET
    footer = f"{t('brief.title', lang)} · {brief.scope_name} · {t('common.data_date', lang)} {fmt_date(brief.data_date, lang)}"

    def on_page(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 7.5)
        canvas.drawString(MARGIN, 0.8 * cm, footer)
        canvas.drawRightString(PAGE[0] - MARGIN, 0.8 * cm, t("brief.page", lang).format(n=doc.page))
        canvas.restoreState()

    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=f"{t('brief.title', lang)} – {brief.scope_name} – {fmt_date(brief.data_date, lang)}",
        lang=lang,
        initialFontName=FONT,  # else each page starts in Helvetica, a font the PDF would not embed
    )
    story: list[Any] = [
        *cover(brief, made, s),
        PageBreak(),
        *targets_table(brief, tab, s),
        PageBreak(),
        *provinces_table(brief, tab, s),
        PageBreak(),
        *map_part(brief, s, boundaries_path),
        PageBreak(),
        *at_risk_part(brief, tab, s),
        PageBreak(),
        *tasks_part(brief, tab, s),
    ]
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buf.getvalue()
