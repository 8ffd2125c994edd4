"""API latency on a large store: filtered event pages, counts and the columnar points.

Builds (once; cached under --keep) a store of synthetic imported events (default 1,000,000) through
`Store.add_events`, starts the real server (uvicorn, 127.0.0.1, a free port), and times a seeded mix of
filtered /api/events queries (first pages and next pages, every order; once the server has prepared the
dashboard's points, which it does when it starts), then /api/events/points for
about 100,000 events. Prints p50 / p95 / p99 and a PASS / MISS verdict against the targets; exits 0
either way.

    .venv/bin/python benchmarks/bench_api.py --keep /tmp/bw-bench        # build once, reuse after
    .venv/bin/python benchmarks/bench_api.py --events 50000 --queries 100  # a quick look
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))  # run as a script: its helpers sit beside it

from server_process import start_server  # noqa: E402

from borderwatch.model import DateRange, Event, EventSource, Place, Precision  # noqa: E402
from borderwatch.store import open_store  # noqa: E402

TARGET_P95_MS = 50.0
TARGET_POINTS_S = 1.0
ACTORS = ("PAK-MIL", "TTP", "AFG-TAL", "ISKP", "PAK-POL", "BLA", "CIV-PAK", "CIV-AFG", "AFG-MIL", "LEJ",
          *(f"GROUP-{i:02d}" for i in range(40)))
TYPES = (("Battles", "Armed clash"), ("Explosions/Remote violence", "Air/drone strike"),
         ("Explosions/Remote violence", "Remote explosive/landmine/IED"), ("Violence against civilians", "Attack"),
         ("Strategic developments", "Arrests"))
COUNTRIES = ("PK", "PK", "PK", "AF", "AF", "IR")
PROVINCES = ("Khyber Pakhtunkhwa", "Balochistan", "Punjab", "Sindh", "Khost", "Paktika", "Kunar", "Nangarhar",
             "Kandahar", "Helmand", "Sistan and Baluchestan", "Gilgit-Baltistan")
FIRST_DAY, DAYS = date(2005, 1, 1), 7300


def synthetic_events(n: int, seed: int = 1, first: int = 0):
    """Imported events shaped like a long conflict record: a few actors in most events (Pareto), most
    events day-precise, some month- or year-precise, tolls skewed, a few contested or cross-border."""
    rng = random.Random(seed)
    for i in range(first, first + n):
        day = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
        precision = rng.choices((Precision.DAY, Precision.MONTH, Precision.YEAR), (16, 3, 1))[0]
        end = day + timedelta(days={Precision.DAY: 0, Precision.MONTH: 30, Precision.YEAR: 364}[precision])
        country = rng.choice(COUNTRIES)
        event_type, sub_type = rng.choice(TYPES)
        best = rng.choice((None, 0, 1, 1, 2, 3, 5, 8, 13, 30, 80))
        cross = rng.random() < 0.03
        town = rng.randrange(3000)
        yield Event(
            id=f"bench-{i:07d}", event_type=event_type, sub_event_type=sub_type, date=DateRange(day, end, precision),
            place=Place(id=f"bench:{town}", name=f"Town {town}", country=country,
                        admin1=PROVINCES[town % len(PROVINCES)], admin2=f"District {town % 300}",
                        lat=25 + rng.random() * 12, lon=60 + rng.random() * 15, precision=1),
            country=country, actor1=ACTORS[min(int(rng.paretovariate(1.1)) - 1, len(ACTORS) - 1)],
            actor2=rng.choice((*ACTORS[:12], None)), fatalities_low=best, fatalities_best=best,
            fatalities_high=None if best is None else best * 2, contested=rng.random() < 0.05,
            origin_country="AF" if cross else None, impact_country="PK" if cross else None,
            source=rng.choice((EventSource.UCDP, EventSource.ACLED)), source_id=str(i))


def build_store(path: Path, n: int) -> None:
    if path.exists():
        print(f"reusing {path}")
        return
    started = time.perf_counter()
    partial = path.with_suffix(".partial")
    for leftover in partial.parent.glob(partial.name + "*"):
        leftover.unlink()
    with open_store(partial) as store:
        done = 0
        for chunk_start in range(0, n, 100_000):
            chunk = list(synthetic_events(min(100_000, n - chunk_start), seed=chunk_start + 1, first=chunk_start))
            store.add_events(chunk, batch=20_000)
            done += len(chunk)
            print(f"  {done:,} events stored, {time.perf_counter() - started:.0f} s", flush=True)
    partial.rename(path)
    for suffix in ("-wal", "-shm"):
        Path(str(partial) + suffix).unlink(missing_ok=True)
    print(f"built {path} with {n:,} events in {time.perf_counter() - started:.0f} s")


def query_mix(n: int, seed: int = 7) -> list[dict]:
    """Filters as an analyst combines them: a country, an actor or two, a type, a date window, flags,
    a search word; one to three at a time, every order."""
    rng = random.Random(seed)
    makers = [
        lambda: {"country": rng.choice(("PK", "AF", "IR"))},
        lambda: {"actor": rng.choice(ACTORS[:20])},
        lambda: {"actor1": rng.choice(ACTORS)},
        lambda: {"actor2": rng.choice(ACTORS[:12])},
        lambda: {"dyad": f"{rng.choice(ACTORS[:6])},{rng.choice(ACTORS[:6])}"},
        lambda: {"type": rng.choice(TYPES)[0]},
        lambda: {"sub_type": rng.choice(TYPES)[1]},
        lambda: {"admin1": rng.choice(PROVINCES)},
        lambda: {"source": rng.choice(("ucdp", "acled"))},
        lambda: {"contested": "true"},
        lambda: {"cross_border": "true"},
        lambda: _window(rng),
        lambda: {"q": f"town {rng.randrange(3000)}"},
    ]
    mix = []
    for _ in range(n):
        params: dict = {}
        for make in rng.sample(makers, rng.choice((1, 1, 2, 2, 3))):
            params.update(make())
        params["sort"] = rng.choice(("-date", "-date", "-date", "date", "-fatalities", "fatalities"))
        params["limit"] = rng.choice((50, 100, 100, 500))
        mix.append(params)
    return mix


def _window(rng: random.Random) -> dict:
    start = FIRST_DAY + timedelta(days=rng.randrange(DAYS - 400))
    return {"since": start.isoformat(), "until": (start + timedelta(days=rng.choice((7, 31, 92, 365)))).isoformat()}


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--keep", type=Path, help="folder to keep the built store in (and reuse from)")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bw-bench-api-"))
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / f"bench_api_{args.events}.db"
    build_store(db, args.events)
    server, url = start_server(db)
    try:
        with httpx.Client(base_url=url, timeout=60) as client:
            # The server starts by preparing every event's points for the dashboard, in a thread beside
            # the requests (about 25 s for 1,000,000 events): ask for them first, as a dashboard does, so
            # the pages are timed on a server that has finished starting.
            started = time.perf_counter()
            assert client.get("/api/events/points.bin").status_code == 200
            print(f"server start-up: every event's points ready after {time.perf_counter() - started:.1f} s")
            run(client, args.queries, args.events)
    finally:
        server.terminate()
        server.wait(timeout=10)


def run(client: httpx.Client, queries: int, events: int) -> None:
    timings: dict[str, list[float]] = {"first page": [], "next page": [], "count": []}
    slowest: list[tuple[float, str, str]] = []  # (ms, first/next, the URL asked)
    for params in query_mix(queries):
        started = time.perf_counter()
        page = client.get("/api/events", params=params)
        elapsed = (time.perf_counter() - started) * 1000
        assert page.status_code == 200, page.text
        timings["first page"].append(elapsed)
        slowest.append((elapsed, "first", str(page.url)))
        cursor = page.json()["next_cursor"]
        if cursor:
            started = time.perf_counter()
            page = client.get("/api/events", params={**params, "cursor": cursor})
            elapsed = (time.perf_counter() - started) * 1000
            assert page.status_code == 200, page.text
            timings["next page"].append(elapsed)
            slowest.append((elapsed, "next", str(page.url)))
    for params in query_mix(max(20, queries // 10), seed=11):
        params.pop("sort"), params.pop("limit")
        started = time.perf_counter()
        assert client.get("/api/events/count", params=params).status_code == 200
        timings["count"].append((time.perf_counter() - started) * 1000)
    pages = timings["first page"] + timings["next page"]
    print(f"\n/api/events on {events:,} events: {len(pages)} filtered pages (first and next)")
    for name, values in (("all pages", pages), *timings.items()):
        print(f"  {name:11s} n={len(values):4d}  p50 {percentile(values, 50):7.1f} ms  p95 "
              f"{percentile(values, 95):7.1f} ms  p99 {percentile(values, 99):7.1f} ms  max {max(values):7.1f} ms")
    # the pages above p95 (5% of them, at least 5): which queries make the tail
    print("  slowest pages:")
    for elapsed, kind, asked in sorted(slowest, key=lambda s: -s[0])[:max(5, len(pages) // 20)]:
        print(f"    {elapsed:7.1f} ms  {kind:5s}  {asked.removeprefix(str(client.base_url))}")
    p95 = percentile(pages, 95)
    print(f"PASS: p95 {p95:.1f} ms <= {TARGET_P95_MS:.0f} ms" if p95 <= TARGET_P95_MS
          else f"MISS: p95 {p95:.1f} ms > {TARGET_P95_MS:.0f} ms")
    # about 100,000 events for the dashboard's one bulk request: a tenth of the store by date
    share = max(1, round(DAYS * 100_000 / max(events, 1)))
    window = {"since": (FIRST_DAY + timedelta(days=DAYS - share)).isoformat()}
    started = time.perf_counter()
    response = client.get("/api/events/points", params=window)
    seconds = time.perf_counter() - started
    n = response.json()["n"]
    print(f"\n/api/events/points: {n:,} events, {len(response.content) / 1e6:.1f} MB in {seconds:.2f} s")
    print(f"PASS: {seconds:.2f} s <= {TARGET_POINTS_S:.1f} s" if seconds <= TARGET_POINTS_S
          else f"MISS: {seconds:.2f} s > {TARGET_POINTS_S:.1f} s")


if __name__ == "__main__":
    main()
