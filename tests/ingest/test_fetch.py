"""Tests for borderwatch.ingest.fetch against a real HTTP server on 127.0.0.1.

The server is private, so every test that reaches it says so explicitly (`allow_private=True`, or
`private_networks` naming 127.0.0.1 alone); the tests of the default prove that it refuses such
addresses before connecting (the server's request log stays empty).
"""

from __future__ import annotations

import ipaddress
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from borderwatch.ingest.fetch import (
    Fetcher,
    FetchPolicy,
    UnsafeAddressError,
    check_url,
    fetch_documents,
    is_public_address,
)
from borderwatch.model import DocStatus

ARTICLE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Seven soldiers martyred in North Waziristan ambush | Frontier Herald</title>
<meta property="og:site_name" content="Frontier Herald">
<meta property="article:published_time" content="2023-07-02T09:10:00+05:00">
</head><body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Seven soldiers martyred in North Waziristan ambush</h1>
<p>PESHAWAR: Seven soldiers were martyred when militants ambushed a security convoy in the Mir Ali area of
North Waziristan on Saturday, the military's media wing said in a statement.</p>
<p>The Inter-Services Public Relations said the attackers opened fire from a nearby compound and that
an exchange of fire lasted for more than an hour before reinforcements arrived.</p>
<p>No group immediately claimed responsibility for the attack, the third on security forces in the
district this month.</p></article><footer>Copyright Frontier Herald</footer></body></html>
"""


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0          # seconds to wait before answering
    content_length: bool = True  # False: the body runs until the connection closes


class LocalSite:
    """A real HTTP/1.0 server on 127.0.0.1 serving canned routes and logging every request."""

    def __init__(self) -> None:
        self.routes: dict[str, Route | list[Route] | Callable[[dict[str, str]], Route]] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
                headers = {k.lower(): v for k, v in self.headers.items()}
                site.requests.append((self.path, headers))
                route = site.route(self.path, headers)
                time.sleep(route.delay)
                self.send_response(route.status)
                for name, value in route.headers.items():
                    self.send_header(name, value)
                if route.content_length:
                    self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                try:
                    self.wfile.write(route.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)

    def route(self, path: str, headers: dict[str, str]) -> Route:
        found = self.routes.get(path)
        if found is None:
            return Route(404, b"not found", {"Content-Type": "text/plain"})
        if callable(found):
            return found(headers)
        if isinstance(found, list):
            return found.pop(0) if len(found) > 1 else found[0]
        return found

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def paths(self) -> list[str]:
        return [path for path, _ in self.requests]


@pytest.fixture
def site() -> Iterator[LocalSite]:
    local = LocalSite()
    local.thread.start()
    yield local
    local.server.shutdown()
    local.server.server_close()


def html(body: str = ARTICLE, **headers: str) -> Route:
    return Route(200, body.encode("utf-8"), {"Content-Type": "text/html; charset=utf-8", **headers})


class FakeTime:
    """A clock that only moves when slept on, and the record of every sleep."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 3))
        self.now += seconds


def private_policy(**overrides: object) -> FetchPolicy:
    settings: dict = {"allow_private": True, "min_interval_seconds": 0.0, "backoff_seconds": 0.5,
                      "timeout_seconds": 2.0}
    settings.update(overrides)
    return FetchPolicy(**settings)


# ---- the default refuses private addresses ------------------------------------------------------------


@pytest.mark.parametrize("make_url", [
    lambda s: s.url("/article"),                              # loopback literal
    lambda s: s.url("/article", host="localhost"),            # a hostname resolving to loopback
    lambda s: s.url("/article", host="[::1]"),                # IPv6 loopback
    lambda s: "http://10.20.30.40/internal/report",           # RFC 1918
    lambda s: "http://192.168.1.1/admin",                     # RFC 1918
    lambda s: "http://169.254.169.254/latest/meta-data/iam",  # cloud metadata (link-local)
    lambda s: "http://100.64.0.7/",                           # carrier-grade NAT
    lambda s: "http://[::ffff:127.0.0.1]/",                   # IPv4-mapped loopback
    lambda s: "http://0.0.0.0/",                              # unspecified
])
def test_default_refuses_non_public_addresses_before_connecting(site: LocalSite, make_url) -> None:
    site.routes["/article"] = html()
    docs = list(fetch_documents([make_url(site)]))
    assert len(docs) == 1
    assert docs[0].status is DocStatus.FAILED
    assert docs[0].error.startswith("refused:"), docs[0].error
    assert site.requests == []


@pytest.mark.parametrize("url, reason", [
    ("file:///etc/passwd", "scheme 'file'"),
    ("ftp://ftp.example.org/pub/news.html", "scheme 'ftp'"),
    ("gopher://example.org/", "scheme 'gopher'"),
])
def test_only_http_and_https_are_fetched(url: str, reason: str) -> None:
    with pytest.raises(UnsafeAddressError, match=reason):
        check_url(url, FetchPolicy(allow_private=True))


@pytest.mark.parametrize("target", [
    "http://10.0.0.5/latest",
    "http://169.254.169.254/latest/meta-data/",
    "http://127.0.0.2:{port}/article",  # loopback, but not the one address allowed
    "http://[::1]:{port}/article",
])
def test_a_redirect_to_a_private_address_is_refused(site: LocalSite, target: str) -> None:
    """127.0.0.1 stands in for a public site here: it is the one address the policy allows."""
    site.routes["/news/story"] = Route(302, b"", {"Location": target.format(port=site.port)})
    site.routes["/article"] = html()
    policy = FetchPolicy(private_networks=("127.0.0.1/32",), min_interval_seconds=0.0, obey_robots=False)
    with Fetcher(policy) as fetcher:
        result = fetcher.get(site.url("/news/story"))
    assert result.refused and result.error.startswith("refused:"), result.error
    assert site.paths() == ["/news/story"]


def test_allow_private_fetches_from_the_intranet(site: LocalSite) -> None:
    site.routes["/2023/07/02/ambush"] = html()
    docs = list(fetch_documents([site.url("/2023/07/02/ambush")], allow_private=True))
    doc = docs[0]
    assert doc.status is DocStatus.OK, doc.error
    assert "PESHAWAR: Seven soldiers were martyred when militants ambushed" in doc.text
    assert "Copyright" not in doc.text and "Home" not in doc.text
    assert doc.url == site.url("/2023/07/02/ambush")
    assert doc.source == site.url("/2023/07/02/ambush")
    assert doc.fetched is not None and doc.fetched.tzinfo is not None
    assert str(doc.published) == "2023-07-02"
    assert "robots.txt" in site.paths()[0]
    _, headers = site.requests[-1]
    assert headers["user-agent"].startswith("borderwatch/")
    assert headers["host"] == f"127.0.0.1:{site.port}"


def test_redirects_are_followed_with_allow_private(site: LocalSite) -> None:
    site.routes["/short/1"] = Route(301, b"", {"Location": "/long/path/story"})
    site.routes["/long/path/story"] = html()
    doc = next(fetch_documents([site.url("/short/1")], policy=private_policy(obey_robots=False)))
    assert doc.status is DocStatus.OK
    assert doc.url == site.url("/long/path/story")
    assert site.paths() == ["/short/1", "/long/path/story"]


@pytest.mark.parametrize("address, public", [
    ("8.8.8.8", True), ("151.101.1.195", True), ("2606:4700::6810:85e5", True),
    ("127.0.0.1", False), ("10.255.0.1", False), ("172.16.5.4", False), ("192.168.0.10", False),
    ("169.254.169.254", False), ("100.100.100.200", False), ("0.0.0.0", False), ("224.0.0.251", False),
    ("::1", False), ("fe80::1", False), ("fd00:ec2::254", False), ("::ffff:10.0.0.1", False),
    ("192.0.2.10", False), ("ff02::1", False),
])
def test_public_addresses(address: str, public: bool) -> None:
    assert is_public_address(ipaddress.ip_address(address)) is public


# ---- bad input becomes a failed document ---------------------------------------------------------------


@pytest.mark.parametrize("route, policy, reason", [
    (Route(404, b"<h1>Not Found</h1>", {"Content-Type": "text/html"}), {}, "HTTP 404"),
    (Route(410, b"gone", {"Content-Type": "text/plain"}), {}, "HTTP 410"),
    (Route(200, b"\x89PNG\r\n\x1a\n" + b"\0" * 64, {"Content-Type": "image/png"}), {},
     "not an article: content type image/png"),
    (Route(200, b'{"status": "ok"}', {"Content-Type": "application/json"}), {},
     "not an article: content type application/json"),
    (html(), {"max_bytes": 500}, "too large: 983 bytes > 500"),             # declared length
    (Route(200, ARTICLE.encode() * 3, {"Content-Type": "text/html"}, content_length=False),
     {"max_bytes": 1000}, "too large: more than 1,000 bytes"),             # no length: counted
    (Route(200, b"", {"Content-Type": "text/html"}), {}, "empty response"),
    (Route(200, b"<html><body><script>var x = 1;</script></body></html>", {"Content-Type": "text/html"}),
     {}, "empty after cleaning"),
    (Route(200, ARTICLE.encode(), {"Content-Type": "text/html"}, delay=1.5),
     {"timeout_seconds": 0.3, "retries": 0}, "timed out"),
])
def test_bad_responses_become_failed_documents(site: LocalSite, route: Route, policy: dict,
                                                reason: str) -> None:
    site.routes["/page"] = route
    doc = next(fetch_documents([site.url("/page")], policy=private_policy(obey_robots=False, **policy)))
    assert doc.status is DocStatus.FAILED
    assert doc.error.startswith(reason), doc.error
    assert doc.id.startswith("failed:")
    assert doc.source == site.url("/page")


def test_a_redirect_loop_stops(site: LocalSite) -> None:
    site.routes["/a"] = Route(302, b"", {"Location": "/b"})
    site.routes["/b"] = Route(302, b"", {"Location": "/a"})
    doc = next(fetch_documents([site.url("/a")], policy=private_policy(obey_robots=False, max_redirects=3)))
    assert doc.error == "too many redirects (more than 3)"
    assert len(site.requests) == 4


def test_a_refused_port_is_a_failed_document() -> None:
    doc = next(fetch_documents(["http://127.0.0.1:9/closed"], policy=private_policy(obey_robots=False,
                                                                                      retries=0)))
    assert doc.status is DocStatus.FAILED
    assert doc.error.startswith("connection failed: ConnectError")


def test_charset_from_the_header_decodes_windows_1252(site: LocalSite) -> None:
    page = ARTICLE.replace('<meta charset="utf-8">', "").replace("nearby compound", "roadside café")
    site.routes["/cp1252"] = Route(200, page.encode("cp1252"),
                                   {"Content-Type": "text/html; charset=windows-1252"})
    doc = next(fetch_documents([site.url("/cp1252")], policy=private_policy(obey_robots=False)))
    assert doc.status is DocStatus.OK
    assert "opened fire from a roadside café" in doc.text


# ---- manners: retries, robots.txt, pacing, conditional GET --------------------------------------------


def test_transient_errors_are_retried_with_exponential_backoff(site: LocalSite) -> None:
    site.routes["/busy"] = [Route(503, b"busy"), Route(502, b"gateway"), html()]
    fake = FakeTime()
    with Fetcher(private_policy(obey_robots=False, retries=2), clock=fake.clock, sleep=fake.sleep) as fetcher:
        result = fetcher.get(site.url("/busy"))
    assert result.ok
    assert fake.sleeps == [0.5, 1.0]
    assert site.paths() == ["/busy"] * 3


def test_retry_after_is_honoured_and_retries_end(site: LocalSite) -> None:
    site.routes["/limited"] = Route(429, b"slow down", {"Retry-After": "7"})
    fake = FakeTime()
    with Fetcher(private_policy(obey_robots=False, retries=1), clock=fake.clock, sleep=fake.sleep) as fetcher:
        result = fetcher.get(site.url("/limited"))
    assert result.error == "HTTP 429" and result.transient
    assert fake.sleeps == [7.0]
    assert len(site.requests) == 2


def test_a_404_is_not_retried(site: LocalSite) -> None:
    fake = FakeTime()
    with Fetcher(private_policy(obey_robots=False), clock=fake.clock, sleep=fake.sleep) as fetcher:
        result = fetcher.get(site.url("/missing"))
    assert result.status == 404 and result.error is None
    assert fake.sleeps == [] and len(site.requests) == 1


ROBOTS = b"""User-agent: *
Disallow: /private/

User-agent: borderwatch
Disallow: /members/
Crawl-delay: 4
"""


@pytest.mark.parametrize("path, allowed", [
    ("/news/2024/ambush", True),
    ("/members/story", False),
    ("/private/story", True),  # only the group for every agent says so; ours has its own group
])
def test_robots_txt_is_obeyed(site: LocalSite, path: str, allowed: bool) -> None:
    site.routes["/robots.txt"] = Route(200, ROBOTS, {"Content-Type": "text/plain"})
    site.routes[path] = html()
    doc = next(fetch_documents([site.url(path)], policy=private_policy()))
    if allowed:
        assert doc.status is DocStatus.OK, doc.error
    else:
        assert doc.error == f"disallowed by robots.txt of http://127.0.0.1:{site.port}"
        assert site.paths() == ["/robots.txt"]


@pytest.mark.parametrize("robots, fetched", [
    (Route(404, b"no robots here"), True),     # 4xx: no rules
    (Route(403, b"forbidden"), True),
    (Route(500, b"broken"), False),            # unreachable: keep off for now
])
def test_robots_txt_status_decides(site: LocalSite, robots: Route, fetched: bool) -> None:
    site.routes["/robots.txt"] = robots
    site.routes["/story"] = html()
    doc = next(fetch_documents([site.url("/story")], policy=private_policy(retries=0)))
    assert (doc.status is DocStatus.OK) is fetched, doc.error
    assert ("/story" in site.paths()) is fetched


def test_crawl_delay_and_min_interval_pace_one_host(site: LocalSite) -> None:
    site.routes["/robots.txt"] = Route(200, ROBOTS, {"Content-Type": "text/plain"})
    site.routes["/a"] = site.routes["/b"] = html()
    fake = FakeTime()
    with Fetcher(private_policy(min_interval_seconds=1.0), clock=fake.clock, sleep=fake.sleep) as fetcher:
        fetcher.get(site.url("/a"))
        fetcher.get(site.url("/b"))
    # robots.txt, then /a and /b each after the 4 s crawl delay, longer than the 1 s interval
    assert fake.sleeps == [4.0, 4.0]
    assert site.paths() == ["/robots.txt", "/a", "/b"]


def test_conditional_get_sends_validators_and_reads_304(site: LocalSite) -> None:
    def feed(headers: dict[str, str]) -> Route:
        if headers.get("if-none-match") == '"v1"':
            return Route(304, b"")
        return Route(200, b"<rss/>", {"Content-Type": "application/rss+xml", "ETag": '"v1"',
                                      "Last-Modified": "Sat, 16 Mar 2024 08:00:00 GMT"})
    site.routes["/feed.xml"] = feed
    with Fetcher(private_policy(obey_robots=False)) as fetcher:
        first = fetcher.get(site.url("/feed.xml"))
        second = fetcher.get(site.url("/feed.xml"), etag=first.etag, last_modified=first.last_modified)
    assert first.ok and first.etag == '"v1"' and first.body == b"<rss/>"
    assert second.not_modified and second.body == b""
    assert site.requests[1][1]["if-modified-since"] == "Sat, 16 Mar 2024 08:00:00 GMT"
