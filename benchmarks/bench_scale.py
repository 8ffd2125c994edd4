"""`make bench`: single process against Dask with 2 workers on one generated corpus; speed and memory.

    python benchmarks/bench_scale.py [--articles 100000] [--workers 2] [--seed 11] [--keep DIR]
                                     [--engines local,dask]

1. Generates the corpus (benchmarks/corpus.py, ~3 KB articles, seeded; written once and reused with
   --keep).
2. Ingests it single-process (`pipeline.ingest_paths`) and with the Dask engine (`dask_ingest`, a
   LocalCluster of `--workers` single-threaded processes), each in its own subprocess and into its own
   fresh SQLite store, so each peak memory figure belongs to that run.
3. Prints articles/s for both, the speed-up, the Dask run's split (parallel extraction, then the ordered
   load into the store, which is one process by design), the client's peak RSS and each worker's.
   The figures are the result; the exit status is 0 either way. docs/scaling.md discusses them.
   `--engines local` or `--engines dask` runs one of the two (each takes most of an hour at 100,000 on a
   2-core machine), so they can be measured in separate sittings on the same kept corpus.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # run as a script: `corpus` sits beside us

from corpus import write_corpus  # noqa: E402

_CHILD = """
import json, resource, sys, time
from borderwatch.store import open_store
from borderwatch.theatre import load_theatre
corpus, db, engine, workers = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
load_theatre()
started = time.perf_counter()
with open_store(db) as store:
    if engine == "local":
        from borderwatch.pipeline import ingest_paths
        summary = ingest_paths([corpus], store)
        extra = {}
    else:
        from borderwatch.dask_ingest import ingest_with_dask
        result = ingest_with_dask([corpus], store, workers=workers)
        summary = result.ingest
        extra = {"extract_seconds": result.extract_seconds, "load_seconds": result.load_seconds,
                 "tasks": result.tasks, "workers": result.workers,
                 "worker_peak_kib": result.peak_rss_kib_by_worker}
    counts = store.counts()
print(json.dumps({"seconds": time.perf_counter() - started, "read": summary.read, "added": summary.added,
                  "failed": summary.failed, "events": counts.get("events", 0),
                  "peak_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, **extra}))
"""


def run(corpus: Path, db: Path, engine: str, workers: int) -> dict:
    out = subprocess.run([sys.executable, "-c", _CHILD, str(corpus), str(db), engine, str(workers)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--keep", type=Path, help="a folder to keep (and reuse) the corpus in")
    parser.add_argument("--engines", default="local,dask", help="which runs: local, dask or both (default)")
    args = parser.parse_args(argv)
    engines = {e.strip() for e in args.engines.split(",") if e.strip()}
    if not engines or engines - {"local", "dask"}:
        parser.error("--engines takes local, dask or local,dask")
    with tempfile.TemporaryDirectory(prefix="borderwatch-scale-") as tmp:
        work = args.keep or Path(tmp)
        corpus = work / f"corpus-{args.articles}-{args.seed}"
        if not corpus.exists():
            started = time.perf_counter()
            write_corpus(corpus, args.articles, args.seed)
            print(f"generated {args.articles:,} articles in {time.perf_counter() - started:.0f} s")
        print(f"scale-out benchmark: {args.articles:,} articles, one process vs Dask with {args.workers} workers "
              f"(this machine: {os.cpu_count()} cores)", flush=True)
        local = dask = None
        if "local" in engines:
            local = run(corpus, work / "local.db", "local", 1)
            print(f"  single process: {local['seconds']:.0f} s, {local['read'] / local['seconds']:.0f} articles/s, "
                  f"peak RSS {local['peak_kib'] / 1024:.0f} MiB; {local['events']:,} events", flush=True)
        if "dask" in engines:
            dask = run(corpus, work / "dask.db", "dask", args.workers)
            rate = dask["read"] / dask["seconds"]
            print(f"  dask, {dask['workers']} workers: {dask['seconds']:.0f} s, {rate:.0f} articles/s "
                  f"({dask['tasks']} tasks; extraction {dask['extract_seconds']:.0f} s in parallel, ordered load "
                  f"{dask['load_seconds']:.0f} s), client peak RSS {dask['peak_kib'] / 1024:.0f} MiB; "
                  f"{dask['events']:,} events")
            for worker, kib in sorted(dask["worker_peak_kib"].items()):
                print(f"    worker {worker}: peak RSS {kib / 1024:.0f} MiB")
        if local is not None and dask is not None:
            same = "the same" if dask["events"] == local["events"] else "DIFFERENT"
            print(f"speed-up {local['seconds'] / dask['seconds']:.2f}x; both stores hold {same} number of events")
        for name in sorted(f"{engine}.db" for engine in engines):  # only the stores this sitting made
            for suffix in ("", "-wal", "-shm"):
                (work / (name + suffix)).unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
