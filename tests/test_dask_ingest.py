"""`ingest --engine dask`: extraction on a real Dask LocalCluster (two worker processes), Parquet shards,
then one ordered load. The store must end exactly as a single-process ingest of the same input leaves it."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from borderwatch.dask_ingest import file_slices, ingest_with_dask
from borderwatch.ingest import input_files, read_documents
from borderwatch.pipeline import ingest_paths
from borderwatch.store import open_store

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
TABLES = {
    "documents": "id, url, title, outlet, published, language, source, status, error, text",
    "events": "*",
    "mentions": "*",
    "claims": "*",
    "links": "event_id, kind, target_event_id, wave, description, days_before, mention_id",
    "spans": "doc_id, mention_id, claim_id, field, kind, start, \"end\", text, value",
}


@pytest.fixture
def corpus(tmp_path) -> Path:
    folder = tmp_path / "corpus"
    shutil.copytree(SAMPLES, folder)
    (folder / "txt" / "zz-broken.txt").write_bytes(b"\x00\x01\x02 not text \x00")
    (folder / "txt" / "zz-empty.txt").write_bytes(b"")
    return folder


def dump(db: Path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(db)
    try:
        return {table: sorted(conn.execute(f"SELECT {columns} FROM {table}").fetchall(), key=repr)
                for table, columns in TABLES.items()}
    finally:
        conn.close()


def test_slices_follow_the_single_process_reading_order(corpus):
    files = [str(p) for p in input_files([corpus])]
    slices = file_slices([corpus], bytes_per_task=3000)
    assert [f for s in slices for f in s] == files and len(slices) > 3
    sizes = [sum(Path(f).stat().st_size for f in s[:-1]) for s in slices]
    assert all(size < 3000 for size in sizes)  # a slice closes at the file that reaches the budget
    by_file = [doc.id for f in files for doc in read_documents([f])]
    assert by_file == [doc.id for doc in read_documents([corpus])]


def test_dask_ingest_leaves_the_store_exactly_as_a_single_process_run(tmp_path, corpus):
    single, distributed = tmp_path / "single.db", tmp_path / "dask.db"
    with open_store(single) as store:
        expected = ingest_paths([corpus], store)
    shards = tmp_path / "shards"
    with open_store(distributed) as store:
        got = ingest_with_dask([corpus], store, workers=2, bytes_per_task=3000, shard_dir=shards,
                               keep_shards=True)
    assert (got.ingest.read, got.ingest.added, got.ingest.failed, got.ingest.mentions) == (
        expected.read, expected.added, expected.failed, expected.mentions)
    assert got.ingest.failed == 2 and got.workers == 2 and got.tasks > 2
    assert dump(distributed) == dump(single)
    assert len(got.peak_rss_kib_by_worker) >= 1 and min(got.peak_rss_kib_by_worker.values()) > 0
    # the shards are plain Parquet that anyone can query: one row per document and per mention
    documents = sum(pq.read_table(p).num_rows for p in shards.glob("documents-*.parquet"))
    mentions = pq.read_table(sorted(shards.glob("mentions-*.parquet"))[0]).column_names
    assert documents == expected.read and {"doc_id", "event_type", "actor1", "payload"} <= set(mentions)


def test_a_second_dask_run_adds_nothing(tmp_path, corpus):
    db = tmp_path / "again.db"
    with open_store(db) as store:
        ingest_with_dask([corpus], store, workers=1)
        before = dump(db)
        again = ingest_with_dask([corpus], store, workers=1)
    assert again.ingest.added == 0 and again.ingest.unchanged == again.ingest.read - again.ingest.failed
    assert dump(db) == before
