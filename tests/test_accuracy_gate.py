"""The accuracy gate: the gold sets in tests/gold/ (the sample corpus, and the held-out reports written
without sight of the extractor) must score at or above the floors pinned in tests/gold/floors.json.
A change that makes extraction worse fails CI here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from repo_scripts import loaded

from borderwatch.pipeline import evaluate_files

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "gold"
FLOORS = {name: metrics for name, metrics in json.loads((GOLD / "floors.json").read_text()).items()
          if not name.startswith("_")}
CASES = [(gold_set, metric) for gold_set, metrics in sorted(FLOORS.items()) for metric in sorted(metrics)]


@pytest.fixture(scope="module")
def scores():
    return {name: evaluate_files(GOLD / f"{name}.documents.jsonl", GOLD / f"{name}.gold.jsonl") for name in FLOORS}


def test_gold_documents_are_the_samples_as_ingested() -> None:
    with loaded("scripts/build_sample_documents.py") as build:
        expected = build.render(ROOT / "samples")
    assert (GOLD / "samples.documents.jsonl").read_text(encoding="utf-8") == expected, (
        "tests/gold/samples.documents.jsonl is stale: run `python scripts/build_sample_documents.py`")


@pytest.mark.parametrize(("gold_set", "metric"), CASES)
def test_score_is_at_or_above_its_floor(scores, gold_set: str, metric: str) -> None:
    got = scores[gold_set]
    values = {"precision": got.precision, "recall": got.recall, "f1": got.f1}
    values.update({name: acc.accuracy for name, acc in got.fields.items()})
    values["merge_f1"] = got.merge.f1
    value, floor = values[metric], FLOORS[gold_set][metric]
    assert value is not None, f"{metric} could not be computed on {gold_set}"
    assert value >= floor, f"{gold_set} {metric} fell to {value:.3f}, below its floor {floor:.3f}"


# The merging issue's target: events that should be one, over all events.
DUPLICATE_CEILING = 0.02


@pytest.mark.parametrize("gold_set", sorted(FLOORS))
def test_duplicate_rate_is_at_or_under_the_target(scores, gold_set: str) -> None:
    rate = scores[gold_set].duplicate_rate
    assert rate is not None and rate <= DUPLICATE_CEILING, f"{gold_set} duplicate rate {rate}"
