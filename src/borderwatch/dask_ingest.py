"""`borderwatch ingest --engine dask`: extraction on a Dask cluster, then one ordered load into the store.

Extraction is pure and per document, so it spreads over workers; merging is not (each mention is placed
against the events stored before it), so it stays in one process. The work is split in two:

1. **Extract** (`extract_shard`, on the workers): each task reads a slice of the input files
   (`ingest.input_files`, the order a single-process ingest reads them in), extracts every document, and
   writes one Parquet shard pair: `documents-NNNNN.parquet` (the documents' fields) and
   `mentions-NNNNN.parquet` (one row per mention: flat columns for anyone who wants to query the shards,
   and `payload`, the mention pickled, which the load reads back exactly).
2. **Load** (`load_shards`, on the client): the shards in task order, document by document, through
   `pipeline.ingest_documents`'s store path, so merging sees the documents in the same order as a
   single-process run and the store ends the same (tests/test_dask_ingest.py proves it).

Without a scheduler address a `LocalCluster` of `workers` single-threaded processes runs on this machine;
with one, the client connects to it and the shard folder must be one every worker and the client can
reach (a shared filesystem). The shards are our own workers' output: the pickled payload is not meant to
be read from anywhere else. See docs/scaling.md.
"""

from __future__ import annotations

import pickle
import resource
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from borderwatch.errors import BorderwatchError
from borderwatch.model import DocStatus, Document, Mention
from borderwatch.pipeline import IngestSummary, ingest_extracted
from borderwatch.store import Store

# Input bytes per task: a task's fixed cost (scheduling, writing two Parquet files) must be small beside
# its extraction (about 2 MB of articles a second per worker here), and tasks many enough to keep every
# worker busy to the end. Sliced by bytes, not files: one JSONL file can hold thousands of articles.
BYTES_PER_TASK = 2_000_000

_DOCUMENT_COLUMNS = ("order", "id", "url", "title", "outlet", "published", "fetched", "language", "source",
                     "status", "error", "text")


@dataclass(slots=True)
class ShardResult:
    """What one extraction task did: its shard files and counts, and its worker's peak memory."""

    index: int
    documents: int
    mentions: int
    documents_path: str
    mentions_path: str
    seconds: float
    worker: str
    peak_rss_kib: int


@dataclass(slots=True)
class DaskSummary:
    """The two phases of a distributed ingest."""

    ingest: IngestSummary
    tasks: int = 0
    workers: int = 0
    extract_seconds: float = 0.0
    load_seconds: float = 0.0
    peak_rss_kib_by_worker: dict[str, int] = field(default_factory=dict)

    def line(self) -> str:
        peak = max(self.peak_rss_kib_by_worker.values(), default=0) / 1024
        return (f"{self.ingest.line()}; dask: {self.tasks} tasks on {self.workers} workers, extraction "
                f"{self.extract_seconds:.1f} s, load {self.load_seconds:.1f} s, peak worker memory {peak:.0f} MiB")


def file_slices(paths: Iterable[str | Path], bytes_per_task: int = BYTES_PER_TASK) -> list[list[str]]:
    """The input files in single-process order, cut into consecutive slices of about `bytes_per_task`
    (at least one file each)."""
    from borderwatch.ingest import input_files

    slices: list[list[str]] = []
    current: list[str] = []
    size = 0
    for path in input_files(paths):
        current.append(str(path))
        try:
            size += path.stat().st_size
        except OSError:
            pass  # missing or unreadable: its task reports it
        if size >= bytes_per_task:
            slices.append(current)
            current, size = [], 0
    if current:
        slices.append(current)
    return slices


def extract_shard(index: int, files: Sequence[str], out_dir: str, theatre_name: str = "afpak") -> ShardResult:
    """A worker's task: read `files`, extract every document, write the shard pair. Never raises for a bad
    document (it is stored as failed, as in a single-process run)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from borderwatch.ingest import read_documents
    from borderwatch.pipeline import extract_safely
    from borderwatch.theatre import load_theatre

    started = time.perf_counter()
    theatre = load_theatre(theatre_name)  # cached per worker process
    doc_rows: dict[str, list] = {name: [] for name in _DOCUMENT_COLUMNS}
    mention_rows: dict[str, list] = {name: [] for name in _MENTION_COLUMNS}
    n_mentions = 0
    for order, doc in enumerate(read_documents(files)):
        mentions = extract_safely(doc, theatre)
        for name, value in _document_row(order, doc).items():
            doc_rows[name].append(value)
        for m in mentions:
            for name, value in _mention_row(order, m).items():
                mention_rows[name].append(value)
        n_mentions += len(mentions)
    out = Path(out_dir)
    documents_path = out / f"documents-{index:05d}.parquet"
    mentions_path = out / f"mentions-{index:05d}.parquet"
    pq.write_table(pa.table(doc_rows, schema=_DOCUMENT_SCHEMA()), documents_path)
    pq.write_table(pa.table(mention_rows, schema=_MENTION_SCHEMA()), mentions_path)
    return ShardResult(index, len(doc_rows["id"]), n_mentions, str(documents_path), str(mentions_path),
                       time.perf_counter() - started, _worker_name(),
                       resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def _worker_name() -> str:
    try:
        from distributed import get_worker

        return get_worker().address
    except (ImportError, ValueError):
        return "local"


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _document_row(order: int, doc: Document) -> dict:
    return {"order": order, "id": doc.id, "url": doc.url, "title": doc.title, "outlet": doc.outlet,
            "published": _iso(doc.published), "fetched": _iso(doc.fetched), "language": doc.language,
            "source": doc.source, "status": doc.status.value, "error": doc.error, "text": doc.text}


_MENTION_COLUMNS = ("order", "id", "doc_id", "ordinal", "event_type", "sub_event_type", "date_start", "date_end",
                    "date_precision", "country", "admin1", "admin2", "location", "latitude", "longitude",
                    "actor1", "actor2", "payload")


def _mention_row(order: int, m: Mention) -> dict:
    place = m.place
    return {"order": order, "id": m.id, "doc_id": m.doc_id, "ordinal": m.ordinal, "event_type": m.event_type,
            "sub_event_type": m.sub_event_type, "date_start": _iso(m.date.start) if m.date else None,
            "date_end": _iso(m.date.end) if m.date else None,
            "date_precision": m.date.precision.value if m.date else None, "country": m.country,
            "admin1": place.admin1 if place else None, "admin2": place.admin2 if place else None,
            "location": place.name if place else None, "latitude": place.lat if place else None,
            "longitude": place.lon if place else None, "actor1": m.actor1, "actor2": m.actor2,
            "payload": pickle.dumps(m, protocol=pickle.HIGHEST_PROTOCOL)}


def _DOCUMENT_SCHEMA():  # noqa: N802 - a constant built on demand (pyarrow is imported only here)
    import pyarrow as pa

    return pa.schema([("order", pa.int64())] + [(name, pa.string()) for name in _DOCUMENT_COLUMNS[1:]])


def _MENTION_SCHEMA():  # noqa: N802
    import pyarrow as pa

    strings = {"id", "doc_id", "event_type", "sub_event_type", "date_start", "date_end", "date_precision",
               "country", "admin1", "admin2", "location", "actor1", "actor2"}
    types = {"order": pa.int64(), "ordinal": pa.int64(), "latitude": pa.float64(), "longitude": pa.float64(),
             "payload": pa.binary()}
    return pa.schema([(name, pa.string() if name in strings else types[name]) for name in _MENTION_COLUMNS])


def read_shard(result: ShardResult) -> Iterator[tuple[Document, list[Mention]]]:
    """The shard's documents in order, each with its mentions, rebuilt exactly."""
    import pyarrow.parquet as pq

    mentions: dict[int, list[Mention]] = {}
    table = pq.read_table(result.mentions_path, columns=["order", "payload"])
    for order, payload in zip(table.column("order").to_pylist(), table.column("payload").to_pylist(), strict=True):
        mentions.setdefault(order, []).append(pickle.loads(payload))  # noqa: S301 - our own workers' shards
    for row in pq.read_table(result.documents_path).to_pylist():
        yield _document_from_row(row), mentions.get(row["order"], [])


def _document_from_row(row: dict) -> Document:
    published = row["published"]
    return Document(
        id=row["id"], text=row["text"], url=row["url"], title=row["title"], outlet=row["outlet"],
        published=(datetime.fromisoformat(published) if published and "T" in published
                   else date.fromisoformat(published) if published else None),
        fetched=datetime.fromisoformat(row["fetched"]) if row["fetched"] else None,
        language=row["language"], source=row["source"], status=DocStatus(row["status"]), error=row["error"])


def ingest_with_dask(paths: Iterable[str | Path], store: Store, *, scheduler: str | None = None,
                     workers: int = 2, shard_dir: str | Path | None = None, keep_shards: bool = False,
                     bytes_per_task: int = BYTES_PER_TASK,
                     on_document: Callable[[Document], None] | None = None) -> DaskSummary:
    """Extract on Dask (a LocalCluster of `workers` processes, or the cluster at `scheduler`), then load
    the shards into `store` in input order. The shards go to `shard_dir` (a temporary folder when not
    given, removed afterwards unless `keep_shards`)."""
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError as e:  # pragma: no cover - a dependency of borderwatch
        raise BorderwatchError("the dask engine needs the 'distributed' package") from e
    slices = file_slices(paths, bytes_per_task)
    own_dir = shard_dir is None
    out = Path(shard_dir) if shard_dir is not None else Path(tempfile.mkdtemp(prefix="borderwatch-shards-"))
    out.mkdir(parents=True, exist_ok=True)
    summary = DaskSummary(IngestSummary(), tasks=len(slices))
    cluster = None
    try:
        if scheduler is None:
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                   dashboard_address=None, silence_logs=40)
        with Client(scheduler or cluster) as client:
            summary.workers = len(client.scheduler_info()["workers"])
            started = time.perf_counter()
            futures = [client.submit(extract_shard, i, files, str(out), pure=False)
                       for i, files in enumerate(slices)]
            results: list[ShardResult | None] = [None] * len(futures)
            for future in as_completed(futures):
                result = future.result()
                results[result.index] = result
                peak = summary.peak_rss_kib_by_worker
                peak[result.worker] = max(peak.get(result.worker, 0), result.peak_rss_kib)
            summary.extract_seconds = time.perf_counter() - started
        started = time.perf_counter()
        summary.ingest = load_shards([r for r in results if r is not None], store, on_document=on_document)
        summary.load_seconds = time.perf_counter() - started
    finally:
        if cluster is not None:
            cluster.close()
        if own_dir and not keep_shards:
            shutil.rmtree(out, ignore_errors=True)
    return summary


def load_shards(results: Sequence[ShardResult], store: Store,
                on_document: Callable[[Document], None] | None = None) -> IngestSummary:
    """Load extracted shards into the store, in shard order: the single-process path from extraction on."""
    items = (pair for result in sorted(results, key=lambda r: r.index) for pair in read_shard(result))
    return ingest_extracted(items, store, on_document=on_document)
