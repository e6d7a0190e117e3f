"""The wall display: ``/present?playlist=NAME&slide=N``.

The page is a frame of empty slots; ``assets/present.js`` asks for one slot at a time (the one
about to be shown) by writing its request store, and this module's one callback fills it. A slot
whose figures cannot be read keeps its last good content; a refusal (a revoked token, another
province) answers 401/403, which the script turns into a notice that stops the display.
"""

from __future__ import annotations

import logging
from typing import Any

from dash import Dash, Input, Output, State, ctx, no_update
from dash.dependencies import MATCH
from dash.exceptions import PreventUpdate

from callbacks.page import PageContext
from ioc_app import alerts, freshness, inputs, playlists, presentation, snapshots
from ioc_app.access import Forbidden
from ioc_app.i18n import normalise_language, t
from ioc_app.identity import current_identity
from ioc_app.services import Services
from layouts import present as layout
from layouts.ids import Present, Shell

log = logging.getLogger(__name__)

PATH = "present"
NAV_KEY = None  # opened on the wall by its URL, not from the desk menu


def _query(search: str | None) -> dict[str, str]:
    from urllib.parse import parse_qsl

    return dict(parse_qsl((search or "").lstrip("?")))


def start_index(raw: str | None, count: int) -> int:
    """``slide=N`` (1-based, as people count) as an index; the first slide for anything else."""
    try:
        n = int(raw or "1")
    except ValueError:
        return 0
    return n - 1 if 1 <= n <= count else 0


def render(pctx: PageContext) -> Any:
    lang = pctx.lang
    try:
        playlist = presentation.playlist_for(pctx.services, pctx.query.get("playlist"))
    except playlists.PlaylistError as exc:
        return layout.notice_page(exc.text(lang), lang)
    except Forbidden:
        return layout.notice_page(t("present.forbidden", lang), lang)
    slides = presentation.expand(playlist, current_identity())
    if not slides:
        return layout.notice_page(t("present.empty", lang), lang)
    alert_count = alerts.readers_open_count(pctx.services.ioc_engine)
    start = start_index(pctx.query.get("slide"), len(slides))
    return layout.frame(playlist.title, slides, start, playlist.name, lang, alert_count)


def load_slot(services: Services, index: Any, search: str | None, lang: str | None, version: int = 0) -> Any:
    """The content of slot ``index`` of the playlist in the URL, as this request's identity may see it."""
    lang = normalise_language(lang)
    try:
        playlist = presentation.playlist_for(services, _query(search).get("playlist"))
        slides = presentation.expand(playlist, current_identity())
        if not isinstance(index, int) or not 0 <= index < len(slides):
            raise PreventUpdate  # the playlist changed under the display: the next page load catches up
        snap = snapshots.current(services.ioc_engine)
        if snap is None:
            return layout.message(t("present.no_snapshot", lang), lang)
        spec = slides[index]
        stale = layout.stale_text(freshness.current_state(services), lang)
        return layout.slide(spec, presentation.slide_data(snap, spec, lang), snap.run.data_date, lang, version, stale)
    except (PreventUpdate, Forbidden, inputs.InputError):
        raise
    except Exception:  # the slot keeps its last good content; the display moves on
        log.exception("wall display: slide %s could not be built", index)
        return no_update


def register(app: Dash, services: Services) -> None:
    app.callback(
        Output({"type": Present.SLOT, "index": MATCH}, "children"),
        Input({"type": Present.REQUEST, "index": MATCH}, "data"),
        State(Shell.URL, "search"),
        State(Shell.LANG, "data"),
        prevent_initial_call=True,
    )(
        inputs.checked(inputs.present_request, inputs.search, inputs.language)(
            lambda request, search, lang: load_slot(
                services, (ctx.triggered_id or {}).get("index"), search, lang, (request or {}).get("n", 0)
            )
        )
    )
