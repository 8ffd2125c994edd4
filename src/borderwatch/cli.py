"""The `borderwatch` command: a thin adapter. Each command parses options, calls one library function,
and turns borderwatch errors into a clean message and exit code."""

from __future__ import annotations

import json
import os
import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from borderwatch.errors import BorderwatchError

app = typer.Typer(help="Sourced, geocoded event data from news on cross-border armed conflict.",
                  no_args_is_help=True, add_completion=False)
# Piped or captured output gets a wide table instead of rich's 80-column default; a terminal keeps its width.
# Markup off: what is printed comes from articles, datasets and users ("[/]" in a name must print as
# itself, never as a style tag or an error); the few styles of our own are given as styles.
console = Console(markup=False) if Console().is_terminal else Console(width=160, markup=False)
err = Console(stderr=True, markup=False)

DEFAULT_DB = "borderwatch.db"
DbOption = Annotated[str, typer.Option("--db", envvar="BORDERWATCH_DB",
                                       help="SQLite event store (default borderwatch.db or $BORDERWATCH_DB).")]


def _fail(e: BorderwatchError) -> typer.Exit:
    err.print(Text.assemble(("error:", "bold red"), f" {e}"))
    return typer.Exit(code=2)


@app.command()
def ingest(paths: Annotated[list[Path], typer.Argument(help=".txt, .html, .jsonl files or folders of them.")],
           db: DbOption = DEFAULT_DB,
           engine: Annotated[str, typer.Option(help="local (one process) or dask (extraction on a Dask "
                                               "cluster, then one ordered load).")] = "local",
           scheduler: Annotated[str | None, typer.Option(help="Dask scheduler address, e.g. tcp://host:8786; "
                                                         "default: a LocalCluster.")] = None,
           workers: Annotated[int, typer.Option(help="Dask: worker processes of the LocalCluster.")] = 2,
           shards: Annotated[Path | None, typer.Option(help="Dask: keep the Parquet shards in this folder "
                                                       "(shared by all workers when on a cluster).")] = None,
           relevant_only: Annotated[bool, typer.Option("--relevant-only", help="Leave out, before extraction, "
                                                       "documents that name none of the theatre's actors and "
                                                       "places (for a general news firehose).")] = False
           ) -> None:
    """Read documents (.txt, .html, .jsonl, their .gz, and .warc web archives), extract their events, and
    store everything (a re-run adds nothing)."""
    from borderwatch.ingest import read_documents
    from borderwatch.pipeline import ingest_documents
    from borderwatch.store import open_store

    if engine not in ("local", "dask"):
        raise typer.BadParameter(f"unknown engine {engine!r}: use local or dask")
    if engine == "dask":
        from borderwatch.dask_ingest import ingest_with_dask

        try:
            with open_store(db) as store:
                result = ingest_with_dask(paths, store, scheduler=scheduler, workers=workers, shard_dir=shards,
                                          keep_shards=shards is not None)
                counts = store.counts()
        except BorderwatchError as e:
            raise _fail(e) from e
        console.print(f"{result.line()}; store now holds {counts.get('documents', 0)} documents, "
                      f"{counts.get('events', 0)} events")
        return
    try:
        documents = read_documents(paths)  # streamed: memory stays flat in corpus size
        with open_store(db) as store, Progress(
                TextColumn("ingesting"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                console=err, transient=True, disable=not err.is_terminal) as bar:
            task = bar.add_task("ingest", total=None)
            summary = ingest_documents(documents, store, on_document=lambda _d: bar.advance(task),
                                       relevant_only=relevant_only)
            counts = store.counts()
    except BorderwatchError as e:
        raise _fail(e) from e
    console.print(f"{summary.line()}; store now holds {counts.get('documents', 0)} documents, "
                  f"{counts.get('events', 0)} events")


@app.command("import")
def import_(dataset: Annotated[str, typer.Argument(help="ucdp (UCDP GED CSV) or acled (ACLED export CSV).")],
            file: Annotated[Path, typer.Argument(help="The dataset's CSV file.")],
            db: DbOption = DEFAULT_DB,
            show_rejected: Annotated[int, typer.Option("--show-rejected", help="List this many rejected rows.")]
            = 5) -> None:
    """Import UCDP GED or ACLED events beside the news-coded ones, mapped to our actors, types and places
    and marked with their source (never merged with news events; a re-import adds nothing)."""
    from borderwatch.pipeline import import_dataset
    from borderwatch.store import open_store

    try:
        with open_store(db) as store, Progress(
                TextColumn(f"importing {dataset}"), MofNCompleteColumn(), TimeElapsedColumn(),
                console=err, transient=True, disable=not err.is_terminal) as bar:
            task = bar.add_task("import", total=None)
            summary = import_dataset(dataset.lower(), file, store, on_row=lambda: bar.advance(task))
    except BorderwatchError as e:
        raise _fail(e) from e
    for problem in summary.rejected[:show_rejected]:
        err.print(f"rejected line {problem.line}: {problem.reason}")
    console.print(summary.line())


@app.command()
def fetch(urls: Annotated[list[str], typer.Argument(help="Article URLs (http or https).")],
          db: DbOption = DEFAULT_DB,
          allow_private: Annotated[bool, typer.Option("--allow-private", help="Allow loopback and private "
                                                      "addresses (an intranet); refused by default.")] = False
          ) -> None:
    """Fetch single articles (robots.txt, size and time limits, public addresses only) and ingest them."""
    from borderwatch.ingest.fetch import fetch_documents
    from borderwatch.pipeline import ingest_documents
    from borderwatch.store import open_store

    try:
        with open_store(db) as store:
            summary = ingest_documents(fetch_documents(urls, allow_private=allow_private), store)
            failures = [(source or doc_id, error) for doc_id, source, error in store.failures()]
    except BorderwatchError as e:
        raise _fail(e) from e
    console.print(summary.line())
    for doc_id, error in failures[-summary.failed:] if summary.failed else []:
        err.print(f"failed {doc_id}: {error}")


@app.command()
def watch(feeds: Annotated[Path, typer.Option(help="The feed list (see feeds.yaml and docs/sources.md).")],
          db: DbOption = DEFAULT_DB,
          every: Annotated[str, typer.Option(help="Time between polls: 900, 15m, 1h.")] = "15m",
          cycles: Annotated[int | None, typer.Option(help="Stop after this many polls (default: run until "
                                                     "Ctrl-C).")] = None,
          allow_private: Annotated[bool, typer.Option("--allow-private", help="Allow loopback and private "
                                                      "addresses (an intranet); refused by default.")] = False
          ) -> None:
    """Poll RSS/Atom feeds, fetch new articles, ingest and merge them; one log line per cycle. Stops cleanly
    on Ctrl-C and resumes where it left off (state in <db>.watch.json)."""
    import signal

    from borderwatch.ingest.feeds import parse_interval, watch_state_path
    from borderwatch.ingest.feeds import watch as watch_feeds
    from borderwatch.store import open_store

    stopping = []

    def stop(_signum, _frame) -> None:
        if stopping:
            raise KeyboardInterrupt  # a second Ctrl-C: stop now
        stopping.append(True)
        err.print("stopping after the current article (Ctrl-C again to stop now)")

    previous = signal.signal(signal.SIGINT, stop)
    try:
        with open_store(db) as store:
            n = watch_feeds(feeds, store, every_seconds=parse_interval(every), stop=lambda: bool(stopping),
                            on_cycle=lambda c: console.print(c.line()), allow_private=allow_private,
                            state_path=watch_state_path(db), max_cycles=cycles)
    except BorderwatchError as e:
        raise _fail(e) from e
    except ValueError as e:
        raise typer.BadParameter(str(e)) from e
    finally:
        signal.signal(signal.SIGINT, previous)
    console.print(f"watched {n} cycles; state kept in {watch_state_path(db)}")


@app.command()
def serve(db: DbOption = DEFAULT_DB,
          host: Annotated[str, typer.Option(help="Address to listen on; keep 127.0.0.1 unless you mean to "
                                            "share it.")] = "127.0.0.1",
          port: Annotated[int, typer.Option(help="Port.")] = 8000,
          token: Annotated[str | None, typer.Option(envvar="BORDERWATCH_WRITE_TOKEN", help="Enable POST "
                                                    "/api/documents for requests bearing this token "
                                                    "(or $BORDERWATCH_WRITE_TOKEN); read-only without.")]
          = None,
          tiles: Annotated[str | None, typer.Option(help="An online raster tile URL template for the map, "
                                                    "e.g. https://tile.example/{z}/{x}/{y}.png.")] = None) -> None:
    """The REST API (docs at /docs) and the analyst's dashboard (at /), from one local server."""
    from borderwatch.web import serve as serve_app

    if not _store_exists(db):
        raise _fail(BorderwatchError(f"no store at {db}: ingest something first (borderwatch ingest ...)"))
    if token is not None and len(token) < 16:
        raise typer.BadParameter("the write token must be at least 16 characters")
    console.print(f"serving {db} on http://{host}:{port}/ (API docs at /docs); "
                  f"{'writes need the token' if token else 'read-only'}; Ctrl-C to stop")
    serve_app(db, host=host, port=port, write_token=token, tiles_url=tiles)


@app.command()
def backup(target: Annotated[Path, typer.Argument(help="The new file to copy the store to.")],
           db: DbOption = DEFAULT_DB) -> None:
    """A consistent copy of the store, made while readers and an ingest go on."""
    from borderwatch.store import open_store

    if not _store_exists(db):
        raise _fail(BorderwatchError(f"no store at {db}"))
    try:
        with open_store(db) as store:
            store.backup(target)
            problems = open_store(target).check()
    except BorderwatchError as e:
        raise _fail(e) from e
    console.print(f"backed up {db} to {target}" + ("" if not problems else f"; the copy has {len(problems)} "
                                                   "problems: run borderwatch check on it"))


@app.command()
def check(db: DbOption = DEFAULT_DB) -> None:
    """Integrity and consistency of the store: SQLite's checks, and that counts, mentions and links agree.
    Exits 1 when a problem is found."""
    from borderwatch.store import open_store

    if not _store_exists(db):
        raise _fail(BorderwatchError(f"no store at {db}"))
    try:
        with open_store(db) as store:
            problems = store.check()
            counts = store.counts()
    except BorderwatchError as e:
        raise _fail(e) from e
    for problem in problems:
        console.print(f"problem: {problem}")
    summary = ", ".join(f"{n} {name}" for name, n in counts.items())
    if problems:
        console.print(f"{len(problems)} problems in {db} ({summary})")
        raise typer.Exit(code=1)
    console.print(f"{db} is sound: {summary}")


@app.command()
def events(db: DbOption = DEFAULT_DB,
           country: Annotated[str | None, typer.Option(help="ISO2 country code, e.g. AF.")] = None,
           actor: Annotated[str | None, typer.Option(help="Actor id as actor1 or actor2, e.g. TTP.")] = None,
           since: Annotated[str | None, typer.Option(help="Earliest date, YYYY-MM-DD.")] = None,
           until: Annotated[str | None, typer.Option(help="Latest date, YYYY-MM-DD.")] = None,
           type: Annotated[str | None, typer.Option("--type", help="ACLED event type.")] = None,  # noqa: A002
           cross_border: Annotated[bool, typer.Option("--cross-border", help="Only cross-border events.")]
           = False,
           contested: Annotated[bool, typer.Option("--contested", help="Only events with disputed tolls.")]
           = False,
           source: Annotated[str | None, typer.Option(help="news, ucdp or acled (default: all).")] = None,
           limit: Annotated[int | None, typer.Option(help="Show at most this many.")] = None) -> None:
    """The event table, newest first."""
    from borderwatch.store import open_store

    try:
        with open_store(db) as store:
            rows = store.events(country=country, actor=actor, since=_parse_day(since), until=_parse_day(until),
                                event_type=type, cross_border=True if cross_border else None,
                                contested=True if contested else None, source=_source(source), limit=limit)
    except BorderwatchError as e:
        raise _fail(e) from e
    console.print(event_table(rows))


def event_table(rows) -> Table:
    table = Table(title=f"{len(rows)} events, newest first", show_lines=False)
    for name, wrap in (("event", False), ("date", False), ("sub-event type", True), ("where", True),
                       ("actor1", False), ("actor2", False), ("deaths", False), ("source", False)):
        table.add_column(name, overflow="fold", no_wrap=not wrap)
    for e in rows:
        deaths = _deaths(e)
        where = ", ".join(x for x in (e.place.name if e.place else None,
                                      e.place.admin1 if e.place and e.place.admin1 != e.place.name else None,
                                      e.country) if x)
        when = f"{e.date.iso()} ({e.date.precision.value})" if e.date else ""
        actor1 = (e.actor1 or "") + (f" ({e.origin_country}→{e.impact_country})" if e.cross_border else "")
        source = f"{len(e.documents)} docs" if e.source == "news" else e.source.value.upper()
        table.add_row(e.id, when, e.sub_event_type, where, actor1, e.actor2 or "", deaths, source)
    return table


def event_rung(event) -> str:
    from borderwatch.export import rung_name

    return rung_name(event).replace("_", " ")


def _deaths(e) -> str:
    """'8-200 (best 8) contested', '12', or '' when nobody gave a count."""
    if e.fatalities_low is None:
        return ""
    if e.fatalities_high in (None, e.fatalities_low):
        return f"{e.fatalities_low}"
    return (f"{e.fatalities_low}-{e.fatalities_high} (best {e.fatalities_best})"
            + (" contested" if e.contested else ""))


@app.command()
def show(event_id: str, db: DbOption = DEFAULT_DB) -> None:
    """Every field of an event with the sentence it came from, the words behind it highlighted."""
    from borderwatch.store import open_store

    try:
        with open_store(db) as store:
            event = store.event(event_id)
            if event is None:
                raise BorderwatchError(f"no event {event_id!r} in {db}; `borderwatch events` lists them")
            texts = {doc: store.document_text(doc) for doc in event.documents}
            _, incoming = store.links(event_id)
            siblings = sorted({other for other, link in incoming if link.kind.value == "part_of"})
            answers = sorted({other for other, link in incoming if link.kind.value == "responds_to"})
    except BorderwatchError as e:
        raise _fail(e) from e
    console.print(Text.assemble((event.id, "bold"), f"  {event.event_type} / {event.sub_event_type}"))
    console.print(Text.assemble(
        f"date {event.date.iso() if event.date else '?'} ({event.date.precision if event.date else '-'})"
        f"   place {event.place.name if event.place else '-'}, {event.country or '?'}"
        f"   actor1 {event.actor1 or '-'}   actor2 {event.actor2 or '-'}"
        f"   deaths low/best/high {event.fatalities_low}/{event.fatalities_best}/{event.fatalities_high}",
        ("  contested" if event.contested else "", "red")))
    console.print(f"origin {event.origin_country or '?'} → impact {event.impact_country or '?'}"
                  f"   cross-border {'yes' if event.cross_border else 'no'}"
                  f"   border district {'yes' if event.border_area else 'no'}"
                  + (f"   striking side's stance: {event.stance}" if event.stance else ""))
    rung = event_rung(event)
    source = "" if event.source == "news" else f"   imported from {event.source.value.upper()} ({event.source_id})"
    console.print(f"escalation rung {rung or 'none'}{source}")
    if siblings:
        console.print(f"part of a wave with {', '.join(siblings)}")
    for link in event.links:
        if link.kind.value != "responds_to":
            continue
        target = link.target or f"unresolved: “{link.description}”"
        gap = f", {link.days_before} day(s) before" if link.days_before is not None else ""
        console.print(f"responds to {target}{gap}")
    if answers:
        console.print(f"answered by {', '.join(answers)}")
    for m in event.mentions:
        console.rule(f"mention {m.id} ({m.doc_id})")
        why = event.merge_scores.get(m.id, {})
        if "total" in why:
            parts = ", ".join(f"{k} {v}" for k, v in why.items() if k not in ("mean", "members_scored", "total"))
            console.print(f"  in this event: mean score {why.get('mean')} over {why.get('members_scored')} "
                          f"member(s); closest pair {why['total']} ({parts})")
        else:
            console.print("  in this event: it started it (no earlier event scored high enough)")
        for c in m.claims:
            count = c.count.as_dict() if c.count else {}
            console.print(f"  claim: {c.kind} {count} by {c.claimant or 'no source given'}"
                          + (f" ({c.victim_group})" if c.victim_group else ""))
        text = texts.get(m.doc_id) or ""
        field_spans = [s for s in m.spans if s.field != "evidence"] + [s for c in m.claims for s in c.spans]
        for sentence in m.evidence:
            console.print(_highlight(text, sentence.start, sentence.end, field_spans))
        for s in field_spans:
            console.print(Text.assemble("  ", (str(s.field), "cyan"), f" = {s.value!s:<28} ← “{s.text}” "
                                        f"[{s.start}:{s.end}]"))


def _highlight(text: str, start: int, end: int, spans) -> Text:
    out = Text("  " + text[start:end])
    for s in spans:
        if start <= s.start and s.end <= end:
            out.stylize("bold yellow", 2 + s.start - start, 2 + s.end - start)
    return out


@app.command()
def claims(db: DbOption = DEFAULT_DB,
           event: Annotated[str | None, typer.Option("--event", help="Only this event's claims.")] = None,
           claimant: Annotated[str | None, typer.Option(help="Only this claimant's, e.g. AFG-TALIBAN.")] = None
           ) -> None:
    """The claims ledger: who claimed what about which event, in which source."""
    from borderwatch.store import open_store

    try:
        with open_store(db) as store:
            records = store.claims(event_id=event, claimant=claimant)
    except BorderwatchError as e:
        raise _fail(e) from e
    table = Table(title=f"{len(records)} claims")
    for name in ("event", "date", "where", "claim", "count", "victims", "claimed by", "source"):
        table.add_column(name, overflow="fold")
    for r in records:
        c = r.claim
        count = "" if c.count is None else (str(c.count.count) if c.count.count is not None
                                            else f"{c.count.min}-{c.count.max if c.count.max is not None else ''}")
        table.add_row(r.event_id, r.event_date or "", r.place or "", c.kind.value, count, c.victim_group or "",
                      c.claimant or "(no source given)", r.outlet or r.doc_id)
    console.print(table)


@app.command()
def chain(event_id: str, db: DbOption = DEFAULT_DB) -> None:
    """The chain of responses around an event: what it answered, and what answered it."""
    from borderwatch.store import open_store

    try:
        with open_store(db) as store:
            if store.event(event_id) is None:
                raise BorderwatchError(f"no event {event_id!r} in {db}; `borderwatch events` lists them")
            before, after = store.chain(event_id)
            events = {e: store.event(e) for e in [*before, event_id, *after]}
            own, _ = store.links(event_id)
    except BorderwatchError as e:
        raise _fail(e) from e
    table = Table(title=f"responses around {event_id}")
    for name in ("step", "event", "date", "type", "where", "actor1", "actor2"):
        table.add_column(name, overflow="fold")
    steps = [(-i - 1, e) for i, e in enumerate(before)][::-1] + [(0, event_id)] + \
        [(i + 1, e) for i, e in enumerate(after)]
    for step, eid in steps:
        ev = events[eid]
        if ev is None:
            continue
        table.add_row("this event" if step == 0 else (f"answers {-step} back" if step < 0 else f"answer +{step}"),
                      eid, ev.date.iso() if ev.date else "", ev.sub_event_type,
                      ev.place.name if ev.place else (ev.country or ""), ev.actor1 or "", ev.actor2 or "")
    console.print(table)
    for link in own:
        if link.kind.value == "responds_to" and link.target is None:
            console.print(f"unresolved reference: responds to “{link.description}” (not in the store)")


@app.command()
def merge(first: Annotated[str, typer.Argument(help="A mention id, doc:ordinal.")],
          second: Annotated[str, typer.Argument(help="Another mention id.")],
          explain_: Annotated[bool, typer.Option("--explain", help="Print every score part.")] = True,
          db: DbOption = DEFAULT_DB) -> None:
    """Whether two mentions are one event, and why: `borderwatch merge --explain A B`."""
    from borderwatch.merge import explain, profile_of
    from borderwatch.store import open_store

    try:
        with open_store(db) as store:
            found = [store.mention(mention_id) for mention_id in (first, second)]
            for mention_id, item in zip((first, second), found, strict=True):
                if item is None:
                    raise BorderwatchError(f"no mention {mention_id!r} in {db}; mention ids are doc:ordinal "
                                           "(`borderwatch export --mentions` lists them)")
    except BorderwatchError as e:
        raise _fail(e) from e
    (event_a, a), (event_b, b) = found
    pa, pb = profile_of(a), profile_of(b)
    if pa is None or pb is None:
        console.print("not one event: a mention without a date or a country is never merged")
        return
    joined, score, why = explain(pa, pb)
    same = "the same event" if event_a == event_b else "different events"
    console.print(f"{'one event' if joined else 'not one event'}: {why}; in the store they are {same} "
                  f"({event_a}, {event_b})")
    if explain_:
        for name, value in score.parts:
            console.print(f"  {name:<8} {value:6.3f}")
        console.print(f"  {'total':<8} {score.total:6.3f}")


STATS_VIEWS = ("tally", "change", "escalation", "retaliation", "lulls", "granger")


@app.command()
def stats(view: Annotated[str, typer.Argument(help="tally, change (year on year), escalation (monthly index), "
                                              "retaliation (response times per dyad), lulls, granger (VAR).")]
          = "tally",
          db: DbOption = DEFAULT_DB,
          by: Annotated[str, typer.Option(help="Comma-separated: country, admin1, actor, actor1, actor2, dyad, "
                                          "pair, event_type, sub_event_type, source.")] = "",
          period: Annotated[str | None, typer.Option(help="day, week, month, quarter or year.")] = None,
          source: Annotated[str | None, typer.Option(help="news, ucdp or acled (default: all).")] = None,
          country: Annotated[str | None, typer.Option(help="Only events in this country (ISO2).")] = None,
          since: Annotated[str | None, typer.Option(help="Earliest date, YYYY-MM-DD.")] = None,
          until: Annotated[str | None, typer.Option(help="Latest date, YYYY-MM-DD.")] = None,
          dyads: Annotated[str, typer.Option("--dyads", help="Retaliation and lulls: actor or country sides.")]
          = "actor",
          threshold: Annotated[int, typer.Option(help="Lulls: quiet days that make a lull.")] = 30,
          frequency: Annotated[str, typer.Option(help="Granger: day or week counts.")] = "week",
          as_json: Annotated[bool, typer.Option("--json", help="Print the rows as JSON.")] = False) -> None:
    """Indicators from the stored events: counts and fatalities (low/best/high) by period and group,
    year-on-year change, the escalation index, retaliation response times, lulls, Granger tests."""
    from borderwatch.analyse import statistics
    from borderwatch.store import open_store

    if view not in STATS_VIEWS:
        raise typer.BadParameter(f"unknown view {view!r}: choose one of {', '.join(STATS_VIEWS)}")
    try:
        with open_store(db) as store:
            points = statistics.select_points(store, sources=[_source(source)] if source else None,
                                              country=country, since=_parse_day(since), until=_parse_day(until))
        result = statistics.compute(view, points, by=[b.strip() for b in by.split(",") if b.strip()],
                                    period=period, dyads=dyads, threshold=threshold, frequency=frequency)
    except BorderwatchError as e:
        raise _fail(e) from e
    if as_json:
        console.print_json(json.dumps(result.as_dict()))
        return
    table = Table(title=result.title)
    for name in result.columns:
        table.add_column(name, overflow="fold")
    for row in result.rows:
        table.add_row(*(statistics.cell(v) for v in row))
    console.print(table)
    for note in result.notes:
        console.print(f"- {note}", style="dim")


def _model_inputs(db: str, source: str | None, since: str | None, until: str | None, series: Path | None):
    from borderwatch.analyse import statistics
    from borderwatch.analyse.series import read_series_file
    from borderwatch.store import open_store

    with open_store(db) as store:
        points = statistics.select_points(store, sources=[_source(source)] if source else None,
                                          since=_parse_day(since), until=_parse_day(until))
    return points, (read_series_file(series).series if series else None)


SeriesOption = Annotated[Path | None, typer.Option(help="A YAML file of your own named series (series.yaml "
                                                   "shape); default: the theatre's.")]


@app.command()
def model(db: DbOption = DEFAULT_DB,
          source: Annotated[str | None, typer.Option(help="news, ucdp or acled (default: all).")] = None,
          since: Annotated[str | None, typer.Option(help="Earliest date, YYYY-MM-DD.")] = None,
          until: Annotated[str | None, typer.Option(help="Latest date, YYYY-MM-DD.")] = None,
          series: SeriesOption = None,
          breaks: Annotated[list[str] | None, typer.Option(
              "--break", help="A regime break, YYYY-MM-DD (repeatable); default: the theatre's (series.yaml).")]
          = None,
          bootstrap: Annotated[int, typer.Option(help="Also give percentile intervals from this many "
                                                 "parametric bootstrap refits.")] = 0,
          triggers: Annotated[int, typer.Option(help="Show the likely triggers of this many latest events.")] = 5,
          seed: Annotated[int, typer.Option(help="Seed of the within-day placement of same-day events.")] = 0
          ) -> None:
    """Fit a multivariate Hawkes model to the named series: excitation matrix with 95% intervals, branching
    ratio with and without regime backgrounds, follow-on events per shock, fit checks, likely triggers."""
    from borderwatch.analyse import contagion

    try:
        points, specs = _model_inputs(db, source, since, until, series)
        chosen = [_parse_day(b) for b in breaks] if breaks else None
        run = contagion.run_model(points, specs, breaks=chosen, seed=seed)
        boot = contagion.bootstrap_intervals(run, bootstrap, seed) if bootstrap else None
    except BorderwatchError as e:
        raise _fail(e) from e
    p = run.fit.params
    console.print("Hawkes model", style="bold", end="")
    console.print(f" of {run.data.times.size} day-precise events, {run.first_day} to "
                  f"{run.last_day}; regime breaks: {', '.join(map(str, run.breaks)) or 'none'}")
    table = Table(title="Excitation: expected direct follow-on events in the row series per event in the "
                  "column series (95% interval)")
    table.add_column("target \\ source")
    for name in run.names:
        table.add_column(name)
    for i, target in enumerate(run.names):
        cells = []
        for j in range(len(run.names)):
            ci = (f" ({run.low.alpha[i, j]:.2f}–{run.high.alpha[i, j]:.2f})" if run.low is not None else "")
            if boot is not None:
                ci += f" (bootstrap {boot.low.alpha[i, j]:.2f}–{boot.high.alpha[i, j]:.2f})"
            cells.append(f"{p.alpha[i, j]:.2f}{ci}")
        table.add_row(target, *cells)
    console.print(table)
    rates = Table(title="Per series")
    for name in ("series", "events", "decay: mean lag (days)", "background per 100 days, by regime",
                 "follow-on per shock", "KS p (fit)"):
        rates.add_column(name)
    follow = p.follow_on()
    counts = run.data.counts()
    for j, name in enumerate(run.names):
        rates.add_row(name, str(counts[j]), f"{1 / p.beta[j]:.1f}",
                      " / ".join(f"{100 * m:.2f}" for m in p.mu[:, j]), f"{follow[:, j].sum():.2f}",
                      f"{run.goodness[j].p_value:.3f}")
    console.print(rates)
    boot_ratio = (f", bootstrap 95% {boot.branching_ratio[0]:.2f}–{boot.branching_ratio[1]:.2f}"
                  if boot is not None else "")
    console.print(f"branching ratio {p.branching_ratio():.2f}{boot_ratio} (constant background: "
                  f"{run.flat.params.branching_ratio():.2f})")
    if run.low is None:
        console.print("- no Wald intervals: the observed information is singular (an excitation at its "
                      "bound of zero); use --bootstrap N", style="dim")
    if triggers:
        console.print(Text.assemble(("Likely triggers", "bold"),
                                    " of the latest events (P(background), then the most likely parent):"))
        for day, name, background, parent_day, parent, prob in contagion.likely_triggers(run, points, triggers):
            parent_text = f"{parent} on {parent_day} ({prob:.0%})" if parent else "none"
            console.print(f"  {day} {name}: background {background:.0%}; parent {parent_text}")
    for note in (*(f"left out (too few events): {x}" for x in run.left_out), *run.notes):
        console.print(f"- {note}", style="dim")


@app.command()
def simulate(db: DbOption = DEFAULT_DB,
             edit: Annotated[list[str] | None, typer.Option(
                 "--edit", help="A parameter edit, e.g. 'alpha[PAK strikes in AF <- TTP attacks]=1' or "
                 "'scale alpha[Afghan fire on PK <- PAK strikes in AF]*0.5' or 'mu[TTP attacks]*2'.")] = None,
             preset: Annotated[list[str] | None, typer.Option(
                 "--preset", help="A named scenario of the theatre (see --list-presets).")] = None,
             list_presets: Annotated[bool, typer.Option("--list-presets", help="List the named scenarios.")]
             = False,
             days: Annotated[int, typer.Option(help="Days to simulate after the data ends.")] = 180,
             paths: Annotated[int, typer.Option(help="Simulated futures.")] = 500,
             source: Annotated[str | None, typer.Option(help="news, ucdp or acled (default: all).")] = None,
             series: SeriesOption = None,
             out: Annotated[Path | None, typer.Option(help="Write the fan charts to this SVG file.")] = None,
             seed: Annotated[int, typer.Option(help="Random seed.")] = 0) -> None:
    """Scenarios: edit the fitted model ("Pakistan answers every TTP attack"), simulate many futures, and
    compare predictive ranges with the unedited model's."""
    from borderwatch.analyse import contagion

    try:
        points, specs = _model_inputs(db, source, None, None, series)
        run = contagion.run_model(points, specs, seed=seed, check_out_of_sample=False)
        presets = contagion.preset_edits(run.names)
        if list_presets:
            for name, edits in presets.items():
                console.print(f"{name}: {'; '.join(edits)}")
            return
        edits = list(edit or [])
        for name in preset or []:
            if name not in presets:
                raise typer.BadParameter(f"no preset {name!r} for these series; presets: {', '.join(presets)}")
            edits.extend(presets[name])
        if not edits:
            raise typer.BadParameter("give at least one --edit or --preset (see --list-presets)")
        result = contagion.run_scenario(run, edits, days=days, paths=paths, seed=seed)
    except BorderwatchError as e:
        raise _fail(e) from e
    table = Table(title=f"{paths} simulated futures of {days} days after {run.last_day}: events per series "
                  "(median and 90% range)")
    for name in ("series", "baseline", "scenario", "change"):
        table.add_column(name)
    for c in result.comparison.series:
        table.add_row(c.name, f"{c.baseline_median:.0f} ({c.baseline_range[0]:.0f}–{c.baseline_range[1]:.0f})",
                      f"{c.scenario_median:.0f} ({c.scenario_range[0]:.0f}–{c.scenario_range[1]:.0f})",
                      f"{c.difference:+.0f}")
    console.print(f"edits: {'; '.join(result.edits)}")
    console.print(table)
    if result.comparison.explosive:
        console.print(Text.assemble(("explosive:", "bold yellow"), " the edited model feeds on itself (branching "
                                    "ratio ≥ 1); paths were stopped at a cap and their counts are lower bounds"))
    if out is not None:
        from borderwatch.report import scenario_fan_svg

        out.write_text(scenario_fan_svg(run, result), encoding="utf-8")
        console.print(f"fan charts written to {out}")


@app.command()
def report(db: DbOption = DEFAULT_DB,
           out: Annotated[Path, typer.Option(help="The HTML file; the Markdown goes beside it (.md).")]
           = Path("report.html"),
           source: Annotated[str | None, typer.Option(help="news, ucdp or acled (default: all).")] = None,
           since: Annotated[str | None, typer.Option(help="Earliest date, YYYY-MM-DD.")] = None,
           until: Annotated[str | None, typer.Option(help="Latest date, YYYY-MM-DD.")] = None,
           no_model: Annotated[bool, typer.Option("--no-model", help="Skip the model and scenarios.")] = False,
           title: Annotated[str, typer.Option(help="The report's title.")] = "borderwatch report",
           seed: Annotated[int, typer.Option(help="Random seed of the model and scenarios.")] = 0) -> None:
    """One self-contained HTML report (and Markdown): timeline, map, fatality ranges, retaliation chains,
    escalation index, excitation matrix and scenario fan charts, each explained in plain words."""
    from borderwatch.report import build_report, write_report
    from borderwatch.store import open_store

    try:
        with open_store(db) as store:
            built = build_report(store, sources=[_source(source)] if source else None, since=_parse_day(since),
                                 until=_parse_day(until), model=not no_model, seed=seed, title=title)
        html_path, md_path = write_report(built, out)
    except BorderwatchError as e:
        raise _fail(e) from e
    console.print(f"report written to {html_path} and {md_path} ({len(built.sections)} sections)")


@app.command()
def export(db: DbOption = DEFAULT_DB,
           format: Annotated[str, typer.Option("--format", help="csv, jsonl or geojson.")] = "csv",  # noqa: A002
           mentions: Annotated[bool, typer.Option("--mentions", help="One record per mention.")] = False,
           output: Annotated[Path | None, typer.Option("-o", "--output", help="File (default stdout).")] = None
           ) -> None:
    """Export events (or mentions): CSV with ACLED's columns plus ours, JSONL, GeoJSON."""
    from borderwatch.export import write_events
    from borderwatch.store import open_store
    from borderwatch.theatre import load_theatre

    if format not in ("csv", "jsonl", "geojson"):
        raise _fail(BorderwatchError(f"unknown format {format!r}: use csv, jsonl or geojson"))
    actors = {a.id: {"name": a.name, "inter": a.inter} for a in load_theatre().actors}
    try:
        with open_store(db) as store:
            if output is None:
                n = write_events(store, format, sys.stdout, mentions=mentions, actors=actors)
            else:
                with open(output, "w", encoding="utf-8", newline="") as out:
                    n = write_events(store, format, out, mentions=mentions, actors=actors)
    except BorderwatchError as e:
        raise _fail(e) from e
    if output is not None:
        console.print(f"{n} {'mentions' if mentions else 'events'} written to {output}")


@app.command()
def evaluate(documents: Annotated[Path, typer.Option(help="GOLD_FORMAT documents.jsonl")],
             gold: Annotated[Path, typer.Option(help="GOLD_FORMAT gold.jsonl")],
             as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
             errors: Annotated[bool, typer.Option("--errors", help="List unmatched gold and predictions.")]
             = False) -> None:
    """Ingest documents into a temporary store and score the mentions against gold (GOLD_FORMAT.md)."""
    from borderwatch.evaluate import format_scores
    from borderwatch.pipeline import evaluate_files

    try:
        scores = evaluate_files(documents, gold)
    except BorderwatchError as e:
        raise _fail(e) from e
    if as_json:
        print(json.dumps(scores.as_dict(), indent=2, default=str))
        return
    console.print(format_scores(scores))
    if errors:
        for g in scores.unmatched_gold:
            console.print(Text.assemble(("missed", "red"), f" {json.dumps(g, default=str)}"))
        for p in scores.unmatched_predicted:
            brief = json.dumps({k: p.get(k) for k in _BRIEF}, default=str)
            console.print(Text.assemble(("spurious", "yellow"), f" {brief}"))


_BRIEF = ("doc", "event_type", "sub_event_type", "date", "date_precision", "country", "admin1", "admin2",
          "actor1", "actor2", "fatalities")


def _store_exists(db: str) -> bool:
    """A SQLite store is a file that must exist; a PostgreSQL URL is checked when it is opened."""
    return db.startswith("postgresql") or Path(db).exists()


def _source(value: str | None):
    from borderwatch.model import EventSource

    if value is None:
        return None
    try:
        return EventSource(value.lower())
    except ValueError:
        raise typer.BadParameter(f"unknown source {value!r}: use news, ucdp or acled") from None


def _parse_day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as e:
        raise _fail(BorderwatchError(f"not a date: {value!r} (use YYYY-MM-DD)")) from e


def main() -> None:  # pragma: no cover - the console script entry point
    os.environ.setdefault("PYTHONIOENCODING", "utf-8")
    app()
