"""Safe HTTP fetching of news pages and feeds → Documents.

Fetching a URL someone else chose (a feed's link, a redirect) is how a server is tricked into reading
its own network, so every request goes through the same checks, on every hop:
- only http and https;
- the host is resolved here and **every** address it resolves to must be public (not loopback, private,
  link-local, cloud metadata 169.254.169.254, carrier-grade NAT, multicast or reserved); the request is
  then sent to the address that was checked, with the name in the Host header and TLS SNI, so a DNS
  answer that changes between check and connect ("rebinding") cannot slip a private address in;
- redirects are followed by hand, each target checked again, at most `max_redirects`;
- bodies are streamed and cut at `max_bytes` (after decompression, so a gzip bomb stops too), within a
  per-read timeout and a total deadline.
`FetchPolicy(allow_private=True)` lifts the address check for intranet use; `private_networks` lifts it
for named networks only.

Politeness: robots.txt per origin (RFC 9309: a 4xx means no rules, an unreachable one means keep off
for now), at most one request per `min_interval_seconds` per host (longer when robots.txt asks for a
Crawl-delay), retries with exponential backoff on timeouts, resets, 429 and 5xx (honouring
Retry-After), and conditional GET (ETag / Last-Modified) for callers that poll.

Errors are values: `Fetcher.get` returns a `FetchResult` with an `error`, and `fetch_documents` yields a
FAILED Document with the reason (refused address, HTTP 404, timeout, not HTML, too large...).
"""

from __future__ import annotations

import email.utils
import ipaddress
import logging
import socket
import time
import urllib.robotparser
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType

import httpx

from borderwatch.errors import DocumentError, UnsafeAddressError
from borderwatch.ingest.files import MAX_DOCUMENT_BYTES, decode_text, failed_document
from borderwatch.ingest.html import declared_charset, parse_html_document
from borderwatch.ingest.textfile import parse_text_document
from borderwatch.model import Document

log = logging.getLogger(__name__)

USER_AGENT = "borderwatch/0.1 (news event research; honours robots.txt)"
ROBOTS_AGENT = "borderwatch"  # the product token robots.txt groups are matched against

ARTICLE_ACCEPT = "text/html,application/xhtml+xml;q=0.9,text/plain;q=0.5,*/*;q=0.1"
FEED_ACCEPT = ("application/rss+xml,application/atom+xml,application/xml;q=0.9,text/xml;q=0.9,"
               "*/*;q=0.1")
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_TEXT_TYPES = frozenset({"text/plain"})
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
# Statuses worth asking again later: rate limited, or the server or a gateway failed for now.
_TRANSIENT_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
_CHUNK_BYTES = 64 * 1024
# A robots.txt larger than this is cut here (Google reads 500 KiB); rules past it are ignored.
MAX_ROBOTS_BYTES = 500 * 1024
# How long robots.txt answers are kept: a day when read (RFC 9309 allows caching up to 24 h), ten
# minutes when the server could not be reached, so that a watch retries soon.
ROBOTS_TTL_SECONDS = 24 * 3600
ROBOTS_RETRY_SECONDS = 600
# A Crawl-delay above this is capped: one slow host must not stall a whole polling cycle.
MAX_CRAWL_DELAY_SECONDS = 30.0


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    """Limits and manners of one fetcher. The defaults suit polling public news sites."""

    allow_private: bool = False
    private_networks: tuple[str, ...] = ()  # CIDR blocks allowed although not public ("10.8.0.0/16")
    max_bytes: int = MAX_DOCUMENT_BYTES
    timeout_seconds: float = 20.0  # connect, and each read
    total_seconds: float = 60.0    # deadline for one response, body included
    max_redirects: int = 5
    retries: int = 2               # further tries after a transient failure
    backoff_seconds: float = 2.0   # the first wait; doubled each try
    max_backoff_seconds: float = 60.0
    min_interval_seconds: float = 1.0  # between two requests to one host
    obey_robots: bool = True
    user_agent: str = USER_AGENT


@dataclass(slots=True)
class FetchResult:
    """What one GET came to. `error` is None on any HTTP answer (check `status`); else it says why not,
    and `transient` whether asking again later may help."""

    url: str
    final_url: str
    status: int | None = None
    body: bytes = b""
    content_type: str | None = None
    charset: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    error: str | None = None
    transient: bool = False
    refused: bool = False               # the address or URL was refused before connecting
    retry_after: float | None = None    # seconds the server asked us to wait (429, 503)

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def ok(self) -> bool:
        return self.error is None and self.status == 200


# ---- addresses ----------------------------------------------------------------------------------

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def is_public_address(address: IPAddress) -> bool:
    """Routable on the public internet: not loopback, private, link-local (cloud metadata), CGNAT,
    documentation, reserved, multicast, or an IPv4-mapped form of one of those."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast and not getattr(address, "is_site_local", False)


def _allowed_networks(policy: FetchPolicy) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    try:
        return tuple(ipaddress.ip_network(net, strict=False) for net in policy.private_networks)
    except ValueError as e:
        raise UnsafeAddressError(f"bad network in private_networks: {e}") from e


def resolve_addresses(host: str, port: int) -> list[IPAddress]:
    """Every address `host` resolves to (an IP literal resolves to itself)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError) as e:
        raise UnsafeAddressError(f"cannot resolve host {host!r}: {e}") from e
    addresses = []
    for info in infos:
        text = str(info[4][0]).split("%", 1)[0]  # drop an IPv6 zone index
        address = ipaddress.ip_address(text)
        if address not in addresses:
            addresses.append(address)
    return addresses


def check_url(url: str | httpx.URL, policy: FetchPolicy = FetchPolicy()) -> IPAddress:
    """The address to connect to for `url`, after checking the scheme and every address the host
    resolves to; raises UnsafeAddressError naming what was refused."""
    try:
        parsed = httpx.URL(url) if isinstance(url, str) else url
    except (httpx.InvalidURL, TypeError, ValueError) as e:
        raise UnsafeAddressError(f"invalid URL {str(url)[:200]!r}: {e}") from e
    if parsed.scheme not in ("http", "https"):
        raise UnsafeAddressError(f"refused: scheme {parsed.scheme or '(none)'!r} (only http and https)")
    if not parsed.host:
        raise UnsafeAddressError(f"invalid URL {str(url)[:200]!r}: no host")
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    addresses = resolve_addresses(parsed.host, port)
    if not addresses:
        raise UnsafeAddressError(f"cannot resolve host {parsed.host!r}: no addresses")
    if not policy.allow_private:
        networks = _allowed_networks(policy)
        for address in addresses:
            if not is_public_address(address) and not any(address in net for net in networks):
                raise UnsafeAddressError(
                    f"refused: {parsed.host} resolves to non-public address {address} "
                    "(allow private addresses explicitly for intranet use)")
    return addresses[0]


# ---- pacing and robots.txt ----------------------------------------------------------------------


@dataclass(slots=True)
class _Robots:
    parser: urllib.robotparser.RobotFileParser | None  # None: keep off the whole origin
    expires: float


@dataclass(slots=True)
class _HostPacer:
    """At most one request per interval per host; the interval may be raised by a Crawl-delay."""

    clock: Callable[[], float]
    sleep: Callable[[float], None]
    interval: float
    last: dict[str, float] = field(default_factory=dict)
    delays: dict[str, float] = field(default_factory=dict)

    def wait_for(self, host: str) -> None:
        previous = self.last.get(host)
        if previous is not None:
            remaining = previous + max(self.interval, self.delays.get(host, 0.0)) - self.clock()
            if remaining > 0:
                self.sleep(remaining)
        self.last[host] = self.clock()


def _retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds a Retry-After header asks for (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def _media_type(header: str | None) -> tuple[str | None, str | None]:
    """The media type and charset of a Content-Type header, lower case."""
    if not header:
        return None, None
    parts = [p.strip() for p in header.split(";")]
    charset = None
    for param in parts[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip("\"'").lower() or None
    return parts[0].lower() or None, charset


# ---- the fetcher --------------------------------------------------------------------------------


class Fetcher:
    """A polite, guarded HTTP client. Use as a context manager; `clock` and `sleep` are injectable so
    that pacing and backoff can be tested without waiting."""

    def __init__(self, policy: FetchPolicy = FetchPolicy(), *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.policy = policy
        self._clock, self._sleep = clock, sleep
        self._pacer = _HostPacer(clock, sleep, policy.min_interval_seconds)
        self._robots: dict[str, _Robots] = {}
        timeout = httpx.Timeout(policy.timeout_seconds)
        # No keep-alive: requests go to a checked IP with the name in Host and SNI, and a pooled
        # connection to one IP must not carry another site's request. No proxies from the environment:
        # a proxy would connect wherever it likes, after our checks.
        self._client = httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False,
                                    limits=httpx.Limits(max_keepalive_connections=0))

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None,
            accept: str = ARTICLE_ACCEPT) -> FetchResult:
        """GET with every check, retries and robots.txt; conditional when `etag`/`last_modified` given.
        Never raises for network, HTTP or address problems: they come back in `error`."""
        headers = {"User-Agent": self.policy.user_agent, "Accept": accept, "Accept-Encoding": "gzip, deflate"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        if self.policy.obey_robots:
            refusal = self._robots_refusal(url)
            if refusal is not None:
                return FetchResult(url, url, error=refusal)
        return self._with_retries(url, headers)

    def fetch_document(self, url: str) -> Document:
        """The article at `url` as a Document; a FAILED Document with the reason when it is not one."""
        return document_from_result(self.get(url))

    # -- internals

    def _with_retries(self, url: str, headers: dict[str, str], *, robots: bool = False) -> FetchResult:
        attempt = 0
        while True:
            result = self._follow(url, headers, robots=robots)
            retryable = result.transient and attempt < self.policy.retries
            if not retryable:
                return result
            wait = max(self.policy.backoff_seconds * 2 ** attempt, result.retry_after or 0.0)
            wait = min(self.policy.max_backoff_seconds, wait)
            log.info("retrying %s in %.1f s (%s)", url, wait, result.error or f"HTTP {result.status}")
            self._sleep(wait)
            attempt += 1

    def _follow(self, url: str, headers: dict[str, str], *, robots: bool) -> FetchResult:
        """One try: request, and follow redirects by hand, checking every hop."""
        current = url
        for _ in range(self.policy.max_redirects + 1):
            result, location = self._request(url, current, headers, robots=robots)
            if location is None:
                return result
            current = location
            refusal = self._robots_refusal(current) if self.policy.obey_robots and not robots else None
            if refusal is not None:  # a redirect to another site answers to that site's robots.txt
                return FetchResult(url, current, error=refusal)
        return FetchResult(url, current, error=f"too many redirects (more than {self.policy.max_redirects})")

    def _request(self, url: str, current: str, headers: dict[str, str], *,
                 robots: bool) -> tuple[FetchResult, str | None]:
        try:
            target = httpx.URL(current)
            address = check_url(target, self.policy)
        except UnsafeAddressError as e:
            return FetchResult(url, current, error=str(e), refused=True), None
        pinned = target.copy_with(host=str(address))
        extensions = {"sni_hostname": target.host} if target.scheme == "https" else {}
        request_headers = {**headers, "Host": target.netloc.decode("ascii")}
        self._pacer.wait_for(target.host)
        limit = MAX_ROBOTS_BYTES if robots else self.policy.max_bytes
        deadline = self._clock() + self.policy.total_seconds
        try:
            with self._client.stream("GET", pinned, headers=request_headers,
                                     extensions=extensions) as response:
                return self._read(url, current, response, limit, deadline)
        except httpx.TimeoutException:
            return FetchResult(url, current, error="timed out", transient=True), None
        except (httpx.TransportError, httpx.DecodingError) as e:
            return FetchResult(url, current, error=f"connection failed: {type(e).__name__}: {e}"[:300],
                               transient=isinstance(e, httpx.TransportError)), None

    def _read(self, url: str, current: str, response: httpx.Response, limit: int,
              deadline: float) -> tuple[FetchResult, str | None]:
        status = response.status_code
        if status in _REDIRECTS and response.headers.get("location"):
            location = str(httpx.URL(current).join(response.headers["location"]))
            return FetchResult(url, current, status=status), location
        media, charset = _media_type(response.headers.get("content-type"))
        result = FetchResult(url, current, status=status, content_type=media, charset=charset,
                             etag=response.headers.get("etag"),
                             last_modified=response.headers.get("last-modified"))
        if status in _TRANSIENT_STATUSES:
            result.error, result.transient = f"HTTP {status}", True
            result.retry_after = _retry_after(response.headers.get("retry-after"), datetime.now(UTC))
            return result, None
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            result.error = f"too large: {int(declared):,} bytes > {limit:,}"
            return result, None
        chunks, size = [], 0
        for chunk in response.iter_bytes(_CHUNK_BYTES):
            size += len(chunk)
            if size > limit:
                result.error = f"too large: more than {limit:,} bytes"
                return result, None
            if self._clock() > deadline:
                result.error, result.transient = f"timed out after {self.policy.total_seconds:g} s", True
                return result, None
            chunks.append(chunk)
        result.body = b"".join(chunks)
        return result, None

    def _robots_refusal(self, url: str) -> str | None:
        """Why robots.txt keeps us off `url`, or None when it may be fetched."""
        try:
            target = httpx.URL(url)
        except (httpx.InvalidURL, TypeError, ValueError):
            return None  # the request itself reports the bad URL
        if target.scheme not in ("http", "https") or not target.host:
            return None
        origin = f"{target.scheme}://{target.netloc.decode('ascii')}"
        robots = self._robots.get(origin)
        if robots is None or robots.expires <= self._clock():
            robots = self._read_robots(origin, target.host)
            self._robots[origin] = robots
        if robots.parser is None:
            return f"robots.txt of {origin} could not be read; not fetching for now"
        if not robots.parser.can_fetch(ROBOTS_AGENT, str(target)):
            return f"disallowed by robots.txt of {origin}"
        return None

    def _read_robots(self, origin: str, host: str) -> _Robots:
        headers = {"User-Agent": self.policy.user_agent, "Accept": "text/plain,*/*;q=0.1"}
        result = self._with_retries(f"{origin}/robots.txt", headers, robots=True)
        now = self._clock()
        if result.refused:  # the page request will be refused for the same reason, and say so
            return _Robots(_allow_all(), now + ROBOTS_RETRY_SECONDS)
        if result.error is not None or (result.status or 0) >= 500:  # unreachable: keep off for now
            return _Robots(None, now + ROBOTS_RETRY_SECONDS)
        if result.status != 200:  # 4xx: no rules (RFC 9309 2.3.1.3)
            return _Robots(_allow_all(), now + ROBOTS_TTL_SECONDS)
        parser = urllib.robotparser.RobotFileParser()
        parser.parse(result.body.decode("utf-8", "replace").splitlines())
        delay = parser.crawl_delay(ROBOTS_AGENT)
        if delay:
            self._pacer.delays[host] = min(float(delay), MAX_CRAWL_DELAY_SECONDS)
        return _Robots(parser, now + ROBOTS_TTL_SECONDS)


def _allow_all() -> urllib.robotparser.RobotFileParser:
    parser = urllib.robotparser.RobotFileParser()
    parser.parse([])
    return parser


# ---- documents ----------------------------------------------------------------------------------


def document_from_result(result: FetchResult) -> Document:
    """A Document from a fetched article; FAILED (with the reason) for anything that is not one."""
    source = result.url
    if result.error is not None:
        return failed_document(source, b"", result.error)
    if result.status != 200:
        return failed_document(source, b"", f"HTTP {result.status}")
    if not result.body:
        return failed_document(source, b"", "empty response")
    media = result.content_type
    if media is not None and media not in _HTML_TYPES and media not in _TEXT_TYPES:
        return failed_document(source, result.body[:1024], f"not an article: content type {media}")
    try:
        if media in _TEXT_TYPES:
            doc = parse_text_document(decode_text(result.body, declared=result.charset), source)
        else:
            declared = result.charset or declared_charset(result.body)
            doc = parse_html_document(decode_text(result.body, declared=declared), source)
    except DocumentError as e:
        return failed_document(source, result.body, str(e))
    doc.url = doc.url or result.final_url
    doc.fetched = datetime.now(UTC)
    return doc


def fetch_documents(urls: Iterable[str], *, allow_private: bool = False, policy: FetchPolicy | None = None,
                    fetcher: Fetcher | None = None) -> Iterator[Document]:
    """The articles at `urls`, one Document each, in order; never raises for a bad URL or page.

    `allow_private` lets through loopback and private addresses (intranet use); `policy` sets every
    other limit (its own `allow_private` is then used as given). Pass a `fetcher` to share its pacing
    and robots.txt cache across calls."""
    if fetcher is not None:
        for url in urls:
            yield fetcher.fetch_document(url)
        return
    policy = policy or FetchPolicy(allow_private=allow_private)
    with Fetcher(policy) as own:
        for url in urls:
            yield own.fetch_document(url)
