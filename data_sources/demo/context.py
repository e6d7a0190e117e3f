"""What every part of the generator shares.

The scale, the data date (as a day-number horizon), one random stream per part so that each part
draws the same numbers whatever the others do, and the provinces with their digital readiness.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from geo import provinces as geo_provinces

from . import reference as ref
from .calibration import CAL, Scale


@dataclass
class Provinces:
    codes: list[str]  # 63 legacy codes, GSO order
    code34: np.ndarray  # object array of current codes
    names: list[str]
    kinds: list[str]
    region: np.ndarray  # object array of region keys
    pop: np.ndarray
    readiness: np.ndarray  # base + noise
    base_readiness: np.ndarray
    used: np.ndarray  # indices of provinces that host institutions at this scale

    @property
    def effect(self) -> np.ndarray:
        """Years earlier (negative) that a province adopts, from its readiness."""
        return -CAL["prov_gamma"] * self.readiness


@dataclass
class Context:
    scale: Scale
    seed: int
    data_date: dt.date
    horizon: float
    rng: dict[str, np.random.Generator]
    prov: Provinces

    def censor(self, x: np.ndarray) -> np.ndarray:
        """Dates after the data date have not happened yet."""
        x = np.asarray(x, dtype=np.float64)
        return np.where(x > self.horizon, np.nan, x)


def build_provinces(scale: Scale, rng: np.random.Generator) -> Provinces:
    legacy = geo_provinces.legacy_provinces()
    codes = [p.code for p in legacy]
    base = np.array([ref.READINESS.get(c, 0.0) for c in codes])
    noise = rng.normal(0.0, CAL["prov_noise"], len(codes))
    used = (
        np.arange(len(codes)) if scale.provinces is None else np.array(sorted(codes.index(c) for c in scale.provinces))
    )
    return Provinces(
        codes=codes,
        code34=np.array([p.code34 for p in legacy], dtype=object),
        names=[p.name for p in legacy],
        kinds=[p.kind for p in legacy],
        region=np.array([ref.REGION_OF[c] for c in codes], dtype=object),
        pop=np.array([ref.POPULATION[c] for c in codes]),
        readiness=base + noise,
        base_readiness=base,
        used=used,
    )


def concat(parts: list[np.ndarray], dtype: npt.DTypeLike) -> np.ndarray:
    return np.concatenate(parts).astype(dtype, copy=False) if parts else np.empty(0, dtype=dtype)
