"""Whatever the web gives: a corpus of broken, hostile and odd files ingested in one run beside good
articles. Every file is recorded as ingested or failed with a reason, nothing crashes, the good articles
all go in, and a re-run adds nothing."""

from __future__ import annotations

import gzip
import json
import os
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from borderwatch.extract import extract
from borderwatch.model import Document
from borderwatch.pipeline import extract_safely, ingest_paths
from borderwatch.store import open_store
from borderwatch.theatre import load_theatre

GOOD = {
    "good-khost.txt": "Title: Jets strike Khost\nPublished: 2024-03-18\n\nPakistani jets struck hideouts in "
                      "Spera district of Khost province on Monday, killing eight people, a Taliban spokesman said.",
    "good-mirali.html": "<html><head><title>Seven soldiers martyred</title><meta name='date' content='2023-07-02'>"
                        "</head><body><article><p>Seven soldiers were martyred when militants attacked a check "
                        "post in Mir Ali, North Waziristan, on Sunday, the ISPR said.</p></article></body></html>",
}
GOOD_JSONL = {"id": "good-jsonl", "published": "2024-12-24", "text": "Pakistani aircraft bombed suspected TTP "
              "hideouts in Barmal district of Paktika province on Tuesday, killing 46 people, the Taliban said."}


def write_fuzz_corpus(folder: Path) -> dict[str, str]:
    """The files, and what each must become: "ok", "failed", or "either" (decoded somehow, or refused)."""
    folder.mkdir()
    expect = {}

    def put(name: str, data: bytes | str, outcome: str) -> None:
        (folder / name).write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        expect[name] = outcome

    for name, text in GOOD.items():
        put(name, text, "ok")
    put("good.jsonl", json.dumps(GOOD_JSONL) + "\n", "ok")
    put("binary.txt", os.urandom(2048) + b"\x00\x00", "failed")
    put("png-as-html.html", b"\x89PNG\r\n\x1a\n" + os.urandom(1024), "failed")
    put("truncated.html", "<html><head><title>Strike</title></head><body><p>Pakistani jets struck Khost on "
        "Monday, killing eight<p>An", "either")
    put("malformed.html", "<<<html>>><p <p>>>Jets struck <a href='javascript:alert(1)'>Khost</a></p></div>"
        "</span>&&&;;<script>alert(1)</script>", "either")
    put("nested.html", "<html><body>" + "<div>" * 20000 + "Jets struck Khost." + "</div>" * 20000, "either")
    put("unclosed-nested.html", "<html><body>" + "<b><i>" * 20000 + "Jets struck Khost.", "either")
    put("latin1.txt", "Les frappes à Khost ont tué huit personnes, a déclaré le porte-parole.".encode("latin-1"),
        "either")
    put("mixed.txt", b"Jets struck Khost. " + "café ".encode("latin-1") + "Mir Ali — eight".encode(),
        "either")
    put("invalid-utf8.txt", b"Jets \xff\xfe\xfa struck Khost \xc3\x28 on Monday.", "either")
    put("bom-utf8.txt", b"\xef\xbb\xbfThe attack in Bannu on Friday killed three police officers.", "ok")
    put("bom-utf16.txt", "Militants ambushed a convoy near Wana on Sunday.".encode("utf-16"), "ok")
    put("urdu.txt", "پاکستانی طیاروں نے پیر کو خوست میں حملہ کیا، آٹھ افراد ہلاک ہو گئے۔ " * 5, "ok")
    put("pashto.txt", "د پاکستان الوتکو د دوشنبې په ورځ په خوست کې بمبارد وکړ. " * 5, "ok")
    put("dari.txt", "هواپیماهای پاکستانی روز دوشنبه خوست را بمباران کردند. " * 5, "ok")
    put("rtl-override.txt", "Jets struck \u202eKhost\u202c on Monday \u200f, officials said.", "either")
    put("empty.txt", b"", "failed")
    put("whitespace.txt", "  \n\n\t \r\n ", "failed")
    with open(folder / "huge.txt", "wb") as f:  # 100 MB, sparse: refused on its size before reading
        f.seek(100 * 1024 * 1024 - 1)
        f.write(b"a")
    expect["huge.txt"] = "failed"
    put("article.txt.gz", gzip.compress(b"Title: Gz\n\nThe blast in Quetta on Friday killed five people."), "ok")
    put("bomb.txt.gz", gzip.compress(b"a" * (60 * 1024 * 1024)), "failed")  # decompresses past the limit
    put("corrupt.html.gz", gzip.compress(b"<html><body>x</body></html>")[:20] + b"garbage", "failed")
    lines = [json.dumps({"id": "j-ok", "text": "TTP militants attacked a post in Mir Ali on Sunday."}),
             json.dumps({"id": 5, "text": ["not", "a", "string"]}), "{broken json",
             json.dumps({"id": "j-null", "text": None}), "", "[1, 2, 3]", '"a string"',
             json.dumps({"id": "j-date", "text": "Jets struck Khost on Monday.", "published": "not a date"}),
             "\x00\x01\x02"]
    put("mixed.jsonl", "\n".join(lines) + "\n", "lines")
    return expect


def documents_by_source(db: Path) -> dict[str, tuple[str, str | None]]:
    conn = sqlite3.connect(db)
    try:
        return {Path(src).name: (status, error)
                for src, status, error in conn.execute("SELECT source, status, error FROM documents")}
    finally:
        conn.close()


@pytest.fixture(scope="module")
def ingested(tmp_path_factory):
    root = tmp_path_factory.mktemp("fuzz")
    expect = write_fuzz_corpus(root / "corpus")
    db = root / "store.db"
    with open_store(db) as store:
        summary = ingest_paths([root / "corpus"], store)
        events = store.events()
    return root, expect, db, summary, events


def test_every_file_is_recorded_with_its_outcome(ingested):
    _, expect, db, summary, _ = ingested
    rows = documents_by_source(db)
    for name, outcome in expect.items():
        if outcome == "lines":
            continue
        key = f"{name}#L1" if name.endswith(".jsonl") else name
        assert key in rows, f"{name} left no record"
        status, error = rows[key]
        if outcome == "failed":
            assert status == "failed" and error, name
        elif outcome == "ok":
            assert status == "ok", (name, error)
        else:
            assert status == "ok" or error, name
    assert summary.failed >= 8 and summary.read == len(rows) + summary.unchanged


def test_jsonl_lines_fail_one_by_one_and_good_lines_go_in(ingested):
    _, _, db, _, _ = ingested
    rows = documents_by_source(db)
    lines = {k: v for k, v in rows.items() if k.startswith("mixed.jsonl#")}
    assert lines["mixed.jsonl#L1"][0] == "ok" and lines["mixed.jsonl#L8"][0] == "ok"
    for number in (2, 3, 4, 6, 7, 9):
        status, error = lines[f"mixed.jsonl#L{number}"]
        assert status == "failed" and error.startswith(f"line {number}:"), (number, error)
    assert "mixed.jsonl#L5" not in lines  # a blank line is no document


def test_the_good_articles_all_become_events(ingested):
    _, _, _, _, events = ingested
    places = {e.place.admin2 for e in events if e.place}
    assert {"Spera", "North Waziristan", "Barmal"} <= places


def test_sizes_are_limited_before_reading_and_after_decompressing(ingested):
    _, _, db, _, _ = ingested
    rows = documents_by_source(db)
    assert rows["huge.txt"][1].startswith("too large: 104,857,600 bytes")
    assert "decompresses to more than" in rows["bomb.txt.gz"][1]
    assert rows["corrupt.html.gz"][1].startswith("not a valid gzip file")


def test_a_rerun_adds_nothing(ingested):
    root, _, db, first, _ = ingested
    with open_store(db) as store:
        again = ingest_paths([root / "corpus"], store)
        counts = store.counts()
    assert again.added == 0 and again.read == first.read
    assert counts["documents"] == len(documents_by_source(db))


def test_a_document_that_takes_too_long_is_recorded_as_failed():
    doc = Document(id="slow", text="Pakistani jets struck Khost on Monday, killing eight. " * 2000,
                   published=date(2024, 3, 20))
    assert extract(doc, load_theatre())  # the real thing works…
    assert extract_safely(doc, load_theatre(), max_seconds=0.001) == []  # …but not within a millisecond
    assert doc.status.value == "failed" and doc.error == "extraction took longer than 0.001 s"
