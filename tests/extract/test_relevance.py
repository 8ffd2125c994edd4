"""Tests for borderwatch.extract.relevance: recall on the gold sets, real-world phrasing both ways, the
hits it reports, and invariants of the scan (hypothesis)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from borderwatch.extract.relevance import (
    MIN_WEAK_REFS,
    TermKind,
    is_relevant,
    relevance_filter,
    relevance_hits,
    relevant_documents,
)
from borderwatch.model import DocStatus, Document
from borderwatch.theatre import load_theatre

REPO = Path(__file__).resolve().parents[2]
# The project's gold sets, and the shared development set where a checkout has it.
GOLD_SETS = [(REPO / "tests/gold" / f"{name}.documents.jsonl", REPO / "tests/gold" / f"{name}.gold.jsonl")
             for name in ("samples", "heldout", "heldout2", "heldout3", "heldout4", "heldout5", "heldout6", "heldout7",
                          "heldout8")]
SHARED_DEV = REPO.parent / "shared" / "dev"
if (SHARED_DEV / "seeds.documents.jsonl").exists():
    GOLD_SETS.append((SHARED_DEV / "seeds.documents.jsonl", SHARED_DEV / "seeds.gold.jsonl"))


@pytest.fixture(scope="module")
def theatre():
    return load_theatre()


def documents_with_events(documents: Path, gold: Path) -> list[dict]:
    def records(path: Path) -> list[dict]:
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]

    with_events = {record["doc"] for record in records(gold)}
    docs = records(documents)
    return [d for d in docs if d["id"] in with_events]


@pytest.mark.parametrize("documents, gold", GOLD_SETS, ids=[d.name for d, _ in GOLD_SETS])
def test_every_gold_document_with_an_event_passes(theatre, documents: Path, gold: Path) -> None:
    docs = documents_with_events(documents, gold)
    assert len(docs) >= 4
    missed = [d["id"] for d in docs if not is_relevant(d["text"], theatre)]
    assert missed == []


@pytest.mark.parametrize("text", [
    "PESHAWAR: Seven soldiers were martyred when militants ambushed a convoy, the ISPR said.",
    "KOHAT: Two policemen were martyred when gunmen opened fire on a checkpost on Sunday.",
    "Gunmen on motorcycles killed two traffic wardens in Dera Ismail Khan on Tuesday evening.",
    "A suicide bomber struck a rally in Bajaur's Khar tehsil, killing at least 54 people.",
    "Taliban forces and Pakistani troops exchanged fire at the Torkham crossing.",
    "Islamabad summoned the Afghan charge d'affaires over the cross-border attack.",
    "The TTP claimed the attack; the Haqqani network denied any role.",  # two weak names
    "Militants attacked a post in Khak-e Safed district overnight, officials said.",
    "A roadside bomb hit a Frontier Corps Balochistan vehicle near the border.",
    "Residents of Mir Ali said the curfew was lifted on Friday.",
    "Drone strike kills four in North Waziristan",
    "Fighting resumed in the Spin Boldak district of Kandahar province.",
])
def test_border_news_is_relevant(theatre, text: str) -> None:
    assert is_relevant(text, theatre)


@pytest.mark.parametrize("text", [
    "Palestinian President Mahmoud Abbas met the UN envoy in Ramallah.",  # a place's alternate name
    "Rangers beat Celtic 2-1 at Ibrox to go top of the table.",                       # an actor's alias
    "SWAT officers surrounded the house in Ohio after a six-hour stand-off.",        # a short place name
    "The Titan submersible imploded on its way to the wreck of the Titanic.",        # a hamlet's name
    "Tata Motors shares rose 3 percent in Mumbai after strong quarterly sales.",
    "NATO leaders met in Vilnius to discuss air defence for Ukraine.",
    "The Foreign Office said British nationals should leave Lebanon while flights operate.",
    "Islamic State fighters attacked a checkpoint in Deir ez-Zor, Syrian state media said.",
    "The central bank held interest rates at 5.25 percent, citing sticky services inflation.",
    "Heavy rain flooded parts of Valencia, and the regional government opened shelters.",
    "",
])
def test_news_of_elsewhere_is_not(theatre, text: str) -> None:
    assert not is_relevant(text, theatre)


@pytest.mark.parametrize("text, expected", [
    ("Clashes in North Waziristan", [("North Waziristan", TermKind.PLACE, True)]),
    ("the Pakistani military", [("Pakistani", TermKind.COUNTRY, True)]),
    ("KABUL: The ministry said", [("KABUL", TermKind.COUNTRY, True)]),
    ("the al-Qaeda chief", [("Qaeda", TermKind.ACTOR, False)]),              # from the first capital
    ("a Pakistan Army spokesman", [("Pakistan Army", TermKind.ACTOR, True)]),  # longest, and strong
    ("the TTP's Swat chapter", [("TTP", TermKind.ACTOR, False), ("Swat", TermKind.PLACE, False)]),
    ("a ProPakistan rally in Pakistan2 and Kabulistan", []),                  # parts of longer words
    ("Pakistan\u2019s Taliban", [("Pakistan\u2019s Taliban", TermKind.ACTOR, True)]),
])
def test_hits(theatre, text: str, expected: list) -> None:
    assert [(h.text, h.kind, h.strong) for h in relevance_hits(text, theatre)] == expected


def test_hits_say_what_they_refer_to(theatre) -> None:
    hits = relevance_hits("PESHAWAR: the TTP claimed the attack in Kurram, Pakistan said.", theatre)
    assert [(h.text, h.ref) for h in hits] == [
        ("PESHAWAR", hits[0].ref), ("TTP", "TTP"), ("Kurram", hits[2].ref), ("Pakistan", "PK")]
    assert hits[0].ref.startswith(("adm", "gn:", "ucdp:")) and hits[2].ref.startswith(("adm", "gn:", "ucdp:"))


def test_one_weak_name_repeated_is_not_enough(theatre) -> None:
    text = "NATO said. NATO added. NATO denied."
    assert len(relevance_hits(text, theatre)) == 3
    assert MIN_WEAK_REFS == 2 and not is_relevant(text, theatre)


def test_relevant_documents_passes_failures_and_reports_skips(theatre) -> None:
    docs = [
        Document(id="a", text="Gunmen killed two in Dera Ismail Khan."),
        Document(id="b", text="The central bank held rates."),
        Document(id="c", text="", status=DocStatus.FAILED, error="HTTP 404"),
        Document(id="d", text="Officials said two were killed.", title="Blast in Quetta"),
    ]
    skipped: list[str] = []
    kept = [d.id for d in relevant_documents(docs, theatre, on_skip=lambda d: skipped.append(d.id))]
    assert kept == ["a", "c", "d"] and skipped == ["b"]


def test_the_filter_is_built_once_per_theatre(theatre) -> None:
    assert relevance_filter(theatre) is relevance_filter(theatre)
    assert len(relevance_filter(theatre)) > 5000


WORDS = st.sampled_from(["Pakistan", "Kurram", "North", "Waziristan", "TTP", "Swat", "the", "al-Qaeda",
                         "PESHAWAR:", "Mir", "Ali", "Dera", "Ismail", "Khan", "NATO", "said", "Kabul's", "x"])


@settings(max_examples=150, deadline=None)
@given(st.lists(WORDS, max_size=30), st.sampled_from([" ", "-", ", ", "\n\n"]))
def test_hits_are_ordered_disjoint_and_decide_relevance(theatre, words: list[str], joiner: str) -> None:
    text = joiner.join(words)
    hits = relevance_hits(text, theatre)
    assert all(text[h.start:h.end] == h.text for h in hits)
    assert all(a.end <= b.start for a, b in zip(hits, hits[1:], strict=False))
    weak = {h.ref for h in hits if not h.strong}
    assert is_relevant(text, theatre) == (any(h.strong for h in hits) or len(weak) >= MIN_WEAK_REFS)
