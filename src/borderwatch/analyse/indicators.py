"""Indicators for `borderwatch stats`: tallies, year-on-year change, the escalation ladder and its index.

Single passes over `EventPoint`s with dicts, no pandas: a million points tally in a few seconds. Every
rule is written out in docs/indicators.md, with what each number does not mean.
"""

from __future__ import annotations

import enum
import functools
import operator
import re
import types
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import product

from borderwatch.analyse.series import (
    DEFAULT_THEATRE,
    AnalysisError,
    EventPoint,
    StateForce,
    load_series_pack,
)
from borderwatch.model import BATTLES, EXPLOSIONS, VIOLENT_EVENT_TYPES, Precision


class Period(enum.StrEnum):
    """Calendar periods, finest first. Weeks are ISO weeks (Monday to Sunday, "2022-W09")."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


_COARSENESS = types.MappingProxyType({p: i for i, p in enumerate(Period)})
# The finest period a date of each precision can be put in. A season does not fit a calendar quarter
# (winter straddles the new year), so season-precise events go to their year.
_FINEST_PERIOD = types.MappingProxyType({
    Precision.DAY: Period.DAY, Precision.WEEK: Period.WEEK, Precision.MONTH: Period.MONTH,
    Precision.SEASON: Period.YEAR, Precision.YEAR: Period.YEAR})

UNKNOWN_SIDE = "?"  # how a missing actor is written in a dyad ("TTP→?")


def as_period(period: str | Period) -> Period:
    try:
        return Period(period)
    except ValueError:
        choices = ", ".join(p.value for p in Period)
        raise AnalysisError(f"unknown period {period!r}; use one of: {choices}") from None


def period_label(day: date, period: Period) -> str:
    """'2022-03-05', '2022-W09', '2022-03', '2022-Q1' or '2022'."""
    if period is Period.DAY:
        return day.isoformat()
    if period is Period.WEEK:
        year, week, _ = day.isocalendar()
        return f"{year:04d}-W{week:02d}"
    if period is Period.MONTH:
        return f"{day.year:04d}-{day.month:02d}"
    if period is Period.QUARTER:
        return f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"
    return f"{day.year:04d}"


def period_start(day: date, period: Period) -> date:
    """The first day of the period `day` is in."""
    if period is Period.DAY:
        return day
    if period is Period.WEEK:
        return day - timedelta(days=day.weekday())
    if period is Period.MONTH:
        return day.replace(day=1)
    if period is Period.QUARTER:
        return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    return date(day.year, 1, 1)


def next_period_start(start: date, period: Period) -> date:
    if period is Period.DAY:
        return start + timedelta(days=1)
    if period is Period.WEEK:
        return start + timedelta(weeks=1)
    months = 1 if period is Period.MONTH else 3 if period is Period.QUARTER else 12
    index = start.year * 12 + start.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def fits(precision: Precision, period: Period) -> bool:
    """Whether an event dated with `precision` can be placed in one `period` (a month-precise event
    cannot be placed in a week)."""
    return _COARSENESS[_FINEST_PERIOD[precision]] <= _COARSENESS[period]


# ---- tallies ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TallyRow:
    """Counts for one period and one combination of `by` values (`key`, in the order of `by`).

    Fatality sums follow the rule in docs/indicators.md: an unknown low counts 0 (ACLED's conservative
    figure), an unknown best falls back to the low, an unknown high to the best; `no_count` is how many
    events had no figure at all, so a reader can tell "0 killed" from "nobody said".
    """

    period: str | None
    key: tuple[str | None, ...]
    events: int
    fatalities_low: int
    fatalities_best: int
    fatalities_high: int
    no_count: int
    contested: int


def _dyad(p: EventPoint) -> tuple[str | None, ...]:
    return (f"{p.actor1 or UNKNOWN_SIDE}→{p.actor2 or UNKNOWN_SIDE}",)


def _pair(p: EventPoint) -> tuple[str | None, ...]:
    a, b = sorted((p.actor1 or UNKNOWN_SIDE, p.actor2 or UNKNOWN_SIDE))
    return (f"{a}–{b}",)


def _either_actor(p: EventPoint) -> tuple[str | None, ...]:
    if p.actor1 == p.actor2 or p.actor2 is None:
        return (p.actor1,)
    return (p.actor2,) if p.actor1 is None else (p.actor1, p.actor2)


# Dimensions read straight from an attribute (fast: operator.attrgetter), and those computed from two
# fields; only "actor" gives two values per event (both sides).
_ATTRIBUTES: Mapping[str, str] = types.MappingProxyType({
    "country": "where", "origin_country": "origin_country", "admin1": "admin1", "admin2": "admin2",
    "actor1": "actor1", "actor2": "actor2", "event_type": "event_type", "sub_event_type": "sub_event_type",
    "source": "source",
})
_COMPUTED: Mapping[str, Callable[[EventPoint], tuple[str | None, ...]]] = types.MappingProxyType({
    "actor": _either_actor, "dyad": _dyad, "pair": _pair,
})
DIMENSIONS = (*_ATTRIBUTES, *_COMPUTED)


def tally(points: Iterable[EventPoint], by: Sequence[str] = (), period: str | Period | None = None
          ) -> list[TallyRow]:
    """Events, fatalities and contested counts per period and per combination of `by` dimensions
    (any of DIMENSIONS). With `period`, an event too coarsely dated for it is put in the finest period
    its date supports (a year-precise event is labelled "2022" in a monthly tally), so totals add up.
    By "actor", an event counts under each of its two sides: rows then sum to more than the events."""
    unknown = [name for name in by if name not in _ATTRIBUTES and name not in _COMPUTED]
    if unknown:
        raise AnalysisError(f"cannot tally by {', '.join(unknown)}; choose from: {', '.join(DIMENSIONS)}")
    label_of = _period_labeller(as_period(period)) if period is not None else _no_period
    keys_of = _keys_function(tuple(by))
    sums: dict[tuple, list[int]] = {}
    for p in points:
        label = label_of(p.day, p.precision)
        low = p.fatalities_low or 0
        best = p.fatalities_best if p.fatalities_best is not None else low
        high = p.fatalities_high if p.fatalities_high is not None else best
        silent = p.fatalities_low is None and p.fatalities_best is None and p.fatalities_high is None
        for key in keys_of(p):
            acc = sums.get((label, key))
            if acc is None:
                acc = sums[(label, key)] = [0, 0, 0, 0, 0, 0]
            acc[0] += 1
            acc[1] += low
            acc[2] += best
            acc[3] += high
            acc[4] += silent
            acc[5] += p.contested
    rows = [TallyRow(label, _plain(key), *acc) for (label, key), acc in sums.items()]
    rows.sort(key=lambda r: (_sortable(r.period), tuple(_sortable(k) for k in r.key)))
    return rows


def _no_period(day: date, precision: Precision) -> None:
    return None


def _keys_function(by: tuple[str, ...]) -> Callable[[EventPoint], Iterable[tuple]]:
    """A function giving the keys an event is tallied under: one attrgetter call in the common case."""
    if all(name in _ATTRIBUTES for name in by):
        if not by:
            return lambda p: ((),)
        get = operator.attrgetter(*(_ATTRIBUTES[name] for name in by))
        if len(by) == 1:
            return lambda p: ((get(p),),)
        return lambda p: (get(p),)
    getters = [_COMPUTED.get(name) or _single(_ATTRIBUTES[name]) for name in by]
    return lambda p: product(*(get(p) for get in getters))


def _single(attribute: str) -> Callable[[EventPoint], tuple]:
    get = operator.attrgetter(attribute)
    return lambda p: (get(p),)


def _plain(key: tuple) -> tuple[str | None, ...]:
    # The source enum is a str subclass; rows carry its plain value.
    return tuple(v.value if isinstance(v, enum.Enum) else v for v in key)


def _sortable(value: str | None) -> tuple[bool, str]:
    return (value is None, value or "")


def _period_labeller(period: Period) -> Callable[[date, Precision], str]:
    """A label function cached per (day, precision): a million events have only a few thousand days."""

    @functools.cache
    def label(day: date, precision: Precision) -> str:
        finest = _FINEST_PERIOD[precision]
        return period_label(day, finest if _COARSENESS[finest] > _COARSENESS[period] else period)

    return label


@dataclass(frozen=True, slots=True)
class ChangeRow:
    """A tally row beside the same period a year before: change and % change of events and of the best
    fatality figure. `*_pct` is None when the year before had none (a rise from zero has no %)."""

    row: TallyRow
    previous_period: str | None
    previous_events: int
    events_change: int
    events_pct: float | None
    previous_fatalities_best: int
    fatalities_change: int
    fatalities_pct: float | None


def year_on_year(rows: Sequence[TallyRow]) -> list[ChangeRow]:
    """Each row against the row with the same key one year earlier ("2022" vs "2021", "2022-03" vs
    "2021-03"). A period missing from `rows` a year earlier counts as zero events; a week 53 or a 29
    February with no counterpart gets previous_period None and zero."""
    index = {(r.period, r.key): r for r in rows}
    out = []
    for r in rows:
        before = year_before(r.period) if r.period is not None else None
        prev = index.get((before, r.key)) if before is not None else None
        prev_events = prev.events if prev else 0
        prev_best = prev.fatalities_best if prev else 0
        out.append(ChangeRow(r, before, prev_events, r.events - prev_events, _pct(r.events, prev_events),
                             prev_best, r.fatalities_best - prev_best, _pct(r.fatalities_best, prev_best)))
    return out


def _pct(now: int, before: int) -> float | None:
    return None if before == 0 else 100.0 * (now - before) / before


_LABEL_RE = re.compile(r"(?P<y>\d{4})(?:-(?P<rest>W\d{2}|Q[1-4]|\d{2}(?:-\d{2})?))?")


def year_before(label: str) -> str | None:
    """The label of the same period one year earlier; None when there is none (2020-W53 -> 2019 had
    no week 53; 2024-02-29 -> None)."""
    m = _LABEL_RE.fullmatch(label)
    if m is None:
        raise AnalysisError(f"not a period label: {label!r}")
    year, rest = int(m.group("y")) - 1, m.group("rest")
    if rest is None:
        return f"{year:04d}"
    if rest.startswith("W"):
        weeks_in_year = date(year, 12, 28).isocalendar()[1]
        return f"{year:04d}-{rest}" if int(rest[1:]) <= weeks_in_year else None
    if len(rest) == 5:
        month, day = int(rest[:2]), int(rest[3:])
        return None if (month, day) == (2, 29) else date(year, month, day).isoformat()
    return f"{year:04d}-{rest}"


# ---- the escalation ladder ----------------------------------------------------------------------


class Rung(enum.IntEnum):
    """Steps of interstate escalation on the border; NONE is off the ladder (not "not violent")."""

    NONE = 0             # non-violent, or a state's forces at home against militants or civilians
    MILITANT_ATTACK = 1  # violence by a non-state armed group (or an unnamed perpetrator)
    BORDER_FIRE = 2      # two states' forces fight, or a state's forces fire across the line
    SHELLING = 3         # artillery, rockets, missiles or other remote fire into the other country
    STRIKE_INSIDE = 4    # an air or drone strike inside the other country
    INCURSION = 5        # ground fighting or ground taken inside the other country


AIR_STRIKE = "Air/drone strike"
# ACLED has no "state takes foreign ground" sub-type; a captured border post is coded as a takeover.
TAKEOVER_SUB_TYPES = frozenset({"Non-state actor overtakes territory", "Government regains territory"})


class Ladder:
    """Which actors act for a state, from which country, on a day (series.yaml `ladder.state_forces`)."""

    __slots__ = ("_forces",)

    def __init__(self, forces: Iterable[StateForce]) -> None:
        by_actor: dict[str, list[StateForce]] = {}
        for force in forces:
            by_actor.setdefault(force.actor, []).append(force)
        self._forces = {actor: tuple(entries) for actor, entries in by_actor.items()}

    def home(self, actor: str | None, day: date) -> str | None:
        """The country `actor` acts for on `day`; None when it is not a state force then."""
        for force in self._forces.get(actor, ()) if actor else ():
            if (force.since is None or day >= force.since) and (force.until is None or day <= force.until):
                return force.country
        return None

    def actors(self) -> frozenset[str]:
        return frozenset(self._forces)


@functools.lru_cache(maxsize=8)
def load_ladder(theatre_name: str = DEFAULT_THEATRE) -> Ladder:
    return Ladder(load_series_pack(theatre_name).state_forces)


def rung(point: EventPoint, ladder: Ladder | None = None) -> Rung:
    """The escalation rung of an event, by the rule below (docs/indicators.md has it in words)."""
    if point.event_type not in VIOLENT_EVENT_TYPES:
        return Rung.NONE
    ladder = ladder or load_ladder()
    home1 = ladder.home(point.actor1, point.day)
    if home1 is None:
        # No militant group here flies aircraft across the border: an unattributed cross-border air
        # strike is a state's, whoever it was.
        if point.cross_border and point.sub_event_type == AIR_STRIKE:
            return Rung.STRIKE_INSIDE
        return Rung.MILITANT_ATTACK
    home2 = ladder.home(point.actor2, point.day)
    where = point.where
    across = point.cross_border or (where is not None and where != home1)
    states_fight = home2 is not None and home2 != home1
    if not across and not states_fight:
        return Rung.NONE  # counter-insurgency or policing at home: not interstate escalation
    if point.sub_event_type == AIR_STRIKE:
        return Rung.STRIKE_INSIDE
    if point.event_type == EXPLOSIONS:
        return Rung.SHELLING
    if point.event_type == BATTLES:
        if across and point.sub_event_type in TAKEOVER_SUB_TYPES:
            return Rung.INCURSION
        if states_fight or point.actor2 is None:
            return Rung.BORDER_FIRE  # the lower reading when nobody on the other side is named
        return Rung.INCURSION  # ground fighting with militants or civilians inside the other country
    return Rung.BORDER_FIRE  # violence against civilians by a state's forces across the line


@dataclass(frozen=True, slots=True)
class IndexRow:
    """One period of the escalation index: `index` = sum of the rung weights of its events (weights =
    the rung number unless given); `by_rung[i]` = events at rung i + 1; `max_rung` and `at_max` say how
    high it went and how often."""

    period: str
    start: date
    events: int
    index: float
    max_rung: Rung
    at_max: int
    by_rung: tuple[int, ...]


def escalation_index(points: Iterable[EventPoint], period: str | Period = "month",
                     weights: Mapping[Rung, float] | None = None, ladder: Ladder | None = None
                     ) -> list[IndexRow]:
    """The escalation index per period from the first to the last period with an event on the ladder,
    empty periods included (index 0). Events dated too coarsely for the period are left out."""
    period = as_period(period)
    ladder = ladder or load_ladder()
    weight = {r: float(r.value) for r in Rung} | dict(weights or {})
    start_of = functools.lru_cache(maxsize=None)(lambda day: period_start(day, period))
    tallies: dict[date, list[int]] = {}
    for p in points:
        if not fits(p.precision, period):
            continue
        level = rung(p, ladder)
        if level is Rung.NONE:
            continue
        counts = tallies.get(start := start_of(p.day))
        if counts is None:
            counts = tallies[start] = [0] * len(Rung)
        counts[level] += 1
    return _index_rows(tallies, period, weight)


def _index_rows(tallies: dict[date, list[int]], period: Period, weight: Mapping[Rung, float]
                ) -> list[IndexRow]:
    if not tallies:
        return []
    rows, start, last, empty = [], min(tallies), max(tallies), [0] * len(Rung)
    while start <= last:
        counts = tallies.get(start, empty)
        top = max((r for r in Rung if counts[r]), default=Rung.NONE)
        rows.append(IndexRow(period_label(start, period), start, sum(counts),
                             sum(weight[r] * counts[r] for r in Rung), top, counts[top] if top else 0,
                             tuple(counts[1:])))
        start = next_period_start(start, period)
    return rows
