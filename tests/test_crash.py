"""Crash safety of ingest: `borderwatch ingest` is killed with SIGKILL at seeded random moments, again and
again on one store, and after every kill the store must be sound and hold only whole documents.

After each kill: SQLite's `PRAGMA integrity_check` is "ok", `Store.check()` (what `borderwatch check` runs)
finds nothing, and every stored document has exactly the mentions, evidence, claims and spans that a
clean single ingest of the same corpus gave it (nothing half-written, nothing of a document that is not
there). Re-running then completes, and leaves every document exactly once and `borderwatch check` at 0.

The corpus is ~150 generated news articles (benchmarks/corpus.py): more than one commit batch
(pipeline.BATCH_DOCUMENTS), so kills land before, inside and between write transactions.

Two kinds of process are killed. A few are fresh interpreters running the console command, killed from
0.2 s on, so the kill can land while Python imports or the schema is created. Most are forks of this
warmed-up test process running the same Typer command with the same arguments: the 2-3 s a new
interpreter spends importing and loading the theatre would otherwise make 20 kills a minutes-long test,
and spend most kills before the store is touched.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest
from repo_scripts import loaded

from borderwatch.cli import app
from borderwatch.pipeline import BATCH_DOCUMENTS
from borderwatch.store import open_store

REPO = Path(__file__).resolve().parents[1]
# Enough articles for two commit batches, few enough that a full run takes a few seconds.
CORPUS_ARTICLES = BATCH_DOCUMENTS + 50
CORPUS_SEED = 41
KILL_SEED = 20240318
FORKED_KILLS = 20
FRESH_KILLS = 3
# The earliest kill of a fresh interpreter: the issue's ~0.2 s, while Python is still importing.
EARLIEST_KILL_S = 0.2
# Past this many runs per kill wanted, runs keep finishing before their kill: something else is wrong.
RUNS_PER_KILL = 3
POLL_S = 0.005
CLI = [sys.executable, "-c", "from borderwatch.cli import main; main()"]

# Everything a stored document owns, keyed back to the document: the columns extraction decides, not
# the ones merging derives (event_id, merge_score, merge_why depend on what else was stored first).
OWNED_ROWS = {
    "mentions": "SELECT doc_id, id, ordinal, event_type, sub_event_type, date_start, date_end, "
                "date_precision, place_id, location, country, admin1, admin2, latitude, longitude, "
                "geo_precision, actor1, actor2, confidence, evidence, evidence_start, evidence_end, links, "
                "origin_country, wave FROM mentions",
    "evidence": "SELECT m.doc_id, e.mention_id, e.ordinal, e.start, e.\"end\", e.text FROM evidence e "
                "JOIN mentions m ON m.id = e.mention_id",
    "claims": "SELECT m.doc_id, c.id, c.kind, c.count, c.min, c.max, c.claimant, c.victim_group "
              "FROM claims c JOIN mentions m ON m.id = c.mention_id",
    "spans": "SELECT doc_id, mention_id, claim_id, field, kind, start, \"end\", text, value FROM spans",
}


def ingest_arguments(corpus: Path, db: Path) -> list[str]:
    return ["ingest", str(corpus), "--db", str(db)]


def owned_rows(db: Path) -> dict[str, tuple]:
    """Document id -> (status, its rows of every owned table, sorted): what "this document, whole" means."""
    found: dict[str, list] = defaultdict(lambda: [[] for _ in OWNED_ROWS])
    with closing(sqlite3.connect(db)) as conn:
        tables = [name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        if "documents" not in tables:
            # killed before the schema's one transaction committed: the file holds nothing, not half a schema
            assert tables == [], f"a half-made schema: {tables}"
            return {}
        statuses = dict(conn.execute("SELECT id, status FROM documents"))
        for i, sql in enumerate(OWNED_ROWS.values()):
            for doc_id, *rest in conn.execute(sql):
                found[doc_id][i].append(tuple(rest))
    strays = set(found) - set(statuses)
    assert not strays, f"rows of documents that are not stored: {sorted(strays)[:5]}"
    return {doc: (statuses[doc], *(tuple(sorted(rows, key=repr)) for rows in found[doc])) for doc in statuses}


def event_partition(db: Path) -> set[frozenset[str]]:
    """Which mentions were merged together, whatever the events are called."""
    groups: dict[str, set[str]] = defaultdict(set)
    with closing(sqlite3.connect(db)) as conn:
        for mention_id, event_id in conn.execute("SELECT id, event_id FROM mentions"):
            groups[event_id].add(mention_id)
    return {frozenset(g) for g in groups.values()}


def integrity(db: Path) -> list[str]:
    with closing(sqlite3.connect(db)) as conn:
        rows = [row[0] for row in conn.execute("PRAGMA integrity_check")]
    return rows


def remove_store(db: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("crash") / "corpus"
    with loaded("benchmarks/corpus.py") as corpus_module:
        summary = corpus_module.write_corpus(folder, CORPUS_ARTICLES, CORPUS_SEED)
    assert summary.articles == CORPUS_ARTICLES
    return folder


@pytest.fixture(scope="module")
def reference(corpus, tmp_path_factory) -> tuple[Path, float]:
    """A clean, uninterrupted ingest of the corpus by the console command, and how long it took."""
    db = tmp_path_factory.mktemp("reference") / "reference.db"
    started = time.monotonic()
    done = subprocess.run([*CLI, *ingest_arguments(corpus, db)], capture_output=True, text=True, timeout=180)
    seconds = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    assert f"{CORPUS_ARTICLES} added" in done.stdout
    return db, seconds


def assert_only_whole_documents(db: Path, expected: dict[str, tuple]) -> int:
    """The store after a kill: sound, and each document in it exactly as the clean ingest stored it."""
    assert integrity(db) == ["ok"]
    stored = owned_rows(db)
    unknown = set(stored) - set(expected)
    assert not unknown, f"documents no clean ingest has: {sorted(unknown)[:5]}"
    broken = [doc for doc, rows in stored.items() if rows != expected[doc]]
    assert not broken, f"{len(broken)} documents differ from the clean ingest, e.g. {broken[0]}"
    with open_store(db) as store:
        assert store.check() == []
    return len(stored)


def start_fresh_interpreter(arguments: list[str]) -> int:
    return subprocess.Popen([*CLI, *arguments], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).pid


def start_forked(arguments: list[str]) -> int:
    """Fork, and run the CLI command in the child with this process's imports and caches already warm."""
    pid = os.fork()
    if pid:
        return pid
    code = 1
    try:  # the child: never return into pytest
        quiet = os.open(os.devnull, os.O_WRONLY)
        os.dup2(quiet, 1)
        os.dup2(quiet, 2)
        app(arguments, standalone_mode=False)
        code = 0
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else 1
    finally:
        os._exit(code)


def run_until_killed(start: Callable[[list[str]], int], arguments: list[str], delay: float) -> bool:
    """Start the command and SIGKILL it after `delay` seconds; False when it finished (with exit 0) first."""
    pid = start(arguments)
    deadline = time.monotonic() + delay
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            assert os.waitstatus_to_exitcode(status) == 0, f"ingest {arguments} failed on its own"
            return False
        time.sleep(POLL_S)
    os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    # It may have exited on its own in the last instant; a signal is what a kill leaves.
    return os.WIFSIGNALED(status)


def kill_repeatedly(start: Callable[[list[str]], int], arguments: list[str], db: Path, kills: int,
                    window: tuple[float, float], rng: random.Random, expected: dict[str, tuple]) -> list[int]:
    """Kill runs of the ingest until `kills` were killed, checking the store after each; a run that gets
    to the end starts the next one on an empty store. Returns the documents stored at each kill."""
    stored_at_kill: list[int] = []
    for _run in range(kills * RUNS_PER_KILL):
        if len(stored_at_kill) == kills:
            return stored_at_kill
        killed = run_until_killed(start, arguments, rng.uniform(*window))
        stored = assert_only_whole_documents(db, expected) if db.exists() else 0
        if killed:
            stored_at_kill.append(stored)
        else:
            assert stored == CORPUS_ARTICLES
            remove_store(db)
    raise AssertionError(f"only {len(stored_at_kill)} of {kills * RUNS_PER_KILL} runs were killed mid-way")


def test_a_store_killed_before_its_schema_committed_reads_as_empty_and_is_still_checked(tmp_path):
    """A kill can land after SQLite made the file but before the schema's transaction committed; the
    checks must read that as "nothing stored" (and a half-made schema as a failure), not trip over it."""
    db = tmp_path / "empty.db"
    sqlite3.connect(db).close()
    assert db.exists()
    assert owned_rows(db) == {}
    assert assert_only_whole_documents(db, {}) == 0
    half = tmp_path / "half.db"
    with closing(sqlite3.connect(half)) as conn:
        conn.execute("CREATE TABLE mentions (id TEXT)")
    with pytest.raises(AssertionError, match="half-made schema"):
        owned_rows(half)


def test_sigkill_at_random_moments_leaves_only_whole_documents_and_a_rerun_completes(corpus, reference,
                                                                                      tmp_path):
    reference_db, console_seconds = reference
    expected = owned_rows(reference_db)
    assert len(expected) == CORPUS_ARTICLES and all(rows[0] == "ok" for rows in expected.values())
    rng = random.Random(KILL_SEED)
    db = tmp_path / "crashed.db"
    arguments = ingest_arguments(corpus, db)

    fresh = kill_repeatedly(start_fresh_interpreter, arguments, db, FRESH_KILLS,
                            (EARLIEST_KILL_S, console_seconds), rng, expected)
    # Warm this process (imports, theatre, gazetteer) with one clean in-process run, which must agree
    # with the console's, then time it: the forks' kills fall anywhere in such a run.
    warm_db = tmp_path / "warm.db"
    app(ingest_arguments(corpus, warm_db), standalone_mode=False)
    assert owned_rows(warm_db) == expected
    started = time.monotonic()
    assert not run_until_killed(start_forked, ingest_arguments(corpus, tmp_path / "timed.db"), 120.0)
    forked_seconds = time.monotonic() - started
    forked = kill_repeatedly(start_forked, arguments, db, FORKED_KILLS, (0.0, forked_seconds), rng, expected)

    print(f"stored documents at each kill: fresh {fresh}, forked {forked} (run {forked_seconds:.1f} s)")
    assert len(fresh) + len(forked) >= 20
    # The kills must have hit every stage: before the first commit, between commits, and after.
    assert 0 in forked and any(0 < n < CORPUS_ARTICLES for n in forked), forked

    finished = subprocess.run([*CLI, *arguments], capture_output=True, text=True, timeout=180)
    assert finished.returncode == 0, finished.stderr
    assert owned_rows(db) == expected  # every document exactly once (ids are keys), each one whole
    assert event_partition(db) == event_partition(reference_db)
    check = subprocess.run([*CLI, "check", "--db", str(db)], capture_output=True, text=True, timeout=60)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "is sound" in check.stdout
    again = subprocess.run([*CLI, *arguments], capture_output=True, text=True, timeout=180)
    assert again.returncode == 0 and f"0 added, {CORPUS_ARTICLES} already stored" in again.stdout
