"""Shape checks for the bundled corpus (`samples/`) and its hand coding (`tests/gold/samples.gold.jsonl`).

Both are written by hand, so these checks catch the slips that would silently distort a score: an ACLED
sub-type spelt differently from ACLED, an actor id missing from the GOLD_FORMAT table, a date that does
not fit its precision, a `doc` that names no sample, an event dated after the report that tells it.
`gold_line_problems` returns every problem of a line instead of stopping at the first, so one run lists
all of them; the tests at the bottom prove it can fail.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from pathlib import Path

import lxml.html
import pytest

from borderwatch.model import BATTLES, EXPLOSIONS, VIOLENCE_AGAINST_CIVILIANS, Precision

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "samples"
GOLD_FILE = REPO / "tests" / "gold" / "samples.gold.jsonl"

# Documents that deliberately report no violent event (statements, threats, denials, aggregates).
NEGATIVE_DOCS = frozenset({"s15-nsc-warnings-jan-2023"})

# The brief for the corpus: short reports, 150-450 words of article text each.
MIN_WORDS, MAX_WORDS = 150, 450

ACLED_SUB_EVENT_TYPES = {
    BATTLES: frozenset({
        "Armed clash", "Government regains territory", "Non-state actor overtakes territory",
    }),
    EXPLOSIONS: frozenset({
        "Chemical weapon", "Air/drone strike", "Suicide bomb", "Shelling/artillery/missile attack",
        "Remote explosive/landmine/IED", "Grenade",
    }),
    VIOLENCE_AGAINST_CIVILIANS: frozenset({"Sexual violence", "Attack", "Abduction/forced disappearance"}),
}

# The actor table of GOLD_FORMAT.md.
ACTOR_IDS = frozenset({
    "PAK-MIL", "PAK-POL", "PAK-GOV", "AFG-TALIBAN", "AFG-MIL", "AFG-GOV", "TTP", "HGB", "HAQQANI", "ISKP",
    "AQ", "LEI", "BLA", "USA-MIL", "USA-GOV", "NATO", "IRN-MIL", "CIV-PAK", "CIV-AFG", "UNKNOWN",
})

REQUIRED_KEYS = frozenset({
    "doc", "event_type", "sub_event_type", "date", "date_precision", "country", "admin1", "admin2",
    "location", "actor1", "actor2", "fatalities", "incident",
})
OPTIONAL_KEYS = frozenset({"injured", "optional", "lat", "lon"})

# How a coded date is written for each precision; a season is coded by its first day (or month).
DATE_SHAPES = {
    Precision.DAY: re.compile(r"\d{4}-\d{2}-\d{2}"),
    Precision.WEEK: re.compile(r"\d{4}-\d{2}-\d{2}"),
    Precision.MONTH: re.compile(r"\d{4}-\d{2}"),
    Precision.SEASON: re.compile(r"\d{4}-\d{2}(-\d{2})?"),
    Precision.YEAR: re.compile(r"\d{4}"),
}
ISO2 = re.compile(r"[A-Z]{2}")
INCIDENT_LABEL = re.compile(r"\d{4}(-\d{2}){0,2}(-[a-z0-9]+)+")
SAMPLE_NAME = re.compile(r"s\d{2}-[a-z0-9-]+")
TXT_HEADER_KEYS = ("Title", "Published", "Outlet", "URL")
JSONL_KEYS = frozenset({"id", "url", "title", "published", "text"})


def read_gold(path: Path = GOLD_FILE) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def coded_start(value: str) -> date:
    """The first day of a coded date of any precision ("2011-11" -> 2011-11-01, "2014" -> 2014-01-01)."""
    parts = [int(p) for p in value.split("-")] + [1, 1]
    return date(parts[0], parts[1], parts[2])


def count_problems(field: str, claims: object) -> list[str]:
    """Problems of a `fatalities` / `injured` list: exact counts or min/max ranges, each with a claimant."""
    if not isinstance(claims, list):
        return [f"{field} is not a list"]
    problems = []
    for claim in claims:
        if not isinstance(claim, dict):
            problems.append(f"{field} entry {claim!r} is not an object")
            continue
        claimant = claim.get("claimed_by", "missing")
        if claimant not in ACTOR_IDS | {None}:
            problems.append(f"{field} claimant {claimant!r} is not an actor id or null")
        shape = set(claim) - {"claimed_by", "victim_group"}
        if shape == {"count"}:
            if not isinstance(claim["count"], int) or claim["count"] < 0:
                problems.append(f"{field} count {claim['count']!r} is not a non-negative integer")
        elif shape == {"min", "max"}:
            low, high = claim["min"], claim["max"]
            if not isinstance(low, int) or (high is not None and (not isinstance(high, int) or high < low)):
                problems.append(f"{field} range {low!r}..{high!r} is not min <= max (max may be null)")
        else:
            problems.append(f"{field} entry has keys {sorted(shape)}, want count or min/max")
    return problems


def place_problems(line: dict) -> list[str]:
    problems = []
    if not isinstance(line.get("country"), str) or not ISO2.fullmatch(line["country"]):
        problems.append(f"country {line.get('country')!r} is not ISO 3166-1 alpha-2")
    for key in ("admin1", "admin2", "location"):
        value = line.get(key)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            problems.append(f"{key} {value!r} is neither a name nor null")
    return problems


def date_problems(line: dict) -> list[str]:
    try:
        precision = Precision(line.get("date_precision"))
    except ValueError:
        return [f"date_precision {line.get('date_precision')!r} is not one of {[p.value for p in Precision]}"]
    value = line.get("date")
    if not isinstance(value, str) or not DATE_SHAPES[precision].fullmatch(value):
        return [f"date {value!r} does not fit precision {precision.value}"]
    try:
        coded_start(value)
    except ValueError:
        return [f"date {value!r} is not a calendar date"]
    return []


def gold_line_problems(line: dict) -> list[str]:
    """Everything wrong with one gold line, as readable messages; empty when the line is well formed."""
    problems = []
    missing, unknown = REQUIRED_KEYS - set(line), set(line) - REQUIRED_KEYS - OPTIONAL_KEYS
    if missing:
        problems.append(f"missing keys {sorted(missing)}")
    if unknown:
        problems.append(f"unknown keys {sorted(unknown)}")
    sub_types = ACLED_SUB_EVENT_TYPES.get(line.get("event_type"))
    if sub_types is None:
        problems.append(f"event_type {line.get('event_type')!r} is not a violent ACLED event type")
    elif line.get("sub_event_type") not in sub_types:
        problems.append(f"sub_event_type {line.get('sub_event_type')!r} is not an ACLED sub-type of "
                        f"{line['event_type']}")
    problems += date_problems(line) + place_problems(line)
    for key in ("actor1", "actor2"):
        if line.get(key) not in ACTOR_IDS | {None}:
            problems.append(f"{key} {line.get(key)!r} is not an actor id from GOLD_FORMAT.md")
    problems += count_problems("fatalities", line.get("fatalities"))
    if "injured" in line:
        problems += count_problems("injured", line["injured"])
    if not isinstance(line.get("incident"), str) or not INCIDENT_LABEL.fullmatch(line["incident"]):
        problems.append(f"incident {line.get('incident')!r} is not a label like 2024-03-18-pak-strikes")
    if "optional" in line and line["optional"] is not True:
        problems.append("optional, when present, must be true")
    return problems


def read_txt_sample(path: Path) -> dict:
    """A .txt sample: `Key: value` front matter, a blank line, then the body."""
    header, _, body = path.read_text(encoding="utf-8").partition("\n\n")
    fields = dict(line.split(": ", 1) for line in header.splitlines())
    published = fields.get("Published") or None
    return {"fields": fields, "published": date.fromisoformat(published) if published else None, "text": body}


def read_html_sample(path: Path) -> dict:
    root = lxml.html.fromstring(path.read_bytes())
    stamps = root.xpath('//meta[@property="article:published_time"]/@content')
    articles = root.xpath("//article")
    return {
        "root": root,
        "published": datetime.fromisoformat(stamps[0]).date() if stamps else None,
        "text": articles[0].text_content() if articles else "",
    }


def read_jsonl_samples(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def sample_published_dates() -> dict[str, date | None]:
    """Every sample document id (file stem or JSONL id) and its publication date."""
    dates: dict[str, date | None] = {}
    for path in sorted((SAMPLES / "txt").glob("*.txt")):
        dates[path.stem] = read_txt_sample(path)["published"]
    for path in sorted((SAMPLES / "html").glob("*.html")):
        dates[path.stem] = read_html_sample(path)["published"]
    for doc in read_jsonl_samples(SAMPLES / "jsonl" / "reports.jsonl"):
        dates[doc["id"]] = date.fromisoformat(doc["published"]) if doc["published"] else None
    return dates


def sample_texts() -> dict[str, str]:
    texts = {p.stem: read_txt_sample(p)["text"] for p in (SAMPLES / "txt").glob("*.txt")}
    texts |= {p.stem: read_html_sample(p)["text"] for p in (SAMPLES / "html").glob("*.html")}
    texts |= {d["id"]: d["text"] for d in read_jsonl_samples(SAMPLES / "jsonl" / "reports.jsonl")}
    return texts


# --- the gold file ----------------------------------------------------------------------------------


def test_every_gold_line_is_well_formed():
    problems = [f"line {n}: {p}" for n, line in enumerate(read_gold(), 1) for p in gold_line_problems(line)]
    assert problems == []


def test_every_gold_doc_names_a_sample_document():
    documents = set(sample_published_dates())
    assert {line["doc"] for line in read_gold()} - documents == set()


def test_every_sample_document_is_coded_except_the_negatives():
    coded = {line["doc"] for line in read_gold()}
    assert set(sample_published_dates()) - coded == NEGATIVE_DOCS


def test_no_event_is_dated_after_the_report_that_tells_it():
    published = sample_published_dates()
    late = [(line["doc"], line["date"]) for line in read_gold()
            if published[line["doc"]] and coded_start(line["date"]) > published[line["doc"]]]
    assert late == []


def test_one_line_per_event_and_place_per_document():
    keys = [(ln["doc"], ln["incident"], ln["admin1"], ln["admin2"], ln["location"]) for ln in read_gold()]
    assert len(keys) == len(set(keys))


def test_mentions_of_one_incident_agree_on_event_type_and_country():
    seen: dict[str, set[tuple[str, str]]] = {}
    for line in read_gold():
        seen.setdefault(line["incident"], set()).add((line["event_type"], line["country"]))
    assert {label: kinds for label, kinds in seen.items() if len(kinds) > 1} == {}


def test_several_incidents_are_told_by_more_than_one_document():
    docs_per_incident: dict[str, set[str]] = {}
    for line in read_gold():
        docs_per_incident.setdefault(line["incident"], set()).add(line["doc"])
    assert sum(len(docs) >= 2 for docs in docs_per_incident.values()) >= 5


def test_gold_size_is_in_the_planned_range():
    assert 35 <= len(read_gold()) <= 60


# --- the sample files -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted((SAMPLES / "txt").glob("*.txt")), ids=lambda p: p.stem)
def test_txt_sample_has_front_matter_then_a_dated_body(path):
    sample = read_txt_sample(path)
    assert tuple(sample["fields"]) == TXT_HEADER_KEYS
    assert re.match(r"https://[a-z]+\.example\.(org|com)/", sample["fields"]["URL"])
    assert sample["published"] is not None


@pytest.mark.parametrize("path", sorted((SAMPLES / "html").glob("*.html")), ids=lambda p: p.stem)
def test_html_sample_is_a_full_news_page(path):
    sample = read_html_sample(path)
    root = sample["root"]
    assert path.read_text(encoding="utf-8").lower().startswith("<!doctype html>")
    assert root.xpath("//head/title/text()")
    assert root.xpath('//meta[@property="og:title"]/@content')
    assert root.xpath('//link[@rel="canonical"]/@href')[0].startswith("https://")
    assert sample["published"] is not None
    assert root.xpath("//article/h1") and len(root.xpath("//article/p")) >= 4
    assert root.xpath("//nav") and root.xpath("//footer")


def test_jsonl_samples_follow_the_gold_documents_shape():
    docs = read_jsonl_samples(SAMPLES / "jsonl" / "reports.jsonl")
    assert all(set(doc) == JSONL_KEYS for doc in docs)
    assert len({doc["id"] for doc in docs}) == len(docs)
    assert sum(doc["published"] is None for doc in docs) >= 1


def test_sample_ids_are_unique_and_well_named():
    files = [*(SAMPLES / "txt").glob("*.txt"), *(SAMPLES / "html").glob("*.html")]
    ids = [p.stem for p in files] + [d["id"] for d in read_jsonl_samples(SAMPLES / "jsonl" / "reports.jsonl")]
    assert len(ids) == len(set(ids))
    assert [i for i in ids if not SAMPLE_NAME.fullmatch(i)] == []
    assert 12 <= len(ids) <= 15


def test_sample_bodies_are_short_news_reports():
    lengths = {doc: len(text.split()) for doc, text in sample_texts().items()}
    assert {doc: n for doc, n in lengths.items() if not MIN_WORDS <= n <= MAX_WORDS} == {}


# --- the checker itself can fail ----------------------------------------------------------------------

GOOD_LINE = {
    "doc": "s02-khost-paktika-strikes", "event_type": EXPLOSIONS, "sub_event_type": "Air/drone strike",
    "date": "2024-03-18", "date_precision": "day", "country": "AF", "admin1": "Khost", "admin2": "Spera",
    "location": "Spera", "actor1": "PAK-MIL", "actor2": "HGB",
    "fatalities": [{"count": 8, "claimed_by": "AFG-TALIBAN"}],
    "incident": "2024-03-18-pak-strikes-khost-paktika",
}


def test_a_well_formed_line_has_no_problems():
    assert gold_line_problems(GOOD_LINE) == []


@pytest.mark.parametrize(("change", "complaint"), [
    ({"sub_event_type": "Airstrike"}, "sub_event_type"),
    ({"event_type": "Strategic developments"}, "event_type"),
    ({"date": "2024-03", "date_precision": "day"}, "does not fit precision"),
    ({"date": "2024-02-30"}, "not a calendar date"),
    ({"date_precision": "fortnight"}, "date_precision"),
    ({"country": "Afghanistan"}, "country"),
    ({"actor1": "TALIBAN"}, "actor1"),
    ({"fatalities": [{"count": 8, "claimed_by": "Mujahid"}]}, "claimant"),
    ({"fatalities": [{"min": 10, "max": 8, "claimed_by": None}]}, "range"),
    ({"fatalities": [{"count": "eight", "claimed_by": None}]}, "non-negative integer"),
    ({"fatalities": [{"claimed_by": None}]}, "want count or min/max"),
    ({"injured": {"count": 2}}, "injured is not a list"),
    ({"incident": "Khost strikes"}, "incident"),
    ({"optional": False}, "optional"),
    ({"admin1": ""}, "admin1"),
    ({"lat ": 33.3}, "unknown keys"),
])
def test_the_checker_reports_a_broken_line(change, complaint):
    problems = gold_line_problems(GOOD_LINE | change)
    assert any(complaint in p for p in problems), problems


def test_the_checker_reports_missing_keys():
    line = {k: v for k, v in GOOD_LINE.items() if k != "incident"}
    assert any("missing keys ['incident']" in p for p in gold_line_problems(line))
