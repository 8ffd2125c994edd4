"""The store on PostgreSQL gives what the store on SQLite gives: the same events, mentions, claims and links
from the same corpus (the repo's samples/), the same import, checks and API queries; and two ingests at
once from two processes leave one consistent store.

A throwaway server (tests/postgres_server.py) runs for the session; each test gets its own database.
Needs PostgreSQL's server binaries (`make postgres`).
"""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from borderwatch.errors import StoreError
from borderwatch.model import DateRange, DocStatus, Document, Event, EventSource, Place, Precision
from borderwatch.pipeline import ingest_paths
from borderwatch.store import EventOrder, EventQuery, Store, open_store, postgres_text_match
from borderwatch.text import content_id

sys.path.insert(0, str(Path(__file__).parent))
from postgres_server import PostgresServer, start_server  # noqa: E402

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    server = start_server()
    try:
        yield server
    finally:
        server.stop()


def _new_database(server: PostgresServer) -> str:
    return server.create_database("t_" + uuid.uuid4().hex[:12])


@pytest.fixture
def pg_url(postgres: PostgresServer) -> str:
    return _new_database(postgres)


@pytest.fixture(scope="module")
def both(postgres: PostgresServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, Store]]:
    """The samples ingested into a SQLite store and a PostgreSQL store."""
    lite = open_store(tmp_path_factory.mktemp("lite") / "events.db")
    pg = open_store(_new_database(postgres))
    for store in (lite, pg):
        ingest_paths([SAMPLES], store)
    yield lite, pg
    lite.close()
    pg.close()


@pytest.mark.parametrize("scheme", ["postgresql://", "postgresql+psycopg://"])
def test_open_store_takes_a_postgresql_url_and_migrates_once(pg_url: str, scheme: str) -> None:
    url = pg_url.replace("postgresql://", scheme, 1)
    for _ in range(2):  # the second open finds the schema current
        with open_store(url) as store:
            assert store.counts() == {"documents": 0, "failed": 0, "mentions": 0, "events": 0, "claims": 0}
            assert store.check() == []


@pytest.mark.parametrize("url", [
    "postgresql+psycopg2://postgres@127.0.0.1:1/x",  # another driver
    "postgresql://postgres@127.0.0.1:1/nowhere",  # no server there
])
def test_open_store_refuses_what_it_cannot_use_with_a_store_error(url: str) -> None:
    with pytest.raises(StoreError, match="cannot open store"):
        open_store(url)


def test_password_stays_out_of_the_error_message() -> None:
    with pytest.raises(StoreError) as caught:
        open_store("postgresql://someone:hunter2@127.0.0.1:1/x")
    assert "hunter2" not in str(caught.value)


def test_samples_give_the_same_events_mentions_claims_and_links(both: tuple[Store, Store]) -> None:
    lite, pg = both
    assert lite.counts() == pg.counts()
    assert lite.counts()["events"] > 10  # the corpus really was ingested
    assert list(lite.flat_events()) == list(pg.flat_events())
    assert lite.events() == pg.events()
    assert lite.mentions() == pg.mentions()
    assert lite.claims() == pg.claims()
    ids = [row["id"] for row in lite.flat_events()]
    assert [lite.links(i) for i in ids] == [pg.links(i) for i in ids]
    assert [lite.chain(i) for i in ids] == [pg.chain(i) for i in ids]
    # (documents() orders by the second each was stored, which two ingests need not share)
    assert lite.documents() != [] and sorted(d.id for d in lite.documents()) == sorted(d.id for d in pg.documents())
    assert pg.check() == [] and lite.check() == []


@pytest.mark.parametrize("filters", [
    {"country": "AF"}, {"country": "PK"}, {"since": date(2024, 1, 1)}, {"until": date(2023, 1, 1)},
    {"cross_border": True}, {"contested": False}, {"event_type": "Explosions/Remote violence"},
])
def test_filtered_event_lists_agree(both: tuple[Store, Store], filters: dict) -> None:
    lite, pg = both
    assert lite.events(**filters) == pg.events(**filters)


def test_a_rerun_adds_nothing(both: tuple[Store, Store]) -> None:
    _, pg = both
    before = pg.counts()
    summary = ingest_paths([SAMPLES], pg)
    assert "0 added" in summary.line()
    assert pg.counts() == before


def test_a_failed_document_is_recorded_and_later_replaced(pg_url: str) -> None:
    text = "Gunmen attacked a checkpost in North Waziristan on Tuesday, officials said."
    failed = Document(id=content_id(text), text=text, source="feed.xml", status=DocStatus.FAILED,
                      error="timeout: extraction took too long")
    with open_store(pg_url) as store:
        assert store.add_document(failed, []) is True
        assert store.failures() == [(failed.id, "feed.xml", "timeout: extraction took too long")]
        assert store.add_document(failed, []) is False  # recorded once
        ok = Document(id=failed.id, text=text, source="feed.xml")
        assert store.add_document(ok, []) is True
        assert store.failures() == []
        assert store.check() == []


def test_a_batch_with_a_bad_document_stores_the_others(pg_url: str) -> None:
    texts = ["Pakistani jets struck suspected hideouts of the Hafiz Gul Bahadur group in Spera district of "
             "Afghanistan's Khost province early on Monday, security officials said.",
             "A drone struck a house in Paktika, residents said."]
    docs = [Document(id=content_id(t), text=t, published=date(2024, 3, 18)) for t in texts]
    from borderwatch.extract import extract

    mentions = extract(docs[0])
    assert mentions
    with open_store(pg_url) as store:
        # docs[0]'s mentions handed with docs[1]: refused and recorded failed; docs[0] stored all the same
        results = store.add_documents([(docs[1], mentions), (docs[0], mentions)])
        assert isinstance(results[0], StoreError) and results[1] is True
        assert [f[0] for f in store.failures()] == [docs[1].id]
        assert store.counts()["mentions"] == len(mentions)
        assert store.check() == []


def _imported(n: int, release: int = 1) -> list[Event]:
    return [Event(id=f"ucdp-{i}", event_type="Battles", sub_event_type="Armed clash",
                  date=DateRange(date(2023, 5, i + 1), date(2023, 5, i + 1), Precision.DAY),
                  place=Place(id=f"g{i}", name="Chaman", country="PK", admin1="Balochistan", admin2="Killa Abdullah",
                              lat=30.92 + i / 100, lon=66.45, precision=1, border=True),
                  country="PK", actor1="PAK-MIL", actor2="AFG-TAL", fatalities_low=i, fatalities_best=i + release,
                  fatalities_high=i + 5, source=EventSource.UCDP, source_id=str(1000 + i),
                  source_actors=("Government of Pakistan", "Taleban"))
            for i in range(n)]


def test_imported_events_are_added_updated_and_left_alone_as_in_sqlite(pg_url: str, tmp_path: Path) -> None:
    with open_store(pg_url) as pg, open_store(tmp_path / "lite.db") as lite:
        for store in (pg, lite):
            first = store.add_events(_imported(3), batch=2)
            again = store.add_events(_imported(3))
            revised = store.add_events(_imported(4, release=2))
            assert (first.added, again.unchanged, revised.updated, revised.added) == (3, 3, 3, 1)
        assert list(pg.flat_events()) == list(lite.flat_events())
        assert pg.events(source="ucdp") == lite.events(source="ucdp")
        assert pg.check() == []


def test_backup_of_a_postgresql_store_says_to_use_pg_dump(pg_url: str, tmp_path: Path) -> None:
    with open_store(pg_url) as store, pytest.raises(StoreError, match="pg_dump"):
        store.backup(tmp_path / "copy.db")
    assert not (tmp_path / "copy.db").exists()


_INGEST = """
import sys
from pathlib import Path
from borderwatch.pipeline import ingest_paths
from borderwatch.store import open_store
with open_store(sys.argv[1]) as store:
    print(ingest_paths([Path(sys.argv[2])], store).line())
"""


def test_two_ingests_at_once_both_succeed_and_store_each_event_once(
        pg_url: str, both: tuple[Store, Store]) -> None:
    lite, _ = both
    runs = [subprocess.Popen([sys.executable, "-c", _INGEST, pg_url, str(SAMPLES)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    added = [int(out.split(" added")[0].rsplit(", ", 1)[-1]) for out, _ in outputs]
    assert sum(added) == lite.counts()["documents"]  # each document written by exactly one of them
    with open_store(pg_url) as pg:
        assert pg.check() == []
        assert pg.counts() == lite.counts()
        # both went through the corpus in order, so the documents were written in order: as one ingest
        assert list(pg.flat_events()) == list(lite.flat_events())
        assert pg.mentions() == lite.mentions()


# -- the API's queries


@pytest.mark.parametrize("query", [
    EventQuery(), EventQuery(country=("AF",)), EventQuery(country=("PK", "AF"), cross_border=True),
    EventQuery(since=date(2024, 1, 1)), EventQuery(until=date(2022, 12, 31)),
    EventQuery(text="Khost"), EventQuery(text="khost strikes"), EventQuery(text="North Waziristan"),
    EventQuery(text="al-Qaeda"), EventQuery(text="\"; DROP TABLE events; --"), EventQuery(text="nowhere-at-all"),
    EventQuery(event_type=("Battles",), contested=False), EventQuery(actor=("PAK-MIL",)),
    EventQuery(since=date(2023, 1, 1), until=date(2024, 6, 30), country=("AF", "PK"), contested=False),
])
def test_event_queries_agree(both: tuple[Store, Store], query: EventQuery) -> None:
    lite, pg = both
    assert lite.event_count(query) == pg.event_count(query)
    assert sorted(lite.event_points(query)) == sorted(pg.event_points(query))
    assert list(lite.event_rows(query)) == list(pg.event_rows(query))
    for period in ("day", "week", "month"):
        assert sorted(lite.event_period_counts(query, period), key=str) == sorted(
            pg.event_period_counts(query, period), key=str)
    for order in EventOrder:
        assert _all_pages(lite, query, order) == _all_pages(pg, query, order)


def _all_pages(store: Store, query: EventQuery, order: EventOrder) -> list[dict]:
    rows, key = store.event_page(query, order, limit=4)
    while key is not None:
        more, key = store.event_page(query, order, limit=4, after=key)
        rows.extend(more)
    return rows


def test_text_search_finds_what_it_should(both: tuple[Store, Store]) -> None:
    _, pg = both
    assert pg.event_count(EventQuery(text="Khost")) > 0
    assert pg.event_count(EventQuery(text="KHOST")) == pg.event_count(EventQuery(text="khost"))
    assert pg.event_count(EventQuery(text="zzqx")) == 0


@pytest.mark.parametrize(("text", "tsquery"), [
    ("Khost", "('Khost')"),
    ("al-Qaeda Kabul", "('al' <-> 'Qaeda') & ('Kabul')"),
    ("it's", "('it' <-> 's')"),
    ("' & ! |", None),
    ("", None),
])
def test_search_words_become_a_tsquery_without_operators(text: str, tsquery: str | None) -> None:
    assert postgres_text_match(text) == tsquery


def test_claim_and_document_pages_spans_and_mention_records_agree(both: tuple[Store, Store]) -> None:
    lite, pg = both
    for store_pages in ((lite.claim_page, pg.claim_page), (lite.document_page, pg.document_page)):
        pages = []
        for page in store_pages:
            rows, key = page(limit=7)
            while key is not None:
                more, key = page(limit=7, after=key)
                rows.extend(more)
            pages.append(rows)
        assert pages[0] == pages[1] and pages[0]
    doc_ids = [d.id for d in lite.documents()]
    assert lite.document_records(doc_ids, text=True) == pg.document_records(doc_ids, text=True)
    assert [lite.document_spans(i) for i in doc_ids] == [pg.document_spans(i) for i in doc_ids]
    event_ids = [r["id"] for r in lite.flat_events()]
    assert ([lite.mention_records(event_id=i) for i in event_ids]
            == [pg.mention_records(event_id=i) for i in event_ids])
    assert lite.events_by_id(event_ids[::-1]) == pg.events_by_id(event_ids[::-1])


def test_the_commands_take_a_postgresql_url(pg_url: str, tmp_path: Path):
    from typer.testing import CliRunner

    from borderwatch.cli import app

    def run(*args: str):
        return CliRunner().invoke(app, list(args), env={"COLUMNS": "250"}, prog_name="borderwatch")

    ingested = run("ingest", str(SAMPLES), "--db", pg_url)
    assert ingested.exit_code == 0 and "15 added" in ingested.output, ingested.output
    assert run("check", "--db", pg_url).exit_code == 0
    assert "ev-" in run("events", "--db", pg_url, "--limit", "3").output
    refused = run("backup", str(tmp_path / "copy.db"), "--db", pg_url)
    assert refused.exit_code == 2 and "pg_dump" in refused.output
    assert "://" in pg_url and "password" not in refused.output
