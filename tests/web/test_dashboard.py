"""The dashboard in a real browser: Debian's Chromium driven by Playwright, against the real server
(`live_server` from conftest.py) over a small store built by the project's own ingest.

The store holds three wire-style reports (an attack in Mir Ali, Pakistani strikes in Khost that came
"two days after" it, and a police shooting in Dera Ismail Khan whose title, outlet, URL and text carry
script payloads) plus imported events for the filters to bite on. Each view's screenshot is saved under
tests/web/artifacts/ (not committed).

Chromium gets WebGL from SwiftShader (software); one test takes WebGL away to check that everything but
the map still works.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright
from repo_scripts import loaded

from borderwatch.ingest.jsonl import parse_jsonl_line
from borderwatch.model import DateRange, Event, EventSource, Place, Precision
from borderwatch.pipeline import ingest_documents
from borderwatch.store import open_store

REPO = Path(__file__).resolve().parents[2]
STATIC = REPO / "src" / "borderwatch" / "web" / "static"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--no-sandbox"]
ARTIFACTS = Path(__file__).parent / "artifacts"
VIEWPORT = {"width": 1366, "height": 768}  # a laptop screen
READY_MS = 60_000
PAGE_TITLE = "borderwatch — events"

ARTICLES = [
    {"id": "dash-mir-ali", "url": "https://www.dawn.com/news/1900001", "outlet": "Dawn", "published": "2024-03-16",
     "title": "Seven soldiers martyred in Mir Ali attack",
     "text": "Seven soldiers were martyred when militants attacked a security forces post in Mir Ali, North "
             "Waziristan, on Saturday, the ISPR said. The Tehreek-i-Taliban Pakistan claimed responsibility "
             "for the attack."},
    {"id": "dash-khost", "url": "https://tolonews.com/afghanistan-190001", "outlet": "TOLOnews",
     "published": "2024-03-18", "title": "Pakistani airstrikes kill eight civilians in Khost",
     "text": "Pakistani jets struck houses in the Spera district of Khost province early on Monday, killing "
             "eight civilians, Islamic Emirate spokesman Zabihullah Mujahid said. The strikes came two days "
             "after the attack on a security post in Mir Ali."},
    # Every field a browser could be tricked by: each payload would set window.__xss or the page title.
    {"id": "dash-xss", "url": "javascript:window.__xss=3", "outlet": "<img src=x onerror=\"window.__xss=2\">",
     "published": "2024-04-02",
     "title": "<script>window.__xss=1;document.title='pwned'</script> Two policemen killed in Dera Ismail Khan",
     "text": "Two policemen were killed when gunmen opened fire on a police checkpoint in Dera Ismail Khan on "
             "Tuesday night, police said. <script>window.__xss=4</script> <img src=x onerror=\"window.__xss=5\"> "
             "<a href=\"javascript:window.__xss=6\">more</a>"},
]
IMPORTED = 150
IMPORTED_TYPES = ("Battles", "Explosions/Remote violence", "Violence against civilians")


def imported_event(i: int, rng: random.Random) -> Event:
    day = date(2023, 1, 1) + timedelta(days=rng.randrange(540))
    country = ("PK", "AF")[i % 2]
    return Event(
        id=f"ucdp-dash-{i:03d}", event_type=IMPORTED_TYPES[i % 3], sub_event_type="Armed clash",
        date=DateRange(day, day, Precision.DAY),
        place=Place(id=f"dash:{i % 12}", name=f"Village {i % 12}", country=country, admin1="Khost", admin2=None,
                    lat=32 + rng.random() * 3, lon=68 + rng.random() * 4, precision=1),
        country=country, actor1=("TTP", "PAK-MIL", "ISKP")[i % 3], actor2=None,
        fatalities_low=i % 7, fatalities_best=i % 7, fatalities_high=i % 7 + 1, source=EventSource.UCDP,
        source_id=str(i), contested=i % 10 == 0)


@dataclass(frozen=True, slots=True)
class DashboardStore:
    path: Path
    mir_ali: str   # the attack
    khost: str     # the strikes that respond to it
    xss: str       # the report carrying payloads
    total: int


@pytest.fixture(scope="module")
def dashboard_store(tmp_path_factory) -> DashboardStore:
    path = tmp_path_factory.mktemp("dashboard") / "events.db"
    documents = [parse_jsonl_line(json.dumps(a).encode(), "test") for a in ARTICLES]
    rng = random.Random(7)
    with open_store(path) as store:
        ingest_documents(documents, store)
        store.add_events(imported_event(i, rng) for i in range(IMPORTED))
        by_place = {e.place.name: e.id for e in store.events(source="news") if e.place}
        total = store.counts()["events"]
    return DashboardStore(path, by_place["Mir Ali"], by_place["Spera"], by_place["Dera Ismail Khan"], total)


@pytest.fixture(scope="module")
def base_url(live_server, dashboard_store) -> str:
    return live_server(dashboard_store.path)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Console:
    """The page's console errors and uncaught exceptions, to assert there were none."""

    def __init__(self, page: Page) -> None:
        self.errors: list[str] = []
        page.on("console", self.on_message)
        page.on("pageerror", lambda e: self.errors.append(f"uncaught: {e}"))

    def on_message(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(message.text)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=VIEWPORT)
    yield context.new_page()
    context.close()


@pytest.fixture
def console(page: Page) -> Console:
    return Console(page)


def open_dashboard(page: Page, url: str) -> None:
    page.goto(url)
    # Waiting on an attribute, not a JS predicate: the page's CSP forbids the eval a predicate needs.
    page.wait_for_selector("body[data-ready]", state="attached", timeout=READY_MS)
    assert page.locator("body").get_attribute("data-ready") == "true"


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def query_of(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def shown_count(page: Page) -> int:
    text = page.locator("#count").inner_text()
    match = re.match(r"([\d,]+)", text)
    assert match, text
    return int(match.group(1).replace(",", ""))


def open_event(page: Page, event_id: str) -> None:
    page.locator(f'#events-body tr[data-event="{event_id}"] button').click()
    page.wait_for_selector("#detail-title")
    page.wait_for_selector("#detail .evidence-body .article, #detail .evidence-body .muted:not(:has-text('Loading'))")


# ----------------------------------------------------------------------------------------------- tests


def test_dashboard_loads_every_event_into_map_timeline_and_table(page, console, base_url, dashboard_store):
    open_dashboard(page, base_url)
    screenshot(page, "01-overview")
    assert shown_count(page) == dashboard_store.total
    assert page.locator("#events-body tr").count() == min(100, dashboard_store.total)
    assert page.locator("#events-more").is_visible()
    assert page.locator("#map canvas.maplibregl-canvas").count() == 1
    assert page.locator("#map-message").is_hidden()
    assert "TTP" in page.locator("#timeline-legend").inner_text()
    assert page.evaluate("typeof window.__bw_ready") == "number"
    assert 0 < page.evaluate("window.__bw_first_paint") <= page.evaluate("window.__bw_ready")
    assert page.locator("#map-preview").is_hidden()  # the map has drawn: its stand-in is gone
    assert page.evaluate("window.__bw.mapPath") == "grid"  # map.js clusters the events itself
    assert console.errors == []


def preview_pixel(page: Page, x: float, y: float) -> list[int]:
    """The preview canvas's RGBA at CSS pixel (x, y) from its corner."""
    return page.evaluate("""([x, y]) => {
      const canvas = document.getElementById('map-preview');
      const ratio = canvas.width / canvas.getBoundingClientRect().width;
      return Array.from(canvas.getContext('2d').getImageData(Math.round(x * ratio), Math.round(y * ratio), 1, 1).data);
    }""", [x, y])


def test_the_preview_shows_the_first_view_while_the_map_library_loads(browser, base_url, dashboard_store):
    """MapLibre's download is held back, as a slow first render would hold it: the page must still show
    every event at once, on the preview canvas, exactly where and as the map then draws them."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    console = Console(page)
    held = []
    page.route("**/maplibre-gl.mjs", lambda route: held.append(route))
    try:
        page.goto(base_url)
        page.wait_for_selector("body[data-first-paint]", state="attached", timeout=READY_MS)
        assert page.locator("body").get_attribute("data-ready") is None  # the map is not up yet
        assert page.locator("#map-preview").is_visible()
        assert shown_count(page) == dashboard_store.total
        preview = page.evaluate("window.__bw.previewTargets()")
        assert IMPORTED <= sum(t["count"] for t in preview) <= dashboard_store.total
        box = page.locator("#map-preview").bounding_box()
        inside = [t for t in preview if 2 <= t["x"] < box["width"] - 2 and 2 <= t["y"] < box["height"] - 2]
        assert inside
        for target in inside[:20]:  # each drawn where it is, in a cluster's colour or its type's
            red, green, blue, alpha = preview_pixel(page, target["x"], target["y"])
            assert alpha == 255 and (red, green, blue) != (0xEE, 0xF2, 0xF5)  # not the background
        screenshot(page, "01b-preview")
        page.select_option("#f-contested", "true")  # filters redraw the preview too
        filtered = page.evaluate("window.__bw.previewTargets()")
        assert 0 < sum(t["count"] for t in filtered) < sum(t["count"] for t in preview)
        page.select_option("#f-contested", "")
        assert held, "the page never asked for the map library"
        for route in held:
            route.continue_()
        page.wait_for_selector("body[data-ready]", state="attached", timeout=READY_MS)
        assert page.locator("#map-preview").is_hidden()
        drawn = page.evaluate("window.__bw.mapTargets()")
        key = lambda t: (t["kind"], t["count"], t["id"])  # noqa: E731
        assert sorted(map(key, drawn)) == sorted(map(key, preview))
        by_key = {key(t): t for t in drawn}
        for t in preview:
            m = by_key[key(t)]
            assert abs(m["x"] - t["x"]) < 1.5 and abs(m["y"] - t["y"]) < 1.5, (t, m)
        assert console.errors == []
    finally:
        context.close()


def map_after_moving(page: Page) -> list[dict]:
    """The map's drawn clusters and events (pixels from its corner) once it has stopped moving (polled:
    the page's CSP forbids the eval that wait_for_function needs)."""
    for _ in range(100):
        page.wait_for_timeout(100)
        if not page.evaluate("window.__bw.mapMoving()"):
            return page.evaluate("window.__bw.mapTargets()")
    raise AssertionError("the map kept moving")


def test_map_clusters_zoom_in_and_an_event_opens_its_panel(page, console, base_url, dashboard_store):
    open_dashboard(page, base_url)
    targets = page.evaluate("window.__bw.mapTargets()")
    clusters = [t for t in targets if t["kind"] == "cluster"]
    assert clusters and IMPORTED <= sum(t["count"] for t in targets) <= dashboard_store.total
    canvas = page.locator("#map canvas.maplibregl-canvas").bounding_box()
    zoom = page.evaluate("window.__bw.mapZoom()")
    for _ in range(6):  # click the biggest cluster until single events are drawn
        singles = [t for t in targets if t["kind"] == "event" and 30 < t["x"] < canvas["width"] - 60
                   and 30 < t["y"] < canvas["height"] - 30]
        if singles:
            break
        biggest = max((t for t in targets if t["kind"] == "cluster"), key=lambda t: t["count"])
        page.mouse.click(canvas["x"] + biggest["x"], canvas["y"] + biggest["y"])
        targets = map_after_moving(page)
        assert page.evaluate("window.__bw.mapZoom()") > zoom
        zoom = page.evaluate("window.__bw.mapZoom()")
    assert singles, "no single event after zooming into clusters"
    event = singles[0]
    page.mouse.click(canvas["x"] + event["x"], canvas["y"] + event["y"])
    page.wait_for_selector("#detail-title")
    assert query_of(page)["event"] == [event["id"]]
    screenshot(page, "10-map-zoomed")
    assert console.errors == []


def test_filters_update_tables_and_url_and_reload_restores_them(page, base_url, dashboard_store):
    open_dashboard(page, base_url)
    page.select_option("#f-type", "Battles")
    page.select_option("#f-country", "PK")
    battles_pk = shown_count(page)
    assert 0 < battles_pk < dashboard_store.total
    assert query_of(page) == {"type": ["Battles"], "country": ["PK"]}
    types = set(page.locator("#events-body tr td:nth-child(2)").all_inner_texts())
    assert types == {"Battles"}
    csv_href = page.locator("#export-csv").get_attribute("href")
    assert "type=Battles" in csv_href and "country=PK" in csv_href
    exported = page.request.get(f"{base_url}/{csv_href}")
    assert exported.ok and exported.text().count("\n") - 1 == battles_pk
    screenshot(page, "02-filtered")

    page.reload()
    page.wait_for_selector("body[data-ready]", state="attached", timeout=READY_MS)
    assert page.locator("#f-type").input_value() == "Battles"
    assert page.locator("#f-country").input_value() == "PK"
    assert shown_count(page) == battles_pk

    page.locator("#f-reset").click()
    assert shown_count(page) == dashboard_store.total
    assert query_of(page) == {}


def test_table_rows_show_the_filtered_events_after_each_change(page, base_url, dashboard_store):
    # The rows are refilled in place on each change: no cell may keep text of the event it showed before.
    open_dashboard(page, base_url)
    for control, value in (("#f-type", "Battles"), ("#f-contested", "true"), ("#f-contested", ""),
                           ("#f-type", ""), ("#f-country", "AF")):
        page.select_option(control, value)
        rows = page.locator("#events-body tr").evaluate_all(
            "rows => rows.map(r => [r.dataset.event, r.querySelector('button').getAttribute('aria-label'),"
            " ...[...r.cells].map(c => c.textContent)])")
        assert len(rows) == min(shown_count(page), 100)
        assert len({r[0] for r in rows}) == len(rows)
        for event_id, label, day, kind, actor1, actor2, country, deaths, source, flags in rows:
            event = page.request.get(f"{base_url}/api/events/{event_id}").json()
            assert (day, kind, actor1, actor2, country, source) == (
                event["date"] or "undated", event["event_type"], event["actor1"] or "—", event["actor2"] or "—",
                event["country"] or "—", event["source"])
            assert deaths == ("—" if event["fatalities_best"] is None else str(event["fatalities_best"]))
            assert flags == ", ".join(f for f, on in (("contested", event["contested"]),
                                                       ("cross-border", event["cross_border"])) if on)
            assert day in label
            if value and control != "#f-contested":
                assert value in (kind, country)
            if control == "#f-contested" and value == "true":
                assert flags.startswith("contested")


def test_filters_other_than_text_ask_the_server_for_nothing(page, base_url, dashboard_store):
    # Every filter but the text search runs on the loaded points. The address changes with each filter,
    # and a browser asks again for a page icon that is a file at every such change: the icon is inline.
    open_dashboard(page, base_url)
    page.wait_for_timeout(300)  # the map's start-up requests (outlines, worker) are not the filters'
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url))
    for control, value in (("#f-type", "Battles"), ("#f-country", "PK"), ("#f-contested", "true"),
                           ("#f-contested", ""), ("#f-type", "")):
        page.select_option(control, value)
        page.wait_for_timeout(50)
    assert query_of(page) == {"country": ["PK"]}
    assert asked == []


def test_text_search_asks_the_server_and_combines_with_other_filters(page, base_url, dashboard_store):
    open_dashboard(page, base_url + "/?q=checkpoint")
    page.wait_for_selector("#count:has-text('1 of')")
    assert page.locator("#events-body tr").count() == 1
    assert page.locator("#events-body tr").get_attribute("data-event") == dashboard_store.xss


def test_dragging_the_timeline_selects_dates(page, base_url, dashboard_store):
    open_dashboard(page, base_url)
    box = page.locator("#timeline").bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] * 0.3, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.6, y, steps=5)
    page.mouse.up()
    page.wait_for_function("new URLSearchParams(location.search).has('until')")  # written after the redraw
    query = query_of(page)
    assert set(query) == {"since", "until"}
    since, until = query["since"][0], query["until"][0]
    assert since < until
    assert page.locator("#f-since").input_value() == since
    assert 0 < shown_count(page) < dashboard_store.total
    dates = page.locator("#events-body tr td:first-child").all_inner_texts()
    assert all(since <= d <= until for d in dates)
    screenshot(page, "03-brushed")
    page.mouse.click(box["x"] + box["width"] * 0.5, y)  # a click without a drag clears the range
    assert shown_count(page) == dashboard_store.total


def test_event_detail_shows_claims_evidence_and_sources(page, console, base_url, dashboard_store):
    open_dashboard(page, base_url)
    open_event(page, dashboard_store.mir_ali)
    detail = page.locator("#detail")
    assert "Battles" in page.locator("#detail-title").inner_text()
    assert query_of(page)["event"] == [dashboard_store.mir_ali]
    ledger = [row.split("\t") for row in detail.locator("table.ledger tbody tr").all_inner_texts()]
    assert ["killed", "7", "PAK-MIL", "soldiers", "Dawn"] in ledger
    assert any(r[0] == "responsibility" and r[2] == "TTP" for r in ledger)
    evidence = " ".join(detail.locator("mark.evidence").all_inner_texts())
    assert "Seven soldiers were martyred" in evidence
    assert detail.locator("mark.evidence mark.field").count() > 0
    link = detail.locator("ul.sources a")
    assert link.get_attribute("href") == "https://www.dawn.com/news/1900001"
    assert link.get_attribute("rel") == "noopener noreferrer"
    screenshot(page, "04-detail")
    assert console.errors == []


def test_responds_to_chain_is_followable_both_ways(page, base_url, dashboard_store):
    open_dashboard(page, f"{base_url}/?event={dashboard_store.khost}")
    page.wait_for_selector("#detail-title")
    earlier = page.locator(f'#detail ul.chain button[data-event="{dashboard_store.mir_ali}"]')
    assert "2024-03-16" in earlier.inner_text()
    earlier.click()
    page.wait_for_selector("#detail-title:has-text('2024-03-16')")
    assert query_of(page)["event"] == [dashboard_store.mir_ali]
    later = page.locator(f'#detail ul.chain button[data-event="{dashboard_store.khost}"]')
    assert later.count() == 1
    screenshot(page, "05-chain")


def test_keyboard_alone_reaches_an_event_and_back(page, base_url, dashboard_store):
    open_dashboard(page, base_url)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    for _ in range(12):  # the tabs, export links and sort buttons come before the first row
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('row-open')"):
            break
    focused = page.evaluate("document.activeElement.closest('tr')?.dataset.event")
    assert focused is not None
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.press("Enter")
    page.wait_for_selector("#detail-title")
    assert page.evaluate("document.activeElement.id") == "detail-title"
    screenshot(page, "06-keyboard-detail")
    page.keyboard.press("Escape")
    assert page.locator("#detail").is_hidden()
    assert page.evaluate("document.activeElement.closest('tr').dataset.event") == focused
    assert "event" not in query_of(page)
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "f-q"


def test_claims_table_follows_the_filters(page, base_url, dashboard_store):
    open_dashboard(page, base_url)
    page.locator("#tab-claims").click()
    page.wait_for_selector("#claims-body tr")
    claimants = set(page.locator("#claims-body tr td:nth-child(4)").all_inner_texts())
    assert {"PAK-MIL", "AFG-TALIBAN", "PAK-POL"} <= claimants
    page.select_option("#f-type", "Explosions/Remote violence")
    page.wait_for_selector("#claims-summary:has-text('1 of 1')")
    assert page.locator("#claims-body tr td:nth-child(4)").all_inner_texts() == ["AFG-TALIBAN"]
    assert query_of(page)["tab"] == ["claims"]
    screenshot(page, "07-claims")


def test_article_payloads_stay_text(page, console, base_url, dashboard_store):
    open_dashboard(page, base_url)
    open_event(page, dashboard_store.xss)
    detail = page.locator("#detail")
    sources = detail.locator("ul.sources").inner_text()
    assert "<script>window.__xss=1;document.title='pwned'</script>" in sources
    assert '<img src=x onerror="window.__xss=2">' in sources
    assert "javascript:window.__xss=3" in detail.locator(".url-text").inner_text()
    article = detail.locator(".article").inner_text()
    assert "<script>window.__xss=4</script>" in article and 'onerror="window.__xss=5"' in article
    hrefs = detail.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert all(h.startswith(("http://", "https://")) for h in hrefs)
    page.wait_for_timeout(300)  # give an injected image's onerror time to fire, were there one
    assert page.evaluate("window.__xss") is None
    assert page.title() == PAGE_TITLE
    assert page.evaluate("document.querySelectorAll('img[src=\"x\"], script:not([src])').length") == 0
    screenshot(page, "08-payloads-as-text")
    assert not [e for e in console.errors if "Content Security Policy" in e]
    assert console.errors == []


def test_without_webgl_the_map_says_so_and_the_rest_works(browser, base_url, dashboard_store):
    context = browser.new_context(viewport=VIEWPORT)
    # Runs before the page's scripts (through DevTools, so the CSP does not apply): no WebGL contexts.
    context.add_init_script("""(() => {
      const original = HTMLCanvasElement.prototype.getContext;
      HTMLCanvasElement.prototype.getContext = function (kind, ...rest) {
        return /webgl/i.test(kind) ? null : original.call(this, kind, ...rest);
      };
    })();""")
    page = context.new_page()
    try:
        open_dashboard(page, base_url)
        assert "WebGL" in page.locator("#map-message").inner_text()
        assert page.locator("#map canvas").count() == 0
        assert page.evaluate("window.__bw.mapPath") == "none"
        # the preview stays, a picture of the filtered events
        assert page.locator("#map-preview").is_visible()
        everything = sum(t["count"] for t in page.evaluate("window.__bw.previewTargets()"))
        assert everything >= IMPORTED
        page.select_option("#f-contested", "true")
        assert 0 < shown_count(page) < dashboard_store.total
        assert 0 < sum(t["count"] for t in page.evaluate("window.__bw.previewTargets()")) < everything
        open_event(page, page.locator("#events-body tr").first.get_attribute("data-event"))
        assert page.locator("#detail-title").is_visible()
        screenshot(page, "09-no-webgl")
    finally:
        context.close()


def test_unknown_event_in_a_shared_link_says_so(page, base_url):
    open_dashboard(page, f"{base_url}/?event=ev-does-not-exist")
    page.wait_for_selector("#detail-title:has-text('Event not found')")
    assert "ev-does-not-exist" in page.locator("#detail").inner_text()


# ------------------------------------------------------------------------------- the shipped assets


@pytest.fixture
def build_script():
    with loaded("scripts/build_web_assets.py") as module:
        yield module


def test_vendored_files_are_what_the_build_script_pins(build_script):
    script = build_script
    recorded = json.loads((STATIC / "vendor" / "VERSIONS.json").read_text(encoding="utf-8"))["packages"]
    assert [(p["name"], p["version"], p["license"], p["integrity"]) for p in recorded] == [
        (pin.name, pin.version, pin.license, pin.integrity) for pin in script.PINS]
    listed = {f for p in recorded for f in p["files"]} | {"VERSIONS.json"}
    on_disk = {p.relative_to(STATIC / "vendor").as_posix() for p in (STATIC / "vendor").rglob("*") if p.is_file()}
    assert on_disk == listed
    outlines = REPO / "src" / "borderwatch" / "theatres" / "afpak" / "outlines.geojson"
    assert (STATIC / "outlines.geojson").read_bytes() == outlines.read_bytes()


def test_the_page_loads_only_local_files_and_no_inline_script():
    html = (STATIC / "index.html").read_text(encoding="utf-8")
    refs = re.findall(r'(?:src|href)="([^"#]+)"', html)
    inline = [ref for ref in refs if ref.startswith("data:")]
    assert inline == [ref for ref in inline if ref.startswith("data:image/png;base64,")]  # the icon only
    files = [ref for ref in refs if ref not in inline]
    assert files and all((STATIC / ref.removeprefix("static/")).is_file() for ref in files)
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert not re.search(r"\son[a-z]+=", html)
    assert not re.search(r"\sstyle=", html)
    for module in STATIC.glob("*.js"):
        assert ".innerHTML" not in module.read_text(encoding="utf-8"), module.name
