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
           limit: Annotated[int | None, typer.Option(help="Show at most this many.")] = None) -> None:
    """The event table, newest first."""
    from borderwatch.store import open_store

    try:
        with open_store(db) as store:
            rows = store.events(country=country, actor=actor, since=_parse_day(since), until=_parse_day(until),
                                event_type=type, limit=limit)
    except BorderwatchError as e:
        raise _fail(e) from e
    console.print(event_table(rows))


def event_table(rows) -> Table:
    table = Table(title=f"{len(rows)} events, newest first", show_lines=False)
    for name, wrap in (("event", False), ("date", False), ("sub-event type", True), ("where", True),
                       ("actor1", False), ("actor2", False), ("deaths", False), ("docs", False)):
        table.add_column(name, overflow="fold", no_wrap=not wrap)
    for e in rows:
        deaths = "" if e.fatalities_low is None else (
            f"{e.fatalities_low}" if e.fatalities_high in (None, e.fatalities_low)
            else f"{e.fatalities_low}-{e.fatalities_high}")
        where = ", ".join(x for x in (e.place.name if e.place else None,
                                      e.place.admin1 if e.place and e.place.admin1 != e.place.name else None,
                                      e.country) if x)
        when = f"{e.date.iso()} ({e.date.precision.value})" if e.date else ""
        table.add_row(e.id, when, e.sub_event_type, where, e.actor1 or "", e.actor2 or "", deaths,
                      str(len(e.documents)))
    return table


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
    except BorderwatchError as e:
        raise _fail(e) from e
    console.print(f"[bold]{event.id}[/]  {event.event_type} / {event.sub_event_type}")
    console.print(f"date {event.date.iso() if event.date else '?'} ({event.date.precision if event.date else '-'})"
                  f"   place {event.place.name if event.place else '-'}, {event.country or '?'}"
                  f"   actor1 {event.actor1 or '-'}   actor2 {event.actor2 or '-'}"
                  f"   deaths low/best/high {event.fatalities_low}/{event.fatalities_best}/{event.fatalities_high}")
    for m in event.mentions:
        console.rule(f"mention {m.id}")
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
