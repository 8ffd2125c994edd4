"""Bulk archives → Documents, streamed: WARC files (Common Crawl's news crawl, a crawler's own output)
and JSONL dumps, plain or gzipped.

A WARC holds every response a crawler saw: pages, images, scripts, redirects, robots.txt. Only the
HTML pages that were served with status 200 become Documents; everything else is skipped without a
trace in the store (a news crawl has many non-article records, and recording each as failed would bury
the real failures). A page that is HTML but cannot be read (too large, undecodable, no article text)
becomes a FAILED Document, as with files. A damaged archive (truncated download, bad gzip member) ends
with one FAILED Document saying after how many records it broke; what came before is kept.

For a firehose, pass `theatre`: each page is run through the relevance filter on its raw HTML before
the costly main-text extraction (about 4 ms a page), and pages that name nothing of the theatre are
skipped (`on_skip` hears of each). The filter is tuned so that a page it skips has no event to code.
"""

from __future__ import annotations

import gzip
import logging
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from borderwatch.errors import DocumentError
from borderwatch.ingest.files import MAX_DOCUMENT_BYTES, decode_text, failed_document, jsonl_documents
from borderwatch.ingest.html import declared_charset, parse_html_document
from borderwatch.model import Document
from borderwatch.theatre import Theatre

log = logging.getLogger(__name__)

WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
JSONL_DUMP_SUFFIXES = (".jsonl", ".jsonl.gz")
ARCHIVE_SUFFIXES = WARC_SUFFIXES + JSONL_DUMP_SUFFIXES
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_PAGE_RECORDS = frozenset({"response", "resource"})
# How the files warcio reads begin: a WARC header, a gzip member, or an ARC file header. warcio reads
# anything else as a run of odd ARC records without complaint, so the check is ours.
_ARCHIVE_MAGIC = (b"WARC/", b"\x1f\x8b", b"filedesc://")


class _TruncatedRecord(Exception):
    """A record's body ends before its declared length: the archive was cut off there."""


def is_archive(path: str | Path) -> bool:
    """Whether a path names an archive `read_archive` reads (by its suffix)."""
    return str(path).lower().endswith(ARCHIVE_SUFFIXES)


def read_archive(path: str | Path, *, theatre: Theatre | None = None, max_bytes: int = MAX_DOCUMENT_BYTES,
                 on_skip: Callable[[str], None] | None = None) -> Iterator[Document]:
    """The documents of a WARC/ARC or JSONL dump (gzipped or not), chosen by the file's suffix."""
    name = str(path).lower()
    if name.endswith(WARC_SUFFIXES):
        return read_warc(path, theatre=theatre, max_bytes=max_bytes, on_skip=on_skip)
    if name.endswith(JSONL_DUMP_SUFFIXES):
        return read_jsonl_dump(path, max_bytes=max_bytes)
    reason = f"unsupported archive type; expected {', '.join(ARCHIVE_SUFFIXES)}"
    return iter([failed_document(str(path), b"", reason)])


def read_warc(path: str | Path, *, theatre: Theatre | None = None, max_bytes: int = MAX_DOCUMENT_BYTES,
              on_skip: Callable[[str], None] | None = None) -> Iterator[Document]:
    """The HTML pages of a WARC (or ARC) file, gzipped or not, as Documents, one record at a time.

    Never raises for bad input; see the module notes for what is skipped and what is recorded."""
    # Imported here: only archive ingest needs warcio.
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    source = str(path)
    try:
        stream = open(path, "rb")  # noqa: SIM115 - closed in the finally below, after the generator ends
    except OSError as e:
        yield failed_document(source, b"", f"cannot read: {e.strerror or e}")
        return
    records = 0
    try:
        if not stream.read(16).startswith(_ARCHIVE_MAGIC):
            yield failed_document(source, b"", "not a WARC or ARC file")
            return
        stream.seek(0)
        for record in ArchiveIterator(stream, arc2warc=True):
            records += 1
            doc = _page_document(record, source, theatre, max_bytes, on_skip)
            if doc is not None:
                yield doc
    except _TruncatedRecord:
        yield failed_document(source, f"record={records}".encode(),
                              f"archive damaged after {records - 1} records: record {records} is cut off")
    except (ArchiveLoadFailed, OSError, EOFError, ValueError) as e:
        # gzip.BadGzipFile and zlib.error are OSError / ValueError subclasses here
        yield failed_document(source, f"record={records}".encode(),
                              f"archive damaged after {records} records: {type(e).__name__}: {str(e)[:200]}")
    finally:
        stream.close()


def _page_document(record, source: str, theatre: Theatre | None, max_bytes: int,
                   on_skip: Callable[[str], None] | None) -> Document | None:
    """A Document for an HTML page record, a FAILED one for an unreadable page, None for the rest."""
    if record.rec_type not in _PAGE_RECORDS:
        return None
    target = record.rec_headers.get_header("WARC-Target-URI") or ""
    media, charset = _content_type(record)
    status = record.http_headers.get_statuscode() if record.http_headers is not None else "200"
    if status != "200" or media not in _HTML_TYPES:
        return None
    page_source = f"{source}#{target}" if target else source
    raw = record.content_stream().read(max_bytes + 1)
    if len(raw) > max_bytes:
        return failed_document(page_source, raw[:1024], f"too large: more than {max_bytes:,} bytes")
    if getattr(record.raw_stream, "limit", 0) > 0:  # bytes the record declares but the file lacks
        raise _TruncatedRecord(target)
    try:
        html = decode_text(raw, declared=charset or declared_charset(raw))
        if theatre is not None and not _mentions_theatre(html, theatre):
            if on_skip is not None:
                on_skip(target)
            return None
        doc = parse_html_document(html, page_source)
    except DocumentError as e:
        return failed_document(page_source, raw, str(e))
    doc.url = doc.url or target or None
    doc.fetched = _warc_date(record.rec_headers.get_header("WARC-Date"))
    return doc


def _content_type(record) -> tuple[str | None, str | None]:
    """The page's media type and charset, from its HTTP headers (a response) or the record (a resource)."""
    headers = record.http_headers if record.http_headers is not None else record.rec_headers
    value = headers.get_header("Content-Type") if headers is not None else None
    if not value:
        return None, None
    parts = [p.strip() for p in value.split(";")]
    charset = next((p.split("=", 1)[1].strip("\"' ").lower() for p in parts[1:]
                    if p.lower().startswith("charset=")), None)
    return parts[0].lower(), charset or None


def _mentions_theatre(html: str, theatre: Theatre) -> bool:
    # Imported here: the filter pulls in the extractors, which reading an archive without one does not need.
    from borderwatch.extract.relevance import is_relevant

    return is_relevant(html, theatre)


def _warc_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def read_jsonl_dump(path: str | Path, *, max_bytes: int = MAX_DOCUMENT_BYTES) -> Iterator[Document]:
    """A GOLD_FORMAT JSONL dump, plain or gzipped, one Document per line, streamed."""
    source = str(path)
    try:
        stream: BinaryIO = gzip.open(path, "rb") if source.lower().endswith(".gz") else open(path, "rb")  # noqa: SIM115
    except OSError as e:
        yield failed_document(source, b"", f"cannot read: {e.strerror or e}")
        return
    number = 0
    try:
        for doc in jsonl_documents(stream, source, max_bytes):
            number += 1
            yield doc
    except (OSError, EOFError) as e:
        yield failed_document(source, f"line={number}".encode(),
                              f"archive damaged after {number} documents: {type(e).__name__}: {str(e)[:200]}")
    finally:
        stream.close()
