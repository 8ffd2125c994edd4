"""ACLED exports → Events: one per row, mapped to this theatre's actors and gazetteer places.

ACLED's event types are borderwatch's vocabulary, so they are kept as they are; actors, places, dates
and countries are mapped by the rules in docs/imports.md, with the shared machinery of `ingest/datasets.py`.
The export is streamed a row at a time (memory stays flat for a multi-gigabyte file); `,`, `;` and tab
delimited files, a BOM, any column order and extra columns are accepted.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date, datetime, timedelta
from pathlib import Path

from borderwatch.ingest.datasets import (
    DatasetMapper,
    PlaceFields,
    RowProblem,
    RowRejected,
    country_code,
    field_code,
    field_coordinate,
    field_int,
    field_text,
    map_rows,
    required_text,
    state_origin,
)
from borderwatch.model import DateRange, Event, EventSource, Precision
from borderwatch.theatre import Theatre

# Columns without which a row cannot become an event; admin1-3, location, latitude, longitude,
# geo_precision, time_precision, iso and the rest are used when present.
ACLED_REQUIRED_COLUMNS = (
    "event_id_cnty", "event_date", "event_type", "sub_event_type", "actor1", "actor2", "country",
    "fatalities",
)

# ACLED's time_precision: 1 the day; 2 the week; 3 the month. ACLED codes a day inside the week or month
# the source gives; the range is that calendar unit, as for news-coded dates (Monday-Sunday weeks).
ACLED_TIME_PRECISION = {1: Precision.DAY, 2: Precision.WEEK, 3: Precision.MONTH}

# ACLED's geo_precision is ours: 1 the named town, 2 part of a district, 3 part of a province.
ACLED_GEO_PRECISION = {1: 1, 2: 2, 3: 3}

# Spellings of event_date seen in ACLED downloads besides ISO: the API's "18 March 2024", older
# exports' "18-March-2024", and spreadsheet re-saves ("18-Mar-24" is ambiguous and not accepted).
_DATE_FORMATS = ("%d %B %Y", "%d-%B-%Y", "%d %b %Y", "%d-%b-%Y", "%B %d, %Y")


def parse_event_date(value: str) -> date:
    """ACLED's event_date: "2024-03-18" or "18 March 2024" (and the spellings in _DATE_FORMATS)."""
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        pass
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise RowRejected(f"event_date is not a date: {value!r}")


def acled_date_range(day: date, precision: Precision) -> DateRange:
    """The calendar unit of the given precision that holds ACLED's coded day."""
    if precision is Precision.WEEK:
        monday = day - timedelta(days=day.weekday())
        return DateRange(monday, monday + timedelta(days=6), precision)
    if precision is Precision.MONTH:
        first = day.replace(day=1)
        following = (first + timedelta(days=31)).replace(day=1)
        return DateRange(first, following - timedelta(days=1), precision)
    return DateRange(day, day, Precision.DAY)


class _AcledMapper(DatasetMapper):
    """Maps ACLED rows of one file."""

    __slots__ = ()

    def __init__(self, theatre: Theatre) -> None:
        super().__init__(theatre, "acled", forces_for_governments=False)

    def event(self, row: Mapping[str, str]) -> Event:
        acled_id = required_text(row, "event_id_cnty")
        when = self.date_range(row)
        country = country_code(self.theatre, field_text(row, "country"), field_text(row, "iso"),
                               self.names.iso_numeric)
        name1, name2 = field_text(row, "actor1"), field_text(row, "actor2")
        actor1 = self.actors.resolve(name1, country, when.start)
        deaths = field_int(row, "fatalities")
        return Event(
            id=f"acled:{acled_id}",
            event_type=required_text(row, "event_type"),
            sub_event_type=required_text(row, "sub_event_type"),
            date=when,
            place=self.places.resolve(self.place_fields(row, country)),
            country=country,
            actor1=actor1,
            actor2=self.actors.resolve(name2, country, when.start),
            fatalities_low=deaths,
            fatalities_best=deaths,
            fatalities_high=deaths,
            contested=False,
            origin_country=state_origin(self.theatre, actor1, when.start),
            impact_country=country,
            source=EventSource.ACLED,
            source_id=acled_id,
            source_actors=(row.get("actor1") or None, row.get("actor2") or None),
        )

    @staticmethod
    def date_range(row: Mapping[str, str]) -> DateRange:
        day = parse_event_date(required_text(row, "event_date"))
        # An export without time_precision (or a blank one) is read as exact days, ACLED's usual case.
        code = field_code(row, "time_precision", ACLED_TIME_PRECISION) if field_text(row, "time_precision") else 1
        return acled_date_range(day, ACLED_TIME_PRECISION[code])

    @staticmethod
    def place_fields(row: Mapping[str, str], country: str) -> PlaceFields:
        location, admin1 = field_text(row, "location"), field_text(row, "admin1")
        if field_text(row, "geo_precision"):
            precision = ACLED_GEO_PRECISION[field_code(row, "geo_precision", ACLED_GEO_PRECISION)]
        else:
            # Without the column, the finest unit the row names.
            precision = 1 if location else 2 if field_text(row, "admin2") else 3 if admin1 else 4
        return PlaceFields(
            country=country,
            admin1=admin1,
            admin2=field_text(row, "admin2"),
            location=location,
            lat=field_coordinate(row, "latitude", 90.0),
            lon=field_coordinate(row, "longitude", 180.0),
            precision=precision,
        )


def read_acled(path: str | Path, theatre: Theatre) -> Iterator[Event | RowProblem]:
    """The events of an ACLED export, one per row, mapped to `theatre`; rows that cannot be mapped are
    RowProblems. Raises DatasetFormatError when the file lacks ACLED_REQUIRED_COLUMNS."""
    return map_rows(path, ACLED_REQUIRED_COLUMNS, "ACLED", _AcledMapper(theatre).event)
