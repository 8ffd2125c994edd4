"""What-if scenarios on a fitted Hawkes model: edit the parameters, simulate forward, summarise as fans.

An `Edit` is one change to the parameters ("halve how much Pakistani strikes excite border fire"), read from
a short text by `parse_edit`; presets are lists of edits. `simulate_paths` runs many futures from the
observed history, `predictive_ranges` turns them into the quantiles of a fan chart and `compare` sets a
scenario's fan against the baseline's. docs/hawkes.md says what such numbers can and cannot mean.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from borderwatch.analyse.hawkes import HawkesData, HawkesParams, simulate_daily_counts

# Events one simulated path may produce before it is stopped and flagged: far above any plausible future of
# border violence (years of the worst months on record), low enough that 500 explosive paths end in seconds.
DEFAULT_MAX_EVENTS_PER_PATH = 50_000
DEFAULT_QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
ALL_SERIES = ("*", "all")


class EditKind(enum.StrEnum):
    SET_ALPHA = "set_alpha"  # alpha[target, source] = value
    SCALE_ALPHA = "scale_alpha"  # alpha[target, source] *= value
    SCALE_MU = "scale_mu"  # mu[:, target] *= value (every regime)


@dataclass(frozen=True, slots=True)
class Edit:
    """One parameter change. `target` / `source` are series names; None means every series."""

    kind: EditKind
    target: str | None
    source: str | None
    value: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", EditKind(self.kind))  # a preset may spell the kind as a string
        if not self.value >= 0:
            raise ValueError(f"{self.kind} needs a value of 0 or more, got {self.value}")


_NUMBER = r"(?P<value>[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)"
# alpha[TARGET <- SOURCE] = v | (scale) alpha[TARGET <- SOURCE] * v | alpha[SOURCE -> TARGET] ...
_ALPHA = re.compile(r"^(?P<scale>scale\s+)?alpha\s*\[(?P<inside>[^\]]*)\]\s*(?P<op>[=*])\s*" + _NUMBER + r"$",
                    re.IGNORECASE)
_MU = re.compile(r"^(?:scale\s+)?mu\s*\[(?P<inside>[^\]]*)\]\s*\*\s*" + _NUMBER + r"$", re.IGNORECASE)
_EXAMPLES = ('"alpha[PAK strikes <- TTP attacks]=1.0", "scale alpha[Border fire <- PAK strikes]*0.5", '
             '"alpha[TTP attacks -> PAK strikes]*2", "scale mu[TTP attacks]*2" ("*" or "all": every series)')


def parse_edit(text: str, names: Sequence[str]) -> Edit:
    """Read one edit. `<-` reads "is excited by" (target <- source), `->` the other way round; `=` sets an
    excitation, `*` scales it. Names match case-insensitively. Raises ValueError saying what is accepted."""
    cleaned = " ".join(text.split())
    alpha = _ALPHA.match(cleaned)
    if alpha:
        target, source = _pair(alpha["inside"], names, text)
        op, value = alpha["op"], float(alpha["value"])
        if alpha["scale"] and op == "=":
            raise ValueError(f"{text!r}: 'scale' takes '*', as in {_EXAMPLES}")
        return Edit(EditKind.SET_ALPHA if op == "=" else EditKind.SCALE_ALPHA, target, source, value)
    mu = _MU.match(cleaned)
    if mu:
        return Edit(EditKind.SCALE_MU, _series(mu["inside"], names, text), None, float(mu["value"]))
    raise ValueError(f"cannot read the edit {text!r}; write it like {_EXAMPLES}; "
                     f"series: {', '.join(names)}")


def _pair(inside: str, names: Sequence[str], text: str) -> tuple[str | None, str | None]:
    if "<-" in inside:
        target, source = inside.split("<-", 1)
    elif "->" in inside:
        source, target = inside.split("->", 1)
    else:
        raise ValueError(f"{text!r}: alpha[...] needs 'TARGET <- SOURCE' or 'SOURCE -> TARGET'; "
                         f"series: {', '.join(names)}")
    return _series(target, names, text), _series(source, names, text)


def _series(word: str, names: Sequence[str], text: str) -> str | None:
    key = " ".join(word.split()).casefold()
    if key in ALL_SERIES:
        return None
    for name in names:
        if " ".join(name.split()).casefold() == key:
            return name
    raise ValueError(f"{text!r}: no series named {word.strip()!r}; series: {', '.join(names)}")


def apply(params: HawkesParams, edits: Iterable[Edit], names: Sequence[str] | None = None) -> HawkesParams:
    """The parameters with the edits applied in order. Series names come from `names`, else params.names."""
    series = tuple(names or params.names)
    if len(series) != params.n_series:
        raise ValueError(f"need the {params.n_series} series names to apply edits, got {series}")
    mu, alpha = params.mu.copy(), params.alpha.copy()
    for edit in edits:
        rows = _indexes(edit.target, series)
        if edit.kind is EditKind.SCALE_MU:
            mu[:, rows] *= edit.value
            continue
        block = np.ix_(rows, _indexes(edit.source, series))
        alpha[block] = edit.value if edit.kind is EditKind.SET_ALPHA else alpha[block] * edit.value
    return HawkesParams(mu, alpha, params.beta.copy(), params.breaks, series)


def _indexes(name: str | None, series: tuple[str, ...]) -> list[int]:
    if name is None:
        return list(range(len(series)))
    if name not in series:
        raise ValueError(f"no series named {name!r}; series: {', '.join(series)}")
    return [series.index(name)]


@dataclass(frozen=True, slots=True)
class PathSet:
    """Simulated futures: counts (paths, days, D) of events per day after `start` (the history's end).
    capped (paths,) marks paths stopped at the event cap, whose later counts are lower bounds; explosive is
    True when the parameters' branching ratio is ≥ 1 or any path was capped."""

    counts: np.ndarray
    names: tuple[str, ...]
    start: float
    capped: np.ndarray
    branching_ratio: float
    explosive: bool


def simulate_paths(params: HawkesParams, history: HawkesData, *, days: int, paths: int = 500, seed: int = 0,
                   max_events_per_path: int = DEFAULT_MAX_EVENTS_PER_PATH) -> PathSet:
    """`paths` futures of `days` days after the history's end, the history exciting them. Never hangs: an
    explosive process stops each path at `max_events_per_path` and the result is flagged."""
    if days < 1 or paths < 1:
        raise ValueError(f"need at least one day and one path, got days={days}, paths={paths}")
    counts, capped = simulate_daily_counts(params, history, days=days, paths=paths, seed=seed,
                                           max_events=max_events_per_path)
    ratio = params.branching_ratio()
    return PathSet(counts, history.names, history.end, capped, ratio, bool(ratio >= 1.0 or capped.any()))


@dataclass(frozen=True, slots=True)
class FanData:
    """Quantiles over paths, per period and series: per_period and cumulative are (Q, P, D) for the
    `quantiles` (Q) and P periods of `period_days` (the last may be shorter); period_ends (P,) are days
    after `start`. Cumulative counts run from `start` to each period's end."""

    names: tuple[str, ...]
    start: float
    period_days: int
    period_ends: np.ndarray
    quantiles: tuple[float, ...]
    per_period: np.ndarray
    cumulative: np.ndarray
    explosive: bool


def predictive_ranges(paths: PathSet, *, period_days: int = 30,
                      quantiles: Sequence[float] = DEFAULT_QUANTILES) -> FanData:
    """The data of a fan chart: quantiles of the per-period and cumulative counts across paths."""
    if period_days < 1:
        raise ValueError(f"period_days must be at least 1, got {period_days}")
    days = paths.counts.shape[1]
    edges = np.arange(0, days, period_days)
    per_period = np.add.reduceat(paths.counts, edges, axis=1)  # (paths, P, D)
    cumulative = np.cumsum(per_period, axis=1)
    qs = tuple(float(q) for q in quantiles)
    ends = np.minimum(edges + period_days, days)
    return FanData(paths.names, paths.start, period_days, ends, qs, np.quantile(per_period, qs, axis=0),
                   np.quantile(cumulative, qs, axis=0), paths.explosive)


@dataclass(frozen=True, slots=True)
class SeriesChange:
    """A scenario against the baseline for one series, over the whole horizon (cumulative counts)."""

    name: str
    baseline_median: float
    scenario_median: float
    difference: float  # scenario − baseline medians
    ratio: float  # scenario / baseline medians (inf when the baseline median is 0 and the scenario's is not)
    baseline_range: tuple[float, float]  # outermost quantiles
    scenario_range: tuple[float, float]


@dataclass(frozen=True, slots=True)
class Comparison:
    """Per series changes, and the (P, D) differences of the cumulative medians period by period."""

    series: list[SeriesChange]
    median_difference: np.ndarray
    explosive: bool


def compare(baseline: FanData, scenario: FanData) -> Comparison:
    """The scenario's medians and ranges against the baseline's. Both fans need the same series, periods
    and quantiles, including 0.5."""
    if (baseline.names, baseline.quantiles, baseline.period_days) != (scenario.names, scenario.quantiles,
                                                                       scenario.period_days):
        raise ValueError("the fans differ in series, quantiles or periods; build both with the same settings")
    if baseline.cumulative.shape != scenario.cumulative.shape:
        raise ValueError("the fans cover different horizons; simulate both for the same number of days")
    if 0.5 not in baseline.quantiles:
        raise ValueError(f"comparison needs the median among the quantiles, got {baseline.quantiles}")
    mid = baseline.quantiles.index(0.5)
    lo, hi = 0, len(baseline.quantiles) - 1
    changes = []
    for j, name in enumerate(baseline.names):
        b, s = baseline.cumulative[:, -1, j], scenario.cumulative[:, -1, j]
        ratio = float(s[mid] / b[mid]) if b[mid] > 0 else (1.0 if s[mid] == 0 else float("inf"))
        changes.append(SeriesChange(name, float(b[mid]), float(s[mid]), float(s[mid] - b[mid]), ratio,
                                    (float(b[lo]), float(b[hi])), (float(s[lo]), float(s[hi]))))
    difference = scenario.cumulative[mid] - baseline.cumulative[mid]
    return Comparison(changes, difference, baseline.explosive or scenario.explosive)
