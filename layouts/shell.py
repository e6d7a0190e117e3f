"""The page shell: header with title, navigation and language toggle, and the content slot."""

from __future__ import annotations

from dash import dcc, html

from ioc_app.i18n import DEFAULT_LANGUAGE, t
from layouts.ids import Shell

NAV_ITEMS: tuple[tuple[str, str], ...] = (("/", "nav.overview"),)


def shell(default_language: str = DEFAULT_LANGUAGE) -> html.Div:
    """The static frame; the router fills ``Shell.CONTENT`` per URL and language."""
    return html.Div(
        className="ioc-shell",
        children=[
            dcc.Location(id=Shell.URL),
            # The language choice persists in the browser across visits.
            dcc.Store(id=Shell.LANG, storage_type="local", data=default_language),
            html.Header(
                className="ioc-header",
                children=[
                    html.Div(
                        className="ioc-brand",
                        children=[
                            html.H1(t("app.title", default_language), id=Shell.TITLE),
                            html.P(t("app.subtitle", default_language), id=Shell.SUBTITLE),
                        ],
                    ),
                    html.Nav(id=Shell.NAV, className="ioc-nav", children=nav_links(default_language)),
                    html.Button(
                        t("lang.toggle", default_language),
                        id=Shell.LANG_TOGGLE,
                        className="ioc-lang-toggle",
                        n_clicks=0,
                        title="Tiếng Việt / English",
                    ),
                ],
            ),
            html.Main(id=Shell.CONTENT, className="ioc-content"),
        ],
    )


def nav_links(lang: str) -> list[dcc.Link]:
    return [dcc.Link(t(key, lang), href=href, className="ioc-nav-link") for href, key in NAV_ITEMS]


def not_found(lang: str) -> html.Div:
    return html.Div(
        className="ioc-not-found",
        children=[html.H2(t("page.not_found", lang)), dcc.Link(t("page.back_home", lang), href="/")],
    )


def unavailable(lang: str) -> html.Div:
    """Shown instead of a crash page when the data cannot be read."""
    return html.Div(className="ioc-unavailable", role="alert", children=t("error.unavailable", lang))
