"""What a target's page (/targets/T01 ...) shows to one reader, drawn once per snapshot and reader's view.

A target page is the same for every reader who may read the same part of the country with the same
selection, language and freshness: it is drawn by the page's own layout function the first time and
then served from a per-snapshot memo, like the overview's first paint (``ioc_app.overview``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from ioc_app import access, planner, snapshots
from ioc_app.indicators.registry import Indicator
from ioc_app.indicators.scopes import Scope
from ioc_app.memo import SnapshotMemo
from ioc_app.overview import Freshness, freshness_of
from ioc_app.planner import Plan
from ioc_app.selection import Selection
from ioc_app.services import Services
from ioc_app.situation import TargetSituation, target_situation
from ioc_app.target_data import TargetData, target_data


@dataclass(frozen=True)
class TargetPage:
    """Everything a target page shows to one reader: what a page builder is given."""

    indicator: Indicator
    selection: Selection  # as this reader may read it (a province user's nation is their province)
    scope: Scope  # the selection's scope (the figures are read in the part of it the reader may read)
    fresh: Freshness
    lang: str
    only: frozenset[str] | None = None  # the units whose figures the reader may see (None: all of them)
    data: TargetData | None = None  # None: no snapshot yet
    situation: TargetSituation | None = None
    plan: Plan | None = None

    @property
    def highlight(self) -> str | None:
        """The province the selection names: marked in the ranking."""
        return self.selection.province


T = TypeVar("T")

# A target page's body is ~0.3 MB of components: 32 of them bound the memo to ~10 MB a worker.
_pages = SnapshotMemo("target pages", size=32)


def target_page(
    services: Services,
    indicator: Indicator,
    selection: Selection,
    lang: str,
    build: Callable[[TargetPage], T],
    state: dict[str, Any] | None = None,
) -> T:
    """The target's page (or body) for this reader, drawn by ``build`` (a pure function of what it is
    given) once per snapshot and then served from the per-snapshot memo.

    The memo's key is every value ``build`` is given that is not read from the snapshot: the target, the
    reader's readable scope, visible units and national view (from the server-side identity, checked on
    every call before the memo is asked, so a refusal is refused again and one reader never gets
    another's page), the selection, the language and the freshness (``state``: the shell's snapshot
    store, else read). ``build`` is part of the key too: pass one module-level function.
    """
    view = access.reader_view(selection)  # Forbidden for a province this reader may not read
    sel, only = view.selection, view.only
    fresh = freshness_of(services, state)
    snap = snapshots.current(services.ioc_engine)
    if snap is None:
        return build(TargetPage(indicator, sel, sel.scope, fresh, lang, only))
    key: tuple[Any, ...] = (build, indicator.code, view, fresh, lang)

    def draw() -> T:
        data = target_data(snap, indicator, sel.scope, sel.level, lang, services.settings)
        situation = target_situation(snap, indicator, sel.scope, sel.level)
        plan = planner.plan(snap, indicator, sel.scope, sel.level)
        return build(TargetPage(indicator, sel, sel.scope, fresh, lang, only, data, situation, plan))

    return _pages.get(snap, key, draw)
