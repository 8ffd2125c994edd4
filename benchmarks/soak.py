"""`make soak` (minutes, not in CI): ingest a long stream of documents while the API serves reads.

Starts `borderwatch serve` in its own process on 127.0.0.1 over a new store, starts reader processes that
request a mix of API pages as fast as they get answers, and meanwhile ingests a seeded stream of
generated ~3 KB articles (benchmarks/corpus.py, 50,000 by default) in this process through the library's
`ingest_documents`. Prints, at intervals, documents stored, the rate and the resident memory of the
ingest and of the server; at the end, read errors (target 0), p50 / p99 read latency, memory growth
after warm-up (target flat), the store's own check, and a PASS / MISS verdict (exit 0 / 1).

    .venv/bin/python benchmarks/soak.py                      # 50,000 documents
    .venv/bin/python benchmarks/soak.py --documents 5000     # a quick look
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))  # run as a script: `corpus` sits beside us

from corpus import generate_articles, jsonl_line  # noqa: E402
from server_process import start_server  # noqa: E402

from borderwatch.ingest.jsonl import parse_jsonl_line  # noqa: E402
from borderwatch.model import Document  # noqa: E402
from borderwatch.pipeline import ingest_documents  # noqa: E402
from borderwatch.store import open_store  # noqa: E402

# What the readers ask for, round-robin: the dashboard's first requests and the analyst's filters.
READS = ("/api/events?limit=50", "/api/events/count", "/api/events?country=PK&limit=20",
         "/api/events?actor=TTP&sort=-fatalities&limit=20", "/api/stats/timeline", "/api/documents?limit=20",
         "/api/claims?limit=20", "/api/events/points?since=2020-01-01")
# Memory is compared from the end of warm-up (caches filled, the store's page cache at its bound) on:
# "flat" allows this much growth over the rest of the run, whichever is larger.
WARM_UP_SHARE = 0.2
FLAT_GROWTH_MB = 48.0
FLAT_GROWTH_SHARE = 0.10
REQUEST_TIMEOUT_S = 30.0


@dataclass(slots=True)
class ReadSummary:
    requests: int = 0
    errors: int = 0
    examples: list[str] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)


@dataclass(slots=True)
class MemorySample:
    documents: int
    seconds: float
    ingest_mb: float | None
    server_mb: float | None


def resident_mb(pid: int | str = "self") -> float | None:
    """Resident set size from /proc (Linux); None elsewhere."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def read_until_stopped(url: str, offset: int, stop, results) -> None:
    """A reader process: request READS in turn until `stop` is set, then put a ReadSummary's fields."""
    summary = ReadSummary()
    with httpx.Client(base_url=url, timeout=REQUEST_TIMEOUT_S) as client:
        i = offset
        while not stop.is_set():
            path = READS[i % len(READS)]
            i += 1
            started = time.perf_counter()
            try:
                response = client.get(path)
                ok = response.status_code == 200
                problem = f"{path}: HTTP {response.status_code} {response.text[:120]}"
            except httpx.HTTPError as e:
                ok, problem = False, f"{path}: {type(e).__name__} {e}"
            summary.latencies_ms.append((time.perf_counter() - started) * 1000)
            summary.requests += 1
            if not ok:
                summary.errors += 1
                if len(summary.examples) < 5:
                    summary.examples.append(problem)
    results.put((summary.requests, summary.errors, summary.examples, summary.latencies_ms))


def document_stream(count: int, seed: int):
    """The generated articles as Documents, one at a time: the stream never sits in memory whole."""
    for article in generate_articles(count, seed):
        yield parse_jsonl_line(jsonl_line(article).encode("utf-8"), "soak")


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def growth_verdict(samples: list[MemorySample], attribute: str, documents: int) -> tuple[str, bool]:
    """'+12.3 MB after warm-up (210.0 -> 222.3)' and whether that counts as flat."""
    warm = [s for s in samples if s.documents >= documents * WARM_UP_SHARE and getattr(s, attribute)]
    if len(warm) < 2:
        return "not measured (too few samples or no /proc)", True
    first, last = getattr(warm[0], attribute), getattr(warm[-1], attribute)
    growth = last - first
    flat = growth <= max(FLAT_GROWTH_MB, FLAT_GROWTH_SHARE * first)
    return f"{growth:+.1f} MB after warm-up ({first:.1f} -> {last:.1f} MB)", flat


def ingest_with_samples(db: Path, documents: int, seed: int, every: int, server_pid: int
                        ) -> tuple[object, list[MemorySample]]:
    samples: list[MemorySample] = []
    done = [0]
    started = time.perf_counter()

    def on_document(_doc: Document) -> None:
        done[0] += 1
        if done[0] % every == 0 or done[0] == documents:
            elapsed = time.perf_counter() - started
            sample = MemorySample(done[0], elapsed, resident_mb(), resident_mb(server_pid))
            samples.append(sample)
            print(f"{sample.documents:>8} documents  {elapsed:7.1f} s  {sample.documents / elapsed:6.0f}/s  "
                  f"ingest RSS {sample.ingest_mb or 0:7.1f} MB  server RSS {sample.server_mb or 0:7.1f} MB",
                  flush=True)

    with open_store(db) as store:
        summary = ingest_documents(document_stream(documents, seed), store, on_document=on_document)
    return summary, samples


def soak(documents: int, seed: int, readers: int, every: int, folder: Path) -> bool:
    db = folder / "soak.db"
    open_store(db).close()  # the schema, so the server has a store to open
    server, url = start_server(db)
    context = multiprocessing.get_context("spawn")
    stop, results = context.Event(), context.Queue()
    workers = [context.Process(target=read_until_stopped, args=(url, i * 3, stop, results))
               for i in range(readers)]
    try:
        for worker in workers:
            worker.start()
        print(f"soak: {documents} documents into {db}, {readers} readers on {url}", flush=True)
        summary, samples = ingest_with_samples(db, documents, seed, every, server.pid)
        stop.set()
        reads = ReadSummary()
        for _ in workers:
            requests, errors, examples, latencies = results.get(timeout=120)
            reads.requests += requests
            reads.errors += errors
            reads.examples.extend(examples)
            reads.latencies_ms.extend(latencies)
        for worker in workers:
            worker.join(timeout=30)
        server_alive = server.poll() is None
    finally:
        stop.set()
        server.terminate()
        server.wait(timeout=20)
    with open_store(db) as store:
        problems = store.check()
        counts = store.counts()
    return report(summary, samples, reads, problems, counts, documents, server_alive)


def report(summary, samples: list[MemorySample], reads: ReadSummary, problems: list[str], counts: dict,
           documents: int, server_alive: bool) -> bool:
    ingest_growth, ingest_flat = growth_verdict(samples, "ingest_mb", documents)
    server_growth, server_flat = growth_verdict(samples, "server_mb", documents)
    p50, p99 = percentile(reads.latencies_ms, 0.50), percentile(reads.latencies_ms, 0.99)
    mean = statistics.fmean(reads.latencies_ms) if reads.latencies_ms else float("nan")
    print(f"ingest: {summary.line()}")
    print(f"store: {json.dumps(counts)}; check: {'sound' if not problems else problems[:5]}")
    print(f"reads: {reads.requests} requests, {reads.errors} errors (target 0); latency p50 {p50:.1f} ms, "
          f"p99 {p99:.1f} ms, mean {mean:.1f} ms, max {max(reads.latencies_ms, default=float('nan')):.1f} ms")
    for example in reads.examples[:5]:
        print(f"  error: {example}")
    print(f"memory: ingest {ingest_growth}; server {server_growth} (target flat: at most "
          f"{FLAT_GROWTH_MB:.0f} MB or {FLAT_GROWTH_SHARE:.0%})")
    passed = (reads.errors == 0 and reads.requests > 0 and not problems and ingest_flat and server_flat
              and server_alive and summary.failed == 0 and counts.get("documents") == documents)
    print(f"verdict: {'PASS' if passed else 'MISS'}")
    return passed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=50_000,
                        help="documents in the stream (default 50000)")
    parser.add_argument("--seed", type=int, default=7, help="seed of the generated articles")
    parser.add_argument("--readers", type=int, default=2, help="reader processes hitting the API")
    parser.add_argument("--every", type=int, default=None, help="documents between progress lines "
                        "(default: a twentieth of the stream)")
    parser.add_argument("--keep", type=Path, default=None, help="a folder to keep the store in (default: a "
                        "temporary one, removed at the end)")
    args = parser.parse_args()
    every = args.every or max(1, args.documents // 20)
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=True)
        (args.keep / "soak.db").unlink(missing_ok=True)
        passed = soak(args.documents, args.seed, args.readers, every, args.keep)
    else:
        with tempfile.TemporaryDirectory(prefix="borderwatch-soak-") as folder:
            passed = soak(args.documents, args.seed, args.readers, every, Path(folder))
    raise SystemExit(0 if passed else 1)


if __name__ == "__main__":
    main()
