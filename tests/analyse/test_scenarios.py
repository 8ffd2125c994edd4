"""Scenarios: reading edits, applying them, simulating futures, fan-chart quantiles and comparisons."""

from __future__ import annotations

import time

import numpy as np
import pytest

from borderwatch.analyse import hawkes as hk
from borderwatch.analyse import scenarios as sc

NAMES = ("PAK strikes", "TTP attacks", "Border fire")
PARAMS = hk.HawkesParams(
    mu=np.array([[0.10, 0.08, 0.06]]),
    alpha=np.array([[0.25, 0.35, 0.10],
                    [0.10, 0.30, 0.15],
                    [0.30, 0.10, 0.20]]),
    beta=np.array([1.0, 0.5, 2.0]),
    names=NAMES,
)


@pytest.fixture(scope="module")
def history() -> hk.HawkesData:
    return hk.simulate(PARAMS, start=0.0, end=730.0, seed=2)


@pytest.mark.parametrize("text, expected", [
    ("alpha[PAK strikes <- TTP attacks]=1.0",
     sc.Edit(sc.EditKind.SET_ALPHA, "PAK strikes", "TTP attacks", 1.0)),
    ("scale alpha[Border fire <- PAK strikes]*0.5",
     sc.Edit(sc.EditKind.SCALE_ALPHA, "Border fire", "PAK strikes", 0.5)),
    ("alpha[TTP attacks -> PAK strikes] * 2",
     sc.Edit(sc.EditKind.SCALE_ALPHA, "PAK strikes", "TTP attacks", 2.0)),
    ("scale mu[TTP attacks]*2", sc.Edit(sc.EditKind.SCALE_MU, "TTP attacks", None, 2.0)),
    ("  SCALE  alpha[ border FIRE <- * ] * 0 ", sc.Edit(sc.EditKind.SCALE_ALPHA, "Border fire", None, 0.0)),
    ("mu[all]*1.5", sc.Edit(sc.EditKind.SCALE_MU, None, None, 1.5)),
    ("alpha[pak strikes<-ttp attacks]=1e-1",
     sc.Edit(sc.EditKind.SET_ALPHA, "PAK strikes", "TTP attacks", 0.1)),
])
def test_parse_edit_reads_the_small_syntax(text, expected):
    assert sc.parse_edit(text, NAMES) == expected


@pytest.mark.parametrize("text, hint", [
    ("alpha[Pakistani strikes <- TTP attacks]=1", "no series named 'Pakistani strikes'"),
    ("scale mu[Afghan fire]*2", "no series named 'Afghan fire'"),
    ("alpha[PAK strikes, TTP attacks]=1", "TARGET <- SOURCE"),
    ("beta[PAK strikes]=2", "cannot read the edit"),
    ("scale alpha[PAK strikes <- TTP attacks]=2", "'scale' takes '\\*'"),
    ("alpha[PAK strikes <- TTP attacks]=-1", "cannot read the edit"),
    ("halve Pakistani strikes", "cannot read the edit"),
])
def test_bad_edits_raise_and_name_the_known_series(text, hint):
    with pytest.raises(ValueError, match=hint) as error:
        sc.parse_edit(text, NAMES)
    if "no series" in hint or "cannot read" in hint or "TARGET" in hint:
        assert "PAK strikes, TTP attacks, Border fire" in str(error.value)


def test_apply_composes_edits_in_order():
    edits = [sc.parse_edit("alpha[PAK strikes <- TTP attacks]=1.0", NAMES),
             sc.parse_edit("scale alpha[* <- TTP attacks]*0.5", NAMES),
             sc.Edit("scale_mu", "Border fire", None, 3.0)]  # a preset may spell the kind as a string
    edited = sc.apply(PARAMS, edits)
    assert edited.alpha[0, 1] == pytest.approx(0.5)
    assert edited.alpha[1, 1] == pytest.approx(0.15) and edited.alpha[2, 1] == pytest.approx(0.05)
    assert edited.alpha[0, 0] == PARAMS.alpha[0, 0]
    assert edited.mu[0, 2] == pytest.approx(0.18) and edited.mu[0, 0] == PARAMS.mu[0, 0]
    assert PARAMS.alpha[0, 1] == 0.35  # the input is untouched
    with pytest.raises(ValueError, match="series names"):
        sc.apply(hk.HawkesParams(PARAMS.mu, PARAMS.alpha, PARAMS.beta), edits)
    with pytest.raises(ValueError):
        sc.Edit(sc.EditKind.SCALE_MU, None, None, -1.0)


def test_halving_an_excitation_lowers_the_median_count(history):
    baseline = sc.simulate_paths(PARAMS, history, days=180, paths=400, seed=1)
    halved = sc.apply(PARAMS, [sc.parse_edit("scale alpha[PAK strikes <- TTP attacks]*0.5", NAMES),
                               sc.parse_edit("scale alpha[Border fire <- PAK strikes]*0.5", NAMES)])
    scenario = sc.simulate_paths(halved, history, days=180, paths=400, seed=1)
    assert baseline.counts.shape == (400, 180, 3) and not baseline.explosive
    result = sc.compare(sc.predictive_ranges(baseline), sc.predictive_ranges(scenario))
    by_name = {change.name: change for change in result.series}
    assert by_name["PAK strikes"].difference < 0 and by_name["PAK strikes"].ratio < 0.9
    assert by_name["Border fire"].difference < 0
    assert result.median_difference.shape == (6, 3)
    assert not result.explosive


def test_predictive_ranges_are_ordered_fans(history):
    paths = sc.simulate_paths(PARAMS, history, days=100, paths=200, seed=4)
    fan = sc.predictive_ranges(paths, period_days=30)
    assert list(fan.period_ends) == [30, 60, 90, 100]
    assert fan.cumulative.shape == (5, 4, 3) and fan.per_period.shape == (5, 4, 3)
    assert np.all(np.diff(fan.cumulative, axis=0) >= 0)  # quantiles rise
    assert np.all(np.diff(fan.cumulative, axis=1) >= 0)  # cumulative counts rise
    medians = np.median(paths.counts.sum(axis=1), axis=0)
    assert np.allclose(fan.cumulative[2, -1], medians)


def test_explosive_edit_is_flagged_and_returns_within_the_cap(history):
    explosive = sc.apply(PARAMS, [sc.parse_edit("scale alpha[* <- *]*3", NAMES)])
    started = time.perf_counter()
    paths = sc.simulate_paths(explosive, history, days=365, paths=40, seed=0, max_events_per_path=20_000)
    assert time.perf_counter() - started < 10
    assert paths.explosive and paths.branching_ratio >= 1
    assert paths.capped.all()
    assert np.all(paths.counts.sum(axis=(1, 2)) == 20_000)
    assert sc.predictive_ranges(paths).explosive


def test_simulated_paths_are_reproducible(history):
    a = sc.simulate_paths(PARAMS, history, days=60, paths=50, seed=9)
    b = sc.simulate_paths(PARAMS, history, days=60, paths=50, seed=9)
    assert np.array_equal(a.counts, b.counts)
    assert a.start == history.end


def test_compare_needs_matching_fans_with_a_median(history):
    paths = sc.simulate_paths(PARAMS, history, days=60, paths=50, seed=9)
    fan = sc.predictive_ranges(paths)
    with pytest.raises(ValueError, match="median"):
        no_median = sc.predictive_ranges(paths, quantiles=(0.1, 0.9))
        sc.compare(no_median, no_median)
    with pytest.raises(ValueError, match="differ"):
        sc.compare(fan, sc.predictive_ranges(paths, period_days=7))
