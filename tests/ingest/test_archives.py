"""Tests for borderwatch.ingest.archives: WARC files written here with warcio, and JSONL dumps."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from borderwatch.ingest.archives import is_archive, read_archive, read_jsonl_dump, read_warc
from borderwatch.model import DocStatus
from borderwatch.theatre import load_theatre

KHOST_PAGE = """<html><head><title>Pakistani jets strike hideouts in Khost</title>
<meta property="article:published_time" content="2024-03-18"></head><body><article>
<h1>Pakistani jets strike hideouts in Khost</h1>
<p>KABUL: Pakistani jets struck suspected hideouts in Spera district of Khost province early on Monday,
the Taliban government said, adding that eight civilians were killed.</p></article></body></html>"""

MATCH_PAGE = """<html><head><title>United win the cup on penalties</title></head><body><article>
<h1>United win the cup on penalties</h1><p>LONDON: United won the cup final on penalties on Saturday after a
goalless draw at Wembley, and the manager praised his goalkeeper for two saves in the shoot-out.</p>
</article></body></html>"""

CAFE_PAGE = """<html><head><title>Blast near Quetta café</title></head><body><article>
<p>QUETTA: A blast near a roadside café on the outskirts of Quetta wounded four people on Friday, police
said, adding that the device had been planted on a motorcycle.</p></article></body></html>"""

EMPTY_PAGE = "<html><head><script>var tracker = 1;</script></head><body></body></html>"


def http(status: str, content_type: str | None, extra: list[tuple[str, str]] = ()) -> StatusAndHeaders:
    headers = [("Content-Type", content_type)] if content_type else []
    return StatusAndHeaders(status, headers + list(extra), protocol="HTTP/1.1")


def write_warc(path: Path, records: list[tuple[str, str, bytes, StatusAndHeaders | None]], *,
               compress: bool) -> Path:
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=compress)
        for url, kind, body, headers in records:
            record = writer.create_warc_record(
                url, kind, payload=io.BytesIO(body), http_headers=headers,
                warc_headers_dict={"WARC-Date": "2024-03-18T07:00:00Z"})
            writer.write_record(record)
    return path


def news_crawl(tmp_path: Path, *, compress: bool = True) -> Path:
    """A small crawl as a news crawler writes it: pages, an image, a redirect, a request record."""
    return write_warc(tmp_path / ("crawl.warc.gz" if compress else "crawl.warc"), [
        ("https://frontier.example/2024/03/18/khost", "request", b"GET /2024/03/18/khost HTTP/1.1\r\n\r\n",
         None),
        ("https://frontier.example/2024/03/18/khost", "response", KHOST_PAGE.encode(),
         http("200 OK", "text/html; charset=utf-8")),
        ("https://frontier.example/logo.png", "response", b"\x89PNG\r\n\x1a\n" + b"\0" * 40,
         http("200 OK", "image/png")),
        ("https://frontier.example/old", "response", b"", http("301 Moved Permanently", "text/html",
                                                                [("Location", "/new")])),
        ("https://sport.example/cup-final", "response", MATCH_PAGE.encode(), http("200 OK", "text/html")),
        ("https://frontier.example/quetta-blast", "response", CAFE_PAGE.encode("cp1252"),
         http("200 OK", "text/html; charset=windows-1252")),
        ("https://frontier.example/gzipped", "response", gzip.compress(KHOST_PAGE.replace("Monday", "Tuesday")
                                                                        .encode()),
         http("200 OK", "text/html", [("Content-Encoding", "gzip")])),
        ("https://frontier.example/empty", "response", EMPTY_PAGE.encode(), http("200 OK", "text/html")),
    ], compress=compress)


@pytest.mark.parametrize("compress", [True, False])
def test_html_responses_become_documents_and_the_rest_is_skipped(tmp_path: Path, compress: bool) -> None:
    docs = list(read_warc(news_crawl(tmp_path, compress=compress)))
    by_url = {d.url or d.source: d for d in docs}
    assert list(by_url) == [
        "https://frontier.example/2024/03/18/khost", "https://sport.example/cup-final",
        "https://frontier.example/quetta-blast", "https://frontier.example/gzipped",
        f"{tmp_path / ('crawl.warc.gz' if compress else 'crawl.warc')}#https://frontier.example/empty",
    ]
    khost = by_url["https://frontier.example/2024/03/18/khost"]
    assert khost.status is DocStatus.OK
    assert "eight civilians were killed" in khost.text
    assert khost.title == "Pakistani jets strike hideouts in Khost"
    assert str(khost.published) == "2024-03-18"
    assert khost.fetched.isoformat() == "2024-03-18T07:00:00+00:00"
    assert "roadside café" in by_url["https://frontier.example/quetta-blast"].text
    assert "early on Tuesday" in by_url["https://frontier.example/gzipped"].text
    empty = docs[-1]
    assert empty.status is DocStatus.FAILED and empty.error == "empty after cleaning"


def test_the_relevance_filter_skips_pages_before_parsing(tmp_path: Path) -> None:
    skipped: list[str] = []
    docs = list(read_warc(news_crawl(tmp_path), theatre=load_theatre(), on_skip=skipped.append))
    urls = [d.url for d in docs if d.status is DocStatus.OK]
    assert urls == ["https://frontier.example/2024/03/18/khost", "https://frontier.example/quetta-blast",
                    "https://frontier.example/gzipped"]
    assert skipped == ["https://sport.example/cup-final", "https://frontier.example/empty"]


def test_an_oversized_page_is_a_failed_document(tmp_path: Path) -> None:
    docs = list(read_warc(news_crawl(tmp_path), max_bytes=400))
    failed = {d.source.rsplit("#", 1)[1]: d.error for d in docs if d.status is DocStatus.FAILED}
    assert failed["https://frontier.example/2024/03/18/khost"] == "too large: more than 400 bytes"
    assert failed["https://frontier.example/empty"] == "empty after cleaning"  # 77 bytes: under the cap


def test_a_truncated_archive_keeps_what_came_before(tmp_path: Path) -> None:
    whole = news_crawl(tmp_path).read_bytes()
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(whole[: len(whole) * 2 // 3])
    docs = list(read_warc(cut))
    assert docs[0].status is DocStatus.OK and docs[0].url == "https://frontier.example/2024/03/18/khost"
    assert docs[-1].status is DocStatus.FAILED
    assert docs[-1].error.startswith("archive damaged after "), docs[-1].error


@pytest.mark.parametrize("name, content, reason", [
    ("missing.warc.gz", None, "cannot read: No such file or directory"),
    ("not-a-warc.warc", b"this is not an archive at all\n" * 5, "not a WARC or ARC file"),
    ("bad-gzip.warc.gz", b"\x1f\x8b\x08\x00" + b"\xff" * 200, "archive damaged after 0 records"),
])
def test_unreadable_archives_are_failed_documents(tmp_path: Path, name: str, content: bytes | None,
                                                  reason: str) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    [doc] = list(read_archive(path))
    assert doc.status is DocStatus.FAILED and doc.error.startswith(reason), doc.error


# ---- JSONL dumps --------------------------------------------------------------------------------------

LINES = [
    {"id": "d1", "url": "https://frontier.example/a", "published": "2024-03-18",
     "text": "Pakistani jets struck hideouts in Khost province on Monday, the Taliban said."},
    "{broken json",
    {"id": "d3", "text": "Seven soldiers were martyred in North Waziristan on Saturday, the ISPR said."},
]


@pytest.mark.parametrize("name", ["dump.jsonl", "dump.jsonl.gz"])
def test_jsonl_dumps_plain_and_gzipped(tmp_path: Path, name: str) -> None:
    raw = "\n".join(line if isinstance(line, str) else json.dumps(line) for line in LINES).encode() + b"\n"
    path = tmp_path / name
    path.write_bytes(gzip.compress(raw) if name.endswith(".gz") else raw)
    docs = list(read_archive(path))
    assert [d.id for d in docs if d.status is DocStatus.OK] == ["d1", "d3"]
    assert docs[1].status is DocStatus.FAILED and docs[1].error.startswith("line 2: invalid JSON")
    assert docs[0].source == f"{path}#L1"


def test_a_truncated_gzip_dump_ends_with_a_failure(tmp_path: Path) -> None:
    body = "\n".join(json.dumps({"id": f"d{i}", "text": f"Blast number {i} in Quetta wounded people."})
                     for i in range(2000)).encode()
    packed = gzip.compress(body)
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(packed[: len(packed) // 2])
    docs = list(read_jsonl_dump(path))
    assert docs[0].id == "d0" and docs[0].status is DocStatus.OK
    assert docs[-1].status is DocStatus.FAILED and docs[-1].error.startswith("archive damaged after ")


@pytest.mark.parametrize("name, archive", [
    ("CC-NEWS-20240318-00001.warc.gz", True), ("crawl.WARC", True), ("old.arc.gz", True),
    ("dump.jsonl.gz", True), ("dump.jsonl", True), ("article.html", False), ("notes.txt.gz", False),
])
def test_is_archive(name: str, archive: bool) -> None:
    assert is_archive(name) is archive


def test_an_unsupported_suffix_is_a_failed_document(tmp_path: Path) -> None:
    [doc] = list(read_archive(tmp_path / "pages.zip"))
    assert doc.status is DocStatus.FAILED and doc.error.startswith("unsupported archive type")


def test_ingest_reads_web_archives_in_folders_and_can_leave_out_what_is_not_relevant(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from borderwatch.cli import app

    crawl = news_crawl(tmp_path)
    folder = tmp_path / "inbox"
    folder.mkdir()
    crawl.rename(folder / crawl.name)
    run = CliRunner().invoke
    everything = run(app, ["ingest", str(folder), "--db", str(tmp_path / "all.db")], env={"COLUMNS": "250"})
    relevant = run(app, ["ingest", str(folder), "--db", str(tmp_path / "rel.db"), "--relevant-only"],
                   env={"COLUMNS": "250"})
    assert everything.exit_code == 0 and relevant.exit_code == 0, everything.output
    read_all = int(everything.output.split(" documents read")[0])
    assert read_all >= 2 and "not relevant" not in everything.output
    assert ", 1 not relevant," in relevant.output  # the cup final
    assert int(relevant.output.split(" documents read")[0]) == read_all - 1
