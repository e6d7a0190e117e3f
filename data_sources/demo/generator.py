"""Deterministic demo data for the VET management database.

``generate(engine, scale=..., seed=..., data_date=...)`` builds a plausible VET system: the
institution network over the 63 legacy / 34 current provinces, staff with hires, departures and
digital-skills trainings, training programmes from the occupation catalogue, learners enrolled
since 2021 with digitised records and diplomas, inspections, periodic reports, the authority's
online public services and the programme's national milestones.

Every "adoption" date (trained on, connected on, digitised on, ...) is drawn from a logistic
S-curve in time after Decision 2222 (30/12/2021) whose midpoint shifts with the province's
digital readiness, the institution's type and ownership and a per-institution random effect, so
provinces and institution groups differ and the national values land near the published
situation (see :mod:`.calibration`). The world is generated up to ``data_date``: nothing
happens after it.

The parts live beside this module: :mod:`.institutions` (with :mod:`.naming`), :mod:`.people`,
:mod:`.programmes`, :mod:`.learners` and :mod:`.activity`, sharing a :class:`.context.Context`.
Generation is vectorised numpy; rows go to the database through :mod:`.bulk` (executemany on
SQLite, COPY on PostgreSQL) in one transaction. Same (scale, seed, data_date) -> same rows.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from tqdm import tqdm

from data_sources import vet_db
from data_sources.schema import (
    DataInfo,
    Inspection,
    Institution,
    Learner,
    Milestone,
    ProfileUpdate,
    Programme,
    PublicService,
    Report,
    Staff,
    StaffTraining,
    VetBase,
)
from geo import provinces as geo_provinces

from .activity import (
    build_inspections,
    build_milestones,
    build_profile_updates,
    build_public_services,
    build_reports,
)
from .bulk import BulkWriter, Column, indexes_deferred
from .calibration import EARLIEST_DATA_DATE, RNG_STREAMS, SCALE_PLANS, SCALES
from .context import Context, build_provinces
from .institutions import PointsInProvince, build_institutions
from .learners import build_learners
from .people import build_staff, build_trainings
from .programmes import build_programmes
from .timeline import day


@dataclass(frozen=True)
class DemoReport:
    """What :func:`generate` built."""

    scale: str
    seed: int
    data_date: dt.date
    counts: dict[str, int]  # table -> rows
    seconds: float


def _default_points_in_province() -> PointsInProvince:
    from geo.boundaries import points_in_province

    return points_in_province


def _validate(scale: str, seed: int, data_date: dt.date | None) -> dt.date:
    if scale not in SCALES:
        raise ValueError(f"unknown demo scale {scale!r}; expected one of: {', '.join(SCALES)}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    if seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed}")
    if data_date is None:
        data_date = dt.date.today()
    if isinstance(data_date, dt.datetime):
        data_date = data_date.date()
    if not isinstance(data_date, dt.date):
        raise ValueError(f"data_date must be a date, got {data_date!r}")
    if data_date < EARLIEST_DATA_DATE:
        raise ValueError(f"data_date must be on or after {EARLIEST_DATA_DATE.isoformat()}, got {data_date.isoformat()}")
    return data_date


def generate(
    engine: Engine,
    *,
    scale: str = "national",
    seed: int = 2222,
    data_date: dt.date | None = None,
    progress: bool = True,
) -> DemoReport:
    """Create the schema, load provinces and fill an empty VET database with demo data.

    Deterministic: the same (scale, seed, data_date) gives the same rows. No event is dated
    after ``data_date`` (default: today). Records ``data_date``, ``scale``, ``seed`` and
    ``generated_at`` in ``data_info``. Raises ValueError for an unknown scale or a negative seed.
    """
    data_date = _validate(scale, seed, data_date)
    started = time.perf_counter()
    sc = SCALE_PLANS[scale]
    streams = np.random.SeedSequence(int(seed)).spawn(len(RNG_STREAMS))
    rngs = {name: np.random.default_rng(s) for name, s in zip(RNG_STREAMS, streams, strict=True)}
    ctx = Context(sc, int(seed), data_date, day(data_date), rngs, build_provinces(sc, rngs["provinces"]))
    points_in_province = _default_points_in_province()

    counts: dict[str, int] = {}
    estimate = {"national": 3_250_000, "full": 14_500_000}.get(scale, 25_000)  # rows, for the progress bar
    bar = tqdm(
        total=estimate,
        unit="row",
        unit_scale=True,
        desc="demo",
        file=sys.stderr,
        disable=not progress,
        dynamic_ncols=True,
        leave=True,
    )
    try:
        bar.set_description_str("demo: schema")
        vet_db.create_schema(engine)
        with engine.connect() as conn:
            sqlite = conn.dialect.name == "sqlite"
            if sqlite:  # before the transaction starts; restored below
                conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
                conn.exec_driver_sql("PRAGMA cache_size=-262144")
                conn.commit()
            try:
                with conn.begin(), indexes_deferred(conn, list(VetBase.metadata.sorted_tables)):
                    with Session(bind=conn) as session:
                        vet_db.load_provinces(session)
                        session.flush()
                    counts["province"] = len(geo_provinces.provinces())
                    counts["province_legacy"] = len(geo_provinces.legacy_provinces())
                    writer = BulkWriter(conn, on_rows=bar.update)

                    def write(model: type[VetBase], columns: Mapping[str, Column]) -> None:
                        bar.set_description_str(f"demo: {model.__tablename__}")
                        counts[model.__tablename__] = writer.insert(
                            VetBase.metadata.tables[model.__tablename__], columns
                        )

                    bar.set_description_str("demo: institution")
                    inst = build_institutions(ctx, points_in_province)
                    write(Institution, inst.columns)
                    write(ProfileUpdate, build_profile_updates(ctx, inst))
                    bar.set_description_str("demo: staff")
                    staff = build_staff(ctx, inst)
                    write(Staff, staff.columns)
                    write(StaffTraining, build_trainings(ctx, inst, staff))
                    del staff
                    bar.set_description_str("demo: programme")
                    prog = build_programmes(ctx, inst)
                    write(Programme, prog.columns)
                    bar.set_description_str("demo: learner")
                    write(Learner, build_learners(ctx, inst, prog))
                    write(Inspection, build_inspections(ctx, inst))
                    write(Report, build_reports(ctx, inst))
                    write(PublicService, build_public_services(ctx))
                    write(Milestone, build_milestones(ctx))
                    info = {
                        "data_date": data_date.isoformat(),
                        "scale": scale,
                        "seed": str(int(seed)),
                        "generated_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
                    }
                    write(DataInfo, {"key": list(info), "value": list(info.values())})
            finally:
                if sqlite:
                    conn.exec_driver_sql("PRAGMA foreign_keys=ON")
                    conn.exec_driver_sql("PRAGMA cache_size=-2000")
                    conn.commit()
        bar.total = bar.n
        bar.set_description_str("demo: done")
        bar.refresh()
    finally:
        bar.close()
    return DemoReport(scale, int(seed), data_date, counts, time.perf_counter() - started)


__all__ = ["SCALES", "DemoReport", "generate"]
