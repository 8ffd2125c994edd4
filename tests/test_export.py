"""Exports: golden CSV / JSONL / GeoJSON of a small hand-built store, GeoJSON validity, ACLED codes.

Regenerate the golden files after an intended change with
    BORDERWATCH_REGEN_GOLDEN=1 .venv/bin/pytest tests/test_export.py
and review the diff before committing it.
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest
from test_store import (
    CLASH_TEXT,
    STRIKE_TEXT,
    bare_mention,
    clash_mention,
    document,
    strike_mention,
)

from borderwatch.export import (
    ACLED_COLUMNS,
    CSV_COLUMNS,
    MENTION_KEYS,
    disorder_type,
    interaction_code,
    mention_records,
    write_events,
)
from borderwatch.store import open_store

GOLDEN = Path(__file__).parent / "golden"
REGENERATE = os.environ.get("BORDERWATCH_REGEN_GOLDEN") == "1"
ACTORS = {
    "PAK-MIL": {"name": "Military Forces of Pakistan", "inter": 1},
    "TTP": {"name": "TTP: Tehreek-i-Taliban Pakistan", "inter": 2},
    "AFG-MIL": {"name": "Military Forces of Afghanistan", "inter": 1},
}


@pytest.fixture
def store():
    with open_store(":memory:") as opened:
        opened.add_document(document("dawn-001", STRIKE_TEXT, outlet="Dawn"), [strike_mention()])
        opened.add_document(document("dawn-002", CLASH_TEXT, outlet="Express Tribune"), [clash_mention()])
        opened.add_document(document("tolo-003", "Clashes were reported."), [bare_mention()])
        yield opened


def export(store, fmt: str, **options) -> tuple[str, int]:
    out = io.StringIO()
    n = write_events(store, fmt, out, **options)
    return out.getvalue(), n


@pytest.mark.parametrize(("name", "fmt", "options"), [
    ("events.csv", "csv", {"actors": ACTORS}),
    ("events.jsonl", "jsonl", {}),
    ("events.geojson", "geojson", {}),
    ("mentions.jsonl", "jsonl", {"mentions": True}),
    ("mentions.csv", "csv", {"mentions": True}),
])
def test_export_matches_golden_file(store, name, fmt, options):
    text, n = export(store, fmt, **options)
    golden = GOLDEN / name
    if REGENERATE:
        golden.write_text(text, encoding="utf-8")
    assert n == 3
    assert text == golden.read_text(encoding="utf-8")


def test_csv_has_acled_columns_then_ours(store):
    rows = list(csv.DictReader(io.StringIO(export(store, "csv", actors=ACTORS)[0])))
    assert tuple(rows[0].keys()) == CSV_COLUMNS
    assert CSV_COLUMNS[: len(ACLED_COLUMNS)] == ACLED_COLUMNS
    strike = next(r for r in rows if r["bw_documents"] == "dawn-001")
    assert (strike["iso"], strike["country"], strike["region"]) == ("4", "Afghanistan", "South Asia")
    assert (strike["actor1"], strike["inter1"], strike["inter2"], strike["interaction"]) == (
        "Military Forces of Pakistan", "1", "2", "12")
    assert (strike["time_precision"], strike["event_date"], strike["fatalities"]) == ("1", "2024-03-18", "8")
    assert (strike["bw_fatalities_low"], strike["bw_fatalities_high"]) == ("8", "20")
    assert strike["source"] == "Dawn"
    clash = next(r for r in rows if r["bw_documents"] == "dawn-002")
    assert (clash["time_precision"], clash["iso"], clash["fatalities"]) == ("3", "586", "0")


def test_csv_without_actor_table_writes_actor_ids(store):
    rows = list(csv.DictReader(io.StringIO(export(store, "csv")[0])))
    assert {r["actor1"] for r in rows} == {"PAK-MIL", ""}
    assert {r["inter1"] for r in rows} == {""}


def test_geojson_is_a_valid_feature_collection(store):
    collection = json.loads(export(store, "geojson")[0])
    assert collection["type"] == "FeatureCollection"
    features = collection["features"]
    assert len(features) == 3  # the event without a place is listed with a null geometry
    for feature in features:
        assert feature["type"] == "Feature"
        place = feature["properties"]["place"]
        if place is None:
            assert feature["geometry"] is None
            continue
        assert feature["geometry"]["type"] == "Point"
        lon, lat = feature["geometry"]["coordinates"]
        assert (lon, lat) == (place["longitude"], place["latitude"])
        assert -180 <= lon <= 180 and -90 <= lat <= 90


def test_jsonl_carries_claims_and_evidence_spans(store):
    events = [json.loads(line) for line in export(store, "jsonl", country="AF")[0].splitlines()]
    strike = next(e for e in events if e["documents"] == ["dawn-001"])
    claims = strike["mentions"][0]["claims"]
    assert claims[0] == {"kind": "killed", "count": 8, "claimed_by": "AFG-TALIBAN", "victim_group": None,
                         "spans": claims[0]["spans"]}
    assert claims[1]["min"] == 20 and claims[1]["max"] is None and claims[1]["victim_group"] == "militants"
    assert STRIKE_TEXT[claims[0]["spans"][0]["start"]:claims[0]["spans"][0]["end"]] == "eight"
    assert [e["country"] for e in events] == ["AF", "AF"]


def test_mention_records_have_the_evaluated_shape(store):
    records = list(mention_records(store))
    assert [tuple(r) for r in records] == [MENTION_KEYS] * 3
    strike, clash, bare = records
    assert strike["fatalities"] == [{"count": 8, "claimed_by": "AFG-TALIBAN"},
                                    {"min": 20, "max": None, "claimed_by": "PAK-MIL",
                                     "victim_group": "militants"}]
    assert (clash["date"], clash["date_precision"], clash["injured"]) == (
        "2011-11", "month", [{"count": 3, "claimed_by": None}])
    assert (bare["date"], bare["location"], bare["fatalities"]) == (None, None, [])


def test_filters_apply_to_mention_records(store):
    assert [r["doc"] for r in mention_records(store, actor="TTP")] == ["dawn-001"]


def test_unknown_format_is_refused(store):
    with pytest.raises(ValueError, match="csv, jsonl, geojson"):
        export(store, "xlsx")


@pytest.mark.parametrize(("event_type", "sub_event_type", "expected"), [
    ("Battles", "Armed clash", "Political violence"),
    ("Explosions/Remote violence", "Suicide bomb", "Political violence"),
    ("Violence against civilians", "Attack", "Political violence"),
    ("Protests", "Peaceful protest", "Demonstrations"),
    ("Protests", "Excessive force against protesters", "Political violence; Demonstrations"),
    ("Riots", "Violent demonstration", "Demonstrations"),
    ("Riots", "Mob violence", "Political violence"),
    ("Strategic developments", "Agreement", "Strategic developments"),
])
def test_disorder_type(event_type, sub_event_type, expected):
    assert disorder_type(event_type, sub_event_type) == expected


@pytest.mark.parametrize(("inter1", "inter2", "expected"), [
    (1, 2, 12), (2, 1, 12), (1, 7, 17), (3, None, 30), (None, 2, None), (1, 1, 11),
])
def test_interaction_code(inter1, inter2, expected):
    assert interaction_code(inter1, inter2) == expected
