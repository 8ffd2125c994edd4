"""The library half of `ingest` and `evaluate`: real files in tmp_path → a SQLite store → scores."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import (
    AMBUSH_ARTICLE,
    AMBUSH_GOLD,
    GOOD_ARTICLES,
    KHOST_ARTICLE,
    KHOST_GOLD,
    TORKHAM_ARTICLE,
    write_articles,
    write_gold_set,
)

from borderwatch.errors import GoldFormatError
from borderwatch.model import DocStatus
from borderwatch.pipeline import evaluate_files, ingest_paths
from borderwatch.store import open_store

BAD_FILES: dict[str, str | bytes] = {
    "scan.txt": b"%PDF-1.7\x00\x00\x01\x02binary\x00stream",
    "empty.txt": b"",
    "garbled.txt": bytes(range(0x80, 0x100)) * 4,
}


@pytest.fixture
def mixed_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "mixed"
    write_articles(folder, {**GOOD_ARTICLES, **BAD_FILES})
    return folder


def test_good_files_are_stored_and_bad_ones_recorded_with_reasons(mixed_folder, store_path):
    with open_store(store_path) as store:
        summary = ingest_paths([mixed_folder], store)
        failures = {Path(source).name: error for _, source, error in store.failures()}
        ok = store.documents(DocStatus.OK)
        counts = store.counts()
    assert (summary.read, summary.added, summary.failed) == (6, 3, 3)
    assert set(failures) == set(BAD_FILES)
    assert "binary" in failures["scan.txt"]
    assert "empty" in failures["empty.txt"]
    assert any(word in failures["garbled.txt"] for word in ("not valid", "binary"))
    assert sorted(d.title for d in ok) == sorted(
        text.splitlines()[0].removeprefix("Title: ") for text in GOOD_ARTICLES.values())
    assert counts["documents"] == 6
    assert summary.mentions == counts["mentions"] >= 3
    assert "6 documents read, 3 added" in summary.line()
    assert "3 failed" in summary.line()


def test_store_counts_every_failed_document(mixed_folder, store_path):
    with open_store(store_path) as store:
        ingest_paths([mixed_folder], store)
        assert store.counts()["failed"] == len(store.failures()) == 3


def test_a_rerun_adds_nothing(mixed_folder, store_path):
    with open_store(store_path) as store:
        ingest_paths([mixed_folder], store)
        before = store.counts()
        again = ingest_paths([mixed_folder], store)
        after = store.counts()
    assert after == before
    assert again.added == 0 and again.mentions == 0
    assert again.unchanged == 3


def test_a_later_run_that_fails_keeps_what_is_stored(tmp_path, store_path):
    first = write_articles(tmp_path / "first", {"khost.txt": KHOST_ARTICLE, "torkham.txt": TORKHAM_ARTICLE})
    broken = write_articles(tmp_path / "broken", BAD_FILES)
    with open_store(store_path) as store:
        ingest_paths(first, store)
        stored = {d.id for d in store.documents(DocStatus.OK)}
        events_before = len(store.events())
        summary = ingest_paths([*broken, tmp_path / "missing.txt"], store)
        assert {d.id for d in store.documents(DocStatus.OK)} == stored
        assert len(store.events()) == events_before
    assert summary.failed == 4 and summary.added == 0
    assert len(stored) == 2


def test_the_same_article_under_two_names_is_stored_once(tmp_path, store_path):
    paths = write_articles(tmp_path / "dupes", {"a.txt": AMBUSH_ARTICLE, "b.txt": AMBUSH_ARTICLE})
    with open_store(store_path) as store:
        summary = ingest_paths(paths, store)
        assert store.counts()["documents"] == 1
    assert (summary.added, summary.unchanged) == (1, 1)


def test_ingested_events_carry_the_coded_fields(article_folder, store_path):
    with open_store(store_path) as store:
        ingest_paths([article_folder], store)
        af = store.events(country="AF")
        pk = store.events(country="PK")
    assert [(e.event_type, e.sub_event_type, e.date.iso(), e.place.admin1) for e in af] == [
        ("Explosions/Remote violence", "Air/drone strike", "2024-03-18", "Khost")]
    assert af[0].actor1 == "PAK-MIL"
    assert af[0].fatalities_best == 8
    assert sorted(e.date.iso() for e in pk) == ["2023-07-01", "2023-09-03"]


def test_progress_callback_sees_every_document(mixed_folder, store_path):
    seen = []
    with open_store(store_path) as store:
        ingest_paths([mixed_folder], store, on_document=lambda d: seen.append(d.status))
    assert len(seen) == 6 and seen.count(DocStatus.FAILED) == 3


# -- evaluation --------------------------------------------------------------------------------------------

def test_evaluate_files_scores_a_tiny_gold_set(tmp_path):
    docs, gold = write_gold_set(tmp_path / "gold", [KHOST_GOLD, AMBUSH_GOLD])
    scores = evaluate_files(docs, gold)
    assert scores.n_gold == 2
    assert scores.tp == 2
    assert scores.recall == 1.0 and scores.precision == 1.0
    assert set(scores.per_document) == {"khost", "ambush"}
    assert json.loads(json.dumps(scores.as_dict(), default=str))["tp"] == 2


def test_evaluate_files_counts_a_gold_event_the_text_does_not_have_as_missed(tmp_path):
    invented = {**AMBUSH_GOLD, "event_type": "Explosions/Remote violence", "sub_event_type": "Suicide bomb",
                "date": "2021-01-01", "incident": "invented"}
    docs, gold = write_gold_set(tmp_path / "gold", [KHOST_GOLD, AMBUSH_GOLD, invented])
    scores = evaluate_files(docs, gold)
    assert scores.n_gold == 3 and scores.tp == 2
    assert [g["incident"] for g in scores.unmatched_gold] == ["invented"]


def test_evaluate_files_rejects_a_malformed_gold_line(tmp_path):
    docs, gold = write_gold_set(tmp_path / "gold", [{"doc": "khost", "event_type": "Battles"}])
    with pytest.raises(GoldFormatError, match="missing required key"):
        evaluate_files(docs, gold)
