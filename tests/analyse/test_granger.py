"""VAR/Granger on seeded simulated counts where one series drives the other, and clear errors on
degenerate input."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from borderwatch.analyse.granger import CAVEATS, granger_daily_and_weekly, granger_from_points, var_granger
from borderwatch.analyse.series import AnalysisError, EventPoint, load_series
from borderwatch.model import EventSource, Precision


def driven_counts(seed: int = 7, days: int = 300) -> np.ndarray:
    """Column 0: daily attacks, Poisson(2). Column 1: strikes, Poisson(0.5 + 0.8 x yesterday's attacks)."""
    rng = np.random.default_rng(seed)
    attacks = rng.poisson(2.0, days)
    strikes = np.zeros(days, dtype=np.int64)
    strikes[1:] = rng.poisson(0.5 + 0.8 * attacks[:-1])
    return np.column_stack([attacks, strikes])


def test_granger_finds_the_driver_and_not_the_reverse():
    result = var_granger(driven_counts(), ["attacks", "strikes"], "day", max_lags=5)
    assert result.test("attacks", "strikes").p_value < 0.01
    assert result.test("strikes", "attacks").p_value > 0.05
    assert 1 <= result.lag_order <= 5 and result.periods == 300
    assert all(t.stationary for t in result.stationarity)
    assert result.caveats == CAVEATS


def test_the_caveats_say_what_a_granger_test_cannot_tell():
    text = " ".join(CAVEATS).lower()
    for needle in ("not gaussian", "aggregation", "reporting bias", "common drivers", "not causation"):
        assert needle in text


def _points_from(counts: np.ndarray, first: date) -> list[EventPoint]:
    """TTP attacks in Pakistan (column 0) and Pakistani strikes in Afghanistan (column 1) as events."""
    kinds = [("TTP", "PAK-MIL", "Battles", "Armed clash", "PK", False),
             ("PAK-MIL", "TTP", "Explosions/Remote violence", "Air/drone strike", "AF", True)]
    points = []
    for row, day_counts in enumerate(counts):
        for column, n in enumerate(day_counts):
            actor1, actor2, kind, sub, where, cross = kinds[column]
            for k in range(int(n)):
                points.append(EventPoint(
                    f"{row}-{column}-{k}", EventSource.NEWS, first + timedelta(days=row), Precision.DAY, kind,
                    sub, where, None, None, None, None, actor1, actor2, None, None, None, False, "PK", where,
                    cross))
    return points


def test_granger_from_events_through_the_named_series():
    specs = [s for s in load_series() if s.name in ("TTP attacks", "PAK strikes in AF")]
    assert [s.name for s in specs] == ["PAK strikes in AF", "TTP attacks"]
    counts = driven_counts()
    points = _points_from(counts, date(2024, 1, 1))
    first = date(2024, 1, 1)  # a Monday
    daily, weekly = granger_daily_and_weekly(points, specs, first, first + timedelta(days=299))
    assert daily.periods == 300 and weekly.periods == 43 and weekly.frequency == "week"
    assert daily.test("TTP attacks", "PAK strikes in AF").p_value < 0.01
    assert daily.test("PAK strikes in AF", "TTP attacks").p_value > 0.05
    assert weekly.max_lags <= 8


CONSTANT = np.column_stack([np.arange(60) % 5, np.full(60, 3)])
SHORT = driven_counts(days=20)
TWINS = np.column_stack([np.arange(60) % 7, np.arange(60) % 7])
HOLE = driven_counts().astype(float)
HOLE[10, 0] = np.nan
WIDE = np.random.default_rng(3).poisson(3.0, (30, 15))  # 15 series, 30 days: no room for even one lag


@pytest.mark.parametrize(("counts", "names", "message"), [
    (CONSTANT, ["attacks", "strikes"], "series 'strikes' is constant"),
    (SHORT, ["attacks", "strikes"], "only 20 periods"),
    (driven_counts()[:, :1], ["attacks"], "at least two series"),
    (TWINS, ["a", "b"], "linear combinations"),
    (HOLE, ["attacks", "strikes"], "missing or infinite"),
    (driven_counts(), ["attacks", "strikes", "shelling"], "one column per name"),
    (WIDE, [f"series {i}" for i in range(15)], "too few for a VAR of 15 series"),
])
def test_degenerate_input_gives_a_clear_error(counts, names, message):
    with pytest.raises(AnalysisError, match=message):
        var_granger(counts, names)


def test_unknown_frequency_and_missing_test_are_named():
    with pytest.raises(AnalysisError, match="unknown frequency"):
        granger_from_points([], load_series(), "month")
    result = var_granger(driven_counts(), ["attacks", "strikes"], max_lags=2)
    with pytest.raises(KeyError, match="no Granger test"):
        result.test("attacks", "shelling")
