"""What both dataset readers share (UCDP GED in `ingest/ucdp.py`, ACLED in `ingest/acled.py`).

Imported events are mapped to this theatre's actor ids, ACLED event types and gazetteer places, marked
with their origin (`Event.source`, `source_id`, `source_actors`) and have no mentions, so they are never
merged with news-coded events. The mapping rules are written down in docs/imports.md; the datasets' own
names live in `theatres/<theatre>/dataset_actors.yaml`.

Reading streams the file one CSV row at a time, so memory stays flat however large it is. A row that
cannot become an event is a `RowProblem` (line and reason) and reading goes on; a file without the
columns an event needs raises `DatasetFormatError` naming them when iteration starts.
"""

from __future__ import annotations

import csv
import functools
import itertools
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path

import yaml

from borderwatch.errors import DatasetFormatError, TheatreError
from borderwatch.extract.mentions import STATE_FORCES_INTER
from borderwatch.gazetteer import Gazetteer, Level, fold_name, split_type_suffix
from borderwatch.merge import distance_km
from borderwatch.model import (
    Event,
    Place,
)
from borderwatch.theatre import Theatre

DATASET_NAMES_FILE = "dataset_actors.yaml"

# UCDP names the point it codes "Karachi Town", "Mamuzai locality", "Datta Khel area": type words the
# gazetteer does not index ("valley" it handles itself).
_LOCATION_TYPE_WORDS = frozenset({"town", "city", "area", "areas", "village", "locality", "suburb"})

# A locality is the one named in the file when it lies this close to the file's coordinates. UCDP's
# where_prec 2 is "within 25 km" of the named place, and gazetteer points are town centres.
MAX_SAME_PLACE_KM = 25.0

# Most side names resolve once and are then served from the table; dictionary readings depend on the
# date (era-limited aliases), so they are cached per (name, day) up to this many.
_DICTIONARY_CACHE_SIZE = 1 << 14


@dataclass(frozen=True, slots=True)
class RowProblem:
    """A row that could not be imported, and why. `line` is the file line the row starts on."""

    line: int
    reason: str


class RowRejected(ValueError):
    """Raised while mapping one row; the readers turn it into a RowProblem and go on."""


# ---- the dataset names (dataset_actors.yaml) ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class ActorRule:
    """What a dataset's side name stands for: actor ids by era (None: known, deliberately no actor),
    or a role (`civilians`, `forces`...) resolved by the event's country and date."""

    eras: tuple[tuple[str | None, date, date], ...] = ()
    generic: str | None = None

    def actor_on(self, theatre: Theatre, country: str | None, when: date) -> str | None:
        if self.generic is not None:
            return theatre.generic_actor(self.generic, country, when)
        for actor_id, first, last in self.eras:
            if first <= when <= last:
                return actor_id
        return None

    def actor_ids(self) -> list[str]:
        return [actor_id for actor_id, _, _ in self.eras if actor_id is not None]


@dataclass(frozen=True, slots=True)
class DatasetNames:
    """One dataset's section of dataset_actors.yaml, keyed by `name_key`, plus the country code tables."""

    dataset: str
    actors: Mapping[str, ActorRule]
    place_names: Mapping[str, str]
    iso_numeric: Mapping[str, str]
    gleditsch_ward: Mapping[str, str]


def name_key(name: str) -> str:
    """How dataset names are compared: trimmed, white space collapsed, case ignored."""
    return " ".join(name.split()).casefold()


@functools.lru_cache(maxsize=8)
def load_dataset_names(theatre_name: str, dataset: str) -> DatasetNames:
    """The `dataset` section ("ucdp", "acled") of a shipped theatre's dataset_actors.yaml (cached)."""
    where = f"{theatre_name}/{DATASET_NAMES_FILE}"
    try:
        source = resources.files("borderwatch.theatres").joinpath(theatre_name, DATASET_NAMES_FILE)
        data = yaml.safe_load(source.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as e:
        raise TheatreError(f"{where} cannot be loaded: {e}") from e
    return parse_dataset_names(data, dataset, where)


def parse_dataset_names(data: object, dataset: str, where: str = DATASET_NAMES_FILE) -> DatasetNames:
    if not isinstance(data, Mapping) or not isinstance(data.get(dataset), Mapping):
        raise TheatreError(f"{where}: expected a mapping with a {dataset!r} section")
    section = data[dataset]
    actors = {name_key(str(name)): _parse_rule(value, f"{where}: {dataset}: {name}")
              for name, value in (section.get("actors") or {}).items()}
    places = {name_key(str(name)): str(value) for name, value in (section.get("place_names") or {}).items()}
    return DatasetNames(dataset, actors, places, _code_table(data, "iso_numeric", where),
                        _code_table(data, "gleditsch_ward", where))


def _code_table(data: Mapping, key: str, where: str) -> dict[str, str]:
    table = data.get(key) or {}
    if not isinstance(table, Mapping):
        raise TheatreError(f"{where}: {key} must map numeric codes to ISO alpha-2 codes")
    return {str(code): str(iso2) for code, iso2 in table.items()}


def _parse_rule(value: object, where: str) -> ActorRule:
    if value is None or isinstance(value, str):
        return ActorRule(eras=((value, date.min, date.max),))
    if isinstance(value, Mapping) and isinstance(value.get("generic"), str):
        return ActorRule(generic=value["generic"])
    if isinstance(value, list) and value:
        return ActorRule(eras=tuple(_parse_era(item, where) for item in value))
    raise TheatreError(f"{where}: expected an actor id, null, a list of {{actor, from, until}} or "
                       f"{{generic: role}}, got {value!r}")


def _parse_era(item: object, where: str) -> tuple[str | None, date, date]:
    if not isinstance(item, Mapping) or "actor" not in item:
        raise TheatreError(f"{where}: an era entry needs an 'actor' key, got {item!r}")
    first, last = item.get("from") or date.min, item.get("until") or date.max
    if not isinstance(first, date) or not isinstance(last, date) or first > last:
        raise TheatreError(f"{where}: 'from'/'until' must be ISO dates in order, got {item!r}")
    return item["actor"], first, last


def check_actor_ids(names: DatasetNames, theatre: Theatre) -> None:
    """Every actor id the table names must be in the theatre's dictionary: a typo would hide events."""
    unknown = sorted({actor_id for rule in names.actors.values() for actor_id in rule.actor_ids()
                      if actor_id not in theatre.actors})
    if unknown:
        raise TheatreError(f"{DATASET_NAMES_FILE} ({names.dataset}) names unknown actor ids {unknown}; "
                           f"add them to actors.yaml or fix the table")
    roles = {role for rule in theatre.generic_rules for role, _ in rule.roles}
    unknown = sorted({rule.generic for rule in names.actors.values() if rule.generic and rule.generic not in roles})
    if unknown:
        raise TheatreError(f"{DATASET_NAMES_FILE} ({names.dataset}) names roles {unknown} that theatre.yaml's "
                           f"generic_by_country does not define ({', '.join(sorted(roles))})")


# ---- side names → actor ids ---------------------------------------------------------------------

# ACLED dates its state actors: "Military Forces of Pakistan (2018-)", "(2013-2018)".
_ERA_LABEL = re.compile(r"\s*\(\s*\d{4}\s*-\s*(?:\d{4})?\s*\)")
# ACLED's "Civilians (Pakistan)", "Peace Committee (Pakistan)": a trailing country qualifier.
_TRAILING_QUALIFIER = re.compile(r"\s*\([^()]*\)\s*$")
# ACLED's "TTP: Tehreek-i-Taliban Pakistan": an acronym and the full name.
_ACRONYM_SPLIT = re.compile(r"^([^:]{1,15}):\s+(.+)$")


def side_name_variants(name: str) -> tuple[str, ...]:
    """The forms of a side name to look up, most specific first: as given; without ACLED's era label;
    the part before the label ("Police Forces of Pakistan (2018-) Frontier Constabulary"); without a
    trailing qualifier; either half of "ACRONYM: Full name"."""
    name = " ".join(name.split())
    forms = [name]
    label = _ERA_LABEL.search(name)
    if label is not None:
        forms += [" ".join(_ERA_LABEL.sub(" ", name).split()), name[:label.start()].strip()]
    for form in list(forms):
        if (bare := _TRAILING_QUALIFIER.sub("", form)) and bare != form:
            forms.append(bare)
    for form in list(forms):
        if (parts := _ACRONYM_SPLIT.match(form)) is not None:
            forms += [parts.group(1).strip(), parts.group(2).strip()]
    return tuple(dict.fromkeys(f for f in forms if f))


class SideNameResolver:
    """Resolves one dataset's side names to actor ids: the table first (every form of the name), then
    the actor dictionary, where the whole form must be one alias. Build one per file read."""

    __slots__ = ("_theatre", "_names", "_rules", "_forces_for_governments", "_dictionary")

    def __init__(self, theatre: Theatre, names: DatasetNames, *, forces_for_governments: bool) -> None:
        self._theatre = theatre
        self._names = names
        self._rules: dict[str, tuple[ActorRule | None, tuple[str, ...]]] = {}
        # A warring side that is a government fights through its forces (UCDP's sides are warring
        # parties); ACLED names governments and forces apart, so it keeps what it says.
        self._forces_for_governments = forces_for_governments
        self._dictionary = functools.lru_cache(maxsize=_DICTIONARY_CACHE_SIZE)(self._dictionary_actor)

    def resolve(self, name: str | None, country: str | None, when: date) -> str | None:
        if not name or not name.strip():
            return None
        found = self._rules.get(name)
        if found is None:
            variants = side_name_variants(name)
            rule = next((self._names.actors[k] for k in map(name_key, variants) if k in self._names.actors),
                        None)
            found = self._rules[name] = (rule, variants)
        rule, variants = found
        if rule is not None:
            return rule.actor_on(self._theatre, country, when)
        for variant in variants:
            actor_id = self._dictionary(variant, when)
            if actor_id is not None:
                return self._theatre.armed_forces(actor_id) if self._forces_for_governments else actor_id
        return None

    def _dictionary_actor(self, text: str, when: date) -> str | None:
        matches = self._theatre.actors.find_actors(text, when)
        if len(matches) == 1 and matches[0].start == 0 and matches[0].end == len(text):
            return matches[0].actor_id
        return None


def state_origin(theatre: Theatre, actor_id: str | None, when: date) -> str | None:
    """Where actor1 acted from, when it is a state's forces: that state. An armed group's home says
    nothing of where it struck from, so it gives none (the rule news-coded events follow too)."""
    if actor_id is None or actor_id not in theatre.actors:
        return None
    actor = theatre.actors.get(actor_id)
    return actor.country if actor.inter_on(when) in STATE_FORCES_INTER else None


def country_code(theatre: Theatre, name: str | None, code: str | None, codes: Mapping[str, str]) -> str:
    """The ISO alpha-2 code of a row's country, from its name or its numeric code; rows outside the
    theatre's countries are rejected."""
    if not name and not code:
        raise RowRejected("no value in column country")
    by_name = {k.casefold(): v for k, v in theatre.country_names}
    found = by_name.get((name or "").strip().casefold()) or codes.get((code or "").strip())
    if found is None or found not in theatre.countries:
        raise RowRejected(f"country {name or code!r} is not in the {theatre.name} theatre "
                          f"({', '.join(theatre.countries)})")
    return found


# ---- places -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PlaceFields:
    """What a row says of where: names as the dataset spells them, coordinates, ACLED geo_precision."""

    country: str
    admin1: str | None
    admin2: str | None
    location: str | None
    lat: float | None
    lon: float | None
    precision: int


class PlaceResolver:
    """Maps a row's place names to the gazetteer's: admin1 and admin2 units by name (within the row's
    country and admin1), the named locality by name and nearness to the row's coordinates. Names it
    cannot read keep the dataset's spelling as the place name, under an id of the dataset's own."""

    __slots__ = ("_gazetteer", "_aliases", "_dataset", "_country_names", "_admin1", "_admin2", "_localities")

    def __init__(self, theatre: Theatre, names: DatasetNames) -> None:
        self._gazetteer: Gazetteer = theatre.gazetteer
        self._aliases = names.place_names
        self._dataset = names.dataset
        self._country_names = {code: name for name, code in theatre.country_names}
        self._admin1: dict[tuple[str, str], Place | None] = {}
        self._admin2: dict[tuple[str, str, str | None], Place | None] = {}
        self._localities: dict[tuple[str, str], tuple[Place, ...]] = {}

    def resolve(self, fields: PlaceFields) -> Place:
        country = fields.country
        admin1 = self._admin1_unit(fields.admin1, country)
        admin2 = self._admin2_unit(fields.admin2, country, admin1)
        if admin1 is None and admin2 is not None:
            admin1 = self._admin1_unit(admin2.admin1, country)
        locality = None
        if fields.precision == Level.LOCALITY:
            locality = self._locality(fields, admin1, admin2)
            if admin2 is None and locality is not None and locality.admin2:
                admin2 = self._admin2_unit(locality.admin2, country, admin1)
            if admin1 is None and locality is not None and locality.admin1:
                admin1 = self._admin1_unit(locality.admin1, country)
        unit = self._unit(fields, locality, admin2, admin1)
        lat, lon = fields.lat, fields.lon
        if (lat is None or lon is None) and unit is not None:
            lat, lon = unit.lat, unit.lon
        inner = locality or admin2
        return Place(
            id=unit.id if unit is not None else self._own_id(fields),
            name=unit.name if unit is not None else self._own_name(fields),
            country=country,
            admin1=admin1.name if admin1 is not None else None,
            admin2=admin2.name if admin2 is not None else None,
            lat=lat,
            lon=lon,
            precision=fields.precision,
            border=bool(inner is not None and inner.border),
        )

    def _unit(self, fields: PlaceFields, locality: Place | None, admin2: Place | None,
              admin1: Place | None) -> Place | None:
        """The gazetteer place standing for the whole row at its precision, when there is one."""
        if fields.precision == Level.LOCALITY:
            return locality
        if fields.precision == Level.ADMIN2:
            return admin2 or self._admin2_unit(fields.location, fields.country, admin1)
        if fields.precision == Level.ADMIN1:
            return admin1 or self._admin1_unit(fields.location, fields.country)
        # Country level: the country itself, unless the row names a smaller area (a road, the LoC).
        country_name = self._country_names.get(fields.country, fields.country)
        if fields.location and fold_name(fields.location) != fold_name(country_name):
            return None
        return next((p for p in self._gazetteer.lookup(country_name)
                     if p.precision == Level.COUNTRY and p.country == fields.country), None)

    def _alias(self, name: str) -> str:
        return self._aliases.get(name_key(name), name)

    def _admin1_unit(self, name: str | None, country: str) -> Place | None:
        if not name:
            return None
        key = (name, country)
        if key not in self._admin1:
            self._admin1[key] = self._gazetteer.admin1_place(self._alias(name), country)
        return self._admin1[key]

    def _admin2_unit(self, name: str | None, country: str, admin1: Place | None) -> Place | None:
        if not name:
            return None
        key = (name, country, admin1.name if admin1 is not None else None)
        if key not in self._admin2:
            self._admin2[key] = self._find_admin2(self._alias(name), country, key[2])
        return self._admin2[key]

    def _find_admin2(self, name: str, country: str, admin1: str | None) -> Place | None:
        # UCDP's frontier regions carry a town: "FR Bannu - Mir Ali" is the unit FR Bannu.
        for form in dict.fromkeys((name, name.split(" - ")[0])):
            units = [p for p in self._gazetteer.lookup(form)
                     if p.precision == Level.ADMIN2 and p.country == country
                     and (admin1 is None or p.admin1 == admin1)]
            if units:
                # "Dera Ismail Khan District" is also a search name of FR Dera Ismail Khan: the unit
                # called exactly that wins.
                key, _ = split_type_suffix(fold_name(form))
                return next((p for p in units if fold_name(p.name) == key), units[0])
        return None

    def _locality(self, fields: PlaceFields, admin1: Place | None, admin2: Place | None) -> Place | None:
        if not fields.location:
            return None
        places = self._locality_candidates(fields.location, fields.country)
        if admin1 is not None:
            places = tuple(p for p in places if p.admin1 == admin1.name) or places
        if admin2 is not None:
            places = tuple(p for p in places if p.admin2 == admin2.name) or places
        if fields.lat is None or fields.lon is None:
            return places[0] if len(places) == 1 else None
        near = [(distance_km(fields.lat, fields.lon, p.lat, p.lon), p.id, p) for p in places
                if p.lat is not None and p.lon is not None]
        best = min(near, default=None)
        return best[2] if best is not None and best[0] <= MAX_SAME_PLACE_KM else None

    def _locality_candidates(self, name: str, country: str) -> tuple[Place, ...]:
        key = (name, country)
        if key not in self._localities:
            found: list[Place] = []
            for form in dict.fromkeys((name, strip_location_type(name))):
                found = [p for p in self._gazetteer.lookup(self._alias(form))
                         if p.precision == Level.LOCALITY and p.country == country]
                if found:
                    break
            self._localities[key] = tuple(found)
        return self._localities[key]

    def _own_name(self, fields: PlaceFields) -> str:
        if fields.precision == Level.LOCALITY and fields.location:
            return strip_location_type(fields.location)
        by_level = {Level.ADMIN2: fields.admin2, Level.ADMIN1: fields.admin1}.get(Level(fields.precision))
        return by_level or fields.location or self._country_names.get(fields.country, fields.country)

    def _own_id(self, fields: PlaceFields) -> str:
        """Stable across re-imports: the dataset, the country and the folded name."""
        return f"{self._dataset}-loc:{fields.country}:{fold_name(self._own_name(fields)).replace(' ', '-')}"


def strip_location_type(name: str) -> str:
    """ "Karachi Town" -> "Karachi", "Mamuzai locality" -> "Mamuzai"; other names unchanged."""
    words = name.split()
    if len(words) > 1 and words[-1].casefold() in _LOCATION_TYPE_WORDS:
        return " ".join(words[:-1])
    return name.strip()


class DatasetMapper:
    """What mapping one file's rows needs: the dataset's names table, and the actor and place resolvers with
    their caches for that read. Each dataset's mapper adds its `event(row)`."""

    __slots__ = ("theatre", "names", "actors", "places")

    def __init__(self, theatre: Theatre, dataset: str, *, forces_for_governments: bool) -> None:
        self.theatre = theatre
        self.names = load_dataset_names(theatre.name, dataset)
        check_actor_ids(self.names, theatre)
        self.actors = SideNameResolver(theatre, self.names, forces_for_governments=forces_for_governments)
        self.places = PlaceResolver(theatre, self.names)


# ---- reading the CSV ----------------------------------------------------------------------------

_DELIMITERS = (",", ";", "\t")


@dataclass(frozen=True, slots=True)
class CsvRow:
    """One data row: the line it starts on, its values by column, and how many columns it lacks."""

    line: int
    values: dict[str, str]
    missing: int


def read_rows(path: str | Path, required: Sequence[str], what: str) -> Iterator[CsvRow | RowProblem]:
    """The rows of a CSV file, streamed. Column names are matched trimmed and lower-cased; a BOM, extra
    columns and `;` or tab delimiters are accepted. A file without the `required` columns raises
    DatasetFormatError naming them."""
    try:
        handle = open(path, encoding="utf-8-sig", errors="replace", newline="")
    except OSError as e:
        raise DatasetFormatError(f"cannot read {what} file {path}: {e.strerror or e}") from e
    with handle:
        first = handle.readline()
        delimiter = max(_DELIMITERS, key=first.count)
        reader = csv.reader(itertools.chain([first], handle), delimiter=delimiter)
        header = [h.strip().lstrip("\ufeff").lower() for h in next(reader, [])]
        missing = [column for column in required if column not in header]
        if missing:
            raise DatasetFormatError(f"{path} is not a {what} file: missing column(s) {', '.join(missing)} "
                                f"(found: {', '.join(h for h in header if h) or 'no header'})")
        yield from _rows(reader, header)


def _rows(reader: Iterator[list[str]], header: list[str]) -> Iterator[CsvRow | RowProblem]:
    ended = 1  # the header is one line
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            yield RowProblem(ended + 1, f"malformed CSV: {e}")
            ended = reader.line_num
            continue
        start, ended = ended + 1, reader.line_num
        if values and any(v.strip() for v in values):
            # A short row lacks its last columns (read as empty); extra fields have no name and are dropped.
            yield CsvRow(start, dict(zip(header, values, strict=False)), max(0, len(header) - len(values)))


def map_rows(path: str | Path, required: Sequence[str], what: str,
             to_event: Callable[[Mapping[str, str]], Event]) -> Iterator[Event | RowProblem]:
    """Each row of a dataset file mapped by `to_event`; a row it rejects becomes a RowProblem."""
    for row in read_rows(path, required, what):
        if isinstance(row, RowProblem):
            yield row
            continue
        try:
            yield to_event(row.values)
        except RowRejected as e:
            short = f" (the row lacks its last {row.missing} columns)" if row.missing else ""
            yield RowProblem(row.line, f"{e}{short}")


def field_text(row: Mapping[str, str], column: str) -> str | None:
    value = row.get(column)
    return value.strip() or None if value is not None else None


def required_text(row: Mapping[str, str], column: str) -> str:
    value = field_text(row, column)
    if value is None:
        raise RowRejected(f"no value in column {column}")
    return value


def field_int(row: Mapping[str, str], column: str, *, required: bool = False) -> int | None:
    """A count: a whole number of at least 0 ("3" or "3.0"); None when empty and not required."""
    value = required_text(row, column) if required else field_text(row, column)
    if value is None:
        return None
    if value.isdigit():
        return int(value)
    try:
        number = float(value)
    except ValueError:
        raise RowRejected(f"{column} is not a number: {value!r}") from None
    if number < 0 or not number.is_integer():
        raise RowRejected(f"{column} is not a whole number of at least 0: {value!r}")
    return int(number)


def field_coordinate(row: Mapping[str, str], column: str, limit: float) -> float | None:
    value = field_text(row, column)
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        raise RowRejected(f"{column} is not a number: {value!r}") from None
    if not -limit <= number <= limit:
        raise RowRejected(f"{column} {value} is out of range")
    return number


def field_code(row: Mapping[str, str], column: str, allowed: Mapping[int, object]) -> int:
    code = field_int(row, column, required=True)
    if code not in allowed:
        raise RowRejected(f"{column} {code} is not one of {', '.join(map(str, allowed))}")
    return code


def iso_day(row: Mapping[str, str], column: str) -> date:
    value = required_text(row, column)
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        raise RowRejected(f"{column} is not a date: {value!r}") from None


