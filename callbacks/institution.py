"""An institution's page: ``/institution/<id>`` — profile and its own position on each target.

The profile is one row read by primary key from the VET database; the figures come from the
snapshot: the institution's own numerator and denominator at the data date
(``snapshot.institutions``), its current province's and the nation's values from the cached
scorecard (same figures as ``/scorecard`` and the API). Unknown ids get a calm message.
"""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, State

from ioc_app import scorecard as sd
from callbacks.page import PageContext
from callbacks.province import institution_codes
from data_sources.institutions import institution_profile
from geo import provinces as geo
from ioc_app import snapshots
from ioc_app.i18n import normalise_language
from ioc_app.indicators import registry
from ioc_app.indicators.scopes import NATIONAL, Scope
from ioc_app.services import Services
from ioc_app.snapshots import Snapshot
from layouts import institution as view
from layouts.ids import Shell
from layouts.institution import InstIds, PositionRow
from layouts.scorecard import no_snapshot

PATH = "institution"
NAV_KEY = None
MAX_ID = 2**31 - 1


def parse_id(args: list[str]) -> int | None:
    """The id in ``/institution/<id>``; None for anything that is not a positive whole number."""
    if not args or not args[0].isdigit():
        return None
    value = int(args[0])
    return value if 0 < value <= MAX_ID else None


def position_rows(snapshot: Snapshot, institution_id: int, province_code: str) -> list[PositionRow]:
    """The institution's own figure on each target measured per institution, beside its province and the nation."""
    card = sd.scorecard(snapshot, "34")
    own = snapshot.institutions
    own = own[own["institution_id"] == institution_id]
    by_series = {s: (int(n), int(d)) for s, n, d in own[["series", "numerator", "denominator"]].itertuples(index=False)}
    rows = []
    for code in institution_codes(snapshot):
        key = sd.column_series(registry.get(code))[0]
        num, den = by_series.get(key, (0, 0))
        rows.append(PositionRow(code, num, den, card.cells[province_code][code], card.totals[code]))
    return rows


def render(ctx_: PageContext, scope: Scope = NATIONAL) -> Any:
    iid = parse_id(ctx_.args)
    profile = institution_profile(ctx_.services.vet_engine, iid, scope) if iid is not None else None
    if profile is None:
        return view.unknown_institution(ctx_.lang)
    province = geo.province_by_code()[profile.province_code].name
    legacy = geo.legacy_by_code()[profile.legacy_province_code].name
    return view.institution_page(profile, province, legacy, ctx_.lang)


def update_position(services: Services, state: dict | None, institution_id: Any, lang: str | None,
                    scope: Scope = NATIONAL) -> Any:
    lang = normalise_language(lang)
    if not isinstance(institution_id, int):
        return view.unknown_institution(lang)
    profile = institution_profile(services.vet_engine, institution_id, scope)
    if profile is None:
        return view.unknown_institution(lang)
    snap = snapshots.current(services.ioc_engine)
    if snap is None:
        return no_snapshot(lang)
    rows = position_rows(snap, institution_id, profile.province_code)
    province = geo.province_by_code()[profile.province_code].name
    return view.position_table(rows, province, lang, bool(state and state.get("stale")))


def register(app: Dash, services: Services) -> None:
    app.callback(
        Output(InstIds.POSITION, "children"),
        Input(Shell.SNAPSHOT, "data"),
        State(InstIds.ID, "data"),
        State(Shell.LANG, "data"),
    )(lambda state, iid, lang: update_position(services, state, iid, lang))
