"""Files and directories → Documents: the dispatcher, the byte decoder and the failure records.

Errors are values here: nothing a user can put on disk makes `read_documents` raise. Every file or
JSONL line that cannot become an article becomes a Document with status FAILED, a one-line reason and
an id derived from its source and bytes, so a re-run recognises it instead of duplicating it.
"""

from __future__ import annotations

import codecs
import gzip
import hashlib
import io
import os
import re
import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from borderwatch.errors import DocumentError
from borderwatch.ingest.html import declared_charset, parse_html_document
from borderwatch.ingest.jsonl import parse_jsonl_line, read_jsonl_lines
from borderwatch.ingest.textfile import parse_text_document
from borderwatch.model import DocStatus, Document

# The largest single document (file, or JSONL line) ingest will read. A real news page, scripts and
# inline images included, is under 2 MB and its article text under 100 KB; anything bigger is a dump,
# a book or a mislabelled binary, and would cost seconds of parsing and a large lxml tree in memory.
MAX_DOCUMENT_BYTES = 5_000_000

TEXT_SUFFIXES = frozenset({".txt"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
JSONL_SUFFIXES = frozenset({".jsonl"})
DOCUMENT_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES
# Any of those, gzip-compressed ("dawn.jsonl.gz", "page.html.gz"): archives and feeds dumps often are.
GZIP_SUFFIX = ".gz"
# Web archives (Common Crawl news, a crawler's output): one Document per HTML page (ingest/archives.py).
WARC_SUFFIXES = frozenset({".warc", ".arc"})

# Byte-order marks with their codec and the name used in error messages, longest first: the UTF-32 LE
# mark begins with the UTF-16 LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"), (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"), (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)
# Control characters that never occur in text (tab, line and page breaks excluded).
_CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f-\x84\x86-\x9f]")
# Above this share of control characters a decoded file is binary that happened to decode.
MAX_CONTROL_SHARE = 0.01
# charset_normalizer's "chaos" (0 clean .. 1 noise) above which its guess is not trusted; clean
# Windows-1252 and Latin-1 news text scores near 0, random bytes well above 0.3.
MAX_CHARSET_CHAOS = 0.2
# Chaos scores this close count as a tie between two readings of the same bytes.
CHARSET_CHAOS_TIE = 0.01


def failed_document(source: str, raw: bytes, reason: str) -> Document:
    """The record of a document that could not be read; its id is stable for the same source and bytes."""
    digest = hashlib.sha256(source.encode("utf-8", "surrogateescape") + b"\0" + raw).hexdigest()
    return Document(id=f"failed:{digest}", text="", source=source, status=DocStatus.FAILED, error=reason)


def _guess_encoding(raw: bytes) -> str | None:
    # Imported here: only files that are not UTF-8 need it, and its import is not free.
    from charset_normalizer import from_bytes
    from charset_normalizer.md import mess_ratio

    best = from_bytes(raw).best()
    if best is None or best.chaos > MAX_CHARSET_CHAOS:
        return None
    # On short English text the detector cannot tell Windows-1252 from its Baltic and Central European
    # cousins and may pick any of them ("café" read as "cafķ"). English-language news that is not UTF-8
    # is nearly always Windows-1252, so it wins whenever it reads the bytes as cleanly as the best guess.
    western = _decode_with(raw, "cp1252")
    if western is not None and mess_ratio(western) <= best.chaos + CHARSET_CHAOS_TIE:
        return "cp1252"
    return best.encoding


def _decode_with(raw: bytes, encoding: str | None) -> str | None:
    if not encoding:
        return None
    try:
        return raw.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def decode_text(raw: bytes, *, declared: str | None = None) -> str:
    """Text from bytes: a BOM's encoding, else UTF-8, else the declared charset, else a confident guess.

    Raises DocumentError for binary content or bytes no encoding explains.
    """
    for bom, encoding, name in _BOMS:
        if raw.startswith(bom):
            text = _decode_with(raw[len(bom):], encoding)
            if text is None:
                raise DocumentError(f"not valid {name} text")
            return _reject_binary(text)
    if b"\x00" in raw:
        raise DocumentError("binary content (NUL bytes)")
    text = _decode_with(raw, "utf-8")
    if text is None and declared and declared.replace("_", "-") not in ("utf-8", "utf8"):
        text = _decode_with(raw, declared)
    if text is None:
        text = _decode_with(raw, _guess_encoding(raw))
    if text is None:
        raise DocumentError("not valid UTF-8 text")
    return _reject_binary(text)


def _reject_binary(text: str) -> str:
    if "\x00" in text:
        raise DocumentError("binary content (NUL bytes)")
    controls = len(_CONTROL_CHARACTER.findall(text))
    if controls and controls > MAX_CONTROL_SHARE * len(text):
        raise DocumentError(f"binary content ({controls:,} control characters)")
    return text


def _read_single(path: Path, source: str, max_bytes: int, parse: Callable[[str, str], Document], *,
                 html: bool, compressed: bool = False) -> Document:
    size = path.stat().st_size
    if size > max_bytes:
        return failed_document(source, f"size={size}".encode(), f"too large: {size:,} bytes > {max_bytes:,}")
    try:
        with _open(path, compressed) as stream:
            raw = stream.read(max_bytes + 1)
    except (gzip.BadGzipFile, EOFError, zlib.error) as e:
        return failed_document(source, f"gzip={size}".encode(), f"not a valid gzip file: {e}")
    if len(raw) > max_bytes:  # the file grew after stat(), or decompresses to more than the limit
        what = "decompresses to more than" if compressed else "more than"
        return failed_document(source, raw[:max_bytes], f"too large: {what} {max_bytes:,} bytes")
    if not raw:
        return failed_document(source, raw, "empty file")
    try:
        text = decode_text(raw, declared=declared_charset(raw) if html else None)
        return parse(text, source)
    except DocumentError as e:
        return failed_document(source, raw, str(e))


def _read_jsonl(path: Path, source: str, max_bytes: int, compressed: bool = False) -> Iterator[Document]:
    try:
        with _open(path, compressed) as stream:
            yield from jsonl_documents(io.BufferedReader(stream) if compressed else stream, source, max_bytes)
    except (gzip.BadGzipFile, EOFError, zlib.error) as e:
        yield failed_document(f"{source}#gzip", str(e).encode(), f"not a valid gzip file: {e}")


def jsonl_documents(stream: BinaryIO, source: str, max_bytes: int) -> Iterator[Document]:
    """The documents of a JSONL stream, one per non-blank line; a bad line is a failed document."""
    for line in read_jsonl_lines(stream, max_bytes):
        line_source = f"{source}#L{line.number}"
        if line.size > max_bytes:
            yield failed_document(line_source, line.raw,
                                  f"line {line.number}: too large: {line.size:,} bytes > {max_bytes:,}")
            continue
        try:
            yield parse_jsonl_line(line.raw, line_source)
        except DocumentError as e:
            yield failed_document(line_source, line.raw, f"line {line.number}: {e}")


def document_suffix(path: Path) -> str:
    """The suffix that says how to read a file: ".txt", ".html", ".jsonl", or that of "x.jsonl.gz"."""
    suffixes = [x.lower() for x in path.suffixes]
    if suffixes and suffixes[-1] == GZIP_SUFFIX and len(suffixes) > 1:
        return suffixes[-2]
    return path.suffix.lower()


def is_document_file(path: Path) -> bool:
    readable = DOCUMENT_SUFFIXES | WARC_SUFFIXES
    suffix = path.suffix.lower()
    return suffix in readable or (suffix == GZIP_SUFFIX and document_suffix(path) in readable)


def read_file(path: Path, *, max_bytes: int = MAX_DOCUMENT_BYTES) -> Iterator[Document]:
    """The Documents in one file (one, or one per JSONL line); failures are FAILED Documents. A ".gz"
    file is read through gzip, with the same size limit on what it decompresses to."""
    source = str(path)
    suffix = document_suffix(path)
    compressed = path.suffix.lower() == GZIP_SUFFIX
    try:
        if not path.is_file():
            yield failed_document(source, b"", "not a regular file")
        elif suffix in WARC_SUFFIXES:
            from borderwatch.ingest.archives import read_warc

            yield from read_warc(path, max_bytes=max_bytes)
        elif suffix not in DOCUMENT_SUFFIXES:
            yield failed_document(source, b"", f"unsupported file type {suffix or '(no suffix)'}")
        elif suffix in JSONL_SUFFIXES:
            yield from _read_jsonl(path, source, max_bytes, compressed)
        elif suffix in HTML_SUFFIXES:
            yield _read_single(path, source, max_bytes, parse_html_document, html=True, compressed=compressed)
        else:
            yield _read_single(path, source, max_bytes, parse_text_document, html=False, compressed=compressed)
    except OSError as e:
        yield failed_document(source, b"", f"cannot read: {e.strerror or e}")


def _open(path: Path, compressed: bool) -> BinaryIO:
    return gzip.open(path, "rb") if compressed else path.open("rb")  # type: ignore[return-value]


def input_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """The files `read_documents` reads, in its order: folders walked depth first in name order (so every
    run sees the same order), hidden entries and other suffixes skipped, symbolic links to folders not
    followed (a link cycle cannot loop forever). A path that is missing, or a folder that cannot be
    listed, is yielded as given: reading it reports why. Workers of a distributed ingest each read a
    slice of this list."""
    for given in paths:
        path = Path(given)
        if path.is_dir():
            yield from _files_in_directory(path)
        else:
            yield path


def _files_in_directory(directory: Path) -> Iterator[Path]:
    try:
        with os.scandir(directory) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
    except OSError:
        yield directory
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_dir(follow_symlinks=False):
            yield from _files_in_directory(Path(entry.path))
        elif entry.is_file() and is_document_file(Path(entry.name)):
            yield Path(entry.path)


def read_documents(paths: Iterable[str | Path], *, max_bytes: int = MAX_DOCUMENT_BYTES) -> Iterator[Document]:
    """Documents from files and directories (walked recursively, in sorted order: `input_files`).

    Never raises for bad input: a missing path, an unsupported file, binary or undecodable bytes, an
    empty or oversize file and a bad JSONL line each yield a Document with status FAILED and a one-line
    `error`.
    """
    for path in input_files(paths):
        if path.is_dir():  # a folder that could not be listed
            try:
                os.listdir(path)
            except OSError as e:
                yield failed_document(str(path), b"", f"cannot read: {e.strerror or e}")
        elif path.exists():
            yield from read_file(path, max_bytes=max_bytes)
        else:
            yield failed_document(str(path), b"", "no such file or directory")
