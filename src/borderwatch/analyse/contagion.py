"""The self-exciting model of the named series, fitted to stored events: what `borderwatch model` prints
and the report shows.

`hawkes_data` turns event points into the model's input: each day-precise event of a named series
(series.yaml) becomes one point of that series, placed at a random time within its day (`hawkes.Ties`).
`run_model` fits the model with a background that may change at the theatre's regime breaks and without
it, measures the fit (time-rescaling KS tests, out-of-sample log-likelihood against a Poisson baseline)
and says in notes what the figures do not mean. See docs/hawkes.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from borderwatch.analyse import hawkes, scenarios
from borderwatch.analyse.series import EventPoint, SeriesSpec, load_series_pack, series_of
from borderwatch.errors import AnalysisError
from borderwatch.model import Precision

# A series needs this many events in the window to be modelled: fewer cannot pin down its own decay.
MIN_SERIES_EVENTS = 10
# The out-of-sample check fits on this leading share of the window and scores the rest.
TRAIN_SHARE = 0.8
# The model's time unit is the day; only events dated to the day have a time to within it.
MODEL_PRECISIONS = frozenset({Precision.DAY})


@dataclass(frozen=True, slots=True)
class ModelRun:
    """A fitted model and its checks. `fit` lets the background change at `breaks`; `flat` keeps it
    constant (the comparison shows how much apparent contagion a regime shift would explain)."""

    data: hawkes.HawkesData
    first_day: date
    last_day: date
    breaks: tuple[date, ...]
    fit: hawkes.HawkesFit
    flat: hawkes.HawkesFit
    low: hawkes.HawkesParams | None
    high: hawkes.HawkesParams | None
    goodness: tuple[hawkes.KS, ...]
    out_of_sample: hawkes.OutOfSample | None
    left_out: tuple[str, ...]
    notes: tuple[str, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return self.data.names


def hawkes_data(points: Sequence[EventPoint], specs: Sequence[SeriesSpec], *, breaks: Sequence[date] = (),
                first_day: date | None = None, last_day: date | None = None,
                seed: int = 0) -> tuple[hawkes.HawkesData, date, date]:
    """The day-precise events of each named series as the model's input, with the window (first and last
    day, defaults from the events) and the breaks that fall strictly inside it."""
    days, marks = [], []
    for p in points:
        if p.precision not in MODEL_PRECISIONS:
            continue
        for name in series_of(p, specs):
            days.append(p.day)
            marks.append(next(i for i, s in enumerate(specs) if s.name == name))
    if not days:
        raise AnalysisError("no day-precise events of the named series: nothing to model")
    first_day = first_day or min(days)
    last_day = last_day or max(days)
    inside = [(d, m) for d, m in zip(days, marks, strict=True) if first_day <= d <= last_day]
    inside.sort()
    kept_breaks = tuple(b for b in breaks if first_day < b <= last_day)
    data = hawkes.data_from_days([d for d, _ in inside], [m for _, m in inside], [s.name for s in specs],
                                 start=first_day, end=last_day, breaks=kept_breaks, seed=seed)
    return data, first_day, last_day


def run_model(points: Sequence[EventPoint], specs: Sequence[SeriesSpec] | None = None, *,
              breaks: Sequence[date] | None = None, theatre: str = "afpak", seed: int = 0,
              check_out_of_sample: bool = True) -> ModelRun:
    """Fit the multivariate Hawkes model to the named series of `points` (series with fewer than
    MIN_SERIES_EVENTS day-precise events are left out and listed)."""
    pack = load_series_pack(theatre)
    specs = tuple(specs if specs is not None else pack.series)
    breaks = tuple(breaks if breaks is not None else pack.regime_breaks)
    data, first, last = hawkes_data(points, specs, breaks=breaks, seed=seed)
    counts = data.counts()
    keep = [s for s, n in zip(specs, counts, strict=True) if n >= MIN_SERIES_EVENTS]
    left_out = tuple(f"{s.name} ({n} events)" for s, n in zip(specs, counts, strict=True) if n < MIN_SERIES_EVENTS)
    if not keep:
        raise AnalysisError(f"no named series has {MIN_SERIES_EVENTS} day-precise events to model "
                            f"({', '.join(left_out)})")
    if len(keep) < len(specs):
        data, first, last = hawkes_data(points, keep, breaks=breaks, first_day=first, last_day=last, seed=seed)
    fitted = hawkes.fit(data, regimes=True)
    flat = hawkes.fit(data, regimes=False) if data.breaks else fitted
    low = high = None
    if fitted.stderr is not None:
        low, high = fitted.intervals()
    goodness = tuple(hawkes.goodness_of_fit(fitted.params, data))
    oos = _out_of_sample(data) if check_out_of_sample else None
    return ModelRun(data, first, last, tuple(_day(first, b) for b in data.breaks), fitted, flat, low, high,
                    goodness, oos, left_out, _notes(fitted, flat, data, oos))


def _day(first: date, t: float) -> date:
    return first + timedelta(days=int(round(t)))


def _out_of_sample(data: hawkes.HawkesData) -> hawkes.OutOfSample | None:
    """Fit on the first TRAIN_SHARE of the window, score the rest given the past; None when the training
    part is too thin to fit every series."""
    split = float(np.floor(data.start + (data.end - data.start) * TRAIN_SHARE))
    before = data.times < split
    train = hawkes.HawkesData(data.times[before], data.marks[before], data.names, data.start, split,
                              tuple(b for b in data.breaks if b < split), data.origin)
    test = hawkes.HawkesData(data.times[~before], data.marks[~before], data.names, split, data.end, (),
                             data.origin)
    if train.counts().min() < MIN_SERIES_EVENTS // 2 or test.times.size == 0:
        return None
    return hawkes.out_of_sample(train, test)


def _notes(fitted: hawkes.HawkesFit, flat: hawkes.HawkesFit, data: hawkes.HawkesData,
           oos: hawkes.OutOfSample | None) -> tuple[str, ...]:
    notes = []
    if not fitted.converged:
        notes.append("the optimiser did not converge: read the figures as indicative only")
    ratio, flat_ratio = fitted.params.branching_ratio(), flat.params.branching_ratio()
    if data.breaks:
        notes.append(f"branching ratio {ratio:.2f} with a background that changes at the regime breaks, "
                     f"{flat_ratio:.2f} with a constant one: the difference is activity a regime shift "
                     "explains better than events exciting each other")
    if ratio >= 1:
        notes.append("branching ratio at or above 1: as fitted, the process would feed on itself without "
                     "bound; more likely the background is not constant within a regime")
    if oos is not None:
        verdict = "predicts better" if oos.gain_per_event > 0 else "predicts no better"
        notes.append(f"out of sample the model {verdict} than a Poisson process with constant rates "
                     f"({oos.gain_per_event:+.3f} log-likelihood per event over {oos.n_events} events)")
    notes.append("excitation is an association in timing between reported events, not proof that one "
                 "side's acts caused the other's; reporting bias and common drivers can produce it")
    return tuple(notes)


def bootstrap_intervals(run: ModelRun, n: int, seed: int = 0) -> hawkes.BootstrapIntervals:
    """95 % percentile intervals from `n` parametric bootstrap refits of the regime fit."""
    if n < 10:
        raise AnalysisError(f"a bootstrap needs at least 10 refits, got {n}")
    return hawkes.bootstrap(run.fit, run.data, n=n, seed=seed).intervals()


def excitation_rows(run: ModelRun) -> list[tuple[str, str, float, float | None, float | None]]:
    """(target, source, alpha, low, high) for every pair: the expected direct follow-on events in the target
    series of one event in the source series, with its 95 % interval."""
    p = run.fit.params
    rows = []
    for i, target in enumerate(run.names):
        for j, source in enumerate(run.names):
            low = float(run.low.alpha[i, j]) if run.low is not None else None
            high = float(run.high.alpha[i, j]) if run.high is not None else None
            rows.append((target, source, float(p.alpha[i, j]), low, high))
    return rows


def likely_triggers(run: ModelRun, points: Sequence[EventPoint], last: int = 10) -> list[tuple]:
    """For the `last` events of the model window: (day, series, P(background), most likely parent's day and
    series, its probability) — "which earlier event likely triggered this one"."""
    trig = hawkes.triggering_probabilities(run.fit.params, run.data)
    names, first = run.names, run.first_day
    out = []
    for k in range(max(0, run.data.times.size - last), run.data.times.size):
        parent = int(trig.parent[k])
        day = first + timedelta(days=int(np.floor(run.data.times[k])))
        parent_day = first + timedelta(days=int(np.floor(run.data.times[parent]))) if parent >= 0 else None
        out.append((day, names[run.data.marks[k]], float(trig.background[k]), parent_day,
                    names[run.data.marks[parent]] if parent >= 0 else None, float(trig.parent_probability[k])))
    return out


@dataclass(frozen=True, slots=True)
class ScenarioRun:
    """Simulated futures of the fitted model (baseline) and of the edited one (scenario), side by side."""

    edits: tuple[str, ...]
    days: int
    paths: int
    baseline: scenarios.FanData
    scenario: scenarios.FanData
    comparison: scenarios.Comparison


def run_scenario(run: ModelRun, edits: Sequence[str], *, days: int = 180, paths: int = 500,
                 period_days: int = 30, seed: int = 0) -> ScenarioRun:
    """Simulate `paths` futures of `days` days after the data ends, from the fitted model and from the model
    with `edits` (scenarios.parse_edit syntax) applied; both excited by the observed history."""
    names = run.names
    try:
        parsed = [scenarios.parse_edit(text, names) for text in edits]
        edited = scenarios.apply(run.fit.params, parsed, names)
    except ValueError as e:
        raise AnalysisError(str(e)) from e
    fans = []
    for params in (run.fit.params, edited):
        sims = scenarios.simulate_paths(params, run.data, days=days, paths=paths, seed=seed)
        fans.append(scenarios.predictive_ranges(sims, period_days=period_days))
    return ScenarioRun(tuple(edits), days, paths, fans[0], fans[1], scenarios.compare(fans[0], fans[1]))


def preset_edits(names: Sequence[str], theatre: str = "afpak") -> dict[str, tuple[str, ...]]:
    """The theatre's named scenarios (series.yaml) whose series are all in the model."""
    out = {}
    for name, edits in load_series_pack(theatre).scenarios.items():
        try:
            for text in edits:
                scenarios.parse_edit(text, names)
        except ValueError:
            continue  # names a series this model left out
        out[name] = edits
    return out
