"""Routing and language: the URL and the chosen language decide what the content slot shows."""

from __future__ import annotations

import logging
from collections.abc import Callable

from dash import Dash, Input, Output, State, html

from ioc_app.i18n import normalise_language, t
from ioc_app.services import Services
from layouts import shell as shell_layout
from layouts.ids import Shell

log = logging.getLogger(__name__)

PageRenderer = Callable[[Services, str, dict[str, str]], html.Div]


def render_page(pages: dict[str, PageRenderer], services: Services, pathname: str | None, lang: str | None,
                search: str | None = None) -> html.Div:
    """The page for ``pathname``; a friendly message (never a stack trace) if it fails."""
    lang = normalise_language(lang)
    renderer = pages.get((pathname or "/").rstrip("/") or "/")
    if renderer is None:
        return shell_layout.not_found(lang)
    try:
        return renderer(services, lang, _query(search))
    except Exception:  # noqa: BLE001 - log it, show the user a calm message
        log.exception("rendering %s failed", pathname)
        return shell_layout.unavailable(lang)


def _query(search: str | None) -> dict[str, str]:
    from urllib.parse import parse_qsl

    return dict(parse_qsl((search or "").lstrip("?")))


def toggle_language(n_clicks: int | None, lang: str | None) -> str:
    lang = normalise_language(lang)
    if not n_clicks:
        return lang
    return "en" if lang == "vi" else "vi"


def header_texts(lang: str | None) -> tuple[str, str, str, list]:
    lang = normalise_language(lang)
    return (t("app.title", lang), t("app.subtitle", lang), t("lang.toggle", lang), shell_layout.nav_links(lang))


def register(app: Dash, services: Services, pages: dict[str, PageRenderer]) -> None:
    app.callback(
        Output(Shell.LANG, "data"),
        Input(Shell.LANG_TOGGLE, "n_clicks"),
        State(Shell.LANG, "data"),
        prevent_initial_call=True,
    )(toggle_language)
    app.callback(
        Output(Shell.TITLE, "children"),
        Output(Shell.SUBTITLE, "children"),
        Output(Shell.LANG_TOGGLE, "children"),
        Output(Shell.NAV, "children"),
        Input(Shell.LANG, "data"),
    )(header_texts)
    app.callback(
        Output(Shell.CONTENT, "children"),
        Input(Shell.URL, "pathname"),
        Input(Shell.LANG, "data"),
        State(Shell.URL, "search"),
    )(lambda pathname, lang, search: render_page(pages, services, pathname, lang, search))
