"""Documents files in GOLD_FORMAT (.jsonl) → Documents, one per line, streamed.

Each line is `{"id", "url", "title", "published", "text"}`; url, title and published may be null, id
may be missing (the content hash is used). Lines are read one at a time with a length cap, so memory
stays flat however large the file and however long a broken line is.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from borderwatch.errors import DocumentError
from borderwatch.ingest.textfile import parse_published
from borderwatch.model import Document
from borderwatch.text import clean_text, content_id

_UTF8_BOM = b"\xef\xbb\xbf"
_CHUNK_BYTES = 1 << 20


@dataclass(frozen=True, slots=True)
class JsonlLine:
    """One non-blank line: its 1-based number, its bytes (cut at the cap when longer) and full size."""

    number: int
    raw: bytes
    size: int


def _skip_rest_of_line(stream: BinaryIO) -> int:
    """Read past the end of an over-long line in bounded chunks; the number of bytes skipped."""
    skipped = 0
    while chunk := stream.readline(_CHUNK_BYTES):
        skipped += len(chunk)
        if chunk.endswith(b"\n"):
            break
    return skipped


def read_jsonl_lines(stream: BinaryIO, max_bytes: int) -> Iterator[JsonlLine]:
    """The non-blank lines of a binary stream, never holding more than `max_bytes` + 1 of one line."""
    number = 0
    while raw := stream.readline(max_bytes + 1):
        number += 1
        size = len(raw)
        if size > max_bytes and not raw.endswith(b"\n"):
            size += _skip_rest_of_line(stream)
        if number == 1 and raw.startswith(_UTF8_BOM):
            raw = raw[len(_UTF8_BOM):]
        content = raw.rstrip(b"\r\n")
        if content.strip():
            yield JsonlLine(number, content, size)


def _optional_string(record: dict, key: str) -> str | None:
    value = record.get(key)
    return value.strip() or None if isinstance(value, str) else None


def _document_id(record: dict, text: str) -> str:
    given = record.get("id")
    if isinstance(given, str) and given.strip():
        return given.strip()
    if isinstance(given, int) and not isinstance(given, bool):
        return str(given)
    return content_id(text)


def _json_object(raw: bytes) -> dict:
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise DocumentError("not valid UTF-8 text") from e
    try:
        record = json.loads(line)
    except json.JSONDecodeError as e:
        raise DocumentError(f"invalid JSON: {e.msg} at column {e.colno}") from e
    if not isinstance(record, dict):
        raise DocumentError(f"not a JSON object but {type(record).__name__}")
    return record


def parse_jsonl_line(raw: bytes, source: str) -> Document:
    """A Document from one GOLD_FORMAT line; raises DocumentError naming what is wrong with it."""
    record = _json_object(raw)
    if "text" not in record or record["text"] is None:
        raise DocumentError("missing field 'text'")
    if not isinstance(record["text"], str):
        raise DocumentError(f"field 'text' is {type(record['text']).__name__}, not a string")
    text = clean_text(record["text"])
    if not text:
        raise DocumentError("empty after cleaning")
    title = _optional_string(record, "title")
    return Document(
        id=_document_id(record, text),
        text=text,
        url=_optional_string(record, "url"),
        title=clean_text(title) or None if title else None,
        outlet=_optional_string(record, "outlet"),
        published=parse_published(record.get("published")),
        language=_optional_string(record, "language") or "en",
        source=source,
    )
