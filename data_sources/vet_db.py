"""Creating the VET database schema and its reference tables (provinces)."""

from __future__ import annotations

from sqlalchemy import Engine, delete, func, inspect, select
from sqlalchemy.orm import Session

from data_sources.schema import DataInfo, Institution, LegacyProvince, Province, VetBase
from geo import provinces as geo_provinces


def create_schema(engine: Engine) -> None:
    VetBase.metadata.create_all(engine)


def drop_schema(engine: Engine) -> None:
    VetBase.metadata.drop_all(engine)


def has_data(engine: Engine) -> bool:
    """True when the database holds at least one institution."""
    if not inspect(engine).has_table(Institution.__tablename__):
        return False
    with Session(engine) as s:
        return (s.scalar(select(func.count()).select_from(Institution)) or 0) > 0


def missing_columns(engine: Engine) -> list[str]:
    """Columns of the schema the database lacks ("table.column"): a database built by an older release."""
    insp = inspect(engine)
    missing = []
    for table in VetBase.metadata.sorted_tables:
        if not insp.has_table(table.name):
            missing.append(f"{table.name}.*")
            continue
        present = {c["name"] for c in insp.get_columns(table.name)}
        missing += [f"{table.name}.{c.name}" for c in table.columns if c.name not in present]
    return missing


def is_demo(engine: Engine) -> bool:
    """Whether the database was built by the demo generator (it records its scale and seed)."""
    info = data_info(engine)
    return "scale" in info and "seed" in info


def load_provinces(session: Session) -> None:
    """(Re)load the 34 current and 63 legacy units from the code tables in geo/."""
    session.execute(delete(LegacyProvince))
    session.execute(delete(Province))
    session.flush()
    session.add_all(
        Province(
            code=p.code,
            name=p.name,
            kind=p.kind,
            admin_centre=p.admin_centre,
            official_area_km2=p.official_area_km2,
        )
        for p in geo_provinces.provinces()
    )
    session.flush()
    session.add_all(
        LegacyProvince(
            code=p.code,
            name=p.name,
            kind=p.kind,
            iso_3166_2=p.iso_3166_2,
            capital_lat=p.capital_lat,
            capital_lon=p.capital_lon,
            province_code=p.code34,
        )
        for p in geo_provinces.legacy_provinces()
    )
    session.flush()


def data_info(engine: Engine) -> dict[str, str]:
    with Session(engine) as s:
        return {row.key: row.value for row in s.scalars(select(DataInfo))}
