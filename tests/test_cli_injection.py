"""SQL injection attempts through every filter of the CLI are data: they match only an event that literally
carries them, or nothing, or are refused with a clean message; the store is never changed by a read.

The API's filters get the same treatment in tests/web/test_api.py. Here: `events --country/--actor/--type/
--source/--since/--until`, `claims --claimant/--event`, `stats --by/--country`, `show ID`, `chain ID` and
`merge A B`, run through the Typer app in-process (fast enough for the whole table), and once through the
console command in its own interpreter.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from borderwatch.cli import app
from borderwatch.ingest import read_documents
from borderwatch.model import DateRange, Event, EventSource, Precision
from borderwatch.pipeline import ingest_documents
from borderwatch.store import open_store

# What an attacker types where a value belongs: quote breaking, stacked statements, comments, LIKE and
# FTS wildcards, an unterminated quote, a UNION, a hex blob, a right-to-left override.
PAYLOADS = [
    "' OR 1=1 --",
    '" OR ""="',
    "TTP'; DROP TABLE events; --",
    "1); DELETE FROM documents; --",
    "x' UNION SELECT id, text FROM documents --",
    "%",
    "_",
    "%' OR '1'='1",
    "\\",
    "NEAR(a b)",
    '"unterminated',
    "*",
    "0x27204f5220313d31",
    "\u202eTTP",
]

# Two short reports in wire style, so the store holds news events with claims as well as planted ones.
ARTICLES = {
    "chaman.txt": """Title: Troops, Afghan forces trade fire near Chaman crossing
Published: 2024-10-12
Outlet: Quetta Courier

QUETTA: Pakistani troops and Afghan Taliban border forces exchanged heavy fire near the Chaman crossing \
on Friday, officials said. Two Pakistani soldiers were killed, the ISPR said in a statement.
""",
    "bajaur.txt": """Title: Police officers killed in Bajaur blast
Published: 2024-09-03
Outlet: Frontier Ledger

PESHAWAR: A roadside bomb struck a police van in Bajaur district on Monday, killing three policemen, \
district police officer said. The Tehreek-i-Taliban Pakistan claimed responsibility for the attack.
""",
}


def planted_event(index: int, payload: str) -> Event:
    """An imported event whose country, actor and type are the payload itself."""
    day = date(2023, 1, 1 + index)
    return Event(id=f"planted-{index:02d}", event_type=payload, sub_event_type="Armed clash",
                 date=DateRange(day, day, Precision.DAY), place=None, country=payload.upper(), actor1=payload,
                 actor2=None, fatalities_low=1, fatalities_best=1, fatalities_high=1, source=EventSource.UCDP,
                 source_id=str(index))


def snapshot(db: Path) -> tuple:
    """The schema and every table's row count: what a successful injection would change."""
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        schema = conn.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()
        tables = [name for kind, name, _ in schema if kind == "table" and not name.startswith("sqlite_")]
        counts = tuple(conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in tables)
    conn.close()
    return tuple(schema), counts


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> tuple[Path, tuple]:
    folder = tmp_path_factory.mktemp("injection")
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    db = folder / "events.db"
    with open_store(db) as opened:
        summary = ingest_documents(read_documents([folder]), opened)
        assert summary.added == len(ARTICLES) and summary.mentions >= 2
        opened.add_events(planted_event(i, payload) for i, payload in enumerate(PAYLOADS))
    return db, snapshot(db)


def run(db: Path, *arguments: str):
    result = CliRunner().invoke(app, [*arguments, "--db", str(db)])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


@pytest.mark.parametrize("option", ["--country", "--actor", "--type"])
@pytest.mark.parametrize("index", range(len(PAYLOADS)), ids=PAYLOADS)
def test_a_payload_in_an_event_filter_matches_only_the_event_that_carries_it(store, option, index):
    db, before = store
    result = run(db, "events", option, PAYLOADS[index])
    assert result.exit_code == 0, result.output
    assert "1 events, newest first" in result.output
    assert f"planted-{index:02d}" in result.output
    assert snapshot(db) == before


# (command line with {} for the payload, exit code, what the output must say)
REFUSED_OR_EMPTY = [
    (["claims", "--claimant", "{}"], 0, "0 claims"),
    (["claims", "--event", "{}"], 0, "0 claims"),
    (["events", "--source", "{}"], 2, "unknown source"),
    (["events", "--since", "{}"], 2, "not a date"),
    (["events", "--until", "{}"], 2, "not a date"),
    (["stats", "tally", "--by", "{}"], 2, "cannot group by"),
    (["stats", "tally", "--by", "actor,{}"], 2, "cannot group by"),
    (["show", "{}"], 2, "no event"),
    (["chain", "{}"], 2, "no event"),
    (["merge", "{}", "{}"], 2, "no mention"),
]


@pytest.mark.parametrize(("command", "code", "says"), REFUSED_OR_EMPTY, ids=lambda v: " ".join(v)
                         if isinstance(v, list) else str(v))
@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_payload_in_any_other_filter_is_refused_cleanly_or_matches_nothing(store, command, code, says,
                                                                             payload):
    db, before = store
    result = run(db, *(part.replace("{}", payload) for part in command))
    output = " ".join(result.output.split())  # rich folds long messages over lines
    assert result.exit_code == code, result.output
    assert says in output
    assert "Traceback" not in result.output
    assert snapshot(db) == before


def test_stats_country_filter_counts_only_the_event_that_carries_the_payload(store):
    db, before = store
    result = run(db, "stats", "tally", "--by", "actor1", "--country", PAYLOADS[0], "--json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["rows"] and all(PAYLOADS[0] in json.dumps(row) for row in body["rows"])
    assert snapshot(db) == before


def test_the_same_filters_with_genuine_values_do_find_things(store):
    """The controls: without them, "nothing matched" above could mean the filters never match."""
    db, _ = store
    with open_store(db) as opened:
        claimant = next(r.claim.claimant for r in opened.claims() if r.claim.claimant)
        actor = next(e.actor1 for e in opened.events(source="news") if e.actor1)
        event_id = opened.events(source="news")[0].id
    claims = run(db, "claims", "--claimant", claimant)
    assert claims.exit_code == 0 and "0 claims" not in claims.output and claimant in claims.output
    events = run(db, "events", "--actor", actor)
    assert events.exit_code == 0 and "0 events" not in events.output
    assert run(db, "show", event_id).exit_code == 0
    assert run(db, "stats", "tally", "--by", "actor1", "--json").exit_code == 0


def test_the_console_command_treats_a_payload_as_data(store):
    db, before = store
    console = [sys.executable, "-c", "from borderwatch.cli import main; main()"]
    done = subprocess.run([*console, "events", "--actor", PAYLOADS[2], "--db", str(db)], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "1 events, newest first" in done.stdout and "planted-02" in done.stdout
    assert snapshot(db) == before


# Rich reads "[...]" in printed strings as style markup; text from the store (an imported actor name, a
# phrase of an article) must be printed as text, not crash the command or restyle its output.
MARKUP = ["[/]", "[bold]TTP[/bold]", "[link=https://evil.example]TTP[/link]"]


@pytest.mark.parametrize("payload", MARKUP)
def test_stored_text_that_looks_like_markup_is_printed_as_text(tmp_path, payload):
    db = tmp_path / "events.db"
    with open_store(db) as opened:
        opened.add_events([planted_event(0, payload)])
    listed = CliRunner().invoke(app, ["events", "--db", str(db)])
    shown = CliRunner().invoke(app, ["show", "planted-00", "--db", str(db)])
    assert listed.exit_code == 0 and shown.exit_code == 0
    assert payload in " ".join(listed.output.split()) and payload in shown.output
