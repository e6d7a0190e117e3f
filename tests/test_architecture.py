"""The house rules that keep the next changes safe: one selection, one memo, one per-province computation.

Import rules (who may import whom) are import-linter contracts in pyproject.toml, checked by the
test command; these tests check the behaviour those rules protect.
"""

from __future__ import annotations

import dataclasses
import re
import threading
from pathlib import Path

import pytest

from geo import provinces as geo
from ioc_app import memo
from ioc_app.indicators import registry
from ioc_app.indicators.scopes import Scope
from ioc_app.provincial import INFO_MODE, NATIONAL_MODE, STATUS_MODE, mode_of
from ioc_app.selection import Selection, normalise_selection

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [p for d in ("ioc_app", "callbacks", "layouts", "data_sources", "geo") for p in (ROOT / d).rglob("*.py")]


# --- the selection and its transitions ---------------------------------------------------------------


def test_a_legacy_province_becomes_its_current_unit() -> None:
    sel = Selection.from_store({"level": "63", "province": "26", "type": "college"})  # Vĩnh Phúc
    assert sel.with_level("34") == Selection("34", "25", "college", None)  # now part of Phú Thọ


def test_an_unmerged_current_unit_becomes_its_legacy_province_and_a_merged_one_the_nation() -> None:
    unmerged = next(p for p in geo.provinces() if len(p.merged_from) == 1)
    merged = next(p for p in geo.provinces() if len(p.merged_from) > 1)
    assert Selection("34", unmerged.code).with_level("63").province == unmerged.merged_from[0]
    assert Selection("34", merged.code, "centre", "public").with_level("63") == Selection(
        "63", None, "centre", "public"
    )


def test_switching_to_the_same_level_changes_nothing_and_unknown_levels_mean_34() -> None:
    sel = Selection("63", "26")
    assert sel.with_level("63") is sel
    assert Selection.from_store({"level": "100", "province": "79"}) == Selection("34", "79")
    assert Selection("63", "26").with_level("nonsense") == Selection("34", "25")


@pytest.mark.parametrize(
    "data",
    [
        None,
        [],
        "34",
        {"level": ["34"]},
        {"province": {"a": 1}},
        {"level": "34", "province": "99"},
        {"type": "castle", "ownership": 3},
    ],
)
def test_anything_unknown_in_the_store_is_dropped(data: object) -> None:
    sel = Selection.from_store(data)
    assert sel.province is None and sel.inst_type is None and sel.ownership is None
    assert normalise_selection(data) == sel.to_store()


def test_filters_come_from_the_schema_and_the_scope_follows_the_level() -> None:
    sel = Selection().with_filters("college", "foreign").with_province("79")
    assert sel.scope == Scope(province34="79", inst_type="college", ownership="foreign")
    assert sel.with_province("77", "63").scope == Scope(province63="77", inst_type="college", ownership="foreign")
    assert Selection().with_filters("", None).filters == (None, None)
    assert Selection.from_store(sel.to_store()) == sel


# --- the registry declares what a province shows ---------------------------------------------------


def test_every_province_series_is_declared_and_provincial() -> None:
    modes = {ind.code: mode_of(ind) for ind in registry.INDICATORS}
    assert modes["T05"] == modes["T07"] == NATIONAL_MODE
    assert modes["T10"] == INFO_MODE and registry.get("T10").provincial.key == "map_completeness"
    assert [c for c, m in modes.items() if m == STATUS_MODE] == [
        "T01",
        "T02",
        "T03",
        "T04",
        "T06",
        "T08",
        "T09",
        "T11",
        "T12",
    ]
    for ind in registry.INDICATORS:
        if ind.provincial is not None:
            assert not ind.provincial.national_only, ind.code


# --- one memo facility -------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class _Run:
    id: int


@dataclasses.dataclass(frozen=True)
class _Snap:
    run: _Run


def test_a_memo_keeps_one_snapshot_bounded_and_recently_used() -> None:
    m = memo.SnapshotMemo("test", size=2)
    calls: list[int] = []

    def compute(n: int):
        return lambda: calls.append(n) or n

    first, second = _Snap(_Run(1)), _Snap(_Run(2))
    assert m.get(first, "a", compute(1)) == 1
    assert m.get(first, "a", compute(2)) == 1
    m.get(first, "b", compute(3))
    m.get(first, "a", compute(4))  # "a" is now the most recent
    m.get(first, "c", compute(5))  # so "b" goes
    assert m.get(first, "a", compute(6)) == 1 and m.get(first, "b", compute(7)) == 7
    assert m.get(second, "a", compute(8)) == 8 and len(m) == 1  # a new snapshot starts afresh
    assert calls == [1, 3, 5, 7, 8]


def test_per_snapshot_is_thread_safe_and_clearable() -> None:
    calls: list[int] = []

    @memo.per_snapshot(size=8)
    def square(snapshot: _Snap, n: int) -> int:
        calls.append(n)
        return n * n

    snap = _Snap(_Run(5))
    threads = [threading.Thread(target=lambda: [square(snap, i % 4) for i in range(200)]) for _ in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert [square(snap, i) for i in range(4)] == [0, 1, 4, 9]
    assert len(set(calls)) == 4 and len(calls) <= 4 * 8  # each value computed once per racing thread at most
    memo.clear_all()
    square(snap, 1)
    assert calls[-1] == 1


# --- one place for each job --------------------------------------------------------------------------


def _files_matching(pattern: str) -> set[str]:
    rx = re.compile(pattern, re.MULTILINE)
    return {str(p.relative_to(ROOT)) for p in SOURCES if rx.search(p.read_text(encoding="utf-8"))}


def test_one_per_province_computation() -> None:
    # Summing snapshot cells per unit happens in one module of the app. The indicator engine uses these
    # numpy primitives to count the VET database's records into the cells a snapshot stores, as the demo
    # generator and the boundary builder do on their own data: none of them reads a snapshot.
    app = {
        f
        for f in _files_matching(r"np\.bincount|np\.add\.at|np\.unique\(")
        if f.split("/")[0] in ("ioc_app", "callbacks", "layouts")
    }
    assert app == {"ioc_app/provincial.py", "ioc_app/indicators/engine.py", "ioc_app/indicators/spell_counts.py"}
    for counting in ("ioc_app/indicators/engine.py", "ioc_app/indicators/spell_counts.py"):
        source = (ROOT / counting).read_text(encoding="utf-8")
        assert "import snapshots" not in source and "ioc_app.snapshots" not in source


def test_one_memo_facility() -> None:
    assert _files_matching(r"OrderedDict") == {"ioc_app/memo.py"}
    assert _files_matching(r"class \w*Memo\b") == {"ioc_app/memo.py"}


def test_no_text_table_is_changed_at_import_time() -> None:
    assert not _files_matching(r"^\s*add_texts\(|_TEXTS\.update\(")


def test_only_migrations_change_the_ioc_store_schema() -> None:
    # The IOC store holds data that cannot be recomputed: its tables come from ioc_app/migrations only
    # (the VET database's demo builder creates its own schema in data_sources/).
    assert _files_matching(r"create_all\(|drop_all\(") == {"data_sources/vet_db.py", "ioc_app/migrations/__init__.py"}
