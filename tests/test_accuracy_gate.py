"""The accuracy gate: the sample corpus, coded by hand in tests/gold/, must score at or above the floors
pinned in tests/gold/floors.json. A change that makes extraction worse fails CI here."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from borderwatch.pipeline import evaluate_files

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "gold"
FLOORS = {k: v for k, v in json.loads((GOLD / "floors.json").read_text()).items() if not k.startswith("_")}


def _load_script(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def scores():
    return evaluate_files(GOLD / "samples.documents.jsonl", GOLD / "samples.gold.jsonl")


def test_gold_documents_are_the_samples_as_ingested() -> None:
    build = _load_script("build_sample_documents")
    expected = build.render(ROOT / "samples")
    assert (GOLD / "samples.documents.jsonl").read_text(encoding="utf-8") == expected, (
        "tests/gold/samples.documents.jsonl is stale: run `python scripts/build_sample_documents.py`")


@pytest.mark.parametrize("metric", sorted(FLOORS))
def test_score_is_at_or_above_its_floor(scores, metric: str) -> None:
    values = {"precision": scores.precision, "recall": scores.recall, "f1": scores.f1}
    values.update({name: acc.accuracy for name, acc in scores.fields.items()})
    value = values[metric]
    assert value is not None, f"{metric} could not be computed on the sample corpus"
    assert value >= FLOORS[metric], f"{metric} fell to {value:.3f}, below its floor {FLOORS[metric]:.3f}"
