"""A multivariate Hawkes process with exponential kernels and a regime-wise background (docs/hawkes.md).

    λ_i(t) = μ_i(r(t)) + Σ_j Σ_{t_k in j, t_k < t} α_ij · β_j · exp(−β_j (t − t_k))

`alpha[i, j]` is the expected number of direct offspring in series i of one event in series j (the
branching matrix), `beta[j]` the decay rate of series j's influence (1/days) and `mu[r, i]` the background
rate of series i in regime r (events/day); regimes are separated by break times. Time is in days (float).

Speed: every kernel below is one numba pass over the events with one running state per SOURCE series
(the exponential kernel makes the sum over the past a recursion), so a log-likelihood with its gradient
costs O(n·D) and never O(n²).
"""

from __future__ import annotations

import enum
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import numba
import numpy as np
from scipy import optimize, stats

# Bounds on the log-parameters for L-BFGS-B. An excitation that the data do not support goes to the lower
# bound instead of to log(0) = −inf; decays above 1e3/day (a 90-second memory) cannot be told apart with
# day-resolution dates, so larger ones carry no information and only slow the optimiser down.
MU_BOUNDS = (1e-10, 1e6)
ALPHA_BOUNDS = (1e-8, 1e2)
BETA_BOUNDS = (1e-4, 1e3)
# Starting point when `fit` gets no `init`: half of each series' rate in the background, a branching
# ratio of about 0.5 spread evenly, and a memory of one day.
INIT_BACKGROUND_SHARE = 0.5
INIT_BRANCHING = 0.5
INIT_BETA = 1.0
# Optimiser stopping rules on the mean negative log-likelihood per event. ftol is relative; a change of
# 1e-12 per event is far below what moves an estimate by a hundredth of its standard error.
FTOL = 1e-12
GTOL = 1e-7
DEFAULT_MAX_ITER = 500
# Above WARM_START_FACTOR × WARM_START_EVENTS events, `fit` starts from a fit on a leading sample of about
# WARM_START_EVENTS events: on a million events this halves the passes over the full data.
WARM_START_EVENTS = 50_000
WARM_START_FACTOR = 4
# Newton on the full data stops when the Newton decrement g·H⁻¹·g (twice the log-likelihood still to gain)
# is below this: the estimates are then within a thousandth of a standard error of the optimum.
NEWTON_DECREMENT = 1e-6
NEWTON_STEPS = 8
# An exponential kernel is below e^-40 (4e-18) of its peak after 40/β days: past that lag an earlier event
# cannot be a parent worth listing and contributes nothing a float64 sum can hold.
NEGLIGIBLE_DECAYS = 40.0
DEFAULT_MAX_EVENTS = 5_000_000


class Ties(enum.StrEnum):
    """How events dated to the same day get distinct times (see `data_from_days`)."""

    JITTER = "jitter"  # uniform at random within the day, seeded
    SPREAD = "spread"  # evenly spaced within the day, in input order (deterministic, no seed)


# ----------------------------------------------------------------------------------------------- records


@dataclass(frozen=True, slots=True)
class HawkesData:
    """Events of D series in an observation window.

    times: (n,) float64, sorted ascending, days since `origin`, inside [start, end].
    marks: (n,) int64 series index in 0..D-1.
    names: series names, len D.
    breaks: regime boundaries strictly inside the window, sorted.
    origin: the calendar day that time 0.0 begins, when the data came from dates.
    """

    times: np.ndarray
    marks: np.ndarray
    names: tuple[str, ...]
    start: float
    end: float
    breaks: tuple[float, ...] = ()
    origin: date | None = None

    def __post_init__(self) -> None:
        times = np.ascontiguousarray(self.times, dtype=np.float64)
        marks = np.ascontiguousarray(self.marks, dtype=np.int64)
        object.__setattr__(self, "times", times)
        object.__setattr__(self, "marks", marks)
        object.__setattr__(self, "names", tuple(self.names))
        object.__setattr__(self, "breaks", tuple(float(b) for b in self.breaks))
        _check_events(times, marks, len(self.names), float(self.start), float(self.end), self.breaks)

    @property
    def n_series(self) -> int:
        return len(self.names)

    def counts(self) -> np.ndarray:
        """(D,) events per series."""
        return np.bincount(self.marks, minlength=self.n_series)


def _check_events(times: np.ndarray, marks: np.ndarray, n_series: int, start: float, end: float,
                  breaks: tuple[float, ...]) -> None:
    if times.ndim != 1 or marks.shape != times.shape:
        raise ValueError(f"times and marks must be 1-D of one length, got {times.shape} and {marks.shape}")
    if not end > start:
        raise ValueError(f"the window must have end > start, got [{start}, {end}]")
    if n_series < 1:
        raise ValueError("at least one series name is needed")
    if times.size:
        if np.any(np.diff(times) < 0):
            raise ValueError("times must be sorted ascending")
        if times[0] < start or times[-1] > end:
            raise ValueError(f"event times must lie in the window [{start}, {end}]")
        if marks.min() < 0 or marks.max() >= n_series:
            raise ValueError(f"marks must be series indexes in 0..{n_series - 1}")
    if list(breaks) != sorted(breaks) or any(not start < b < end for b in breaks):
        raise ValueError(f"breaks must be sorted and strictly inside [{start}, {end}], got {breaks}")


@dataclass(frozen=True, slots=True)
class HawkesParams:
    """Parameters of the model; R = len(breaks) + 1 regimes, D series.

    mu: (R, D) background events/day per regime. alpha: (D, D), alpha[i, j] = expected direct offspring in
    series i of one event in series j. beta: (D,) decay per source series (1/days; mean lag 1/beta).
    names: series names (may be empty when the parameters were written by hand).
    """

    mu: np.ndarray
    alpha: np.ndarray
    beta: np.ndarray
    breaks: tuple[float, ...] = ()
    names: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        mu = np.atleast_2d(np.asarray(self.mu, dtype=np.float64))
        alpha = np.asarray(self.alpha, dtype=np.float64)
        beta = np.asarray(self.beta, dtype=np.float64)
        object.__setattr__(self, "mu", mu)
        object.__setattr__(self, "alpha", alpha)
        object.__setattr__(self, "beta", beta)
        object.__setattr__(self, "breaks", tuple(float(b) for b in self.breaks))
        object.__setattr__(self, "names", tuple(self.names))
        d = beta.shape[0] if beta.ndim == 1 else -1
        if d < 1 or alpha.shape != (d, d) or mu.shape != (len(self.breaks) + 1, d):
            raise ValueError(f"shapes must be mu (R, D) with R = len(breaks) + 1, alpha (D, D), beta (D,); "
                             f"got mu {mu.shape}, alpha {alpha.shape}, beta {beta.shape}, "
                             f"{len(self.breaks)} breaks")
        if self.names and len(self.names) != d:
            raise ValueError(f"{len(self.names)} names for {d} series")

    @property
    def n_series(self) -> int:
        return self.beta.shape[0]

    @property
    def n_regimes(self) -> int:
        return self.mu.shape[0]

    def branching_ratio(self) -> float:
        """Spectral radius of alpha: below 1 the process is stationary, at or above 1 it can explode."""
        return float(np.max(np.abs(np.linalg.eigvals(self.alpha))))

    def follow_on(self) -> np.ndarray:
        """(D, D) expected descendants (all generations) per shock: (I − A)^−1 − I; column j = a shock in j.

        Infinite everywhere when the branching ratio is 1 or more: the expected cascade has no finite size.
        """
        d = self.n_series
        if self.branching_ratio() >= 1.0:
            return np.full((d, d), np.inf)
        return np.linalg.inv(np.eye(d) - self.alpha) - np.eye(d)

    def regime_of(self, times: np.ndarray) -> np.ndarray:
        """(n,) regime index of each time (a time equal to a break belongs to the later regime)."""
        edges = np.asarray(self.breaks, dtype=np.float64)
        return np.searchsorted(edges, times, side="right").astype(np.int64)


@dataclass(frozen=True, slots=True)
class HawkesFit:
    """A maximum-likelihood fit. `stderr` holds natural-scale standard errors (delta method from the
    log-scale observed information); it is None when that matrix is not positive definite. `iterations`
    counts L-BFGS-B iterations plus, for large data, the Newton steps on the full data."""

    params: HawkesParams
    log_likelihood: float
    n_events: int
    converged: bool
    iterations: int
    stderr: HawkesParams | None
    fixed_decays: bool = False

    def intervals(self, level: float = 0.95) -> tuple[HawkesParams, HawkesParams]:
        """Wald intervals on the log scale: p · exp(±z · se(log p)); fixed decays get a zero-width one."""
        if self.stderr is None:
            raise ValueError("no standard errors: the observed information is not positive definite "
                             "(a parameter at its bound or too few events); use bootstrap() instead")
        z = float(stats.norm.ppf(0.5 + level / 2.0))
        p, s = self.params, self.stderr

        def bound(value: np.ndarray, se: np.ndarray, sign: float) -> np.ndarray:
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):  # an unbounded interval is inf
                return value * np.exp(sign * z * se / value)

        low = HawkesParams(bound(p.mu, s.mu, -1), bound(p.alpha, s.alpha, -1), bound(p.beta, s.beta, -1),
                           p.breaks, p.names)
        high = HawkesParams(bound(p.mu, s.mu, 1), bound(p.alpha, s.alpha, 1), bound(p.beta, s.beta, 1),
                            p.breaks, p.names)
        return low, high


# ---------------------------------------------------------------------------------------- from dates


def data_from_days(days: Sequence[date] | np.ndarray, marks: Sequence[int] | np.ndarray,
                   names: Sequence[str], *, start: date | float, end: date | float,
                   breaks: Sequence[date | float] = (), ties: str = Ties.JITTER, seed: int = 0) -> HawkesData:
    """Turn day-resolution event dates into continuous times.

    `days` are dates (then `start`, `end` and `breaks` must be dates too; time 0 is the start of `start`,
    and the window runs to the END of the day `end`) or day numbers (an event on day d happened in
    [d, d + 1); `start` and `end` are then times used as given). Ties: "jitter" puts each event at a
    uniformly random time inside its day (seeded), "spread" spaces a day's events evenly in input order.
    Why: a continuous-time likelihood gives probability zero to two events at the same instant, and exact
    ties either excite each other at lag 0 (the decay then runs to infinity) or are ignored; placing them
    inside their day is the honest reading of "we know the day, not the hour".
    """
    ties = Ties(ties)
    marks_arr = np.asarray(marks, dtype=np.int64)
    origin: date | None = None
    if len(days) and isinstance(days[0], date) or isinstance(start, date):
        if not (isinstance(start, date) and isinstance(end, date)):
            raise ValueError("when days are dates, start and end must be dates too")
        origin = start
        day_numbers = np.array([d.toordinal() - origin.toordinal() for d in days], dtype=np.float64)
        window = (0.0, float(end.toordinal() - origin.toordinal() + 1))
        break_times = tuple(float(_as_date(b, "break").toordinal() - origin.toordinal()) for b in breaks)
    else:
        day_numbers = np.floor(np.asarray(days, dtype=np.float64))
        window = (float(start), float(end))
        break_times = tuple(float(b) for b in breaks)
    if day_numbers.shape != marks_arr.shape:
        raise ValueError(f"{day_numbers.size} days for {marks_arr.size} marks")
    times = _place_in_day(day_numbers, ties, seed)
    order = np.argsort(times, kind="stable")
    return HawkesData(times[order], marks_arr[order], tuple(names), window[0], window[1], break_times, origin)


def _as_date(value: object, what: str) -> date:
    if not isinstance(value, date):
        raise ValueError(f"{what} {value!r} must be a date when days are dates")
    return value


def _place_in_day(day_numbers: np.ndarray, ties: Ties, seed: int) -> np.ndarray:
    if ties is Ties.JITTER:
        return day_numbers + np.random.default_rng(seed).random(day_numbers.size)
    # SPREAD: the m events of a day at (k + 0.5) / m, k in input order.
    order = np.argsort(day_numbers, kind="stable")
    sorted_days = day_numbers[order]
    first = np.searchsorted(sorted_days, sorted_days, side="left")
    size = np.searchsorted(sorted_days, sorted_days, side="right") - first
    rank = np.arange(sorted_days.size) - first
    times = np.empty_like(day_numbers)
    times[order] = sorted_days + (rank + 0.5) / size
    return times


# ---------------------------------------------------------------------------------------- numba kernels


@numba.njit(cache=True)
def _decay_to(t_from, t_to, beta, e, u):
    """Move the per-source states from t_from to t_to: e_j = Σ exp(−β_j lag), u_j = Σ lag · exp(−β_j lag)."""
    dt = t_to - t_from
    for j in range(beta.shape[0]):
        dec = math.exp(-beta[j] * dt)
        u[j] = (u[j] + dt * e[j]) * dec
        e[j] *= dec


@numba.njit(cache=True, error_model="numpy")
def _loglik_chunk(gaps, decay, marks, regimes, mu, alpha, beta, e, u, counts, grad, lam, record):
    """One chunk of the likelihood pass. gaps[k] = time since the previous point, decay[j, k] =
    exp(−β_j gaps[k]) (computed by numpy's vectorised exp, several times faster than a scalar one), e and
    u the running states carried from chunk to chunk. With `record`, writes λ at each event into `lam` and
    adds the log-term's gradient (natural parameters, laid out [mu (R·D), alpha (D·D), beta (D)])."""
    d = beta.shape[0]
    off_a = mu.shape[0] * d
    off_b = off_a + d * d
    for k in range(gaps.shape[0]):
        dt = gaps[k]
        for j in range(d):
            u[j] = (u[j] + dt * e[j]) * decay[j, k]
            e[j] *= decay[j, k]
        i = marks[k]
        if record:
            r = regimes[k]
            total = mu[r, i]
            for j in range(d):
                total += alpha[i, j] * beta[j] * e[j]
            inv = 1.0 / total
            lam[k] = total
            grad[r * d + i] += inv
            for j in range(d):
                grad[off_a + i * d + j] += beta[j] * e[j] * inv
                grad[off_b + j] += alpha[i, j] * (e[j] - beta[j] * u[j]) * inv
            counts[i] += 1.0
        e[i] += 1.0


@numba.njit(cache=True, error_model="numpy")
def _hessian_chunk(gaps, decay, marks, regimes, mu, alpha, beta, e, u, v, counts, grad, blocks, cross, curv,
                   lam, record):
    """`_loglik_chunk` plus the log-term's Hessian. An event of series i in regime r has a gradient of λ
    with 2D+1 non-zeros (mu[r, i], alpha[i, :], beta), so its −∇λ∇λᵀ/λ² goes to a dense block per (r, i)
    (upper triangle); λ's own second derivatives go to cross[i, j] (alpha[i, j] with beta[j]) and curv[i, j]
    (beta[j] twice). A third state v_j = Σ lag² exp(−β_j lag) carries the second derivative in β."""
    d = beta.shape[0]
    off_a = mu.shape[0] * d
    off_b = off_a + d * d
    size = 2 * d + 1
    val = np.empty(size)
    for k in range(gaps.shape[0]):
        dt = gaps[k]
        for j in range(d):
            v[j] = (v[j] + 2.0 * dt * u[j] + dt * dt * e[j]) * decay[j, k]
            u[j] = (u[j] + dt * e[j]) * decay[j, k]
            e[j] *= decay[j, k]
        i = marks[k]
        if record:
            r = regimes[k]
            total = mu[r, i]
            for j in range(d):
                total += alpha[i, j] * beta[j] * e[j]
            inv = 1.0 / total
            lam[k] = total
            val[0] = inv
            for j in range(d):
                val[1 + j] = beta[j] * e[j] * inv
                val[1 + d + j] = alpha[i, j] * (e[j] - beta[j] * u[j]) * inv
                cross[i, j] += (e[j] - beta[j] * u[j]) * inv
                curv[i, j] += alpha[i, j] * (beta[j] * v[j] - 2.0 * u[j]) * inv
            grad[r * d + i] += val[0]
            for j in range(d):
                grad[off_a + i * d + j] += val[1 + j]
                grad[off_b + j] += val[1 + d + j]
            for x in range(size):
                for y in range(x, size):
                    blocks[r, i, x, y] -= val[x] * val[y]
            counts[i] += 1.0
        e[i] += 1.0


@numba.njit(cache=True)
def _compensator_at_events(times, marks, regimes, mu, alpha, beta, regime_starts, cum_mu, out):
    """out[k] = Λ_i(t_k) = ∫_start^{t_k} λ_i for the series i of event k (window events only)."""
    d = beta.shape[0]
    e = np.zeros(d)
    u = np.zeros(d)
    counts = np.zeros(d)
    cur = regime_starts[0]
    for k in range(times.shape[0]):
        _decay_to(cur, times[k], beta, e, u)
        cur = times[k]
        i = marks[k]
        r = regimes[k]
        total = cum_mu[r, i] + mu[r, i] * (cur - regime_starts[r])
        for j in range(d):
            total += alpha[i, j] * (counts[j] - e[j])
        out[k] = total
        e[i] += 1.0
        counts[i] += 1.0


@numba.njit(cache=True)
def _triggering(times, marks, regimes, mu, alpha, beta, background, by_source, parent, parent_prob):
    """Per event: P(background), P(parent in series j), and the single most likely parent (which, the kernel
    decreasing with lag, is the latest earlier event of one of the D series)."""
    d = beta.shape[0]
    e = np.zeros(d)
    u = np.zeros(d)
    last = np.full(d, -1, dtype=np.int64)
    cur = times[0] if times.shape[0] else 0.0
    for k in range(times.shape[0]):
        _decay_to(cur, times[k], beta, e, u)
        cur = times[k]
        i = marks[k]
        lam = mu[regimes[k], i]
        for j in range(d):
            lam += alpha[i, j] * beta[j] * e[j]
        background[k] = mu[regimes[k], i] / lam
        best = -1
        best_p = 0.0
        for j in range(d):
            by_source[k, j] = alpha[i, j] * beta[j] * e[j] / lam
            if last[j] >= 0:
                p = alpha[i, j] * beta[j] * math.exp(-beta[j] * (cur - times[last[j]])) / lam
                if p > best_p:
                    best = last[j]
                    best_p = p
        parent[k] = best
        parent_prob[k] = best_p
        e[i] += 1.0
        last[i] = k


@numba.njit(cache=True)
def _simulate_into(mu, alpha, beta, breaks, start, end, s0, rng, out_times, out_marks):
    """Ogata thinning from `start` with initial excitation s0 (s_j = Σ β_j exp(−β_j lag) over the history).
    Between events the intensity only decays, so its current value bounds it until the next regime break,
    where the bound is renewed. Stops when out_* are full; returns (events written, time reached)."""
    d = beta.shape[0]
    s = s0.copy()
    colsum = np.zeros(d)
    for j in range(d):
        for i in range(d):
            colsum[j] += alpha[i, j]
    lam = np.empty(d)
    cap = out_times.shape[0]
    r = np.searchsorted(breaks, start, side="right")
    t = start
    n = 0
    while True:
        nxt = end
        if r < breaks.shape[0] and breaks[r] < end:
            nxt = breaks[r]
        bar = 0.0
        for i in range(d):
            bar += mu[r, i]
        for j in range(d):
            bar += colsum[j] * s[j]
        w = rng.exponential(1.0 / bar) if bar > 0.0 else np.inf
        if t + w >= nxt:
            for j in range(d):
                s[j] *= math.exp(-beta[j] * (nxt - t))
            t = nxt
            if t >= end:
                return n, end
            r += 1
            continue
        t += w
        for j in range(d):
            s[j] *= math.exp(-beta[j] * w)
        total = 0.0
        for i in range(d):
            lam[i] = mu[r, i]
            for j in range(d):
                lam[i] += alpha[i, j] * s[j]
            total += lam[i]
        x = rng.random() * bar
        if x >= total:
            continue
        i = 0
        acc = lam[0]
        while x >= acc and i < d - 1:
            i += 1
            acc += lam[i]
        if n == cap:
            return n, t
        out_times[n] = t
        out_marks[n] = i
        n += 1
        s[i] += beta[i]


@numba.njit(cache=True)
def _simulate_daily_counts(mu, alpha, beta, breaks, start, days, s0, rng, paths, cap):
    """`paths` simulations of `days` days from `start`; counts (paths, days, D) and whether each path hit the
    cap (its later days are then lower bounds)."""
    d = beta.shape[0]
    counts = np.zeros((paths, days, d), dtype=np.int64)
    capped = np.zeros(paths, dtype=np.bool_)
    out_times = np.empty(cap)
    out_marks = np.empty(cap, dtype=np.int64)
    end = start + days
    for p in range(paths):
        n, reached = _simulate_into(mu, alpha, beta, breaks, start, end, s0, rng, out_times, out_marks)
        capped[p] = reached < end
        for k in range(n):
            day = min(int(out_times[k] - start), days - 1)
            counts[p, day, out_marks[k]] += 1
    return counts, capped


# ------------------------------------------------------------------------------------ likelihood and fit


@dataclass(frozen=True, slots=True)
class _Events:
    """Window events with any history in front, in the layout the kernels read."""

    times: np.ndarray
    marks: np.ndarray
    regimes: np.ndarray
    h: int  # events before index h are history
    t0: float
    end: float
    lengths: np.ndarray  # (R,) days of each regime inside [t0, end]
    gaps: np.ndarray  # time since the previous event; for the first window event, since t0


def _events(data: HawkesData, breaks: tuple[float, ...], history: HawkesData | None = None) -> _Events:
    times, marks, h = data.times, data.marks, 0
    if history is not None:
        if history.names != data.names:
            raise ValueError(f"history series {history.names} differ from the data's {data.names}")
        keep = history.times < data.start
        h = int(keep.sum())
        times = np.concatenate([history.times[keep], data.times])
        marks = np.concatenate([history.marks[keep], data.marks])
    regimes = np.searchsorted(np.asarray(breaks, dtype=np.float64), times, side="right").astype(np.int64)
    gaps = np.diff(times, prepend=times[0] if times.size else 0.0)
    if h < times.size:
        gaps[h] = times[h] - data.start  # the state is moved to t0 before the window starts
    lengths = _regime_lengths(data.start, data.end, breaks)
    return _Events(times, marks, regimes, h, data.start, data.end, lengths, gaps)


# Events per numba call in the likelihood pass: a chunk's decay factors (D × 16k floats) stay in cache.
CHUNK = 1 << 14


def _loglik_grad(ev: _Events, mu: np.ndarray, alpha: np.ndarray, beta: np.ndarray, grad: np.ndarray,
                 hess: np.ndarray | None = None) -> float:
    """Log-likelihood over [t0, end] of the window events, conditioning on the history, and its gradient in
    natural parameters [mu (R·D), alpha (D·D), beta (D)] written into `grad`; with `hess` (P, P), also the
    exact Hessian. One pass, O(n·D) (O(n·D²) with the Hessian)."""
    d, n = beta.size, ev.times.size
    scratch = _Scratch.empty(mu.shape[0], d, max(min(CHUNK, n), 1), hess is not None)
    grad[:] = 0.0
    _loglik_segment(ev, 0, ev.h, False, mu, alpha, beta, grad, scratch)
    _move_states(ev.t0 - (ev.times[ev.h - 1] if ev.h else ev.t0), beta, scratch)
    e0, u0, v0 = scratch.e.copy(), scratch.u.copy(), scratch.v.copy()
    ll = _loglik_segment(ev, ev.h, n, True, mu, alpha, beta, grad, scratch)
    _move_states(ev.end - (ev.times[-1] if n > ev.h else ev.t0), beta, scratch)
    # The compensator: each event's kernel integrates to α_ij (exp(−β_j a) − exp(−β_j b)) over the part
    # [a, b] of its future inside the window, which the end states and their snapshots at t0 sum up.
    c = scratch.counts + e0 - scratch.e
    dc = scratch.u - u0
    r = mu.shape[0]
    off_a, off_b = r * d, r * d + d * d
    ll -= float((mu * ev.lengths[:, None]).sum() + (alpha * c[None, :]).sum())
    grad[:off_a] -= np.repeat(ev.lengths, d)
    grad[off_a:off_b] -= np.tile(c, d)
    grad[off_b:] -= alpha.sum(axis=0) * dc
    if hess is not None:
        _assemble_hessian(scratch, alpha, dc, v0 - scratch.v, hess)
    return ll


def _assemble_hessian(scratch: _Scratch, alpha: np.ndarray, dc: np.ndarray, d2c: np.ndarray,
                      hess: np.ndarray) -> None:
    """Scatter the per-(regime, series) blocks into the full Hessian and add the β terms of λ and of the
    compensator (∂²/∂α_ij∂β_j = −∂C_j/∂β_j, ∂²/∂β_j² = −Σ_i α_ij ∂²C_j/∂β_j²)."""
    n_reg, d = scratch.blocks.shape[:2]
    off_a, off_b = n_reg * d, n_reg * d + d * d
    hess[:, :] = 0.0
    for r in range(n_reg):
        for i in range(d):
            idx = np.concatenate([[r * d + i], off_a + i * d + np.arange(d), off_b + np.arange(d)])
            upper = scratch.blocks[r, i]
            hess[np.ix_(idx, idx)] += upper + np.triu(upper, 1).T
    rows = off_a + np.arange(d * d)
    cols = off_b + np.tile(np.arange(d), d)
    mixed = (scratch.cross - dc[None, :]).ravel()
    hess[rows, cols] += mixed
    hess[cols, rows] += mixed
    beta_idx = off_b + np.arange(d)
    hess[beta_idx, beta_idx] += scratch.curv.sum(axis=0) - alpha.sum(axis=0) * d2c


@dataclass(slots=True)
class _Scratch:
    """Running states and accumulators of one likelihood pass (mutable, local to the pass)."""

    e: np.ndarray
    u: np.ndarray
    v: np.ndarray
    counts: np.ndarray
    decay: np.ndarray
    lam: np.ndarray
    blocks: np.ndarray | None
    cross: np.ndarray
    curv: np.ndarray

    @classmethod
    def empty(cls, n_reg: int, d: int, chunk: int, second: bool) -> _Scratch:
        blocks = np.zeros((n_reg, d, 2 * d + 1, 2 * d + 1)) if second else None
        return cls(np.zeros(d), np.zeros(d), np.zeros(d), np.zeros(d), np.empty((d, chunk)), np.empty(chunk),
                   blocks, np.zeros((d, d)), np.zeros((d, d)))


def _loglik_segment(ev: _Events, lo: int, hi: int, record: bool, mu: np.ndarray, alpha: np.ndarray,
                    beta: np.ndarray, grad: np.ndarray, sc: _Scratch) -> float:
    neg_beta = -beta[:, None]
    ll = 0.0
    for first in range(lo, hi, CHUNK):
        last = min(first + CHUNK, hi)
        m = last - first
        block = sc.decay[:, :m]
        np.multiply(neg_beta, ev.gaps[first:last], out=block)
        np.exp(block, out=block)
        gaps, marks, regimes = ev.gaps[first:last], ev.marks[first:last], ev.regimes[first:last]
        if sc.blocks is None:
            _loglik_chunk(gaps, block, marks, regimes, mu, alpha, beta, sc.e, sc.u, sc.counts, grad, sc.lam,
                          record)
        else:
            _hessian_chunk(gaps, block, marks, regimes, mu, alpha, beta, sc.e, sc.u, sc.v, sc.counts, grad,
                           sc.blocks, sc.cross, sc.curv, sc.lam, record)
        if record:
            ll += float(np.log(sc.lam[:m]).sum())
    return ll


def _move_states(dt: float, beta: np.ndarray, sc: _Scratch) -> None:
    decay = np.exp(-beta * dt)
    sc.v[:] = (sc.v + 2.0 * dt * sc.u + dt * dt * sc.e) * decay
    sc.u[:] = (sc.u + dt * sc.e) * decay
    sc.e *= decay


def _regime_lengths(t0: float, end: float, breaks: tuple[float, ...]) -> np.ndarray:
    edges = np.concatenate([[-np.inf], np.asarray(breaks, dtype=np.float64), [np.inf]])
    return np.clip(np.minimum(edges[1:], end) - np.maximum(edges[:-1], t0), 0.0, None)


def _check_compatible(params: HawkesParams, data: HawkesData) -> None:
    if params.n_series != data.n_series:
        raise ValueError(f"parameters for {params.n_series} series, data with {data.n_series}")


def log_likelihood(params: HawkesParams, data: HawkesData, *, history: HawkesData | None = None) -> float:
    """Log-likelihood of the events in data's window; with `history`, its earlier events excite the window.
    Regimes follow `params.breaks`."""
    _check_compatible(params, data)
    ev = _events(data, params.breaks, history)
    grad = np.empty(params.mu.size + params.alpha.size + params.beta.size)
    return _loglik_grad(ev, params.mu, params.alpha, params.beta, grad)


def log_likelihood_hessian(params: HawkesParams, data: HawkesData) -> tuple[np.ndarray, np.ndarray]:
    """Gradient (P,) and Hessian (P, P) of the log-likelihood in natural parameters, ordered
    [mu.ravel() (R·D), alpha.ravel() (D·D), beta (D)]."""
    _check_compatible(params, data)
    ev = _events(data, params.breaks)
    size = params.mu.size + params.alpha.size + params.beta.size
    grad, hess = np.empty(size), np.empty((size, size))
    _loglik_grad(ev, params.mu, params.alpha, params.beta, grad, hess)
    return grad, hess


def _pack(params: HawkesParams) -> np.ndarray:
    return np.concatenate([params.mu.ravel(), params.alpha.ravel(), params.beta])


def _unpack(values: np.ndarray, like: HawkesParams) -> HawkesParams:
    return HawkesParams(*_unpack_arrays(values, like.mu.shape), like.breaks, like.names)


def _unpack_arrays(values: np.ndarray, mu_shape: tuple[int, int]) -> tuple[np.ndarray, ...]:
    r, d = mu_shape
    return values[: r * d].reshape(r, d), values[r * d: r * d + d * d].reshape(d, d), values[r * d + d * d:]


def _initial_params(data: HawkesData, breaks: tuple[float, ...]) -> HawkesParams:
    d = data.n_series
    lengths = _regime_lengths(data.start, data.end, breaks)
    regimes = np.searchsorted(np.asarray(breaks, dtype=np.float64), data.times, side="right")
    counts = np.zeros((len(lengths), d))
    np.add.at(counts, (regimes, data.marks), 1.0)
    mu = INIT_BACKGROUND_SHARE * (counts + 0.5) / np.maximum(lengths, 1e-9)[:, None]
    alpha = np.full((d, d), INIT_BRANCHING / d)
    return HawkesParams(mu, alpha, np.full(d, INIT_BETA), breaks, data.names)


def _bounds(params: HawkesParams, free_beta: bool) -> list[tuple[float, float]]:
    logs = [(math.log(lo), math.log(hi)) for lo, hi in (MU_BOUNDS, ALPHA_BOUNDS, BETA_BOUNDS)]
    bounds = [logs[0]] * params.mu.size + [logs[1]] * params.alpha.size
    return bounds + [logs[2]] * params.beta.size if free_beta else bounds


def fit(data: HawkesData, *, regimes: bool = True, init: HawkesParams | None = None,
        decays: np.ndarray | Sequence[float] | None = None, max_iter: int = DEFAULT_MAX_ITER,
        stderr: bool = True) -> HawkesFit:
    """Maximum likelihood by L-BFGS-B on the log-parameters, with the analytic gradient from the same numba
    pass as the likelihood. regimes=False fits one constant background over the whole window. `decays`
    (D,) fixes beta instead of estimating it. stderr=False skips the observed information (one more pass).

    Large data without `init` (over WARM_START_FACTOR × WARM_START_EVENTS events): L-BFGS-B runs on a
    leading sample of each regime, then Newton steps with the exact Hessian finish on the full data (two or
    three passes instead of about twenty); L-BFGS-B on the full data takes over if a Newton step fails."""
    breaks = data.breaks if regimes else ()
    warm = init is None and data.times.size > WARM_START_FACTOR * WARM_START_EVENTS
    sample_iterations = 0
    if warm:
        sample = fit(_leading_sample(data, breaks, WARM_START_EVENTS / data.times.size), decays=decays,
                     max_iter=max_iter, stderr=False)
        init, sample_iterations = sample.params, sample.iterations
    start = _initial_params(data, breaks) if init is None else _align_init(init, data, breaks)
    if decays is not None:
        start = HawkesParams(start.mu, start.alpha, np.asarray(decays, dtype=np.float64), breaks, data.names)
    problem = _Problem(_events(data, breaks), start, decays is None)
    polished = _newton(problem, _pack(start)) if warm else None
    if polished is not None:
        values, ll, grad, hess, steps = polished
        se = _standard_errors(values, grad, hess, problem) if stderr else None
        return HawkesFit(_unpack(values, start), ll, problem.n, True, sample_iterations + steps, se,
                         decays is not None)
    x0 = np.clip(np.log(_pack(start))[: problem.n_free], *zip(*problem.bounds, strict=True))
    result = optimize.minimize(problem.objective, x0, jac=True,
                               method="L-BFGS-B", bounds=problem.bounds,
                               options={"maxiter": max_iter, "ftol": FTOL, "gtol": GTOL})
    values = problem.natural(result.x)
    se = None
    if stderr:
        grad, hess = np.empty(values.size), np.empty((values.size, values.size))
        _loglik_grad(problem.events, *_unpack_arrays(values, start.mu.shape), grad, hess)
        se = _standard_errors(values, grad, hess, problem)
    return HawkesFit(_unpack(values, start), float(-result.fun * max(problem.n, 1)), problem.n,
                     bool(result.success), sample_iterations + int(result.nit), se, decays is not None)


class _Problem:
    """The likelihood of one data set as a function of the free log-parameters (beta last, maybe fixed)."""

    def __init__(self, events: _Events, start: HawkesParams, free_beta: bool) -> None:
        self.events = events
        self.start = start
        self.shape = start.mu.shape
        self.n = int(events.times.size - events.h)
        size = start.mu.size + start.alpha.size + start.beta.size
        self.n_free = size if free_beta else size - start.beta.size
        self.fixed = np.log(start.beta)[: size - self.n_free]
        self.bounds = _bounds(start, free_beta)
        self.grad = np.empty(size)

    def natural(self, x: np.ndarray) -> np.ndarray:
        """Free log-parameters → all natural parameters."""
        clipped = np.clip(x, *zip(*self.bounds, strict=True))
        return np.exp(np.concatenate([clipped, self.fixed]))

    def objective(self, x: np.ndarray) -> tuple[float, np.ndarray]:
        """Mean negative log-likelihood per event (so the tolerances do not depend on n) and its gradient."""
        p = self.natural(x)
        ll = _loglik_grad(self.events, *_unpack_arrays(p, self.shape), self.grad)
        n = max(self.n, 1)
        return -ll / n, -(self.grad[: self.n_free] * p[: self.n_free]) / n


def _log_hessian(values: np.ndarray, grad: np.ndarray, hess: np.ndarray,
                 n_free: int) -> tuple[np.ndarray, np.ndarray]:
    """Gradient and Hessian in the log-parameters: H_log = diag(p) H diag(p) + diag(p · g)."""
    g_log = (values * grad)[:n_free]
    h_log = (hess * values[:, None] * values[None, :] + np.diag(values * grad))[:n_free, :n_free]
    return g_log, h_log


def _newton(problem: _Problem,
            values: np.ndarray) -> tuple[np.ndarray, float, np.ndarray, np.ndarray, int] | None:
    """Newton's method on the log-parameters from a nearby start, halving a step that lowers the likelihood.
    Returns (parameters, log-likelihood, gradient, Hessian at the optimum, steps), or None when the Hessian
    is not negative definite, a parameter leaves its bounds, or NEWTON_STEPS do not converge."""
    size = values.size
    lows, highs = (np.array(b) for b in zip(*problem.bounds, strict=True))
    best: tuple[np.ndarray, float, np.ndarray, np.ndarray] | None = None
    step = np.zeros(problem.n_free)
    for iteration in range(NEWTON_STEPS):
        grad, hess = np.empty(size), np.empty((size, size))
        ll = _loglik_grad(problem.events, *_unpack_arrays(values, problem.shape), grad, hess)
        if best is not None and not ll >= best[1]:
            step /= 2.0  # overshot: go back half the way
            values = np.exp(np.concatenate([np.log(best[0][: problem.n_free]) + step, problem.fixed]))
            continue
        best = (values, ll, grad, hess)
        g_log, h_log = _log_hessian(values, grad, hess, problem.n_free)
        try:
            factor = np.linalg.cholesky(-h_log)
        except np.linalg.LinAlgError:
            return None
        step = np.linalg.solve(factor.T, np.linalg.solve(factor, g_log))
        if float(g_log @ step) < NEWTON_DECREMENT:
            return values, ll, grad, hess, iteration
        x = np.log(values[: problem.n_free]) + step
        if np.any(x < lows) or np.any(x > highs):
            return None
        values = np.exp(np.concatenate([x, problem.fixed]))
    return None


def _leading_sample(data: HawkesData, breaks: tuple[float, ...], fraction: float) -> HawkesData:
    """The first `fraction` of each regime's stretch of the window, the stretches put end to end (breaks at
    the joins). A cheap start for the full fit: the few events excited across a join matter little."""
    edges = np.concatenate([[data.start], breaks, [data.end]])
    keep_times, keep_marks, joins = [], [], []
    offset = data.start
    for a, b in zip(edges[:-1], edges[1:], strict=True):
        length = (b - a) * fraction
        lo, hi = np.searchsorted(data.times, [a, a + length], side="left")
        keep_times.append(data.times[lo:hi] - a + offset)
        keep_marks.append(data.marks[lo:hi])
        offset += length
        joins.append(offset)
    return HawkesData(np.concatenate(keep_times), np.concatenate(keep_marks), data.names, data.start, offset,
                      tuple(joins[:-1]))


def _align_init(init: HawkesParams, data: HawkesData, breaks: tuple[float, ...]) -> HawkesParams:
    """Use `init` as the start; a background with another number of regimes is averaged over them."""
    _check_compatible(init, data)
    mu = init.mu
    if mu.shape[0] != len(breaks) + 1:
        mu = np.repeat(mu.mean(axis=0, keepdims=True), len(breaks) + 1, axis=0)
    return HawkesParams(mu, init.alpha, init.beta, breaks, data.names)


def _standard_errors(values: np.ndarray, grad: np.ndarray, hess: np.ndarray, problem: _Problem
                     ) -> HawkesParams | None:
    """Natural-scale standard errors (delta method) from the observed information of the LOG-parameters,
    the scale of the Wald intervals. Fixed decays get 0; None when the information is not positive
    definite."""
    _, h_log = _log_hessian(values, grad, hess, problem.n_free)
    try:
        np.linalg.cholesky(-h_log)
    except np.linalg.LinAlgError:
        return None
    se = np.zeros_like(values)
    se[: problem.n_free] = values[: problem.n_free] * np.sqrt(np.diag(np.linalg.inv(-h_log)))
    return _unpack(se, problem.start)


# ------------------------------------------------------------------------------------------- simulation


def simulate(params: HawkesParams, *, start: float, end: float, history: HawkesData | None = None,
             seed: int = 0, max_events: int = DEFAULT_MAX_EVENTS,
             names: Sequence[str] | None = None) -> HawkesData:
    """Exact simulation (Ogata thinning, numba) over [start, end] with the regimes of `params.breaks`.
    With `history`, its events before `start` excite the future. Explosive parameters (branching ratio
    ≥ 1) can produce without bound: the simulation stops at `max_events` events and the returned data's
    `end` is then the time reached, earlier than the `end` asked for - check `result.end < end`."""
    if not end > start:
        raise ValueError(f"need end > start, got [{start}, {end}]")
    series = tuple(names or params.names or (f"series {j}" for j in range(params.n_series)))
    s0 = _initial_excitation(params, history, start)
    breaks = np.asarray(params.breaks, dtype=np.float64)
    size = min(max_events, _expected_events(params, start, end) + 1024)
    while True:
        # A fresh generator each attempt, so the result depends on the seed and not on the buffer size.
        rng = np.random.default_rng(seed)
        out_times, out_marks = np.empty(size), np.empty(size, dtype=np.int64)
        n, reached = _simulate_into(params.mu, params.alpha, params.beta, breaks, float(start), float(end),
                                    s0, rng, out_times, out_marks)
        if reached >= end or size >= max_events:
            break
        size = min(max_events, 2 * size)
    window_end = float(end) if reached >= end else float(np.nextafter(reached, np.inf))
    kept_breaks = tuple(b for b in params.breaks if start < b < window_end)
    return HawkesData(out_times[:n].copy(), out_marks[:n].copy(), series, float(start), window_end,
                      kept_breaks)


def _initial_excitation(params: HawkesParams, history: HawkesData | None, start: float) -> np.ndarray:
    """(D,) s_j = Σ over history events of series j of β_j exp(−β_j (start − t_k))."""
    s0 = np.zeros(params.n_series)
    if history is None or history.times.size == 0:
        return s0
    keep = history.times < start
    lag = start - history.times[keep]
    beta = params.beta[history.marks[keep]]
    np.add.at(s0, history.marks[keep], beta * np.exp(-beta * lag))
    return s0


def _expected_events(params: HawkesParams, start: float, end: float) -> int:
    """Mean number of events of the stationary process over the window, plus six standard deviations of a
    Poisson count of that mean; 65,536 when the process is explosive (the buffer then grows as needed)."""
    if params.branching_ratio() >= 1.0:
        return 1 << 16
    lengths = _regime_lengths(start, end, params.breaks)
    rates = np.linalg.solve(np.eye(params.n_series) - params.alpha, params.mu.T)  # (D, R)
    mean = float((rates * lengths[None, :]).sum())
    return int(1.2 * mean + 6.0 * math.sqrt(mean))


def simulate_daily_counts(params: HawkesParams, history: HawkesData, *, days: int, paths: int, seed: int,
                          max_events: int) -> tuple[np.ndarray, np.ndarray]:
    """Counts (paths, days, D) of events per day after `history.end`, and a (paths,) flag for paths that hit
    `max_events` (their counts after that point are missing, so lower bounds). Used by scenarios."""
    s0 = _initial_excitation(params, history, history.end)
    breaks = np.asarray(params.breaks, dtype=np.float64)
    rng = np.random.default_rng(seed)
    return _simulate_daily_counts(params.mu, params.alpha, params.beta, breaks, float(history.end), int(days),
                                  s0, rng, int(paths), int(max_events))


# ---------------------------------------------------------------------------------------------- bootstrap


@dataclass(frozen=True, slots=True)
class BootstrapIntervals:
    """Percentile intervals; follow_on_* are (D, D), branching_ratio is (low, high)."""

    low: HawkesParams
    high: HawkesParams
    branching_ratio: tuple[float, float]
    follow_on_low: np.ndarray
    follow_on_high: np.ndarray


@dataclass(frozen=True, slots=True)
class Bootstrap:
    """B parametric replicates: mu (B, R, D), alpha (B, D, D), beta (B, D), branching_ratio (B,),
    follow_on (B, D, D; inf for explosive replicates). `skipped` counts replicates whose simulation hit
    the event cap (explosive fits) and were not refitted."""

    mu: np.ndarray
    alpha: np.ndarray
    beta: np.ndarray
    branching_ratio: np.ndarray
    follow_on: np.ndarray
    converged: np.ndarray
    skipped: int
    breaks: tuple[float, ...]
    names: tuple[str, ...]

    def intervals(self, level: float = 0.95) -> BootstrapIntervals:
        q = (0.5 - level / 2.0, 0.5 + level / 2.0)

        def quantiles(samples: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            # inverted_cdf picks sample values, so infinite follow-ons never meet an inf − inf interpolation
            lo, hi = np.quantile(samples, q, axis=0, method="inverted_cdf")
            return lo, hi

        mu_lo, mu_hi = quantiles(self.mu)
        a_lo, a_hi = quantiles(self.alpha)
        b_lo, b_hi = quantiles(self.beta)
        br_lo, br_hi = quantiles(self.branching_ratio)
        f_lo, f_hi = quantiles(self.follow_on)
        return BootstrapIntervals(HawkesParams(mu_lo, a_lo, b_lo, self.breaks, self.names),
                                  HawkesParams(mu_hi, a_hi, b_hi, self.breaks, self.names),
                                  (float(br_lo), float(br_hi)), f_lo, f_hi)


def bootstrap(fitted: HawkesFit, data: HawkesData, *, n: int = 200, seed: int = 0,
              max_events: int = DEFAULT_MAX_EVENTS) -> Bootstrap:
    """Parametric bootstrap: simulate from the fit over the data's window and regimes, refit each replicate
    (started at the fit, same regimes, same fixed decays if any), and keep the estimates."""
    params = fitted.params
    seeds = np.random.SeedSequence(seed).generate_state(n)
    decays = params.beta if fitted.fixed_decays else None
    samples: list[HawkesParams] = []
    converged: list[bool] = []
    for replicate_seed in seeds:
        sim = simulate(params, start=data.start, end=data.end, seed=int(replicate_seed),
                       max_events=max_events, names=data.names)
        if sim.end < data.end:
            continue
        refit = fit(sim, regimes=bool(params.breaks), init=params, decays=decays, stderr=False)
        samples.append(refit.params)
        converged.append(refit.converged)
    if not samples:
        raise ValueError("every bootstrap replicate hit the event cap: the fit is explosive")
    return Bootstrap(np.stack([s.mu for s in samples]), np.stack([s.alpha for s in samples]),
                     np.stack([s.beta for s in samples]), np.array([s.branching_ratio() for s in samples]),
                     np.stack([s.follow_on() for s in samples]), np.array(converged), n - len(samples),
                     params.breaks, data.names)


# --------------------------------------------------------------------------------- triggering, residuals


@dataclass(frozen=True, slots=True)
class Triggering:
    """Per event k: background (n,) = P(k is a background event); by_source (n, D) = P(k's parent is in
    series j); parent (n,) = the single most likely parent's index, −1 when k has no earlier event;
    parent_probability (n,). background + by_source.sum(axis=1) = 1."""

    background: np.ndarray
    by_source: np.ndarray
    parent: np.ndarray
    parent_probability: np.ndarray


def triggering_probabilities(params: HawkesParams, data: HawkesData) -> Triggering:
    """Branching-structure probabilities of every event, O(n·D)."""
    _check_compatible(params, data)
    n, d = data.times.size, data.n_series
    out = Triggering(np.empty(n), np.empty((n, d)), np.empty(n, dtype=np.int64), np.empty(n))
    _triggering(data.times, data.marks, params.regime_of(data.times), params.mu, params.alpha, params.beta,
                out.background, out.by_source, out.parent, out.parent_probability)
    return out


@dataclass(frozen=True, slots=True)
class Parents:
    """Who may have triggered one event: background + Σ parents' probabilities + other = 1, where `other`
    is the total of the earlier events below the threshold."""

    event: int
    background: float
    parents: list[tuple[int, float]] = field(default_factory=list)
    other: float = 0.0


def event_parents(params: HawkesParams, data: HawkesData, k: int, *, threshold: float = 0.01) -> Parents:
    """The earlier events that may have triggered event k, with probability ≥ threshold, most likely first.
    Looks back only as far as any kernel is above e^-40 of its peak: O(window)."""
    _check_compatible(params, data)
    if not 0 <= k < data.times.size:
        raise IndexError(f"event {k} is not in 0..{data.times.size - 1}")
    t, i = data.times[k], data.marks[k]
    first = int(np.searchsorted(data.times, t - NEGLIGIBLE_DECAYS / params.beta.min(), side="left"))
    marks = data.marks[first:k]
    beta = params.beta[marks]
    excitation = params.alpha[i, marks] * beta * np.exp(-beta * (t - data.times[first:k]))
    background = params.mu[params.regime_of(np.array([t]))[0], i]
    total = background + excitation.sum()
    probability = excitation / total
    order = np.argsort(-probability, kind="stable")
    listed = [(first + int(j), float(probability[j])) for j in order if probability[j] >= threshold]
    other = float(probability.sum() - sum(p for _, p in listed))
    return Parents(k, float(background / total), listed, max(other, 0.0))


def residuals(params: HawkesParams, data: HawkesData) -> list[np.ndarray]:
    """Time-rescaling residuals per series: compensator increments Λ_i(t_m) − Λ_i(t_{m−1}) between the
    series' consecutive events (the first from the window start). I.i.d. Exp(1) under a correct model."""
    _check_compatible(params, data)
    regimes = params.regime_of(data.times)
    edges = np.concatenate([[data.start], [b for b in params.breaks if b > data.start]])
    regime_starts = np.full(params.n_regimes, data.start)
    regime_starts[params.n_regimes - edges.size:] = edges
    lengths = np.diff(np.concatenate([regime_starts, [data.end]]))
    cum_mu = np.vstack([np.zeros((1, params.n_series)), np.cumsum(params.mu * lengths[:, None], axis=0)[:-1]])
    compensator = np.empty(data.times.size)
    _compensator_at_events(data.times, data.marks, regimes, params.mu, params.alpha, params.beta,
                           regime_starts, cum_mu, compensator)
    return [np.diff(compensator[data.marks == j], prepend=0.0) for j in range(params.n_series)]


@dataclass(frozen=True, slots=True)
class KS:
    """Kolmogorov–Smirnov test of one series' residuals against Exp(1); small p = the model misfits."""

    name: str
    n: int
    statistic: float
    p_value: float


def goodness_of_fit(params: HawkesParams, data: HawkesData) -> list[KS]:
    tests = []
    for name, res in zip(data.names, residuals(params, data), strict=True):
        if res.size == 0:
            tests.append(KS(name, 0, math.nan, math.nan))
            continue
        result = stats.kstest(res, "expon")
        tests.append(KS(name, int(res.size), float(result.statistic), float(result.pvalue)))
    return tests


# ------------------------------------------------------------------------------------------ out of sample


@dataclass(frozen=True, slots=True)
class OutOfSample:
    """Test-window log-likelihoods of the Hawkes fit (conditioning on the training history) and of a
    homogeneous Poisson process with the training rates; gain_per_event > 0 means the excitation predicts."""

    fit: HawkesFit
    log_likelihood: float
    poisson_log_likelihood: float
    n_events: int
    gain_per_event: float


def out_of_sample(train: HawkesData, test: HawkesData, *, regimes: bool = True,
                  decays: np.ndarray | Sequence[float] | None = None) -> OutOfSample:
    """Fit on `train`, score `test` (which must start at or after train's end). The test window uses the
    training regimes: its times after the last training break belong to the last regime."""
    if test.start < train.end:
        raise ValueError(f"the test window starts at {test.start}, before training ends ({train.end})")
    fitted = fit(train, regimes=regimes, decays=decays, stderr=False)
    hawkes = log_likelihood(fitted.params, test, history=train)
    rates = np.maximum(train.counts(), 0.5) / (train.end - train.start)  # half an event: no log(0)
    poisson = float(np.sum(test.counts() * np.log(rates)) - rates.sum() * (test.end - test.start))
    n = int(test.times.size)
    return OutOfSample(fitted, hawkes, poisson, n, (hawkes - poisson) / max(n, 1))
