"""Shared fixtures: a temporary SQLite store path, a Document builder and small article files.

Everything here is written into `tmp_path` by the tests that use it, so the suite runs on a clone without
`../shared`. The articles are short wire-style reports whose events the rule-based extractor codes today;
tests that need a specific coding assert it themselves.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from borderwatch.model import Document
from borderwatch.text import content_id

# One air strike inside Afghanistan, claimed casualties from the Taliban spokesman.
KHOST_ARTICLE = """Title: Pakistani jets strike hideouts in Khost, Taliban say eight killed
Published: 2024-03-18
Outlet: Frontier Herald

ISLAMABAD: Pakistani jets struck suspected hideouts of the Hafiz Gul Bahadur group in Spera district of \
Afghanistan's Khost province early on Monday, security officials said.

Taliban spokesman Zabihullah Mujahid said eight civilians were killed in the strikes.
"""

# One border clash on the Pakistani side, injuries claimed by the military's media wing.
TORKHAM_ARTICLE = """Title: Border guards trade fire at Torkham
Published: 2023-09-07
Outlet: Border Daily

PESHAWAR: Afghan Taliban forces and Pakistani troops exchanged fire at the Torkham border crossing on \
Sunday, officials said.

Two Pakistani soldiers were injured, according to the ISPR.
"""

# One ambush, dated by a weekday relative to publication.
AMBUSH_ARTICLE = """Title: Seven soldiers martyred in North Waziristan ambush
Published: 2023-07-02
Outlet: Daily Frontier

PESHAWAR: Seven soldiers were martyred when militants ambushed a security convoy in North Waziristan on \
Saturday, the ISPR said.
"""

GOOD_ARTICLES = {
    "khost-strikes.txt": KHOST_ARTICLE,
    "torkham-clash.txt": TORKHAM_ARTICLE,
    "mir-ali-ambush.txt": AMBUSH_ARTICLE,
}


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    """Where a test's own SQLite event store lives (created on first open)."""
    return tmp_path / "events.db"


@pytest.fixture
def make_document() -> Callable[..., Document]:
    """Build a Document the way ingest does: the id is the content hash of the text."""

    def build(text: str, published: date | None = None, doc_id: str | None = None, **fields) -> Document:
        return Document(id=doc_id or content_id(text), text=text, published=published, **fields)

    return build


def write_articles(folder: Path, articles: dict[str, str | bytes]) -> list[Path]:
    """Write name → content files into `folder` (bytes written as they are) and return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, content in articles.items():
        path = folder / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        paths.append(path)
    return paths


@pytest.fixture
def article_folder(tmp_path: Path) -> Path:
    """A folder holding the three good articles as .txt files with front matter."""
    folder = tmp_path / "articles"
    write_articles(folder, GOOD_ARTICLES)
    return folder


# -- a tiny gold set (GOLD_FORMAT.md) over two of the articles -------------------------------------------

def write_gold_set(folder: Path, gold_lines: list[dict]) -> tuple[Path, Path]:
    """documents.jsonl (the Khost and ambush reports, without front matter) and gold.jsonl in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    documents = [
        {"id": "khost", "title": "Khost strikes", "published": "2024-03-18",
         "text": KHOST_ARTICLE.split("\n\n", 1)[1]},
        {"id": "ambush", "title": "North Waziristan ambush", "published": "2023-07-02",
         "text": AMBUSH_ARTICLE.split("\n\n", 1)[1]},
    ]
    docs_path, gold_path = folder / "documents.jsonl", folder / "gold.jsonl"
    docs_path.write_text("".join(json.dumps(d) + "\n" for d in documents), encoding="utf-8")
    gold_path.write_text("".join(json.dumps(g) + "\n" for g in gold_lines), encoding="utf-8")
    return docs_path, gold_path


KHOST_GOLD = {
    "doc": "khost", "event_type": "Explosions/Remote violence", "sub_event_type": "Air/drone strike",
    "date": "2024-03-18", "date_precision": "day", "country": "AF", "admin1": "Khost", "admin2": "Spera",
    "location": "Spera", "actor1": "PAK-MIL", "actor2": "HGB",
    "fatalities": [{"count": 8, "claimed_by": "AFG-TALIBAN"}], "incident": "2024-03-18-khost",
}
AMBUSH_GOLD = {
    "doc": "ambush", "event_type": "Battles", "sub_event_type": "Armed clash", "date": "2023-07-01",
    "date_precision": "day", "country": "PK", "admin1": "Khyber Pakhtunkhwa", "admin2": "North Waziristan",
    "location": None, "actor1": None, "actor2": "PAK-MIL",
    "fatalities": [{"count": 7, "claimed_by": "PAK-MIL"}], "incident": "2023-07-01-nw-ambush",
}
