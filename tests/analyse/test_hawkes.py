"""The Hawkes model: parameter recovery and interval coverage on simulated data, regimes, ties, the tick
cross-check, triggering probabilities, residuals, history, simulation caps.

Every data set here is simulated with a fixed seed from parameters of the size border series have (a few
events a week per series, excitation spread over days), so the tests are deterministic and fast.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from borderwatch.analyse import hawkes as hk

NAMES = ("PAK strikes", "TTP attacks", "Border fire")
TRUE = hk.HawkesParams(
    mu=np.array([[0.10, 0.08, 0.06]]),
    alpha=np.array([[0.25, 0.15, 0.10],
                    [0.10, 0.30, 0.15],
                    [0.20, 0.10, 0.20]]),
    beta=np.array([1.0, 0.5, 2.0]),
    names=NAMES,
)
WINDOW = 5000.0  # days: about 2,500 events a run
COVERAGE_RUNS = 20


@pytest.fixture(scope="module")
def runs() -> list[tuple[hk.HawkesData, hk.HawkesFit]]:
    """20 seeded simulations and their fits, shared by the recovery tests."""
    out = []
    for seed in range(COVERAGE_RUNS):
        data = hk.simulate(TRUE, start=0.0, end=WINDOW, seed=seed)
        out.append((data, hk.fit(data)))
    return out


def _flat(p: hk.HawkesParams) -> np.ndarray:
    return np.concatenate([p.mu.ravel(), p.alpha.ravel(), p.beta])


def test_wald_intervals_cover_the_true_values(runs):
    inside = []
    for data, fitted in runs:
        assert 1500 < data.times.size < 5000
        assert fitted.converged
        low, high = fitted.intervals(0.95)
        truth = _flat(TRUE)
        inside.append((_flat(low) <= truth) & (truth <= _flat(high)))
    coverage = np.mean(inside)
    assert coverage >= 0.90, f"95 % Wald intervals covered {coverage:.1%} of (run, parameter) pairs"


def test_estimates_are_centred_on_the_truth(runs):
    mean = np.mean([_flat(f.params) for _, f in runs], axis=0)
    spread = np.std([_flat(f.params) for _, f in runs], axis=0)
    assert np.all(np.abs(mean - _flat(TRUE)) < 3 * spread / np.sqrt(COVERAGE_RUNS) + 0.02 * _flat(TRUE))
    ratios = [f.params.branching_ratio() for _, f in runs]
    assert abs(np.mean(ratios) - TRUE.branching_ratio()) < 0.03


def test_regime_fit_recovers_both_backgrounds_and_no_regime_fit_inflates_branching():
    # the background doubles on day 2500 (think: before and after 15 August 2021)
    doubled = hk.HawkesParams(np.array([[0.10, 0.08, 0.06], [0.20, 0.16, 0.12]]), TRUE.alpha, TRUE.beta,
                              (2500.0,), NAMES)
    data = hk.simulate(doubled, start=0.0, end=WINDOW, seed=11)
    with_regimes = hk.fit(data)
    without = hk.fit(data, regimes=False)
    assert with_regimes.params.mu.shape == (2, 3)
    low, high = with_regimes.intervals()
    assert np.all((low.mu <= doubled.mu) & (doubled.mu <= high.mu))
    assert np.allclose(with_regimes.params.mu[1] / with_regimes.params.mu[0], 2.0, rtol=0.5)
    assert without.params.mu.shape == (1, 3)
    assert without.params.branching_ratio() > with_regimes.params.branching_ratio() + 0.03
    assert with_regimes.log_likelihood > without.log_likelihood


def test_analytic_hessian_matches_finite_differences_of_the_gradient():
    data = hk.simulate(TRUE, start=0.0, end=1500.0, seed=3)
    grad, hess = hk.log_likelihood_hessian(TRUE, data)
    flat = _flat(TRUE)
    numeric = np.empty_like(hess)
    for a in range(flat.size):
        h = 1e-6 * flat[a]
        up, down = flat.copy(), flat.copy()
        up[a] += h
        down[a] -= h
        numeric[:, a] = (hk.log_likelihood_hessian(_params(up), data)[0]
                         - hk.log_likelihood_hessian(_params(down), data)[0]) / (2 * h)
    assert np.allclose(numeric, hess, rtol=1e-5, atol=1e-6 * np.abs(hess).max())
    # and the gradient against differences of the log-likelihood itself
    for a in (0, 4, 12, 14):
        h = 1e-6 * flat[a]
        up, down = flat.copy(), flat.copy()
        up[a] += h
        down[a] -= h
        slope = (hk.log_likelihood(_params(up), data) - hk.log_likelihood(_params(down), data)) / (2 * h)
        assert slope == pytest.approx(grad[a], rel=1e-5, abs=1e-4)


def _params(flat: np.ndarray) -> hk.HawkesParams:
    return hk.HawkesParams(flat[:3].reshape(1, 3), flat[3:12].reshape(3, 3), flat[12:], (), NAMES)


def test_log_likelihood_matches_a_direct_sum_over_all_pairs():
    data = hk.simulate(TRUE, start=0.0, end=400.0, seed=5)
    t, m = data.times, data.marks
    log_terms = 0.0
    for k in range(t.size):
        lag = t[k] - t[:k]
        src = m[:k]
        log_terms += np.log(TRUE.mu[0, m[k]]
                            + np.sum(TRUE.alpha[m[k], src] * TRUE.beta[src] * np.exp(-TRUE.beta[src] * lag)))
    compensator = TRUE.mu.sum() * data.end + np.sum(
        TRUE.alpha[:, m].sum(axis=0) * (1 - np.exp(-TRUE.beta[m] * (data.end - t))))
    assert hk.log_likelihood(TRUE, data) == pytest.approx(log_terms - compensator, rel=1e-10)


def test_history_splits_the_likelihood_exactly():
    # log L(all) = log L(first part) + log L(second part | first part as history)
    data = hk.simulate(TRUE, start=0.0, end=1000.0, seed=6)
    cut = 600.0
    first = hk.HawkesData(data.times[data.times < cut], data.marks[data.times < cut], NAMES, 0.0, cut)
    second = hk.HawkesData(data.times[data.times >= cut], data.marks[data.times >= cut], NAMES, cut, 1000.0)
    whole = hk.log_likelihood(TRUE, data)
    parts = hk.log_likelihood(TRUE, first) + hk.log_likelihood(TRUE, second, history=first)
    assert parts == pytest.approx(whole, rel=1e-10)
    assert hk.log_likelihood(TRUE, second) != pytest.approx(whole - hk.log_likelihood(TRUE, first), rel=1e-6)


def test_log_likelihood_and_fit_agree_with_tick():
    import tick.hawkes.model.build.hawkes_model as tick_model  # pinned in the venv (extra "compare")
    from scipy import optimize

    decay = 1.5
    params = hk.HawkesParams(np.array([[0.2, 0.15]]), np.array([[0.25, 0.15], [0.10, 0.30]]),
                             np.array([decay, decay]), (), ("a", "b"))
    data = hk.simulate(params, start=0.0, end=3000.0, seed=4)
    # tick's Python learners need numpydoc, which is not installed: drive its C++ likelihood directly.
    # Its adjacency[i, j] is our alpha[i, j] (kernel adjacency · decay · exp(−decay t)); its loss is
    # −(log-likelihood)/n − D·T/n, a constant offset (checked by hand on two events), so the gradients agree
    # exactly and the optima coincide.
    model = tick_model.ModelHawkesExpKernLogLik(decay, 1)
    model.set_data([[np.ascontiguousarray(data.times[data.marks == j]) for j in range(2)]],
                   np.array([data.end]))
    n, d = data.times.size, 2
    for scale in (1.0, 0.5, 2.0):
        trial = hk.HawkesParams(params.mu * scale, params.alpha / scale, params.beta, (), ("a", "b"))
        coeffs = np.concatenate([trial.mu[0], trial.alpha.ravel()])
        ours = hk.log_likelihood(trial, data)
        assert -n * model.loss(coeffs) - d * data.end == pytest.approx(ours, rel=1e-6)
        tick_grad = np.empty(coeffs.size)
        model.grad(coeffs, tick_grad)
        our_grad, _ = hk.log_likelihood_hessian(trial, data)
        assert np.allclose(-n * tick_grad, our_grad[:6], rtol=1e-6, atol=1e-6)

    def tick_objective(x: np.ndarray) -> tuple[float, np.ndarray]:
        g = np.empty(x.size)
        model.grad(x, g)
        return model.loss(x), g

    start = np.concatenate([np.full(2, 0.1), np.full(4, 0.1)])
    theirs = optimize.minimize(tick_objective, start, jac=True, method="L-BFGS-B",
                               bounds=[(1e-8, None)] * 6, options={"ftol": 1e-14, "gtol": 1e-10})
    ours = hk.fit(data, decays=[decay, decay])
    assert ours.fixed_decays and np.all(ours.params.beta == decay)
    assert np.allclose(theirs.x[:2], ours.params.mu[0], rtol=1e-3)
    assert np.allclose(theirs.x[2:], ours.params.alpha.ravel(), rtol=1e-3, atol=1e-4)


def test_large_data_take_the_sample_then_newton_path_to_the_same_optimum():
    data = hk.simulate(TRUE, start=0.0, end=430_000.0, seed=8)
    assert data.times.size > hk.WARM_START_FACTOR * hk.WARM_START_EVENTS
    fast = hk.fit(data)  # leading sample + Newton on the full data
    direct = hk.fit(data, init=TRUE, stderr=False)  # L-BFGS-B on the full data
    assert fast.converged and fast.stderr is not None
    assert np.allclose(_flat(fast.params), _flat(direct.params), rtol=2e-3)
    assert fast.log_likelihood >= direct.log_likelihood - 1e-3


@pytest.mark.parametrize("days, expected_end", [
    ([date(2021, 8, 14), date(2021, 8, 14), date(2021, 8, 15)], 31.0),
    ([date(2021, 8, 31), date(2021, 8, 31), date(2021, 8, 31)], 31.0),
])
def test_jitter_spreads_same_day_events_inside_their_day(days, expected_end):
    marks = [0, 1, 2]
    data = hk.data_from_days(days, marks, NAMES, start=date(2021, 8, 1), end=date(2021, 8, 31), seed=7)
    assert data.origin == date(2021, 8, 1) and data.end == expected_end
    day_numbers = np.sort([d.toordinal() - date(2021, 8, 1).toordinal() for d in days])
    assert np.all(np.floor(data.times) == day_numbers)
    assert np.unique(data.times).size == len(days)
    again = hk.data_from_days(days, marks, NAMES, start=date(2021, 8, 1), end=date(2021, 8, 31), seed=7)
    other = hk.data_from_days(days, marks, NAMES, start=date(2021, 8, 1), end=date(2021, 8, 31), seed=8)
    assert np.array_equal(again.times, data.times) and np.array_equal(again.marks, data.marks)
    assert not np.array_equal(other.times, data.times)


def test_spread_ties_and_breaks_from_dates():
    days = [date(2021, 8, 14)] * 4 + [date(2021, 8, 16)]
    data = hk.data_from_days(days, [0, 1, 2, 0, 1], NAMES, start=date(2021, 8, 1), end=date(2021, 9, 30),
                             breaks=[date(2021, 8, 15)], ties="spread")
    assert np.allclose(data.times, [13.125, 13.375, 13.625, 13.875, 15.5])
    assert list(data.marks) == [0, 1, 2, 0, 1]
    assert data.breaks == (14.0,)
    with pytest.raises(ValueError):
        hk.data_from_days(days, [0, 1, 2, 0, 1], NAMES, start=date(2021, 8, 1), end=date(2021, 9, 30),
                          ties="exact")


def test_day_numbers_work_without_dates():
    data = hk.data_from_days(np.array([3, 3, 9]), [2, 0, 1], NAMES, start=0.0, end=10.0, seed=1)
    assert data.origin is None and data.start == 0.0 and data.end == 10.0
    assert np.all((data.times >= [3, 3, 9]) & (data.times < [4, 4, 10]))


def test_triggering_probabilities_sum_to_one_and_name_the_likely_parent():
    data = hk.simulate(TRUE, start=0.0, end=1000.0, seed=9)
    trig = hk.triggering_probabilities(TRUE, data)
    assert np.allclose(trig.background + trig.by_source.sum(axis=1), 1.0)
    assert trig.parent[0] == -1 and trig.background[0] == 1.0
    assert np.all(trig.parent < np.arange(data.times.size))
    for k in (50, 200, 450):
        parents = hk.event_parents(TRUE, data, k, threshold=0.001)
        total = parents.background + sum(p for _, p in parents.parents) + parents.other
        assert total == pytest.approx(1.0, abs=1e-12)
        assert parents.background == pytest.approx(trig.background[k], rel=1e-9)
        if parents.parents:
            assert parents.parents[0][0] == trig.parent[k]
            assert parents.parents[0][1] == pytest.approx(trig.parent_probability[k], rel=1e-9)


def test_residuals_pass_for_the_true_model_and_fail_for_poisson():
    data = hk.simulate(TRUE, start=0.0, end=WINDOW, seed=12)
    assert all(test.p_value > 0.01 for test in hk.goodness_of_fit(TRUE, data))
    rates = data.counts() / (data.end - data.start)
    poisson = hk.HawkesParams(rates[None, :], np.zeros((3, 3)), np.ones(3), (), NAMES)
    assert all(test.p_value < 0.01 for test in hk.goodness_of_fit(poisson, data))
    res = hk.residuals(TRUE, data)
    assert [r.size for r in res] == list(data.counts())
    assert np.mean(np.concatenate(res)) == pytest.approx(1.0, abs=0.05)


def test_out_of_sample_beats_poisson_on_clustered_data():
    data = hk.simulate(TRUE, start=0.0, end=WINDOW, seed=13)
    cut = 4000.0
    train = hk.HawkesData(data.times[data.times < cut], data.marks[data.times < cut], NAMES, 0.0, cut)
    test = hk.HawkesData(data.times[data.times >= cut], data.marks[data.times >= cut], NAMES, cut, WINDOW)
    result = hk.out_of_sample(train, test)
    assert result.n_events == test.times.size
    assert result.log_likelihood > result.poisson_log_likelihood
    assert result.gain_per_event > 0.05
    with pytest.raises(ValueError):
        hk.out_of_sample(test, train)


def test_bootstrap_intervals_bracket_the_fit():
    data = hk.simulate(TRUE, start=0.0, end=2000.0, seed=14)
    fitted = hk.fit(data)
    boot = hk.bootstrap(fitted, data, n=30, seed=1)
    assert boot.alpha.shape == (30, 3, 3) and boot.skipped == 0
    bands = boot.intervals(0.9)
    assert bands.low.branching_ratio() <= fitted.params.branching_ratio() <= bands.high.alpha.sum()
    assert bands.branching_ratio[0] < fitted.params.branching_ratio() < bands.branching_ratio[1]
    assert np.all(bands.follow_on_low <= bands.follow_on_high)
    assert np.all((bands.low.beta < fitted.params.beta * 1.5) & (bands.high.beta > fitted.params.beta / 1.5))


def test_simulation_is_reproducible_and_history_excites_the_future():
    quiet = hk.HawkesParams(np.array([[0.01, 0.01, 0.01]]), TRUE.alpha, TRUE.beta, (), NAMES)
    burst = hk.HawkesData(np.linspace(99.0, 99.9, 30), np.zeros(30, dtype=np.int64), NAMES, 0.0, 100.0)
    a = hk.simulate(quiet, start=100.0, end=110.0, history=burst, seed=3)
    b = hk.simulate(quiet, start=100.0, end=110.0, history=burst, seed=3)
    assert np.array_equal(a.times, b.times)
    without = [hk.simulate(quiet, start=100.0, end=110.0, seed=s).times.size for s in range(20)]
    with_history = [hk.simulate(quiet, start=100.0, end=110.0, history=burst, seed=s).times.size
                    for s in range(20)]
    assert np.mean(with_history) > np.mean(without) + 5


def test_explosive_simulation_stops_at_the_cap():
    explosive = hk.HawkesParams(TRUE.mu, TRUE.alpha * 3, TRUE.beta, (), NAMES)
    assert explosive.branching_ratio() > 1 and np.all(np.isinf(explosive.follow_on()))
    data = hk.simulate(explosive, start=0.0, end=10_000.0, max_events=5000, seed=1)
    assert data.times.size == 5000 and data.end < 10_000.0


def test_follow_on_counts_all_generations():
    one = hk.HawkesParams(np.array([[0.1]]), np.array([[0.5]]), np.array([1.0]))
    assert one.follow_on()[0, 0] == pytest.approx(1.0)  # 0.5 + 0.25 + ... = 1
    assert one.branching_ratio() == pytest.approx(0.5)


@pytest.mark.parametrize("times, marks, problem", [
    ([2.0, 1.0], [0, 0], "sorted"),
    ([1.0, 2.0], [0, 3], "marks"),
    ([1.0, 12.0], [0, 1], "window"),
])
def test_bad_data_are_refused(times, marks, problem):
    with pytest.raises(ValueError, match=problem):
        hk.HawkesData(np.array(times), np.array(marks), NAMES, 0.0, 10.0)


def test_bad_parameter_shapes_are_refused():
    with pytest.raises(ValueError, match="shapes"):
        hk.HawkesParams(np.ones((2, 3)), np.ones((3, 3)), np.ones(3), ())
