"""What the wall display shows: a playlist made into slides for the identity asking, and each slide's figures.

Every figure comes from the same core functions the desk pages use (the overview's panels, the
scorecard, the province ranking, the map's provincial table), so the wall and the desk never
disagree, and province scoping is applied where they read: a province-limited display gets its
province's figures whatever the playlist says, and slides that compare provinces are left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from geo import provinces as geo
from ioc_app import access, playlist_store, playlists, scorecard
from ioc_app import changes as changes_core
from ioc_app.identity import Identity, current_identity
from ioc_app.indicators import registry
from ioc_app.indicators.registry import Indicator
from ioc_app.indicators.scopes import Scope
from ioc_app.map_data import ProvinceFigure, archipelagos, national_figure, province_figures
from ioc_app.overview import PanelData, all_panels
from ioc_app.playlists import Playlist, Slide
from ioc_app.services import Services
from ioc_app.snapshots import Snapshot
from ioc_app.target_data import Ranking, TrajectoryChart, province_ranking, trajectory_chart, visible_ranking

BEHIND_SHOWN = 8  # provinces on the "furthest behind" slide: as many as read well from 5 m
PROVINCE_COLUMNS = 6  # targets in the provinces table (34 rows in two halves of 17)


@dataclass(frozen=True)
class SlideSpec:
    """One slide as shown: a playlist slide with its scope settled (province cycles expanded)."""

    kind: str
    seconds: int
    targets: tuple[str, ...] = ()
    province: str | None = None
    inst_type: str | None = None
    ownership: str | None = None

    @property
    def scope(self) -> Scope:
        return Scope(province34=self.province, inst_type=self.inst_type, ownership=self.ownership)

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "seconds": self.seconds, "province": self.province}


def _spec(slide: Slide, province: str | None) -> SlideSpec:
    return SlideSpec(slide.kind, slide.seconds, slide.targets, province, slide.inst_type, slide.ownership)


def expand(playlist: Playlist, identity: Identity | None) -> list[SlideSpec]:
    """The slides this identity is shown, in order.

    A province cycle becomes one overview per province the identity may read. For a province-limited
    identity every slide is about its province, and the slides that compare provinces are left out.
    """
    limited = identity.province if identity is not None and not identity.sees_everything else None
    out: list[SlideSpec] = []
    for slide in playlist.slides:
        if limited is not None:
            if slide.kind == playlists.PROVINCE_CYCLE:
                out.append(_spec(replace(slide, kind=playlists.OVERVIEW), limited))
            elif slide.kind not in playlists.NATIONAL_ONLY:
                out.append(_spec(slide, limited))
        elif slide.kind == playlists.PROVINCE_CYCLE:
            out += [_spec(replace(slide, kind=playlists.OVERVIEW), p.code) for p in geo.provinces()]
        else:
            out.append(_spec(slide, slide.province))
    return out


def playlist_for(services: Services, requested: str | None) -> Playlist:
    """The playlist named in the URL for this request's identity (see ``playlist_store.resolve``).

    Raises ``PlaylistError`` (unknown or invalid name) and ``access.Forbidden`` (a display token
    limited to another playlist).
    """
    return playlist_store.resolve(services.ioc_engine, requested, current_identity())


# --- each slide's figures ------------------------------------------------------------------------------


@dataclass(frozen=True)
class OverviewSlide:
    scope: Scope
    panels: list[PanelData]


@dataclass(frozen=True)
class TargetPanel:
    panel: PanelData
    chart: TrajectoryChart


@dataclass(frozen=True)
class TargetsSlide:
    scope: Scope
    items: list[TargetPanel]


@dataclass(frozen=True)
class MapSlide:
    indicator: Indicator
    figures: dict[str, ProvinceFigure]
    national: ProvinceFigure | None
    archipelagos: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class ProvincesSlide:
    card: scorecard.Scorecard
    columns: list[Indicator]


@dataclass(frozen=True)
class BehindSlide:
    indicator: Indicator
    ranking: Ranking  # the provinces furthest behind first, at most BEHIND_SHOWN
    ranked: int  # provinces with a figure


@dataclass(frozen=True)
class ChangesSlide:
    scope: Scope
    changes: list[changes_core.Change]
    movers: changes_core.Movers | None  # on the target that moved most nationally; None for one province


SlideData = OverviewSlide | TargetsSlide | MapSlide | ProvincesSlide | BehindSlide | ChangesSlide


def province_columns(spec: SlideSpec) -> list[Indicator]:
    """The provinces table's targets: the slide's own, else the first ones judged province by province."""
    if spec.targets:
        return [registry.get(c) for c in spec.targets]
    judged = [i for i in registry.INDICATORS if i.provincially_judged]
    return judged[:PROVINCE_COLUMNS]


def slide_data(snapshot: Snapshot, spec: SlideSpec, lang: str) -> SlideData:
    """The figures of one slide, read as this request's identity may read them."""
    if spec.province is not None:
        access.check_province(spec.province, what=f"present:{spec.kind}")
    scope = access.readable(spec.scope)
    if spec.kind == playlists.OVERVIEW:
        return OverviewSlide(scope, all_panels(snapshot, scope))
    if spec.kind == playlists.TARGETS:
        wanted = set(spec.targets)
        panels = [p for p in all_panels(snapshot, scope) if p.view.indicator.code in wanted]
        return TargetsSlide(scope, [TargetPanel(p, trajectory_chart(p.view, lang)) for p in panels])
    if spec.kind == playlists.MAP:
        ind = registry.get(spec.targets[0])
        as_of = snapshot.run.data_date
        return MapSlide(
            ind,
            province_figures(snapshot, ind.code, "34", as_of, spec.inst_type, spec.ownership),
            national_figure(snapshot, ind, as_of, spec.inst_type, spec.ownership) if access.sees_nation() else None,
            list(archipelagos()),
        )
    if spec.kind == playlists.PROVINCES:
        card = scorecard.scorecard(snapshot, "34", spec.inst_type, spec.ownership)
        return ProvincesSlide(card, province_columns(spec))
    if spec.kind == playlists.BEHIND:
        ind = registry.get(spec.targets[0])
        ranking = visible_ranking(province_ranking(snapshot, ind, scope, "34"))
        table = ranking.table
        behind = table.iloc[::-1].head(BEHIND_SHOWN).reset_index(drop=True)  # ranked best first
        return BehindSlide(ind, replace(ranking, table=behind), len(table))
    if spec.kind == playlists.CHANGES:
        found = changes_core.changes(snapshot, scope)
        return ChangesSlide(scope, found, _movers(snapshot, found) if scope.is_national else None)
    raise ValueError(f"no slide kind {spec.kind!r}")


def _movers(snapshot: Snapshot, found: list[changes_core.Change]) -> changes_core.Movers | None:
    """The provinces that moved most over the week, on the province-judged target whose national value
    moved most (the one a control room would ask about first)."""
    judged = {i.code for i in registry.INDICATORS if i.provincially_judged}
    moved = [c for c in found if c.code in judged and c.delta_week]
    if not moved:
        return None
    code = max(moved, key=lambda c: (abs(c.delta_week or 0.0), c.code)).code
    return changes_core.movers(snapshot, code, "province", limit=5)
