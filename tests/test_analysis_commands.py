"""Issue 4 end to end: `import`, `stats`, `model`, `simulate` and `report` on a store built from a small
UCDP-shaped file and an ACLED-shaped one written here (seeded, so every figure below can be checked)."""

from __future__ import annotations

import csv
import json
import random
import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from borderwatch.cli import app
from borderwatch.errors import StoreError
from borderwatch.model import Event, EventSource
from borderwatch.pipeline import import_dataset
from borderwatch.report import build_report
from borderwatch.store import open_store

WIDE = {"COLUMNS": "250"}

GED_COLUMNS = [
    "id", "relid", "year", "type_of_violence", "conflict_name", "dyad_name", "side_a", "side_b", "where_prec",
    "where_coordinates", "where_description", "adm_1", "adm_2", "latitude", "longitude", "country",
    "event_clarity", "date_prec", "date_start", "date_end", "deaths_a", "deaths_b", "deaths_civilians",
    "deaths_unknown", "best_est", "high_est", "low_est",
]
# (side_a, side_b, type of violence, province, district, lat, lon): the three kinds the file mixes
KINDS = [
    ("TTP", "Civilians", "3", "Khyber Pakhtunkhwa province", "Peshawar district", "34.008", "71.578"),
    ("Government of Pakistan", "TTP", "1", "Khyber Pakhtunkhwa province", "North Waziristan district",
     "32.97", "70.2"),
    ("Government of Afghanistan", "Government of Pakistan", "1", "Khyber Pakhtunkhwa province",
     "Kurram district", "33.75", "70.25"),
]
FIRST_DAY = date(2012, 1, 1)
N_ROWS = 240


def ged_rows(n: int = N_ROWS, seed: int = 4) -> list[dict[str, str]]:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        side_a, side_b, violence, adm1, adm2, lat, lon = KINDS[i % 3]
        day = FIRST_DAY + timedelta(days=rng.randrange(0, 3 * 365))
        best = rng.randrange(0, 12)
        rows.append({
            "id": str(500_000 + i), "relid": f"PAK-{i}", "year": str(day.year), "type_of_violence": violence,
            "conflict_name": "x", "dyad_name": f"{side_a} - {side_b}", "side_a": side_a, "side_b": side_b,
            "where_prec": "3", "where_coordinates": adm2, "where_description": adm2, "adm_1": adm1, "adm_2": adm2,
            "latitude": lat, "longitude": lon, "country": "Pakistan", "event_clarity": "1", "date_prec": "1",
            "date_start": day.isoformat(), "date_end": day.isoformat(), "deaths_a": "0", "deaths_b": "0",
            "deaths_civilians": "0", "deaths_unknown": str(best), "best_est": str(best),
            "high_est": str(best + i % 4), "low_est": str(max(0, best - 1)),
        })
    return rows


def write_csv(path: Path, columns: list[str], rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def run(*args: str):
    return CliRunner().invoke(app, list(args), env=WIDE, prog_name="borderwatch")


def one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture
def ged(tmp_path) -> Path:
    return write_csv(tmp_path / "ged.csv", GED_COLUMNS, ged_rows())


@pytest.fixture
def db(tmp_path, ged) -> Path:
    path = tmp_path / "store.db"
    result = run("import", "ucdp", str(ged), "--db", str(path))
    assert result.exit_code == 0, result.output
    return path


# -- import ---------------------------------------------------------------------------------------------------

def test_import_is_idempotent_and_keeps_events_apart_from_news(tmp_path, ged):
    path = tmp_path / "a.db"
    first = one_line(run("import", "ucdp", str(ged), "--db", str(path)).output)
    again = one_line(run("import", "ucdp", str(ged), "--db", str(path)).output)
    assert first.startswith(f"ucdp: {N_ROWS} rows read, {N_ROWS} events added, 0 updated, 0 already stored")
    assert again.startswith(f"ucdp: {N_ROWS} rows read, 0 events added, 0 updated, {N_ROWS} already stored")
    with open_store(path) as store:
        events = store.events(source=EventSource.UCDP)
        assert len(events) == N_ROWS and store.events(source=EventSource.NEWS) == []
        assert all(e.id.startswith("ucdp:") and e.mentions == [] and e.source_id for e in events)
    listed = run("events", "--db", str(path), "--source", "ucdp", "--limit", "3").output
    assert "UCDP" in listed and "ucdp:" in listed


def test_a_revised_release_updates_only_the_rows_it_changed(tmp_path, ged):
    path = tmp_path / "a.db"
    run("import", "ucdp", str(ged), "--db", str(path))
    rows = ged_rows()
    rows[0] = {**rows[0], "best_est": "99", "high_est": "120", "low_est": "90"}
    revised = write_csv(tmp_path / "ged2.csv", GED_COLUMNS, rows)
    line = one_line(run("import", "ucdp", str(revised), "--db", str(path)).output)
    assert f"0 events added, 1 updated, {N_ROWS - 1} already stored" in line
    with open_store(path) as store:
        assert store.event("ucdp:500000").fatalities_best == 99


def test_bad_rows_are_listed_and_the_rest_go_in(tmp_path):
    rows = ged_rows(6)
    rows[2]["date_start"] = "2013-02-30"
    path = write_csv(tmp_path / "bad.csv", GED_COLUMNS, rows)
    result = run("import", "ucdp", str(path), "--db", str(tmp_path / "b.db"))
    assert result.exit_code == 0
    assert "5 events added" in one_line(result.output) and "1 rejected" in one_line(result.output)
    assert "rejected line 4" in result.output  # header is line 1


def test_a_file_without_the_columns_fails_clearly(tmp_path):
    path = tmp_path / "not-ged.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    result = run("import", "ucdp", str(path), "--db", str(tmp_path / "c.db"))
    assert result.exit_code == 2 and "missing column" in one_line(result.output)
    assert run("import", "gdelt", str(path), "--db", str(tmp_path / "c.db")).exit_code == 2


def test_store_refuses_news_events_through_the_import_path():
    with open_store(":memory:") as store, pytest.raises(StoreError, match="add_document"):
        store.add_events([Event("ev-1", "Battles", "Armed clash", None, None, "PK", None, None)])


def test_export_marks_the_source(db, tmp_path):
    out = tmp_path / "events.csv"
    assert run("export", "--db", str(db), "--format", "csv", "-o", str(out)).exit_code == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(rows) == N_ROWS
    assert {r["bw_source"] for r in rows} == {"ucdp"} and all(r["bw_source_id"] for r in rows)
    assert {r["source"] for r in rows} == {"UCDP GED"}


# -- stats ----------------------------------------------------------------------------------------------------

def stats_json(db: Path, *args: str) -> dict:
    result = run("stats", *args, "--db", str(db), "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_tally_accounts_for_every_event_and_fatality(db):
    rows = ged_rows()
    table = stats_json(db, "tally", "--by", "actor1", "--period", "year")
    assert sum(r["events"] for r in table["rows"]) == N_ROWS
    assert sum(r["best"] for r in table["rows"]) == sum(int(r["best_est"]) for r in rows)
    assert {r["actor1"] for r in table["rows"]} == {"TTP", "PAK-MIL", "AFG-MIL"}
    years = {r["period"] for r in table["rows"]}
    assert years <= {"2012", "2013", "2014"}


def test_year_on_year_change_is_against_the_year_before(db):
    table = stats_json(db, "change", "--period", "year")
    by_year = {r["period"]: r for r in table["rows"]}
    second = by_year["2013"]
    assert second["events a year before"] == by_year["2012"]["events"]
    assert second["killed a year before"] == by_year["2012"]["killed (best)"]
    assert second["events change %"] == pytest.approx(100 * (second["events"] - by_year["2012"]["events"])
                                               / by_year["2012"]["events"], abs=1e-3)


@pytest.mark.parametrize("view", ["escalation", "retaliation", "lulls", "granger"])
def test_every_view_runs_and_explains_itself(db, view):
    table = stats_json(db, view, "--threshold", "10")
    assert table["rows"] and table["notes"]


def test_an_unknown_view_or_grouping_is_a_clear_error(db):
    assert run("stats", "forecast", "--db", str(db)).exit_code == 2
    result = run("stats", "tally", "--by", "colour", "--db", str(db))
    assert result.exit_code == 2 and "cannot group by colour" in one_line(result.output)


# -- model and simulate -----------------------------------------------------------------------------------

def test_model_reports_excitation_with_intervals_and_what_it_left_out(db):
    result = run("model", "--db", str(db), "--triggers", "2")
    assert result.exit_code == 0, result.output
    text = one_line(result.output)
    assert "Hawkes model of 160 day-precise events" in text  # 80 TTP attacks + 80 Afghan fire on PK
    assert "branching ratio" in text and "Likely triggers" in text
    assert "left out (too few events): PAK strikes in AF (0 events)" in text
    assert re.search(r"\d\.\d\d \(\d\.\d\d–\d+\.\d\d\)", text)  # an estimate with its interval


def test_simulate_compares_a_scenario_with_the_baseline(db, tmp_path):
    out = tmp_path / "fan.svg"
    result = run("simulate", "--db", str(db), "--edit", "scale mu[TTP attacks]*0", "--days", "60",
                 "--paths", "40", "--out", str(out))
    assert result.exit_code == 0, result.output
    row = next(line for line in result.output.splitlines() if "TTP attacks" in line and "(" in line)
    baseline, scenario = re.findall(r"(\d+) \(\d+–\d+\)", row)[:2]
    assert int(scenario) <= int(baseline)  # no background TTP attacks: never more of them
    svgs = out.read_text(encoding="utf-8").split("\n<svg")
    assert len(svgs) == 4 and ET.fromstring(svgs[0]).tag.endswith("svg")


def test_simulate_names_the_series_when_an_edit_is_wrong(db):
    result = run("simulate", "--db", str(db), "--edit", "alpha[Nobody <- TTP attacks]=1")
    assert result.exit_code == 2 and "TTP attacks" in one_line(result.output)
    assert run("simulate", "--db", str(db)).exit_code == 2  # nothing to simulate


# -- report -----------------------------------------------------------------------------------------------

ACLED_COLUMNS = ["event_id_cnty", "event_date", "year", "time_precision", "event_type", "sub_event_type",
                 "actor1", "actor2", "country", "iso", "admin1", "admin2", "location", "latitude", "longitude",
                 "geo_precision", "source", "notes", "fatalities"]
HOSTILE = "<script>alert(1)</script>"


def test_report_is_self_contained_and_escapes_what_came_from_outside(db, tmp_path):
    acled = write_csv(tmp_path / "acled.csv", ACLED_COLUMNS, [{
        "event_id_cnty": "PAK900001", "event_date": "2013-05-01", "year": "2013", "time_precision": "1",
        "event_type": "Violence against civilians", "sub_event_type": "Attack", "actor1": HOSTILE,
        "actor2": "Civilians (Pakistan)", "country": "Pakistan", "iso": "586", "admin1": HOSTILE,
        "admin2": '<img src=x onerror="alert(2)">', "location": "javascript:alert(3)", "latitude": "34.0",
        "longitude": "71.5", "geo_precision": "1", "source": "Dawn", "notes": HOSTILE, "fatalities": "250",
    }])
    assert run("import", "acled", str(acled), "--db", str(db)).exit_code == 0
    out = tmp_path / "report.html"
    result = run("report", "--db", str(db), "--out", str(out))
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert "<script" not in page.lower() and "onerror=" not in page and "<img" not in page
    assert "default-src 'none'" in page
    assert not re.search(r"(?:src|href)\s*=\s*[\"']?(?:https?:|//|javascript:)", page)  # loads nothing
    for heading in ("What the data holds", "Timeline by actor series", "Map of events", "Fatality ranges",
                    "Retaliation", "Escalation index", "Self-exciting model", "Scenarios"):
        assert f"<h2>{heading}" in page
    markdown = out.with_suffix(".md").read_text(encoding="utf-8")
    assert markdown.startswith("# borderwatch report") and "<script" not in markdown.lower()
    assert "(section not available)" not in page


def test_report_library_call_says_why_a_section_is_missing():
    with open_store(":memory:") as store:
        store.add_events(e for e in _few_events())
        built = build_report(store)
    titles = [s.title for s in built.sections]
    assert "Self-exciting model" in titles  # too few events: the section explains instead of failing
    model = built.sections[titles.index("Self-exciting model")]
    assert model.explain.startswith("Not fitted:")


def _few_events():
    from borderwatch.model import DateRange, Precision

    for i in range(3):
        day = date(2020, 1, 1) + timedelta(days=i)
        yield Event(f"ucdp:{i}", "Battles", "Armed clash", DateRange(day, day, Precision.DAY), None, "PK", "TTP",
                    "PAK-MIL", source=EventSource.UCDP, source_id=str(i))


def test_import_dataset_library_call(tmp_path, ged):
    with open_store(tmp_path / "l.db") as store:
        summary = import_dataset("ucdp", ged, store)
        assert (summary.read, summary.added, len(summary.rejected)) == (N_ROWS, N_ROWS, 0)
        rows = list(store.flat_events(sources=[EventSource.UCDP]))
        assert len(rows) == N_ROWS and rows == sorted(rows, key=lambda r: (r["date_start"], r["id"]))


def test_model_takes_regime_breaks_and_bootstrap_intervals(db):
    result = run("model", "--db", str(db), "--break", "2013-06-01", "--bootstrap", "12", "--triggers", "0")
    assert result.exit_code == 0, result.output
    text = one_line(result.output)
    assert "regime breaks: 2013-06-01" in text and "bootstrap 95%" in text
    assert re.search(r"background per 100 days, by regime.*\d+\.\d\d / \d+\.\d\d", text)  # two regimes
    assert run("model", "--db", str(db), "--bootstrap", "3").exit_code == 2  # too few refits: a clear error


def test_show_and_export_give_each_event_its_rung_on_the_ladder(db, tmp_path):
    # row 2 of the file: Afghan government forces against Pakistan's, in Kurram: fire across the border
    text = one_line(run("show", "ucdp:500002", "--db", str(db)).output)
    assert "escalation rung border fire" in text and "imported from UCDP (500002)" in text
    assert "escalation rung none" in one_line(run("show", "ucdp:500001", "--db", str(db)).output)  # at home
    out = tmp_path / "e.csv"
    run("export", "--db", str(db), "--format", "csv", "-o", str(out))
    rungs = {r["bw_event_id"]: r["bw_escalation_rung"] for r in csv.DictReader(out.open(encoding="utf-8"))}
    assert rungs["ucdp:500002"] == "border_fire" and rungs["ucdp:500000"] == "militant_attack"
