"""Shape checks for the held-out evaluation sets (`tests/gold/heldout*.jsonl`, described in `heldout*.md`).

A held-out set is written by hand like the samples, so the same slips can distort a score: a sub-type spelt
differently from ACLED, an actor id outside the GOLD_FORMAT table, a date that does not fit its precision, an
event dated after the report that tells it, a place name that its document never uses. The per-line checks are
the samples' (`test_gold_files.gold_line_problems`); the rest are about the sets. Every check runs on each set
listed in HELD_OUT_SETS, with that set's own bounds.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from test_gold_files import JSONL_KEYS, coded_start, gold_line_problems

HERE = Path(__file__).resolve().parent

# Every set's bodies are short news reports of 120-400 words.
MIN_WORDS, MAX_WORDS = 120, 400

FICTIONAL_URL = re.compile(r"https://[a-z]+\.example\.(org|com)/")


@dataclass(frozen=True, slots=True)
class HeldOutSet:
    """One held-out set: its two files and the bounds its brief set for it."""

    name: str
    id_pattern: re.Pattern[str]
    min_docs: int
    max_docs: int
    min_lines: int
    max_lines: int
    # Documents written to report no violent event (statements, denials, aggregates): they have no gold line.
    negative_docs: frozenset[str] = frozenset()

    @property
    def documents_file(self) -> Path:
        return HERE / f"{self.name}.documents.jsonl"

    @property
    def gold_file(self) -> Path:
        return HERE / f"{self.name}.gold.jsonl"


HELD_OUT_SETS = (
    # The first set (heldout.md): 15-18 reports, 40-60 gold lines.
    HeldOutSet("heldout", re.compile(r"h\d{2}-[a-z0-9-]+"), 15, 18, 40, 60),
    # The second set (heldout2.md), written blind after the first had been used for tuning: 18-20 reports,
    # 45-70 gold lines, one report with no codable event.
    HeldOutSet("heldout2", re.compile(r"k\d{2}-[a-z0-9-]+"), 18, 20, 45, 70,
               negative_docs=frozenset({"k20-kunar-rocket-fire-row"})),
    # The third set (heldout3.md), written blind after the second had been used for tuning: 18-20 reports,
    # 45-70 gold lines, two reports with no codable event (a ceasefire ending, an exchange of ambassadors).
    HeldOutSet("heldout3", re.compile(r"q\d{2}-[a-z0-9-]+"), 18, 20, 45, 70,
               negative_docs=frozenset({"q19-ttp-calls-off-ceasefire", "q20-pakistan-afghanistan-upgrade-envoys"})),
    # The fourth set (heldout4.md), written blind after the third had been used for tuning: 18-20 reports,
    # 45-70 gold lines, two reports with no codable event (a prime minister's visit, a ceasefire announced).
    HeldOutSet("heldout4", re.compile(r"r\d{2}-[a-z0-9-]+"), 18, 20, 45, 70,
               negative_docs=frozenset({"r18-imran-khan-kabul-visit", "r19-ttp-announces-month-long-ceasefire"})),
    # The fifth set (heldout5.md), written blind after the fourth had been used for tuning: 18-20 reports,
    # 45-70 gold lines, two reports with no codable event (a protest at deportations, a ministers' meeting).
    HeldOutSet("heldout5", re.compile(r"t\d{2}-[a-z0-9-]+"), 18, 20, 45, 70,
               negative_docs=frozenset({"t18-islamic-emirate-condemns-deportations",
                                        "t19-trilateral-ministers-meet-kabul"})),
    # The sixth set (heldout6.md), written blind after the fifth had been used for tuning: 18-20 reports,
    # 45-70 gold lines, two reports with no codable event (a counter-terrorism plan approved, drone-strike totals).
    HeldOutSet("heldout6", re.compile(r"u\d{2}-[a-z0-9-]+"), 18, 20, 45, 70,
               negative_docs=frozenset({"u19-apex-committee-approves-azm-e-istehkam",
                                        "u20-drone-war-by-the-numbers"})),
    # The seventh set (heldout7.md), written blind after the sixth had been used for tuning: 18-20 reports,
    # 45-70 gold lines, two reports with no codable event (a court ruling on drone strikes, a terrorist listing).
    HeldOutSet("heldout7", re.compile(r"v\d{2}-[a-z0-9-]+"), 18, 20, 45, 70,
               negative_docs=frozenset({"v19-peshawar-high-court-drone-ruling",
                                        "v20-us-designates-bla-majeed-brigade"})),
    # The eighth set (heldout8.md), written blind after the seventh had been used for tuning: 18-20 reports,
    # 45-70 gold lines, two reports with no codable event (the tribal areas' merger vote, a minister's Kabul visit).
    HeldOutSet("heldout8", re.compile(r"w\d{2}-[a-z0-9-]+"), 18, 20, 45, 70,
               negative_docs=frozenset({"w19-fata-merger-bill", "w20-dar-kabul-visit"})),
)


@pytest.fixture(params=HELD_OUT_SETS, ids=lambda held_out: held_out.name)
def held_out(request) -> HeldOutSet:
    return request.param


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def published_dates(held_out: HeldOutSet) -> dict[str, date | None]:
    return {doc["id"]: date.fromisoformat(doc["published"]) if doc["published"] else None
            for doc in read_jsonl(held_out.documents_file)}


# --- the documents ---------------------------------------------------------------------------------


def test_documents_follow_the_gold_documents_shape(held_out):
    docs = read_jsonl(held_out.documents_file)
    assert [doc["id"] for doc in docs if set(doc) != JSONL_KEYS] == []
    assert len({doc["id"] for doc in docs}) == len(docs)
    assert [doc["id"] for doc in docs if not held_out.id_pattern.fullmatch(doc["id"])] == []
    assert held_out.min_docs <= len(docs) <= held_out.max_docs


def test_outlets_are_fictional(held_out):
    docs = read_jsonl(held_out.documents_file)
    assert [doc["id"] for doc in docs if not FICTIONAL_URL.match(doc["url"])] == []


def test_one_or_two_documents_have_no_publication_date(held_out):
    # published_dates() also proves that every other `published` is an ISO date.
    assert 1 <= sum(day is None for day in published_dates(held_out).values()) <= 2


def test_bodies_are_short_news_reports(held_out):
    lengths = {doc["id"]: len(doc["text"].split()) for doc in read_jsonl(held_out.documents_file)}
    assert {doc: n for doc, n in lengths.items() if not MIN_WORDS <= n <= MAX_WORDS} == {}


def test_no_two_sets_share_a_document():
    # A report in two sets would let tuning on the earlier set leak into the reading of the later one.
    ids = [doc["id"] for held_out in HELD_OUT_SETS for doc in read_jsonl(held_out.documents_file)]
    texts = [doc["text"] for held_out in HELD_OUT_SETS for doc in read_jsonl(held_out.documents_file)]
    assert len(set(ids)) == len(ids)
    assert len(set(texts)) == len(texts)


# --- the gold coding --------------------------------------------------------------------------------


def test_every_gold_line_is_well_formed(held_out):
    lines = enumerate(read_jsonl(held_out.gold_file), 1)
    problems = [f"line {n}: {problem}" for n, line in lines for problem in gold_line_problems(line)]
    assert problems == []


def test_gold_and_documents_cover_each_other(held_out):
    coded = {line["doc"] for line in read_jsonl(held_out.gold_file)}
    documents = set(published_dates(held_out))
    assert held_out.negative_docs <= documents
    assert coded == documents - held_out.negative_docs


def test_no_event_is_dated_after_the_report_that_tells_it(held_out):
    published = published_dates(held_out)
    late = [(line["doc"], line["date"]) for line in read_jsonl(held_out.gold_file)
            if published[line["doc"]] and coded_start(line["date"]) > published[line["doc"]]]
    assert late == []


def test_named_places_appear_in_their_document(held_out):
    # admin1 may be inferred (the province of a named town); admin2 and location must be the text's own words.
    texts = {doc["id"]: doc["text"].lower() for doc in read_jsonl(held_out.documents_file)}
    missing = [(line["doc"], line[key]) for line in read_jsonl(held_out.gold_file)
               for key in ("admin2", "location") if line[key] and line[key].lower() not in texts[line["doc"]]]
    assert missing == []


def test_one_line_per_event_and_place_per_document(held_out):
    keys = [(ln["doc"], ln["incident"], ln["admin1"], ln["admin2"], ln["location"])
            for ln in read_jsonl(held_out.gold_file)]
    assert len(keys) == len(set(keys))


def test_mentions_of_one_incident_agree_on_event_type_and_country(held_out):
    seen: dict[str, set[tuple[str, str]]] = {}
    for line in read_jsonl(held_out.gold_file):
        seen.setdefault(line["incident"], set()).add((line["event_type"], line["country"]))
    assert {label: kinds for label, kinds in seen.items() if len(kinds) > 1} == {}


def test_several_incidents_are_told_by_more_than_one_document(held_out):
    docs_per_incident: dict[str, set[str]] = {}
    for line in read_jsonl(held_out.gold_file):
        docs_per_incident.setdefault(line["incident"], set()).add(line["doc"])
    assert sum(len(docs) >= 2 for docs in docs_per_incident.values()) >= 5


def test_gold_size_is_in_the_planned_range(held_out):
    lines = read_jsonl(held_out.gold_file)
    assert held_out.min_lines <= len(lines) <= held_out.max_lines
    # Optional lines are dropped from the score; a set made mostly of them would measure little.
    assert sum(bool(line.get("optional")) for line in lines) <= len(lines) // 5
