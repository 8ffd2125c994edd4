"""Tests for borderwatch.ingest.ucdp: small GED-shaped CSV files written into tmp_path, read as Events.

The rows are modelled on the kinds of incident GED codes on the Pakistan side of the border (army
operations in North Waziristan, TTP attacks on civilians, US drone strikes, Afghan border clashes,
LoC firing); ids, figures and coordinates are the tests' own.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from borderwatch.errors import DocumentError, TheatreError
from borderwatch.ingest.datasets import (
    RowProblem,
    SideNameResolver,
    check_actor_ids,
    load_dataset_names,
    parse_dataset_names,
    side_name_variants,
    strip_location_type,
)
from borderwatch.ingest.ucdp import UCDP_REQUIRED_COLUMNS, read_ucdp
from borderwatch.model import BATTLES, VIOLENCE_AGAINST_CIVILIANS, Event, EventSource, Precision
from borderwatch.theatre import load_theatre

# GED's columns in GED's order, with some it has that the reader ignores.
GED_COLUMNS = [
    "id", "relid", "year", "active_year", "type_of_violence", "conflict_name", "dyad_name", "side_a",
    "side_b", "number_of_sources", "where_prec", "where_coordinates", "where_description", "adm_1", "adm_2",
    "latitude", "longitude", "geom_wkt", "country", "country_id", "region", "event_clarity", "date_prec",
    "date_start", "date_end", "deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown", "best_est",
    "high_est", "low_est",
]

BASE = {
    "year": "2014", "active_year": "True", "number_of_sources": "2", "geom_wkt": "", "country": "Pakistan",
    "country_id": "770", "region": "Asia", "event_clarity": "1", "deaths_a": "0", "deaths_b": "0",
    "deaths_civilians": "0", "deaths_unknown": "0",
}

# An army ground assault on TTP fighters near Mir Ali at the start of a June offensive.
MIR_ALI = {
    **BASE, "id": "310001", "relid": "PAK-2014-1-X-1", "type_of_violence": "1",
    "conflict_name": "Pakistan: Government", "dyad_name": "Government of Pakistan - TTP",
    "side_a": "Government of Pakistan", "side_b": "TTP", "where_prec": "1", "where_coordinates": "Mir Ali Town",
    "where_description": "Mir Ali", "adm_1": "Federally Administered Tribal Areas", "adm_2": "North Waziristan",
    "latitude": "32.970220", "longitude": "70.200000", "date_prec": "1", "date_start": "2014-06-15",
    "date_end": "2014-06-15", "deaths_b": "10", "best_est": "10", "high_est": "15", "low_est": "8",
}
# A TTP attack on a school in Peshawar: one-sided violence.
PESHAWAR = {
    **BASE, "id": "310002", "relid": "PAK-2014-3-X-2", "type_of_violence": "3",
    "conflict_name": "TTP - Civilians", "dyad_name": "TTP - Civilians", "side_a": "TTP", "side_b": "Civilians",
    "where_prec": "1", "where_coordinates": "Peshawar Town", "where_description": "Peshawar town",
    "adm_1": "Khyber Pakhtunkwa Province", "adm_2": "Peshawar District", "latitude": "34.008000",
    "longitude": "71.578490", "date_prec": "1", "date_start": "2014-12-16", "date_end": "2014-12-16",
    "deaths_civilians": "148", "best_est": "148", "high_est": "150", "low_est": "145",
}
# Afghan forces and the Taliban fighting over several days somewhere in Kurram Agency.
KURRAM = {
    **BASE, "id": "310003", "relid": "PAK-2019-1-X-3", "year": "2019", "type_of_violence": "1",
    "conflict_name": "Afghanistan: Government", "dyad_name": "Government of Afghanistan - Taleban",
    "side_a": "Government of Afghanistan", "side_b": "Taleban", "where_prec": "3",
    "where_coordinates": "Kurram Agency", "where_description": "Kurram Agency",
    "adm_1": "Federally Administered Tribal Areas", "adm_2": "Kurram Agency", "latitude": "33.75",
    "longitude": "70.25", "date_prec": "2", "date_start": "2019-05-02", "date_end": "2019-05-05",
    "best_est": "6", "high_est": "9", "low_est": "4",
}
# The Taliban government's forces shelling Chaman after August 2021: the same UCDP side name.
CHAMAN = {
    **BASE, "id": "310004", "relid": "PAK-2022-1-X-4", "year": "2022", "type_of_violence": "1",
    "conflict_name": "Afghanistan - Pakistan", "dyad_name": "Government of Afghanistan - Government of Pakistan",
    "side_a": "Government of Afghanistan", "side_b": "Government of Pakistan", "where_prec": "1",
    "where_coordinates": "Chaman Town", "where_description": "Chaman border crossing",
    "adm_1": "Balochistan Province", "adm_2": "Killa Abdullah District", "latitude": "30.917690",
    "longitude": "66.452590", "date_prec": "1", "date_start": "2022-12-11", "date_end": "2022-12-11",
    "best_est": "7", "high_est": "8", "low_est": "6",
}
# A US drone strike on al-Qaida near Datta Khel; UCDP's side name carries a trailing space.
DATTA_KHEL = {
    **BASE, "id": "310005", "relid": "PAK-2010-1-X-5", "year": "2010", "type_of_violence": "1",
    "conflict_name": "United States of America: Government",
    "dyad_name": "Government of United States of America - al-Qaida ",
    "side_a": "Government of United States of America", "side_b": "al-Qaida ", "where_prec": "2",
    "where_coordinates": "Datta Khel Town", "where_description": "Datta Khel area",
    "adm_1": "Federally Administered Tribal Areas", "adm_2": "North Waziristan", "latitude": "32.90833",
    "longitude": "69.74472", "date_prec": "1", "date_start": "2010-09-08", "date_end": "2010-09-08",
    "best_est": "5", "high_est": "7", "low_est": "4",
}
# Tribal fighting in Kurram between sides our dictionary has no actors for.
PARACHINAR = {
    **BASE, "id": "310006", "relid": "PAK-2008-2-X-6", "year": "2008", "type_of_violence": "2",
    "conflict_name": "Mangal - Turi", "dyad_name": "Mangal - Turi", "side_a": "Mangal", "side_b": "Turi",
    "where_prec": "4", "where_coordinates": "Federally Administered Tribal Areas", "where_description": "Kurram",
    "adm_1": "Federally Administered Tribal Areas", "adm_2": "", "latitude": "33.5", "longitude": "70.5",
    "date_prec": "4", "date_start": "2008-08-01", "date_end": "2008-08-30", "best_est": "20",
    "high_est": "35", "low_est": "20",
}
# Firing across the Line of Control: a linear place, coded at country level.
LOC = {
    **BASE, "id": "310007", "relid": "PAK-2019-1-X-7", "year": "2019", "type_of_violence": "1",
    "conflict_name": "India - Pakistan", "dyad_name": "Government of India - Government of Pakistan",
    "side_a": "Government of India", "side_b": "Government of Pakistan", "where_prec": "5",
    "where_coordinates": "LoC", "where_description": "LoC, Pakistan-ruled Kashmir",
    "adm_1": "Azad Jammu & Kashmir", "adm_2": "", "latitude": "33.9", "longitude": "73.9",
    "date_prec": "5", "date_start": "2019-01-01", "date_end": "2019-03-31", "best_est": "3",
    "high_est": "3", "low_est": "3",
}
GOOD_ROWS = [MIR_ALI, PESHAWAR, KURRAM, CHAMAN, DATTA_KHEL, PARACHINAR, LOC]


def write_ged(path: Path, rows: list[dict], columns: list[str] = GED_COLUMNS, *, delimiter: str = ",",
              bom: bool = False) -> Path:
    with open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns, delimiter=delimiter, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def read_events(path: Path) -> dict[str, Event]:
    events = {}
    for item in read_ucdp(path, load_theatre()):
        assert isinstance(item, Event), item
        events[item.source_id] = item
    return events


@pytest.fixture
def events(tmp_path: Path) -> dict[str, Event]:
    return read_events(write_ged(tmp_path / "ged.csv", GOOD_ROWS))


def test_every_row_is_an_event_marked_with_its_origin(events):
    assert list(events) == [row["id"] for row in GOOD_ROWS]
    for row in GOOD_ROWS:
        event = events[row["id"]]
        assert event.id == f"ucdp:{row['id']}"
        assert event.source is EventSource.UCDP
        assert event.mentions == []
        assert event.contested is False
        assert event.source_actors == (row["side_a"], row["side_b"])


@pytest.mark.parametrize(("ged_id", "actor1", "actor2"), [
    ("310001", "PAK-MIL", "TTP"),
    ("310002", "TTP", "CIV-PAK"),            # civilians of the event's country
    ("310003", "AFG-MIL", "AFG-TALIBAN"),    # the Republic's forces before August 2021
    ("310004", "AFG-TALIBAN", "PAK-MIL"),    # the same side name after it
    ("310005", "USA-MIL", "AQ"),             # "al-Qaida " with its trailing space
    ("310006", None, None),                  # tribes we have no actor for
    ("310007", "IND-MIL", "PAK-MIL"),
])
def test_sides_map_to_our_actors(events, ged_id, actor1, actor2):
    assert (events[ged_id].actor1, events[ged_id].actor2) == (actor1, actor2)


def test_unmapped_side_names_are_kept_verbatim(events):
    assert events["310006"].source_actors == ("Mangal", "Turi")
    assert events["310005"].source_actors == ("Government of United States of America", "al-Qaida ")


@pytest.mark.parametrize(("ged_id", "event_type", "sub_event_type"), [
    ("310001", BATTLES, "Armed clash"),                     # state-based
    ("310006", BATTLES, "Armed clash"),                     # non-state
    ("310005", BATTLES, "Armed clash"),                     # GED has no remote-violence type
    ("310002", VIOLENCE_AGAINST_CIVILIANS, "Attack"),       # one-sided
])
def test_types_of_violence_become_acled_types(events, ged_id, event_type, sub_event_type):
    assert (events[ged_id].event_type, events[ged_id].sub_event_type) == (event_type, sub_event_type)


@pytest.mark.parametrize(("ged_id", "start", "end", "precision"), [
    ("310001", date(2014, 6, 15), date(2014, 6, 15), Precision.DAY),
    ("310003", date(2019, 5, 2), date(2019, 5, 5), Precision.WEEK),    # date_prec 2: 2-6 days
    ("310006", date(2008, 8, 1), date(2008, 8, 30), Precision.MONTH),  # date_prec 4
    ("310007", date(2019, 1, 1), date(2019, 3, 31), Precision.YEAR),   # date_prec 5
])
def test_dates_keep_geds_range_with_its_precision(events, ged_id, start, end, precision):
    when = events[ged_id].date
    assert (when.start, when.end, when.precision) == (start, end, precision)


@pytest.mark.parametrize(("ged_id", "place_id", "name", "admin1", "admin2", "precision", "border"), [
    # FATA agencies are Khyber Pakhtunkhwa districts in our gazetteer; "Mir Ali Town" is Mir Ali.
    ("310001", "ucdp:mir-ali", "Mir Ali", "Khyber Pakhtunkhwa", "North Waziristan", 1, True),
    # UCDP's misspelt province and "X District" resolve to the gazetteer's names.
    ("310002", "gn:1168197", "Peshawar", "Khyber Pakhtunkhwa", "Peshawar", 1, False),
    ("310003", "adm2:PK.03.1172574", "Kurram", "Khyber Pakhtunkhwa", "Kurram", 2, True),
    ("310004", "gn:1181611", "Chaman", "Balochistan", "Qila Abdullah", 1, True),
    # where_prec 2 (within 25 km of a place) is a town-level place.
    ("310005", "ucdp:datta-khel", "Datta Khel", "Khyber Pakhtunkhwa", "North Waziristan", 1, True),
    ("310006", "adm1:PK.03", "Khyber Pakhtunkhwa", "Khyber Pakhtunkhwa", None, 3, False),
    # A linear area has no gazetteer entry: it keeps UCDP's name under an id of its own.
    ("310007", "ucdp-loc:PK:loc", "LoC", "Azad Kashmir", None, 4, False),
])
def test_places_use_gazetteer_names(events, ged_id, place_id, name, admin1, admin2, precision, border):
    place = events[ged_id].place
    assert (place.id, place.name, place.country, place.admin1, place.admin2, place.precision, place.border) == (
        place_id, name, "PK", admin1, admin2, precision, border)


def test_places_keep_the_files_coordinates(events):
    assert (events["310003"].place.lat, events["310003"].place.lon) == (33.75, 70.25)
    assert (events["310001"].place.lat, events["310001"].place.lon) == (32.97022, 70.2)


@pytest.mark.parametrize(("ged_id", "low", "best", "high"), [
    ("310001", 8, 10, 15),
    ("310002", 145, 148, 150),
    ("310007", 3, 3, 3),
])
def test_fatalities_are_low_best_high(events, ged_id, low, best, high):
    event = events[ged_id]
    assert (event.fatalities_low, event.fatalities_best, event.fatalities_high) == (low, best, high)


@pytest.mark.parametrize(("ged_id", "origin", "cross_border"), [
    ("310001", "PK", False),   # Pakistan's forces in Pakistan
    ("310002", None, False),   # an armed group's home says nothing of where it struck from
    ("310003", "AF", True),    # the Republic's forces fighting on the Pakistani side
    ("310004", "AF", True),    # the Taliban are state forces after August 2021
    ("310005", "US", True),
    ("310007", "IN", True),
])
def test_origin_is_a_state_forces_home(events, ged_id, origin, cross_border):
    event = events[ged_id]
    assert (event.origin_country, event.impact_country, event.cross_border) == (origin, "PK", cross_border)


def test_a_best_estimate_outside_low_and_high_widens_the_range(tmp_path):
    path = write_ged(tmp_path / "ged.csv", [{**MIR_ALI, "best_est": "11", "high_est": "10", "low_est": "11"}])
    event = read_events(path)["310001"]
    assert (event.fatalities_low, event.fatalities_best, event.fatalities_high) == (11, 11, 11)


@pytest.mark.parametrize(("change", "reason"), [
    ({"date_start": "15/06/2014"}, "date_start is not a date"),
    ({"date_start": "2014-06-16", "date_end": "2014-06-15"}, "is before date_start"),
    ({"best_est": "ten"}, "best_est is not a number"),
    ({"best_est": "-1"}, "best_est is not a whole number"),
    ({"best_est": ""}, "no value in column best_est"),
    ({"type_of_violence": "4"}, "type_of_violence 4 is not one of 1, 2, 3"),
    ({"where_prec": "9"}, "where_prec 9 is not one of"),
    ({"latitude": "north"}, "latitude is not a number"),
    ({"country": "India", "country_id": "750"}, "country 'India' is not in the afpak theatre"),
    ({"id": ""}, "no value in column id"),
])
def test_a_broken_row_is_a_problem_and_reading_goes_on(tmp_path, change, reason):
    path = write_ged(tmp_path / "ged.csv", [PESHAWAR, {**MIR_ALI, **change}, KURRAM])
    items = list(read_ucdp(path, load_theatre()))
    assert [type(item).__name__ for item in items] == ["Event", "RowProblem", "Event"]
    assert items[1].line == 3
    assert reason in items[1].reason


def test_problem_lines_count_line_breaks_inside_quoted_fields(tmp_path):
    rows = [{**PESHAWAR, "where_description": "Army Public School,\nWarsak Road"},
            {**MIR_ALI, "date_start": "June 2014"}]
    items = list(read_ucdp(write_ged(tmp_path / "ged.csv", rows), load_theatre()))
    assert isinstance(items[0], Event)
    assert items[1] == RowProblem(4, "date_start is not a date: 'June 2014'")


def test_a_file_missing_required_columns_names_them(tmp_path):
    columns = [c for c in GED_COLUMNS if c not in ("best_est", "side_b")]
    path = write_ged(tmp_path / "ged.csv", [MIR_ALI], columns)
    with pytest.raises(DocumentError, match="missing column\\(s\\) side_b, best_est"):
        list(read_ucdp(path, load_theatre()))


def test_a_file_that_does_not_exist_is_a_document_error(tmp_path):
    with pytest.raises(DocumentError, match="cannot read UCDP GED file"):
        list(read_ucdp(tmp_path / "absent.csv", load_theatre()))


@pytest.mark.parametrize(("delimiter", "bom"), [(",", True), (";", False), ("\t", False), ("\t", True)])
def test_bom_and_other_delimiters_read_alike(tmp_path, events, delimiter, bom):
    path = write_ged(tmp_path / "variant.csv", GOOD_ROWS, delimiter=delimiter, bom=bom)
    assert read_events(path) == events


def test_column_order_and_extra_columns_do_not_matter(tmp_path, events):
    columns = ["comment", *reversed(GED_COLUMNS), "gwnoa"]
    rows = [{**row, "comment": "checked", "gwnoa": "770"} for row in GOOD_ROWS]
    assert read_events(write_ged(tmp_path / "shuffled.csv", rows, columns)) == events


def test_only_the_required_columns_are_needed(tmp_path):
    path = write_ged(tmp_path / "minimal.csv", [MIR_ALI], list(UCDP_REQUIRED_COLUMNS))
    event = read_events(path)["310001"]
    assert (event.actor1, event.fatalities_low, event.fatalities_high) == ("PAK-MIL", 10, 10)
    assert event.place is not None and event.place.precision == 1 and event.place.lat is None


def test_rereading_gives_the_same_ids_and_places(tmp_path):
    path = write_ged(tmp_path / "ged.csv", GOOD_ROWS)
    first, second = read_events(path), read_events(path)
    assert [e.id for e in first.values()] == [e.id for e in second.values()]
    assert [e.place for e in first.values()] == [e.place for e in second.values()]


def test_blank_lines_are_skipped(tmp_path):
    path = write_ged(tmp_path / "ged.csv", [MIR_ALI])
    path.write_text(path.read_text(encoding="utf-8") + "\n\n", encoding="utf-8")
    assert list(read_events(path)) == ["310001"]


# ---- the name tables --------------------------------------------------------------------------


@pytest.mark.parametrize("dataset", ["ucdp", "acled"])
def test_every_actor_id_in_the_dataset_table_exists(dataset):
    theatre = load_theatre()
    names = load_dataset_names(theatre.name, dataset)
    check_actor_ids(names, theatre)  # raises TheatreError naming an unknown id
    assert names.actors, f"the {dataset} table is empty"


@pytest.mark.parametrize(("table", "message"), [
    ({"ucdp": {"actors": {"TTP": "PAK-TTP"}}}, "unknown actor ids \\['PAK-TTP'\\]"),
    ({"ucdp": {"actors": {"Civilians": {"generic": "bystanders"}}}}, "roles \\['bystanders'\\]"),
    ({"ucdp": {"actors": {"Government of Afghanistan": [{"until": date(2021, 8, 14)}]}}}, "needs an 'actor'"),
    ({"ucdp": {"actors": {"Government of Afghanistan": [
        {"actor": "AFG-MIL", "from": date(2021, 8, 15), "until": date(2021, 8, 14)}]}}}, "ISO dates in order"),
    ({"ucdp": {"actors": {"TTP": 7}}}, "expected an actor id"),
    ({"acled": {}}, "with a 'ucdp' section"),
])
def test_a_broken_name_table_is_a_theatre_error(table, message):
    with pytest.raises(TheatreError, match=message):
        check_actor_ids(parse_dataset_names(table, "ucdp"), load_theatre())


@pytest.mark.parametrize(("name", "when", "expected"), [
    ("Government of Pakistan", date(2009, 5, 1), "PAK-MIL"),
    ("Government of Afghanistan", date(2021, 8, 14), "AFG-MIL"),
    ("Government of Afghanistan", date(2021, 8, 15), "AFG-TALIBAN"),
    ("TTP", date(2013, 1, 1), "TTP"),
    ("TTP - TA", date(2013, 1, 1), "TTP"),
    ("Taleban", date(2001, 11, 1), "AFG-TALIBAN"),
    ("Lashkar of Salarzai tribe", date(2008, 9, 1), "LASHKAR"),
    ("BRA", date(2012, 1, 1), "BLA"),
    # Not in the table: the actor dictionary reads the whole name.
    ("Lashkar-e-Islam", date(2009, 1, 1), "LEI"),
    ("LeJ", date(2013, 2, 16), "LEJ"),
    ("Jamaat-ul-Ahrar", date(2016, 3, 27), "TTP"),
    # A dictionary name for a government is its forces when it is a warring side.
    ("Government of the Islamic Republic of Afghanistan", date(2015, 1, 1), "AFG-MIL"),
    # Part of a name is not enough.
    ("Hizb-i Islami-yi Afghanistan", date(2005, 1, 1), None),
    ("MQM-H", date(1995, 1, 1), None),
    ("", date(1995, 1, 1), None),
])
def test_ucdp_side_names(name, when, expected):
    theatre = load_theatre()
    resolver = SideNameResolver(theatre, load_dataset_names(theatre.name, "ucdp"), forces_for_governments=True)
    assert resolver.resolve(name, "PK", when) == expected


@pytest.mark.parametrize(("name", "variants"), [
    ("TTP", ("TTP",)),
    ("  al-Qaida ", ("al-Qaida",)),
    ("Military Forces of Pakistan (2018-)", ("Military Forces of Pakistan (2018-)", "Military Forces of Pakistan")),
    ("Police Forces of Pakistan (2018-) Frontier Constabulary",
     ("Police Forces of Pakistan (2018-) Frontier Constabulary", "Police Forces of Pakistan Frontier Constabulary",
      "Police Forces of Pakistan")),
    ("Civilians (Pakistan)", ("Civilians (Pakistan)", "Civilians")),
    ("TTP: Tehreek-i-Taliban Pakistan", ("TTP: Tehreek-i-Taliban Pakistan", "TTP", "Tehreek-i-Taliban Pakistan")),
])
def test_side_name_variants(name, variants):
    assert side_name_variants(name) == variants


@pytest.mark.parametrize(("name", "stripped"), [
    ("Karachi Town", "Karachi"),
    ("Mamuzai locality", "Mamuzai"),
    ("Datta Khel area", "Datta Khel"),
    ("Tirah Valley", "Tirah Valley"),
    ("Town", "Town"),
])
def test_strip_location_type(name, stripped):
    assert strip_location_type(name) == stripped
