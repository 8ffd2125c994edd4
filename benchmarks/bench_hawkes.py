"""Speed of the Hawkes fit on one core, side by side with tick's fixed-decay likelihood.

    python benchmarks/bench_hawkes.py [--events 1000000] [--seed 7]

1. Simulates `--events` events (3 series, known parameters, fixed seed) with `hawkes.simulate` and says how
   long that took (numba compilation is done before the clock starts, on a tiny run, and printed apart).
2. Fits them with `hawkes.fit`: the default (free decays, standard errors included), without standard
   errors, and with the decays fixed to the true values. Prints seconds, events/s and the estimates' error.
3. Fits the same data with tick, decays fixed to the true value: tick does not estimate decays, so this
   compares fixed-decay fits. tick's likelihood takes ONE decay shared by all kernels, so the benchmark's
   parameters share one decay (our fits still estimate one per series). tick's Python learners
   (`HawkesExpKern`) need numpydoc; when it is missing, the benchmark drives tick's C++ likelihood
   (`ModelHawkesExpKernLogLik`: weights precomputed, then loss and gradient) with scipy's L-BFGS-B and
   says so.
4. A verdict: PASS when the default fit processes at least 1,000,000 events per second of wall time, MISS
   otherwise. Exit status 0 either way: the figures are the result.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from scipy import optimize

from borderwatch.analyse import hawkes as hk

TARGET_EVENTS_PER_SECOND = 1_000_000
DECAY = 0.8  # one decay for every source, so that tick's likelihood can fit the same model
TRUE = hk.HawkesParams(
    mu=np.array([[0.10, 0.08, 0.06]]),
    alpha=np.array([[0.25, 0.15, 0.10],
                    [0.10, 0.30, 0.15],
                    [0.20, 0.10, 0.20]]),
    beta=np.full(3, DECAY),
    names=("PAK strikes", "TTP attacks", "Border fire"),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1_000_000, help="events to simulate and fit")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    started = time.perf_counter()
    warm = hk.simulate(TRUE, start=0.0, end=3000.0, seed=0)
    hk.fit(warm)
    hk.fit(warm, decays=TRUE.beta)
    print(f"numba compilation or cache load, on a small run: {time.perf_counter() - started:.1f} s")

    data, seconds = _timed(lambda: _simulate(args.events, args.seed))
    print(f"simulated {data.times.size:,} events over {data.end:,.0f} days in {seconds:.2f} s "
          f"({data.times.size / seconds:,.0f} events/s); per series {data.counts().tolist()}")

    print(f"\n{'fit':<40} {'seconds':>8} {'events/s':>12}  {'max rel. error':>14}")
    default, seconds = _timed(lambda: hk.fit(data))
    rate = data.times.size / seconds
    _row("ours, free decays, with std. errors", seconds, data.times.size, _error(default.params))
    bare, seconds_bare = _timed(lambda: hk.fit(data, stderr=False))
    _row("ours, free decays, no std. errors", seconds_bare, data.times.size, _error(bare.params))
    fixed, seconds_fixed = _timed(lambda: hk.fit(data, decays=TRUE.beta, stderr=False))
    _row("ours, decays fixed to the truth", seconds_fixed, data.times.size, _error(fixed.params))
    _tick_rows(data, fixed.params)

    print(f"\nours: converged={default.converged}, iterations={default.iterations}, "
          f"branching ratio {default.params.branching_ratio():.4f} (true {TRUE.branching_ratio():.4f})")
    verdict = "PASS" if rate >= TARGET_EVENTS_PER_SECOND else "MISS"
    print(f"VERDICT: {verdict}: {rate:,.0f} events/s for the default fit "
          f"against {TARGET_EVENTS_PER_SECOND:,}")


def _simulate(events: int, seed: int) -> hk.HawkesData:
    stationary = np.linalg.solve(np.eye(3) - TRUE.alpha, TRUE.mu[0]).sum()
    return hk.simulate(TRUE, start=0.0, end=events / stationary, seed=seed, max_events=4 * events)


def _timed(work):
    started = time.perf_counter()
    result = work()
    return result, time.perf_counter() - started


def _error(params: hk.HawkesParams) -> float:
    est = np.concatenate([params.mu.ravel(), params.alpha.ravel(), params.beta])
    true = np.concatenate([TRUE.mu.ravel(), TRUE.alpha.ravel(), TRUE.beta])
    return float(np.max(np.abs(est / true - 1)))


def _row(label: str, seconds: float, n: int, error: float) -> None:
    print(f"{label:<40} {seconds:>8.2f} {n / seconds:>12,.0f}  {error:>14.4f}")


def _tick_rows(data: hk.HawkesData, ours_fixed: hk.HawkesParams) -> None:
    try:
        import tick.hawkes.model.build.hawkes_model as tick_model
    except ImportError:
        print("tick is not installed (pip install borderwatch[compare]): no comparison")
        return
    timestamps = [np.ascontiguousarray(data.times[data.marks == j]) for j in range(3)]
    learner = _tick_learner(timestamps, data.end)
    if learner is not None:
        params, seconds = learner
        _row("tick HawkesExpKern, decays fixed", seconds, data.times.size, _error(params))
    else:
        print("tick's HawkesExpKern needs numpydoc, not installed: timing tick's C++ likelihood "
              "under scipy's L-BFGS-B instead")
    (params, evaluations), seconds = _timed(lambda: _tick_cpp_fit(tick_model, timestamps, data.end))
    _row("tick C++ likelihood + L-BFGS-B, fixed", seconds, data.times.size, _error(params))
    gap = float(np.max(np.abs(params.alpha - ours_fixed.alpha)))
    print(f"  ({evaluations} loss evaluations; largest |alpha| difference from our fixed-decay fit: "
          f"{gap:.2e})")


def _tick_learner(timestamps: list[np.ndarray], end: float) -> tuple[hk.HawkesParams, float] | None:
    try:
        from tick.hawkes import HawkesExpKern

        learner = HawkesExpKern(DECAY, gofit="likelihood", penalty="none", solver="bfgs", max_iter=500)
    except AttributeError:  # tick's attribute system reads docstrings with numpydoc
        return None
    started = time.perf_counter()
    learner.fit(timestamps, end_times=end)
    seconds = time.perf_counter() - started
    return hk.HawkesParams(learner.baseline[None, :], learner.adjacency, np.full(3, DECAY)), seconds


def _tick_cpp_fit(tick_model, timestamps: list[np.ndarray], end: float) -> tuple[hk.HawkesParams, int]:
    model = tick_model.ModelHawkesExpKernLogLik(DECAY, 1)
    model.set_data([timestamps], np.array([end]))
    model.compute_weights()

    def objective(x: np.ndarray) -> tuple[float, np.ndarray]:
        grad = np.empty(x.size)
        model.grad(x, grad)
        return model.loss(x), grad

    start = np.concatenate([np.full(3, 0.05), np.full(9, 0.1)])
    result = optimize.minimize(objective, start, jac=True, method="L-BFGS-B", bounds=[(1e-8, None)] * 12,
                               options={"ftol": 1e-12, "gtol": 1e-7, "maxiter": 500})
    params = hk.HawkesParams(result.x[None, :3], result.x[3:].reshape(3, 3), np.full(3, DECAY))
    return params, int(result.nfev)


if __name__ == "__main__":
    main()
