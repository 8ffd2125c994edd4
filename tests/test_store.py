"""The store: round trips, idempotence, failed documents, one transaction per document, filters, schema."""

from __future__ import annotations

import random
import sqlite3
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta

import pytest

from borderwatch import store as store_module
from borderwatch.errors import StoreError
from borderwatch.merge import content_words, event_id_for, killed_ranges, profile_of
from borderwatch.model import (
    Claim,
    ClaimKind,
    Count,
    DateRange,
    DocStatus,
    Document,
    Event,
    EventSource,
    LinkKind,
    Mention,
    MentionLink,
    Place,
    Precision,
    Sentence,
    Span,
    SpanKind,
)
from borderwatch.store import (
    CACHE_KIB,
    SCHEMA_VERSION,
    TABLES,
    EventOrder,
    EventQuery,
    ProfileCache,
    _event_predicates,
    open_store,
)

STRIKE_TEXT = (
    "Pakistani jets struck suspected TTP hideouts in Khost's Spera district early on Monday, "
    "killing eight people, Taliban spokesman Zabihullah Mujahid said. "
    "The ISPR said at least 20 militants were killed and denied that civilians were hit."
)
CLASH_TEXT = (
    "Border forces of the two countries exchanged fire at the Torkham crossing in November 2011, "
    "leaving three soldiers wounded, a Frontier Corps official told Dawn."
)
SPERA = Place("1127089", "Spera", "AF", "Khost", "Spera", 33.2126, 69.5176, 2, border=True)
TORKHAM = Place("1160944", "Torkham", "PK", "Khyber Pakhtunkhwa", "Khyber", 34.1348, 71.0781, 1, True)


def span_of(text: str, phrase: str, kind: SpanKind, value: str | None = None,
            field: str | None = None) -> Span:
    start = text.index(phrase)
    return Span(start, start + len(phrase), kind, phrase, value, field)


def sentence_of(text: str, words: str) -> Sentence:
    start = text.index(words)
    return Sentence(start, start + len(words), words)


def strike_mention(doc_id: str = "dawn-001", ordinal: int = 0) -> Mention:
    t = STRIKE_TEXT
    return Mention(
        doc_id=doc_id, ordinal=ordinal, event_type="Explosions/Remote violence",
        sub_event_type="Air/drone strike",
        date=DateRange(date(2024, 3, 18), date(2024, 3, 18), Precision.DAY), place=SPERA, country="AF",
        actor1="PAK-MIL", actor2="TTP",
        claims=[
            Claim(ClaimKind.KILLED, Count(count=8), "AFG-TALIBAN",
                  spans=(span_of(t, "eight", SpanKind.NUMBER, "8", "fatalities"),
                         span_of(t, "Zabihullah Mujahid", SpanKind.CLAIMANT, "AFG-TALIBAN", "claimant"))),
            Claim(ClaimKind.KILLED, Count(min=20), "PAK-MIL", victim_group="militants",
                  spans=(span_of(t, "at least 20", SpanKind.NUMBER, "20-", "fatalities"),)),
            Claim(ClaimKind.DENIED, None, "PAK-MIL"),
        ],
        spans=[span_of(t, "Pakistani jets", SpanKind.ACTOR, "PAK-MIL", "actor1"),
               span_of(t, "TTP", SpanKind.ACTOR, "TTP", "actor2"),
               span_of(t, "Spera", SpanKind.PLACE, "1127089", "place"),
               span_of(t, "Monday", SpanKind.DATE, "2024-03-18", "date"),
               span_of(t, "struck", SpanKind.TRIGGER)],
        evidence=[sentence_of(t, t.split(" The ISPR")[0]), sentence_of(t, t[t.index("The ISPR"):])],
        confidence=0.8, links=[MentionLink(LinkKind.RESPONDS_TO, None, "the attack on a check post in Mir Ali", 2)],
    )


def clash_mention(doc_id: str = "dawn-002") -> Mention:
    t = CLASH_TEXT
    return Mention(
        doc_id=doc_id, ordinal=0, event_type="Battles", sub_event_type="Armed clash",
        date=DateRange(date(2011, 11, 1), date(2011, 11, 30), Precision.MONTH), place=TORKHAM, country="PK",
        actor1="PAK-MIL", actor2="AFG-MIL",
        claims=[Claim(ClaimKind.INJURED, Count(count=3), None,
                      spans=(span_of(t, "three", SpanKind.NUMBER, "3", "injured"),))],
        spans=[span_of(t, "Torkham", SpanKind.PLACE, "1160944", "place")],
        evidence=[sentence_of(t, t)],
    )


def bare_mention(doc_id: str = "tolo-003") -> Mention:
    """What a vague report gives: no date, no place, no actors, no claims."""
    return Mention(doc_id, 0, "Battles", "Armed clash", None, None, "AF", None, None)


def document(doc_id: str, text: str, **fields) -> Document:
    return Document(id=doc_id, text=text, **fields)


@pytest.fixture
def store():
    with open_store(":memory:") as opened:
        yield opened


@pytest.mark.parametrize("mentions", [
    [strike_mention()],
    [strike_mention(ordinal=0), strike_mention(ordinal=1)],
    [clash_mention("dawn-001")],
    [bare_mention("dawn-001")],
])
def test_mentions_read_back_equal_to_what_was_added(store, mentions):
    assert store.add_document(document("dawn-001", STRIKE_TEXT), mentions)
    read = store.mentions(doc_id="dawn-001")
    assert [m for _, m in read] == mentions
    assert [event_id for event_id, _ in read] == [event_id_for(m.id) for m in mentions]


def test_document_fields_read_back_equal(store):
    doc = document("dawn-001", STRIKE_TEXT, url="https://www.dawn.com/news/1", title="Jets strike Khost",
                   outlet="Dawn", published=date(2024, 3, 18),
                   fetched=datetime(2024, 3, 19, 6, 30, tzinfo=UTC), language="en", source="feeds/dawn.xml")
    store.add_document(doc, [])
    assert store.documents() == [doc]
    assert store.document_text("dawn-001") == STRIKE_TEXT
    assert store.document_text("missing") is None


def test_event_is_rebuilt_with_its_mention_claims_and_spans(store):
    mention = strike_mention()
    store.add_document(document("dawn-001", STRIKE_TEXT), [mention])
    event = store.event(event_id_for(mention.id))
    assert event is not None
    assert event.mentions == [mention]
    assert (event.place, event.date, event.actor1, event.actor2) == (SPERA, mention.date, "PAK-MIL", "TTP")
    assert (event.fatalities_low, event.fatalities_best, event.fatalities_high) == (8, 8, 20)
    assert event.fatalities == 8
    assert store.event("ev-000000000000") is None


def test_re_adding_an_ok_document_changes_nothing(store):
    doc = document("dawn-001", STRIKE_TEXT)
    assert store.add_document(doc, [strike_mention()]) is True
    before = store.counts()
    assert store.add_document(doc, [strike_mention(ordinal=5), strike_mention(ordinal=6)]) is False
    assert store.counts() == before
    assert [m.ordinal for _, m in store.mentions()] == [0]


def test_failed_document_is_recorded_with_its_error(store):
    failed = document("x.pdf", "", status=DocStatus.FAILED, error="binary file (PDF)", source="inbox/x.pdf")
    assert store.add_document(failed, []) is True
    assert store.failures() == [("x.pdf", "inbox/x.pdf", "binary file (PDF)")]
    assert store.has_document("x.pdf")
    assert store.documents(DocStatus.OK) == []
    assert store.counts() == {"documents": 1, "failed": 1, "mentions": 0, "events": 0, "claims": 0}


def test_failed_document_is_replaced_when_it_arrives_ok(store):
    store.add_document(document("dawn-001", "", status=DocStatus.FAILED, error="timeout"), [])
    assert store.add_document(document("dawn-001", STRIKE_TEXT, outlet="Dawn"), [strike_mention()]) is True
    assert store.failures() == []
    assert store.documents()[0].outlet == "Dawn"
    assert store.counts()["mentions"] == 1


@pytest.mark.parametrize("first_status", [DocStatus.OK, DocStatus.FAILED])
def test_failure_never_overwrites_what_is_stored(store, first_status):
    first = document("dawn-001", STRIKE_TEXT, status=first_status, error="first error")
    store.add_document(first, [strike_mention()] if first_status is DocStatus.OK else [])
    again = document("dawn-001", "", status=DocStatus.FAILED, error="second error")
    assert store.add_document(again, []) is False
    assert store.documents() == [first]


def test_failed_document_with_mentions_is_refused(store):
    with pytest.raises(StoreError, match="failed"):
        store.add_document(document("dawn-001", "", status=DocStatus.FAILED, error="x"), [strike_mention()])


def test_mention_of_another_document_is_refused(store):
    with pytest.raises(StoreError, match="do not belong"):
        store.add_document(document("dawn-002", CLASH_TEXT), [strike_mention("dawn-001")])


def test_an_insert_failing_mid_document_leaves_nothing(store):
    # Two mentions with one ordinal: the document row and the first mention are written before the
    # second violates the primary key, so only a whole-document rollback leaves the store empty.
    mentions = [clash_mention("dawn-001"), strike_mention("dawn-001", ordinal=0)]
    mentions[1].ordinal = 0
    with pytest.raises(StoreError, match="dawn-001"):
        store.add_document(document("dawn-001", STRIKE_TEXT), mentions)
    assert not store.has_document("dawn-001")
    assert store.counts() == {"documents": 0, "failed": 0, "mentions": 0, "events": 0, "claims": 0}
    assert store.add_document(document("dawn-001", STRIKE_TEXT), [strike_mention()]) is True


@pytest.fixture
def filled(store):
    store.add_document(document("dawn-001", STRIKE_TEXT), [strike_mention()])
    store.add_document(document("dawn-002", CLASH_TEXT), [clash_mention()])
    store.add_document(document("tolo-003", "Clashes were reported."), [bare_mention()])
    return store


@pytest.mark.parametrize(("filters", "expected_docs"), [
    ({}, ["dawn-001", "dawn-002", "tolo-003"]),  # newest first, undated last
    ({"country": "AF"}, ["dawn-001", "tolo-003"]),
    ({"country": "pk"}, ["dawn-002"]),
    ({"actor": "TTP"}, ["dawn-001"]),  # actor2
    ({"actor": "PAK-MIL"}, ["dawn-001", "dawn-002"]),  # actor1
    ({"event_type": "Battles"}, ["dawn-002", "tolo-003"]),
    ({"since": date(2011, 11, 20)}, ["dawn-001", "dawn-002"]),  # a month-precise date overlaps its month
    ({"until": date(2011, 11, 5)}, ["dawn-002"]),
    ({"since": date(2012, 1, 1), "until": date(2024, 3, 17)}, []),
    ({"since": date(2024, 3, 18), "until": date(2024, 3, 18)}, ["dawn-001"]),
    ({"limit": 1}, ["dawn-001"]),  # newest first, so the limit keeps the newest
    ({"country": "AF", "actor": "PAK-MIL", "event_type": "Explosions/Remote violence"}, ["dawn-001"]),
])
def test_event_filters(filled, filters, expected_docs):
    assert [e.documents[0] for e in filled.events(**filters)] == expected_docs


def test_counts_and_mentions_listing(filled):
    assert filled.counts() == {"documents": 3, "failed": 0, "mentions": 3, "events": 3, "claims": 4}
    assert [m.doc_id for _, m in filled.mentions()] == ["dawn-001", "dawn-002", "tolo-003"]


def test_event_id_is_stable_and_short():
    assert event_id_for("dawn-001:0") == event_id_for("dawn-001:0")
    assert event_id_for("dawn-001:0") != event_id_for("dawn-001:1")
    assert len(event_id_for("dawn-001:0")) == len("ev-") + 12


def test_migrated_schema_matches_the_table_definitions(tmp_path):
    path = tmp_path / "events.db"
    open_store(path).close()
    with sqlite3.connect(path) as db:
        for table in TABLES:
            columns = [row[1] for row in db.execute(f"PRAGMA table_info({table.name})")]
            assert columns == [c.name for c in table.columns], table.name
        assert db.execute("SELECT version FROM schema_version").fetchall() == [(SCHEMA_VERSION,)]


# The filter date indexes as schema 5 made them (schema 9 adds date_end and the toll to each)
SCHEMA_5_DATE_INDEXES = (("country", "country"), ("admin1", "admin1"), ("actor1", "actor1"), ("actor2", "actor2"),
                         ("dyad", "actor1, actor2"), ("type", "event_type"), ("sub_type", "sub_event_type"),
                         ("source", "source"), ("contested", "contested"), ("cross_border", "cross_border"))


def _undo_schema_9(db: sqlite3.Connection) -> None:
    """Back to schema 8's indexes, as a borderwatch before schema 9 left the store."""
    db.execute("DROP INDEX ix_events_dyad_fatalities")
    for name, columns in SCHEMA_5_DATE_INDEXES:
        db.execute(f"DROP INDEX ix_events_{name}_date")
        db.execute(f"CREATE INDEX ix_events_{name}_date ON events ({columns}, date_start, id)")
    db.execute("UPDATE schema_version SET version = 8")


def test_upgrading_a_schema_7_store_writes_every_mentions_merge_words(tmp_path):
    """Schema 8 keeps each mention's merge words. A store made before it gets them on opening, computed as
    merging computes them from the evidence, and merging then reads the same profiles as from the mentions."""
    path = tmp_path / "events.db"
    with open_store(path) as store:
        store.add_document(document("dawn-001", STRIKE_TEXT), [strike_mention()])
        store.add_document(document("dawn-002", CLASH_TEXT), [clash_mention()])
    with sqlite3.connect(path) as db:  # back to schema 7, as an older borderwatch left it
        _undo_schema_9(db)
        db.execute("DROP INDEX ix_mentions_province")
        db.execute("DROP INDEX ix_mentions_fine")
        db.execute("CREATE INDEX ix_mentions_fine ON mentions (country, event_type, admin1, admin2, date_start)")
        db.execute("ALTER TABLE mentions DROP COLUMN merge_words")
        db.execute("UPDATE schema_version SET version = 7")
    db.close()
    with open_store(path) as store:
        stored = {m.id: m for _, m in store.mentions()}
    with sqlite3.connect(path) as db:
        words = dict(db.execute("SELECT id, merge_words FROM mentions"))
        rows = db.execute(f"SELECT {', '.join(store_module._PROFILE_COLUMNS)} FROM mentions").fetchall()
        indexes = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    db.close()
    assert set(words) == set(stored) == {"dawn-001:0", "dawn-002:0"}
    for mention_id, m in stored.items():
        assert words[mention_id] == " ".join(sorted(content_words(" ".join(s.text for s in m.evidence))))
    assert "ix_mentions_province" in indexes
    for row in rows:
        killed = killed_ranges(stored[row[0]].claims)
        assert store_module._profile_from_row(row, killed) == profile_of(stored[row[0]])


def test_file_store_settings_and_reopening_keeps_data(tmp_path):
    path = tmp_path / "events.db"
    with open_store(path) as first:
        first.add_document(document("dawn-001", STRIKE_TEXT), [strike_mention()])
    with open_store(path) as second:
        assert second.mentions()[0][1] == strike_mention()
        assert second.add_document(document("dawn-001", STRIKE_TEXT), [strike_mention()]) is False
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_store_from_a_newer_borderwatch_is_refused(tmp_path):
    path = tmp_path / "events.db"
    open_store(path).close()
    with sqlite3.connect(path) as db:
        db.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION + 1,))
    with pytest.raises(StoreError, match="upgrade borderwatch"):
        open_store(path)


@pytest.mark.parametrize("make_path", [
    lambda tmp: tmp / "no-such-dir" / "events.db",
    lambda tmp: tmp,  # a directory, not a database file
])
def test_unopenable_store_raises_store_error(tmp_path, make_path):
    with pytest.raises(StoreError, match="cannot open store"):
        open_store(make_path(tmp_path))


def test_not_a_database_raises_store_error(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a database " * 200)
    with pytest.raises(StoreError, match="cannot open store"):
        open_store(path)


def test_a_batch_stores_every_good_document_and_records_the_bad_one_as_failed(store):
    good_a = (document("dawn-001", STRIKE_TEXT), [strike_mention()])
    broken = (document("dawn-009", CLASH_TEXT), [clash_mention("dawn-002")])  # a mention of another document
    good_b = (document("dawn-002", CLASH_TEXT), [clash_mention()])
    results = store.add_documents([good_a, broken, good_b])
    assert results[0] is True and results[2] is True
    assert isinstance(results[1], StoreError) and "dawn-009" in str(results[1])
    assert store.has_document("dawn-001") and store.has_document("dawn-002")
    assert [d.id for d in store.documents(DocStatus.FAILED)] == ["dawn-009"]
    assert store.failures()[0][2].startswith("store: ")
    assert store.counts()["mentions"] == 2  # nothing of the broken document went in
    # a re-run of the same batch changes nothing
    assert store.add_documents([good_a, good_b]) == [False, False]
    assert store.counts()["documents"] == 3


def test_a_server_store_bounds_its_connections_and_their_page_cache(tmp_path):
    with open_store(tmp_path / "events.db", cache_kib=1024, connections=2) as store:
        pool = store._engine.pool
        assert (pool.size(), pool._max_overflow) == (2, 0)
        with store._engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == -1024
    with open_store(tmp_path / "events.db") as store, store._engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == -CACHE_KIB


def test_prewarm_reads_the_whole_file_only_when_it_fits_the_memory_available(tmp_path, monkeypatch):
    path = tmp_path / "events.db"
    with open_store(path) as store:
        store.add_events([Event(f"ucdp-{i}", "Battles", "Armed clash", None, None, "PK", None, None,
                                source=EventSource.UCDP, source_id=str(i)) for i in range(50)])
        size = path.stat().st_size
        assert size > 0 and store.prewarm() == size
        monkeypatch.setattr(store_module, "_available_memory", lambda: size * 2)
        assert store.prewarm(share=0.25) == 0  # the file is more than a quarter of what is free
        assert store.prewarm(share=0.75) == size
    with open_store(":memory:") as memory:
        assert memory.prewarm() == 0  # no file to read


def test_prewarm_keeps_this_process_s_sqlite_locks_so_its_readers_see_later_commits(tmp_path):
    path = tmp_path / "events.db"
    add = ("import sys\nfrom borderwatch.model import Event, EventSource\nfrom borderwatch.store import open_store\n"
           "with open_store(sys.argv[1]) as s:\n"
           "    s.add_events([Event(f'ucdp-{i}', 'Battles', 'Armed clash', None, None, 'PK', None, None,\n"
           "                        source=EventSource.UCDP, source_id=str(i))\n"
           "                  for i in range(int(sys.argv[2]), int(sys.argv[3]))])\n")
    with open_store(path) as store:  # as a server: its store open, then prewarmed, then others write
        assert store.counts()["events"] == 0
        assert store.prewarm() == path.stat().st_size
        subprocess.run([sys.executable, "-c", add, str(path), "0", "5"], check=True)
        assert store.counts()["events"] == 5
        subprocess.run([sys.executable, "-c", add, str(path), "5", "12"], check=True)
        assert store.counts()["events"] == 12  # read in this process, the file's close left it seeing 5


def test_profile_cache_stays_bounded_and_keeps_what_was_used_lately():
    cache = ProfileCache(size=4)
    for name in "abcd":
        cache.put(name, None)
    assert cache.get("a") is None and "a" in cache  # "a" is now the most recently used
    cache.put("e", None)  # full: the least recently used half (b, c) goes
    assert [name for name in "abcde" if name in cache] == ["a", "d", "e"]


# --- the API page planner (store._plan_page): every plan must give the pages plain SQL orderings give.
# The store is small, so the probes' and windows' limits are lowered to reach the plans a million-event
# store takes (a merge of common filters, a merge cut short and read again by SORT, a window by toll).

def _planner_events(n: int = 900) -> list:
    rng = random.Random(3)
    events = []
    for i in range(n):
        day = date(2021, 1, 1) + timedelta(days=rng.randrange(700))
        precision = rng.choice((Precision.DAY, Precision.DAY, Precision.DAY, Precision.MONTH, Precision.YEAR))
        end = day + timedelta(days={Precision.DAY: 0, Precision.MONTH: 30, Precision.YEAR: 364}[precision])
        country = rng.choice(("PK", "PK", "AF", "IR"))
        best = rng.choice((None, 0, 1, 2, 5, 30))
        cross = rng.random() < 0.15
        events.append(Event(
            id=f"plan-{rng.randrange(10**6):06d}-{i}", event_type=rng.choice(("Battles", "Riots")),
            sub_event_type=rng.choice(("Armed clash", "Attack", "Arrests")),
            date=None if rng.random() < 0.05 else DateRange(day, end, precision),
            place=Place(id=f"p:{i % 40}", name=f"Town {i % 40}", country=country,
                        admin1=("Khost", "Kunar", "Punjab")[i % 3], admin2=None, lat=33.0, lon=70.0, precision=1),
            country=country, actor1=rng.choice(("TTP", "PAK-MIL", "AFG-TAL")),
            actor2=rng.choice(("TTP", "PAK-MIL", "CIV-PAK", None)), fatalities_low=best, fatalities_best=best,
            fatalities_high=best, contested=rng.random() < 0.2, origin_country="AF" if cross else None,
            impact_country="PK" if cross else None, source=rng.choice((EventSource.UCDP, EventSource.ACLED)),
            source_id=str(i)))
    return events


@pytest.fixture(scope="module")
def planner_store(tmp_path_factory):
    path = tmp_path_factory.mktemp("planner") / "planner.db"
    with open_store(path) as store:
        store.add_events(_planner_events())
        yield store, path


def _plain_page_ids(path, order, where: str, params: list) -> list[str]:
    column = order.column
    direction = "DESC" if order.descending else "ASC"
    nulls = f"{column} IS NULL {'ASC' if order.descending else 'DESC'}"
    with sqlite3.connect(path) as db:
        sql = f"SELECT id FROM events e WHERE {where} ORDER BY {nulls}, {column} {direction}, id {direction}"
        return [row[0] for row in db.execute(sql, params)]


PLANNER_QUERIES = [
    dict(country=("PK",), contested=True),
    dict(actor2=("CIV-PAK",), cross_border=True, source=(EventSource.UCDP,)),
    dict(sub_event_type=("Attack",), admin1=("Khost",)),
    dict(country=("PK", "AF"), actor1=("TTP",), event_type=("Battles",)),
    dict(country=("PK", "IR"), admin1=("Kunar", "Punjab")),  # a second filter with several values: on the rows
    dict(dyad=(("TTP", "PAK-MIL"),), contested=False),
    dict(dyad=(("TTP", "PAK-MIL"), ("AFG-TAL", "CIV-PAK")), country=("AF",)),
    dict(actor=("PAK-MIL",), cross_border=True),
    dict(since=date(2021, 6, 1), until=date(2021, 7, 15)),
    dict(since=date(2021, 6, 1), until=date(2021, 9, 1), country=("PK",), contested=True),
    dict(text="town 7", country=("PK",)),
]


@pytest.mark.parametrize("filters", PLANNER_QUERIES)
@pytest.mark.parametrize("order_name", ["-date", "date", "-fatalities", "fatalities"])
def test_every_plan_pages_like_a_plain_sql_ordering(planner_store, monkeypatch, filters, order_name):
    monkeypatch.setattr(store_module, "PROBE_ROWS", 20)
    monkeypatch.setattr(store_module, "FALLBACK_PROBE_ROWS", 60)
    monkeypatch.setattr(store_module, "MERGE_WINDOW", 25)
    monkeypatch.setattr(store_module, "WALK_WINDOW", 40)
    query, order = EventQuery(**filters), EventOrder(order_name)
    where, params = _event_predicates(query, 366, store_module._SQLITE)
    store, path = planner_store
    expected = _plain_page_ids(path, order, where, params)
    assert expected, "the query must match something"
    got, key = [], None
    while True:
        rows, key = store.event_page(query, order, 7, key)
        got.extend(row["id"] for row in rows)
        if key is None:
            break
    assert got == expected


# --- schema 9 and the planner's choices, against a brute-force reading of the same events in Python.

def _matches(ev, query: EventQuery) -> bool:
    """Whether an event matches `query`, as docs/api.md states the filters (no text search here)."""
    dates, place = ev.date, ev.place
    if (query.since or query.until) and dates is None:
        return False
    return ((query.since is None or dates.end >= query.since) and (query.until is None or dates.start <= query.until)
            and (not query.country or ev.country in query.country)
            and (not query.admin1 or (place is not None and place.admin1 in query.admin1))
            and (not query.actor or ev.actor1 in query.actor or ev.actor2 in query.actor)
            and (not query.actor1 or ev.actor1 in query.actor1) and (not query.actor2 or ev.actor2 in query.actor2)
            and (not query.dyad or (ev.actor1, ev.actor2) in query.dyad)
            and (not query.event_type or ev.event_type in query.event_type)
            and (not query.sub_event_type or ev.sub_event_type in query.sub_event_type)
            and (not query.source or ev.source in query.source)
            and (query.contested is None or ev.contested == query.contested)
            and (query.cross_border is None or ev.cross_border == query.cross_border))


def _brute_force_ids(events, query: EventQuery, order: EventOrder) -> list[str]:
    """The matches in `order`: by the sort value, ties by id, events without one after the others going down
    and before them going up."""
    def value(ev):
        if order.column == "date_start":
            return None if ev.date is None else ev.date.start.isoformat()
        return ev.fatalities_best
    matched = [ev for ev in events if _matches(ev, query)]
    with_value = sorted((ev for ev in matched if value(ev) is not None), key=lambda ev: (value(ev), ev.id),
                        reverse=order.descending)
    without = sorted((ev for ev in matched if value(ev) is None), key=lambda ev: ev.id, reverse=order.descending)
    ordered = with_value + without if order.descending else without + with_value
    return [ev.id for ev in ordered]


def _paged_ids(store, query: EventQuery, order: EventOrder, limit: int) -> list[str]:
    got, key = [], None
    while True:
        rows, key = store.event_page(query, order, limit, key)
        got.extend(row["id"] for row in rows)
        if key is None:
            return got


@pytest.fixture
def planned(monkeypatch) -> list:
    """The plans `_plan_page` makes, in order."""
    plans: list = []
    plan_page = store_module._plan_page

    def recorded(*args, **kwargs):
        plans.append(plan_page(*args, **kwargs))
        return plans[-1]
    monkeypatch.setattr(store_module, "_plan_page", recorded)
    return plans


@pytest.mark.parametrize("filters", [
    dict(since=date(2021, 6, 1), until=date(2021, 9, 1), country=("PK",)),
    dict(since=date(2021, 3, 1), until=date(2021, 8, 1), cross_border=True, source=(EventSource.UCDP,)),
    dict(since=date(2022, 1, 1), until=date(2022, 4, 1), dyad=(("TTP", "PAK-MIL"),)),
    dict(since=date(2021, 11, 1), until=date(2022, 2, 1), actor=("PAK-MIL", "CIV-PAK"), contested=False),
    dict(since=date(2022, 5, 1), country=("PK", "IR"), admin1=("Khost", "Punjab")),  # a second list: on the rows
])
@pytest.mark.parametrize("order_name", ["-fatalities", "fatalities"])
def test_a_toll_order_within_a_date_window_sorts_the_windows_keys(planner_store, monkeypatch, planned, filters,
                                                                     order_name):
    """In a toll order, a date window with other filters is read from the merge of the filters' date indexes
    (schema 9: they hold date_end and the toll) and sorted: every page as a brute-force filter and sort of the
    same events gives it, across pages, events without a toll included."""
    monkeypatch.setattr(store_module, "PROBE_ROWS", 20)  # every filter is common in 900 events
    monkeypatch.setattr(store_module, "FALLBACK_PROBE_ROWS", 1_000)  # and a window's keys are few
    query, order = EventQuery(**filters), EventOrder(order_name)
    store, _ = planner_store
    expected = _brute_force_ids(_planner_events(), query, order)
    assert len(expected) > 7, "the query must fill more than one page"
    assert _paged_ids(store, query, order, 7) == expected
    assert {(p.plan, p.sort_by) for p in planned} == {(store_module._Plan.SORT, "dates")}
    assert all(p.merged for p in planned)  # the keys come from the merge, not the date index alone


def test_a_filter_matching_a_large_share_is_left_to_the_rows(planner_store, monkeypatch, planned):
    """A merge steps through every entry of every filter: one matching about half the store costs more
    entries than the rows it would spare, so it is checked on the rows; the pages are the same."""
    monkeypatch.setattr(store_module, "PROBE_ROWS", 20)
    monkeypatch.setattr(store_module, "ROW_COST", 5)  # the fixture's shares are large: a row costs 5 entries
    query = EventQuery(source=(EventSource.UCDP,), cross_border=True, contested=True)
    store, _ = planner_store
    for order in EventOrder:
        planned.clear()
        assert _paged_ids(store, query, order, 3) == _brute_force_ids(_planner_events(), query, order)
        merged = {arm for plan in planned for group in plan.merged for arm in group}
        assert merged == {("cross_border = ?", (1,)), ("contested = ?", (1,))}, order


def test_the_cheapest_merge_keeps_the_groups_that_spare_more_rows_than_they_cost():
    rare, common, half = (("a = ?", (1,)),), (("b = ?", (1,)),), (("c = ?", (1,)),)
    shares = {store_module._condition(g): s for g, s in ((rare, 0.03), (common, 0.05), (half, 0.5))}
    # with 0.03 merged, 0.05 costs its entries against 0.03 * 0.95 * ROW_COST rows: merged; then 0.5 costs
    # its entries against 0.0015 * 0.5 * ROW_COST rows: left to the rows
    assert store_module._cheapest_merge((half, common, rare), shares) == (common, rare)
    assert store_module._cheapest_merge((half,), shares) == (half,)  # the last filter is always merged


@pytest.mark.parametrize("filters", [dict(text="town 7"), dict(text="town 7", country=("PK",)),
                                     dict(text="town 12", contested=False, source=(EventSource.ACLED,))])
def test_a_rare_search_is_listed_once_and_its_pages_are_the_searchs(planner_store, planned, filters):
    """A search with fewer matches than PROBE_ROWS is run once, when it is probed: the page's statements read
    the list of its matches instead of searching again."""
    query = EventQuery(**filters)
    store, path = planner_store
    where, params = _event_predicates(query, None, store_module._SQLITE)
    for order in EventOrder:
        expected = _plain_page_ids(path, order, where, params)
        assert len(expected) > 3
        assert _paged_ids(store, query, order, 3) == expected
    assert {t.sql for plan in planned for t in plan.terms if t.name == "text"} == {store_module._SQLITE.search_among}


def test_pages_skip_the_segment_without_values_only_when_there_is_none(tmp_path, planner_store, monkeypatch):
    """Events without the order's value are read in a segment of their own; a store where every event has a
    date and a toll pages the same without reading that segment, one with such events reads it."""
    segments: list[bool] = []
    page_statements = store_module._page_statements

    def recorded(query, order, plan, null_segment, *args):
        segments.append(null_segment)
        return page_statements(query, order, plan, null_segment, *args)
    monkeypatch.setattr(store_module, "_page_statements", recorded)
    events = [ev for ev in _planner_events() if ev.date is not None and ev.fatalities_best is not None]
    queries = (EventQuery(), EventQuery(country=("PK",)), EventQuery(contested=True, source=(EventSource.UCDP,)))
    with open_store(tmp_path / "full.db") as store:
        store.add_events(events)
        for order in EventOrder:
            for query in queries:
                assert _paged_ids(store, query, order, 9) == _brute_force_ids(events, query, order)
    assert segments and not any(segments)
    store, _ = planner_store
    for order in EventOrder:
        assert _paged_ids(store, queries[1], order, 9) == _brute_force_ids(_planner_events(), queries[1], order)
    assert any(segments)


def test_upgrading_a_schema_8_store_rebuilds_the_date_indexes_and_keeps_every_event(tmp_path):
    """Schema 9 adds date_end and the toll to every filter's date index and a toll index for dyads; a store
    made before it is upgraded on opening, keeps its events, and pages as before."""
    path = tmp_path / "events.db"
    events = _planner_events(300)
    with open_store(path) as store:
        store.add_events(events)
        before = list(store.flat_events())
    with sqlite3.connect(path) as db:
        _undo_schema_9(db)
        old_index = [r[2] for r in db.execute("PRAGMA index_info(ix_events_country_date)")]
        assert old_index == ["country", "date_start", "id"]
    db.close()
    with open_store(path) as store:
        assert list(store.flat_events()) == before
        query = EventQuery(since=date(2021, 5, 1), until=date(2021, 12, 1), actor1=("TTP",))
        for order in EventOrder:
            assert _paged_ids(store, query, order, 4) == _brute_force_ids(events, query, order)
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT version FROM schema_version").fetchall() == [(SCHEMA_VERSION,)]
        for name, columns in SCHEMA_5_DATE_INDEXES:
            indexed = [r[2] for r in db.execute(f"PRAGMA index_info(ix_events_{name}_date)")]
            assert indexed == [*columns.split(", "), "date_start", "id", "date_end", "fatalities_best"]
        assert [r[2] for r in db.execute("PRAGMA index_info(ix_events_dyad_fatalities)")] == [
            "actor1", "actor2", "fatalities_best", "id"]
    db.close()
