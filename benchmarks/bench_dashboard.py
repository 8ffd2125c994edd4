"""The dashboard with 100,000 events: first paint and filter latency in headless Chromium.

    python benchmarks/bench_dashboard.py [--events 100000] [--seed 7] [--filters 12] [--keep DIR]

1. Builds a store of `--events` generated events (seeded; 2005-2025, Pakistan and Afghanistan, both
   imported-dataset sources, a spread of types, actors, fatalities and flags) with `Store.add_events`.
2. Serves it with the project's web app (`borderwatch.web.create_app`) on 127.0.0.1 in a thread.
3. Opens the dashboard in Debian's Chromium (software WebGL through SwiftShader) and reads
   `window.__bw_first_paint`: milliseconds from navigation to the frame that shows the first view with
   every event (points loaded, timeline and table drawn, the events on the map's preview canvas, or on
   the map when MapLibre is up first); `window.__bw_ready`, when the interactive map is idle after
   drawing them; and the page's performance marks that split both (map library loaded, points loaded,
   first view, first paint, map style loaded, ready).
4. Changes `--filters` filters one at a time (type, country, actor, flags, dates, back to all) and
   times each from the change event to the next frame after the timeline and table are redrawn and the
   URL written (`filter`), and, apart, until the map has regrouped its clusters and drawn (`map`). Each
   change starts from a page at rest: after the map of the step before has settled, the browser has begun
   frames at its normal pace again (two frame intervals under 25 ms), so the GPU process has finished
   drawing that map. Printed beside it, not judged: the time until the browser begins the frame after the
   redrawn one, and the same steps run back to back (each change as soon as the map before has settled,
   the benchmark's definition until 2026-11-22, which also charges each step with the compositing of the
   one before).
5. Prints PASS/MISS against 2 s (first paint) and 200 ms (median and p95 of `filter`). Exit status 0
   either way: the figures are the result. The map figure is printed, not judged: MapLibre tiles and
   draws after the frame, and SwiftShader draws on the CPU.
"""

from __future__ import annotations

import argparse
import random
import socket
import statistics
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

from borderwatch.model import DateRange, Event, EventSource, Place, Precision
from borderwatch.store import open_store

TARGET_FIRST_PAINT_MS = 2000.0
TARGET_FILTER_MS = 200.0
CHROMIUM = "/usr/bin/chromium"
# Software GL: headless machines have no GPU; SwiftShader gives MapLibre a WebGL context on the CPU.
CHROMIUM_ARGS = ["--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--ignore-gpu-blocklist",
                 "--no-sandbox"]
VIEWPORT = {"width": 1440, "height": 900}

TYPES = (("Battles", "Armed clash", 0.45), ("Explosions/Remote violence", "Air/drone strike", 0.35),
         ("Violence against civilians", "Attack", 0.15), ("Strategic developments", "Other", 0.05))
ACTORS = ("PAK-MIL", "TTP", "AFG-TALIBAN", "ISKP", "HGB", "BLA", "TJP", "PAK-POLICE", "LEJ", "FC-KP",
          "CIV-PAK", "CIV-AFG", "JUA", "AQ", "ETIM")
# (country, admin1, lon, lat, spread in degrees): places near the border, where events cluster.
AREAS = (("PK", "Khyber Pakhtunkhwa", 71.0, 33.4, 1.2), ("PK", "Balochistan", 66.8, 29.8, 1.8),
         ("AF", "Nangarhar", 70.4, 34.3, 0.6), ("AF", "Khost", 69.9, 33.4, 0.4),
         ("AF", "Kunar", 71.1, 34.9, 0.4), ("AF", "Kandahar", 65.7, 31.6, 0.8), ("PK", "Punjab", 73.0, 31.5, 1.5))
FIRST_DAY = date(2005, 1, 1)
DAYS = (date(2025, 12, 31) - FIRST_DAY).days


def generated_events(n: int, seed: int):
    """`n` imported events, seeded: the same seed gives the same store."""
    rng = random.Random(seed)
    weights = [w for _, _, w in TYPES]
    for k in range(n):
        event_type, sub_type, _ = rng.choices(TYPES, weights)[0]
        country, admin1, lon, lat, spread = rng.choice(AREAS)
        day = FIRST_DAY + timedelta(days=int(DAYS * rng.random() ** 0.6))  # more events in later years
        place = Place(id=f"bench-{k}", name=f"Place {k % 997}", country=country, admin1=admin1, admin2=None,
                      lat=round(lat + rng.gauss(0, spread / 2), 4), lon=round(lon + rng.gauss(0, spread / 2), 4),
                      precision=rng.choice((1, 1, 2, 3)))
        best = int(rng.expovariate(1 / 4)) if rng.random() < 0.8 else None
        high = None if best is None else best + rng.randint(0, 5)
        cross = rng.random() < 0.08
        source = EventSource.UCDP if k % 3 else EventSource.ACLED
        yield Event(
            id=f"{source.value}-{k}", event_type=event_type, sub_event_type=sub_type,
            date=DateRange(day, day, Precision.DAY), place=place, country=country,
            actor1=rng.choice(ACTORS), actor2=rng.choice(ACTORS) if rng.random() < 0.7 else None,
            fatalities_low=best, fatalities_best=best, fatalities_high=high,
            contested=rng.random() < 0.1, origin_country=("AF" if country == "PK" else "PK") if cross else country,
            impact_country=country, source=source, source_id=str(k))


def build_store(path: Path, n: int, seed: int) -> float:
    started = time.perf_counter()
    with open_store(path) as store:
        store.add_events(generated_events(n, seed))
    return time.perf_counter() - started


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(db: Path) -> tuple[str, object]:
    """Start the web app on a free local port in a daemon thread; returns its base URL and server."""
    import uvicorn

    from borderwatch.web import create_app

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the web app did not start within 30 s")
        time.sleep(0.05)
    return f"http://127.0.0.1:{port}/", server


# Runs in the page: change one filter control, then wait for the frame after the redraw. Reads
# window.__bw (set by app.js); evaluated through the DevTools protocol, which the page's CSP allows.
# With `settle`, the change first waits for a page at rest, as a person's next choice finds it: Chromium
# begins no frame while the GPU process still draws the one before (in SwiftShader a frame with the map
# takes 60 to 230 ms to draw), so two frame intervals in a row under QUIET_FRAME_MS mean nothing of the
# step before is still being drawn. The change then comes in a task of its own, as an input event does.
CHANGE_FILTER = """async ([id, value, settle]) => {
  const QUIET_FRAME_MS = 25;
  if (settle) {
    const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
    let last = await frame();
    for (let quiet = 0, k = 0; quiet < 2 && k < 120; k++) {
      const now = await frame();
      quiet = now - last < QUIET_FRAME_MS ? quiet + 1 : 0;
      last = now;
    }
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  const control = document.getElementById(id);
  const seq = window.__bw.filters;
  const t0 = performance.now();
  control.value = value;
  control.dispatchEvent(new Event('change', {bubbles: true}));
  await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
  const t1 = performance.now();
  await new Promise((resolve) => requestAnimationFrame(resolve));
  const t2 = performance.now();
  const deadline = t1 + 60000;
  while (window.__bw.mapSettled <= seq && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return {filter: t1 - t0, shown: t2 - t0, map: performance.now() - t0, count: window.__bw.lastCount,
          own: window.__bw.lastFilterMs, stages: window.__bw.lastStages};
}"""


def filter_steps(k: int) -> list[tuple[str, str]]:
    steps = [("f-type", "Battles"), ("f-country", "PK"), ("f-actor", "TTP"), ("f-contested", "true"),
             ("f-contested", ""), ("f-cross_border", "true"), ("f-since", "2015-01-01"),
             ("f-until", "2019-12-31"), ("f-actor", ""), ("f-country", ""), ("f-type", ""),
             ("f-cross_border", ""), ("f-since", ""), ("f-until", "")]
    return [steps[i % len(steps)] for i in range(k)]


def measure(url: str, filters: int) -> dict:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport=VIEWPORT)
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(url)
        page.wait_for_selector("body[data-ready]", state="attached", timeout=120_000)
        probe = page.evaluate("() => ({paint: window.__bw_first_paint, ready: window.__bw_ready,"
                              " map: !document.getElementById('map-message').hidden,"
                              " count: window.__bw.lastCount, entries: performance.getEntriesByType('resource')"
                              ".filter(e => e.name.includes('events/points')).map(e => e.duration),"
                              " marks: Object.fromEntries(performance.getEntriesByType('mark')"
                              ".map(m => [m.name, m.startTime]))})")
        runs = [page.evaluate(CHANGE_FILTER, [*step, True]) | {"step": step} for step in filter_steps(filters)]
        back_to_back = [page.evaluate(CHANGE_FILTER, [*step, False])["filter"] for step in filter_steps(filters)]
        browser.close()
    return {"probe": probe, "runs": runs, "back_to_back": back_to_back, "errors": errors}


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def report(n: int, build_s: float, result: dict) -> None:
    probe, runs = result["probe"], result["runs"]
    print(f"store: {n:,} events, built in {build_s:.1f} s")
    points_ms = ", ".join(f"{d:.0f}" for d in probe["entries"]) or "?"
    print(f"first paint: {probe['paint']:.0f} ms for {probe['count']:,} events "
          f"(/api/events/points took {points_ms} ms); interactive map drawn at {probe['ready']:.0f} ms"
          f"{'; map unavailable' if probe['map'] else ''}")
    marks = " ".join(f"{name.removeprefix('bw-')} {at:.0f}" for name, at in sorted(probe["marks"].items(),
                                                                                 key=lambda m: m[1]))
    print(f"  page marks (ms from navigation): {marks}")
    for r in runs:
        control, value = r["step"]
        stages = " ".join(f"{k} {v:.0f}" for k, v in r["stages"].items())
        print(f"  {control[2:]:>13} = {value or '(any)':<12} {r['count']:>7,} events  filter {r['filter']:6.1f} ms"
              f"  (own code {r['own']:5.1f} ms: {stages})  map settled {r['map']:7.1f} ms")
    filt = [r["filter"] for r in runs]
    maps = [r["map"] for r in runs]
    print(f"filter: median {statistics.median(filt):.1f} ms, p95 {p95(filt):.1f} ms; "
          f"map settled: median {statistics.median(maps):.0f} ms, p95 {p95(maps):.0f} ms")
    shown = [r["shown"] for r in runs]
    print(f"filter until the frame after it begins (not judged): median {statistics.median(shown):.1f} ms, "
          f"p95 {p95(shown):.1f} ms")
    quick = result["back_to_back"]
    print(f"filter, steps back to back (not judged): median {statistics.median(quick):.1f} ms, p95 {p95(quick):.1f} ms")
    for e in result["errors"]:
        print(f"page error: {e}")
    paint_ok = probe["paint"] <= TARGET_FIRST_PAINT_MS
    filter_ok = statistics.median(filt) <= TARGET_FILTER_MS and p95(filt) <= TARGET_FILTER_MS
    print(f"VERDICT first paint {verdict(paint_ok)} ({probe['paint']:.0f} ms vs {TARGET_FIRST_PAINT_MS:.0f} ms); "
          f"filter {verdict(filter_ok)} (p95 {p95(filt):.1f} ms vs {TARGET_FILTER_MS:.0f} ms)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--filters", type=int, default=14)
    parser.add_argument("--keep", type=Path, help="build the store in this folder and keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bw-bench-dashboard-") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        db = folder / "dashboard.db"
        build_s = build_store(db, args.events, args.seed) if not db.exists() else 0.0
        url, server = serve(db)
        try:
            result = measure(url, args.filters)
        finally:
            server.should_exit = True
        report(args.events, build_s, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
