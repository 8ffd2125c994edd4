"""Tests for borderwatch.ingest.acled: small exports in ACLED's codebook columns written into tmp_path.

The rows are modelled on ACLED's coding of border-war incidents (air strikes on Khost, clashes at
Torkham, attacks on police in Dera Ismail Khan); ids, figures and notes are the tests' own.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from borderwatch.errors import DocumentError
from borderwatch.ingest.acled import ACLED_REQUIRED_COLUMNS, parse_event_date, read_acled
from borderwatch.ingest.datasets import RowProblem, RowRejected, SideNameResolver, load_dataset_names
from borderwatch.model import Event, EventSource, Precision
from borderwatch.theatre import load_theatre

ACLED_COLUMNS = [
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction",
    "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude",
    "longitude", "geo_precision", "source", "source_scale", "notes", "fatalities", "tags", "timestamp",
]

BASE = {
    "disorder_type": "Political violence", "region": "Caucasus and Central Asia", "admin3": "",
    "source": "Dawn; Pajhwok Afghan News", "source_scale": "National-International", "tags": "",
    "timestamp": "1711000000", "assoc_actor_1": "", "assoc_actor_2": "", "civilian_targeting": "",
}

# Pakistani jets striking a district of Khost: impact Afghanistan, origin Pakistan.
KHOST = {
    **BASE, "event_id_cnty": "AFG71001", "event_date": "2024-03-18", "year": "2024", "time_precision": "1",
    "event_type": "Explosions/Remote violence", "sub_event_type": "Air/drone strike",
    "actor1": "Military Forces of Pakistan (2018-)", "inter1": "8", "actor2": "Civilians (Afghanistan)",
    "inter2": "7", "interaction": "78", "civilian_targeting": "Civilian targeting", "iso": "4",
    "country": "Afghanistan", "admin1": "Khost", "admin2": "Spera", "location": "Spera",
    "latitude": "33.2020", "longitude": "69.5152", "geo_precision": "2", "fatalities": "8",
    "notes": "On 18 March 2024, Pakistani aircraft struck houses in Spera district, Khost; 8 killed.",
}
# Gunmen attacking a police post, dated the way ACLED's API writes dates.
DI_KHAN = {
    **BASE, "event_id_cnty": "PAK120002", "event_date": "18 March 2024", "year": "2024", "time_precision": "1",
    "event_type": "Battles", "sub_event_type": "Armed clash", "actor1": "Unidentified Armed Group (Pakistan)",
    "inter1": "3", "actor2": "Police Forces of Pakistan (2018-)", "inter2": "1", "interaction": "13",
    "iso": "586", "region": "Southern Asia", "country": "Pakistan", "admin1": "Khyber Pakhtunkhwa",
    "admin2": "Dera Ismail Khan", "location": "Dera Ismail Khan", "latitude": "31.8313",
    "longitude": "70.9017", "geo_precision": "1", "fatalities": "2",
    "notes": "Unidentified gunmen attacked a police post in Dera Ismail Khan city; two policemen were killed.",
}
# Taliban forces and the Frontier Corps trading fire at the crossing after August 2021.
TORKHAM = {
    **BASE, "event_id_cnty": "PAK120003", "event_date": "2023-09-06", "year": "2023", "time_precision": "1",
    "event_type": "Battles", "sub_event_type": "Armed clash", "actor1": "Military Forces of Afghanistan (2021-)",
    "inter1": "1", "actor2": "Military Forces of Pakistan (2018-) Frontier Corps", "inter2": "8",
    "interaction": "18", "iso": "586", "region": "Southern Asia", "country": "Pakistan",
    "admin1": "Khyber Pakhtunkhwa", "admin2": "Khyber", "location": "Torkham", "latitude": "34.1905",
    "longitude": "71.0693", "geo_precision": "1", "fatalities": "0",
    "notes": "Afghan Taliban forces and Pakistani FC exchanged fire at Torkham; two FC injured.",
}
# Republic forces fighting the Taliban in Kunar, known only to the week.
KUNAR = {
    **BASE, "event_id_cnty": "AFG52004", "event_date": "2020-07-15", "year": "2020", "time_precision": "2",
    "event_type": "Battles", "sub_event_type": "Armed clash",
    "actor1": "Military Forces of Afghanistan (2004-2021)", "inter1": "1", "actor2": "Taliban", "inter2": "2",
    "interaction": "12", "iso": "4", "country": "Afghanistan", "admin1": "Kunar", "admin2": "Asadabad",
    "location": "Asadabad", "latitude": "34.8731", "longitude": "71.1470", "geo_precision": "1",
    "fatalities": "5", "notes": "Week of 13 July: clashes in Asadabad; 5 Taliban killed.",
}
# A protest known only to the month, without a second actor.
QUETTA = {
    **BASE, "event_id_cnty": "PAK120005", "event_date": "2023-02-15", "year": "2023", "time_precision": "3",
    "disorder_type": "Demonstrations", "event_type": "Protests", "sub_event_type": "Peaceful protest",
    "actor1": "Protesters (Pakistan)", "inter1": "6", "actor2": "", "inter2": "0", "interaction": "60",
    "iso": "586", "region": "Southern Asia", "country": "Pakistan", "admin1": "Balochistan",
    "admin2": "Quetta", "location": "Quetta", "latitude": "30.1841", "longitude": "67.0014",
    "geo_precision": "3", "fatalities": "0", "notes": "Traders protested the closure of the Chaman crossing.",
}
# A TTP faction's attack on civilians, named by a name only the actor dictionary knows.
BAJAUR = {
    **BASE, "event_id_cnty": "PAK120006", "event_date": "2016-03-27", "year": "2016", "time_precision": "1",
    "event_type": "Violence against civilians", "sub_event_type": "Attack", "actor1": "Jamaat-ul-Ahrar",
    "inter1": "2", "actor2": "Civilians (Pakistan)", "inter2": "7", "interaction": "27", "iso": "586",
    "region": "Southern Asia", "country": "Pakistan", "admin1": "Khyber Pakhtunkhwa", "admin2": "Bajaur",
    "location": "Khar", "latitude": "34.7336", "longitude": "71.5229", "geo_precision": "1",
    "fatalities": "3", "notes": "Militants of Jamaat-ul-Ahrar shot dead three villagers near Khar.",
}
GOOD_ROWS = [KHOST, DI_KHAN, TORKHAM, KUNAR, QUETTA, BAJAUR]


def write_export(path: Path, rows: list[dict], columns: list[str] = ACLED_COLUMNS, *, delimiter: str = ",",
                 bom: bool = False) -> Path:
    with open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns, delimiter=delimiter, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def read_events(path: Path) -> dict[str, Event]:
    events = {}
    for item in read_acled(path, load_theatre()):
        assert isinstance(item, Event), item
        events[item.source_id] = item
    return events


@pytest.fixture
def events(tmp_path: Path) -> dict[str, Event]:
    return read_events(write_export(tmp_path / "acled.csv", GOOD_ROWS))


def test_every_row_is_an_event_marked_with_its_origin(events):
    assert list(events) == [row["event_id_cnty"] for row in GOOD_ROWS]
    for row in GOOD_ROWS:
        event = events[row["event_id_cnty"]]
        assert event.id == f"acled:{row['event_id_cnty']}"
        assert event.source is EventSource.ACLED
        assert event.mentions == [] and event.contested is False
        assert event.source_actors == (row["actor1"], row["actor2"] or None)
        # ACLED's event types are ours: kept as they are.
        assert (event.event_type, event.sub_event_type) == (row["event_type"], row["sub_event_type"])


@pytest.mark.parametrize(("acled_id", "actor1", "actor2"), [
    ("AFG71001", "PAK-MIL", "CIV-AFG"),
    ("PAK120002", "UNKNOWN", "PAK-POL"),
    ("PAK120003", "AFG-TALIBAN", "PAK-MIL"),   # a unit after the era label is still the force
    ("AFG52004", "AFG-MIL", "AFG-TALIBAN"),    # the Republic's forces, by the label's era
    ("PAK120005", None, None),                 # protesters are no actor of ours
    ("PAK120006", "TTP", "CIV-PAK"),           # Jamaat-ul-Ahrar is in the TTP, by the dictionary
])
def test_actors_map_to_our_ids(events, acled_id, actor1, actor2):
    assert (events[acled_id].actor1, events[acled_id].actor2) == (actor1, actor2)


@pytest.mark.parametrize(("acled_id", "start", "end", "precision"), [
    ("AFG71001", date(2024, 3, 18), date(2024, 3, 18), Precision.DAY),
    ("PAK120002", date(2024, 3, 18), date(2024, 3, 18), Precision.DAY),     # "18 March 2024"
    ("AFG52004", date(2020, 7, 13), date(2020, 7, 19), Precision.WEEK),     # Monday to Sunday
    ("PAK120005", date(2023, 2, 1), date(2023, 2, 28), Precision.MONTH),
])
def test_dates_are_the_calendar_unit_of_the_time_precision(events, acled_id, start, end, precision):
    when = events[acled_id].date
    assert (when.start, when.end, when.precision) == (start, end, precision)


@pytest.mark.parametrize(("acled_id", "place_id", "name", "country", "admin1", "admin2", "precision", "border"), [
    ("AFG71001", "adm2:AF.37.3204", "Spera", "AF", "Khost", "Spera", 2, True),
    ("PAK120002", "gn:1180281", "Dera Ismail Khan", "PK", "Khyber Pakhtunkhwa", "Dera Ismail Khan", 1, False),
    ("PAK120003", "ucdp:torkham", "Torkham", "PK", "Khyber Pakhtunkhwa", "Khyber", 1, True),
    ("AFG52004", "gn:1148311", "Asadabad", "AF", "Kunar", "Asadabad", 1, False),
    ("PAK120005", "adm1:PK.02", "Balochistan", "PK", "Balochistan", "Quetta", 3, False),
])
def test_places_use_gazetteer_names(events, acled_id, place_id, name, country, admin1, admin2, precision,
                                    border):
    place = events[acled_id].place
    assert (place.id, place.name, place.country, place.admin1, place.admin2, place.precision, place.border) == (
        place_id, name, country, admin1, admin2, precision, border)
    assert (place.lat, place.lon) == (float(next(r for r in GOOD_ROWS if r["event_id_cnty"] == acled_id)[
        "latitude"]), float(next(r for r in GOOD_ROWS if r["event_id_cnty"] == acled_id)["longitude"]))


def test_fatalities_are_one_figure(events):
    khost = events["AFG71001"]
    assert (khost.fatalities_low, khost.fatalities_best, khost.fatalities_high, khost.fatalities) == (8, 8, 8, 8)


@pytest.mark.parametrize(("acled_id", "origin", "impact", "cross_border"), [
    ("AFG71001", "PK", "AF", True),    # Pakistani jets in Khost
    ("PAK120003", "AF", "PK", True),   # Taliban forces are state forces after August 2021
    ("AFG52004", "AF", "AF", False),
    ("PAK120002", None, "PK", False),  # an unidentified group gives no origin
    ("PAK120006", None, "PK", False),
])
def test_origin_and_impact(events, acled_id, origin, impact, cross_border):
    event = events[acled_id]
    assert (event.origin_country, event.impact_country, event.cross_border) == (origin, impact, cross_border)


def test_the_iso_code_stands_in_for_a_blank_country_name(tmp_path):
    path = write_export(tmp_path / "acled.csv", [{**KHOST, "country": ""}])
    assert read_events(path)["AFG71001"].country == "AF"


@pytest.mark.parametrize(("change", "reason"), [
    ({"event_date": "18/03/2024"}, "event_date is not a date: '18/03/2024'"),
    ({"event_date": ""}, "no value in column event_date"),
    ({"fatalities": "several"}, "fatalities is not a number"),
    ({"fatalities": "2.5"}, "fatalities is not a whole number"),
    ({"time_precision": "4"}, "time_precision 4 is not one of 1, 2, 3"),
    ({"geo_precision": "0"}, "geo_precision 0 is not one of 1, 2, 3"),
    ({"longitude": "200"}, "longitude 200 is out of range"),
    ({"event_type": ""}, "no value in column event_type"),
    ({"country": "India", "iso": "356"}, "country 'India' is not in the afpak theatre"),
])
def test_a_broken_row_is_a_problem_and_reading_goes_on(tmp_path, change, reason):
    path = write_export(tmp_path / "acled.csv", [KHOST, {**DI_KHAN, **change}, TORKHAM])
    items = list(read_acled(path, load_theatre()))
    assert [type(item).__name__ for item in items] == ["Event", "RowProblem", "Event"]
    assert items[1].line == 3 and reason in items[1].reason


def test_multi_line_notes_keep_problem_lines_true(tmp_path):
    rows = [{**KHOST, "notes": "Pakistani aircraft struck Spera.\nThe Taliban said 8 were killed.\n"},
            {**DI_KHAN, "event_date": "sometime in March"}]
    items = list(read_acled(write_export(tmp_path / "acled.csv", rows), load_theatre()))
    assert isinstance(items[0], Event)
    assert items[1] == RowProblem(5, "event_date is not a date: 'sometime in March'")


def test_a_short_row_is_a_problem_not_a_crash(tmp_path):
    path = write_export(tmp_path / "acled.csv", [KHOST])
    with open(path, "a", encoding="utf-8") as handle:
        handle.write("PAK120099,2024-03-19,2024\n")
    items = list(read_acled(path, load_theatre()))
    assert isinstance(items[0], Event)
    assert items[1] == RowProblem(3, "no value in column country (the row lacks its last 28 columns)")


def test_a_file_missing_required_columns_names_them(tmp_path):
    columns = [c for c in ACLED_COLUMNS if c not in ("fatalities", "actor1")]
    path = write_export(tmp_path / "acled.csv", [KHOST], columns)
    with pytest.raises(DocumentError, match="not a ACLED file: missing column\\(s\\) actor1, fatalities"):
        list(read_acled(path, load_theatre()))


@pytest.mark.parametrize(("delimiter", "bom"), [(",", True), (";", False), (";", True), ("\t", False)])
def test_bom_and_other_delimiters_read_alike(tmp_path, events, delimiter, bom):
    path = write_export(tmp_path / "variant.csv", GOOD_ROWS, delimiter=delimiter, bom=bom)
    assert read_events(path) == events


def test_column_order_and_extra_columns_do_not_matter(tmp_path, events):
    columns = ["iso3", *reversed(ACLED_COLUMNS), "population_best"]
    rows = [{**row, "iso3": "PAK", "population_best": "12345"} for row in GOOD_ROWS]
    assert read_events(write_export(tmp_path / "shuffled.csv", rows, columns)) == events


def test_only_the_required_columns_are_needed(tmp_path):
    path = write_export(tmp_path / "minimal.csv", [TORKHAM], list(ACLED_REQUIRED_COLUMNS))
    event = read_events(path)["PAK120003"]
    assert (event.actor1, event.actor2, event.fatalities_best) == ("AFG-TALIBAN", "PAK-MIL", 0)
    # No place columns: the country is all that is known.
    assert (event.place.id, event.place.precision) == ("country:PK", 4)
    assert (event.date.precision, event.date.start) == (Precision.DAY, date(2023, 9, 6))


def test_rereading_gives_the_same_ids(tmp_path):
    path = write_export(tmp_path / "acled.csv", GOOD_ROWS)
    first, second = read_events(path), read_events(path)
    assert list(first) == list(second)
    assert [e.id for e in first.values()] == [e.id for e in second.values()]


@pytest.mark.parametrize(("name", "when", "expected"), [
    ("Military Forces of Pakistan (2018-)", date(2024, 3, 18), "PAK-MIL"),
    ("Military Forces of Pakistan (2013-2018)", date(2015, 1, 1), "PAK-MIL"),
    ("Police Forces of Pakistan (2018-) Counter Terrorism Department", date(2023, 1, 1), "PAK-POL"),
    ("Government of Pakistan (2018-)", date(2023, 1, 1), "PAK-GOV"),
    ("Military Forces of Afghanistan (2021-)", date(2022, 12, 11), "AFG-TALIBAN"),
    ("Military Forces of Afghanistan (2004-2021)", date(2021, 8, 14), "AFG-MIL"),
    ("Police Forces of Afghanistan (2004-2021)", date(2019, 1, 1), "AFG-MIL"),
    ("Government of Afghanistan (2004-2021)", date(2019, 1, 1), "AFG-GOV"),
    ("Taliban", date(2019, 1, 1), "AFG-TALIBAN"),
    ("TTP: Tehreek-i-Taliban Pakistan", date(2023, 1, 30), "TTP"),
    ("Islamic State (Pakistan)", date(2023, 7, 30), "ISKP"),
    ("BLA: Baloch Liberation Army", date(2024, 8, 26), "BLA"),
    ("Civilians (Pakistan)", date(2024, 1, 1), "CIV-PAK"),
    ("Unidentified Armed Group (Afghanistan)", date(2024, 1, 1), "UNKNOWN"),
    ("Military Forces of India (2014-)", date(2019, 2, 26), "IND-MIL"),
    # Not in the table: the dictionary reads the acronym or the full name of "ACRONYM: Full name".
    ("LeJ: Lashkar-e-Jhangvi", date(2013, 2, 16), "LEJ"),
    ("Hafiz Gul Bahadur Group", date(2024, 3, 16), "HGB"),
    ("NDS: National Directorate of Security", date(2019, 1, 1), "AFG-MIL"),
    # A known crowd, and a name we have no actor for.
    ("Rioters (Pakistan)", date(2023, 5, 9), None),
    ("Sipah-e-Sahaba Pakistan", date(2012, 1, 1), None),
])
def test_acled_actor_names(name, when, expected):
    theatre = load_theatre()
    resolver = SideNameResolver(theatre, load_dataset_names(theatre.name, "acled"), forces_for_governments=False)
    assert resolver.resolve(name, None, when) == expected


@pytest.mark.parametrize(("text", "day"), [
    ("2024-03-18", date(2024, 3, 18)),
    ("18 March 2024", date(2024, 3, 18)),
    ("18-March-2024", date(2024, 3, 18)),
    ("8 Sep 2023", date(2023, 9, 8)),
    ("March 18, 2024", date(2024, 3, 18)),
])
def test_event_date_spellings(text, day):
    assert parse_event_date(text) == day


@pytest.mark.parametrize("text", ["18/03/2024", "2024-13-01", "March 2024", "18-Mar-24"])
def test_event_dates_that_are_not_accepted(text):
    with pytest.raises(RowRejected):
        parse_event_date(text)


@given(st.dates(min_value=date(1997, 1, 1), max_value=date(2030, 12, 31)))
def test_iso_and_written_dates_parse_alike(day):
    written = f"{day.day} {day.strftime('%B')} {day.year}"
    assert parse_event_date(day.isoformat()) == parse_event_date(written) == day
