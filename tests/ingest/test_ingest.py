"""Tests for borderwatch.ingest: real files written into tmp_path, read back as Documents."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from borderwatch.ingest import MAX_DOCUMENT_BYTES, decode_text, parse_published, read_documents
from borderwatch.model import DocStatus, Document
from borderwatch.text import content_id

FRONT_MATTER_ARTICLE = """Title: Pakistani jets strike hideouts in Khost, Taliban say eight killed
Published: 2024-03-18
URL: https://frontierherald.example/news/khost-strikes
Outlet: Frontier Herald

ISLAMABAD: Pakistani aircraft struck suspected hideouts of the Tehreek-e-Taliban Pakistan in \
Afghanistan\u2019s Khost and Paktika provinces early on Monday, officials said.

Advertisement

Zabihullah Mujahid, the Taliban spokesman, said eight people \u2013 five women and three children \u2013 \
were killed in Spera district.
"""

PLAIN_ARTICLE = """Seven soldiers martyred in Mir Ali suicide attack

MIR ALI: Seven soldiers, including a lieutenant colonel and a captain, were martyred when a \
suicide bomber rammed an explosives-laden vehicle into a military post, the ISPR said on Saturday.

The military\u2019s media wing said all six attackers were killed.
"""

NEWS_PAGE = """<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Taliban say Pakistani strikes killed eight in Khost | Frontier Herald</title>
<link rel="canonical" href="https://frontierherald.example/news/2024/03/18/khost-strikes">
<meta property="og:site_name" content="Frontier Herald">
<meta property="og:title" content="Taliban say Pakistani strikes killed eight in Khost">
<meta property="article:published_time" content="2024-03-18T09:15:00+05:00">
<script>window.dataLayer = []; function track() { return "Subscribe"; }</script>
<style>.nav { color: red }</style>
</head><body>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/pakistan">Pakistan</a></li>
<li><a href="/sport">Sport</a></li></ul></nav></header>
<div class="ad-slot">Advertisement</div>
<main><article>
<h1>Taliban say Pakistani strikes killed eight in Khost</h1>
<p>ISLAMABAD: Pakistani aircraft struck suspected hideouts of the Tehreek-e-Taliban Pakistan in
Afghanistan\u2019s Khost and Paktika provinces early on Monday, officials said, two days after a suicide
attack killed seven soldiers in North Waziristan.</p>
<p>Zabihullah Mujahid, the spokesman for the Afghan Taliban government, said eight people \u2013 five women
and three children \u2013 were killed when bombs hit homes in Spera district of Khost.</p>
<div class="ad-slot">Advertisement</div>
<p>\u201cSuch incidents can have very bad consequences which will be out of Pakistan\u2019s control,\u201d
Mujahid said in a statement.</p>
<p>Pakistan\u2019s Foreign Office said the operations targeted members of the Hafiz Gul Bahadur group,
which it blamed for Saturday\u2019s attack in Mir Ali.</p>
<p>Read more: Seven soldiers martyred in Mir Ali suicide attack</p>
<p>The Taliban said their border forces later fired on Pakistani military posts along the border with
heavy weapons.</p>
</article></main>
<aside><h3>Most read</h3><ul><li>Cricket: Pakistan beat New Zealand by six wickets</li>
<li>Petrol price cut by Rs10 per litre</li></ul></aside>
<footer><p>\u00a9 2024 Frontier Herald. All rights reserved.</p><p>Cookie policy</p></footer>
</body></html>
"""


def _write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def _read_one(path: Path, **kwargs: int) -> Document:
    documents = list(read_documents([path], **kwargs))
    assert len(documents) == 1
    return documents[0]


# --- .txt ----------------------------------------------------------------------------------------


def test_txt_with_front_matter(tmp_path: Path) -> None:
    doc = _read_one(_write(tmp_path / "khost.txt", FRONT_MATTER_ARTICLE))
    assert doc.status is DocStatus.OK and doc.error is None
    assert doc.title == "Pakistani jets strike hideouts in Khost, Taliban say eight killed"
    assert doc.published == date(2024, 3, 18)
    assert doc.url == "https://frontierherald.example/news/khost-strikes"
    assert doc.outlet == "Frontier Herald"
    assert doc.source == str(tmp_path / "khost.txt")
    assert doc.text.startswith("ISLAMABAD: Pakistani aircraft struck")
    assert "Title:" not in doc.text and "Advertisement" not in doc.text
    assert "Afghanistan's Khost" in doc.text  # quotes normalised
    assert doc.id == content_id(doc.text)


def test_txt_without_front_matter_takes_the_headline(tmp_path: Path) -> None:
    doc = _read_one(_write(tmp_path / "mir_ali.txt", PLAIN_ARTICLE))
    assert doc.title == "Seven soldiers martyred in Mir Ali suicide attack"
    assert doc.text.startswith("Seven soldiers martyred in Mir Ali suicide attack\n\nMIR ALI: Seven soldiers")
    assert doc.published is None and doc.url is None and doc.outlet is None


@pytest.mark.parametrize(
    ("first_block", "title"),
    [
        ("Pakistan Hits Taliban Inside Afghanistan: What's Next?",
         "Pakistan Hits Taliban Inside Afghanistan: What's Next?"),
        ("The army said the operation would continue until the area was cleared.", None),
        ("In a bold move to counter cross-border terrorism, Pakistan last week reportedly launched targeted "
         "military strikes inside Afghanistan, marking a significant escalation in its response to what it "
         "describes as militant threats emanating from across the border", None),
    ],
)
def test_txt_headline_rule(tmp_path: Path, first_block: str, title: str | None) -> None:
    doc = _read_one(_write(tmp_path / "a.txt", f"{first_block}\n\nThe second paragraph says more."))
    assert doc.title == title


def test_txt_front_matter_needs_only_known_keys(tmp_path: Path) -> None:
    # "ISLAMABAD: ..." looks like "Key: value" but is a dateline, not a header.
    text = "ISLAMABAD: Troops killed four militants.\n\nThe ISPR said the operation was over.\n"
    doc = _read_one(_write(tmp_path / "dateline.txt", text))
    assert doc.text.startswith("ISLAMABAD: Troops killed four militants.")


def test_txt_front_matter_published_spellings(tmp_path: Path) -> None:
    doc = _read_one(_write(tmp_path / "a.txt", "Date: 20 March 2024\nSource: Dawn\n\nBody text here."))
    assert doc.published == date(2024, 3, 20) and doc.outlet == "Dawn" and doc.text == "Body text here."


# --- .html ---------------------------------------------------------------------------------------


def test_html_news_page(tmp_path: Path) -> None:
    doc = _read_one(_write(tmp_path / "page.html", NEWS_PAGE))
    assert doc.status is DocStatus.OK
    assert doc.title == "Taliban say Pakistani strikes killed eight in Khost"
    assert doc.published == date(2024, 3, 18)
    assert doc.url == "https://frontierherald.example/news/2024/03/18/khost-strikes"
    assert doc.outlet == "Frontier Herald"
    assert "Zabihullah Mujahid" in doc.text and "Spera district" in doc.text
    assert '"Such incidents can have very bad consequences' in doc.text
    for boilerplate in ("Advertisement", "Read more", "Cricket", "Most read", "All rights reserved", "Home"):
        assert boilerplate not in doc.text
    assert "\n\n" in doc.text and "\n\n\n" not in doc.text


def test_html_without_article_markup_falls_back_to_page_text(tmp_path: Path) -> None:
    page = ("<html><head><title>Bulletin</title></head><body><div>Three Levies personnel were injured in "
            "Bajaur.</div><div>Police registered a case.</div><script>var x = 1;</script></body></html>")
    doc = _read_one(_write(tmp_path / "bulletin.htm", page))
    assert doc.status is DocStatus.OK
    assert "Three Levies personnel were injured in Bajaur." in doc.text
    assert "var x" not in doc.text


def test_html_declared_legacy_charset(tmp_path: Path) -> None:
    page = ('<html><head><meta charset="windows-1252"><title>T</title></head><body><article><p>'
            "The spokesman\u2019s statement \u2013 issued in Peshawar \u2013 named the TTP as responsible "
            "for the attack on the police station in Bannu.</p></article></body></html>")
    doc = _read_one(_write(tmp_path / "legacy.html", page.encode("cp1252")))
    assert "spokesman's statement \u2013 issued in Peshawar" in doc.text


def test_html_with_no_text_fails(tmp_path: Path) -> None:
    doc = _read_one(_write(tmp_path / "empty.html", "<html><body><script>1</script></body></html>"))
    assert doc.status is DocStatus.FAILED and doc.error == "empty after cleaning"


# --- .jsonl --------------------------------------------------------------------------------------


def test_jsonl_good_bad_and_missing_lines(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "n017", "url": "https://example.org/a", "title": "Strikes in Khost",
                    "published": "2024-03-18", "text": "Pakistani jets struck Khost.\n\nEight were killed."}),
        '{"id": "n018", "text": "unterminated',
        "",
        json.dumps({"id": "n019", "url": None, "title": None, "published": None}),
        json.dumps({"url": None, "title": None, "published": "2024-03-20T06:30:00Z",
                    "text": "Taliban forces fired on posts in Kurram."}),
        json.dumps({"id": "n021", "published": "last Tuesday", "text": "Firing at Torkham."}),
        "[1, 2, 3]",
        json.dumps({"id": "n023", "text": "   Advertisement   "}),
    ]
    path = _write(tmp_path / "docs.jsonl", "\n".join(lines) + "\n")
    docs = list(read_documents([path]))
    assert [d.status for d in docs] == [DocStatus.OK, DocStatus.FAILED, DocStatus.FAILED, DocStatus.OK,
                                        DocStatus.OK, DocStatus.FAILED, DocStatus.FAILED]
    good, bad_json, missing, no_id, bad_date, not_object, empty = docs
    assert (good.id, good.url, good.title, good.published) == ("n017", "https://example.org/a",
                                                               "Strikes in Khost", date(2024, 3, 18))
    assert good.source == f"{path}#L1"
    assert bad_json.source == f"{path}#L2" and bad_json.error.startswith("line 2: invalid JSON: ")
    assert missing.error == "line 4: missing field 'text'" and missing.source == f"{path}#L4"
    assert no_id.id == content_id(no_id.text) and no_id.published == date(2024, 3, 20)
    assert bad_date.id == "n021" and bad_date.published is None
    assert not_object.error == "line 7: not a JSON object but list"
    assert empty.error == "line 8: empty after cleaning"
    assert all("\n" not in d.error for d in docs if d.error)


def test_jsonl_oversize_line_fails_alone(tmp_path: Path) -> None:
    lines = [json.dumps({"id": "a", "text": "Short article about Chaman."}),
             json.dumps({"id": "b", "text": "x " * 5000}),
             json.dumps({"id": "c", "text": "Another short one about Chitral."})]
    docs = list(read_documents([_write(tmp_path / "d.jsonl", "\n".join(lines))], max_bytes=2000))
    assert [d.id for d in docs if d.status is DocStatus.OK] == ["a", "c"]
    assert docs[1].error == f"line 2: too large: {len(lines[1]) + 1:,} bytes > 2,000"


def test_jsonl_with_bom_and_crlf(tmp_path: Path) -> None:
    raw = "\ufeff" + json.dumps({"id": "x", "text": "Clash at Angoor Adda."}) + "\r\n"
    doc = _read_one(_write(tmp_path / "bom.jsonl", raw.encode("utf-8")))
    assert doc.status is DocStatus.OK and doc.id == "x" and doc.text == "Clash at Angoor Adda."


# --- failures ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
         "binary content (NUL bytes)"),
        ("controls.txt", b"\x01\x02\x03\x04\x05\x06 attack \x07\x08\x0e\x0f\x10\x11\x12",
         "binary content (13 control characters)"),
        ("undecodable.txt", bytes([0x81, 0x8d, 0x8f, 0x90, 0x9d]) * 40 + b"\xff\xfe\xc3\x28" * 50,
         "not valid UTF-8 text"),
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b"  \n\n\t\n", "empty after cleaning"),
        ("only_boilerplate.txt", b"Advertisement\n\nShare this article\n", "empty after cleaning"),
        ("report.pdf", b"%PDF-1.7", "unsupported file type .pdf"),
        ("README", b"text", "unsupported file type (no suffix)"),
    ],
)
def test_bad_files_become_failed_documents(tmp_path: Path, name: str, content: bytes, error: str) -> None:
    path = _write(tmp_path / name, content)
    doc = _read_one(path)
    assert doc.status is DocStatus.FAILED
    assert doc.error == error
    assert doc.source == str(path) and doc.text == ""
    assert doc.id.startswith("failed:")


def test_missing_path_is_a_failed_document(tmp_path: Path) -> None:
    doc = _read_one(tmp_path / "nowhere.txt")
    assert doc.status is DocStatus.FAILED and doc.error == "no such file or directory"


def test_oversize_file(tmp_path: Path) -> None:
    path = _write(tmp_path / "big.txt", "Attack in Bannu. " * 500)
    doc = _read_one(path, max_bytes=1000)
    assert doc.status is DocStatus.FAILED
    assert doc.error == f"too large: {path.stat().st_size:,} bytes > 1,000"
    assert _read_one(path).status is DocStatus.OK  # the default limit is far larger
    assert MAX_DOCUMENT_BYTES == 5_000_000


# --- decoding ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Pakistan\u2019s army".encode(), "Pakistan\u2019s army"),
        ("\ufeffPakistan\u2019s army".encode(), "Pakistan\u2019s army"),
        ("\ufeffTorkham crossing closed".encode("utf-16-le"), "Torkham crossing closed"),
        ("\ufeffTorkham crossing closed".encode("utf-16-be"), "Torkham crossing closed"),
        ("The caf\u00e9 near the Peshawar press club, na\u00efve r\u00e9sum\u00e9 of the attack on police "
         "in Bannu.".encode("cp1252"),
         "The caf\u00e9 near the Peshawar press club, na\u00efve r\u00e9sum\u00e9 of the attack on police "
         "in Bannu."),
        ("\u201cWe will respond,\u201d the ISPR said \u2013 officials in Rawalpindi confirmed the "
         "strikes.".encode("cp1252"),
         "\u201cWe will respond,\u201d the ISPR said \u2013 officials in Rawalpindi confirmed the strikes."),
    ],
)
def test_decode_text(raw: bytes, expected: str) -> None:
    assert decode_text(raw) == expected


def test_utf16_text_file(tmp_path: Path) -> None:
    raw = "\ufeffTitle: Chaman clash\n\nTroops exchanged fire.".encode("utf-16-le")
    path = _write(tmp_path / "utf16.txt", raw)
    doc = _read_one(path)
    assert doc.title == "Chaman clash" and doc.text == "Troops exchanged fire."


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-03-18", date(2024, 3, 18)),
        ("2024-03-18T23:30:00+05:00", date(2024, 3, 18)),
        ("2024-03-18T06:30:00Z", date(2024, 3, 18)),
        ("2024-03-18 09:15:00", date(2024, 3, 18)),
        ("18 March 2024", date(2024, 3, 18)),
        ("March 18, 2024", date(2024, 3, 18)),
        ("Mar 18, 2024", date(2024, 3, 18)),
        (None, None),
        ("", None),
        ("last Tuesday", None),
        ("2024-13-45", None),
        (20240318, None),
    ],
)
def test_parse_published(value: object, expected: date | None) -> None:
    assert parse_published(value) == expected


# --- directories and re-runs ---------------------------------------------------------------------


def _build_corpus(root: Path) -> None:
    _write(root / "b_plain.txt", PLAIN_ARTICLE)
    _write(root / "a_front.txt", FRONT_MATTER_ARTICLE)
    _write(root / "2024" / "03" / "page.html", NEWS_PAGE)
    _write(root / "2024" / "docs.jsonl", json.dumps({"id": "j1", "text": "Clash at Torkham."}) + "\n{oops\n")
    _write(root / "2024" / "notes.md", "# not a document")
    _write(root / "2024" / "photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF")
    _write(root / ".git" / "HEAD.txt", "ref: refs/heads/main")
    _write(root / "2024" / "binary.txt", b"\x00\x01\x02")


def test_directory_is_walked_recursively_in_sorted_order(tmp_path: Path) -> None:
    _build_corpus(tmp_path / "corpus")
    docs = list(read_documents([tmp_path / "corpus"]))
    relative = [Path(d.source).relative_to(tmp_path / "corpus").as_posix() for d in docs]
    assert relative == ["2024/03/page.html", "2024/binary.txt", "2024/docs.jsonl#L1", "2024/docs.jsonl#L2",
                        "a_front.txt", "b_plain.txt"]
    assert [d.status for d in docs] == [DocStatus.OK, DocStatus.FAILED, DocStatus.OK, DocStatus.FAILED,
                                        DocStatus.OK, DocStatus.OK]


def test_rereading_gives_the_same_ids(tmp_path: Path) -> None:
    _build_corpus(tmp_path / "corpus")
    first = [(d.source, d.id) for d in read_documents([tmp_path / "corpus"])]
    second = [(d.source, d.id) for d in read_documents([str(tmp_path / "corpus")])]
    assert first == second
    assert len({doc_id for _, doc_id in first}) == len(first)


def test_same_article_in_two_files_gets_one_id(tmp_path: Path) -> None:
    wrapped = PLAIN_ARTICLE.replace("when a suicide", "when a\nsuicide").replace("\n\n", "\n\n\n")
    a = _read_one(_write(tmp_path / "a.txt", PLAIN_ARTICLE))
    b = _read_one(_write(tmp_path / "b.txt", wrapped.replace("\u2019", "'")))
    assert a.id == b.id


def test_failed_ids_depend_on_source_and_bytes(tmp_path: Path) -> None:
    one = _read_one(_write(tmp_path / "x.txt", b"\x00\x01"))
    two = _read_one(_write(tmp_path / "y.txt", b"\x00\x01"))
    again = _read_one(tmp_path / "x.txt")
    changed = _read_one(_write(tmp_path / "x.txt", b"\x00\x02"))
    assert one.id == again.id
    assert len({one.id, two.id, changed.id}) == 3


def test_mixed_paths(tmp_path: Path) -> None:
    a = _write(tmp_path / "one.txt", PLAIN_ARTICLE)
    docs = list(read_documents([a, tmp_path / "missing", str(a)]))
    assert [d.status for d in docs] == [DocStatus.OK, DocStatus.FAILED, DocStatus.OK]
    assert docs[0].id == docs[2].id
