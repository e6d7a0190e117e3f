"""An institution's page: ``/institution/<id>`` — profile and its own position on each target.

The profile is one row read by primary key from the VET database; the figures come from the
snapshot: the institution's own numerator and denominator at the data date
(``snapshot.institutions``), its current province's and the nation's values from the cached
scorecard (same figures as ``/scorecard`` and the API). Unknown ids get a calm message.
"""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, State

from callbacks.guard import guarded
from callbacks.page import PageContext
from ioc_app import inputs, snapshots
from ioc_app.i18n import normalise_language
from ioc_app.indicators.scopes import NATIONAL, Scope
from ioc_app.place_names import province_name
from ioc_app.province_view import parse_institution_id, position_rows, profile
from ioc_app.services import Services
from layouts import institution as view
from layouts.ids import Shell
from layouts.institution import InstIds
from layouts.scorecard import no_snapshot

PATH = "institution"
NAV_KEY = None


def render(ctx_: PageContext, scope: Scope = NATIONAL) -> Any:
    found = profile(ctx_.services, parse_institution_id(ctx_.args), scope)
    if found is None:
        return view.unknown_institution(ctx_.lang)
    province = province_name(found.province_code, ctx_.lang)
    legacy = province_name(found.legacy_province_code, ctx_.lang, level="63")
    return view.institution_page(found, province, legacy, ctx_.lang)


def update_position(
    services: Services, state: dict | None, institution_id: Any, lang: str | None, scope: Scope = NATIONAL
) -> Any:
    lang = normalise_language(lang)
    found = profile(services, institution_id, scope)
    if found is None:
        return view.unknown_institution(lang)
    snap = snapshots.current(services.ioc_engine)
    if snap is None:
        return no_snapshot(lang)
    rows = position_rows(snap, found.id, found.province_code)
    names = (province_name(found.province_code, lang, full=False), province_name(found.province_code, lang))
    return view.position_table(rows, names, lang, bool(state and state.get("stale")))


def register(app: Dash, services: Services) -> None:
    app.callback(
        Output(InstIds.POSITION, "children"),
        Input(Shell.SNAPSHOT, "data"),
        State(InstIds.ID, "data"),
        State(Shell.LANG, "data"),
    )(
        inputs.checked(inputs.snapshot_state, inputs.institution_id, inputs.language)(
            guarded("institution", 1)(lambda state, iid, lang: update_position(services, state, iid, lang))
        )
    )
