"""A target's page is drawn once per snapshot and reader's view, and never served to another scope."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from callbacks import targets
from callbacks.page import PageContext
from data_sources.engine import make_engine
from ioc_app import access, snapshots
from ioc_app.identity import CENTRAL, PROVINCE, Identity, set_identity
from ioc_app.indicators import registry
from ioc_app.indicators.scopes import NATIONAL, Scope
from ioc_app.services import Services
from ioc_app.settings import Settings
from ioc_app.target_data import province_ranking
from layouts import targets as layout
from tests import tiny_vet_db
from tests.independent_sql import count
from tests.test_overview import find, texts
from tests.test_targets import _state, _tables

SERIES = registry.get("T01").headline_series.key


def _two_provinces(snap: snapshots.Snapshot) -> tuple[str, str]:
    """Two of the 34 units with T01 figures (some of the small demo's have no institutions)."""
    a, b = province_ranking(snap, registry.get("T01"), NATIONAL, "34").table["code"][:2]
    return str(a), str(b)


def _body_as(services: Services, snap: snapshots.Snapshot, identity: Identity, selection: dict[str, Any]) -> Any:
    """The T01 page's body after a new selection, for ``identity`` signed in on a request of its own."""
    with Flask(__name__).test_request_context("/"):
        set_identity(identity)
        return targets.update_target(services, _state(snap), selection, "T01", "vi")


def _page_as(services: Services, identity: Identity, selection: dict[str, Any] | None = None) -> Any:
    """The T01 page as the router draws it (its first paint), for ``identity``."""
    with Flask(__name__).test_request_context("/"):
        set_identity(identity)
        extra = {"selection": selection} if selection is not None else {}
        return targets.render(PageContext(services=services, lang="vi", args=["T01"], **extra))


def _expected(services: Services, snap: snapshots.Snapshot, province: str | None) -> tuple[str, str]:
    """T01's value and numerator/denominator in a province (None: the nation), counted by plain SQL."""
    codes = Scope(province34=province).legacy_codes() if province else None
    num, den = count(services.vet_engine, SERIES, snap.run.data_date, sorted(codes) if codes is not None else None)
    return layout.fmt_percent(num / den, "vi"), f"{layout.fmt_number(num, 'vi')} / {layout.fmt_number(den, 'vi')}"


def _shown(body: Any) -> tuple[str, str]:
    value = find(body, "target-value").children
    return value, texts(body)[texts(body).index(value) + 1]


def _ranked(body: Any) -> list[str]:
    """The units named in the ranking's table."""
    _trajectory, ranking, *_ = _tables(body)
    return [row[1] for row in ranking[1:]]


def test_the_target_page_is_kept_per_reader_and_never_served_to_another_scope(
    services: Services, snap: snapshots.Snapshot
) -> None:
    a, b = _two_provinces(snap)
    central = Identity("tw", CENTRAL)
    reader_a, reader_b = Identity("a", PROVINCE, province=a), Identity("b", PROVINCE, province=b)
    nation = {"level": "34", "province": None}
    nation_body, a_body, b_body = (_body_as(services, snap, who, nation) for who in (central, reader_a, reader_b))
    assert _body_as(services, snap, central, nation) is nation_body  # from the memo
    assert _body_as(services, snap, reader_a, nation) is a_body
    assert len({id(nation_body), id(a_body), id(b_body)}) == 3
    # Each shows its reader's own figures, counted independently in the VET database.
    for body, code in ((nation_body, None), (a_body, a), (b_body, b)):
        assert _shown(body) == _expected(services, snap, code)
    # The same selection (province a) for a central user and for a's own user: the same figures, but only
    # the central user's ranking names every province; a's user sees a alone.
    of_a = {"level": "34", "province": a}
    central_a, own_a = _body_as(services, snap, central, of_a), _body_as(services, snap, reader_a, of_a)
    assert central_a is not own_a and _shown(central_a) == _shown(own_a) == _expected(services, snap, a)
    assert len(_ranked(central_a)) > 1 and len(_ranked(own_a)) == 1
    # A province user asking for another province is refused, though that page is in the memo.
    _body_as(services, snap, central, {"level": "34", "province": b})
    with pytest.raises(access.Forbidden):
        _body_as(services, snap, reader_a, {"level": "34", "province": b})
    with pytest.raises(access.Forbidden):
        _page_as(services, reader_a, {"level": "34", "province": b})


def test_the_router_s_target_page_is_kept_per_reader(services: Services, snap: snapshots.Snapshot) -> None:
    a, _ = _two_provinces(snap)
    central, reader_a = Identity("tw", CENTRAL), Identity("a", PROVINCE, province=a)
    nation_page, a_page = _page_as(services, central), _page_as(services, reader_a)
    assert _page_as(services, central) is nation_page and _page_as(services, reader_a) is a_page
    assert _shown(nation_page) == _expected(services, snap, None) and _shown(a_page) == _expected(services, snap, a)
    assert len(_ranked(nation_page)) > 1 and len(_ranked(a_page)) == 1


def test_a_new_snapshot_draws_a_new_target_page(test_settings: Settings) -> None:
    from sqlalchemy.orm import Session

    from data_sources.schema import StaffTraining, TrainingKind

    writer = make_engine(test_settings.vet_database_url)
    tiny_vet_db.build(writer)
    svc = Services.from_settings(test_settings)
    snapshots.refresh(svc.vet_engine, svc.ioc_engine)
    first_snap = snapshots.current(svc.ioc_engine)
    first = _body_as(svc, first_snap, Identity("tw", CENTRAL), {"level": "34"})
    assert _body_as(svc, first_snap, Identity("tw", CENTRAL), {"level": "34"}) is first
    with Session(writer) as s:  # the never-trained teacher S4 completes a course
        s.add(StaffTraining(staff_id=4, kind=TrainingKind.DIGITAL_CAPACITY, completed_on=tiny_vet_db.D(2026, 1, 5)))
        s.commit()
    snapshots.refresh(svc.vet_engine, svc.ioc_engine)
    second_snap = snapshots.current(svc.ioc_engine)
    second = _body_as(svc, second_snap, Identity("tw", CENTRAL), {"level": "34"})
    assert second is not first
    assert _shown(second) == _expected(svc, second_snap, None) != _shown(first)
    svc.dispose()
    writer.dispose()
