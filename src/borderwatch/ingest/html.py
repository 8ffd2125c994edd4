"""Saved news pages (.html, .htm) → Document.

The cascade, cheapest first: trafilatura in fast mode (its own main-content extractor only); if that
finds no text, trafilatura with its readability/jusText fallbacks; if that finds nothing either, every
block of visible text that lxml sees outside navigation, scripts and footers. The result goes through
`clean_text` like any other source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import lxml.html
from lxml import etree

from borderwatch.errors import DocumentError
from borderwatch.ingest.textfile import parse_published
from borderwatch.model import Document
from borderwatch.text import clean_text, content_id

# <meta charset="..."> or <meta http-equiv="Content-Type" content="text/html; charset=...">; browsers
# look for it in the first 1024 bytes, and so do we.
_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.IGNORECASE
)
_CHARSET_SNIFF_BYTES = 1024

# Elements whose text is never article text, dropped before the lxml fallback reads the page.
_NON_CONTENT_TAGS = ("script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form",
                     "button", "svg", "iframe", "select")
_BLOCK_TAGS = ("p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "tr", "br",
               "section", "article", "figcaption", "dd", "dt", "table", "ul", "ol")
# Publication date search: only the page's own metadata and markup, never a guess from the whole text,
# which is slow and picks up dates of the events reported instead of the article's date.
_DATE_PARAMS = {"extensive_search": False, "original_date": True}


@dataclass(frozen=True, slots=True)
class PageContent:
    text: str
    title: str | None = None
    published: str | None = None
    url: str | None = None
    outlet: str | None = None


def declared_charset(raw: bytes) -> str | None:
    """The character encoding a page declares in a <meta> tag near its top, if any."""
    match = _META_CHARSET.search(raw, 0, _CHARSET_SNIFF_BYTES)
    return match.group(1).decode("ascii").lower() if match else None


def _trafilatura_content(html: str, *, fast: bool) -> PageContent | None:
    # Imported here: trafilatura pulls in a large dependency tree, which only HTML ingest needs.
    import trafilatura

    result = trafilatura.bare_extraction(
        html, fast=fast, with_metadata=True, include_comments=False, include_tables=False,
        date_extraction_params=_DATE_PARAMS,
    )
    if result is None or not (result.text or "").strip():
        return None
    return PageContent(text=result.text, title=result.title, published=result.date, url=result.url,
                       outlet=result.sitename)


def _lxml_content(html: str) -> PageContent | None:
    """Every visible text block of the page outside navigation, scripts and footers."""
    try:
        tree = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return None
    for element in tree.iter(*_NON_CONTENT_TAGS):
        element.drop_tree()
    for element in tree.iter(*_BLOCK_TAGS):
        # A blank line after each block keeps paragraphs apart in text_content().
        element.tail = "\n\n" + (element.tail or "")
    body = tree.find("body")
    text = (body if body is not None else tree).text_content()
    if not text.strip():
        return None
    title = tree.findtext(".//title")
    return PageContent(
        text=text,
        title=title.strip() if title else None,
        published=_first_attribute(
            tree, '//meta[@property="article:published_time" or @name="date"]/@content'
        ),
        url=_first_attribute(tree, '//link[@rel="canonical"]/@href | //meta[@property="og:url"]/@content'),
        outlet=_first_attribute(tree, '//meta[@property="og:site_name"]/@content'),
    )


def _first_attribute(tree: lxml.html.HtmlElement, xpath: str) -> str | None:
    values = [v.strip() for v in tree.xpath(xpath) if v.strip()]
    return values[0] if values else None


def extract_page_content(html: str) -> PageContent | None:
    """Main text and metadata of a news page by the cascade in the module docstring; None if empty."""
    return (_trafilatura_content(html, fast=True) or _trafilatura_content(html, fast=False)
            or _lxml_content(html))


def parse_html_document(html: str, source: str) -> Document:
    """A Document from a decoded HTML page; raises DocumentError if it has no article text."""
    content = extract_page_content(html)
    cleaned = clean_text(content.text) if content else ""
    if not cleaned:
        raise DocumentError("empty after cleaning")
    return Document(
        id=content_id(cleaned),
        text=cleaned,
        url=content.url,
        title=clean_text(content.title) or None if content.title else None,
        outlet=content.outlet,
        published=parse_published(content.published),
        source=source,
    )
