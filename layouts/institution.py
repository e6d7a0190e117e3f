"""The institution page: profile and its own position on each target. Pure functions of data."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from dash import dcc, html

from ioc_app.i18n import fmt_date, fmt_number, t
from ioc_app.indicators import registry
from ioc_app.province_view import InstitutionProfile, PositionRow
from layouts.components import value_text
from layouts.scorecard import esc, html_block, short_name, stale_marker, tag


class InstIds(StrEnum):
    ID = "inst-id"
    POSITION = "inst-position"


def unknown_institution(lang: str) -> html.Div:
    return html.Div(
        className="ioc-not-found",
        role="alert",
        children=[
            html.H2(t("inst.unknown", lang)),
            html.P(t("inst.unknown_hint", lang)),
            dcc.Link(t("common.back_scorecard", lang), href="/scorecard"),
        ],
    )


def _date_or(value: dt.date | None, lang: str, missing: str = "common.not_yet") -> str:
    return fmt_date(value, lang) if value is not None else t(missing, lang)


def coordinates(lat: float | None, lon: float | None, lang: str) -> str:
    if lat is None or lon is None:
        return t("inst.none", lang)
    return (
        f"{fmt_number(abs(lat), lang, 4)}° {t('inst.north', lang)}, "
        f"{fmt_number(abs(lon), lang, 4)}° {t('inst.east', lang)}"
    )


def institution_page(p: InstitutionProfile, province_name: str, legacy_name: str, lang: str) -> html.Div:
    """The profile and the frame of the position table; the province names come in full."""
    state = t("inst.open", lang) if p.is_open else t("inst.closed", lang).format(date=fmt_date(p.closed_on, lang))
    facts: list[tuple[str, Any]] = [
        ("common.institution_code", p.code),
        ("common.type", t(f"type.{p.type}", lang)),
        ("common.ownership", t(f"ownership.{p.ownership}", lang)),
        ("common.province", dcc.Link(f"{province_name} ({p.province_code})", href=f"/province/{p.province_code}")),
        (
            "common.legacy_province",
            dcc.Link(f"{legacy_name} ({p.legacy_province_code})", href=f"/province/63-{p.legacy_province_code}"),
        ),
        ("inst.address", p.address or t("inst.none", lang)),
        ("inst.coordinates", coordinates(p.latitude, p.longitude, lang)),
        ("inst.established", fmt_date(p.established_on, lang)),
        ("inst.state", state),
        ("inst.high_quality", _date_or(p.high_quality_on, lang)),
        ("inst.infrastructure", _date_or(p.digital_infrastructure_on, lang)),
        ("inst.connected", _date_or(p.platform_connected_on, lang)),
        ("inst.digital_school", _date_or(p.digital_school_on, lang)),
        ("inst.profile_updated", _date_or(p.profile_updated_on, lang)),
    ]
    items: list[Any] = []
    for key, value in facts:
        items += [html.Dt(t(key, lang)), html.Dd(value)]
    return html.Div(
        className="ioc-page ioc-institution",
        children=[
            dcc.Store(id=InstIds.ID, data=p.id),
            html.Div(
                className="ioc-prov-head",
                children=[
                    html.H2(p.name, id="inst-name"),
                    html.Span(f"{t(f'type.{p.type}', lang)} · {province_name}", className="ioc-prov-sub"),
                    dcc.Link(f"← {province_name}", href=f"/province/{p.province_code}", className="ioc-back"),
                ],
            ),
            html.Div(
                className="ioc-inst-grid",
                children=[
                    html.Section(
                        className="ioc-panel",
                        children=[
                            html.Div(html.H3(t("inst.profile", lang)), className="ioc-panel-head"),
                            html.Dl(items, className="ioc-profile"),
                        ],
                    ),
                    html.Section(
                        className="ioc-panel",
                        children=[
                            html.Div(html.H3(t("inst.position", lang)), className="ioc-panel-head"),
                            html.P(t("inst.position_intro", lang), className="ioc-note"),
                            dcc.Loading(html.Div(id=InstIds.POSITION), type="dot", delay_show=400),
                        ],
                    ),
                ],
            ),
        ],
    )


def _bar_cell(value: float | None, lang: str, kind: str = "", extra: str = "") -> str:
    width = 0.0 if value is None else max(0.0, min(1.0, value)) * 100
    bar = tag("div", tag("span", "", style=f"width:{width:.1f}%"), class_=f"ioc-bar {kind}".strip())
    text = esc(value_text(value, "percent", lang)) if value is not None else "—"
    return tag("td", tag("span", text) + extra + bar, class_="ioc-num")


def _versus(value: float | None, ref: float | None, lang: str) -> str:
    if value is None or ref is None:
        return "—"
    diff = (value - ref) * 100
    if abs(diff) < 0.05:
        return tag("span", "= 0", class_="ioc-muted")
    if diff > 0:
        return tag("span", esc(f"▲ +{fmt_number(diff, lang, 1)} {t('common.pp', lang)}"), class_="ioc-delta-up")
    return tag("span", esc(f"▼ −{fmt_number(-diff, lang, 1)} {t('common.pp', lang)}"), class_="ioc-delta-down")


def position_table(rows: list[PositionRow], province_names: tuple[str, str], lang: str, stale: bool) -> html.Div:
    """The institution's own value on each target, beside its province and the nation.

    ``province_names``: the province's short name (the column head) and its full name (the head's tooltip).
    """
    short, full = province_names
    measured = {r.code for r in rows}
    others = [i.code for i in registry.INDICATORS if i.code not in measured]
    head = tag(
        "tr",
        tag("th", esc(t("common.target", lang)), colspan="2")
        + tag("th", esc(t("inst.col_self", lang)), class_="ioc-num")
        + tag("th", esc(short), class_="ioc-num", title=full)
        + tag("th", esc(t("common.national", lang)), class_="ioc-num")
        + tag("th", esc(t("inst.col_vs", lang)), class_="ioc-num"),
    )
    body = []
    for r in rows:
        fraction = (
            tag(
                "span", esc(f"{fmt_number(r.numerator, lang)}/{fmt_number(r.denominator, lang)}"), class_="ioc-fraction"
            )
            if r.denominator
            else ""
        )
        body.append(
            tag(
                "tr",
                tag("td", esc(r.code), class_="ioc-code")
                + tag("td", esc(short_name(r.code, lang)), title=registry.get(r.code).name(lang))
                + _bar_cell(r.value, lang, extra=fraction)
                + _bar_cell(r.province.value, lang, "ioc-bar-province")
                + _bar_cell(r.national.value, lang, "ioc-bar-national")
                + tag("td", _versus(r.value, r.province.value, lang), class_="ioc-num"),
                data_code=r.code,
            )
        )
    children: list[Any] = []
    marker = stale_marker(stale, lang)
    if marker is not None:
        children.append(html.Div(marker, className="ioc-sc-caption"))
    if not any(r.denominator for r in rows):
        children.append(html.P(t("inst.no_figures", lang), className="ioc-note"))
    children.append(
        html_block(
            tag(
                "table",
                tag("thead", head) + tag("tbody", "".join(body)),
                class_="ioc-table ioc-position",
                id="inst-position-table",
            ),
            "ioc-sc-block",
        )
    )
    if others:
        children.append(html.P(t("inst.not_measured", lang).format(codes=", ".join(others)), className="ioc-note"))
    return html.Div(children)
