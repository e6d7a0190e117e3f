"""The national overview (home) page."""

from __future__ import annotations

from dash import html

from data_sources.queries import NetworkSummary
from ioc_app.i18n import fmt_date, fmt_number, t

INSTITUTION_TYPES = ("college", "intermediate", "centre")
OWNERSHIPS = ("public", "private", "foreign")


def stat_tile(label: str, value: str, tile_id: str | None = None) -> html.Div:
    kwargs = {"id": tile_id} if tile_id else {}
    return html.Div(
        className="ioc-stat",
        children=[html.Div(value, className="ioc-stat-value"), html.Div(label, className="ioc-stat-label")],
        **kwargs,
    )


def network_at_a_glance(summary: NetworkSummary, lang: str) -> html.Section:
    """Institutions by type and ownership, staff, learners and the data date."""
    tiles = [stat_tile(t("network.institutions", lang), fmt_number(summary.institutions, lang), "stat-institutions")]
    tiles += [
        stat_tile(t(f"type.{k}", lang), fmt_number(summary.institutions_by_type.get(k, 0), lang), f"stat-type-{k}")
        for k in INSTITUTION_TYPES
    ]
    tiles += [
        stat_tile(t("network.staff", lang), fmt_number(summary.staff, lang), "stat-staff"),
        stat_tile(t("network.learners", lang), fmt_number(summary.learners_enrolled, lang), "stat-learners"),
        stat_tile(t("network.programmes", lang), fmt_number(summary.programmes, lang), "stat-programmes"),
    ]
    ownership = html.Ul(
        className="ioc-ownership",
        children=[
            html.Li(f"{t(f'ownership.{k}', lang)}: {fmt_number(summary.institutions_by_ownership.get(k, 0), lang)}")
            for k in OWNERSHIPS
        ],
    )
    return html.Section(
        className="ioc-network",
        children=[
            html.Div(
                className="ioc-section-head",
                children=[
                    html.H2(t("network.title", lang)),
                    html.Span(
                        f"{t('network.data_date', lang)}: {fmt_date(summary.data_date, lang)}",
                        className="ioc-data-date",
                        id="network-data-date",
                    ),
                ],
            ),
            html.Div(className="ioc-stats", children=tiles),
            ownership,
        ],
    )


def home_page(summary: NetworkSummary, lang: str) -> html.Div:
    return html.Div(className="ioc-page ioc-home", children=[network_at_a_glance(summary, lang)])
