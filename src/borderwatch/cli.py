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
console = Console() if Console().is_terminal else Console(width=160)
err = Console(stderr=True)

DEFAULT_DB = "borderwatch.db"
DbOption = Annotated[str, typer.Option("--db", envvar="BORDERWATCH_DB",
                                       help="SQLite event store (default borderwatch.db or $BORDERWATCH_DB).")]


def _fail(e: BorderwatchError) -> typer.Exit:
    err.print(f"[bold red]error:[/] {e}")
    return typer.Exit(code=2)


@app.command()
def ingest(paths: Annotated[list[Path], typer.Argument(help=".txt, .html, .jsonl files or folders of them.")],
           db: DbOption = DEFAULT_DB) -> None:
    """Read documents, extract their events, and store everything (a re-run adds nothing)."""
    from borderwatch.ingest import read_documents
    from borderwatch.pipeline import ingest_documents
    from borderwatch.store import open_store

    try:
        documents = read_documents(paths)  # streamed: memory stays flat in corpus size
        with open_store(db) as store, Progress(
                TextColumn("ingesting"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                console=err, transient=True, disable=not err.is_terminal) as bar:
            task = bar.add_task("ingest", total=None)
            summary = ingest_documents(documents, store, on_document=lambda _d: bar.advance(task))
            counts = store.counts()
    except BorderwatchError as e:
        raise _fail(e) from e
    console.print(f"{summary.line()}; store now holds {counts.get('documents', 0)} documents, "
                  f"{counts.get('events', 0)} events")


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
           limit: Annotated[int | None, typer.Option(help="Show at most this many.")] = None) -> None:
    """The event table, newest first."""
    from borderwatch.store import open_store

    try:
        with open_store(db) as store:
            rows = store.events(country=country, actor=actor, since=_parse_day(since), until=_parse_day(until),
                                event_type=type, cross_border=True if cross_border else None,
                                contested=True if contested else None, limit=limit)
    except BorderwatchError as e:
        raise _fail(e) from e
    console.print(event_table(rows))


def event_table(rows) -> Table:
    table = Table(title=f"{len(rows)} events, newest first", show_lines=False)
    for name, wrap in (("event", False), ("date", False), ("sub-event type", True), ("where", True),
                       ("actor1", False), ("actor2", False), ("deaths", False), ("docs", False)):
        table.add_column(name, overflow="fold", no_wrap=not wrap)
    for e in rows:
        deaths = _deaths(e)
        where = ", ".join(x for x in (e.place.name if e.place else None,
                                      e.place.admin1 if e.place and e.place.admin1 != e.place.name else None,
                                      e.country) if x)
        when = f"{e.date.iso()} ({e.date.precision.value})" if e.date else ""
        actor1 = (e.actor1 or "") + (f" ({e.origin_country}→{e.impact_country})" if e.cross_border else "")
        table.add_row(e.id, when, e.sub_event_type, where, actor1, e.actor2 or "", deaths, str(len(e.documents)))
    return table


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
    console.print(f"[bold]{event.id}[/]  {event.event_type} / {event.sub_event_type}")
    console.print(f"date {event.date.iso() if event.date else '?'} ({event.date.precision if event.date else '-'})"
                  f"   place {event.place.name if event.place else '-'}, {event.country or '?'}"
                  f"   actor1 {event.actor1 or '-'}   actor2 {event.actor2 or '-'}"
                  f"   deaths low/best/high {event.fatalities_low}/{event.fatalities_best}/{event.fatalities_high}"
                  + ("  [red]contested[/]" if event.contested else ""))
    console.print(f"origin {event.origin_country or '?'} → impact {event.impact_country or '?'}"
                  f"   cross-border {'yes' if event.cross_border else 'no'}"
                  f"   border district {'yes' if event.border_area else 'no'}"
                  + (f"   striking side's stance: {event.stance}" if event.stance else ""))
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
            console.print(f"  [cyan]{s.field}[/] = {s.value!s:<28} ← “{s.text}” [{s.start}:{s.end}]")


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
            console.print(f"[red]missed[/] {json.dumps(g, default=str)}")
        for p in scores.unmatched_predicted:
            console.print(f"[yellow]spurious[/] {json.dumps({k: p.get(k) for k in _BRIEF}, default=str)}")


_BRIEF = ("doc", "event_type", "sub_event_type", "date", "date_precision", "country", "admin1", "admin2",
          "actor1", "actor2", "fatalities")


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
