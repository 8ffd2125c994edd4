"""The main job: read documents, extract their mentions, store both. The library half of `ingest`."""

from __future__ import annotations

import contextlib
import functools
import signal
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from borderwatch.errors import BorderwatchError
from borderwatch.extract import extract
from borderwatch.ingest import read_documents
from borderwatch.model import DocStatus, Document, Mention
from borderwatch.store import Store
from borderwatch.theatre import Theatre, load_theatre


@dataclass(slots=True)
class IngestSummary:
    read: int = 0
    added: int = 0
    unchanged: int = 0
    failed: int = 0
    mentions: int = 0
    links_resolved: int = 0
    not_relevant: int = 0  # left out by the relevance filter before extraction (ingest_documents(relevant_only))
    seconds: float = 0.0
    reasons: Counter = field(default_factory=Counter)

    def line(self) -> str:
        why = ""
        if self.reasons:
            why = " (" + "; ".join(f"{n} {reason}" for reason, n in self.reasons.most_common(3)) + ")"
        skipped = f", {self.not_relevant} not relevant" if self.not_relevant else ""
        return (f"{self.read} documents read, {self.added} added, {self.unchanged} already stored, "
                f"{self.failed} failed{why}{skipped}, {self.mentions} mentions, {self.seconds:.1f} s")


# Documents written per transaction. Each still lands whole (a savepoint per document); a crash loses
# at most one uncommitted batch, which a re-run redoes. 100 keeps commits rare and memory small.
BATCH_DOCUMENTS = 100


def ingest_documents(documents: Iterable[Document], store: Store, theatre: Theatre | None = None,
                     on_document: Callable[[Document], None] | None = None,
                     batch_size: int = BATCH_DOCUMENTS, relevant_only: bool = False) -> IngestSummary:
    """Extract and store documents, streaming, in batches. Never raises for a bad document. A document
    already stored is not extracted again. With `relevant_only`, documents that name none of the
    theatre's actors and places (extract/relevance.py) are left out before extraction and not stored:
    a general news firehose then costs little."""
    theatre = theatre or load_theatre()
    skipped = [0]
    if relevant_only:
        from borderwatch.extract.relevance import relevant_documents

        def count(_doc: Document) -> None:
            skipped[0] += 1

        documents = relevant_documents(documents, theatre, on_skip=count)
    pairs = ((doc, functools.partial(extract_safely, doc, theatre)) for doc in documents)
    summary = _store_all(pairs, store, on_document, batch_size)
    summary.not_relevant = skipped[0]
    return summary


def ingest_extracted(items: Iterable[tuple[Document, list[Mention]]], store: Store,
                     on_document: Callable[[Document], None] | None = None,
                     batch_size: int = BATCH_DOCUMENTS) -> IngestSummary:
    """Store documents extracted elsewhere (a Dask worker, say), exactly as `ingest_documents` stores
    its own: same batches, same merging, same summary."""
    return _store_all(((doc, _constant(mentions)) for doc, mentions in items), store, on_document, batch_size)


def _constant(mentions: list[Mention]) -> Callable[[], list[Mention]]:
    return lambda: mentions


def _store_all(pairs: Iterable[tuple[Document, Callable[[], list[Mention]]]], store: Store,
               on_document: Callable[[Document], None] | None, batch_size: int) -> IngestSummary:
    summary = IngestSummary()
    started = time.perf_counter()
    for batch in _batches(pairs, batch_size):
        known = store.known_documents([d.id for d, _ in batch if d.status is DocStatus.OK])
        items = []
        for doc, mentions_of in batch:
            summary.read += 1
            if doc.status is DocStatus.OK and doc.id in known:
                summary.unchanged += 1
            else:
                items.append((doc, mentions_of()))
        for (doc, mentions), result in zip(items, store.add_documents(items), strict=True):
            if isinstance(result, BorderwatchError):
                doc.status, doc.error, mentions = DocStatus.FAILED, f"store: {result}", []
            if doc.status is DocStatus.FAILED:
                summary.failed += 1
                summary.reasons[_reason_kind(doc.error)] += 1
            elif result is True:
                summary.added += 1
                summary.mentions += len(mentions)
            else:
                summary.unchanged += 1
        if on_document is not None:
            for doc, _ in batch:
                on_document(doc)
    if summary.added:
        summary.links_resolved = store.resolve_links()  # references to events that came in later
    summary.seconds = time.perf_counter() - started
    return summary


# The longest one document's extraction may take. A 3 KB article takes milliseconds and the largest
# accepted document (5 MB of text) about ten seconds here; past this, a pathological input must not hold
# up the run: the document is recorded as failed and the run goes on.
MAX_EXTRACT_SECONDS = 30.0


class _TooSlow(Exception):
    pass


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Raise _TooSlow in the block after `seconds` (SIGALRM: the main thread of a Unix process only;
    elsewhere, as on Dask's worker threads, the block runs unlimited)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(_signum, _frame):
        raise _TooSlow

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def extract_safely(doc: Document, theatre: Theatre, max_seconds: float = MAX_EXTRACT_SECONDS) -> list[Mention]:
    """The document's mentions; a failure on one document marks it failed instead of stopping the run, and
    so does an extraction that takes longer than `max_seconds`."""
    if doc.status is not DocStatus.OK:
        return []
    try:
        with _time_limit(max_seconds):
            return extract(doc, theatre)
    except _TooSlow:
        doc.status, doc.error = DocStatus.FAILED, f"extraction took longer than {max_seconds:g} s"
        return []
    except Exception as e:  # noqa: BLE001 - a bug on one document must not lose the others
        doc.status, doc.error = DocStatus.FAILED, f"extraction failed: {type(e).__name__}: {e}"
        return []


def _batches(items: Iterable, size: int) -> Iterator[list]:
    batch: list = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def ingest_paths(paths: Iterable[str | Path], store: Store, theatre: Theatre | None = None,
                 on_document: Callable[[Document], None] | None = None) -> IngestSummary:
    return ingest_documents(read_documents(paths), store, theatre, on_document)


def _reason_kind(error: str | None) -> str:
    """The kind of a failure for the summary: its reason without the specifics ("too large")."""
    if not error:
        return "unknown error"
    head = error.split(":", 1)[0] if not error.startswith("line ") else error.split(":", 2)[1]
    return head.strip()[:60]


def evaluate_files(documents: str | Path, gold: str | Path, theatre: Theatre | None = None):
    """Ingest a GOLD_FORMAT documents file into a temporary store and score its mentions against gold."""
    import tempfile

    from borderwatch.evaluate import read_gold, read_gold_documents, score
    from borderwatch.export import mention_records
    from borderwatch.store import open_store
    from borderwatch.text import clean_text

    theatre = theatre or load_theatre()
    docs = read_gold_documents(documents)
    for doc in docs:  # the same clean-up as any ingest, so evaluation scores what users get
        doc.text = clean_text(doc.text)
    gold_lines = read_gold(gold)
    with tempfile.TemporaryDirectory(prefix="borderwatch-eval-") as tmp:
        with open_store(Path(tmp) / "evaluate.db") as store:
            ingest_documents(docs, store, theatre)
            crashed = [(i, e) for i, _, e in store.failures() if e.startswith("extraction failed")]
            if crashed:  # a bug, not bad input: scoring around it would hide it
                raise BorderwatchError(f"extraction failed on {len(crashed)} documents, first {crashed[0][0]}: "
                                       f"{crashed[0][1]}")
            predicted = list(mention_records(store))
    return score(predicted, gold_lines, admin1_location=_admin1_locator(theatre),
                 documents={d.id for d in docs})


def _admin1_locator(theatre: Theatre):
    def locate(name: str, country: str) -> tuple[float, float] | None:
        place = theatre.gazetteer.admin1_place(name, country)
        if place is None or place.lat is None or place.lon is None:
            return None
        return place.lat, place.lon
    return locate


# ------------------------------------------------------------------------------- dataset imports

DATASETS = ("ucdp", "acled")


@dataclass(slots=True)
class ImportSummary:
    """What `import_dataset` did: rows read, events added / revised / already stored, rows rejected."""

    dataset: str
    read: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list = field(default_factory=list)  # RowProblem: line and reason
    seconds: float = 0.0

    def line(self) -> str:
        why = ""
        if self.rejected:
            reasons = Counter(p.reason.split(":", 1)[0] for p in self.rejected)
            why = " (" + "; ".join(f"{n} {r}" for r, n in reasons.most_common(3)) + ")"
        return (f"{self.dataset}: {self.read} rows read, {self.added} events added, {self.updated} updated, "
                f"{self.unchanged} already stored, {len(self.rejected)} rejected{why}, {self.seconds:.1f} s")


def import_dataset(dataset: str, path: str | Path, store: Store, theatre: Theatre | None = None,
                   on_row: Callable[[], None] | None = None) -> ImportSummary:
    """Import a UCDP GED or ACLED CSV file as events of that source (never merged with news-coded ones).
    A row that cannot be mapped is listed in the summary with its line and reason; the rest go in.
    Importing the same file again adds nothing; a newer release updates the rows it revised."""
    from borderwatch.ingest.acled import read_acled
    from borderwatch.ingest.datasets import RowProblem
    from borderwatch.ingest.ucdp import read_ucdp

    readers = {"ucdp": read_ucdp, "acled": read_acled}
    if dataset not in readers:
        raise BorderwatchError(f"unknown dataset {dataset!r}: choose one of {', '.join(DATASETS)}")
    theatre = theatre or load_theatre()
    summary = ImportSummary(dataset)
    started = time.perf_counter()

    def events():
        for item in readers[dataset](path, theatre):
            summary.read += 1
            if on_row is not None:
                on_row()
            if isinstance(item, RowProblem):
                summary.rejected.append(item)
            else:
                yield item

    count = store.add_events(events())
    summary.added, summary.updated, summary.unchanged = count.added, count.updated, count.unchanged
    summary.seconds = time.perf_counter() - started
    return summary
