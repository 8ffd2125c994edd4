"""UCDP GED files → Events (the shared reading and mapping is in `ingest/datasets.py`)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
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
    iso_day,
    map_rows,
    required_text,
    state_origin,
)
from borderwatch.model import (
    BATTLES,
    VIOLENCE_AGAINST_CIVILIANS,
    DateRange,
    Event,
    EventSource,
    Precision,
)
from borderwatch.theatre import Theatre

# Columns without which a GED row cannot become an event; the others (adm_1, adm_2, where_coordinates,
# where_description, latitude, longitude, low_est, high_est, country_id) are used when present.
UCDP_REQUIRED_COLUMNS = (
    "id", "type_of_violence", "side_a", "side_b", "where_prec", "country", "date_prec", "date_start",
    "date_end", "best_est",
)

# GED type_of_violence → ACLED type and sub-type. GED does not tell shelling, air or drone strikes and
# bombs from ground fighting, so state-based and non-state violence are all battles.
UCDP_EVENT_TYPES = {
    1: (BATTLES, "Armed clash"),  # state-based
    2: (BATTLES, "Armed clash"),  # non-state
    3: (VIOLENCE_AGAINST_CIVILIANS, "Attack"),  # one-sided
}

# GED date_prec: 1 the day; 2 a range of 2-6 days; 3 the week; 4 8-30 days or the month; 5 over a
# month, or only the year. The range itself is GED's date_start..date_end.
UCDP_DATE_PRECISION = {
    1: Precision.DAY, 2: Precision.WEEK, 3: Precision.WEEK, 4: Precision.MONTH, 5: Precision.YEAR,
}

# GED where_prec → ACLED geo_precision: 1-2 a place or within 25 km of it; 3 the second-order unit;
# 4 the first-order unit; 5 a larger or linear area (a road, the LoC), 6 the country, 7 waters/airspace.
UCDP_GEO_PRECISION = {1: 1, 2: 1, 3: 2, 4: 3, 5: 4, 6: 4, 7: 4}


# ---- UCDP GED -----------------------------------------------------------------------------------


class _UcdpMapper(DatasetMapper):
    """Maps GED rows of one file."""

    __slots__ = ()

    def __init__(self, theatre: Theatre) -> None:
        super().__init__(theatre, "ucdp", forces_for_governments=True)

    def event(self, row: Mapping[str, str]) -> Event:
        ged_id = required_text(row, "id")
        event_type, sub_event_type = UCDP_EVENT_TYPES[field_code(row, "type_of_violence", UCDP_EVENT_TYPES)]
        when = self.date_range(row)
        country = country_code(self.theatre, field_text(row, "country"), field_text(row, "country_id"),
                               self.names.gleditsch_ward)
        side_a, side_b = row.get("side_a") or None, row.get("side_b") or None
        actor1 = self.actors.resolve(side_a, country, when.start)
        low, best, high = self.fatalities(row)
        return Event(
            id=f"ucdp:{ged_id}",
            event_type=event_type,
            sub_event_type=sub_event_type,
            date=when,
            place=self.places.resolve(self.place_fields(row, country)),
            country=country,
            actor1=actor1,
            actor2=self.actors.resolve(side_b, country, when.start),
            fatalities_low=low,
            fatalities_best=best,
            fatalities_high=high,
            contested=False,
            origin_country=state_origin(self.theatre, actor1, when.start),
            impact_country=country,
            source=EventSource.UCDP,
            source_id=ged_id,
            source_actors=(side_a, side_b),
        )

    @staticmethod
    def date_range(row: Mapping[str, str]) -> DateRange:
        start = iso_day(row, "date_start")
        end = iso_day(row, "date_end") if field_text(row, "date_end") else start
        if end < start:
            raise RowRejected(f"date_end {end} is before date_start {start}")
        return DateRange(start, end, UCDP_DATE_PRECISION[field_code(row, "date_prec", UCDP_DATE_PRECISION)])

    @staticmethod
    def fatalities(row: Mapping[str, str]) -> tuple[int, int, int]:
        best = field_int(row, "best_est", required=True)
        low = field_int(row, "low_est")
        high = field_int(row, "high_est")
        # GED's best estimate is its headline figure; some releases have rows whose low or high was not
        # revised with it (200 of 5,834 in the Pakistan 1989-2019 file), so the range is widened to hold it.
        low = best if low is None else min(low, best)
        high = best if high is None else max(high, best)
        return low, best, high

    @staticmethod
    def place_fields(row: Mapping[str, str], country: str) -> PlaceFields:
        precision = UCDP_GEO_PRECISION[field_code(row, "where_prec", UCDP_GEO_PRECISION)]
        return PlaceFields(
            country=country,
            admin1=field_text(row, "adm_1"),
            admin2=field_text(row, "adm_2"),
            # where_coordinates names the point GED's coordinates are of; where_description is prose.
            location=field_text(row, "where_coordinates") or field_text(row, "where_description"),
            lat=field_coordinate(row, "latitude", 90.0),
            lon=field_coordinate(row, "longitude", 180.0),
            precision=precision,
        )


def read_ucdp(path: str | Path, theatre: Theatre) -> Iterator[Event | RowProblem]:
    """The events of a UCDP GED CSV file, one per row, mapped to `theatre`; rows that cannot be mapped
    are RowProblems. Raises DatasetFormatError when the file lacks UCDP_REQUIRED_COLUMNS."""
    return map_rows(path, UCDP_REQUIRED_COLUMNS, "UCDP GED", _UcdpMapper(theatre).event)
