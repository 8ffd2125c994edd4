"""Shared fixtures: a temporary SQLite store path, a Document builder and small article files.

Everything here is written into `tmp_path` by the tests that use it, so the suite runs on a clone without
`../shared`. The articles are short wire-style reports whose events the rule-based extractor codes today;
tests that need a specific coding assert it themselves.
"""

from __future__ import annotations

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
