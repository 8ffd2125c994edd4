"""Ingest: files and directories of .txt, .html and .jsonl articles → cleaned Documents.

`read_documents` is the entry point; see docs/ingest.md for the formats and the failure reasons.
"""

from borderwatch.ingest.files import (
    DOCUMENT_SUFFIXES,
    MAX_DOCUMENT_BYTES,
    decode_text,
    failed_document,
    input_files,
    read_documents,
    read_file,
)
from borderwatch.ingest.html import parse_html_document
from borderwatch.ingest.jsonl import parse_jsonl_line
from borderwatch.ingest.textfile import parse_published, parse_text_document

__all__ = [
    "DOCUMENT_SUFFIXES",
    "MAX_DOCUMENT_BYTES",
    "decode_text",
    "failed_document",
    "input_files",
    "parse_html_document",
    "parse_jsonl_line",
    "parse_published",
    "parse_text_document",
    "read_documents",
    "read_file",
]
