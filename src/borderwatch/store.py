"""The event store: the only module that talks SQL (SQLAlchemy Core; SQLite by default, PostgreSQL for
many writers and large data).

Every `add_document` is one transaction: the document row, its mentions, their claims, spans and
evidence sentences, and the events built from them commit together or not at all. The schema is created
and upgraded by `MIGRATIONS`, a list of SQL steps per version applied in order; the `Table` objects below
describe the current schema for queries, and a test proves the two agree.

The SQL is written once, in SQLite's dialect; `_Dialect` holds the few differences PostgreSQL needs
(migration steps translated or replaced, `?` parameters, the write lock, text search, index hints).
See docs/store-and-export.md and docs/scaling.md.
"""

from __future__ import annotations

import enum
import functools
import itertools
import json
import os
import re
import sqlite3
import subprocess
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from operator import itemgetter
from pathlib import Path
from sys import intern
from types import TracebackType
from typing import Any

import psycopg
from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Float,
    Integer,
    MetaData,
    Select,
    String,
    Table,
    create_engine,
    event,
    func,
    or_,
    select,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.pool import StaticPool

from borderwatch.errors import StoreError
from borderwatch.merge import (
    COARSE_REACH_DAYS,
    DAY_LAG,
    FINE_PRECISIONS,
    MAX_MEMBERS_SCORED,
    Decision,
    Profile,
    blocks,
    choose_event,
    content_words,
    count_range,
    derive_event,
    event_id_for,
    profile_of,
    wave_id_for,
)
from borderwatch.model import (
    Claim,
    ClaimKind,
    Count,
    DateRange,
    DocStatus,
    Document,
    Event,
    EventLink,
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

MEMORY = ":memory:"
# How long a writer waits for another process's write lock before giving up, in milliseconds.
BUSY_TIMEOUT_MS = 10_000
# SQLite's page cache per connection, in KiB.
CACHE_KIB = 32_768
# Store.prewarm reads a database file only when it is under this share of the memory available, a few
# MiB at a time.
PREWARM_SHARE = 0.25
PREWARM_CHUNK = 8 << 20
PREWARM_TIMEOUT_S = 600
# What Store.prewarm's child process runs: read the file (argv[1]) to its end, print the bytes read.
_READ_FILE = """
import sys
done = 0
with open(sys.argv[1], "rb", buffering=0) as file:
    while chunk := file.read(int(sys.argv[2])):
        done += len(chunk)
print(done)
"""
# The PostgreSQL advisory lock every writer holds for its transaction ("bord" in ASCII, so it is unlikely
# to meet another application's key in a shared database).
WRITE_LOCK_KEY = 0x626F7264
# What the drivers raise (the raw cursors bypass SQLAlchemy's wrapping).
_DRIVER_ERRORS: tuple[type[Exception], ...] = (sqlite3.Error, psycopg.Error)
_DB_ERRORS: tuple[type[Exception], ...] = (SQLAlchemyError, *_DRIVER_ERRORS)

# ---------------------------------------------------------------------------------------------- schema

# Location columns shared by `mentions` and `events`, in this order (the migration SQL spells them out).
_PLACE_DDL = """
    place_id TEXT, location TEXT, place_country TEXT, country TEXT, admin1 TEXT, admin2 TEXT,
    latitude REAL, longitude REAL, geo_precision INTEGER, border INTEGER"""
# What the text search (migration 5) indexes of an event's own columns; `{e}` is the row's name.
_EVENT_TEXT_COLUMNS = ("location", "admin2", "admin1", "actor1", "actor2", "source_actor1", "source_actor2")
# (concat_ws would say it shorter, but needs SQLite 3.44; Debian 12 ships 3.40.)
_EVENT_PLACE_TEXT = " || ' ' || ".join(f"coalesce({{e}}.{c}, '')" for c in ("location", "admin2", "admin1"))
_EVENT_ACTOR_TEXT = " || ' ' || ".join(f"coalesce({{e}}.{c}, '')"
                                       for c in ("actor1", "actor2", "source_actor1", "source_actor2"))

# Reports of an event whose evidence the text search indexes: the first ones, which tell what happened;
# later ones add little to find it by and cost a re-indexing of the whole text each (migration 6).
SEARCHED_MENTIONS = 4
_FIRST_MENTIONS_SQL = (f"(SELECT COUNT(*) FROM (SELECT 1 FROM mentions WHERE event_id = new.event_id "
                       f"LIMIT {SEARCHED_MENTIONS + 1}) AS first) <= {SEARCHED_MENTIONS}")

# MIGRATIONS[i] brings a database from version i to version i + 1. Append, never edit a released step.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE documents (
            id TEXT PRIMARY KEY, url TEXT, title TEXT, outlet TEXT, published TEXT, fetched TEXT,
            language TEXT NOT NULL, source TEXT, status TEXT NOT NULL, error TEXT, text TEXT NOT NULL,
            ingested_at TEXT NOT NULL)""",
        "CREATE INDEX ix_documents_status ON documents (status)",
        f"""CREATE TABLE events (
            id TEXT PRIMARY KEY, event_type TEXT NOT NULL, sub_event_type TEXT NOT NULL,
            date_start TEXT, date_end TEXT, date_precision TEXT,{_PLACE_DDL},
            actor1 TEXT, actor2 TEXT, fatalities_low INTEGER, fatalities_best INTEGER,
            fatalities_high INTEGER, n_mentions INTEGER NOT NULL, n_documents INTEGER NOT NULL)""",
        "CREATE INDEX ix_events_date_start ON events (date_start, id)",  # also serves ORDER BY,
        "CREATE INDEX ix_events_country ON events (country)",
        "CREATE INDEX ix_events_actor1 ON events (actor1)",
        "CREATE INDEX ix_events_actor2 ON events (actor2)",
        "CREATE INDEX ix_events_event_type ON events (event_type)",
        f"""CREATE TABLE mentions (
            id TEXT PRIMARY KEY,
            doc_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
            ordinal INTEGER NOT NULL, event_id TEXT NOT NULL REFERENCES events (id),
            event_type TEXT NOT NULL, sub_event_type TEXT NOT NULL,
            date_start TEXT, date_end TEXT, date_precision TEXT,{_PLACE_DDL},
            actor1 TEXT, actor2 TEXT, confidence REAL NOT NULL,
            evidence TEXT, evidence_start INTEGER, evidence_end INTEGER, links TEXT,
            UNIQUE (doc_id, ordinal))""",
        "CREATE INDEX ix_mentions_event_id ON mentions (event_id)",
        """CREATE TABLE evidence (
            mention_id TEXT NOT NULL REFERENCES mentions (id) ON DELETE CASCADE,
            ordinal INTEGER NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL, text TEXT NOT NULL,
            PRIMARY KEY (mention_id, ordinal))""",
        """CREATE TABLE claims (
            id TEXT PRIMARY KEY,
            mention_id TEXT NOT NULL REFERENCES mentions (id) ON DELETE CASCADE,
            ordinal INTEGER NOT NULL, kind TEXT NOT NULL, count INTEGER, min INTEGER, max INTEGER,
            claimant TEXT, victim_group TEXT)""",
        "CREATE INDEX ix_claims_mention_id ON claims (mention_id)",
        """CREATE TABLE spans (
            id INTEGER PRIMARY KEY,
            doc_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
            mention_id TEXT NOT NULL REFERENCES mentions (id) ON DELETE CASCADE,
            claim_id TEXT REFERENCES claims (id) ON DELETE CASCADE,
            field TEXT, kind TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
            text TEXT NOT NULL, value TEXT)""",
        "CREATE INDEX ix_spans_mention_id ON spans (mention_id)",
    ),
    (  # 2: merging, the claims ledger, cross-border facts and links between events
        "ALTER TABLE events ADD COLUMN contested INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE events ADD COLUMN origin_country TEXT",
        "ALTER TABLE events ADD COLUMN impact_country TEXT",
        "ALTER TABLE events ADD COLUMN cross_border INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE events ADD COLUMN stance TEXT",
        "ALTER TABLE mentions ADD COLUMN origin_country TEXT",
        "ALTER TABLE mentions ADD COLUMN wave INTEGER",
        "ALTER TABLE mentions ADD COLUMN merge_score REAL",
        "ALTER TABLE mentions ADD COLUMN merge_why TEXT",
        "CREATE INDEX ix_mentions_block ON mentions (country, date_start)",
        "CREATE INDEX ix_mentions_district ON mentions (country, admin1, admin2, date_start)",
        "CREATE INDEX ix_events_cross_border ON events (cross_border)",
        """CREATE TABLE links (
            id INTEGER PRIMARY KEY,
            event_id TEXT NOT NULL REFERENCES events (id),
            kind TEXT NOT NULL, target_event_id TEXT REFERENCES events (id), wave TEXT,
            description TEXT, days_before INTEGER,
            mention_id TEXT REFERENCES mentions (id) ON DELETE CASCADE)""",
        "CREATE INDEX ix_links_event_id ON links (event_id)",
        "CREATE INDEX ix_links_target ON links (target_event_id)",
        "CREATE INDEX ix_links_wave ON links (wave)",
    ),
    (  # 3: the merge blocks as indexes (merge.blocks): type, province, district, then dates; coarse
        # mentions (month, season, year) apart, as a day-precise report looks only for those in its district
        "CREATE INDEX ix_mentions_fine ON mentions (country, event_type, admin1, admin2, date_start)",
        "CREATE INDEX ix_mentions_coarse ON mentions (country, event_type, admin1, admin2, date_start) "
        "WHERE date_precision NOT IN ('day', 'week')",
    ),
    (  # 4: events imported from UCDP GED and ACLED beside the news-coded ones, never merged with them
        "ALTER TABLE events ADD COLUMN source TEXT NOT NULL DEFAULT 'news'",
        "ALTER TABLE events ADD COLUMN source_id TEXT",
        "ALTER TABLE events ADD COLUMN source_actor1 TEXT",
        "ALTER TABLE events ADD COLUMN source_actor2 TEXT",
        "CREATE INDEX ix_events_source ON events (source, date_start)",
    ),
    (  # 5: the API's queries (docs/api.md). Each common filter leads an index that ends in the keyset
        # order (date_start, id), so "newest 100 of X" reads 100 index entries whatever X's size; these
        # replace the single-column ones (the flags' too: few events are contested). The longest date range
        # is an indexed expression, so a `since` filter can bound its scan by date_start. `event_text` is
        # the text search (location, actors, evidence), one row per event, kept in step with every write
        # by the triggers below; `event_text_keys` gives each event a stable integer key (VACUUM may
        # renumber the rowids of events, whose key is text).
        "DROP INDEX ix_events_country",
        "DROP INDEX ix_events_actor1",
        "DROP INDEX ix_events_actor2",
        "DROP INDEX ix_events_event_type",
        "DROP INDEX ix_events_cross_border",
        "CREATE INDEX ix_events_country_date ON events (country, date_start, id)",
        "CREATE INDEX ix_events_admin1_date ON events (admin1, date_start, id)",
        "CREATE INDEX ix_events_actor1_date ON events (actor1, date_start, id)",
        "CREATE INDEX ix_events_actor2_date ON events (actor2, date_start, id)",
        "CREATE INDEX ix_events_dyad_date ON events (actor1, actor2, date_start, id)",
        "CREATE INDEX ix_events_type_date ON events (event_type, date_start, id)",
        "CREATE INDEX ix_events_sub_type_date ON events (sub_event_type, date_start, id)",
        "CREATE INDEX ix_events_source_date ON events (source, date_start, id)",
        "CREATE INDEX ix_events_contested_date ON events (contested, date_start, id)",
        "CREATE INDEX ix_events_cross_border_date ON events (cross_border, date_start, id)",
        "CREATE INDEX ix_events_fatalities ON events (fatalities_best, id)",
        "CREATE INDEX ix_events_span ON events (julianday(date_end) - julianday(date_start))",
        "CREATE TABLE event_text_keys (text_rowid INTEGER PRIMARY KEY, event_id TEXT NOT NULL UNIQUE)",
        "CREATE VIRTUAL TABLE event_text USING fts5(place, actors, evidence, "
        "tokenize = 'unicode61 remove_diacritics 2')",
        f"""CREATE TRIGGER event_text_on_insert AFTER INSERT ON events BEGIN
            INSERT INTO event_text_keys (event_id) VALUES (new.id);
            INSERT INTO event_text (rowid, place, actors, evidence)
            VALUES (last_insert_rowid(), {_EVENT_PLACE_TEXT.format(e="new")}, {_EVENT_ACTOR_TEXT.format(e="new")}, '');
        END""",
        f"""CREATE TRIGGER event_text_on_update AFTER UPDATE OF location, admin1, admin2, actor1, actor2,
            source_actor1, source_actor2 ON events
            WHEN {" OR ".join(f"new.{c} IS NOT old.{c}" for c in _EVENT_TEXT_COLUMNS)} BEGIN
            UPDATE event_text SET place = {_EVENT_PLACE_TEXT.format(e="new")},
                actors = {_EVENT_ACTOR_TEXT.format(e="new")}
            WHERE rowid = (SELECT text_rowid FROM event_text_keys WHERE event_id = new.id);
        END""",
        """CREATE TRIGGER event_text_on_delete AFTER DELETE ON events BEGIN
            DELETE FROM event_text WHERE rowid = (SELECT text_rowid FROM event_text_keys WHERE event_id = old.id);
            DELETE FROM event_text_keys WHERE event_id = old.id;
        END""",
        # once per mention (its `evidence` column joins its sentences), not once per sentence
        """CREATE TRIGGER event_text_on_mention AFTER INSERT ON mentions WHEN new.evidence IS NOT NULL BEGIN
            UPDATE event_text SET evidence = evidence || ' ' || new.evidence
            WHERE rowid = (SELECT text_rowid FROM event_text_keys WHERE event_id = new.event_id);
        END""",
        "INSERT INTO event_text_keys (event_id) SELECT id FROM events ORDER BY rowid",
        f"""INSERT INTO event_text (rowid, place, actors, evidence)
            SELECT k.text_rowid, {_EVENT_PLACE_TEXT.format(e="e")}, {_EVENT_ACTOR_TEXT.format(e="e")},
                   coalesce((SELECT group_concat(m.evidence, ' ') FROM mentions m WHERE m.event_id = e.id), '')
            FROM events e JOIN event_text_keys k ON k.event_id = e.id""",
    ),
    (  # 6: the search index keeps the evidence of an event's first SEARCHED_MENTIONS reports only. Appending
        # every report re-tokenised the whole, ever longer text of a much-reported event on each new one,
        # which made ingest slower the fuller the store (18 ms a document at 20,000 documents).
        "DROP TRIGGER event_text_on_mention",
        f"""CREATE TRIGGER event_text_on_first_mentions AFTER INSERT ON mentions
            WHEN new.evidence IS NOT NULL AND {_FIRST_MENTIONS_SQL} BEGIN
            UPDATE event_text SET evidence = evidence || ' ' || new.evidence
            WHERE rowid = (SELECT text_rowid FROM event_text_keys WHERE event_id = new.event_id);
        END""",
    ),
    (  # 7: pages in the fatalities orders. Each common filter also leads an index ending in that keyset order
        # (fatalities_best, id), so a page of several filters is an ordered merge (intersection) of these
        # indexes alone, as a date-ordered page is of the (filter, date_start, id) ones: a rare combination of
        # common filters reads index entries, never the rows of one filter's 50,000 to 200,000 matches.
        # (source, date_start) is a prefix of (source, date_start, id): it only cost ingest time. The date index
        # also holds date_end and the toll: a date window's walk skips, without reading their rows, the events
        # that start before it but end too soon (a year-precise event widens every window by a year), and
        # reads the window's tolls from the index.
        "DROP INDEX ix_events_source",
        "DROP INDEX ix_events_date_start",
        "CREATE INDEX ix_events_date_start ON events (date_start, id, date_end, fatalities_best)",
        *(f"CREATE INDEX ix_events_{name}_fatalities ON events ({column}, fatalities_best, id)"
          for name, column in (("country", "country"), ("admin1", "admin1"), ("actor1", "actor1"),
                               ("actor2", "actor2"), ("type", "event_type"), ("sub_type", "sub_event_type"),
                               ("source", "source"), ("contested", "contested"), ("cross_border", "cross_border"))),
    ),
    (  # 8: merging at scale. A month-precise report meets its province's events of overlapping months: at
        # 40,000 documents that query walked every mention of the country in a year's window (5 ms), and each
        # candidate's profile re-read the words of its evidence (40 us a member, ~100 members a mention).
        # The province block gets its own index, and each mention keeps its merge words, written once. The
        # block indexes cover what the candidate queries read (date_end, precision, event), so a window's
        # walk reads no mention row.
        "ALTER TABLE mentions ADD COLUMN merge_words TEXT",
        "CREATE INDEX ix_mentions_province ON mentions "
        "(country, admin1, event_type, date_start, date_end, date_precision, event_id)",
        "DROP INDEX ix_mentions_fine",
        "CREATE INDEX ix_mentions_fine ON mentions "
        "(country, event_type, admin1, admin2, date_start, date_end, date_precision, event_id)",
    ),
    (  # 9: pages within a date window. Each filter's date index also holds date_end and the toll, as the date
        # index does since 7: a merge in date order checks the window's end on index entries (an event that
        # starts up to a year before `since` but ends before it is skipped without reading its row), and a page
        # in a toll order reads the window's (toll, id) keys from the merge of these indexes and sorts them,
        # without reading a row: in toll order the window cannot bound an index walk. A dyad gets its toll index,
        # so a merge in a toll order finds the pair, not every event of its first actor.
        "CREATE INDEX ix_events_dyad_fatalities ON events (actor1, actor2, fatalities_best, id)",
        *(step for name, columns in (("country", "country"), ("admin1", "admin1"), ("actor1", "actor1"),
                                     ("actor2", "actor2"), ("dyad", "actor1, actor2"), ("type", "event_type"),
                                     ("sub_type", "sub_event_type"), ("source", "source"),
                                     ("contested", "contested"), ("cross_border", "cross_border"))
          for step in (f"DROP INDEX ix_events_{name}_date",
                       f"CREATE INDEX ix_events_{name}_date ON events "
                       f"({columns}, date_start, id, date_end, fatalities_best)")),
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)

# ------------------------------------------------------------------- the schema on PostgreSQL
# MIGRATIONS translated step by step (_postgres_steps), so a new migration is written once. What does not
# translate is replaced: the text search becomes a plain table with a GIN index (see docs/scaling.md for
# why not ILIKE), the triggers become PL/pgSQL, and `julianday` becomes a SQL function that gives the
# same numbers, so every query and the ix_events_span expression read the same on both backends.

# The text the search indexes: everything but letters and digits made a space, as SQLite's unicode61
# tokenizer splits words, so "al-Qaeda" matches the words al and qaeda on both backends.
_POSTGRES_SEARCH_TEXT = "regexp_replace(place || ' ' || actors || ' ' || evidence, '[^[:alnum:]]+', ' ', 'g')"
_POSTGRES_SEARCH_VECTOR = f"to_tsvector('simple', {_POSTGRES_SEARCH_TEXT})"
_POSTGRES_TRIGGER = """CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            {body};
            RETURN NULL;
        END $$"""
# step prefix in MIGRATIONS → the PostgreSQL steps that replace it (none: nothing needed)
_POSTGRES_REPLACEMENTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("CREATE INDEX ix_events_span", (
        # ISO dates (all the store writes) read the same under any DateStyle, so IMMUTABLE holds
        "CREATE FUNCTION julianday(day text) RETURNS double precision LANGUAGE sql IMMUTABLE STRICT "
        "PARALLEL SAFE AS $$ SELECT ((day::date - DATE '1970-01-01') + 2440587.5)::double precision $$",
        "CREATE INDEX ix_events_span ON events ((julianday(date_end) - julianday(date_start)))",
    )),
    ("CREATE TABLE event_text_keys", (
        """CREATE TABLE event_text (
            event_id TEXT COLLATE "C" PRIMARY KEY REFERENCES events (id) ON DELETE CASCADE,
            place TEXT NOT NULL, actors TEXT NOT NULL, evidence TEXT NOT NULL)""",
        f"CREATE INDEX ix_event_text_search ON event_text USING gin ({_POSTGRES_SEARCH_VECTOR})",
    )),
    ("CREATE VIRTUAL TABLE event_text", ()),
    ("CREATE TRIGGER event_text_on_insert", (
        _POSTGRES_TRIGGER.format(name="event_text_on_insert", body=(
            "INSERT INTO event_text (event_id, place, actors, evidence) VALUES (new.id, "
            f"{_EVENT_PLACE_TEXT.format(e='new')}, {_EVENT_ACTOR_TEXT.format(e='new')}, '')")),
        "CREATE TRIGGER event_text_on_insert AFTER INSERT ON events FOR EACH ROW "
        "EXECUTE FUNCTION event_text_on_insert()",
    )),
    ("CREATE TRIGGER event_text_on_update", (
        _POSTGRES_TRIGGER.format(name="event_text_on_update", body=(
            f"UPDATE event_text SET place = {_EVENT_PLACE_TEXT.format(e='new')}, "
            f"actors = {_EVENT_ACTOR_TEXT.format(e='new')} WHERE event_id = new.id")),
        "CREATE TRIGGER event_text_on_update AFTER UPDATE OF location, admin1, admin2, actor1, actor2, "
        "source_actor1, source_actor2 ON events FOR EACH ROW WHEN ("
        + " OR ".join(f"new.{c} IS DISTINCT FROM old.{c}" for c in _EVENT_TEXT_COLUMNS)
        + ") EXECUTE FUNCTION event_text_on_update()",
    )),
    ("CREATE TRIGGER event_text_on_delete", ()),  # the foreign key's ON DELETE CASCADE does it
    ("CREATE TRIGGER event_text_on_mention", (
        _POSTGRES_TRIGGER.format(name="event_text_on_mention", body=(
            "UPDATE event_text SET evidence = evidence || ' ' || new.evidence WHERE event_id = new.event_id")),
        "CREATE TRIGGER event_text_on_mention AFTER INSERT ON mentions FOR EACH ROW "
        "WHEN (new.evidence IS NOT NULL) EXECUTE FUNCTION event_text_on_mention()",
    )),
    ("DROP TRIGGER event_text_on_mention", (
        "DROP TRIGGER event_text_on_mention ON mentions",
        "DROP FUNCTION event_text_on_mention()",
    )),
    ("CREATE TRIGGER event_text_on_first_mentions", (
        """CREATE FUNCTION event_text_on_first_mentions() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF """ + _FIRST_MENTIONS_SQL + """ THEN
                UPDATE event_text SET evidence = evidence || ' ' || new.evidence WHERE event_id = new.event_id;
            END IF;
            RETURN NULL;
        END $$""",
        "CREATE TRIGGER event_text_on_first_mentions AFTER INSERT ON mentions FOR EACH ROW "
        "WHEN (new.evidence IS NOT NULL) EXECUTE FUNCTION event_text_on_first_mentions()",
    )),
    ("INSERT INTO event_text_keys", ()),
    ("INSERT INTO event_text (rowid", (
        f"""INSERT INTO event_text (event_id, place, actors, evidence)
            SELECT e.id, {_EVENT_PLACE_TEXT.format(e="e")}, {_EVENT_ACTOR_TEXT.format(e="e")},
                   coalesce((SELECT string_agg(m.evidence, ' ' ORDER BY m.rowid) FROM mentions m
                             WHERE m.event_id = e.id), '')
            FROM events e""",
    )),
)
# Tables whose insertion order the queries read (ORDER BY rowid, keyset pages): PostgreSQL has no rowid,
# so they get one, an identity column.
_POSTGRES_ROWID_TABLE = re.compile(r"^CREATE TABLE (documents|mentions|claims) \(")
_POSTGRES_TEXT = re.compile(r"\bTEXT\b")


def _postgres_steps(step: str) -> tuple[str, ...]:
    """One SQLite migration step as PostgreSQL steps. Text columns collate "C" (byte order, as SQLite's
    BINARY), so keyset pages and sorted results come out the same on both; REAL is double precision
    there as here (PostgreSQL's REAL is 4 bytes)."""
    for prefix, replacement in _POSTGRES_REPLACEMENTS:
        if step.startswith(prefix):
            return replacement
    if step.startswith(("CREATE TABLE", "ALTER TABLE")):
        step = _POSTGRES_TEXT.sub('TEXT COLLATE "C"', step)
        step = step.replace("INTEGER PRIMARY KEY", "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY")
        step = step.replace(" REAL", " DOUBLE PRECISION")
        step = _POSTGRES_ROWID_TABLE.sub(r"CREATE TABLE \1 (rowid BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE, ", step)
    return (step,)


POSTGRES_MIGRATIONS: tuple[tuple[str, ...], ...] = tuple(
    tuple(translated for step in steps for translated in _postgres_steps(step)) for steps in MIGRATIONS)

_metadata = MetaData()


def _place_columns() -> list[Column]:
    return [
        Column("place_id", String),
        Column("location", String),
        Column("place_country", String),
        Column("country", String),
        Column("admin1", String),
        Column("admin2", String),
        Column("latitude", Float),
        Column("longitude", Float),
        Column("geo_precision", Integer),
        Column("border", Integer),
    ]


documents_table = Table(
    "documents", _metadata,
    Column("id", String, primary_key=True), Column("url", String), Column("title", String),
    Column("outlet", String), Column("published", String), Column("fetched", String),
    Column("language", String), Column("source", String), Column("status", String),
    Column("error", String), Column("text", String), Column("ingested_at", String),
)
events_table = Table(
    "events", _metadata,
    Column("id", String, primary_key=True), Column("event_type", String), Column("sub_event_type", String),
    Column("date_start", String), Column("date_end", String), Column("date_precision", String),
    *_place_columns(),
    Column("actor1", String), Column("actor2", String), Column("fatalities_low", Integer),
    Column("fatalities_best", Integer), Column("fatalities_high", Integer),
    Column("n_mentions", Integer), Column("n_documents", Integer),
    Column("contested", Integer), Column("origin_country", String), Column("impact_country", String),
    Column("cross_border", Integer), Column("stance", String),
    Column("source", String), Column("source_id", String), Column("source_actor1", String),
    Column("source_actor2", String),
)
mentions_table = Table(
    "mentions", _metadata,
    Column("id", String, primary_key=True), Column("doc_id", String), Column("ordinal", Integer),
    Column("event_id", String), Column("event_type", String), Column("sub_event_type", String),
    Column("date_start", String), Column("date_end", String), Column("date_precision", String),
    *_place_columns(),
    Column("actor1", String), Column("actor2", String), Column("confidence", Float),
    Column("evidence", String), Column("evidence_start", Integer), Column("evidence_end", Integer),
    Column("links", String), Column("origin_country", String), Column("wave", Integer),
    Column("merge_score", Float), Column("merge_why", String), Column("merge_words", String),
)
evidence_table = Table(
    "evidence", _metadata,
    Column("mention_id", String, primary_key=True), Column("ordinal", Integer, primary_key=True),
    Column("start", Integer), Column("end", Integer), Column("text", String),
)
claims_table = Table(
    "claims", _metadata,
    Column("id", String, primary_key=True), Column("mention_id", String), Column("ordinal", Integer),
    Column("kind", String), Column("count", Integer), Column("min", Integer), Column("max", Integer),
    Column("claimant", String), Column("victim_group", String),
)
spans_table = Table(
    "spans", _metadata,
    Column("id", Integer, primary_key=True), Column("doc_id", String), Column("mention_id", String),
    Column("claim_id", String), Column("field", String), Column("kind", String),
    Column("start", Integer), Column("end", Integer), Column("text", String), Column("value", String),
)
links_table = Table(
    "links", _metadata,
    Column("id", Integer, primary_key=True), Column("event_id", String), Column("kind", String),
    Column("target_event_id", String), Column("wave", String), Column("description", String),
    Column("days_before", Integer), Column("mention_id", String),
)
schema_version_table = Table("schema_version", _metadata, Column("version", Integer))

TABLES: tuple[Table, ...] = (
    documents_table, events_table, mentions_table, evidence_table, claims_table, spans_table, links_table,
)

# ------------------------------------------------------------------------------------- engine set-up


@functools.lru_cache(maxsize=4096)
def _postgres_sql(sql: str) -> str:
    """The store's SQL (qmark `?` parameters) for psycopg (`%s`). No statement has a `?` or `%` inside
    a literal, so a plain replacement is exact; cached, as the same few statements run per document."""
    return sql.replace("%", "%%").replace("?", "%s")


class _PostgresCursor:
    """A psycopg cursor that takes the store's SQLite-style SQL; otherwise as the DB-API cursor."""

    __slots__ = ("_cursor",)

    def __init__(self, cursor: psycopg.Cursor) -> None:
        self._cursor = cursor

    def execute(self, sql: str, params: Sequence[Any] = ()) -> _PostgresCursor:
        self._cursor.execute(_postgres_sql(sql), params)
        return self

    def executemany(self, sql: str, params: Iterable[Sequence[Any]]) -> None:
        self._cursor.executemany(_postgres_sql(sql), params)

    def fetchone(self) -> tuple | None:
        return self._cursor.fetchone()

    def fetchall(self) -> list[tuple]:
        return self._cursor.fetchall()

    def __iter__(self) -> Iterator[tuple]:
        return iter(self._cursor)

    @property
    def description(self) -> list[tuple[str]]:
        return [(c.name,) for c in self._cursor.description or ()]

    def close(self) -> None:
        self._cursor.close()


class _PostgresConnection:
    """A psycopg connection whose `execute` takes the store's SQLite-style SQL, as sqlite3's does."""

    __slots__ = ("_connection",)

    def __init__(self, connection: psycopg.Connection) -> None:
        self._connection = connection

    def execute(self, sql: str, params: Sequence[Any] = ()) -> _PostgresCursor:
        return _PostgresCursor(self._connection.cursor()).execute(sql, params)


def _sqlite_cursor(connection: sqlite3.Connection) -> sqlite3.Cursor:
    return connection.cursor()


def _sqlite_connection(connection: sqlite3.Connection) -> sqlite3.Connection:
    return connection


def _postgres_cursor(connection: psycopg.Connection) -> _PostgresCursor:
    return _PostgresCursor(connection.cursor())


def _fts5_search(text: str | None) -> tuple[str, ...]:
    match = text_match(text)
    return (match,) if match is not None else ()


def _postgres_search(text: str | None) -> tuple[str, ...]:
    query = postgres_text_match(text)
    return (query,) if query is not None else ()


@dataclass(frozen=True, slots=True)
class _Dialect:
    """What differs between the backends; everything else is one SQL text for both."""

    name: str
    migrations: tuple[tuple[str, ...], ...]
    cursor: Callable[[Any], Any]  # driver connection → a cursor taking `?` parameters
    connection: Callable[[Any], Any]  # driver connection → an object whose execute takes `?` parameters
    # Taken first in every write transaction (SQLite: BEGIN IMMEDIATE does it), with WRITE_LOCK_KEY
    write_lock: str | None
    # The column prefix that keeps the planner off a column's index: SQLite's unary `+`; PostgreSQL's
    # planner takes no such hint and has no unary + on text.
    unindexed: str
    # The text search: the search words as parameters (none: no search), a filter on `events {c}` with
    # those parameters, and a count of its matches up to a limit (one more parameter)
    search_params: Callable[[str | None], tuple[str, ...]]
    search_filter: str
    search_probe: str
    # The search's matches listed (keys of the search index, up to a limit: one more parameter; as cheap as
    # counting them), and a filter on `events {c}` keeping the events of such a list (one parameter: a JSON array)
    search_matches: str
    search_among: str
    search_rows: str  # how many events the search index holds
    period_starts: Mapping[str, str] = field(default_factory=dict)
    check_pragmas: bool = False


def _engine_for(path: str | Path, cache_kib: int = CACHE_KIB, connections: int | None = None) -> Engine:
    # With `connections`, the pool never holds more (a request waits for a free one): with `cache_kib`,
    # that bounds the memory a long-running server's page caches can fill as the store grows.
    pool = {} if connections is None else {"pool_size": connections, "max_overflow": 0}
    if isinstance(path, str) and path.startswith(("postgresql:", "postgresql+")):
        return _postgres_engine(path, pool)
    if str(path) == MEMORY:
        # One connection for the life of the store, or each checkout would see a fresh empty database.
        engine = create_engine("sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False})
    else:
        file = Path(path)
        if not file.parent.is_dir():
            raise StoreError(f"cannot open store {file}: directory {file.parent} does not exist")
        engine = create_engine(f"sqlite:///{file}", **pool)
    event.listen(engine, "connect", functools.partial(_configure_connection, cache_kib=cache_kib))
    event.listen(engine, "begin", _begin_transaction)
    return engine


def _postgres_engine(url: str, pool: Mapping[str, int]) -> Engine:
    parsed = make_url(url)
    if parsed.drivername not in ("postgresql", "postgresql+psycopg"):
        raise StoreError(f"cannot open store {parsed.render_as_string()}: use postgresql:// or "
                         "postgresql+psycopg:// (the psycopg 3 driver)")
    return create_engine(parsed.set(drivername="postgresql+psycopg"), **pool)


def _printable(path: str | Path) -> str:
    """The store's name for messages: a database URL without its password."""
    if isinstance(path, str) and path.startswith("postgresql"):
        try:
            return make_url(path).render_as_string(hide_password=True)
        except SQLAlchemyError:
            return "the PostgreSQL database given"
    return str(path)


def _configure_connection(dbapi_connection: Any, _record: Any, cache_kib: int = CACHE_KIB) -> None:
    # Take transaction control away from the sqlite3 driver, which would not BEGIN before a SELECT;
    # _begin_transaction emits BEGIN itself so reads and writes are properly isolated.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers never block the ingest writer
    cursor.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: durable on crash, no fsync per commit
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA wal_autocheckpoint=10000")  # pages; fewer checkpoint stalls in bulk ingest
    # Merging reads candidate events back while writing; SQLite's default 2 MB page cache makes each
    # read go to the OS once the store outgrows it. Bounded, so memory stays flat in corpus size.
    cursor.execute(f"PRAGMA cache_size=-{int(cache_kib)}")
    cursor.close()


def _begin_transaction(conn: Connection) -> None:
    # Writers take the write lock up front (IMMEDIATE), so the "already stored?" check and the inserts
    # that follow it cannot interleave with another process ingesting the same document.
    mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
    conn.connection.driver_connection.execute(f"BEGIN {mode}")  # the driver directly: ~40 us cheaper


def _dialect_of(engine: Engine) -> _Dialect:
    return _POSTGRES if engine.dialect.name == "postgresql" else _SQLITE


@contextmanager
def _write_cursor(conn: Connection, dialect: _Dialect) -> Iterator[Any]:
    """The driver's cursor (taking `?` parameters) in one write transaction, holding the write lock."""
    conn.execution_options(sqlite_begin="IMMEDIATE")
    with conn.begin():
        cursor = dialect.cursor(conn.connection.driver_connection)
        try:
            if dialect.write_lock is not None:
                cursor.execute(dialect.write_lock, (WRITE_LOCK_KEY,))
            yield cursor
        finally:
            cursor.close()


def _migrate(engine: Engine) -> None:
    dialect = _dialect_of(engine)
    # under the write lock: two processes opening a new PostgreSQL database at once migrate it once
    with engine.connect() as conn, _write_cursor(conn, dialect) as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        row = cursor.execute("SELECT version FROM schema_version").fetchone()
        version = row[0] if row is not None else None
        if version is None:
            cursor.execute("INSERT INTO schema_version (version) VALUES (0)")
            version = 0
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"the store's schema version {version} is newer than this borderwatch understands "
                f"({SCHEMA_VERSION}); upgrade borderwatch"
            )
        for steps in dialect.migrations[version:]:
            for step in steps:
                cursor.execute(step)
        if 0 < version < MERGE_WORDS_VERSION:
            _backfill_merge_words(cursor)
        cursor.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION,))


MERGE_WORDS_VERSION = 8  # the schema that stores each mention's merge words


def _backfill_merge_words(cursor: Any) -> None:
    """The merge words of the mentions stored before schema 8, computed once as merging reads them (in
    Python: SQL has no `content_words`), in the upgrade's transaction."""
    after = -1
    while rows := cursor.execute("SELECT rowid, id, evidence FROM mentions WHERE merge_words IS NULL AND rowid > ? "
                                 "ORDER BY rowid LIMIT 5000", (after,)).fetchall():
        cursor.executemany("UPDATE mentions SET merge_words = ? WHERE id = ?",
                           [(" ".join(sorted(content_words(evidence or ""))), mention_id)
                            for _, mention_id, evidence in rows])
        after = rows[-1][0]


def _available_memory() -> int:
    """Bytes of memory the system can give without swapping: Linux's MemAvailable (free memory plus
    the cache it may drop), else the free pages; 0 when neither is known."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return 0


def open_store(path: str | Path = "borderwatch.db", *, cache_kib: int = CACHE_KIB,
               connections: int | None = None) -> Store:
    """Open (creating or upgrading the schema) the store at `path`; ":memory:" gives a throwaway one; a
    `postgresql://user@host:port/database` URL (or `postgresql+psycopg://`) a store on PostgreSQL.
    `cache_kib` is SQLite's page cache per connection; `connections` caps the pool (default: SQLAlchemy's
    5 plus 10 overflow), so a server's memory stays bounded however large the store grows."""
    try:
        engine = _engine_for(path, cache_kib, connections)
    except SQLAlchemyError as e:
        raise StoreError(f"cannot open store {_printable(path)}: {_reason(e)}") from e
    try:
        _migrate(engine)
    except _DB_ERRORS as e:
        engine.dispose()
        raise StoreError(f"cannot open store {_printable(path)}: {_reason(e)}") from e
    except StoreError:
        engine.dispose()
        raise
    return Store(engine)


def _reason(error: Exception) -> str:
    return str(error.orig) if isinstance(error, DBAPIError) else str(error)


# ------------------------------------------------------------------------------------ rows and records


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _parse_day(value: str | None) -> date | None:
    if value is None:
        return None
    # `published` may have been given as a datetime (a date subclass); keep what was stored.
    return datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)


def _date_columns(dates: DateRange | None) -> dict[str, Any]:
    if dates is None:
        return {"date_start": None, "date_end": None, "date_precision": None}
    return {"date_start": dates.start.isoformat(), "date_end": dates.end.isoformat(),
            "date_precision": dates.precision.value}


def _place_row(place: Place | None) -> dict[str, Any]:
    if place is None:
        return dict.fromkeys(("place_id", "location", "place_country", "admin1", "admin2", "latitude",
                              "longitude", "geo_precision", "border"))
    return {"place_id": place.id, "location": place.name, "place_country": place.country,
            "admin1": place.admin1, "admin2": place.admin2, "latitude": place.lat, "longitude": place.lon,
            "geo_precision": place.precision, "border": int(place.border)}


def _document_row(doc: Document, ingested_at: str) -> dict[str, Any]:
    return {"id": doc.id, "url": doc.url, "title": doc.title, "outlet": doc.outlet,
            "published": _iso(doc.published), "fetched": _iso(doc.fetched), "language": doc.language,
            "source": doc.source, "status": doc.status.value, "error": doc.error, "text": doc.text,
            "ingested_at": ingested_at}


def _event_row(ev: Event) -> dict[str, Any]:
    return {"id": ev.id, "event_type": ev.event_type, "sub_event_type": ev.sub_event_type,
            **_date_columns(ev.date), **_place_row(ev.place), "country": ev.country,
            "actor1": ev.actor1, "actor2": ev.actor2, "fatalities_low": ev.fatalities_low,
            "fatalities_best": ev.fatalities_best, "fatalities_high": ev.fatalities_high,
            "n_mentions": len(ev.mentions), "n_documents": len(ev.documents), "contested": int(ev.contested),
            "origin_country": ev.origin_country, "impact_country": ev.impact_country,
            "cross_border": int(ev.cross_border), "stance": ev.stance, "source": ev.source.value,
            "source_id": ev.source_id, "source_actor1": ev.source_actors[0], "source_actor2": ev.source_actors[1]}


def _mention_row(m: Mention, event_id: str, decision: Decision | None,
                 words: frozenset[str] | None = None) -> dict[str, Any]:
    evidence = m.evidence
    return {"id": m.id, "doc_id": m.doc_id, "ordinal": m.ordinal, "event_id": event_id,
            "event_type": m.event_type, "sub_event_type": m.sub_event_type, **_date_columns(m.date),
            **_place_row(m.place), "country": m.country, "actor1": m.actor1, "actor2": m.actor2,
            "confidence": m.confidence,
            "evidence": " ".join(s.text for s in evidence) if evidence else None,
            "evidence_start": min(s.start for s in evidence) if evidence else None,
            "evidence_end": max(s.end for s in evidence) if evidence else None,
            "links": json.dumps([link.as_dict() for link in m.links]) if m.links else None,
            "origin_country": m.origin_country, "wave": m.wave,
            "merge_score": round(decision.score, 4) if decision is not None and decision.event_id else None,
            "merge_why": json.dumps(decision.why) if decision is not None else None,
            "merge_words": " ".join(sorted(words)) if words is not None else None}


# Spans are the most numerous rows, so they skip the dict: _span_params follows this column order.
_SPAN_COLUMNS = ("doc_id", "mention_id", "claim_id", "field", "kind", "start", "end", "text", "value")


def _span_params(span: Span, doc_id: str, mention_id: str, claim_id: str | None) -> tuple:
    return (doc_id, mention_id, claim_id, span.field, span.kind.value, span.start, span.end, span.text,
            span.value)


def _claim_id(mention_id: str, ordinal: int) -> str:
    return f"{mention_id}/{ordinal}"


@dataclass(frozen=True, slots=True)
class _Insert:
    """A prepared INSERT for one table and how to turn a row dict into its parameters.

    Ingest speed rests on this: one executemany of plain tuples per table per document, with no
    statement compilation or per-row parameter processing in between.
    """

    sql: str
    params: Callable[[Mapping[str, Any]], tuple]

    @classmethod
    def of(cls, table: Table, names: Sequence[str] | None = None) -> _Insert:
        names = names or [c.name for c in table.columns]
        quoted = ", ".join(f'"{name}"' for name in names)
        placeholders = ", ".join("?" * len(names))
        getter = itemgetter(*names)
        return cls(f"INSERT INTO {table.name} ({quoted}) VALUES ({placeholders})", getter)


_INSERT_DOCUMENT = _Insert.of(documents_table)
_UPDATE_DOCUMENT = ("UPDATE documents SET " + ", ".join(f'"{c.name}" = ?' for c in documents_table.columns)
                    + " WHERE id = ?")
# Children in the order their foreign keys need: an event before the mentions that point to it.
_INSERT_EVENT = _Insert.of(events_table)
_EVENT_COLUMNS = ", ".join(f'"{c.name}"' for c in events_table.columns)


@dataclass(slots=True)
class ImportCount:
    """What an import did: rows new to the store, rows revised, rows already there as they are."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
_INSERT_MENTION = _Insert.of(mentions_table)
_INSERT_EVIDENCE = _Insert.of(evidence_table)
_INSERT_CLAIM = _Insert.of(claims_table)
_INSERT_SPAN = _Insert.of(spans_table, _SPAN_COLUMNS)  # no id: the rowid keeps the spans in order given


class _Rows:
    """The rows of one document's mentions, table by table, as parameter tuples for one executemany each.
    Events are not here: the merge step writes them, as it has to read the store to place each mention."""

    __slots__ = ("mentions", "evidence", "claims", "spans")

    def __init__(self, mentions: Sequence[Mention], event_of: Mapping[str, str],
                 decisions: Mapping[str, Decision], words: Mapping[str, frozenset[str]]) -> None:
        self.mentions: list[tuple] = []
        self.evidence: list[tuple] = []
        self.claims: list[tuple] = []
        self.spans: list[tuple] = []
        for m in mentions:
            self._add_mention(m, event_of[m.id], decisions.get(m.id), words.get(m.id))

    def _add_mention(self, m: Mention, event_id: str, decision: Decision | None,
                     words: frozenset[str] | None) -> None:
        mention_id, doc_id = m.id, m.doc_id
        self.mentions.append(_INSERT_MENTION.params(_mention_row(m, event_id, decision, words)))
        self.evidence.extend(
            _INSERT_EVIDENCE.params({"mention_id": mention_id, "ordinal": i, "start": s.start, "end": s.end,
                                     "text": s.text}) for i, s in enumerate(m.evidence))
        self.spans.extend(_span_params(s, doc_id, mention_id, None) for s in m.spans)
        for i, claim in enumerate(m.claims):
            claim_id = _claim_id(mention_id, i)
            count = claim.count or Count()
            self.claims.append(_INSERT_CLAIM.params({
                "id": claim_id, "mention_id": mention_id, "ordinal": i, "kind": claim.kind.value,
                "count": count.count, "min": count.min, "max": count.max, "claimant": claim.claimant,
                "victim_group": claim.victim_group}))
            self.spans.extend(_span_params(s, doc_id, mention_id, claim_id) for s in claim.spans)

    def inserts(self) -> tuple[tuple[str, list[tuple]], ...]:
        return ((_INSERT_MENTION.sql, self.mentions), (_INSERT_EVIDENCE.sql, self.evidence),
                (_INSERT_CLAIM.sql, self.claims), (_INSERT_SPAN.sql, self.spans))


def _write_rows(cursor: Any, doc: Document, mentions: Sequence[Mention],
                profiles: ProfileCache | None = None) -> bool:
    stored = cursor.execute("SELECT status FROM documents WHERE id = ?", (doc.id,)).fetchone()
    if stored is not None and (stored[0] == DocStatus.OK or doc.status is DocStatus.FAILED):
        return False
    if doc.status is DocStatus.FAILED and mentions:
        raise StoreError(f"document {doc.id} failed ({doc.error}); a failed document carries no mentions")
    strangers = [m.id for m in mentions if m.doc_id != doc.id]
    if strangers:
        raise StoreError(f"mentions {strangers} do not belong to document {doc.id}")
    row = _INSERT_DOCUMENT.params(_document_row(doc, datetime.now(UTC).isoformat(timespec="seconds")))
    if stored is None:
        cursor.execute(_INSERT_DOCUMENT.sql, row)
    else:
        # An UPDATE, not DELETE + INSERT: a failed document has no children to cascade to.
        cursor.execute(_UPDATE_DOCUMENT, (*row, doc.id))
    if mentions:
        _merge_and_write(cursor, mentions, profiles)
    return True


# ------------------------------------------------------------------------------------ merging in SQL

# What a merge profile reads of a mention row, in _profile_from_row's order.
_PROFILE_COLUMNS = ("id", "doc_id", "event_type", "sub_event_type", "date_start", "date_end", "date_precision",
                    "country", "place_id", "place_country", "admin1", "admin2", "latitude", "longitude",
                    "geo_precision", "actor1", "actor2", "merge_words",
                    "CASE WHEN merge_words IS NULL THEN evidence END")
_FINE_PRECISIONS = tuple(p.value for p in FINE_PRECISIONS)


def _candidate_events(cursor: Any, p: Profile) -> set[str]:
    """Ids of events with a mention in one of `p`'s blocks (merge.blocks) whose dates can meet `p`'s."""
    found = blocks(p)
    ids: set[str] = set()
    if found.fine is not None:
        # as Merger indexes them: a district's events and those of reports naming only its province or
        # only the country; a province's (all its districts); or, for a report naming none, the country's.
        # One indexed query per place key (ix_mentions_fine), always of the report's event type.
        if p.admin1 is not None and p.admin2 is not None:
            places = [("admin1 = ? AND admin2 = ?", (p.admin1, p.admin2)),
                      ("admin1 = ? AND admin2 IS NULL", (p.admin1,)), ("admin1 IS NULL", ())]
        elif p.admin1 is not None:
            places = [("admin1 = ?", (p.admin1,)), ("admin1 IS NULL", ())]
        else:
            places = [("TRUE", ())]
        fine_marks = ", ".join("?" * len(_FINE_PRECISIONS))
        for place, place_args in places:
            # the index scans a week back for week-long ranges; date_end keeps only those that reach p
            rows = cursor.execute(
                f"SELECT DISTINCT event_id FROM mentions WHERE country = ? AND event_type = ? AND {place} "
                f"AND date_start BETWEEN ? AND ? AND date_end >= ? AND date_precision IN ({fine_marks})",
                (p.country, p.event_type, *place_args, found.fine[0].isoformat(), found.fine[1].isoformat(),
                 (p.start - timedelta(days=DAY_LAG)).isoformat(), *_FINE_PRECISIONS)).fetchall()
            ids.update(r[0] for r in rows)
    if found.district is not None:
        country, admin1, admin2, start, end = found.district
        # a fine report's fine candidates came through the fine block: here only the district's coarse ones
        # (the literal matches the partial index ix_mentions_coarse, so SQLite can use it)
        coarse = "AND date_precision NOT IN ('day', 'week')" if p.fine else ""
        rows = cursor.execute(
            "SELECT DISTINCT event_id FROM mentions WHERE country = ? AND event_type = ? AND admin1 = ? "
            f"AND admin2 = ? AND date_start BETWEEN ? AND ? AND date_end >= ? {coarse}",
            (country, p.event_type, admin1, admin2, (start - timedelta(days=COARSE_REACH_DAYS)).isoformat(),
             end.isoformat(), start.isoformat())).fetchall()
        ids.update(r[0] for r in rows)
    if found.province is not None:
        country, admin1, start, end = found.province
        rows = cursor.execute(
            "SELECT DISTINCT event_id FROM mentions WHERE country = ? AND admin1 = ? AND date_precision != ? "
            "AND date_start BETWEEN ? AND ? AND date_end >= ? AND event_type = ?",
            (country, admin1, Precision.YEAR.value, (start - timedelta(days=COARSE_REACH_DAYS)).isoformat(),
             end.isoformat(), start.isoformat(), p.event_type)).fetchall()
        ids.update(r[0] for r in rows)
    return ids


def _profiles_of_events(cursor: Any, event_ids: Sequence[str],
                        cache: ProfileCache | None = None) -> dict[str, list[Profile]]:
    """Each event's members as merge profiles, in the order they joined: only the first
    MAX_MEMBERS_SCORED of each (the ones merging scores), so big events stay cheap. Profiles already in
    `cache` are not rebuilt: a stored mention never changes, and the same recent events are candidates for
    document after document."""
    members: list[tuple[str, str]] = []
    for i in range(0, len(event_ids), _IN_CHUNK):
        chunk = list(event_ids[i:i + _IN_CHUNK])
        members.extend(cursor.execute(
            f"SELECT id, event_id FROM (SELECT id, event_id, ROW_NUMBER() OVER (PARTITION BY event_id ORDER BY "
            f"rowid) AS n, rowid AS r FROM mentions WHERE event_id IN ({', '.join('?' * len(chunk))})) AS ranked "
            "WHERE n <= ? ORDER BY r", (*chunk, MAX_MEMBERS_SCORED)).fetchall())
    cache = cache if cache is not None else ProfileCache()
    missing = [mention_id for mention_id, _ in members if mention_id not in cache]
    for j in range(0, len(missing), _IN_CHUNK):
        part = missing[j:j + _IN_CHUNK]
        marks = ", ".join("?" * len(part))
        killed: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for mention_id, count, low, high in cursor.execute(
                f"SELECT mention_id, count, min, max FROM claims WHERE kind = 'killed' AND mention_id IN ({marks}) "
                "ORDER BY mention_id, ordinal", part):
            if count is not None or low is not None:  # merge.killed_ranges, without building the claims
                killed[mention_id].append(count_range(count, low, high))
        for row in cursor.execute(f"SELECT {', '.join(_PROFILE_COLUMNS)} FROM mentions WHERE id IN ({marks})", part):
            cache.put(row[0], _profile_from_row(row, tuple(killed.get(row[0], ()))))
    out: dict[str, list[Profile]] = defaultdict(list)
    for mention_id, event_id in members:
        profile = cache.get(mention_id)
        if profile is not None:
            out[event_id].append(profile)
    return out


class ProfileCache:
    """Merge profiles of stored mentions by id, at most `size` of them (about 2 KB each; when full, the
    half least recently used is dropped): memory stays bounded however big the store grows, and the
    events recent documents keep meeting stay in. None is cached too (a mention nothing can block on)."""

    def __init__(self, size: int = 8_000) -> None:
        self.size = size
        self._profiles: dict[str, Profile | None] = {}

    def __contains__(self, mention_id: str) -> bool:
        return mention_id in self._profiles

    def get(self, mention_id: str) -> Profile | None:
        if mention_id not in self._profiles:
            return None
        profile = self._profiles[mention_id] = self._profiles.pop(mention_id)  # now the most recently used
        return profile

    def put(self, mention_id: str, profile: Profile | None) -> None:
        if len(self._profiles) >= self.size:
            for old in list(itertools.islice(self._profiles, self.size // 2)):
                del self._profiles[old]
        self._profiles[mention_id] = profile


def _profile_from_row(row: Sequence[Any], killed: tuple[tuple[int, int], ...]) -> Profile | None:
    """merge.profile_from for a row of _PROFILE_COLUMNS, built straight from the columns: merging reads
    about a hundred stored profiles for each new mention in a busy store, and a place, a date range and
    claims made only to be taken apart again cost more than the rest of the profile."""
    (mention_id, doc_id, event_type, sub_event_type, start, end, precision, country, place_id, place_country,
     admin1, admin2, lat, lon, geo_precision, actor1, actor2, words, evidence) = row
    if start is None or country is None:
        return None
    here = place_id is not None and place_country == country  # a place abroad says nothing of where
    return Profile(
        id=mention_id, doc_id=doc_id, event_type=intern(event_type), sub_event_type=intern(sub_event_type),
        start=_iso_day(start), end=_iso_day(end), precision=_PRECISIONS[precision], country=intern(country),
        admin1=_interned(admin1) if here else None, admin2=_interned(admin2) if here else None,
        place_id=_interned(place_id) if here else None, place_precision=geo_precision if here else None,
        lat=lat if here else None, lon=lon if here else None, actor1=_interned(actor1), actor2=_interned(actor2),
        killed=killed,
        # the words merging read when the mention was written; a row without them (none since the upgrade
        # to schema 8 backfilled them) has them read from its evidence
        words=frozenset(map(intern, words.split())) if words is not None else content_words(evidence or ""),
    )


_iso_day = functools.lru_cache(maxsize=16_384)(date.fromisoformat)  # a few thousand distinct days recur
_PRECISIONS = {p.value: p for p in Precision}


def _interned(text: str | None) -> str | None:
    return None if text is None else intern(text)


def _merge_and_write(cursor: Any, mentions: Sequence[Mention], profiles: ProfileCache | None = None) -> None:
    """Place each mention in an existing event or a new one, write the mentions, and bring every event
    they touch up to date (derived fields and links)."""
    event_of: dict[str, str] = {}
    decisions: dict[str, Decision] = {}
    words: dict[str, frozenset[str]] = {}
    joined: set[str] = set()
    new_events: dict[str, Mention] = {}
    for m in mentions:
        p = profile_of(m)
        decision = None
        if p is not None:
            words[m.id] = p.words
            candidates = _candidate_events(cursor, p) - set(event_of.values())  # one mention per event
            decision = choose_event(p, _profiles_of_events(cursor, sorted(candidates), profiles) if candidates else {})
            decisions[m.id] = decision
        if decision is not None and decision.event_id is not None:
            event_of[m.id] = decision.event_id
            joined.add(decision.event_id)
        else:
            event_of[m.id] = event_id_for(m.id)
            new_events[event_of[m.id]] = m
    for event_id, m in new_events.items():
        cursor.execute(_INSERT_EVENT.sql, _INSERT_EVENT.params(_event_row(derive_event(event_id, [m]))))
    for sql, params in _Rows(mentions, event_of, decisions, words).inserts():
        if params:
            cursor.executemany(sql, params)
    for event_id in sorted(joined):
        _update_event(cursor, event_id)
    _write_links(cursor, mentions, event_of)


def _update_event(cursor: Any, event_id: str) -> None:
    members = _members_for_derivation(cursor, event_id)
    row = _event_row(derive_event(event_id, members))
    columns = [c for c in row if c != "id"]
    cursor.execute(f"UPDATE events SET {', '.join(f'{c} = ?' for c in columns)} WHERE id = ?",
                   (*(row[c] for c in columns), event_id))


def _members_for_derivation(cursor: Any, event_id: str) -> list[Mention]:
    """An event's mentions with the fields and claims its derived fields need (no spans or evidence)."""
    rows = _dict_rows(cursor.execute("SELECT * FROM mentions WHERE event_id = ? ORDER BY rowid", (event_id,)))
    claims: dict[str, list[Claim]] = defaultdict(list)
    for i in range(0, len(rows), _IN_CHUNK):
        ids = [r["id"] for r in rows[i:i + _IN_CHUNK]]
        for c in _dict_rows(cursor.execute(f"SELECT * FROM claims WHERE mention_id IN "
                                           f"({', '.join('?' * len(ids))}) ORDER BY mention_id, ordinal", ids)):
            claims[c["mention_id"]].append(_claim_from_row(c, []))
    return [_mention_from_row(r, claims[r["id"]], [], []) for r in rows]


def _dict_rows(cursor: Any) -> list[dict[str, Any]]:
    names = [c[0] for c in cursor.description]
    return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]


def _write_links(cursor: Any, mentions: Sequence[Mention], event_of: Mapping[str, str]) -> None:
    """Event links from what the document says: waves (`part_of`) and responses (`responds_to`)."""
    waves = Counter(m.wave for m in mentions if m.wave is not None)
    by_ordinal = {m.ordinal: m for m in mentions}
    rows = []
    for m in mentions:
        event_id = event_of[m.id]
        if m.wave is not None and waves[m.wave] > 1:
            rows.append((event_id, LinkKind.PART_OF.value, None, wave_id_for(m.doc_id, m.wave), None, None, m.id))
        for link in m.links:
            if link.kind is not LinkKind.RESPONDS_TO:
                continue
            target = by_ordinal.get(link.target) if link.target is not None else None
            target_event = event_of[target.id] if target is not None else None
            if target_event == event_id:
                continue
            if target_event is None:
                target_event = _resolve_reference(cursor, m, link.description, link.days_before)
            rows.append((event_id, LinkKind.RESPONDS_TO.value, target_event, None, link.description,
                         link.days_before, m.id))
    if rows:
        cursor.executemany("INSERT INTO links (event_id, kind, target_event_id, wave, description, days_before, "
                           "mention_id) VALUES (?, ?, ?, ?, ?, ?, ?)", rows)


# How far back an unresolved reference without a stated gap ("in retaliation for the attack") looks.
REFERENCE_REACH_DAYS = 30


def _resolve_reference(cursor: Any, m: Mention | _DatedMention, description: str,
                       days_before: int | None) -> str | None:
    """The stored event a reference points to: before the responding event, in the window its stated
    gap allows, and named by the reference (its place or its actors); None unless exactly one fits best."""
    if m.date is None or not description:
        return None
    if days_before is not None:
        start = m.date.start - timedelta(days=days_before + DAY_LAG)
        end = m.date.end - timedelta(days=max(0, days_before - DAY_LAG))
    else:
        start, end = m.date.start - timedelta(days=REFERENCE_REACH_DAYS), m.date.end
    rows = cursor.execute(
        "SELECT id, location, admin1, admin2, actor1, actor2, country FROM events "
        "WHERE date_start BETWEEN ? AND ? AND source = 'news' "
        "AND id NOT IN (SELECT event_id FROM mentions WHERE doc_id = ?)",
        (start.isoformat(), end.isoformat(), m.doc_id)).fetchall()
    words = content_words(description)
    scored = []
    for event_id, location, admin1, admin2, actor1, actor2, _country in rows:
        named = {w for name in (location, admin2, admin1) if name for w in content_words(name)}
        score = 2 * len(words & named) + sum(1 for a in (actor1, actor2) if a and a.lower() in words)
        if words & named:
            scored.append((score, event_id))
    scored.sort(reverse=True)
    if not scored or (len(scored) > 1 and scored[0][0] == scored[1][0]):
        return None
    return scored[0][1]


def _document_from_row(row: Mapping[str, Any]) -> Document:
    return Document(
        id=row["id"], text=row["text"], url=row["url"], title=row["title"], outlet=row["outlet"],
        published=_parse_day(row["published"]),
        fetched=datetime.fromisoformat(row["fetched"]) if row["fetched"] else None,
        language=row["language"], source=row["source"], status=DocStatus(row["status"]), error=row["error"],
    )


def _date_from_row(row: Mapping[str, Any]) -> DateRange | None:
    if row["date_start"] is None:
        return None
    return DateRange(date.fromisoformat(row["date_start"]), date.fromisoformat(row["date_end"]),
                     Precision(row["date_precision"]))


def _place_from_row(row: Mapping[str, Any]) -> Place | None:
    if row["place_id"] is None:
        return None
    return Place(id=row["place_id"], name=row["location"], country=row["place_country"],
                 admin1=row["admin1"], admin2=row["admin2"], lat=row["latitude"], lon=row["longitude"],
                 precision=row["geo_precision"], border=bool(row["border"]))


def _span_from_row(row: Mapping[str, Any]) -> Span:
    return Span(start=row["start"], end=row["end"], kind=SpanKind(row["kind"]), text=row["text"],
                value=row["value"], field=row["field"])


def _claim_from_row(row: Mapping[str, Any], spans: list[Span]) -> Claim:
    has_count = row["count"] is not None or row["min"] is not None or row["max"] is not None
    return Claim(kind=ClaimKind(row["kind"]),
                 count=Count(row["count"], row["min"], row["max"]) if has_count else None,
                 claimant=row["claimant"], victim_group=row["victim_group"], spans=tuple(spans))


@dataclass(frozen=True, slots=True)
class ClaimRecord:
    """One line of the claims ledger: a claim and where it stands (event, mention, source)."""

    claim: Claim
    event_id: str
    mention_id: str
    doc_id: str
    outlet: str | None
    published: str | None
    event_date: str | None
    place: str | None


@dataclass(frozen=True, slots=True)
class _DatedMention:
    """What resolving a reference needs of the mention that makes it."""

    doc_id: str
    date: DateRange | None


# ----------------------------------------------------------------------------------------------- store


class Store:
    """An open event store. Use as a context manager, or call `close()`."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._dialect = _dialect_of(engine)
        # Profiles of stored mentions for merging. Safe across processes: a stored mention never changes,
        # and members are looked up in the database first, so another writer's mentions are read there.
        self._profiles = ProfileCache()
        # Readers see one snapshot for a whole read (SQLite's transactions always do); writers stay at
        # READ COMMITTED, so each statement after the write lock sees what the last writer committed.
        self._reader = (engine.execution_options(isolation_level="REPEATABLE READ")
                        if self._dialect is _POSTGRES else engine)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self._engine.dispose()

    # -- writing

    def add_document(self, doc: Document, mentions: list[Mention]) -> bool:
        """Store a document with its mentions in one transaction; False when nothing had to change.

        Each mention joins the stored event it reports or starts a new one (merge.py). An ok document is
        stored once; a failed one is recorded without mentions and replaced when the same id later
        arrives ok.
        """
        try:
            return self._write_document(doc, mentions)
        except _DB_ERRORS as e:
            raise StoreError(f"cannot store document {doc.id}: {_reason(e)}") from e

    def add_documents(self, items: list[tuple[Document, list[Mention]]]) -> list[bool | StoreError]:
        """Store many documents in one transaction, each inside its own savepoint.

        Each document still lands whole or not at all: one that cannot be written is rolled back to its
        savepoint, recorded as failed with the reason, and its error returned in its place; the others
        go in. A crash before the commit loses the batch and nothing stored before it; a re-run redoes
        it. One commit per batch instead of per document is what makes bulk ingest fast.
        """
        results: list[bool | StoreError] = []
        try:
            with self._writing() as cursor:
                for doc, mentions in items:
                    results.append(self._write_in_savepoint(cursor, doc, mentions))
        except _DB_ERRORS as e:
            raise StoreError(f"cannot store a batch of {len(items)} documents: {_reason(e)}") from e
        return results

    def _write_in_savepoint(self, cursor: Any, doc: Document, mentions: list[Mention]) -> bool | StoreError:
        cursor.execute("SAVEPOINT document")
        try:
            written = _write_rows(cursor, doc, mentions, self._profiles)
        except (StoreError, *_DRIVER_ERRORS) as e:
            cursor.execute("ROLLBACK TO SAVEPOINT document")
            cursor.execute("RELEASE SAVEPOINT document")
            error = e if isinstance(e, StoreError) else StoreError(f"cannot store document {doc.id}: {e}")
            failed = Document(id=doc.id, text=doc.text, url=doc.url, title=doc.title, outlet=doc.outlet,
                              published=doc.published, source=doc.source, status=DocStatus.FAILED,
                              error=f"store: {error}")
            cursor.execute("SAVEPOINT document")
            try:
                _write_rows(cursor, failed, [])
                cursor.execute("RELEASE SAVEPOINT document")
            except _DRIVER_ERRORS:
                cursor.execute("ROLLBACK TO SAVEPOINT document")
                cursor.execute("RELEASE SAVEPOINT document")
            return error
        cursor.execute("RELEASE SAVEPOINT document")
        return written

    def known_documents(self, doc_ids: list[str]) -> set[str]:
        """Which of these ids are stored with status ok (so need no extraction again)."""
        if not doc_ids:
            return set()
        d = documents_table
        statement = select(d.c.id).where(d.c.id.in_(doc_ids), d.c.status == DocStatus.OK.value)
        return {row["id"] for row in self._read(statement)}

    def _write_document(self, doc: Document, mentions: list[Mention]) -> bool:
        with self._writing() as cursor:
            return _write_rows(cursor, doc, mentions, self._profiles)

    @contextmanager
    def _writing(self) -> Iterator[Any]:
        """The driver's own cursor inside one write transaction, committed when the block ends. The write
        lock comes first (SQLite: BEGIN IMMEDIATE; PostgreSQL: the advisory lock WRITE_LOCK_KEY), so
        merging, which reads candidate events and then writes, is serial across processes. Not
        SQLAlchemy's cursor: it adds some 40 us to every statement, most of the per-document budget."""
        with self._engine.connect() as conn, _write_cursor(conn, self._dialect) as cursor:
            yield cursor

    def add_events(self, events: Iterable[Event], *, batch: int = 5_000) -> ImportCount:
        """Store events imported from a dataset (UCDP, ACLED): one row each, no mentions, never merged
        with news-coded events. Keyed by id, so importing the same file again changes nothing and a newer
        release of the dataset updates the rows it revises. Commits every `batch` events."""
        count = ImportCount()
        pending: list[Event] = []
        for ev in events:
            if ev.source is EventSource.NEWS:
                raise StoreError(f"event {ev.id} is news-coded; add news through add_document")
            pending.append(ev)
            if len(pending) >= batch:
                self._write_imported(pending, count)
                pending = []
        if pending:
            self._write_imported(pending, count)
        return count

    def _write_imported(self, events: list[Event], count: ImportCount) -> None:
        try:
            with self._writing() as cursor:
                for ev in events:
                    params = _INSERT_EVENT.params(_event_row(ev))
                    old = cursor.execute(f"SELECT {_EVENT_COLUMNS} FROM events WHERE id = ?", (ev.id,)).fetchone()
                    if old == params:
                        count.unchanged += 1
                        continue
                    if old is not None:
                        cursor.execute("DELETE FROM events WHERE id = ?", (ev.id,))
                    cursor.execute(_INSERT_EVENT.sql, params)
                    if old is None:
                        count.added += 1
                    else:
                        count.updated += 1
        except _DB_ERRORS as e:
            raise StoreError(f"cannot store imported events: {_reason(e)}") from e

    def flat_events(self, *, sources: Sequence[EventSource] | None = None) -> Iterator[dict[str, Any]]:
        """Every event's own columns (no mentions), oldest first, with `responds_to`: the ids of the
        events it answers. Streams, so analyses of a million events need no Event objects."""
        answers: dict[str, list[str]] = defaultdict(list)
        where = ""
        params: tuple = ()
        if sources is not None:
            where = f"WHERE source IN ({', '.join('?' * len(sources))})"
            params = tuple(EventSource(s).value for s in sources)
        try:
            with self._reader.connect() as conn, conn.begin():
                raw = self._dialect.connection(conn.connection.driver_connection)
                for event_id, target in raw.execute(
                        "SELECT event_id, target_event_id FROM links WHERE kind = ? AND target_event_id IS NOT NULL",
                        (LinkKind.RESPONDS_TO.value,)):
                    answers[event_id].append(target)
                cursor = raw.execute(f"SELECT {_EVENT_COLUMNS} FROM events {where} "
                                     "ORDER BY date_start IS NULL, date_start, id", params)
                names = [c[0] for c in cursor.description]
                for values in cursor:
                    row = dict(zip(names, values, strict=True))
                    row["responds_to"] = tuple(answers.get(row["id"], ()))
                    yield row
        except _DB_ERRORS as e:
            raise StoreError(f"cannot read the store: {_reason(e)}") from e

    # -- reading

    def _read(self, statement: Select) -> list[Mapping[str, Any]]:
        try:
            with self._reader.connect() as conn, conn.begin():
                return list(conn.execute(statement).mappings())
        except SQLAlchemyError as e:
            raise StoreError(f"cannot read the store: {_reason(e)}") from e

    def has_document(self, doc_id: str) -> bool:
        return bool(self._read(select(documents_table.c.id).where(documents_table.c.id == doc_id)))

    def documents(self, status: DocStatus | None = None) -> list[Document]:
        statement = select(documents_table).order_by(documents_table.c.ingested_at, documents_table.c.id)
        if status is not None:
            statement = statement.where(documents_table.c.status == status.value)
        return [_document_from_row(row) for row in self._read(statement)]

    def failures(self) -> list[tuple[str, str | None, str]]:
        """(id, source, error) of every document that could not be read."""
        t = documents_table
        rows = self._read(select(t.c.id, t.c.source, t.c.error).where(t.c.status == DocStatus.FAILED.value)
                          .order_by(t.c.ingested_at, t.c.id))
        return [(row["id"], row["source"], row["error"] or "") for row in rows]

    def document_text(self, doc_id: str) -> str | None:
        rows = self._read(select(documents_table.c.text).where(documents_table.c.id == doc_id))
        return rows[0]["text"] if rows else None

    def outlets(self) -> dict[str, str | None]:
        """Document id → outlet, for exports that name their sources."""
        rows = self._read(select(documents_table.c.id, documents_table.c.outlet))
        return {row["id"]: row["outlet"] for row in rows}

    # -- maintenance

    def backup(self, target: str | Path) -> Path:
        """A consistent copy of the store at `target`, made with SQLite's online backup: readers and an
        ingest in progress go on (the copy is the store as of one committed transaction). SQLite only:
        a PostgreSQL store is copied with its own tools."""
        if self._dialect is _POSTGRES:
            raise StoreError("backup copies SQLite stores; back up a PostgreSQL store with pg_dump "
                             "(e.g. pg_dump -Fc -f borderwatch.dump DATABASE_URL) and restore with pg_restore")
        target = Path(target)
        if target.exists():
            raise StoreError(f"cannot back up to {target}: it exists; choose a new file")
        if not target.parent.is_dir():
            raise StoreError(f"cannot back up to {target}: directory {target.parent} does not exist")
        try:
            with self._engine.connect() as conn:
                copy = sqlite3.connect(target)
                try:
                    conn.connection.driver_connection.backup(copy)
                finally:
                    copy.close()
        except _DB_ERRORS as e:
            target.unlink(missing_ok=True)
            raise StoreError(f"cannot back up to {target}: {_reason(e)}") from e
        return target

    def check(self) -> list[str]:
        """Problems found, none when the store is sound: SQLite's integrity and foreign-key checks (on
        PostgreSQL, which enforces foreign keys and checks its pages itself, not these), then
        the consistency of what borderwatch derives (each event's mention and document counts, mentions
        and links pointing at events that exist, news events with mentions, the search index in step)."""
        pragmas = (
            ("integrity", "PRAGMA integrity_check", lambda rows: [r[0] for r in rows if r[0] != "ok"]),
            ("foreign keys", "PRAGMA foreign_key_check",
             lambda rows: [f"{r[0]} row {r[1]} points to a missing {r[2]} row" for r in rows]),
        )
        queries = (*(pragmas if self._dialect.check_pragmas else ()),
            ("event counts", "SELECT e.id, e.n_mentions, COUNT(m.id), e.n_documents, COUNT(DISTINCT m.doc_id) "
             "FROM events e LEFT JOIN mentions m ON m.event_id = e.id WHERE e.source = 'news' GROUP BY e.id "
             "HAVING e.n_mentions != COUNT(m.id) OR e.n_documents != COUNT(DISTINCT m.doc_id)",
             lambda rows: [f"event {r[0]} says {r[1]} mentions / {r[3]} documents, holds {r[2]} / {r[4]}"
                           for r in rows]),
            ("news events without mentions", "SELECT id FROM events e WHERE source = 'news' AND NOT EXISTS "
             "(SELECT 1 FROM mentions m WHERE m.event_id = e.id)",
             lambda rows: [f"news event {r[0]} has no mentions" for r in rows]),
            ("mentions of missing events", "SELECT m.id, m.event_id FROM mentions m LEFT JOIN events e "
             "ON e.id = m.event_id WHERE e.id IS NULL",
             lambda rows: [f"mention {r[0]} belongs to missing event {r[1]}" for r in rows]),
            ("links", "SELECT l.id, l.event_id, l.target_event_id FROM links l LEFT JOIN events e "
             "ON e.id = l.event_id LEFT JOIN events t ON t.id = l.target_event_id "
             "WHERE e.id IS NULL OR (l.target_event_id IS NOT NULL AND t.id IS NULL)",
             lambda rows: [f"link {r[0]} from {r[1]} to {r[2]} points to a missing event" for r in rows]),
            ("failed documents with mentions", "SELECT DISTINCT d.id FROM documents d JOIN mentions m "
             "ON m.doc_id = d.id WHERE d.status = 'failed'",
             lambda rows: [f"failed document {r[0]} has mentions" for r in rows]),
            ("search index", self._dialect.search_rows,
             lambda rows: [f"search index holds {rows[0][1]} events of {rows[0][0]}"]
             if rows[0][0] != rows[0][1] else []),
        )
        problems: list[str] = []
        try:
            with self._reader.connect() as conn, conn.begin():
                raw = self._dialect.connection(conn.connection.driver_connection)
                for _name, sql, explain in queries:
                    found = explain(raw.execute(sql).fetchall())
                    problems.extend(found[:20])
                    if len(found) > 20:
                        problems.append(f"... and {len(found) - 20} more like the last")
        except _DB_ERRORS as e:
            problems.append(f"the store cannot be read: {_reason(e)}")
        return problems

    def counts(self) -> dict[str, int]:
        """Rows stored: documents (ok and failed), failed, mentions, events, claims."""
        failed = (select(func.count()).select_from(documents_table)
                  .where(documents_table.c.status == DocStatus.FAILED.value))
        statement = select(
            select(func.count()).select_from(documents_table).scalar_subquery().label("documents"),
            failed.scalar_subquery().label("failed"),
            select(func.count()).select_from(mentions_table).scalar_subquery().label("mentions"),
            select(func.count()).select_from(events_table).scalar_subquery().label("events"),
            select(func.count()).select_from(claims_table).scalar_subquery().label("claims"),
        )
        return {key: int(value or 0) for key, value in self._read(statement)[0].items()}

    def events(self, *, country: str | None = None, actor: str | None = None, since: date | None = None,
               until: date | None = None, event_type: str | None = None, cross_border: bool | None = None,
               contested: bool | None = None, source: EventSource | str | None = None,
               limit: int | None = None) -> list[Event]:
        """Events matching every filter given, newest first (undated last), each with its full mentions.

        `since`/`until` keep events whose date range overlaps them (a month-precise event counts for
        any day of its month); `actor` matches either side; `country` is ISO 3166 alpha-2.
        """
        e = events_table
        statement = select(e).order_by(e.c.date_start.is_(None), e.c.date_start.desc(), e.c.id)
        if country is not None:
            statement = statement.where(e.c.country == country.upper())
        if actor is not None:
            statement = statement.where(or_(e.c.actor1 == actor, e.c.actor2 == actor))
        if since is not None:
            statement = statement.where(e.c.date_end >= since.isoformat())
        if until is not None:
            statement = statement.where(e.c.date_start <= until.isoformat())
        if event_type is not None:
            statement = statement.where(e.c.event_type == event_type)
        if cross_border is not None:
            statement = statement.where(e.c.cross_border == int(cross_border))
        if contested is not None:
            statement = statement.where(e.c.contested == int(contested))
        if source is not None:
            statement = statement.where(e.c.source == EventSource(source).value)
        if limit is not None:
            statement = statement.limit(limit)
        return self._events_with_mentions(statement)

    def event(self, event_id: str) -> Event | None:
        found = self._events_with_mentions(select(events_table).where(events_table.c.id == event_id))
        return found[0] if found else None

    def mentions(self, *, doc_id: str | None = None) -> list[tuple[str, Mention]]:
        """(event id, mention) pairs, by document then ordinal."""
        m = mentions_table
        statement = select(m).order_by(m.c.doc_id, m.c.ordinal)
        if doc_id is not None:
            statement = statement.where(m.c.doc_id == doc_id)
        return self._mentions(statement)

    def mention(self, mention_id: str) -> tuple[str, Mention] | None:
        """(event id, mention) for a mention id ("doc:ordinal"), or None."""
        found = self._mentions(select(mentions_table).where(mentions_table.c.id == mention_id))
        return found[0] if found else None

    def claims(self, *, event_id: str | None = None, claimant: str | None = None) -> list[ClaimRecord]:
        """The claims ledger: every claim with its event, mention, document and outlet, by event date."""
        c, m, e, d = claims_table, mentions_table, events_table, documents_table
        statement = (
            select(c.c.id, c.c.kind, c.c.count, c.c.min, c.c.max, c.c.claimant, c.c.victim_group,
                   m.c.id.label("mention_id"), m.c.event_id, m.c.doc_id, d.c.outlet, d.c.published,
                   e.c.date_start, e.c.location, e.c.admin1, e.c.country)
            .join(m, m.c.id == c.c.mention_id).join(e, e.c.id == m.c.event_id).join(d, d.c.id == m.c.doc_id)
            .order_by(e.c.date_start.desc().nulls_last(), m.c.event_id, m.c.doc_id, c.c.mention_id, c.c.ordinal))
        if event_id is not None:
            statement = statement.where(m.c.event_id == event_id)
        if claimant is not None:
            statement = statement.where(c.c.claimant == claimant)
        return [ClaimRecord(
            claim=_claim_from_row(row, []), event_id=row["event_id"], mention_id=row["mention_id"],
            doc_id=row["doc_id"], outlet=row["outlet"], published=row["published"],
            event_date=row["date_start"], place=row["location"] or row["admin1"] or row["country"])
            for row in self._read(statement)]

    def links(self, event_id: str) -> tuple[list[EventLink], list[tuple[str, EventLink]]]:
        """An event's own links, and (event id, link) for the links of other events that point to it."""
        t = links_table
        own = [_link_from_row(r) for r in self._read(select(t).where(t.c.event_id == event_id).order_by(t.c.id))]
        waves = [link.wave for link in own if link.wave]
        incoming = select(t).where(t.c.target_event_id == event_id)
        if waves:
            incoming = select(t).where(or_(t.c.target_event_id == event_id,
                                           t.c.wave.in_(waves) & (t.c.event_id != event_id)))
        return own, [(r["event_id"], _link_from_row(r)) for r in self._read(incoming.order_by(t.c.id))]

    def chain(self, event_id: str, depth: int = 20) -> tuple[list[str], list[str]]:
        """The responds-to chain around an event: the events it answers (nearest first, following each
        answer back), and the events that answer it or its answers (breadth first)."""
        t = links_table
        before, seen, current = [], {event_id}, event_id
        for _ in range(depth):
            rows = self._read(select(t.c.target_event_id).where(
                t.c.event_id == current, t.c.kind == LinkKind.RESPONDS_TO.value, t.c.target_event_id.is_not(None)))
            targets = [r["target_event_id"] for r in rows if r["target_event_id"] not in seen]
            if not targets:
                break
            current = targets[0]
            seen.add(current)
            before.append(current)
        after, frontier = [], [event_id]
        for _ in range(depth):
            if not frontier:
                break
            rows = self._read(select(t.c.event_id).where(
                t.c.target_event_id.in_(frontier), t.c.kind == LinkKind.RESPONDS_TO.value).order_by(t.c.id))
            frontier = [r["event_id"] for r in rows if r["event_id"] not in seen]
            seen.update(frontier)
            after.extend(frontier)
        return before, after

    def resolve_links(self) -> int:
        """Try again to resolve the references that pointed at no stored event when they were written
        (the earlier event may have come in since); the number resolved."""
        resolved = 0
        try:
            with self._writing() as cursor:
                pending = cursor.execute(
                    "SELECT id, mention_id, description, days_before FROM links WHERE kind = ? AND "
                    "target_event_id IS NULL AND description IS NOT NULL", (LinkKind.RESPONDS_TO.value,)).fetchall()
                for link_id, mention_id, description, days_before in pending:
                    row = cursor.execute("SELECT date_start, date_end, date_precision, doc_id FROM mentions "
                                         "WHERE id = ?", (mention_id,)).fetchone()
                    if row is None or row[0] is None:
                        continue
                    probe = _DatedMention(row[3], DateRange(date.fromisoformat(row[0]), date.fromisoformat(row[1]),
                                                            Precision(row[2])))
                    target = _resolve_reference(cursor, probe, description, days_before)
                    if target is not None:
                        cursor.execute("UPDATE links SET target_event_id = ? WHERE id = ?", (target, link_id))
                        resolved += 1
        except _DB_ERRORS as e:
            raise StoreError(f"cannot resolve links: {_reason(e)}") from e
        return resolved

    def _events_with_mentions(self, statement: Select) -> list[Event]:
        try:
            with self._reader.connect() as conn, conn.begin():
                rows = list(conn.execute(statement).mappings())
                mention_rows = _rows_where_in(conn, mentions_table, "event_id", [row["id"] for row in rows],
                                              ("doc_id", "ordinal"))
                pairs = _mentions_from_rows(conn, mention_rows)
                link_rows = _rows_where_in(conn, links_table, "event_id", [row["id"] for row in rows], ("id",))
        except SQLAlchemyError as e:
            raise StoreError(f"cannot read the store: {_reason(e)}") from e
        by_event: dict[str, list[Mention]] = defaultdict(list)
        for event_id, mention in pairs:
            by_event[event_id].append(mention)
        why = {r["id"]: json.loads(r["merge_why"]) for r in mention_rows if r["merge_why"]}
        links: dict[str, list[EventLink]] = defaultdict(list)
        for link in link_rows:
            links[link["event_id"]].append(_link_from_row(link))
        return [_event_from_row(row, by_event[row["id"]], links[row["id"]], why) for row in rows]

    def _mentions(self, statement: Select) -> list[tuple[str, Mention]]:
        try:
            with self._reader.connect() as conn, conn.begin():
                return _mentions_from_rows(conn, list(conn.execute(statement).mappings()))
        except SQLAlchemyError as e:
            raise StoreError(f"cannot read the store: {_reason(e)}") from e

    # -- queries for the API (borderwatch.web, docs/api.md): rows as plain column dicts, pages by keyset
    # (never OFFSET, never a COUNT(*) behind a page). The SQL comes from the builders at the end of this
    # module, from an EventQuery; every value travels as a bound parameter.

    @contextmanager
    def _raw_reading(self) -> Iterator[Any]:
        """The driver's connection (its `execute` taking `?` parameters) inside one read transaction (one
        snapshot for the whole block)."""
        try:
            with self._reader.connect() as conn, conn.begin():
                yield self._dialect.connection(conn.connection.driver_connection)
        except _DB_ERRORS as e:
            raise StoreError(f"cannot read the store: {_reason(e)}") from e

    def event_page(self, query: EventQuery, order: EventOrder | None = None, limit: int = 100,
                   after: PageKey | None = None) -> tuple[list[dict[str, Any]], PageKey | None]:
        """Up to `limit` event summaries (SUMMARY_COLUMNS) matching `query` in `order` (newest first by
        default), starting after the key the previous page returned; and the next page's key, None on the
        last page. Undated events (or those without a death toll, for the fatalities orders) come after
        the others going down and before them going up, as SQLite sorts NULL lowest."""
        order = order or EventOrder.NEWEST
        rows: list[dict[str, Any]] = []
        with self._raw_reading() as db:
            span = _longest_span_days(db) if query.since is not None else None
            plan = _plan_page(db, query, order, span, self._dialect)
            segments = _segments(order, query)
            # a key from a segment this query has not (the filters changed between pages): nothing after it
            first = 0 if after is None else (segments.index(after.null_segment)
                                             if after.null_segment in segments else len(segments))
            for null_segment in segments[first:]:
                if null_segment and not _any_without(db, order):
                    continue  # no event lacks the sort value: nothing to read (a walk, a merge or a search again)
                key = after if after is not None and after.null_segment == null_segment else None
                wanted = limit + 1 - len(rows)
                statements = _page_statements(query, order, plan, null_segment, key, wanted)
                found = _merged_page(db, statements, order, null_segment, wanted)
                if (len(found) < wanted and plan.bounded
                        and not _walks_exhausted(db, query, order, plan, null_segment, key)):
                    statements = _page_statements(query, order, plan.fallback(db), null_segment, key, wanted)
                    found = _merged_page(db, statements, order, null_segment, wanted)
                rows.extend(found)
                if len(rows) > limit:
                    break
        if len(rows) <= limit:
            return rows, None
        last = rows[limit - 1]
        value = last[order.column]
        return rows[:limit], PageKey(value is None, value, last["id"])

    def event_count(self, query: EventQuery) -> int:
        """How many events match `query`."""
        with self._raw_reading() as db:
            where, params = _event_predicates(query, _longest_span_days(db) if query.since else None, self._dialect)
            return db.execute(f"SELECT count(*) FROM events e WHERE {where}", params).fetchone()[0]

    def event_points(self, query: EventQuery) -> list[tuple]:
        """Every matching event as (POINT_COLUMNS): the compact form a map of all of them needs; `day`
        is days since 1970-01-01, None when undated."""
        with self._raw_reading() as db:
            where, params = _event_predicates(query, _longest_span_days(db) if query.since else None, self._dialect)
            return db.execute(f"SELECT {_POINT_SELECT} FROM events e WHERE {where}", params).fetchall()

    def event_points_key(self) -> tuple[Any, ...] | None:
        """A value that changes whenever `event_points` may answer differently, for a server that keeps
        the last answer; None where there is no cheap one (PostgreSQL, an in-memory store). Every commit,
        by any process, writes the WAL (or, with no WAL, the database file), so their sizes and times
        change; the newest rowids and the counts of events and mentions change too unless the commit
        replaced the newest event in place, which the file times catch. A few ms (the counts read the
        smallest index)."""
        database = self._engine.url.database
        if self._dialect.name != "sqlite" or not database or database == MEMORY:
            return None
        files = []
        for path in (Path(database), Path(f"{database}-wal")):
            try:
                found = path.stat()
                files.append((found.st_mtime_ns, found.st_size))
            except FileNotFoundError:
                files.append(None)
        with self._raw_reading() as db:
            return (*files, *db.execute(
                "SELECT (SELECT max(rowid) FROM events), (SELECT count(*) FROM events), "
                "(SELECT max(rowid) FROM mentions), (SELECT count(*) FROM mentions)").fetchone())

    def prewarm(self, share: float = PREWARM_SHARE) -> int:
        """Read the SQLite database file once, start to end, so that the pages a query needs are in the
        operating system's cache rather than on disk: after a reboot the first minutes of filtered pages
        otherwise wait on random reads of many indexes (a 1,000,000-event store's p95 53 ms cold against
        45 ms warm, docs/api.md). Only when the file is under `share` of the memory now available, so it
        never pushes out what the machine is using; nothing for PostgreSQL (its own buffers) or an
        in-memory store. Returns the bytes read. A server calls it in its start-up thread.

        The file is read by a child process: closing a descriptor of a database file drops every POSIX
        lock the closing process holds on it, SQLite's included, so this process must never open it
        beside SQLite (sqlite.org/howtocorrupt.html, 2.2); a reader that lost its locks saw a stale
        snapshot for good."""
        database = self._engine.url.database
        if self._dialect.name != "sqlite" or not database or database == MEMORY:
            return 0
        try:
            size = Path(database).stat().st_size
            if size > share * _available_memory():
                return 0
            done = subprocess.run([sys.executable, "-c", _READ_FILE, database, str(PREWARM_CHUNK)],
                                  capture_output=True, text=True, timeout=PREWARM_TIMEOUT_S, check=True)
            return int(done.stdout)
        except (OSError, ValueError, subprocess.SubprocessError):
            return 0  # only a head start: a query reads what it needs itself

    def event_period_counts(self, query: EventQuery, period: str) -> list[tuple[str, str | None, int]]:
        """(first day of the period, actor1, events) for the dated events matching `query`; `period` is
        one of PERIOD_STARTS (day, week from Monday, month)."""
        starts = self._dialect.period_starts
        if period not in starts:
            raise StoreError(f"unknown period {period!r}: choose one of {', '.join(PERIOD_STARTS)}")
        with self._raw_reading() as db:
            where, params = _event_predicates(query, _longest_span_days(db) if query.since else None, self._dialect)
            return db.execute(
                f"SELECT {starts[period]} AS period, e.actor1, count(*) FROM events e "
                f"WHERE e.date_start IS NOT NULL AND {where} GROUP BY period, e.actor1", params).fetchall()

    def event_rows(self, query: EventQuery) -> Iterator[dict[str, Any]]:
        """Every matching event's own columns (as `flat_events` gives them, without `responds_to`),
        oldest first; streamed."""
        with self._raw_reading() as db:
            where, params = _event_predicates(query, _longest_span_days(db) if query.since else None, self._dialect)
            cursor = db.execute(f"SELECT {_EVENT_COLUMNS} FROM events e WHERE {where} "
                                "ORDER BY e.date_start NULLS FIRST, e.id", params)
            names = [c[0] for c in cursor.description]
            for values in cursor:
                yield dict(zip(names, values, strict=True))

    def events_by_id(self, event_ids: Sequence[str]) -> list[Event]:
        """The full events (mentions, claims, evidence, links) with these ids, in the order given;
        unknown ids are left out."""
        found: dict[str, Event] = {}
        for i in range(0, len(event_ids), _IN_CHUNK):
            chunk = list(event_ids[i:i + _IN_CHUNK])
            for ev in self._events_with_mentions(select(events_table).where(events_table.c.id.in_(chunk))):
                found[ev.id] = ev
        return [found[i] for i in event_ids if i in found]

    def claim_page(self, *, event_id: str | None = None, claimant: str | None = None,
                   kind: ClaimKind | None = None, limit: int = 100,
                   after: int | None = None) -> tuple[list[dict[str, Any]], int | None]:
        """The claims ledger, most recently stored first, a page at a time: each claim with its event,
        mention, document and outlet; and the key of the next page (None on the last)."""
        where, params = ["TRUE"], []
        for condition, value in (("m.event_id = ?", event_id), ("c.claimant = ?", claimant),
                                 ("c.kind = ?", kind.value if kind is not None else None),
                                 ("c.rowid < ?", after)):
            if value is not None:
                where.append(condition)
                params.append(value)
        with self._raw_reading() as db:
            cursor = db.execute(
                "SELECT c.rowid AS seq, c.id, c.kind, c.count, c.min, c.max, c.claimant, c.victim_group, "
                "c.mention_id, m.event_id, m.doc_id, d.outlet, d.published FROM claims c "
                "JOIN mentions m ON m.id = c.mention_id JOIN documents d ON d.id = m.doc_id "
                f"WHERE {' AND '.join(where)} ORDER BY c.rowid DESC LIMIT ?", (*params, limit + 1))
            return _keyed_page(cursor, limit)

    def document_page(self, *, status: DocStatus | None = None, limit: int = 100,
                      after: int | None = None) -> tuple[list[dict[str, Any]], int | None]:
        """Documents without their text (DOCUMENT_COLUMNS), most recently stored first, a page at a time;
        and the key of the next page (None on the last)."""
        where, params = ["TRUE"], []
        if status is not None:
            where.append("status = ?")
            params.append(status.value)
        if after is not None:
            where.append("rowid < ?")
            params.append(after)
        with self._raw_reading() as db:
            cursor = db.execute(f"SELECT rowid AS seq, {', '.join(DOCUMENT_COLUMNS)} FROM documents "
                                f"WHERE {' AND '.join(where)} ORDER BY rowid DESC LIMIT ?", (*params, limit + 1))
            return _keyed_page(cursor, limit)

    def document_records(self, doc_ids: Sequence[str], *, text: bool = False) -> list[dict[str, Any]]:
        """The documents with these ids (DOCUMENT_COLUMNS, and `text` if asked), in the order given."""
        columns = ", ".join((*DOCUMENT_COLUMNS, *(("text",) if text else ())))
        found: dict[str, dict[str, Any]] = {}
        with self._raw_reading() as db:
            for i in range(0, len(doc_ids), _IN_CHUNK):
                chunk = list(doc_ids[i:i + _IN_CHUNK])
                cursor = db.execute(f"SELECT {columns} FROM documents WHERE id IN ({', '.join('?' * len(chunk))})",
                                    chunk)
                names = [c[0] for c in cursor.description]
                for values in cursor:
                    found[values[0]] = dict(zip(names, values, strict=True))
        return [found[i] for i in doc_ids if i in found]

    def document_spans(self, doc_id: str) -> list[dict[str, Any]]:
        """Every span of a document's mentions to highlight in its text: the coded fields' spans (start,
        end, kind, field, mention_id) and the evidence sentences (kind "sentence", field "evidence"),
        by start."""
        with self._raw_reading() as db:
            spans = db.execute(
                'SELECT s.start, s."end", s.kind, s.field, s.mention_id FROM mentions m '
                "JOIN spans s ON s.mention_id = m.id WHERE m.doc_id = ? "
                'UNION ALL SELECT v.start, v."end", ?, ?, v.mention_id FROM mentions m '
                "JOIN evidence v ON v.mention_id = m.id WHERE m.doc_id = ? ORDER BY 1, 2, 5, 3, 4",
                (doc_id, SpanKind.SENTENCE.value, "evidence", doc_id)).fetchall()
        return [dict(zip(("start", "end", "kind", "field", "mention_id"), s, strict=True)) for s in spans]

    def mention_records(self, *, event_id: str | None = None, doc_id: str | None = None) -> list[dict[str, Any]]:
        """The mentions of an event or of a document (MENTION_RECORD_COLUMNS, `merge_why` parsed) with
        their evidence sentences as `evidence`: [{start, end, text}], by document then ordinal."""
        if (event_id is None) == (doc_id is None):
            raise StoreError("give exactly one of event_id and doc_id")
        column, value = ("event_id", event_id) if event_id is not None else ("doc_id", doc_id)
        with self._raw_reading() as db:
            cursor = db.execute(f"SELECT {', '.join(MENTION_RECORD_COLUMNS)} FROM mentions WHERE {column} = ? "
                                "ORDER BY doc_id, ordinal", (value,))
            mentions = [dict(zip(MENTION_RECORD_COLUMNS, values, strict=True)) for values in cursor]
            evidence: dict[str, list[dict[str, Any]]] = defaultdict(list)
            ids = [m["id"] for m in mentions]
            for i in range(0, len(ids), _IN_CHUNK):
                chunk = ids[i:i + _IN_CHUNK]
                for mention_id, start, end, text in db.execute(
                        f'SELECT mention_id, start, "end", text FROM evidence WHERE mention_id IN '
                        f"({', '.join('?' * len(chunk))}) ORDER BY mention_id, ordinal", chunk):
                    evidence[mention_id].append({"start": start, "end": end, "text": text})
        for m in mentions:
            m["merge_why"] = json.loads(m["merge_why"]) if m["merge_why"] else None
            m["evidence"] = evidence[m["id"]]
        return mentions


# Keys per IN (...) list when loading children: far below SQLite's bound-parameter limit.
_IN_CHUNK = 500


def _rows_where_in(conn: Connection, table: Table, key: str, values: Sequence[str],
                   order_by: Sequence[str]) -> list[Mapping[str, Any]]:
    """Rows of `table` whose `key` is one of `values`, ordered within each chunk of values."""
    column = table.c[key]
    rows: list[Mapping[str, Any]] = []
    for i in range(0, len(values), _IN_CHUNK):
        statement = select(table).where(column.in_(values[i:i + _IN_CHUNK]))
        rows.extend(conn.execute(statement.order_by(*(table.c[name] for name in order_by))).mappings())
    return rows


def _mentions_from_rows(conn: Connection, rows: list[Mapping[str, Any]]) -> list[tuple[str, Mention]]:
    """(event id, mention) for each mention row, rebuilt with its claims, spans and evidence."""
    ids = [row["id"] for row in rows]
    spans: dict[tuple[str, str | None], list[Span]] = defaultdict(list)
    for row in _rows_where_in(conn, spans_table, "mention_id", ids, ("id",)):
        spans[row["mention_id"], row["claim_id"]].append(_span_from_row(row))
    claims: dict[str, list[Claim]] = defaultdict(list)
    for row in _rows_where_in(conn, claims_table, "mention_id", ids, ("mention_id", "ordinal")):
        claims[row["mention_id"]].append(_claim_from_row(row, spans[row["mention_id"], row["id"]]))
    evidence: dict[str, list[Sentence]] = defaultdict(list)
    for row in _rows_where_in(conn, evidence_table, "mention_id", ids, ("mention_id", "ordinal")):
        evidence[row["mention_id"]].append(Sentence(row["start"], row["end"], row["text"]))
    return [(row["event_id"], _mention_from_row(row, claims[row["id"]], spans[row["id"], None],
                                                evidence[row["id"]])) for row in rows]


def _link_from_dict(data: Mapping[str, Any]) -> MentionLink:
    return MentionLink(LinkKind(data["kind"]), data.get("target"), data.get("description") or "",
                       data.get("days_before"))


def _mention_from_row(row: Mapping[str, Any], claims: list[Claim], spans: list[Span],
                      evidence: list[Sentence]) -> Mention:
    return Mention(
        doc_id=row["doc_id"], ordinal=row["ordinal"], event_type=row["event_type"],
        sub_event_type=row["sub_event_type"], date=_date_from_row(row), place=_place_from_row(row),
        country=row["country"], actor1=row["actor1"], actor2=row["actor2"], claims=claims, spans=spans,
        evidence=evidence, confidence=row["confidence"],
        links=[_link_from_dict(d) for d in json.loads(row["links"])] if row["links"] else [],
        origin_country=row["origin_country"], wave=row["wave"],
    )


def _event_from_row(row: Mapping[str, Any], mentions: list[Mention], links: list[EventLink],
                    why: Mapping[str, dict]) -> Event:
    return Event(
        id=row["id"], event_type=row["event_type"], sub_event_type=row["sub_event_type"],
        date=_date_from_row(row), place=_place_from_row(row), country=row["country"],
        actor1=row["actor1"], actor2=row["actor2"], mentions=mentions, fatalities_low=row["fatalities_low"],
        fatalities_best=row["fatalities_best"], fatalities_high=row["fatalities_high"],
        contested=bool(row["contested"]), origin_country=row["origin_country"],
        impact_country=row["impact_country"], stance=row["stance"], links=links,
        merge_scores={m.id: dict(why[m.id]) for m in mentions if m.id in why},
        source=EventSource(row["source"]), source_id=row["source_id"],
        source_actors=(row["source_actor1"], row["source_actor2"]),
    )


def _link_from_row(row: Mapping[str, Any]) -> EventLink:
    return EventLink(LinkKind(row["kind"]), row["target_event_id"], row["description"] or "", row["wave"],
                     row["mention_id"], row["days_before"])


# ------------------------------------------------------------------------------ queries for the API
# The filters and orders of Store's API queries (its section "queries for the API") and the SQL they
# become. Filter values are always bound parameters; only column names and operators chosen here are
# spliced into the SQL text.


class EventOrder(enum.StrEnum):
    """The orders of an event list, as the API names them ("-" means descending)."""

    NEWEST = "-date"
    OLDEST = "date"
    DEADLIEST = "-fatalities"
    LEAST_DEADLY = "fatalities"

    @property
    def column(self) -> str:
        return "date_start" if self in (EventOrder.NEWEST, EventOrder.OLDEST) else "fatalities_best"

    @property
    def descending(self) -> bool:
        return self.value.startswith("-")


@dataclass(frozen=True, slots=True)
class EventQuery:
    """Which events to list: every field optional; the fields given must all match, and within a field
    any of its values. `since`/`until` keep events whose date range overlaps them; `actor` matches
    either side; `dyad` pairs are (actor1, actor2); `text` is words that must all occur (any case) in the
    event's location, actor ids or the evidence sentences of its mentions."""

    since: date | None = None
    until: date | None = None
    country: tuple[str, ...] = ()
    admin1: tuple[str, ...] = ()
    actor: tuple[str, ...] = ()
    actor1: tuple[str, ...] = ()
    actor2: tuple[str, ...] = ()
    dyad: tuple[tuple[str, str], ...] = ()
    event_type: tuple[str, ...] = ()
    sub_event_type: tuple[str, ...] = ()
    source: tuple[EventSource, ...] = ()
    contested: bool | None = None
    cross_border: bool | None = None
    text: str | None = None


@dataclass(frozen=True, slots=True)
class PageKey:
    """Where a page of events ended: the last event's sort value and id, and whether that was among the
    events without a value (undated, or without a toll), which are listed apart."""

    null_segment: bool
    value: str | int | None
    id: str


SUMMARY_COLUMNS: tuple[str, ...] = (
    "id", "date_start", "date_end", "date_precision", "event_type", "sub_event_type", "country", "admin1",
    "admin2", "location", "latitude", "longitude", "geo_precision", "actor1", "actor2", "fatalities_low",
    "fatalities_best", "fatalities_high", "contested", "cross_border", "origin_country", "impact_country",
    "stance", "source", "n_documents", "source_id",
)
POINT_COLUMNS: tuple[str, ...] = (
    "id", "day", "lon", "lat", "event_type", "actor1", "actor2", "country", "source", "fatalities_best",
    "contested", "cross_border",
)
_POINT_SELECT = ("e.id, CAST(julianday(e.date_start) - 2440587.5 AS INTEGER), e.longitude, e.latitude, "
                 "e.event_type, e.actor1, e.actor2, e.country, e.source, e.fatalities_best, e.contested, "
                 "e.cross_border")
DOCUMENT_COLUMNS: tuple[str, ...] = ("id", "url", "title", "outlet", "published", "status", "error")
MENTION_RECORD_COLUMNS: tuple[str, ...] = (
    "id", "doc_id", "ordinal", "event_id", "event_type", "sub_event_type", "date_start", "date_end",
    "date_precision", "location", "country", "admin1", "admin2", "actor1", "actor2", "merge_why",
)
# The first day of an event's period, in SQL: ISO weeks start on Monday.
PERIOD_STARTS: Mapping[str, str] = {
    "day": "e.date_start",
    "week": "date(e.date_start, '-6 days', 'weekday 1')",
    "month": "substr(e.date_start, 1, 7) || '-01'",
}
# A page of categorical filters is read as an ordered merge of index entries (MERGE): each filter leads an
# index ending in the page's keyset order ((filter, date_start, id) or (filter, fatalities_best, id)), so one
# arm per value reads "value = ?" in order, the values of one filter are merged by a UNION, and the filters
# by an INTERSECT; SQLite merges ordered compound SELECTs on the fly, from the indexes alone, and stops once
# the page is full. Only the page's rows are read. The filters in the order they are preferred as the one
# whose several values are UNIONed (a dyad names two actors; few events are contested; a country is much
# of the store); a second filter with several values is checked on the rows instead.
_DRIVING_FILTERS = ("dyad", "actor1", "actor2", "actor", "admin1", "sub_event_type", "contested", "cross_border",
                    "event_type", "country", "source")
_COLUMN_OF = {"actor1": "actor1", "actor2": "actor2", "admin1": "admin1", "sub_event_type": "sub_event_type",
              "event_type": "event_type", "country": "country", "source": "source"}
# Beyond this many arms the UNION costs more than filtering an index walk.
MAX_ARMS = 16
# A page is planned by probing how many events each filter alone matches, reading at most this many
# index entries per filter. When one matches fewer, its matches are all read and sorted (cheap); else the
# page walks an ordered index (the arms above, or the order's own), filtering, until it is full.
PROBE_ROWS = 10_000
_WORD = re.compile(r"[^\s\x00]+")  # NUL too: FTS5 reads it as the end of the query
_ALNUM_RUN = re.compile(r"[^\W_]+")  # letters and digits: a word as SQLite's unicode61 tokenizer cuts it


class _Plan(enum.Enum):
    MERGE = "merge"  # an ordered merge of the filters' index entries (UNION of values, INTERSECT of filters)
    WALK = "walk"  # walk the order's own index, filtering
    SORT = "sort"  # read the matches of the most selective filter through its index, filter, sort


@dataclass(frozen=True, slots=True)
class _Term:
    """One filter of a query as SQL: `{c}` stands for the column prefix, "e." where the filter may use
    its index and "+e." where it must not (which keeps SQLite on the index the plan walks)."""

    name: str
    sql: str
    params: tuple
    # How to count its matches for planning, when that is cheaper than `sql` (which must read rows)
    probe: tuple[str, tuple] | None = None


def _filter_values(query: EventQuery, name: str) -> tuple:
    values = getattr(query, name)
    if name == "country":
        return tuple(v.upper() for v in values)
    if name == "source":
        return tuple(EventSource(v).value for v in values)
    return values


def text_match(text: str | None) -> str | None:
    """The FTS5 query for search words: each word a quoted phrase (so AND, OR, NEAR, quotes and
    operators in what a user typed are words, never syntax), all required. Words without a letter or
    digit are dropped; None when none is left."""
    words = [w for w in _WORD.findall(text or "") if any(ch.isalnum() for ch in w)]
    return " ".join('"' + w.replace('"', '""') + '"' for w in words) if words else None


def postgres_text_match(text: str | None) -> str | None:
    """The PostgreSQL tsquery for search words, matching as `text_match` does in SQLite: each word a
    phrase of its letter-and-digit runs (as the index splits the text), all required; None when none."""
    words = [w for w in _WORD.findall(text or "") if any(ch.isalnum() for ch in w)]
    phrases = [" <-> ".join(f"'{run}'" for run in _ALNUM_RUN.findall(w)) for w in words]
    phrases = [f"({p})" for p in phrases if p]
    return " & ".join(phrases) if phrases else None


def _longest_span_days(db: Any) -> int:
    """The longest date range of any event, in whole days (read from ix_events_span: one index probe)."""
    span = db.execute("SELECT max(julianday(date_end) - julianday(date_start)) FROM events").fetchone()[0]
    return int(span or 0) + 1


def _terms(query: EventQuery, span_days: int | None, dialect: _Dialect) -> list[_Term]:
    """Every filter of `query` as a _Term."""
    terms = []
    for name, column in _COLUMN_OF.items():
        values = _filter_values(query, name)
        if values:
            terms.append(_Term(name, f"{{c}}{column} IN ({', '.join('?' * len(values))})", values))
    if query.actor:
        marks = ", ".join("?" * len(query.actor))
        terms.append(_Term("actor", f"({{c}}actor1 IN ({marks}) OR {{c}}actor2 IN ({marks}))",
                           (*query.actor, *query.actor)))
    if query.dyad:
        terms.append(_Term("dyad", "(" + " OR ".join("({c}actor1 = ? AND {c}actor2 = ?)" for _ in query.dyad) + ")",
                           tuple(v for pair in query.dyad for v in pair)))
    for name in ("contested", "cross_border"):
        if getattr(query, name) is not None:
            terms.append(_Term(name, f"{{c}}{name} = ?", (int(getattr(query, name)),)))
    if query.since is not None or query.until is not None:
        where, params = [], []
        if query.since is not None:
            where.append("{c}date_end >= ?")
            params.append(query.since.isoformat())
            if span_days is not None:  # lets a walk by date stop: nothing starting earlier reaches `since`
                where.append("{c}date_start >= ?")
                params.append((query.since - timedelta(days=span_days)).isoformat())
        if query.until is not None:
            where.append("{c}date_start <= ?")
            params.append(query.until.isoformat())
        # counted for planning by date_start alone: the index holds it, so no row is read
        starts = [w for w in where if "date_start" in w]
        start_params = tuple(p for w, p in zip(where, params, strict=True) if "date_start" in w)
        terms.append(_Term("dates", " AND ".join(where), tuple(params),
                           (" AND ".join(starts), start_params) if starts else None))
    match = dialect.search_params(query.text)
    if match:
        # Through its index, the search's matches are looked up by id; off it (`+e.id`), they are listed
        # once and each row of the walk is checked against the list.
        terms.append(_Term("text", dialect.search_filter, match))
    return terms


def _where(terms: Sequence[_Term], indexed: Iterable[str], *, skip: Iterable[str | None] = (),
           unindexed: str = "+e.") -> tuple[str, list[Any]]:
    """The terms as one WHERE clause (on `events e`) and its parameters: those named in `indexed` may
    use their indexes, the others may not (their columns prefixed `unindexed`); those in `skip` are
    left out."""
    skip = set(skip)
    free = set(indexed)
    where: list[str] = []
    params: list[Any] = []
    for term in terms:
        if term.name in skip:
            continue
        where.append(term.sql.format(c="e." if term.name in free else unindexed))
        params.extend(term.params)
    return " AND ".join(where) or "TRUE", params


def _event_predicates(query: EventQuery, span_days: int | None, dialect: _Dialect) -> tuple[str, list[Any]]:
    """The WHERE clause of all of `query`'s filters, SQLite free to use any index (counts, bulk reads)."""
    terms = _terms(query, span_days, dialect)
    return _where(terms, [t.name for t in terms])


def _matches_up_to(db: Any, term: _Term, limit: int, dialect: _Dialect) -> int:
    """How many events one filter alone matches, counting no further than `limit`."""
    if term.sql == dialect.search_filter:
        return db.execute(dialect.search_probe, (*term.params, limit)).fetchone()[0]
    where, params = term.probe or (term.sql, term.params)
    sql = f"SELECT count(*) FROM (SELECT 1 FROM events e WHERE {where.format(c='e.')} LIMIT ?) AS found"
    return db.execute(sql, (*params, limit)).fetchone()[0]


# An arm of a merge: a condition on `events` that one ordered index serves, and its parameters.
_Arm = tuple[str, tuple]


def _filter_arms(query: EventQuery, name: str) -> list[_Arm]:
    """One filter as merge arms: an event matches the filter when it matches any of its arms. Every arm is
    an equality on the columns leading an index that ends in either order (migrations 5, 7 and 9)."""
    if name == "dyad":
        return [("actor1 = ? AND actor2 = ?", pair) for pair in query.dyad]
    if name == "actor":
        return [(f"{side} = ?", (v,)) for v in query.actor for side in ("actor1", "actor2")]
    if name in ("contested", "cross_border"):
        flag = getattr(query, name)
        return [(f"{name} = ?", (int(flag),))] if flag is not None else []
    return [(f"{_COLUMN_OF[name]} = ?", (v,)) for v in _filter_values(query, name)]


def _merge_groups(query: EventQuery, names: Iterable[str]) -> tuple[tuple[_Arm, ...], ...]:
    """The arm groups of a merge over the filters `names`: first the one filter whose several values are
    UNIONed (the first of _DRIVING_FILTERS with at most MAX_ARMS), then one single arm per filter to
    INTERSECT. Filters left out (a second one with several values, text, dates) are checked on the rows."""
    wanted = set(names)
    groups = [arms for name in _DRIVING_FILTERS if name in wanted if (arms := _filter_arms(query, name))]
    union = next((arms for arms in groups if 1 < len(arms) <= MAX_ARMS), None)
    singles = [arms for arms in groups if len(arms) == 1]
    return tuple(tuple(arms) for arms in ([union] if union else []) + singles)


@dataclass(frozen=True, slots=True)
class _PagePlan:
    plan: _Plan
    terms: tuple[_Term, ...]
    dialect: _Dialect
    sort_by: str | None = None  # SORT: the filter whose index finds the matches; a bounded walk's fallback
    bounded: bool = False  # the walk reads at most WALK_WINDOW index rows, then falls back to SORT
    merged: tuple[tuple[_Arm, ...], ...] = ()  # MERGE: the groups of arms (_merge_groups)

    def fallback(self, db: Any) -> _PagePlan:
        """SORT through the filter with fewest matches: every probe stopped at PROBE_ROWS, so they are
        counted again, further (index entries only, so ~60 ms at most)."""
        counts = {t.name: _matches_up_to(db, t, FALLBACK_PROBE_ROWS, self.dialect) for t in self.terms}
        return _PagePlan(_Plan.SORT, self.terms, self.dialect, min(counts, key=counts.__getitem__))

    @property
    def sort_prefix(self) -> str:
        """How the order's columns are written: SORT keeps the planner off the order's own index."""
        return self.dialect.unindexed if self.plan is _Plan.SORT else "e."


# A walk filtered by several common filters can still find a rare combination (3% cross-border, 4% of one
# dyad, 8% in one province: 1 in 10,000): it looks at this many index rows per arm, and when they do not
# fill the page, the page is read through the rarest filter's index instead (SORT).
WALK_WINDOW = 20_000
FALLBACK_PROBE_ROWS = 100_000
# A merge that leaves a filter to the rows (text; dates in the fatalities orders; a second filter with several
# values) reads at most this many of its events' rows before falling back to SORT; one that finds exactly
# the matches is never cut short (it reads only the page's rows).
MERGE_WINDOW = 4_000
UNBOUNDED = 1 << 62


def _plan_page(db: Any, query: EventQuery, order: EventOrder, span_days: int | None,
               dialect: _Dialect) -> _PagePlan:
    """How to read a page: probe how many events each filter matches (up to PROBE_ROWS). Rare text or dates
    are read and sorted (SORT). Otherwise the categorical filters are merged, so a rare combination of common
    filters costs index entries, not rows; which of them is a cost rule over the share of the store each
    matches (_cheapest_merge): one matching a large share is left to the rows, and a rare one is merged with
    a common one only when that spares more row reads than it steps through entries. A toll order within a
    date window sorts the window's keys when they are few (_window_entries). Without any categorical
    filter, the order's own index is walked."""
    terms = tuple(_terms(query, span_days, dialect))
    if not terms or (order.column == "date_start" and [t.name for t in terms] == ["dates"]):
        return _PagePlan(_Plan.WALK, terms, dialect)
    terms, counts = _probed(db, terms, dialect)
    rarest = min(counts, key=counts.__getitem__)
    rare = [name for name, n in counts.items() if n < PROBE_ROWS]
    if rare and not _merge_groups(query, [rarest]):
        return _PagePlan(_Plan.SORT, terms, dialect, rarest)
    # In a toll order a date window bounds no index walk; its keys are read in date order and sorted instead
    # (not beside a search, which only the rows can check: the merge in toll order bounds those reads).
    window = (next((t for t in terms if t.name == "dates" and t.probe), None)
              if order.column == "fatalities_best" and "text" not in counts else None)
    merged = _merge_groups(query, counts)
    sample = None
    if len(merged) > 1 or window:  # the share of the store each filter matches decides what to merge
        sample = _sample(db, dialect, [_condition(g) for g in merged] + ([_starts(window)] if window else []))
    if sample is not None:
        merged = _cheapest_merge(merged, _shares(query, counts, sample))
    elif rare:  # no estimate (PostgreSQL): the rare filters alone
        merged = _merge_groups(query, rare)
    if window and (rare or _window_entries(db, dialect, window, merged, sample) < FALLBACK_PROBE_ROWS):
        return _PagePlan(_Plan.SORT, terms, dialect, "dates", merged=merged)
    if not merged:
        return _PagePlan(_Plan.WALK, terms, dialect, rarest, bounded=True)
    # Rows the merge finds but a filter left out of it rejects cost a read each: bound them, unless the
    # merge is of rare filters (fewer entries than the bound) or finds exactly the matches.
    lossy = not rare and _merge_lossy(query, order, counts, merged)
    return _PagePlan(_Plan.MERGE, terms, dialect, rarest, bounded=lossy, merged=merged)


def _probed(db: Any, terms: tuple[_Term, ...], dialect: _Dialect) -> tuple[tuple[_Term, ...], dict[str, int]]:
    """The filters, and how many events each matches, counted up to PROBE_ROWS. The search lists its matches
    instead of counting them; when they are fewer, that list replaces the search in the page's statements,
    which so do not search again (a search with a common word takes tens of ms)."""
    probed: list[_Term] = []
    counts: dict[str, int] = {}
    for term in terms:
        if term.sql == dialect.search_filter:
            found = [row[0] for row in db.execute(dialect.search_matches, (*term.params, PROBE_ROWS))]
            counts[term.name] = len(found)
            if len(found) < PROBE_ROWS:
                term = _Term(term.name, dialect.search_among, (json.dumps(found),))
        else:
            counts[term.name] = _matches_up_to(db, term, PROBE_ROWS, dialect)
        probed.append(term)
    return tuple(probed), counts


# A row read costs about as much as stepping through this many index entries in a merge (on a 1,000,000-event
# store: ~10 us to find a row by id, ~0.15 us an entry of SQLite's ordered INTERSECT).
ROW_COST = 50
# The share of the store a filter matches is estimated from this many runs of this many consecutive rowids,
# spread over the table: a run is a few pages, so the whole sample is read in under a millisecond.
SAMPLE_RUNS = 16
SAMPLE_ROWS = 64


@dataclass(frozen=True, slots=True)
class _Sample:
    """How many events the store holds (about) and the share of them each condition matches (estimated)."""

    events: int
    shares: Mapping[tuple[str, tuple], float]


def _condition(group: tuple[_Arm, ...]) -> tuple[str, tuple]:
    """A group of merge arms as one condition on `events`: any of its arms."""
    return "(" + " OR ".join(f"({arm})" for arm, _ in group) + ")", tuple(p for _, params in group for p in params)


def _sample(db: Any, dialect: _Dialect, conditions: Sequence[tuple[str, tuple]]) -> _Sample | None:
    """The share of events each condition matches, counted on SAMPLE_RUNS runs of SAMPLE_ROWS rowids spread
    over the table (one statement for all the conditions); None on PostgreSQL (no rowid to read runs by) or
    an empty store."""
    if dialect.name != "sqlite" or not conditions:
        return None
    last = db.execute("SELECT max(rowid) FROM events").fetchone()[0]
    if not last:
        return None
    starts = [last * run // SAMPLE_RUNS for run in range(SAMPLE_RUNS)]
    counted = ", ".join(f"sum(CASE WHEN {sql} THEN 1 ELSE 0 END)" for sql, _ in conditions)
    runs = " OR ".join(["rowid BETWEEN ? AND ?"] * SAMPLE_RUNS)
    params = [*(p for _, ps in conditions for p in ps),
              *(n for start in starts for n in (start + 1, start + SAMPLE_ROWS))]
    rows, *hits = db.execute(f"SELECT count(*), {counted} FROM events WHERE {runs}", params).fetchone()
    return _Sample(last, {c: n / rows for c, n in zip(conditions, hits, strict=True)}) if rows else None


def _shares(query: EventQuery, counts: Mapping[str, int], sample: _Sample) -> dict[tuple[str, tuple], float]:
    """The sample's shares, corrected by the probes: a filter that matched fewer than PROBE_ROWS was counted
    exactly; one that reached it matches at least that many."""
    shares = dict(sample.shares)
    for name, n in counts.items():
        group = _condition(tuple(_filter_arms(query, name))) if name in _DRIVING_FILTERS else None
        if group in shares:
            shares[group] = n / sample.events if n < PROBE_ROWS else max(shares[group], PROBE_ROWS / sample.events)
    return shares


def _cheapest_merge(groups: tuple[tuple[_Arm, ...], ...],
                    shares: Mapping[tuple[str, tuple], float]) -> tuple[tuple[_Arm, ...], ...]:
    """The groups worth merging. A merge steps through every entry of every group until the page is full; a
    group left out costs instead a row read for each event the others find that it would have rejected. From
    the group matching the smallest share, each next one is merged while its entries (its share) cost less
    than the rows it saves (ROW_COST times the share the merge finds so far, less those it keeps); the rest
    are checked on the rows. A filter matching half the store is merged only beside filters nearly as common."""
    kept: list[tuple[_Arm, ...]] = []
    finds = 1.0
    for group in sorted(groups, key=lambda g: shares[_condition(g)]):
        share = shares[_condition(group)]
        if not kept or share < ROW_COST * finds * (1 - share):
            kept.append(group)
            finds *= share
    return tuple(g for g in groups if g in kept)  # in the given order: the UNIONed group first


def _window_entries(db: Any, dialect: _Dialect, window: _Term, keys: tuple[tuple[_Arm, ...], ...],
                    sample: _Sample | None) -> float:
    """About how many index entries reading a date window's keys takes: the events starting in its range,
    times the share the merged groups match (each group's date index holds the range's share of it). Without
    a sample, the range is counted (up to FALLBACK_PROBE_ROWS)."""
    if sample is None:
        return _matches_up_to(db, window, FALLBACK_PROBE_ROWS, dialect)
    shares = [sample.shares[_condition(g)] for g in keys] or [1.0]
    return sample.events * sample.shares[_starts(window)] * sum(shares)


def _starts(window: _Term) -> tuple[str, tuple]:
    """A date filter's range of date_start (its probe) as a condition on `events`."""
    assert window.probe is not None
    return window.probe[0].format(c=""), window.probe[1]


def _merge_lossy(query: EventQuery, order: EventOrder, names: Iterable[str],
                 merged: tuple[tuple[_Arm, ...], ...]) -> bool:
    """Whether a merge of the filters `names` finds events that a filter checked on the rows rejects (a
    filter it leaves out); a date range in date order bounds every arm."""
    for name in names:
        if name == "dates" and order.column == "date_start":
            continue
        if name not in _DRIVING_FILTERS or tuple(_filter_arms(query, name)) not in merged:
            return True
    return False


def _any_without(db: Any, order: EventOrder) -> bool:
    """Whether any event lacks the order's value (undated, or without a toll): one probe of its index."""
    return db.execute(f"SELECT EXISTS (SELECT 1 FROM events WHERE {order.column} IS NULL)").fetchone()[0] == 1


def _segments(order: EventOrder, query: EventQuery) -> tuple[bool, ...]:
    """The page's segments in order, True for the events without a sort value; a date filter leaves no
    undated event."""
    if order.column == "date_start" and (query.since is not None or query.until is not None):
        return (False,)
    return (False, True) if order.descending else (True, False)


@dataclass(frozen=True, slots=True)
class _Keyset:
    """A segment's position and order as SQL: `where` (after the last key), its params, `order_by`."""

    where: str
    params: list[Any]
    order_by: str

    @classmethod
    def of(cls, order: EventOrder, prefix: str, null_segment: bool, after: PageKey | None) -> _Keyset:
        direction = "DESC" if order.descending else "ASC"
        beyond = "<" if order.descending else ">"
        # SORT writes the order's columns `+e.col` (prefix), so no index is walked for the order
        key, key_id = f"{prefix}{order.column}", f"{prefix}id"
        if null_segment:
            where = [f"{key} IS NULL"] + ([f"{key_id} {beyond} ?"] if after else [])
            return cls(" AND ".join(where), [after.id] if after else [], f"{key_id} {direction}")
        where = [f"{key} IS NOT NULL"] + ([f"({key}, {key_id}) {beyond} (?, ?)"] if after else [])
        return cls(" AND ".join(where), [after.value, after.id] if after else [],
                   f"{key} {direction}, {key_id} {direction}")


def _walk(order: EventOrder, plan: _PagePlan, keyset: _Keyset) -> tuple[str, list[Any]]:
    """The index walk of a WALK plan: a WHERE clause over `events e` that the order's index serves, with
    its params; the dates go in the walk, as they bound a date index's range."""
    dates, date_params = "TRUE", []
    if order.column == "date_start":
        dates, date_params = _where([t for t in plan.terms if t.name == "dates"], ["dates"])
    return f"{keyset.where} AND {dates}", [*keyset.params, *date_params]


def _merge(order: EventOrder, plan: _PagePlan, null_segment: bool, after: PageKey | None,
           window: int) -> tuple[str, list[Any]]:
    """A MERGE plan's compound SELECT: the order's key and id of at most `window` events after `after`, in
    order, that every group of arms matches (read from index entries alone); in date order, within the
    date filter (its indexes hold date_end)."""
    keyset = _Keyset.of(order, "", null_segment, after)
    where, params = keyset.where, keyset.params
    dates = next((t for t in plan.terms if t.name == "dates"), None)
    if order.column == "date_start" and dates is not None:
        where, params = f"{where} AND {dates.sql.format(c='')}", [*params, *dates.params]
    compound, compound_params = _compound(plan.merged, "id" if null_segment else f"{order.column}, id", where, params)
    # The LIMIT also keeps the ORDER BY: SQLite drops an ORDER BY of a subquery without one.
    return f"{compound} ORDER BY {keyset.order_by} LIMIT {window}", compound_params


def _compound(groups: tuple[tuple[_Arm, ...], ...], selected: str, where: str,
              params: Sequence[Any]) -> tuple[str, list[Any]]:
    """The groups of arms as one compound SELECT of `selected` from `events`, each arm AND `where` (with
    `params`). Compound operators apply left to right, so the first group's UNION comes before the INTERSECTs."""
    parts: list[str] = []
    compound_params: list[Any] = []
    for number, group in enumerate(groups):
        for arm, arm_params in group:
            operator = "" if not parts else (" UNION " if number == 0 else " INTERSECT ")
            parts.append(f"{operator}SELECT {selected} FROM events WHERE {arm} AND {where}")
            compound_params.extend([*arm_params, *params])
    return "".join(parts), compound_params


def _window_keys(plan: _PagePlan) -> tuple[str, list[Any]]:
    """A SORT plan's source of keys within its date window, as `events e` or a subquery `e` giving
    fatalities_best and id: the date index, or the merge (in date order, within the window) of the groups'
    date indexes; both hold date_end and the toll, so no row is read."""
    if not plan.merged:
        return "events e", []
    dates = next(t for t in plan.terms if t.name == "dates")
    compound, params = _compound(plan.merged, "date_start, id, fatalities_best", dates.sql.format(c=""), dates.params)
    return f"({compound} ORDER BY date_start, id LIMIT {UNBOUNDED}) e", params


def _page_statements(query: EventQuery, order: EventOrder, plan: _PagePlan, null_segment: bool,
                     after: PageKey | None, limit: int) -> list[tuple[str, list[Any]]]:
    """One segment's page as queries of SUMMARY_COLUMNS (one per index walk: their rows merged in
    `order`, the first `limit` are the page): up to `limit` events after `after`."""
    keyset = _Keyset.of(order, plan.sort_prefix, null_segment, after)
    columns = ", ".join(f"e.{c}" for c in SUMMARY_COLUMNS)
    if plan.plan is _Plan.MERGE:
        merge, merge_params = _merge(order, plan, null_segment, after, MERGE_WINDOW if plan.bounded else UNBOUNDED)
        where, params = _where(plan.terms, [], unindexed=plan.dialect.unindexed)
        # The merge is the outer loop (CROSS JOIN), read in its order: the LIMIT stops it once the page is full.
        ordered = _joined_order(order, plan, null_segment)
        return [(f"SELECT {columns} FROM ({merge}) m CROSS JOIN events e WHERE e.id = m.id AND {where}{ordered} "
                 "LIMIT ?", [*merge_params, *params, limit])]
    if plan.plan is _Plan.SORT:
        where, params = _where(plan.terms, [plan.sort_by] if plan.sort_by else [], unindexed=plan.dialect.unindexed)
        if plan.sort_by == "dates" and order.column == "fatalities_best":
            # The window's keys are sorted from index entries alone (_window_keys), then the rows are read in
            # that order and checked against every filter until the page is full. When the keys are exactly
            # the matches, only the page's keys are kept from the sort.
            source, source_params = _window_keys(plan)
            window, window_params = (_where([t for t in plan.terms if t.name == "dates"], ["dates"])
                                     if source == "events e" else ("TRUE", []))
            lossy = _merge_lossy(query, EventOrder.NEWEST, [t.name for t in plan.terms], plan.merged)
            kept = UNBOUNDED if lossy else limit
            first = (f"SELECT e.fatalities_best, e.id FROM {source} WHERE {keyset.where} AND {window} "
                     f"ORDER BY {keyset.order_by} LIMIT {kept}")
            checked, checked_params = _where(plan.terms, [], unindexed=plan.dialect.unindexed)
            ordered = _joined_order(order, plan, null_segment)
            return [(f"SELECT {columns} FROM ({first}) m CROSS JOIN events e WHERE e.id = m.id AND {checked}"
                     f"{ordered} LIMIT ?",
                     [*source_params, *keyset.params, *window_params, *checked_params, limit])]
        return [(f"SELECT {columns} FROM events e WHERE {keyset.where} AND {where} ORDER BY {keyset.order_by} "
                 "LIMIT ?", [*keyset.params, *params, limit])]
    where, params = _where(plan.terms, [], skip={"dates"} if order.column == "date_start" else (),
                           unindexed=plan.dialect.unindexed)
    walk, walk_params = _walk(order, plan, keyset)
    if plan.bounded:
        # Filter only the first WALK_WINDOW rows of the walk. No ORDER BY outside: SQLite reads the
        # LIMITed subquery as a co-routine, in its order, and stops at `limit` matches; an ORDER BY
        # would make it read (and sort) the whole window first.
        walked = f"(SELECT * FROM events e WHERE {walk} ORDER BY {keyset.order_by} LIMIT {WALK_WINDOW}) e"
        return [(f"SELECT {columns} FROM {walked} WHERE {where} LIMIT ?", [*walk_params, *params, limit])]
    return [(f"SELECT {columns} FROM events e WHERE {walk} AND {where} ORDER BY {keyset.order_by} LIMIT ?",
             [*walk_params, *params, limit])]


def _joined_order(order: EventOrder, plan: _PagePlan, null_segment: bool) -> str:
    """The ORDER BY of keys `m` joined to their rows: none in SQLite, which reads `m` in its order as the outer
    loop of a CROSS JOIN (sorting would read every key first); PostgreSQL keeps no order through a join."""
    return "" if plan.dialect.name == "sqlite" else f" ORDER BY {_Keyset.of(order, 'm.', null_segment, None).order_by}"


def _merged_page(db: Any, statements: Sequence[tuple[str, list[Any]]], order: EventOrder,
                 null_segment: bool, limit: int) -> list[dict[str, Any]]:
    """The rows of every walk, without repeats (an event can be on both sides of an actor), in order."""
    rows = {row["id"]: row for sql, params in statements for row in _fetch_dicts(db, sql, params)}
    if null_segment:
        ordered = sorted(rows.values(), key=itemgetter("id"), reverse=order.descending)
    else:
        ordered = sorted(rows.values(), key=itemgetter(order.column, "id"), reverse=order.descending)
    return ordered[:limit]


def _walks_exhausted(db: Any, query: EventQuery, order: EventOrder, plan: _PagePlan,
                     null_segment: bool, after: PageKey | None) -> bool:
    """Whether every walk of a bounded plan reached its end within WALK_WINDOW rows (then a short page is
    the end of the results, not the end of the window)."""
    if plan.plan is _Plan.MERGE:
        merge, params = _merge(order, plan, null_segment, after, MERGE_WINDOW)
        return db.execute(f"SELECT count(*) FROM ({merge}) AS merged", params).fetchone()[0] < MERGE_WINDOW
    walk, params = _walk(order, plan, _Keyset.of(order, "e.", null_segment, after))
    sql = f"SELECT count(*) FROM (SELECT 1 FROM events e WHERE {walk} LIMIT {WALK_WINDOW}) AS walked"
    return db.execute(sql, params).fetchone()[0] < WALK_WINDOW


def _fetch_dicts(db: Any, sql: str, params: Sequence[Any]) -> list[dict[str, Any]]:
    cursor = db.execute(sql, params)
    names = [c[0] for c in cursor.description]
    return [dict(zip(names, values, strict=True)) for values in cursor]


def _keyed_page(cursor: Any, limit: int) -> tuple[list[dict[str, Any]], int | None]:
    """Rows of a query ordered by `seq` descending that fetched `limit` + 1: the page (without `seq`) and
    the next page's key."""
    names = [c[0] for c in cursor.description]
    rows = [dict(zip(names, values, strict=True)) for values in cursor]
    more = len(rows) > limit
    rows = rows[:limit]
    key = rows[-1]["seq"] if more else None
    for row in rows:
        del row["seq"]
    return rows, key


_SQLITE = _Dialect(
    name="sqlite", migrations=MIGRATIONS, cursor=_sqlite_cursor, connection=_sqlite_connection,
    write_lock=None, unindexed="+e.", search_params=_fts5_search,
    search_filter="{c}id IN (SELECT k.event_id FROM event_text JOIN event_text_keys k ON "
                  "k.text_rowid = event_text.rowid WHERE event_text MATCH ?)",
    search_probe="SELECT count(*) FROM (SELECT 1 FROM event_text WHERE event_text MATCH ? LIMIT ?) AS found",
    search_matches="SELECT rowid FROM event_text WHERE event_text MATCH ? LIMIT ?",
    search_among="{c}id IN (SELECT event_id FROM event_text_keys WHERE text_rowid IN (SELECT value FROM json_each(?)))",
    search_rows="SELECT (SELECT COUNT(*) FROM events), (SELECT COUNT(*) FROM event_text_keys)",
    period_starts=PERIOD_STARTS, check_pragmas=True,
)
_POSTGRES = _Dialect(
    name="postgresql", migrations=POSTGRES_MIGRATIONS, cursor=_postgres_cursor, connection=_PostgresConnection,
    write_lock="SELECT pg_advisory_xact_lock(?)", unindexed="e.", search_params=_postgres_search,
    search_filter=f"{{c}}id IN (SELECT event_id FROM event_text WHERE {_POSTGRES_SEARCH_VECTOR} "
                  "@@ to_tsquery('simple', ?))",
    search_probe=f"SELECT count(*) FROM (SELECT 1 FROM event_text WHERE {_POSTGRES_SEARCH_VECTOR} "
                 "@@ to_tsquery('simple', ?) LIMIT ?) AS found",
    search_matches=f"SELECT event_id FROM event_text WHERE {_POSTGRES_SEARCH_VECTOR} @@ to_tsquery('simple', ?) "
                   "LIMIT ?",
    search_among="{c}id IN (SELECT json_array_elements_text(CAST(? AS json)))",
    search_rows="SELECT (SELECT COUNT(*) FROM events), (SELECT COUNT(*) FROM event_text)",
    period_starts={**PERIOD_STARTS, "week": "to_char(date_trunc('week', e.date_start::date), 'YYYY-MM-DD')"},
)
