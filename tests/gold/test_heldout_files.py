"""Shape checks for the held-out evaluation set (`tests/gold/heldout.*.jsonl`, described in `heldout.md`).

The held-out set is written by hand like the samples, so the same slips can distort a score: a sub-type
spelt differently from ACLED, an actor id outside the GOLD_FORMAT table, a date that does not fit its
precision, an event dated after the report that tells it, a place name that its document never uses.
The per-line checks are the samples' (`test_gold_files.gold_line_problems`); the rest are about this set.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

from test_gold_files import JSONL_KEYS, coded_start, gold_line_problems

HERE = Path(__file__).resolve().parent
DOCUMENTS_FILE = HERE / "heldout.documents.jsonl"
GOLD_FILE = HERE / "heldout.gold.jsonl"

# The brief for the set: 15-18 short reports of 120-400 words, 40-60 gold lines.
MIN_DOCS, MAX_DOCS = 15, 18
MIN_WORDS, MAX_WORDS = 120, 400
MIN_LINES, MAX_LINES = 40, 60

HELDOUT_NAME = re.compile(r"h\d{2}-[a-z0-9-]+")
FICTIONAL_URL = re.compile(r"https://[a-z]+\.example\.(org|com)/")


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def published_dates() -> dict[str, date | None]:
    return {doc["id"]: date.fromisoformat(doc["published"]) if doc["published"] else None
            for doc in read_jsonl(DOCUMENTS_FILE)}


# --- the documents ---------------------------------------------------------------------------------


def test_documents_follow_the_gold_documents_shape():
    docs = read_jsonl(DOCUMENTS_FILE)
    assert [doc["id"] for doc in docs if set(doc) != JSONL_KEYS] == []
    assert len({doc["id"] for doc in docs}) == len(docs)
    assert [doc["id"] for doc in docs if not HELDOUT_NAME.fullmatch(doc["id"])] == []
    assert MIN_DOCS <= len(docs) <= MAX_DOCS


def test_outlets_are_fictional():
    assert [doc["id"] for doc in read_jsonl(DOCUMENTS_FILE) if not FICTIONAL_URL.match(doc["url"])] == []


def test_one_or_two_documents_have_no_publication_date():
    # published_dates() also proves that every other `published` is an ISO date.
    assert 1 <= sum(day is None for day in published_dates().values()) <= 2


def test_bodies_are_short_news_reports():
    lengths = {doc["id"]: len(doc["text"].split()) for doc in read_jsonl(DOCUMENTS_FILE)}
    assert {doc: n for doc, n in lengths.items() if not MIN_WORDS <= n <= MAX_WORDS} == {}


# --- the gold coding --------------------------------------------------------------------------------


def test_every_gold_line_is_well_formed():
    lines = enumerate(read_jsonl(GOLD_FILE), 1)
    problems = [f"line {n}: {problem}" for n, line in lines for problem in gold_line_problems(line)]
    assert problems == []


def test_gold_and_documents_cover_each_other():
    coded = {line["doc"] for line in read_jsonl(GOLD_FILE)}
    assert coded == set(published_dates())


def test_no_event_is_dated_after_the_report_that_tells_it():
    published = published_dates()
    late = [(line["doc"], line["date"]) for line in read_jsonl(GOLD_FILE)
            if published[line["doc"]] and coded_start(line["date"]) > published[line["doc"]]]
    assert late == []


def test_named_places_appear_in_their_document():
    # admin1 may be inferred (the province of a named town); admin2 and location must be the text's own words.
    texts = {doc["id"]: doc["text"].lower() for doc in read_jsonl(DOCUMENTS_FILE)}
    missing = [(line["doc"], line[key]) for line in read_jsonl(GOLD_FILE) for key in ("admin2", "location")
               if line[key] and line[key].lower() not in texts[line["doc"]]]
    assert missing == []


def test_one_line_per_event_and_place_per_document():
    keys = [(ln["doc"], ln["incident"], ln["admin1"], ln["admin2"], ln["location"])
            for ln in read_jsonl(GOLD_FILE)]
    assert len(keys) == len(set(keys))


def test_mentions_of_one_incident_agree_on_event_type_and_country():
    seen: dict[str, set[tuple[str, str]]] = {}
    for line in read_jsonl(GOLD_FILE):
        seen.setdefault(line["incident"], set()).add((line["event_type"], line["country"]))
    assert {label: kinds for label, kinds in seen.items() if len(kinds) > 1} == {}


def test_several_incidents_are_told_by_more_than_one_document():
    docs_per_incident: dict[str, set[str]] = {}
    for line in read_jsonl(GOLD_FILE):
        docs_per_incident.setdefault(line["incident"], set()).add(line["doc"])
    assert sum(len(docs) >= 2 for docs in docs_per_incident.values()) >= 5


def test_gold_size_is_in_the_planned_range():
    lines = read_jsonl(GOLD_FILE)
    assert MIN_LINES <= len(lines) <= MAX_LINES
    # Optional lines are dropped from the score; a set made mostly of them would measure little.
    assert sum(bool(line.get("optional")) for line in lines) <= len(lines) // 5
