"""Date arithmetic on numpy day numbers for the demo generator.

Dates are float64 "day numbers" (days since 1970-01-01, whole numbers) while generating, with
NaN for "no date"; comparisons with NaN are False, which is what "not (yet) happened" needs.
They become ``datetime64[D]`` (NaT for NaN) only when written.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import numpy.typing as npt

YEAR = 365.25
_EPOCH = dt.date(1970, 1, 1)


def day(d: dt.date | str) -> float:
    """Day number of a date (or an ISO date string)."""
    if isinstance(d, str):
        d = dt.date.fromisoformat(d)
    return float((d - _EPOCH).days)


def to_date(x: float) -> dt.date:
    return _EPOCH + dt.timedelta(days=int(x))


DECISION = day("2021-12-30")  # Decision 2222/QĐ-TTg


def years_after_decision(x: float | np.ndarray) -> float | np.ndarray:
    return (np.asarray(x) - DECISION) / YEAR


def to_datetime64(x: np.ndarray) -> np.ndarray:
    """Float day numbers (NaN = null) -> ``datetime64[D]`` (NaT = null)."""
    x = np.asarray(x, dtype=np.float64)
    nan = np.isnan(x)
    days = np.floor(np.where(nan, 0.0, x)).astype(np.int64)
    days[nan] = np.iinfo(np.int64).min  # NaT
    return days.view("datetime64[D]")


def uniform_days(rng: np.random.Generator, lo: np.ndarray | float, hi: np.ndarray | float, n: int) -> np.ndarray:
    """Whole days uniformly in [lo, hi] (element-wise bounds allowed)."""
    lo_days = np.broadcast_to(np.asarray(lo, dtype=np.float64), (n,))
    hi_days = np.broadcast_to(np.asarray(hi, dtype=np.float64), (n,))
    return np.floor(lo_days + rng.random(n) * (np.maximum(hi_days, lo_days) - lo_days + 1.0))


def expit(x: np.ndarray | float) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(np.asarray(x, dtype=np.float64), -60.0, 60.0)))


def stratified_uniform(rng: np.random.Generator, shape: int | tuple[int, ...], block: int | None = None) -> np.ndarray:
    """Uniform(0, 1) draws, one per stratum, in random order.

    Each value is uniform on its own, but together the n values (or, with ``block``, every run
    of ``block`` consecutive values) cover [0, 1) evenly, so aggregate shares (how many adopted
    by a date, how many of the inspections in a 12-month window were digital) vary far less
    between seeds than with independent draws. Use ``block`` on rows sorted by date.
    """
    n = int(np.prod(shape))
    if n == 0:
        return np.zeros(shape)
    if block is None or block >= n:
        return ((rng.permutation(n) + rng.random(n)) / n).reshape(shape)
    b = np.arange(n) // block
    order = np.argsort(b + rng.random(n), kind="stable")  # a random order inside each block
    starts = np.flatnonzero(np.r_[True, b[1:] != b[:-1]])
    sizes = np.diff(np.r_[starts, n])
    rank = np.arange(n) - np.repeat(starts, sizes)
    u = np.empty(n)
    u[order] = (rank + rng.random(n)) / np.repeat(sizes, sizes)
    return u.reshape(shape)


def logistic_days(
    rng: np.random.Generator,
    mu_years: np.ndarray,
    scale_years: float,
    start: float,
) -> np.ndarray:
    """Adoption dates from a logistic S-curve in time, truncated to begin at ``start``.

    ``mu_years`` (one per entity) is the midpoint in years after the decision; the share of
    entities adopted by time t is the logistic CDF at t (rescaled to be 0 at ``start``).
    """
    mu = DECISION + np.asarray(mu_years, dtype=np.float64) * YEAR
    s = scale_years * YEAR
    f0 = expit((start - mu) / s)
    u = f0 + stratified_uniform(rng, mu.shape) * (1.0 - f0)
    u = np.clip(u, 1e-12, 1.0 - 1e-12)
    return np.floor(mu + s * np.log(u / (1.0 - u)))


def slowed_after(days: np.ndarray, start: float, factor: float) -> np.ndarray:
    """Stretch time after ``start`` by ``factor`` (> 1 = slower), e.g. when a funding phase ends."""
    days = np.asarray(days, dtype=np.float64)
    if factor == 1.0:
        return days
    return np.where(days > start, np.floor(start + (days - start) * factor), days)


def seasonal(days: np.ndarray, month_weights: np.ndarray) -> np.ndarray:
    """Re-time events within their calendar year so months follow ``month_weights``.

    A monotone warp of the position within the year: yearly totals (the S-curve) stay, the
    within-year rhythm (e.g. more trainings in the second half) follows the weights.
    """
    days = np.asarray(days, dtype=np.float64)
    out = days.copy()
    ok = ~np.isnan(days)
    if not ok.any():
        return out
    d = days[ok].astype(np.int64).astype("datetime64[D]")
    y0 = d.astype("datetime64[Y]")
    start = y0.astype("datetime64[D]").astype(np.int64).astype(np.float64)
    end = (y0 + 1).astype("datetime64[D]").astype(np.int64).astype(np.float64)
    f = (days[ok] - start) / (end - start)
    w = np.asarray(month_weights, dtype=np.float64)
    cum = np.concatenate([[0.0], np.cumsum(w) / w.sum()])
    f2 = np.interp(f, cum, np.linspace(0.0, 1.0, 13))
    out[ok] = np.floor(start + f2 * (end - start))
    return out


class WaveSchedule:
    """Course completion dates per group (province): events snap to the next course end."""

    _BIG = 1_000_000.0

    def __init__(self, group_days: list[np.ndarray]) -> None:
        keys = [g * self._BIG + np.sort(np.asarray(d, dtype=np.float64)) for g, d in enumerate(group_days)]
        self.keys = np.concatenate(keys) if keys else np.empty(0)

    def snap(self, days: np.ndarray, group: np.ndarray) -> np.ndarray:
        """The first course end on or after each day in its group; unchanged past the last one."""
        days = np.asarray(days, dtype=np.float64)
        out = days.copy()
        ok = ~np.isnan(days)
        k = group[ok] * self._BIG + days[ok]
        pos = np.searchsorted(self.keys, k, side="left")
        pos_c = np.minimum(pos, len(self.keys) - 1)
        hit = (pos < len(self.keys)) & (np.floor(self.keys[pos_c] / self._BIG) == group[ok])
        snapped = np.where(hit, self.keys[pos_c] - group[ok] * self._BIG, days[ok])
        out[ok] = snapped
        return out


_CAL_Y0 = 1900
_MONTH_START = (
    np.arange(np.datetime64(f"{_CAL_Y0}-01"), np.datetime64("2101-01"), dtype="datetime64[M]")
    .astype("datetime64[D]")
    .astype(np.int64)
    .astype(np.float64)
)


def month_day_sampler(rng: np.random.Generator, years: np.ndarray, month_weights: np.ndarray) -> np.ndarray:
    """A day number in each given year, months drawn from ``month_weights``, day uniform."""
    n = len(years)
    w = np.asarray(month_weights, dtype=np.float64)
    months: npt.NDArray[np.int64] = rng.choice(12, size=n, p=w / w.sum())
    idx = (np.asarray(years, dtype=np.int64) - _CAL_Y0) * 12 + months
    start: npt.NDArray[np.float64] = _MONTH_START[idx]
    length: npt.NDArray[np.float64] = _MONTH_START[idx + 1] - start
    return np.floor(start + rng.random(n) * length)


def year_of(x: np.ndarray) -> np.ndarray:
    """Calendar year of day numbers (no NaN)."""
    return np.asarray(x, dtype=np.int64).view("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
