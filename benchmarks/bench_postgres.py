"""Ingest throughput on PostgreSQL beside SQLite, with one writer and with two at once.

    python benchmarks/bench_postgres.py [--articles 2000] [--seed 7]

Generates a corpus (benchmarks/corpus.py), starts a throwaway PostgreSQL server with its default
durability (fsync on; tests/postgres_server.py, which `make postgres` makes possible), and times:
1. one process ingesting the corpus into a new SQLite file;
2. one process ingesting it into a new PostgreSQL database;
3. two processes at once ingesting one half each into another new PostgreSQL database (extraction runs
   in parallel; writes take the store's write lock one at a time).
Prints articles per second for each. Not part of `make bench`'s targets: issue 6 asks for the figures.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))
sys.path.insert(0, str(REPO / "tests"))

from corpus import write_corpus  # noqa: E402
from postgres_server import start_server  # noqa: E402

CLI = [sys.executable, "-c", "from borderwatch.cli import main; main()"]


def ingest(paths: list[Path], db: str) -> subprocess.Popen:
    return subprocess.Popen([*CLI, "ingest", *map(str, paths), "--db", db], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)


def timed(runs: list[subprocess.Popen]) -> float:
    started = time.monotonic()
    for run in runs:
        _, err = run.communicate()
        if run.returncode != 0:
            raise SystemExit(f"ingest failed: {err[-2000:]}")
    return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="borderwatch-pgbench-") as tmp:
        folder = Path(tmp)
        corpus = folder / "corpus"
        write_corpus(corpus, args.articles, args.seed)
        files = sorted(p for p in corpus.rglob("*") if p.is_file())
        halves = [files[0::2], files[1::2]]
        server = start_server(durable=True)
        try:
            results = {
                "SQLite, one writer": timed([ingest([corpus], str(folder / "one.db"))]),
                "PostgreSQL, one writer": timed([ingest([corpus], server.create_database("one"))]),
            }
            two = server.create_database("two")
            results["PostgreSQL, two writers at once"] = timed([ingest(half, two) for half in halves])
        finally:
            server.stop()
    print(f"{args.articles:,} generated articles (seed {args.seed}), each run in its own process(es):")
    for name, seconds in results.items():
        print(f"  {name:34s} {seconds:7.1f} s  {args.articles / seconds:6.1f} articles/s")


if __name__ == "__main__":
    main()
