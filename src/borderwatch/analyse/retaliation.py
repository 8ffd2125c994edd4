"""Who answers whom, how fast: response times per ordered dyad, lulls and who breaks them, and the
retaliation chains the texts state ("in retaliation for").

Two views of a dyad A→B (docs/indicators.md):
- the actor view: A = actor1's side, B = actor2's side (actor ids, or coarser sides through `side_of`);
- the country view: cross-border events only, A = the origin country, B = the impact country.
Response times use day-precise events only: a week-precise date is off by up to six days, more than the
answers being measured. Nothing here proves a reply; the next B→A event is only the next one.
"""

from __future__ import annotations

import bisect
import enum
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from borderwatch.analyse.series import AnalysisError, EventPoint
from borderwatch.model import VIOLENT_EVENT_TYPES, Precision

DEFAULT_WINDOWS = (1, 3, 7, 30)
DEFAULT_LULL_DAYS = 30
RESPONSE_PRECISIONS = frozenset({Precision.DAY})
MAX_CHAINS = 10_000  # a bound on stated chains, so a densely linked store cannot explode the output


class DyadView(enum.StrEnum):
    ACTOR = "actor"      # actor1's side → actor2's side
    COUNTRY = "country"  # origin country → impact country, cross-border events only


@dataclass(frozen=True, slots=True)
class WindowShare:
    """Of the `eligible` events, `answered` were answered within `days`. An event too close to the end
    of the data for its window to be seen, and not yet answered, is not eligible (censored)."""

    days: int
    answered: int
    eligible: int

    @property
    def share(self) -> float | None:
        return self.answered / self.eligible if self.eligible else None


Quartiles = tuple[float | None, float | None, float | None]


@dataclass(frozen=True, slots=True)
class DyadResponse:
    """The response-time distribution of one ordered dyad: from each A→B event to the next B→A event.

    `quartiles` are Kaplan–Meier estimates (25th, 50th, 75th percentile, in days) that count the
    never-answered events as censored at the end of the data; None where the estimate never gets there
    (fewer than half answered: no median). `answered_quartiles` are of the answered events only, which
    is biased short. `same_day` counts A→B events with a B→A event the same day, whose order is unknown.
    """

    view: DyadView
    side_a: str
    side_b: str
    events: int
    answered: int
    censored: int
    same_day: int
    quartiles: Quartiles
    answered_quartiles: Quartiles
    within: tuple[WindowShare, ...]


def dyad_of(point: EventPoint, view: DyadView, side_of: Mapping[str, str] | None = None
            ) -> tuple[str, str] | None:
    """The ordered (A, B) of an event in a view; None when a side is unknown or both are the same."""
    if view is DyadView.COUNTRY:
        a, b = (point.origin_country, point.impact_country) if point.cross_border else (None, None)
    else:
        a, b = point.actor1, point.actor2
        if side_of:
            a, b = side_of.get(a, a) if a else None, side_of.get(b, b) if b else None
    return (a, b) if a and b and a != b else None


def response_times(points: Iterable[EventPoint], view: str | DyadView = DyadView.ACTOR,
                   side_of: Mapping[str, str] | None = None, windows: Sequence[int] = DEFAULT_WINDOWS,
                   min_lag_days: int = 1, end: date | None = None) -> list[DyadResponse]:
    """For each ordered dyad with events, the time from each A→B event to the next B→A event at least
    `min_lag_days` later (1: the next day or later, since the order within a day is unknown; 0 counts a
    same-day B→A event as an answer). `end` is the last day the data covers (default: its last event)."""
    view = _view(view)
    if min_lag_days < 0:
        raise AnalysisError("min_lag_days must be 0 or more")
    days = _dyad_days(points, view, side_of)
    if not days:
        return []
    last = end.toordinal() if end is not None else max(max(d) for d in days.values())
    rows = []
    for (a, b), outgoing in sorted(days.items()):
        answers = sorted(set(days.get((b, a), ())))
        rows.append(_dyad_response(view, a, b, sorted(outgoing), answers, last, windows, min_lag_days))
    return rows


def _view(view: str | DyadView) -> DyadView:
    try:
        return DyadView(view)
    except ValueError:
        raise AnalysisError(f"unknown dyad view {view!r}; use 'actor' or 'country'") from None


def _dyad_days(points: Iterable[EventPoint], view: DyadView, side_of: Mapping[str, str] | None
               ) -> dict[tuple[str, str], list[int]]:
    days: dict[tuple[str, str], list[int]] = {}
    for p in points:
        if p.precision not in RESPONSE_PRECISIONS or p.event_type not in VIOLENT_EVENT_TYPES:
            continue
        dyad = dyad_of(p, view, side_of)
        if dyad is not None:
            days.setdefault(dyad, []).append(p.day.toordinal())
    return days


def _dyad_response(view: DyadView, a: str, b: str, outgoing: list[int], answers: list[int], last: int,
                   windows: Sequence[int], min_lag: int) -> DyadResponse:
    answer_set = set(answers)
    gaps: list[int] = []       # answered: days to the answer
    waits: list[int] = []      # censored: days seen without an answer
    for t in outgoing:
        i = bisect.bisect_left(answers, t + min_lag)
        if i < len(answers) and answers[i] <= last:
            gaps.append(answers[i] - t)
        else:
            waits.append(max(last - t, 0))
    # Every answered event saw its whole window; a censored one only when it waited at least n days.
    within = tuple(WindowShare(n, sum(g <= n for g in gaps), len(gaps) + sum(w >= n for w in waits))
                   for n in windows)
    same_day = sum(t in answer_set for t in outgoing)
    return DyadResponse(view, a, b, len(outgoing), len(gaps), len(waits), same_day,
                        kaplan_meier_quartiles(gaps, waits), _plain_quartiles(gaps), within)


def kaplan_meier_quartiles(times: Sequence[float], censored: Sequence[float]) -> Quartiles:
    """The 25th/50th/75th percentile of a waiting time from observed `times` and right-`censored` waits
    (Kaplan–Meier: the smallest t where the share still waiting falls to 75/50/25% or below)."""
    if not times:
        return (None, None, None)
    observed = Counter(times)
    at_risk = len(times) + len(censored)
    dropouts = Counter(censored)
    survival, crossing = 1.0, {}
    for t in sorted(set(observed) | set(dropouts)):
        if t in observed:
            survival *= 1.0 - observed[t] / at_risk
            for q in (0.25, 0.5, 0.75):
                if q not in crossing and survival <= 1.0 - q + 1e-12:
                    crossing[q] = float(t)
        at_risk -= observed.get(t, 0) + dropouts.get(t, 0)  # censored at t were at risk at t
    return crossing.get(0.25), crossing.get(0.5), crossing.get(0.75)


def _plain_quartiles(values: Sequence[int]) -> Quartiles:
    if not values:
        return (None, None, None)
    q1, q2, q3 = np.percentile(np.asarray(values, dtype=float), [25, 50, 75])
    return float(q1), float(q2), float(q3)


# ---- lulls --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Lull:
    """A stretch of at least the threshold's days with no event: from the day after `last_event` to the
    day before `resumed` (None: still quiet when the data ends). `breakers` are the actor1 (side) of the
    events on the day violence resumed, sorted, None for an unnamed perpetrator."""

    last_event: date
    resumed: date | None
    quiet_days: int
    breakers: tuple[str | None, ...]


def lulls(points: Iterable[EventPoint], threshold_days: int = DEFAULT_LULL_DAYS,
          pair: tuple[str, str] | None = None, view: str | DyadView = DyadView.ACTOR,
          side_of: Mapping[str, str] | None = None, end: date | None = None) -> list[Lull]:
    """Quiet stretches of at least `threshold_days` days in the violent, day-precise events of the whole
    theatre, or of one dyad (`pair`, either direction, in the view given). With `end`, a stretch still
    quiet at `end` is returned too, with `resumed` None."""
    if threshold_days < 1:
        raise AnalysisError("threshold_days must be at least 1")
    view = _view(view)
    wanted = frozenset(pair) if pair else None
    by_day: dict[date, set[str | None]] = {}
    for p in points:
        if p.precision not in RESPONSE_PRECISIONS or p.event_type not in VIOLENT_EVENT_TYPES:
            continue
        if wanted is not None:
            dyad = dyad_of(p, view, side_of)
            if dyad is None or frozenset(dyad) != wanted:
                continue
        actor = side_of.get(p.actor1, p.actor1) if side_of and p.actor1 else p.actor1
        by_day.setdefault(p.day, set()).add(actor)
    days = sorted(by_day)
    found = [Lull(before, after, (after - before).days - 1, _sorted_actors(by_day[after]))
             for before, after in zip(days, days[1:], strict=False)
             if (after - before).days - 1 >= threshold_days]
    if end is not None and days and (end - days[-1]).days >= threshold_days:
        found.append(Lull(days[-1], None, (end - days[-1]).days, ()))
    return found


def _sorted_actors(actors: set[str | None]) -> tuple[str | None, ...]:
    return tuple(sorted(actors, key=lambda a: (a is None, a or "")))


def lull_breakers(found: Iterable[Lull]) -> list[tuple[str | None, int]]:
    """How many lulls each actor broke, most first; when several actors struck on the day a lull ended,
    each is counted as a breaker of it."""
    counts = Counter(actor for lull in found for actor in lull.breakers)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0] is None, item[0] or ""))


# ---- stated links -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StatedLink:
    """A `responds_to` link: `response` answers `target`. `lag_days` is None when the target is not in
    the data; `exact` when both are day-precise (else the lag is only as good as the coarser date)."""

    response: str
    target: str
    lag_days: int | None
    exact: bool


@dataclass(frozen=True, slots=True)
class StatedSummary:
    """How stated retaliations relate in time to what they answer. Shares use exact lags only; a
    negative lag (the answer dated before its cause) is a coding or dating error and is counted apart."""

    links: int
    unresolved: int
    inexact: int
    negative: int
    median_lag: float | None
    within: tuple[WindowShare, ...]


def stated_links(points: Iterable[EventPoint]) -> list[StatedLink]:
    """Every `responds_to` link of the events, with the lag in days from the target to the response."""
    points = list(points)
    by_id = {p.id: p for p in points}
    out = []
    for p in points:
        for target_id in p.responds_to:
            target = by_id.get(target_id)
            if target is None:
                out.append(StatedLink(p.id, target_id, None, False))
                continue
            exact = p.precision in RESPONSE_PRECISIONS and target.precision in RESPONSE_PRECISIONS
            out.append(StatedLink(p.id, target_id, (p.day - target.day).days, exact))
    return out


def stated_summary(links: Sequence[StatedLink], windows: Sequence[int] = DEFAULT_WINDOWS) -> StatedSummary:
    """The share of stated retaliations that came within N days of what they answer."""
    lags = [link.lag_days for link in links
            if link.exact and link.lag_days is not None and link.lag_days >= 0]
    unresolved = sum(link.lag_days is None for link in links)
    inexact = sum(link.lag_days is not None and not link.exact for link in links)
    negative = sum(link.exact and link.lag_days is not None and link.lag_days < 0 for link in links)
    median = float(np.median(lags)) if lags else None
    within = tuple(WindowShare(n, sum(lag <= n for lag in lags), len(lags)) for n in windows)
    return StatedSummary(len(links), unresolved, inexact, negative, median, within)


def response_chains(links: Iterable[StatedLink], max_chains: int = MAX_CHAINS) -> list[tuple[str, ...]]:
    """The chains of stated retaliation, first event first ("A", "B answers A", "C answers B"): every
    maximal path through the resolved links, from an event that answers nothing in the data."""
    answered_by: dict[str, list[str]] = {}
    answers: set[str] = set()
    for link in links:
        if link.lag_days is not None:
            answered_by.setdefault(link.target, []).append(link.response)
            answers.add(link.response)
    chains: list[tuple[str, ...]] = []
    # Depth-first with an explicit stack: a long chain must not hit Python's recursion limit.
    stack = [(root,) for root in sorted(set(answered_by) - answers, reverse=True)]
    while stack and len(chains) < max_chains:
        path = stack.pop()
        nexts = [r for r in answered_by.get(path[-1], ()) if r not in path]  # a cycle is a coding error
        if not nexts:
            if len(path) > 1:
                chains.append(path)
            continue
        stack.extend((*path, r) for r in sorted(nexts, reverse=True))
    return chains
