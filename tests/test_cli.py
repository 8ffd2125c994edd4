"""The `borderwatch` command, run in-process with typer's CliRunner against a store in tmp_path."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from pathlib import Path

import pytest
from conftest import AMBUSH_GOLD, KHOST_GOLD, write_articles, write_gold_set
from typer.testing import CliRunner

from borderwatch.cli import app
from borderwatch.export import ACLED_COLUMNS, CSV_COLUMNS, MENTION_KEYS
from borderwatch.store import open_store

# Wide enough that rich never folds an event id or the summary line.
WIDE = {"COLUMNS": "250"}


def run(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(app, list(args), env={**WIDE, **(env or {})}, prog_name="borderwatch")


def one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture
def db(article_folder: Path, store_path: Path) -> Path:
    """A store holding the three articles, ingested through the command itself."""
    result = run("ingest", str(article_folder), "--db", str(store_path))
    assert result.exit_code == 0, result.output
    return store_path


def event_ids(db: Path, **filters) -> list[str]:
    with open_store(db) as store:
        return [e.id for e in store.events(**filters)]


# -- ingest ------------------------------------------------------------------------------------------------

def test_ingest_prints_a_one_line_summary(article_folder, store_path):
    result = run("ingest", str(article_folder), "--db", str(store_path))
    assert result.exit_code == 0
    line = one_line(result.output)
    assert line.startswith("3 documents read, 3 added, 0 already stored, 0 failed, 3 mentions")
    assert line.endswith("store now holds 3 documents, 3 events")


def test_ingest_reports_failures_and_a_rerun_adds_nothing(tmp_path, article_folder, store_path):
    write_articles(article_folder, {"scan.txt": b"\x00\x01binary\x00", "empty.txt": b""})
    first = one_line(run("ingest", str(article_folder), "--db", str(store_path)).output)
    second = run("ingest", str(article_folder), "--db", str(store_path))
    assert "5 documents read, 3 added" in first and "2 failed (" in first
    assert "empty file" in first and "binary content" in first
    assert second.exit_code == 0
    assert one_line(second.output).startswith("5 documents read, 0 added, 3 already stored")
    assert one_line(second.output).endswith("store now holds 5 documents, 3 events")


# -- events ------------------------------------------------------------------------------------------------

def test_events_lists_every_event(db):
    result = run("events", "--db", str(db))
    assert result.exit_code == 0
    assert "3 events" in result.output
    for event_id in event_ids(db):
        assert event_id in result.output


def test_events_are_listed_newest_first_as_the_help_says(db):
    with open_store(db) as store:
        newest_first = [e.id for e in sorted(store.events(), key=lambda e: e.date.start, reverse=True)]
    output = run("events", "--db", str(db)).output
    assert "newest first" in run("events", "--help").output
    assert sorted(newest_first, key=output.index) == newest_first


@pytest.mark.parametrize(("options", "filters"), [
    (["--country", "AF"], {"country": "AF"}),
    (["--country", "PK"], {"country": "PK"}),
    (["--actor", "AFG-TALIBAN"], {"actor": "AFG-TALIBAN"}),
    (["--since", "2024-01-01"], {"since": "2024-01-01"}),
    (["--until", "2023-08-01"], {"until": "2023-08-01"}),
    (["--type", "Battles"], {"event_type": "Battles"}),
    (["--limit", "1"], {"limit": 1}),
])
def test_events_filters(db, options, filters):
    typed = {k: date.fromisoformat(v) if k in ("since", "until") else v for k, v in filters.items()}
    expected = event_ids(db, **typed)
    everything = set(event_ids(db))
    result = run("events", "--db", str(db), *options)
    assert result.exit_code == 0
    assert f"{len(expected)} events" in result.output
    assert 0 < len(expected) < len(everything)
    for event_id in everything:
        assert (event_id in result.output) is (event_id in expected)


# -- show --------------------------------------------------------------------------------------------------

def test_show_prints_the_fields_and_the_sentences_behind_them(db):
    with open_store(db) as store:
        (event,) = store.events(country="AF")
    result = run("show", event.id, "--db", str(db))
    assert result.exit_code == 0
    assert event.id in result.output
    assert "Explosions/Remote violence / Air/drone strike" in result.output
    assert "date 2024-03-18" in result.output
    assert "claim: killed {'count': 8} by AFG-TALIBAN" in result.output
    assert "Pakistani jets struck suspected hideouts" in result.output
    assert "event_type" in result.output and "“struck”" in result.output


@pytest.mark.parametrize(("args", "message"), [
    (["show", "ev-000000000000"], "no event 'ev-000000000000'"),
    (["events", "--since", "2024-13-01"], "not a date: '2024-13-01'"),
    (["events", "--until", "last week"], "not a date: 'last week'"),
    (["export", "--format", "xml"], "unknown format 'xml'"),
])
def test_bad_input_gives_a_clean_error_and_exit_code_2(db, args, message):
    result = run(*args, "--db", str(db))
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
    assert result.output.startswith("error:")


# -- export ------------------------------------------------------------------------------------------------

def test_export_csv_has_acled_columns(db):
    result = run("export", "--db", str(db), "--format", "csv")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 3
    assert tuple(rows[0].keys()) == CSV_COLUMNS
    acled = {"event_id_cnty", "event_date", "event_type", "actor1", "admin1", "fatalities"}
    assert acled <= set(ACLED_COLUMNS)
    (afghan,) = [r for r in rows if r["country"] == "Afghanistan"]
    assert afghan["event_date"] == "2024-03-18"
    assert afghan["sub_event_type"] == "Air/drone strike"
    assert afghan["admin1"] == "Khost"
    assert afghan["fatalities"] == "8"
    assert afghan["actor1"] and afghan["actor1"] != "PAK-MIL"  # the actor's name, its id is in bw_actor1_id
    assert afghan["bw_actor1_id"] == "PAK-MIL"


def test_export_jsonl_is_one_event_per_line(db):
    result = run("export", "--db", str(db), "--format", "jsonl")
    assert result.exit_code == 0
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 3
    assert sorted(r["id"] for r in records) == sorted(event_ids(db))


def test_export_geojson_is_a_feature_collection_of_points(db):
    result = run("export", "--db", str(db), "--format", "geojson")
    assert result.exit_code == 0
    collection = json.loads(result.stdout)
    assert collection["type"] == "FeatureCollection"
    assert len(collection["features"]) == 3
    for feature in collection["features"]:
        assert feature["type"] == "Feature"
        assert feature["geometry"]["type"] == "Point"
        lon, lat = feature["geometry"]["coordinates"]
        assert 60 < lon < 75 and 29 < lat < 38  # the Afghanistan–Pakistan border region, lon first


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_export_mentions(db, fmt):
    result = run("export", "--db", str(db), "--format", fmt, "--mentions")
    assert result.exit_code == 0
    if fmt == "jsonl":
        records = [json.loads(line) for line in result.stdout.splitlines()]
    else:
        records = list(csv.DictReader(io.StringIO(result.stdout)))
        assert tuple(records[0].keys()) == MENTION_KEYS
    assert len(records) == 3
    assert {r["country"] for r in records} == {"AF", "PK"}
    assert all(r["doc"].startswith("sha256:") for r in records)


def test_export_to_a_file(db, tmp_path):
    out = tmp_path / "events.jsonl"
    result = run("export", "--db", str(db), "--format", "jsonl", "-o", str(out))
    assert result.exit_code == 0
    assert one_line(result.output) == f"3 events written to {out}"
    assert len(out.read_text(encoding="utf-8").splitlines()) == 3


# -- evaluate ----------------------------------------------------------------------------------------------

def test_evaluate_json(tmp_path):
    documents, gold = write_gold_set(tmp_path / "gold", [KHOST_GOLD, AMBUSH_GOLD])
    result = run("evaluate", "--documents", str(documents), "--gold", str(gold), "--json")
    assert result.exit_code == 0
    scores = json.loads(result.stdout)
    assert (scores["tp"], scores["n_gold"], scores["recall"]) == (2, 2, 1.0)
    assert set(scores["per_document"]) == {"khost", "ambush"}


def test_evaluate_with_a_broken_gold_file_exits_2(tmp_path):
    documents, gold = write_gold_set(tmp_path / "gold", [KHOST_GOLD])
    gold.write_text("{not json\n", encoding="utf-8")
    result = run("evaluate", "--documents", str(documents), "--gold", str(gold))
    assert result.exit_code == 2
    assert "not valid JSON" in result.output


# -- where the store is ------------------------------------------------------------------------------------

def test_the_store_can_be_named_by_environment_variable(db):
    by_option = run("events", "--db", str(db))
    by_env = run("events", env={"BORDERWATCH_DB": str(db)})
    assert by_env.exit_code == 0
    assert by_env.output == by_option.output
    assert "3 events" in by_env.output


def test_the_option_wins_over_the_environment_variable(db, tmp_path):
    empty = tmp_path / "empty.db"
    result = run("events", "--db", str(db), env={"BORDERWATCH_DB": str(empty)})
    assert "3 events" in result.output


def test_without_option_or_variable_the_store_is_borderwatch_db_here(article_folder, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("BORDERWATCH_DB", raising=False)
    result = run("ingest", str(article_folder))
    assert result.exit_code == 0
    assert (tmp_path / "borderwatch.db").is_file()


# -- events, not reports: merging, claims, chains --------------------------------------------------------

SECOND_KHOST_REPORT = """Title: Afghan officials say Pakistani air strikes killed eight in Khost
Published: 2024-03-18
Outlet: Kabul Wire

KABUL: Pakistani aircraft bombed homes in the Spera district of Khost province on Monday, killing eight \
people, Afghan officials said. Pakistan's military did not confirm the strikes.

The ISPR said 20 terrorists were killed in the operation.
"""


@pytest.fixture
def merged_db(article_folder: Path, store_path: Path) -> Path:
    write_articles(article_folder, {"kabul-wire.txt": SECOND_KHOST_REPORT})
    result = run("ingest", str(article_folder), "--db", str(store_path))
    assert result.exit_code == 0, result.output
    return store_path


def khost_event(db: Path):
    with open_store(db) as store:
        return next(e for e in store.events() if e.place and e.place.admin1 == "Khost")


def test_two_reports_of_one_strike_are_one_event_with_both_sources(merged_db):
    event = khost_event(merged_db)
    assert len(event.documents) == 2
    assert event.cross_border and (event.origin_country, event.impact_country) == ("PK", "AF")
    assert (event.fatalities_low, event.fatalities_high, event.contested) == (8, 20, True)
    shown = one_line(run("show", event.id, "--db", str(merged_db)).output)
    assert "cross-border yes" in shown and "contested" in shown
    assert "in this event: mean score" in shown  # why the second report joined
    assert "it started it" in shown


def test_claims_lists_who_claimed_what_and_filters_by_claimant(merged_db):
    event = khost_event(merged_db)
    table = one_line(run("claims", "--event", event.id, "--db", str(merged_db)).output)
    assert "AFG-TALIBAN" in table and "PAK-MIL" in table and "Kabul Wire" in table
    only = one_line(run("claims", "--claimant", "PAK-MIL", "--db", str(merged_db)).output)
    assert "AFG-TALIBAN" not in only and "20" in only


def test_merge_explain_tells_one_event_or_two_and_why(merged_db):
    with open_store(merged_db) as store:
        pairs = store.mentions()
    event = khost_event(merged_db)
    khost = [m.id for e, m in pairs if e == event.id]
    other = next(m.id for e, m in pairs if e != event.id)
    same = one_line(run("merge", "--explain", *khost, "--db", str(merged_db)).output)
    assert same.startswith("one event:") and "they are the same event" in same and "total" in same
    apart = one_line(run("merge", "--explain", khost[0], other, "--db", str(merged_db)).output)
    assert apart.startswith("not one event: vetoed")
    missing = run("merge", "--explain", khost[0], "nope:9", "--db", str(merged_db))
    assert missing.exit_code == 2 and "no mention 'nope:9'" in one_line(missing.output)


def test_chain_and_cross_border_filter(merged_db):
    event = khost_event(merged_db)
    chain = one_line(run("chain", event.id, "--db", str(merged_db)).output)
    assert event.id in chain and "this event" in chain
    listed = one_line(run("events", "--cross-border", "--db", str(merged_db)).output)
    assert event.id in listed and "(PK→AF)" in listed
    assert run("chain", "ev-nothing", "--db", str(merged_db)).exit_code == 2


RESPONSE_ARTICLE = """Title: Pakistani jets strike Khost and Paktika after Mir Ali attack
Published: 2024-03-18
Outlet: Frontier Herald

ISLAMABAD: Pakistani jets struck suspected TTP hideouts in the Spera district of Khost province and the \
Barmal district of Paktika province early on Monday, security officials said.

The strikes came two days after seven soldiers were killed in a suicide attack on a post in Mir Ali, \
North Waziristan.
"""


def test_show_names_the_wave_and_the_response_chain(tmp_path, store_path):
    folder = tmp_path / "response"
    write_articles(folder, {"response.txt": RESPONSE_ARTICLE})
    assert run("ingest", str(folder), "--db", str(store_path)).exit_code == 0
    with open_store(store_path) as store:
        by_place = {e.place.name: e.id for e in store.events() if e.place}
    spera, barmal, mir_ali = by_place["Spera"], by_place["Barmal"], by_place["Mir Ali"]
    shown = one_line(run("show", spera, "--db", str(store_path)).output)
    assert f"part of a wave with {barmal}" in shown
    assert f"responds to {mir_ali}, 2 day(s) before" in shown
    answered = one_line(run("show", mir_ali, "--db", str(store_path)).output)
    assert "answered by" in answered and spera in answered and barmal in answered
    chain = one_line(run("chain", mir_ali, "--db", str(store_path)).output)
    assert "answer +1" in chain and "this event" in chain


# -- backup and check ------------------------------------------------------------------------------------------

def test_check_passes_on_a_sound_store_and_names_what_is_broken(db):
    sound = run("check", "--db", str(db))
    assert sound.exit_code == 0 and "is sound: 3 documents" in one_line(sound.output)
    import sqlite3

    conn = sqlite3.connect(db)
    conn.execute("UPDATE events SET n_mentions = n_mentions + 5 WHERE rowid = (SELECT MIN(rowid) FROM events)")
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("UPDATE links SET target_event_id = 'ev-nowhere'")
    conn.execute("INSERT INTO mentions (id, doc_id, ordinal, event_id, event_type, sub_event_type, confidence) "
                 "SELECT 'ghost:0', doc_id, 99, 'ev-missing', 'Battles', 'Armed clash', 1.0 FROM mentions LIMIT 1")
    conn.commit()
    conn.close()
    broken = run("check", "--db", str(db))
    text = one_line(broken.output)
    assert broken.exit_code == 1 and "problems in" in text
    assert "says 6 mentions / 1 documents, holds 1 / 1" in text
    assert "mention ghost:0 belongs to missing event ev-missing" in text


def test_backup_is_a_sound_copy_and_refuses_to_overwrite(db, tmp_path):
    target = tmp_path / "copy.db"
    result = run("backup", str(target), "--db", str(db))
    assert result.exit_code == 0 and f"backed up {db} to {target}" in one_line(result.output)
    assert run("check", "--db", str(target)).exit_code == 0
    assert event_ids(target) == event_ids(db)
    again = run("backup", str(target), "--db", str(db))
    assert again.exit_code == 2 and "exists" in one_line(again.output)
