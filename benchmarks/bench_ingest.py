"""`make bench`: end-to-end ingest (parse, extract, store) of a generated corpus; speed and memory.

    python benchmarks/bench_ingest.py [--articles 10000] [--seed 7] [--keep DIR] [--sample 300]

1. Generates the corpus (benchmarks/corpus.py) and a 1/5-size one with the same seed.
2. Ingests each with `borderwatch.pipeline.ingest_paths` into a fresh SQLite store, each in its own
   subprocess, so that peak RSS (getrusage maxrss) belongs to that run alone. The theatre is loaded
   before the clock starts: it is a one-time cost, reported on its own line.
3. Times the stages (parse/clean, extract, store) on a small sample, and profiles extraction.
4. Prints a one-line verdict against the targets: >= 200 articles/s on one core, peak RSS flat in
   corpus size. Time is measured without tracemalloc (it slows Python several-fold).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import resource
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # run as a script: `corpus` sits beside us

from corpus import CorpusSummary, write_corpus  # noqa: E402

from borderwatch.extract import extract  # noqa: E402
from borderwatch.ingest import read_documents  # noqa: E402
from borderwatch.model import DocStatus  # noqa: E402
from borderwatch.pipeline import BATCH_DOCUMENTS, ingest_paths  # noqa: E402
from borderwatch.store import open_store  # noqa: E402
from borderwatch.theatre import load_theatre  # noqa: E402

TARGET_ARTICLES_PER_SECOND = 200
# Peak RSS of the full run over that of the 1/5 run. Interpreter, libraries and the theatre make up
# most of the peak, so a leak of even a few KB per article shows as a ratio well above this.
MAX_MEMORY_RATIO = 1.15
SMALL_FRACTION = 5
PROFILE_TOP = 12


@dataclass(slots=True)
class RunResult:
    """What one ingest subprocess measured; travels back to the parent as one JSON line."""
    read: int
    added: int
    unchanged: int
    failed: int
    mentions: int
    seconds: float
    theatre_seconds: float
    baseline_rss_kib: int  # after imports, theatre and an empty store: what every run pays
    peak_rss_kib: int
    database_bytes: int

    @property
    def rate(self) -> float:
        return self.read / self.seconds if self.seconds else 0.0


def _peak_rss_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux


def ingest_corpus(corpus: Path, database: Path) -> RunResult:
    """Ingest `corpus` into a fresh store at `database`; the timed part is `ingest_paths` alone."""
    started = time.perf_counter()
    theatre = load_theatre()
    theatre_seconds = time.perf_counter() - started
    with open_store(database) as store:
        baseline = _peak_rss_kib()
        summary = ingest_paths([corpus], store, theatre)
    return RunResult(summary.read, summary.added, summary.unchanged, summary.failed, summary.mentions,
                     summary.seconds, theatre_seconds, baseline, _peak_rss_kib(), database.stat().st_size)


def run_in_subprocess(corpus: Path, database: Path) -> RunResult:
    """One ingest in a fresh interpreter, so its maxrss is not the parent's (generation, profiling)."""
    command = [sys.executable, __file__, "--ingest-worker", str(corpus), str(database)]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return RunResult(**json.loads(done.stdout.strip().splitlines()[-1]))


# ------------------------------------------------------------------------------------ stage breakdown


@dataclass(slots=True)
class StageTimes:
    documents: int = 0
    parse: float = 0.0
    extract: float = 0.0
    store: float = 0.0
    mentions: int = 0
    with_mentions: int = 0
    text_chars: int = 0


def warm_up(corpus: Path) -> None:
    """One untimed pass: lazy imports (trafilatura), lazily built indexes and regex caches are paid here,
    as they are once per process in a real ingest, not by the first sample articles."""
    theatre = load_theatre()
    for doc in read_documents([corpus]):
        if doc.status is DocStatus.OK:
            extract(doc, theatre)


def time_stages(corpus: Path, database: Path) -> tuple[StageTimes, dict[str, list[float]], list]:
    """The pipeline loop of `ingest_documents`, unrolled so each stage has its own clock. Documents are
    written in batches of `BATCH_DOCUMENTS` in one transaction each, as ingest does."""
    theatre = load_theatre()
    times, parse_by_shape, documents = StageTimes(), defaultdict(list), []
    batch: list = []
    with open_store(database) as store:
        reader = read_documents([corpus])
        while True:
            t0 = time.perf_counter()
            doc = next(reader, None)
            t1 = time.perf_counter()
            if doc is None:
                break
            mentions = extract(doc, theatre) if doc.status is DocStatus.OK else []
            t2 = time.perf_counter()
            batch.append((doc, mentions))
            shape = doc.source.rsplit("#", 1)[0].rsplit(".", 1)[-1]
            parse_by_shape[shape].append(t1 - t0)
            times.documents += 1
            times.parse += t1 - t0
            times.extract += t2 - t1
            times.mentions += len(mentions)
            times.with_mentions += bool(mentions)
            times.text_chars += len(doc.text)
            documents.append(doc)
            if len(batch) >= BATCH_DOCUMENTS:
                times.store += _store_batch(store, batch)
        times.store += _store_batch(store, batch)
    return times, parse_by_shape, documents


def _store_batch(store, batch: list) -> float:
    """Write and clear a batch the way ingest does (known ids skipped, one transaction); seconds taken."""
    started = time.perf_counter()
    if batch:
        known = store.known_documents([d.id for d, _ in batch])
        store.add_documents([(d, m) for d, m in batch if d.id not in known])
        batch.clear()
    return time.perf_counter() - started


def profile_extract(documents: list, top: int) -> list[tuple[str, float, float]]:
    """(function, own seconds, share of extract) for the hottest functions under cProfile."""
    theatre = load_theatre()
    profiler = cProfile.Profile()
    profiler.enable()
    for doc in documents:
        if doc.status is DocStatus.OK:
            extract(doc, theatre)
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = stats.total_tt or 1.0
    rows = []
    for (filename, line, name), (_, _, own, _, _) in stats.stats.items():  # type: ignore[attr-defined]
        where = filename.split("/src/", 1)[-1].split("/lib/python", 1)[-1]
        rows.append((f"{where}:{line} {name}", own, own / total))
    rows.sort(key=lambda row: row[1], reverse=True)
    return rows[:top]


# ------------------------------------------------------------------------------------------- report


def _mib(kib: int) -> str:
    return f"{kib / 1024:.1f} MiB"


def print_corpus(label: str, summary: CorpusSummary, seconds: float) -> None:
    shapes = ", ".join(f"{n} {shape}" for shape, n in summary.by_format.items())
    print(f"  {label}: {summary.articles} articles in {summary.files} files ({shapes}), "
          f"{summary.bytes / 1e6:.1f} MB on disk, "
          f"{summary.text_chars / max(summary.articles, 1) / 1000:.2f} KB of text per article, "
          f"generated in {seconds:.1f} s")


def print_run(label: str, run: RunResult) -> None:
    print(f"  {label}: {run.read} documents ({run.added} added, {run.unchanged} unchanged, "
          f"{run.failed} failed), "
          f"{run.mentions} mentions in {run.seconds:.1f} s = {run.rate:.0f} articles/s "
          f"({1000 * run.seconds / max(run.read, 1):.2f} ms each); peak RSS {_mib(run.peak_rss_kib)} "
          f"(baseline {_mib(run.baseline_rss_kib)}, growth {_mib(run.peak_rss_kib - run.baseline_rss_kib)}); "
          f"database {run.database_bytes / 1e6:.1f} MB")


def print_stages(times: StageTimes, parse_by_shape: dict[str, list[float]],
                 hot: list[tuple[str, float, float]]) -> None:
    total = times.parse + times.extract + times.store
    n = max(times.documents, 1)
    print(f"\nWhere time goes ({times.documents} sample articles after a warm-up pass, "
          f"{times.text_chars / n / 1000:.2f} KB text each; {times.with_mentions} with mentions, "
          f"{times.mentions} mentions):")
    for name, seconds in (("parse/clean", times.parse), ("extract", times.extract), ("store", times.store)):
        print(f"  {name:<12} {1000 * seconds / n:7.2f} ms/article  {100 * seconds / total:5.1f} %")
    for shape, spans in sorted(parse_by_shape.items()):
        print(f"    parse .{shape:<6} {1000 * sum(spans) / len(spans):6.2f} ms/article over {len(spans)}")
    print(f"  hottest functions in extract (cProfile own time, top {len(hot)}):")
    for where, _, share in hot:
        print(f"    {100 * share:5.1f} %  {where}")


def verdict(full: RunResult, small: RunResult) -> str:
    ratio = full.peak_rss_kib / max(small.peak_rss_kib, 1)
    fast = full.rate >= TARGET_ARTICLES_PER_SECOND and full.failed == 0
    flat = ratio <= MAX_MEMORY_RATIO
    return (f"VERDICT: {'PASS' if fast and flat else 'FAIL'}: speed {full.rate:.0f} articles/s "
            f"({'meets' if fast else 'misses'} >= {TARGET_ARTICLES_PER_SECOND}); peak RSS ratio "
            f"{full.read}/{small.read} articles = {ratio:.2f} "
            f"({'flat' if flat else 'grows'}, limit {MAX_MEMORY_RATIO})")


# ---------------------------------------------------------------------------------------------- main


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000, help="articles in the full corpus")
    parser.add_argument("--seed", type=int, default=7, help="corpus seed (same seed, same files)")
    parser.add_argument("--keep", type=Path, help="write corpora and databases here and keep them")
    parser.add_argument("--sample", type=int, default=300, help="articles in the stage breakdown sample")
    parser.add_argument("--ingest-worker", nargs=2, metavar=("CORPUS", "DB"), help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def run_benchmark(args: argparse.Namespace, workdir: Path) -> None:
    sizes = (("full", args.articles), ("small", max(args.articles // SMALL_FRACTION, 1)),
             ("sample", args.sample))
    print(f"Corpus (seed {args.seed}) in {workdir}:")
    for label, count in sizes:
        started = time.perf_counter()
        summary = write_corpus(workdir / f"corpus-{label}", count, args.seed)
        print_corpus(label, summary, time.perf_counter() - started)

    print("\nIngest (parse, extract, store into SQLite), one process each, one core:")
    small = run_in_subprocess(workdir / "corpus-small", workdir / "small.db")
    print_run("small", small)
    full = run_in_subprocess(workdir / "corpus-full", workdir / "full.db")
    print_run("full ", full)
    print(f"  theatre load (once per process, not timed above): {full.theatre_seconds:.2f} s")
    print(f"  peak RSS: full {_mib(full.peak_rss_kib)}, small {_mib(small.peak_rss_kib)}, "
          f"ratio {full.peak_rss_kib / max(small.peak_rss_kib, 1):.2f}")

    warm_up(workdir / "corpus-sample")
    times, parse_by_shape, documents = time_stages(workdir / "corpus-sample", workdir / "sample.db")
    print_stages(times, parse_by_shape, profile_extract(documents, PROFILE_TOP))
    print()
    print(verdict(full, small))


def main(argv: list[str] | None = None) -> int:
    args = parse_arguments(argv)
    if args.ingest_worker:
        corpus, database = (Path(p) for p in args.ingest_worker)
        print(json.dumps(asdict(ingest_corpus(corpus, database))))
        return 0
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        if any(args.keep.iterdir()):
            sys.exit(f"--keep {args.keep}: choose an empty or new folder (a store there would be re-used)")
        run_benchmark(args, args.keep)
    else:
        with tempfile.TemporaryDirectory(prefix="borderwatch-bench-") as tmp:
            run_benchmark(args, Path(tmp))
    return 0


if __name__ == "__main__":
    sys.exit(main())
