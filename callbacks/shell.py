"""Routing, language and freshness: the shell's own callbacks."""

from __future__ import annotations

import logging
from types import ModuleType
from typing import Any
from urllib.parse import parse_qsl

from dash import Dash, Input, Output, State, no_update

from callbacks.page import PageContext
from ioc_app import inputs
from ioc_app.auth import LANG_COOKIE, current_badge
from ioc_app.freshness import shown_state
from ioc_app.i18n import normalise_language, t
from ioc_app.selection import normalise_selection
from ioc_app.services import Services
from layouts import shell as shell_layout
from layouts.ids import Shell

log = logging.getLogger(__name__)


def split_path(pathname: str | None) -> tuple[str, list[str]]:
    parts = [p for p in (pathname or "/").split("/") if p]
    return (parts[0] if parts else ""), parts[1:]


def render_page(
    pages: dict[str, ModuleType],
    services: Services,
    pathname: str | None,
    lang: str | None,
    search: str | None = None,
    selection: dict[str, Any] | None = None,
) -> Any:
    """The page for ``pathname``; a calm message (never a stack trace) if it cannot be built."""
    lang = normalise_language(lang)
    head, args = split_path(pathname)
    page = pages.get(head)
    if page is None:
        return shell_layout.not_found(lang)
    ctx = PageContext(
        services=services,
        lang=lang,
        args=args,
        query=dict(parse_qsl((search or "").lstrip("?"))),
        selection=normalise_selection(selection),
    )
    try:
        return page.render(ctx)
    except Exception:
        log.exception("rendering %s failed", pathname)
        return shell_layout.unavailable(lang)


def toggle_language(n_clicks: int | None, lang: str | None) -> str:
    lang = normalise_language(lang)
    if not n_clicks:
        return lang
    return "en" if lang == "vi" else "vi"


def header_texts(lang: str | None, nav_items: list[tuple[str, str]]) -> tuple[str, str, str, str, list, list, list]:
    lang = normalise_language(lang)
    return (
        t("a11y.skip", lang),
        t("app.title", lang),
        t("app.subtitle", lang),
        t("lang.toggle", lang),
        shell_layout.nav_links(nav_items, lang),
        shell_layout.user_block(current_badge(), lang),
        shell_layout.menu_label(lang),
    )


# The phone header's menu: the button opens and closes the folded part; following a link closes it.
MENU_JS = """function(clicks, path) {
    var side = document.getElementById('SIDE'), button = document.getElementById('BUTTON');
    var trigger = (window.dash_clientside.callback_context.triggered[0] || {}).prop_id || '';
    var open = trigger.indexOf('n_clicks') !== -1 && side ? !side.classList.contains('is-open') : false;
    if (side) { side.classList.toggle('is-open', open); }
    if (button) { button.setAttribute('aria-expanded', open ? 'true' : 'false'); }
}""".replace("SIDE", Shell.HEADER_SIDE).replace("BUTTON", Shell.MENU)


# The sign-in page is rendered by the server, which cannot read the browser's storage: the
# language chosen here is copied into a cookie it reads. The page's own lang attribute follows.
LANG_COOKIE_JS = (
    f"function(lang) {{ var code = lang === 'en' ? 'en' : 'vi'; document.cookie = '{LANG_COOKIE}=' + code + "
    "'; path=/; max-age=31536000; samesite=lax'; document.documentElement.lang = code; }"
)


def poll_snapshot(services: Services, current: dict | None) -> Any:
    """The newest snapshot's state; no update (so nothing re-renders) when nothing changed."""
    state = shown_state(services, current)
    if current and all(current.get(k) == state.get(k) for k in ("id", "stale", "refreshed_at", "reason")):
        return no_update
    return state


def register(app: Dash, services: Services, pages: dict[str, ModuleType], nav_items: list[tuple[str, str]]) -> None:
    app.callback(
        Output(Shell.LANG, "data"),
        Input(Shell.LANG_TOGGLE, "n_clicks"),
        State(Shell.LANG, "data"),
        prevent_initial_call=True,
    )(inputs.checked(inputs.count, inputs.language)(toggle_language))
    app.callback(
        Output(Shell.SKIP, "children"),
        Output(Shell.TITLE, "children"),
        Output(Shell.SUBTITLE, "children"),
        Output(Shell.LANG_TOGGLE, "children"),
        Output(Shell.NAV, "children"),
        Output(Shell.USER, "children"),
        Output(Shell.MENU, "children"),
        Input(Shell.LANG, "data"),
        prevent_initial_call=True,  # the page comes with them in its language (``app_factory``'s layout)
    )(inputs.checked(inputs.language)(lambda lang: header_texts(lang, nav_items)))
    app.clientside_callback(LANG_COOKIE_JS, Input(Shell.LANG, "data"))
    app.clientside_callback(MENU_JS, Input(Shell.MENU, "n_clicks"), Input(Shell.URL, "pathname"))
    app.callback(
        Output(Shell.CONTENT, "children"),
        Input(Shell.URL, "pathname"),
        Input(Shell.LANG, "data"),
        State(Shell.URL, "search"),
        State(Shell.SELECTION, "data"),
    )(
        inputs.checked(inputs.pathname, inputs.language, inputs.search, inputs.selection)(
            lambda pathname, lang, search, selection: render_page(pages, services, pathname, lang, search, selection)
        )
    )
    # The page comes with the snapshot's state and its freshness line (``app_factory``'s layout): neither is
    # asked for again on load. A language restored from the browser's storage, the toggle and a new
    # snapshot each change an input, so the line follows them.
    app.callback(
        Output(Shell.SNAPSHOT, "data"),
        Input(Shell.INTERVAL, "n_intervals"),
        State(Shell.SNAPSHOT, "data"),
        prevent_initial_call=True,
    )(inputs.checked(inputs.count, inputs.snapshot_state)(lambda _n, current: poll_snapshot(services, current)))
    app.callback(
        Output(Shell.FRESHNESS, "children"),
        Input(Shell.SNAPSHOT, "data"),
        Input(Shell.LANG, "data"),
        prevent_initial_call=True,
    )(
        inputs.checked(inputs.snapshot_state, inputs.language)(
            lambda state, lang: shell_layout.freshness(state, normalise_language(lang))
        )
    )
