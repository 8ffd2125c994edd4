"""Tests for borderwatch.ingest.feeds: the feed list, the state file, and the polling loop against a real
HTTP server on 127.0.0.1 (allowed explicitly with allow_private), with a fake clock for the waits."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from borderwatch.ingest.feeds import (
    MAX_ENTRY_ATTEMPTS,
    FeedListError,
    feed_entries,
    load_feeds,
    load_state,
    parse_interval,
    watch,
    watch_state_path,
)
from borderwatch.ingest.fetch import FetchPolicy
from borderwatch.model import DocStatus
from borderwatch.store import open_store

REPO = Path(__file__).resolve().parents[2]

PAGES = {
    "/2024/03/18/khost-strikes": (
        "Pakistani jets strike hideouts in Khost",
        "KHOST, Afghanistan: Pakistani jets struck suspected hideouts of the Hafiz Gul Bahadur group in "
        "Spera district of Khost province early on Monday, the Taliban government said. Zabihullah "
        "Mujahid, the Taliban spokesman, said eight civilians were killed in the strikes."),
    "/2023/07/02/ambush": (
        "Seven soldiers martyred in North Waziristan ambush",
        "PESHAWAR: Seven soldiers were martyred when militants ambushed a security convoy in North "
        "Waziristan on Saturday, the ISPR said. The military's media wing said the attackers fled "
        "towards the mountains."),
    "/sport/cup-final": (
        "United win the cup final on penalties",
        "LONDON: United won the cup final on penalties on Saturday after a goalless draw at Wembley. The "
        "manager praised his goalkeeper, who saved two spot kicks, and said the squad would celebrate."),
}


def page_html(title: str, text: str) -> bytes:
    return (f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
            f"<p>{text}</p></article></body></html>").encode()


def rss(paths: list[str], base: str) -> bytes:
    items = "".join(
        f"<item><title>Item {p}</title><link>{base}{p}</link><guid>{base}{p}</guid>"
        f"<pubDate>Mon, 18 Mar 2024 06:00:00 GMT</pubDate></item>" for p in paths)
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Frontier Herald</title><link>{base}/</link><description>Latest</description>"
            f"{items}</channel></rss>").encode()


class NewsSite:
    """A real HTTP server on 127.0.0.1: a feed with ETag, article pages, and a request log."""

    def __init__(self) -> None:
        self.feed_paths: list[str] = []
        self.etag = '"v1"'
        self.overrides: dict[str, Callable[[], tuple[int, str, bytes]]] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
                headers = {k.lower(): v for k, v in self.headers.items()}
                site.requests.append((self.path, headers))
                status, ctype, body, extra = site.answer(self.path, headers)
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                for name, value in extra.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                         daemon=True).start()

    def answer(self, path: str, headers: dict[str, str]) -> tuple[int, str, bytes, dict[str, str]]:
        if path in self.overrides:
            return (*self.overrides[path](), {})
        if path == "/feed.xml":
            if headers.get("if-none-match") == self.etag:
                return 304, "application/rss+xml", b"", {}
            return 200, "application/rss+xml", rss(self.feed_paths, self.base), {"ETag": self.etag}
        if path in PAGES:
            return 200, "text/html; charset=utf-8", page_html(*PAGES[path]), {}
        return 404, "text/plain", b"not found", {}

    def paths(self) -> list[str]:
        return [p for p, _ in self.requests if p != "/robots.txt"]


@pytest.fixture
def site() -> Iterator[NewsSite]:
    news = NewsSite()
    yield news
    news.server.shutdown()
    news.server.server_close()


@pytest.fixture
def feeds_file(tmp_path: Path, site: NewsSite) -> Path:
    path = tmp_path / "feeds.yaml"
    path.write_text(f"feeds:\n  - name: Frontier Herald\n    url: {site.base}/feed.xml\n"
                    f"    outlet: Frontier Herald\n", encoding="utf-8")
    return path


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept = 0.0

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds
        self.slept += seconds


POLICY = FetchPolicy(allow_private=True, min_interval_seconds=0.0, retries=0, timeout_seconds=5.0)


def run_watch(feeds: Path, db: Path, **options):
    summaries = []
    fake = FakeTime()
    settings = {"policy": POLICY, "state_path": watch_state_path(db), "max_cycles": 1, "every_seconds": 60,
                "on_cycle": summaries.append, "clock": fake.clock, "sleep": fake.sleep}
    settings.update(options)
    with open_store(db) as store:
        cycles = watch(feeds, store, **settings)
        documents = store.documents()
    return cycles, summaries, documents, fake


# ---- the polling loop ---------------------------------------------------------------------------------


def test_a_cycle_fetches_filters_and_ingests_new_entries(site: NewsSite, feeds_file: Path,
                                                         tmp_path: Path) -> None:
    site.feed_paths = ["/2024/03/18/khost-strikes", "/2023/07/02/ambush", "/sport/cup-final", "/gone"]
    cycles, [summary], documents, _ = run_watch(feeds_file, tmp_path / "events.db")
    assert cycles == 1
    assert (summary.feeds, summary.new_entries, summary.fetched) == (1, 4, 3)
    assert (summary.not_relevant, summary.added, summary.failed) == (1, 2, 1)
    assert summary.mentions >= 2
    assert ("1 feeds (0 unchanged, 0 failed), 4 new entries, 3 fetched, 1 not relevant, 2 added"
            in summary.line())
    ok = {d.title: d for d in documents if d.status is DocStatus.OK}
    assert set(ok) == {"Pakistani jets strike hideouts in Khost",
                       "Seven soldiers martyred in North Waziristan ambush"}
    assert all(d.outlet == "Frontier Herald" for d in ok.values())
    [failed] = [d for d in documents if d.status is DocStatus.FAILED]
    assert failed.error == "HTTP 404" and failed.source == f"{site.base}/gone"
    state = json.loads(watch_state_path(tmp_path / "events.db").read_text())
    feed_state = state["feeds"][f"{site.base}/feed.xml"]
    assert feed_state["etag"] == '"v1"' and len(feed_state["seen"]) == 4


def test_an_unchanged_feed_costs_one_conditional_request(site: NewsSite, feeds_file: Path,
                                                         tmp_path: Path) -> None:
    site.feed_paths = ["/2023/07/02/ambush"]
    cycles, summaries, _, fake = run_watch(feeds_file, tmp_path / "events.db", max_cycles=2)
    assert cycles == 2
    assert summaries[1].feeds_unchanged == 1 and summaries[1].new_entries == 0
    assert site.paths() == ["/feed.xml", "/2023/07/02/ambush", "/feed.xml"]
    assert site.requests[-1][1]["if-none-match"] == '"v1"'
    assert fake.slept == pytest.approx(60.0)  # the wait between the cycles, on the injected clock


def test_a_restart_resumes_where_it_left_off(site: NewsSite, feeds_file: Path, tmp_path: Path) -> None:
    db = tmp_path / "events.db"
    site.feed_paths = ["/2023/07/02/ambush"]
    run_watch(feeds_file, db)
    site.feed_paths = ["/2024/03/18/khost-strikes", "/2023/07/02/ambush"]
    site.etag = '"v2"'
    _, [summary], documents, _ = run_watch(feeds_file, db)
    assert summary.new_entries == 1 and summary.added == 1
    assert site.paths().count("/2023/07/02/ambush") == 1
    assert len([d for d in documents if d.status is DocStatus.OK]) == 2


def test_stopping_mid_cycle_keeps_the_rest_for_the_next_run(site: NewsSite, feeds_file: Path,
                                                            tmp_path: Path) -> None:
    db = tmp_path / "events.db"
    site.feed_paths = ["/2024/03/18/khost-strikes", "/2023/07/02/ambush"]
    article_requests = lambda: [p for p in site.paths() if p != "/feed.xml"]  # noqa: E731
    _, [first], _, _ = run_watch(feeds_file, db, stop=lambda: len(article_requests()) >= 1)
    assert first.stopped and first.added == 1
    state = json.loads(watch_state_path(db).read_text())
    assert state["feeds"][f"{site.base}/feed.xml"]["etag"] is None  # no 304 may hide the unread entry
    _, [second], _, _ = run_watch(feeds_file, db)
    assert second.new_entries == 1 and second.added == 1
    assert article_requests() == ["/2024/03/18/khost-strikes", "/2023/07/02/ambush"]


def test_an_article_that_fails_for_now_is_retried_then_stored_failed(site: NewsSite, feeds_file: Path,
                                                                      tmp_path: Path) -> None:
    site.feed_paths = ["/busy"]
    site.overrides["/busy"] = lambda: (503, "text/plain", b"try later")
    _, summaries, documents, _ = run_watch(feeds_file, tmp_path / "events.db", max_cycles=MAX_ENTRY_ATTEMPTS)
    assert [s.retry_later for s in summaries] == [1] * (MAX_ENTRY_ATTEMPTS - 1) + [0]
    assert summaries[-1].failed == 1
    assert site.paths().count("/busy") == MAX_ENTRY_ATTEMPTS
    assert [d.error for d in documents] == ["HTTP 503"]


@pytest.mark.parametrize("answer, problem", [
    (lambda: (404, "text/plain", b"no feed"), "HTTP 404"),
    (lambda: (200, "text/html", b"<html><body><p>Our new website!</p></body></html>"), "not a feed"),
    (lambda: (200, "application/rss+xml", b"<rss><channel><item><title>broken"), "not a feed"),
])
def test_a_broken_feed_is_reported_and_the_next_feed_still_polled(site: NewsSite, tmp_path: Path, answer,
                                                                   problem: str) -> None:
    site.overrides["/broken.xml"] = answer
    site.feed_paths = ["/2023/07/02/ambush"]
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text(f"feeds:\n  - {{name: Broken, url: '{site.base}/broken.xml'}}\n"
                     f"  - {{name: Good, url: '{site.base}/feed.xml'}}\n", encoding="utf-8")
    _, [summary], _, _ = run_watch(feeds, tmp_path / "events.db")
    assert summary.feeds == 2 and summary.feeds_failed == 1 and summary.added == 1
    assert summary.problems[0].startswith(f"Broken: {problem}"), summary.problems


def test_a_damaged_state_file_is_set_aside(tmp_path: Path) -> None:
    path = tmp_path / "events.db.watch.json"
    path.write_text("{not json", encoding="utf-8")
    state = load_state(path)
    assert state.feeds == {} and not path.exists()
    assert (tmp_path / "events.db.watch.json.damaged").read_text() == "{not json"


# ---- feeds and feed lists ------------------------------------------------------------------------------

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Border Desk</title><id>urn:desk</id>
<updated>2024-03-18T06:00:00Z</updated>
<entry><title>Torkham reopens</title><id>urn:desk:1</id><link href="/2024/03/18/torkham"/>
<updated>2024-03-18T06:00:00Z</updated></entry></feed>"""


@pytest.mark.parametrize("body, key, link, published", [
    (rss(["/a/story"], "https://news.example.org"), "https://news.example.org/a/story",
     "https://news.example.org/a/story", "2024-03-18"),
    (ATOM, "urn:desk:1", "https://desk.example.org/2024/03/18/torkham", "2024-03-18"),
])
def test_feed_entries_of_rss_and_atom(body: bytes, key: str, link: str, published: str) -> None:
    entries, problem = feed_entries(body, "https://desk.example.org/feed.atom")
    assert problem is None
    assert [(e.key, e.link, str(e.published)) for e in entries] == [(key, link, published)]


def test_feed_bytes_are_never_opened_as_a_path(tmp_path: Path) -> None:
    secret = tmp_path / "secret.xml"
    secret.write_bytes(rss(["/leak"], "https://internal.example"))
    entries, problem = feed_entries(str(secret).encode(), "https://news.example.org/feed")
    assert entries == [] and problem is not None


@pytest.mark.parametrize("text, reason", [
    ("feeds: {}", "a list under 'feeds'"),
    ("- just a list", "a list under 'feeds'"),
    ("feeds:\n  - {name: Dawn}", "'url' must be an http(s) URL"),
    ("feeds:\n  - {name: Dawn, url: 'ftp://dawn.com/feed'}", "'url' must be an http(s) URL"),
    ("feeds:\n  - {url: 'https://www.dawn.com/feeds/home'}", "'name' must be a non-empty string"),
    ("feeds:\n  - {name: Dawn, url: 'https://www.dawn.com/feeds/home', every: 5m}", "unknown keys ['every']"),
    ("feeds:\n  - {name: Dawn, url: 'https://www.dawn.com/feeds/home', filter: maybe}", "'filter' must be"),
    ("feeds:\n  - {name: A, url: 'https://x.example/f'}\n  - {name: B, url: 'https://x.example/f'}",
     "listed twice"),
    ("feeds: [unclosed", "not valid YAML"),
])
def test_bad_feed_lists_say_what_is_wrong(tmp_path: Path, text: str, reason: str) -> None:
    path = tmp_path / "feeds.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FeedListError, match=None) as raised:
        load_feeds(path)
    assert reason in str(raised.value)


def test_the_shipped_feed_list_loads() -> None:
    feeds = load_feeds(REPO / "feeds.yaml")
    assert len(feeds) >= 10
    assert all(f.url.startswith("https://") for f in feeds)
    assert len({f.name for f in feeds}) == len(feeds)
    outlets = {f.outlet for f in feeds}
    assert {"Dawn", "The Express Tribune", "TOLOnews", "Pajhwok Afghan News"} <= outlets


@pytest.mark.parametrize("text, seconds", [
    ("15m", 900), ("1h", 3600), ("1h30m", 5400), ("90s", 90), ("2 min", 120), ("600", 600), (45, 45),
])
def test_parse_interval(text, seconds: float) -> None:
    assert parse_interval(text) == seconds


@pytest.mark.parametrize("text", ["", "soon", "0", "-5", "15x"])
def test_parse_interval_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_interval(text)


# -- the commands -------------------------------------------------------------------------------------------

def cli(*args: str):
    from typer.testing import CliRunner

    from borderwatch.cli import app

    return CliRunner().invoke(app, list(args), env={"COLUMNS": "250"}, prog_name="borderwatch")


def test_fetch_command_ingests_a_page_and_refuses_private_addresses_by_default(site: NewsSite, tmp_path: Path):
    db = tmp_path / "f.db"
    url = f"{site.base}/2024/03/18/khost-strikes"
    refused = cli("fetch", url, "--db", str(db))
    assert refused.exit_code == 0 and "1 failed" in refused.output
    assert "not a public address" in refused.output or "refused" in refused.output.lower()
    assert site.paths() == []  # nothing was even requested
    fetched = cli("fetch", url, "--db", str(db), "--allow-private")
    assert fetched.exit_code == 0 and "1 added" in fetched.output, fetched.output
    with open_store(db) as store:
        stored = [d for d in store.documents() if d.url == url]
    assert stored and stored[0].title == "Pakistani jets strike hideouts in Khost"


def test_watch_command_runs_its_cycles_and_keeps_its_state(site: NewsSite, feeds_file: Path, tmp_path: Path):
    site.feed_paths = ["/2024/03/18/khost-strikes", "/sport/cup-final"]
    db = tmp_path / "w.db"
    result = cli("watch", "--feeds", str(feeds_file), "--db", str(db), "--cycles", "1", "--every", "1",
                 "--allow-private")
    assert result.exit_code == 0, result.output
    assert "2 new entries" in result.output and "1 not relevant" in result.output
    assert watch_state_path(db).exists() and "watched 1 cycles" in result.output
    again = cli("watch", "--feeds", str(feeds_file), "--db", str(db), "--cycles", "1", "--every", "1",
                "--allow-private")
    assert "0 new entries" in again.output  # resumed: the entries were seen
    assert cli("watch", "--feeds", str(feeds_file), "--db", str(db), "--every", "soon").exit_code == 2
