"""Watching RSS and Atom feeds: the feed list, the polling loop, and the state that lets it resume.

`watch(feeds_path, store, ...)` polls every feed of a feeds.yaml each cycle: a conditional GET of the
feed (ETag / Last-Modified, so an unchanged feed costs one 304), feedparser over the bytes, then each
entry not seen before is fetched through `fetch.Fetcher` (address checks, robots.txt, pacing, retries),
passed through the relevance filter when the feed asks for it, and ingested with
`pipeline.ingest_documents`. One `CycleSummary` per cycle goes to `on_cycle`.

State lives in a small JSON file next to the store (`watch_state_path("events.db")` is
"events.db.watch.json"), not in the store's schema: per feed its validators and the entries already
handled, and the article URLs fetched for any feed. It is written after each feed, atomically, so a
stop (Ctrl-C, a crash) loses at most the feed being read, and a restart goes on from there; an entry
whose article was fetched but not yet stored is fetched again, and storing it twice is a no-op.

Failures never stop the loop: a broken feed or a feed that cannot be reached is reported in the
cycle's problems; an article that fails for good (404, not HTML, too large, refused) is stored as a
failed document with its reason; one that failed for now (timeout, 503) is tried again next cycle, up
to MAX_ENTRY_ATTEMPTS times.
"""

from __future__ import annotations

import io
import json
import logging
import os
import re
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import yaml

from borderwatch.errors import FeedListError
from borderwatch.ingest.fetch import FEED_ACCEPT, Fetcher, FetchPolicy, document_from_result
from borderwatch.model import DocStatus, Document
from borderwatch.pipeline import IngestSummary, ingest_documents
from borderwatch.store import Store
from borderwatch.theatre import Theatre, load_theatre

log = logging.getLogger(__name__)

# Entries remembered per feed. A feed lists its latest 10 to 100 items and an item that has left it
# does not come back, so this is many weeks of any real feed while keeping the state file small.
MAX_SEEN_PER_FEED = 2000
# Article URLs remembered across feeds (one outlet often lists an article in several section feeds).
MAX_FETCHED_URLS = 20000
# Cycles an article that failed for now (timeout, 5xx, 429) is tried again before it is stored failed.
MAX_ENTRY_ATTEMPTS = 3
STATE_VERSION = 1
# How often the wait between cycles looks at the stop flag, in seconds.
STOP_CHECK_SECONDS = 1.0

_INTERVAL = re.compile(r"\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?\s*(?:(\d+)\s*s)?\s*", re.IGNORECASE)
_FEED_KEYS = frozenset({"name", "url", "outlet", "language", "filter", "enabled"})


@dataclass(frozen=True, slots=True)
class Feed:
    name: str
    url: str
    outlet: str | None = None   # stored on the documents when the page names none
    language: str = "en"
    filter: bool = True         # run the relevance filter before extraction
    enabled: bool = True


def load_feeds(path: str | Path) -> list[Feed]:
    """The enabled feeds of a feeds.yaml; FeedListError names the entry at fault."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as e:
        raise FeedListError(f"cannot read feed list {path}: {e.strerror or e}") from e
    except yaml.YAMLError as e:
        raise FeedListError(f"{path}: not valid YAML: {e}") from e
    if not isinstance(data, dict) or not isinstance(data.get("feeds"), list):
        raise FeedListError(f"{path}: expected a mapping with a list under 'feeds'")
    feeds = [_parse_feed(entry, f"{path}: feed #{n}") for n, entry in enumerate(data["feeds"], start=1)]
    urls = [f.url for f in feeds]
    duplicates = sorted({u for u in urls if urls.count(u) > 1})
    if duplicates:
        raise FeedListError(f"{path}: feed URL listed twice: {duplicates[0]}")
    return [f for f in feeds if f.enabled]


def _parse_feed(entry: object, where: str) -> Feed:
    if not isinstance(entry, dict):
        raise FeedListError(f"{where}: expected a mapping with at least 'name' and 'url'")
    unknown = sorted(set(entry) - _FEED_KEYS)
    if unknown:
        raise FeedListError(f"{where}: unknown keys {unknown}; known: {sorted(_FEED_KEYS)}")
    name, url = entry.get("name"), entry.get("url")
    if not isinstance(name, str) or not name.strip():
        raise FeedListError(f"{where}: 'name' must be a non-empty string")
    if not isinstance(url, str) or not re.match(r"https?://[^\s/]+", url):
        raise FeedListError(f"{where} ({name}): 'url' must be an http(s) URL, got {url!r}")
    for key in ("filter", "enabled"):
        if key in entry and not isinstance(entry[key], bool):
            raise FeedListError(f"{where} ({name}): {key!r} must be true or false")
    outlet = entry.get("outlet")
    return Feed(name=name.strip(), url=url.strip(), outlet=str(outlet).strip() if outlet else None,
                language=str(entry.get("language") or "en"), filter=entry.get("filter", True),
                enabled=entry.get("enabled", True))


def parse_interval(text: str | int | float) -> float:
    """Seconds from "15m", "1h", "1h30m", "90s" or a plain number of seconds; ValueError otherwise."""
    if isinstance(text, int | float):
        seconds = float(text)
    elif text.strip().replace(".", "", 1).isdigit():
        seconds = float(text)
    else:
        m = _INTERVAL.fullmatch(text)
        if m is None or not any(m.groups()):
            raise ValueError(f"not an interval: {text!r} (write e.g. 15m, 1h, 90s)")
        hours, minutes, secs = (int(g or 0) for g in m.groups())
        seconds = float(hours * 3600 + minutes * 60 + secs)
    if seconds <= 0:
        raise ValueError(f"the interval must be positive, got {text!r}")
    return seconds


# ---- state --------------------------------------------------------------------------------------


@dataclass(slots=True)
class FeedState:
    etag: str | None = None
    last_modified: str | None = None
    last_polled: str | None = None
    seen: list[str] = field(default_factory=list)           # entry keys handled, oldest first
    attempts: dict[str, int] = field(default_factory=dict)  # entry key -> failed tries so far


@dataclass(slots=True)
class WatchState:
    feeds: dict[str, FeedState] = field(default_factory=dict)  # by feed URL
    fetched: list[str] = field(default_factory=list)          # article URLs, oldest first

    def feed(self, url: str) -> FeedState:
        return self.feeds.setdefault(url, FeedState())


def watch_state_path(db_path: str | Path) -> Path:
    """Where `watch` keeps its state for a store: next to it, "<db>.watch.json"."""
    return Path(f"{db_path}.watch.json")


def load_state(path: str | Path | None) -> WatchState:
    """The saved state, or a fresh one when there is none; a damaged file is set aside, not fatal."""
    if path is None or not Path(path).exists():
        return WatchState()
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return _state_from_json(data)
    except (OSError, ValueError, TypeError, AttributeError) as e:
        aside = Path(f"{path}.damaged")
        log.warning("watch state %s cannot be read (%s); starting afresh, the old file kept as %s",
                    path, e, aside)
        os.replace(path, aside)
        return WatchState()


def _state_from_json(data: dict[str, Any]) -> WatchState:
    if data.get("version") != STATE_VERSION:
        raise ValueError(f"unknown state version {data.get('version')!r}")
    feeds = {
        url: FeedState(etag=f.get("etag"), last_modified=f.get("last_modified"),
                       last_polled=f.get("last_polled"), seen=[str(s) for s in f.get("seen", [])],
                       attempts={str(k): int(v) for k, v in f.get("attempts", {}).items()})
        for url, f in data.get("feeds", {}).items()
    }
    return WatchState(feeds, [str(u) for u in data.get("fetched", [])])


def save_state(path: str | Path | None, state: WatchState) -> None:
    """Write the state atomically (a temporary file renamed over the old one)."""
    if path is None:
        return
    path = Path(path)
    data = {"version": STATE_VERSION, "fetched": state.fetched[-MAX_FETCHED_URLS:],
            "feeds": {url: {"etag": f.etag, "last_modified": f.last_modified, "last_polled": f.last_polled,
                            "seen": f.seen[-MAX_SEEN_PER_FEED:], "attempts": f.attempts}
                      for url, f in state.feeds.items()}}
    handle, temporary = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(data, out, ensure_ascii=False, indent=1)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


# ---- one cycle ----------------------------------------------------------------------------------


@dataclass(slots=True)
class CycleSummary:
    cycle: int
    started: datetime
    feeds: int = 0
    feeds_unchanged: int = 0   # answered 304 Not Modified
    feeds_failed: int = 0
    new_entries: int = 0
    fetched: int = 0           # articles read
    failed: int = 0            # articles stored as failed
    retry_later: int = 0       # articles that failed for now
    not_relevant: int = 0      # articles the relevance filter kept out
    added: int = 0
    mentions: int = 0
    seconds: float = 0.0
    stopped: bool = False      # the stop flag ended the cycle early
    problems: list[str] = field(default_factory=list)  # "feed name: reason"

    def line(self) -> str:
        head = f"cycle {self.cycle}{' (stopped early)' if self.stopped else ''}: "
        more = " ..." if len(self.problems) > 3 else ""
        why = f" [{'; '.join(self.problems[:3])}{more}]" if self.problems else ""
        return (f"{head}{self.feeds} feeds ({self.feeds_unchanged} unchanged, {self.feeds_failed} failed), "
                f"{self.new_entries} new entries, {self.fetched} fetched, {self.not_relevant} not relevant, "
                f"{self.added} added, {self.failed} failed, {self.retry_later} to retry, "
                f"{self.mentions} mentions, {self.seconds:.1f} s{why}")


@dataclass(frozen=True, slots=True)
class _Entry:
    key: str
    link: str | None
    title: str | None
    published: date | None


def feed_entries(body: bytes, base_url: str) -> tuple[list[_Entry], str | None]:
    """The entries of an RSS/Atom document and, when it is no usable feed, why not."""
    # Imported here: feedparser is only needed when feeds are polled.
    import feedparser

    # A stream, never a string: given a string, feedparser would open it as a URL or a local file.
    parsed = feedparser.parse(io.BytesIO(body), response_headers={"content-location": base_url})
    entries = []
    for item in parsed.entries:
        link = item.get("link")
        key = item.get("id") or link
        if not key:
            continue
        stamp = item.get("published_parsed") or item.get("updated_parsed")
        published = date(stamp.tm_year, stamp.tm_mon, stamp.tm_mday) if stamp else None
        entries.append(_Entry(str(key), str(link) if link else None, item.get("title"), published))
    if not entries and parsed.get("bozo"):
        reason = parsed.get("bozo_exception")
        return [], f"not a feed: {str(reason)[:120] if reason else 'unreadable'}"
    if not entries and not parsed.get("version"):
        return [], "not a feed: no RSS or Atom document"
    return entries, None


class _Poller:
    """One cycle over the feeds: fetch, filter, ingest, remember. Owns nothing but references."""

    def __init__(self, fetcher: Fetcher, store: Store, state: WatchState, state_path: Path | None,
                 theatre: Theatre, stop: Callable[[], bool]) -> None:
        self.fetcher, self.store, self.state, self.state_path = fetcher, store, state, state_path
        self.theatre, self.stop = theatre, stop
        self._fetched = set(state.fetched)

    def cycle(self, feeds: list[Feed], summary: CycleSummary) -> None:
        for feed in feeds:
            if self.stop():
                summary.stopped = True
                return
            try:
                self._poll(feed, summary)
            finally:
                save_state(self.state_path, self.state)

    def _poll(self, feed: Feed, summary: CycleSummary) -> None:
        summary.feeds += 1
        feed_state = self.state.feed(feed.url)
        result = self.fetcher.get(feed.url, etag=feed_state.etag, last_modified=feed_state.last_modified,
                                  accept=FEED_ACCEPT)
        feed_state.last_polled = datetime.now(UTC).isoformat(timespec="seconds")
        if result.not_modified:
            summary.feeds_unchanged += 1
            return
        entries, problem = ([], result.error or f"HTTP {result.status}") if not result.ok else \
            feed_entries(result.body, result.final_url)
        if problem is not None:
            summary.feeds_failed += 1
            summary.problems.append(f"{feed.name}: {problem}")
            log.warning("feed %s (%s): %s", feed.name, feed.url, problem)
            return
        seen = set(feed_state.seen)
        fresh = [e for e in entries if e.key not in seen]
        summary.new_entries += len(fresh)
        listed = {e.key for e in entries}
        feed_state.attempts = {k: n for k, n in feed_state.attempts.items() if k in listed}
        documents, handled = self._read_entries(feed, fresh, summary)
        if documents:
            self._ingest(documents, summary)
        for entry in handled:
            feed_state.seen.append(entry.key)
            feed_state.attempts.pop(entry.key, None)
            if entry.link:
                self._remember(entry.link)
        del feed_state.seen[:-MAX_SEEN_PER_FEED]
        # Validators only once every entry is done with: a 304 next cycle must not hide entries left to
        # retry or left unread by a stop.
        complete = len(handled) == len(fresh)
        feed_state.etag = result.etag if complete else None
        feed_state.last_modified = result.last_modified if complete else None

    def _read_entries(self, feed: Feed, entries: list[_Entry],
                      summary: CycleSummary) -> tuple[list[Document], list[_Entry]]:
        """The documents to ingest and the entries done with (ingested, filtered out or failed for good)."""
        documents, handled = [], []
        feed_state = self.state.feed(feed.url)
        for entry in entries:
            if self.stop():
                summary.stopped = True
                break
            if entry.link is None or entry.link in self._fetched:
                handled.append(entry)  # nothing to read, or read already through another feed
                continue
            result = self.fetcher.get(entry.link)
            doc = document_from_result(result)
            if doc.status is DocStatus.FAILED and result.transient:
                tries = feed_state.attempts.get(entry.key, 0) + 1
                if tries < MAX_ENTRY_ATTEMPTS:
                    feed_state.attempts[entry.key] = tries
                    summary.retry_later += 1
                    continue
            handled.append(entry)
            if doc.status is DocStatus.OK:
                summary.fetched += 1
                _complete(doc, feed, entry)
                if feed.filter and not _relevant(doc, self.theatre):
                    summary.not_relevant += 1
                    continue
            documents.append(doc)
        return documents, handled

    def _ingest(self, documents: list[Document], summary: CycleSummary) -> None:
        result: IngestSummary = ingest_documents(documents, self.store, self.theatre)
        summary.added += result.added
        summary.failed += result.failed
        summary.mentions += result.mentions

    def _remember(self, url: str) -> None:
        if url not in self._fetched:
            self._fetched.add(url)
            self.state.fetched.append(url)
        if len(self.state.fetched) > MAX_FETCHED_URLS:
            dropped = self.state.fetched[:-MAX_FETCHED_URLS]
            del self.state.fetched[:-MAX_FETCHED_URLS]
            self._fetched.difference_update(dropped)


def _complete(doc: Document, feed: Feed, entry: _Entry) -> None:
    """What the page did not say, from the feed: outlet, headline, date, language."""
    doc.outlet = feed.outlet or doc.outlet
    doc.title = doc.title or entry.title
    doc.published = doc.published or entry.published
    doc.language = feed.language or doc.language
    doc.url = doc.url or entry.link


def _relevant(doc: Document, theatre: Theatre) -> bool:
    # Imported here: the filter's module imports the extractors, which feed parsing alone does not need.
    from borderwatch.extract.relevance import is_relevant

    return is_relevant(f"{doc.title or ''}\n\n{doc.text}", theatre)


def poll_feeds(feeds: list[Feed], store: Store, *, fetcher: Fetcher, state: WatchState,
               state_path: str | Path | None = None, theatre: Theatre | None = None,
               stop: Callable[[], bool] = lambda: False, cycle: int = 1) -> CycleSummary:
    """One polling cycle over `feeds`, updating `state` (saved after each feed when `state_path`)."""
    started = time.perf_counter()
    summary = CycleSummary(cycle=cycle, started=datetime.now(UTC))
    poller = _Poller(fetcher, store, state, Path(state_path) if state_path else None,
                     theatre or load_theatre(), stop)
    try:
        poller.cycle(feeds, summary)
    finally:
        summary.seconds = time.perf_counter() - started
    return summary


def watch(feeds_path: str | Path, store: Store, *, every_seconds: float = 900.0,
          stop: Callable[[], bool] = lambda: False, on_cycle: Callable[[CycleSummary], None] | None = None,
          allow_private: bool = False, state_path: str | Path | None = None, theatre: Theatre | None = None,
          policy: FetchPolicy | None = None, max_cycles: int | None = None,
          clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep) -> int:
    """Poll the feeds of `feeds_path` every `every_seconds` until `stop()` is true (checked between
    feeds, articles and every STOP_CHECK_SECONDS of the wait) or `max_cycles` have run; the number of
    cycles run. Pass `state_path=watch_state_path(db)` to resume after a restart; without it the state
    lives only as long as the call. The feed list is read again each cycle, so edits apply without a
    restart; a broken edit keeps the last good list."""
    feeds = load_feeds(feeds_path)
    state = load_state(state_path)
    theatre = theatre or load_theatre()
    cycles = 0
    with Fetcher(policy or FetchPolicy(allow_private=allow_private), clock=clock, sleep=sleep) as fetcher:
        while not stop() and (max_cycles is None or cycles < max_cycles):
            cycles += 1
            began = clock()
            summary = poll_feeds(feeds, store, fetcher=fetcher, state=state, state_path=state_path,
                                 theatre=theatre, stop=stop, cycle=cycles)
            log.info(summary.line())
            if on_cycle is not None:
                on_cycle(summary)
            if max_cycles is not None and cycles >= max_cycles:
                break
            _wait(began + every_seconds, stop, clock, sleep)
            feeds = _reload(feeds_path, feeds)
    return cycles


def _wait(until: float, stop: Callable[[], bool], clock: Callable[[], float],
          sleep: Callable[[float], None]) -> None:
    while not stop() and (left := until - clock()) > 0:
        sleep(min(STOP_CHECK_SECONDS, left))


def _reload(path: str | Path, current: list[Feed]) -> list[Feed]:
    try:
        return load_feeds(path)
    except FeedListError as e:
        log.warning("feed list not reloaded, keeping the previous one: %s", e)
        return current
