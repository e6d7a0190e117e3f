"""The VET schema round-trips on SQLite and PostgreSQL; the province tables match the official lists."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data_sources import vet_db
from data_sources.engine import make_engine
from data_sources.schema import (
    Institution,
    InstitutionType,
    LegacyProvince,
    Ownership,
    Province,
    Staff,
    StaffRole,
    StaffTraining,
    TrainingKind,
)

SHARED_GEO = Path(__file__).resolve().parents[2] / "shared" / "geo"
PROJECT_GEO = Path(__file__).resolve().parents[1] / "geo" / "data"


def _official(name: str) -> list[dict[str, str]]:
    # Prefer the shared reference copy when it is beside the project; the project's own otherwise.
    path = SHARED_GEO / name if (SHARED_GEO / name).exists() else PROJECT_GEO / name
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _round_trip(url: str) -> None:
    engine = make_engine(url)
    vet_db.create_schema(engine)
    with Session(engine) as s:
        vet_db.load_provinces(s)
        inst = Institution(
            code="CD0101001",
            name="Trường Cao đẳng Kỹ thuật Công nghệ Hà Nội",
            type=InstitutionType.COLLEGE,
            ownership=Ownership.PUBLIC,
            province_code="01",
            legacy_province_code="01",
            latitude=21.03,
            longitude=105.85,
            established_on=dt.date(2005, 9, 1),
            high_quality_on=dt.date(2023, 6, 1),
            platform_connected_on=dt.date(2024, 3, 15),
        )
        s.add(inst)
        s.flush()
        staff = Staff(
            institution_id=inst.id,
            personal_id="001085012345",
            full_name="Nguyễn Thị Hồng Nhung",
            role=StaffRole.TEACHER,
            hired_on=dt.date(2015, 8, 1),
        )
        s.add(staff)
        s.flush()
        s.add(StaffTraining(staff_id=staff.id, kind=TrainingKind.DIGITAL_CAPACITY, completed_on=dt.date(2023, 5, 2)))
        s.commit()
    with Session(engine) as s:
        got = s.scalars(select(Institution)).one()
        assert got.name == "Trường Cao đẳng Kỹ thuật Công nghệ Hà Nội"
        assert got.type is InstitutionType.COLLEGE and got.ownership is Ownership.PUBLIC
        assert got.platform_connected_on == dt.date(2024, 3, 15)
        assert got.is_high_quality and got.digital_school_on is None
        assert s.scalars(select(Staff)).one().full_name == "Nguyễn Thị Hồng Nhung"
        assert s.scalar(select(func.count()).select_from(LegacyProvince)) == 63
        assert s.scalar(select(func.count()).select_from(Province)) == 34
    assert vet_db.has_data(engine)
    engine.dispose()


def test_schema_round_trips_on_sqlite(sqlite_url: str) -> None:
    _round_trip(sqlite_url)


def test_schema_round_trips_on_postgresql(pg_url: str) -> None:
    _round_trip(pg_url)


def test_province_tables_match_official_lists(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    vet_db.create_schema(engine)
    with Session(engine) as s:
        vet_db.load_provinces(s)
        s.commit()
        legacy = {p.code: (p.name, p.province_code) for p in s.scalars(select(LegacyProvince))}
        current = {p.code: p.name for p in s.scalars(select(Province))}
    assert legacy == {r["code63"]: (r["name"], r["code34"]) for r in _official("provinces_63.csv")}
    assert current == {r["code34"]: r["name"] for r in _official("provinces_34.csv")}
    assert len(legacy) == 63 and len(current) == 34
    # Every current unit is exactly the union of the legacy units mapped to it.
    for row in _official("provinces_34.csv"):
        merged = sorted(code for code, (_, new) in legacy.items() if new == row["code34"])
        assert merged == sorted(row["merged_from_code63"].split())
    # Names keep their diacritics.
    assert current["46"] == "Huế" and legacy["77"][0] == "Bà Rịa - Vũng Tàu" and current["66"] == "Đắk Lắk"


def test_has_data_is_false_on_an_empty_database(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    assert not vet_db.has_data(engine)
    vet_db.create_schema(engine)
    assert not vet_db.has_data(engine)
