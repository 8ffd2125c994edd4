"""Plain-text articles (.txt) → Document, with the optional front-matter header of docs/ingest.md.

```
Title: Pakistani jets strike hideouts in Khost
Published: 2024-03-18
URL: https://example.org/news/khost
Outlet: Frontier Herald

ISLAMABAD: Pakistani aircraft struck ...
```
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from borderwatch.errors import DocumentError
from borderwatch.model import Document
from borderwatch.text import clean_text, content_id

# Front-matter keys and the Document field each fills; the aliases are what people write by habit.
_FRONT_MATTER_FIELDS = {
    "title": "title", "headline": "title",
    "published": "published", "date": "published",
    "url": "url", "link": "url",
    "outlet": "outlet", "source": "outlet", "publisher": "outlet",
    "language": "language",
    "author": None, "byline": None,  # accepted so the header parses, but not kept
}
_FRONT_MATTER_LINE = re.compile(r"([A-Za-z]+)[ \t]*:[ \t]*(.*?)[ \t]*")
_PARAGRAPH_BREAK = re.compile(r"\r?\n[ \t]*\r?\n")

# A first paragraph this short that does not end like a sentence is the headline. It stays in the text
# as well: headlines often name the actors and places, and extraction should see them.
MAX_HEADLINE_CHARS = 200

# Date spellings accepted in front matter and JSONL besides ISO 8601.
_DATE_FORMATS = ("%d %B %Y", "%B %d, %Y", "%d %b %Y", "%b %d, %Y", "%Y/%m/%d", "%d/%m/%Y", "%B %d %Y")


@dataclass(frozen=True, slots=True)
class FrontMatter:
    title: str | None = None
    published: str | None = None
    url: str | None = None
    outlet: str | None = None
    language: str | None = None


def parse_published(value: object) -> date | None:
    """A publication date from ISO dates, ISO datetimes (their own calendar day) or common spellings.

    Anything else is None: an unknown date is not a reason to lose the document.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        pass
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def split_front_matter(text: str) -> tuple[FrontMatter, str]:
    """The header (if the text starts with one) and the body after it.

    A header is one or more `Key: value` lines with known keys, ending at the first blank line. If any
    line before that blank line is not such a line, there is no header and the whole text is the body.
    """
    parts = _PARAGRAPH_BREAK.split(text.lstrip("\ufeff"), maxsplit=1)
    if len(parts) < 2:
        return FrontMatter(), text
    values: dict[str, str] = {}
    for line in parts[0].splitlines():
        match = _FRONT_MATTER_LINE.fullmatch(line)
        if not match or match.group(1).lower() not in _FRONT_MATTER_FIELDS:
            return FrontMatter(), text
        field_name = _FRONT_MATTER_FIELDS[match.group(1).lower()]
        if field_name and match.group(2):
            values.setdefault(field_name, match.group(2))
    return FrontMatter(**values), parts[1]


def _headline(cleaned: str) -> str | None:
    first, sep, _ = cleaned.partition("\n\n")
    if sep and len(first) <= MAX_HEADLINE_CHARS and not first.endswith((".", ",", ";", ":")):
        return first
    return None


def parse_text_document(text: str, source: str) -> Document:
    """A Document from the decoded contents of a .txt file; raises DocumentError if nothing is left."""
    header, body = split_front_matter(text)
    cleaned = clean_text(body)
    if not cleaned:
        raise DocumentError("empty after cleaning")
    title = clean_text(header.title) if header.title else _headline(cleaned)
    return Document(
        id=content_id(cleaned),
        text=cleaned,
        url=header.url,
        title=title or None,
        outlet=header.outlet,
        published=parse_published(header.published),
        language=header.language or "en",
        source=source,
    )
