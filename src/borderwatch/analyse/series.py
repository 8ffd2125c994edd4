"""The flat analysis record (`EventPoint`) and the named actor-series the models work on.

Every analysis in `borderwatch.analyse` works on `EventPoint`s: one small frozen record per event, built
once from the store, with the fields the indicators, the retaliation tables and the models need. Named
series ("PAK strikes in AF", "TTP attacks") are data in the theatre pack's `series.yaml`, so a second
theatre brings its own series with no code change; see docs/indicators.md for the rules.
"""

from __future__ import annotations

import functools
import types
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from importlib import resources

import numpy as np
import yaml

from borderwatch.errors import AnalysisError, TheatreError
from borderwatch.model import Event, EventSource, LinkKind, Precision

DEFAULT_THEATRE = "afpak"
SERIES_FILE = "series.yaml"

# Only events dated to the day or the week go into daily and weekly series: a month-precise event put on
# the 1st of its month would make a spike that never happened. Coarser events still count in monthly and
# yearly indicators (`indicators.tally`), where their precision is enough.
SERIES_PRECISIONS = frozenset({Precision.DAY, Precision.WEEK})

_CONDITION_KEYS = ("actor1", "actor2", "actor", "event_type", "sub_event_type", "country", "origin_country",
                   "admin1", "source", "cross_border")
_SERIES_KEYS = frozenset({"name", "description", "any_of", *_CONDITION_KEYS})
_FORCE_KEYS = frozenset({"actor", "country", "from", "until"})


@dataclass(frozen=True, slots=True)
class EventPoint:
    """One event as the analyses see it: a day, a type, a place, two sides and the death toll."""

    id: str
    source: EventSource
    day: date
    precision: Precision
    event_type: str
    sub_event_type: str
    country: str | None
    admin1: str | None
    admin2: str | None
    lat: float | None
    lon: float | None
    actor1: str | None
    actor2: str | None
    fatalities_low: int | None
    fatalities_best: int | None
    fatalities_high: int | None
    contested: bool
    origin_country: str | None
    impact_country: str | None
    cross_border: bool
    responds_to: tuple[str, ...] = ()  # ids of events this one answers

    @property
    def where(self) -> str | None:
        """The country the event happened in: where it landed when known, else the coded country."""
        return self.impact_country or self.country


def point_of(event: Event) -> EventPoint | None:
    """The analysis record of an event; None when the event has no date (it cannot be placed in time)."""
    if event.date is None:
        return None
    place = event.place
    return EventPoint(
        id=event.id, source=event.source, day=event.date.start, precision=event.date.precision,
        event_type=event.event_type, sub_event_type=event.sub_event_type, country=event.country,
        admin1=place.admin1 if place else None, admin2=place.admin2 if place else None,
        lat=place.lat if place else None, lon=place.lon if place else None,
        actor1=event.actor1, actor2=event.actor2,
        fatalities_low=event.fatalities_low, fatalities_best=event.fatalities_best,
        fatalities_high=event.fatalities_high, contested=event.contested,
        origin_country=event.origin_country, impact_country=event.impact_country,
        cross_border=event.cross_border,
        responds_to=tuple(link.target for link in event.links
                          if link.kind is LinkKind.RESPONDS_TO and link.target is not None),
    )


def point_from_row(row: Mapping[str, object]) -> EventPoint | None:
    """The analysis record of a stored event row (`Store.flat_events`); None when it has no date."""
    if row["date_start"] is None:
        return None
    return EventPoint(
        id=row["id"], source=EventSource(row["source"]), day=date.fromisoformat(row["date_start"]),
        precision=Precision(row["date_precision"]), event_type=row["event_type"],
        sub_event_type=row["sub_event_type"], country=row["country"], admin1=row["admin1"],
        admin2=row["admin2"], lat=row["latitude"], lon=row["longitude"], actor1=row["actor1"],
        actor2=row["actor2"], fatalities_low=row["fatalities_low"], fatalities_best=row["fatalities_best"],
        fatalities_high=row["fatalities_high"], contested=bool(row["contested"]),
        origin_country=row["origin_country"], impact_country=row["impact_country"],
        cross_border=bool(row["cross_border"]), responds_to=tuple(row.get("responds_to", ())),
    )


def load_points(store, sources: Sequence[EventSource | str] | None = None) -> list[EventPoint]:
    """Every dated event of the store as an analysis record, oldest first; `sources` limits them to
    news-coded and/or imported events (default: all, which an analysis should keep apart by `source`)."""
    wanted = None if sources is None else [EventSource(s) for s in sources]
    points = (point_from_row(row) for row in store.flat_events(sources=wanted))
    return [p for p in points if p is not None]


# ---- named series -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Condition:
    """What an event must be to fall in a series; an empty set or None means "any". Within a field any
    listed value matches; all the fields given must match."""

    actor1: frozenset[str] = frozenset()
    actor2: frozenset[str] = frozenset()
    actor: frozenset[str] = frozenset()  # either side
    event_type: frozenset[str] = frozenset()
    sub_event_type: frozenset[str] = frozenset()
    country: frozenset[str] = frozenset()  # where it happened (`EventPoint.where`)
    origin_country: frozenset[str] = frozenset()
    admin1: frozenset[str] = frozenset()
    source: frozenset[str] = frozenset()
    cross_border: bool | None = None

    def matches(self, p: EventPoint) -> bool:
        # Ordered cheapest and most selective first: most events fail on actor1 or type.
        return ((not self.actor1 or p.actor1 in self.actor1)
                and (not self.event_type or p.event_type in self.event_type)
                and (not self.sub_event_type or p.sub_event_type in self.sub_event_type)
                and (not self.actor2 or p.actor2 in self.actor2)
                and (not self.actor or p.actor1 in self.actor or p.actor2 in self.actor)
                and (not self.country or p.where in self.country)
                and (not self.origin_country or p.origin_country in self.origin_country)
                and (not self.admin1 or p.admin1 in self.admin1)
                and (not self.source or p.source.value in self.source)
                and (self.cross_border is None or p.cross_border is self.cross_border))

    def actor_ids(self) -> frozenset[str]:
        return self.actor1 | self.actor2 | self.actor


@dataclass(frozen=True, slots=True)
class SeriesSpec:
    """A named series: events matching `where` and, when `any_of` is given, at least one of its clauses."""

    name: str
    description: str
    where: Condition
    any_of: tuple[Condition, ...] = ()

    def matches(self, p: EventPoint) -> bool:
        return self.where.matches(p) and (not self.any_of or any(c.matches(p) for c in self.any_of))

    def actor_ids(self) -> frozenset[str]:
        return self.where.actor_ids().union(*(c.actor_ids() for c in self.any_of))


@dataclass(frozen=True, slots=True)
class StateForce:
    """An actor that acts for a state on the escalation ladder, and the country it acts from, in an era."""

    actor: str
    country: str
    since: date | None = None
    until: date | None = None


@dataclass(frozen=True, slots=True)
class SeriesPack:
    """What a theatre's series.yaml holds: the named series, the ladder's state forces, and the days the
    models let the background rate change (regime breaks, e.g. a change of government)."""

    series: tuple[SeriesSpec, ...]
    state_forces: tuple[StateForce, ...]
    regime_breaks: tuple[date, ...] = ()
    scenarios: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # name -> edits (scenarios.parse_edit)


def load_series(theatre_name: str = DEFAULT_THEATRE) -> tuple[SeriesSpec, ...]:
    """The named series shipped in a theatre pack's series.yaml."""
    return load_series_pack(theatre_name).series


@functools.lru_cache(maxsize=8)
def load_series_pack(theatre_name: str = DEFAULT_THEATRE) -> SeriesPack:
    """The whole series.yaml of a theatre pack, parsed and checked (cached: packs are immutable)."""
    where = f"{theatre_name}/{SERIES_FILE}"
    try:
        resource = resources.files("borderwatch.theatres") / theatre_name / SERIES_FILE
        text = resource.read_text(encoding="utf-8")
        data = yaml.safe_load(text)
    except (OSError, yaml.YAMLError) as e:
        raise TheatreError(f"theatre {theatre_name!r}: {SERIES_FILE} cannot be read: {e}") from e
    return parse_series_pack(data, where)


def read_series_file(path) -> SeriesPack:
    """A series pack from a YAML file of the series.yaml shape (an analyst's own series)."""
    from pathlib import Path

    file = Path(path)
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as e:
        raise TheatreError(f"cannot read series file {file}: {e}") from e
    return parse_series_pack(data, str(file))


def parse_series_pack(data: object, where: str = SERIES_FILE) -> SeriesPack:
    """Check and build a series pack from its YAML mapping; TheatreError names what is wrong."""
    if not isinstance(data, Mapping) or not isinstance(data.get("series"), list):
        raise TheatreError(f"{where}: expected a mapping with a 'series' list")
    specs = tuple(_series_spec(entry, f"{where}: series #{i + 1}") for i, entry in enumerate(data["series"]))
    names = [s.name for s in specs]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise TheatreError(f"{where}: series names must be unique; repeated: {', '.join(duplicates)}")
    ladder = data.get("ladder") or {}
    forces = tuple(_state_force(entry, f"{where}: ladder.state_forces #{i + 1}")
                   for i, entry in enumerate(ladder.get("state_forces") or ()))
    breaks = []
    for i, entry in enumerate(data.get("regimes") or ()):
        day = entry.get("from") if isinstance(entry, Mapping) else None
        if not isinstance(day, date):
            raise TheatreError(f"{where}: regimes #{i + 1} needs a 'from' date (YYYY-MM-DD)")
        breaks.append(day)
    scenarios = {}
    for name, edits in (data.get("scenarios") or {}).items():
        if isinstance(edits, str):
            edits = [edits]
        if not isinstance(edits, list) or not all(isinstance(e, str) for e in edits):
            raise TheatreError(f"{where}: scenario {name!r} must be a list of edits like 'alpha[A <- B]=1'")
        scenarios[str(name)] = tuple(edits)
    return SeriesPack(specs, forces, tuple(sorted(breaks)), types.MappingProxyType(scenarios))


def _series_spec(entry: object, where: str) -> SeriesSpec:
    if not isinstance(entry, Mapping) or not entry.get("name"):
        raise TheatreError(f"{where}: each series needs at least a 'name'")
    unknown = set(entry) - _SERIES_KEYS
    if unknown:
        raise TheatreError(f"{where} ({entry['name']}): unknown keys {sorted(unknown)}; "
                           f"allowed: {sorted(_SERIES_KEYS)}")
    clauses = entry.get("any_of") or []
    if not isinstance(clauses, list):
        raise TheatreError(f"{where} ({entry['name']}): 'any_of' must be a list of conditions")
    return SeriesSpec(name=str(entry["name"]), description=str(entry.get("description") or "").strip(),
                      where=_condition(entry, where),
                      any_of=tuple(_condition(c, f"{where} any_of #{i + 1}") for i, c in enumerate(clauses)))


def _condition(entry: object, where: str) -> Condition:
    if not isinstance(entry, Mapping):
        raise TheatreError(f"{where}: a condition must be a mapping")
    unknown = set(entry) - _SERIES_KEYS
    if unknown:
        raise TheatreError(f"{where}: unknown condition keys {sorted(unknown)}")
    values: dict[str, object] = {}
    for key in _CONDITION_KEYS:
        if key not in entry:
            continue
        value = entry[key]
        if key == "cross_border":
            if not isinstance(value, bool):
                raise TheatreError(f"{where}: 'cross_border' must be true or false")
            values[key] = value
        else:
            items = value if isinstance(value, list) else [value]
            values[key] = frozenset(str(v) for v in items)
    return Condition(**values)


def _state_force(entry: object, where: str) -> StateForce:
    if not isinstance(entry, Mapping) or not entry.get("actor") or not entry.get("country"):
        raise TheatreError(f"{where}: each state force needs an 'actor' and a 'country'")
    unknown = set(entry) - _FORCE_KEYS
    if unknown:
        raise TheatreError(f"{where}: unknown keys {sorted(unknown)}")
    since, until = entry.get("from"), entry.get("until")
    for bound in (since, until):
        if bound is not None and not isinstance(bound, date):
            raise TheatreError(f"{where}: 'from' and 'until' must be ISO dates (YYYY-MM-DD)")
    return StateForce(str(entry["actor"]), str(entry["country"]), since, until)


def series_of(point: EventPoint, specs: Iterable[SeriesSpec]) -> list[str]:
    """The names of the series an event falls in (series may overlap: one event can be in several)."""
    return [s.name for s in specs if s.matches(point)]


# ---- counts -------------------------------------------------------------------------------------


def daily_counts(points: Iterable[EventPoint], specs: Sequence[SeriesSpec], start: date | None = None,
                 end: date | None = None) -> tuple[tuple[date, ...], np.ndarray]:
    """Events per day per series, from `start` to `end` inclusive (default: the first and last day of a
    matching day- or week-precise event). Returns the days and an int64 array of shape (n_days, D), D =
    len(specs), columns in the order of `specs`. Only day- and week-precise events are counted (a
    week-precise one on its coded start day); events outside the range are left out."""
    hits = _series_hits(points, specs)
    first, last = _range(hits, start, end)
    n_days = (last - first).days + 1
    counts = np.zeros((n_days, len(specs)), dtype=np.int64)
    for day, column in hits:
        row = (day - first).days
        if 0 <= row < n_days:
            counts[row, column] += 1
    return tuple(first + timedelta(days=i) for i in range(n_days)), counts


def weekly_counts(points: Iterable[EventPoint], specs: Sequence[SeriesSpec], start: date | None = None,
                  end: date | None = None) -> tuple[tuple[date, ...], np.ndarray]:
    """Events per week (Monday to Sunday, labelled by the Monday) per series; the same rules as
    `daily_counts`, the range widened to whole weeks."""
    hits = _series_hits(points, specs)
    first, last = _range(hits, start, end)
    first -= timedelta(days=first.weekday())
    n_weeks = (last - first).days // 7 + 1
    counts = np.zeros((n_weeks, len(specs)), dtype=np.int64)
    lo, hi = start or first, end or last
    for day, column in hits:
        if lo <= day <= hi:
            counts[(day - first).days // 7, column] += 1
    return tuple(first + timedelta(weeks=i) for i in range(n_weeks)), counts


def _series_hits(points: Iterable[EventPoint], specs: Sequence[SeriesSpec]) -> list[tuple[date, int]]:
    """(day, series column) for every day/week-precise event in every series it matches."""
    if not specs:
        raise AnalysisError("no series given: pass at least one SeriesSpec (see load_series())")
    indexed = tuple(enumerate(specs))
    return [(p.day, column) for p in points if p.precision in SERIES_PRECISIONS
            for column, spec in indexed if spec.matches(p)]


def _range(hits: list[tuple[date, int]], start: date | None, end: date | None) -> tuple[date, date]:
    if (start is None or end is None) and not hits:
        raise AnalysisError("no day- or week-precise event falls in any series: give start and end, or "
                            "check the series definitions against the data")
    first = start or min(day for day, _ in hits)
    last = end or max(day for day, _ in hits)
    if last < first:
        raise AnalysisError(f"the range ends ({last}) before it starts ({first})")
    return first, last
