"""VAR and Granger causality on daily and weekly counts of the named series, with the caveats that go
with them. A Granger test asks only whether one series' past improves the prediction of another's;
the caveats (returned with every result and printed by the CLI) say what it cannot tell.
"""

from __future__ import annotations

import types
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from borderwatch.analyse.series import EventPoint, SeriesSpec, daily_counts, weekly_counts
from borderwatch.errors import AnalysisError

# A VAR on fewer periods than this has so few degrees of freedom that any p-value is noise.
MIN_PERIODS = 30
DEFAULT_MAX_LAGS = types.MappingProxyType({"day": 14, "week": 8})  # two weeks of days; two months of weeks
ALPHA = 0.05  # the level at which the ADF test calls a series stationary

CAVEATS = (
    "Counts are not Gaussian: a VAR on event counts is an approximation, and its F tests are only "
    "approximately right, worst for sparse series with many zero days.",
    "The result depends on the aggregation: daily and weekly counts can disagree, because a reply within "
    "the same week is simultaneous in weekly data and invisible to a lagged test.",
    "Reporting bias: the series count reported events, and reporting itself rises and falls (media "
    "attention, access, blackouts), which can create or hide a lead-lag pattern.",
    "Common drivers: a third factor (a political crisis, the fighting season, a ceasefire) that moves both "
    "series can make one appear to lead the other.",
    "Granger causality is not causation: it says one series' past helps predict the other, not that one "
    "side's acts caused the other's.",
)


@dataclass(frozen=True, slots=True)
class StationarityTest:
    """Augmented Dickey-Fuller on one series: `stationary` when the unit root is rejected at ALPHA."""

    series: str
    statistic: float
    p_value: float
    lags: int
    stationary: bool


@dataclass(frozen=True, slots=True)
class GrangerTest:
    """Does `cause`'s past help predict `effect`? The VAR's F test, its p-value and degrees of freedom."""

    cause: str
    effect: str
    lags: int
    f_statistic: float
    p_value: float
    df: tuple[int, int]


@dataclass(frozen=True, slots=True)
class VarResult:
    """A VAR fit on one aggregation of the series, the Granger tests of every ordered pair, the ADF check
    per series, the caveats, and `notes` on this data (non-stationary series, a lag order raised to 1)."""

    frequency: str
    names: tuple[str, ...]
    periods: int
    start: date | None
    lag_order: int
    max_lags: int
    stationarity: tuple[StationarityTest, ...]
    tests: tuple[GrangerTest, ...]
    caveats: tuple[str, ...]
    notes: tuple[str, ...]

    def test(self, cause: str, effect: str) -> GrangerTest:
        for t in self.tests:
            if t.cause == cause and t.effect == effect:
                return t
        raise KeyError(f"no Granger test of {cause!r} -> {effect!r}; series: {', '.join(self.names)}")


def granger_from_points(points: Iterable[EventPoint], specs: Sequence[SeriesSpec], frequency: str = "week",
                        start: date | None = None, end: date | None = None,
                        max_lags: int | None = None) -> VarResult:
    """Count the named series per day or per week (series.daily_counts / weekly_counts) and run
    `var_granger` on the counts."""
    if frequency not in DEFAULT_MAX_LAGS:
        raise AnalysisError(f"unknown frequency {frequency!r}; use 'day' or 'week'")
    count = daily_counts if frequency == "day" else weekly_counts
    periods, counts = count(points, specs, start, end)
    return var_granger(counts, [s.name for s in specs], frequency, max_lags, periods[0] if periods else None)


def granger_daily_and_weekly(points: Iterable[EventPoint], specs: Sequence[SeriesSpec],
                             start: date | None = None, end: date | None = None
                             ) -> tuple[VarResult, VarResult]:
    """Both aggregations, because a result that holds in one and not the other is fragile (see CAVEATS)."""
    points = list(points)
    return (granger_from_points(points, specs, "day", start, end),
            granger_from_points(points, specs, "week", start, end))


def var_granger(counts: np.ndarray, names: Sequence[str], frequency: str = "day", max_lags: int | None = None,
                start: date | None = None) -> VarResult:
    """Fit a VAR to `counts` (periods x series), lag order by AIC up to `max_lags` (default 14 days or 8
    weeks, lowered to what the data supports), and F-test Granger causality for every ordered pair."""
    data = np.asarray(counts, dtype=float)
    names = tuple(names)
    _check_input(data, names)
    cap = _lag_cap(data.shape[0], len(names), max_lags or DEFAULT_MAX_LAGS.get(frequency, 8))
    notes = []
    stationarity = tuple(_adf(data[:, i], name) for i, name in enumerate(names))
    for test in stationarity:
        if not test.stationary:
            notes.append(f"'{test.series}' may not be stationary (ADF p = {test.p_value:.3f}): a trend or a "
                         "level shift can make Granger tests spurious; try a shorter period or differences.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # statsmodels warns about the missing date index; not ours to fix
            order, fitted = _fit_var(data, cap)
    except (np.linalg.LinAlgError, ValueError) as e:
        raise AnalysisError(f"the VAR cannot be fitted on these {frequency}ly counts ({e}); the series may "
                            "be too sparse or move together exactly: drop one, or use weekly counts") from e
    if order.selected == 0:
        notes.append("AIC chose no lags (no series helps predict another); tests use 1 lag.")
    tests = tuple(_granger(fitted, names, cause, effect)
                  for cause in names for effect in names if cause != effect)
    return VarResult(frequency, names, data.shape[0], start, order.used, cap, stationarity, tests, CAVEATS,
                     tuple(notes))


def _check_input(data: np.ndarray, names: tuple[str, ...]) -> None:
    if data.ndim != 2 or data.shape[1] != len(names):
        raise AnalysisError(f"counts must be a (periods x series) table with one column per name; got shape "
                            f"{data.shape} for {len(names)} names")
    if len(names) < 2:
        raise AnalysisError("Granger tests need at least two series")
    if not np.isfinite(data).all():
        raise AnalysisError("counts contain missing or infinite values")
    if data.shape[0] < MIN_PERIODS:
        raise AnalysisError(f"only {data.shape[0]} periods: a VAR needs at least {MIN_PERIODS}; widen the "
                            "date range or use daily counts")
    for i, name in enumerate(names):
        if np.ptp(data[:, i]) == 0:
            raise AnalysisError(f"series '{name}' is constant ({data[0, i]:g} in each of {data.shape[0]} "
                                "periods), so it has no variance to test: drop it or widen the date range")
    centered = data - data.mean(axis=0)
    if np.linalg.matrix_rank(centered) < len(names):
        raise AnalysisError("some series are exact linear combinations of others (e.g. identical series): "
                            "drop the duplicates")


def _lag_cap(periods: int, series: int, wanted: int) -> int:
    # Each equation has 1 + series * lags coefficients; keep at least MIN_PERIODS // 2 residual degrees.
    supported = (periods - MIN_PERIODS // 2 - 1) // (series + 1)
    cap = min(wanted, supported)
    if cap < 1:
        raise AnalysisError(f"{periods} periods are too few for a VAR of {series} series; "
                            "widen the date range")
    return cap


@dataclass(frozen=True, slots=True)
class _Order:
    selected: int
    used: int


def _fit_var(data: np.ndarray, cap: int):
    from statsmodels.tsa.api import VAR  # imported here: statsmodels takes a second to import

    model = VAR(data)
    selected = int(model.select_order(maxlags=cap).aic)
    used = max(selected, 1)
    return _Order(selected, used), model.fit(used)


def _granger(fitted, names: tuple[str, ...], cause: str, effect: str) -> GrangerTest:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = fitted.test_causality(names.index(effect), [names.index(cause)], kind="f")
    df = tuple(int(d) for d in result.df)
    return GrangerTest(cause, effect, int(fitted.k_ar), float(result.test_statistic), float(result.pvalue),
                       (df[0], df[1]))


def _adf(series: np.ndarray, name: str) -> StationarityTest:
    from statsmodels.tsa.stattools import adfuller

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            statistic, p_value, lags, *_ = adfuller(series, autolag="AIC")
    except (ValueError, np.linalg.LinAlgError) as e:
        raise AnalysisError(f"the stationarity test fails on series '{name}' ({e})") from e
    return StationarityTest(name, float(statistic), float(p_value), int(lags), bool(p_value < ALPHA))
