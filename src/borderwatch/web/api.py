"""The REST API and the dashboard's server (`borderwatch serve`): see docs/api.md for the contract.

Read-only unless started with a write token. Every store access is a Store method (store.py speaks
the SQL); each request borrows a connection from the store's small pool, and SQLite's WAL lets reads
run while an ingest writes. Responses are JSON data (or CSV / GeoJSON); the only HTML is the
dashboard's static files and the fixed /docs page.
"""

from __future__ import annotations

import base64
import binascii
import csv
import hmac
import io
import json
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate
from pathlib import Path
from typing import Annotated, Any

import numpy as np
from fastapi import APIRouter, Body, Depends, FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response, StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from pydantic import TypeAdapter

import borderwatch
from borderwatch.errors import AnalysisError, BorderwatchError, DocumentError, StoreError
from borderwatch.export import CSV_COLUMNS, event_record, event_row
from borderwatch.gazetteer import fold_name
from borderwatch.model import ClaimKind, DocStatus, Document, Event
from borderwatch.store import POINT_COLUMNS, EventOrder, EventQuery, PageKey, Store, open_store
from borderwatch.theatre import Theatre, load_theatre
from borderwatch.web import schemas
from borderwatch.web.security import BodyLimit, SecurityHeaders, security_headers, tile_origin
from borderwatch.web.swagger import INIT_SCRIPT, INIT_SCRIPT_PATH, STATIC_DIR, docs_page

# Events fetched per store read while streaming CSV / GeoJSON: memory stays flat in the export's size.
EXPORT_CHUNK = 500
# The largest request body (POST /api/documents): 100 documents of a long article each, with room.
MAX_BODY_BYTES = 20_000_000
MAX_PLACES = 50
MAX_TOP = 50
# The server's store connections and SQLite page cache per connection: their product (32 MiB) bounds what
# the caches can hold however long the server runs and however large the store grows. Requests beyond
# four at once wait for a connection; on a laptop's few cores more would only contend.
SERVER_CONNECTIONS = 4
SERVER_CACHE_KIB = 8_192
_EPOCH = date(1970, 1, 1)
_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": schemas.Problem, "description": what}
    for code, what in ((400, "Bad request (a cursor this server did not give)"), (404, "Not found"),
                       (422, "A parameter is not valid"), (503, "The store cannot be read just now"))}


@dataclass(frozen=True, slots=True)
class ServerSettings:
    write_token: str | None
    tiles_url: str | None


# ------------------------------------------------------------------------------------------ the app


def create_app(db_path: str | Path, *, write_token: str | None = None, tiles_url: str | None = None,
               theatre: Theatre | None = None) -> FastAPI:
    """The API and dashboard over the store at `db_path` (opened, and its schema upgraded, now: a bad
    path fails here, not on the first request). With `write_token`, POST /api/documents ingests
    documents sent with `Authorization: Bearer <token>`; `tiles_url` is an optional raster tile URL
    template the dashboard may use (and the content security policy then allows)."""
    if write_token is not None and not write_token.strip():
        raise BorderwatchError("the write token is empty: give a long random one, or none for read-only")
    try:
        origin = tile_origin(tiles_url)
    except ValueError as e:
        raise BorderwatchError(str(e)) from e
    store = open_store(db_path, cache_kib=SERVER_CACHE_KIB, connections=SERVER_CONNECTIONS)

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        # Every dashboard load asks for all the events' points first: prepare them while the server
        # waits for its first request, so the first page does not wait for 100,000 rows to be read.
        warm = threading.Thread(target=_warm_points, args=(app.state.points_kept, app.state.points_lock, store),
                                daemon=True, name="borderwatch-warm-points")
        warm.start()
        yield
        warm.join()
        store.close()

    app = FastAPI(title="borderwatch", version=borderwatch.__version__, docs_url=None, redoc_url=None,
                  lifespan=lifespan, description="Sourced, geocoded events of the Pakistan-Afghanistan "
                  "border conflict. Read-only unless the server has a write token. See docs/api.md.")
    app.state.store = store
    app.state.theatre = theatre or load_theatre()
    app.state.settings = ServerSettings(write_token, tiles_url)
    app.state.points_kept = {}  # points_body's answers for every event, by encoding
    # One preparation of them at a time: a dashboard that asks while the start-up thread prepares them
    # waits for its answer instead of reading every event a second time beside it.
    app.state.points_lock = threading.Lock()
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(StoreError, _store_unavailable)
    app.include_router(read_router, responses=_ERRORS)
    if write_token is not None:
        app.include_router(write_router, responses=_ERRORS)
    app.include_router(page_router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR, check_dir=False), name="static")
    app.add_middleware(SecurityHeaders, headers=security_headers(origin))
    app.add_middleware(BodyLimit, max_bytes=MAX_BODY_BYTES)
    return app


def serve(db_path: str | Path, host: str = "127.0.0.1", port: int = 8000, write_token: str | None = None,
          tiles_url: str | None = None) -> None:
    """Run the server until interrupted (the library half of `borderwatch serve`)."""
    import uvicorn

    uvicorn.run(create_app(db_path, write_token=write_token, tiles_url=tiles_url), host=host, port=port,
                log_level="info", server_header=False)


async def _invalid_request(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return JSONResponse({"detail": validation_message(exc.errors())}, status_code=422)


async def _store_unavailable(_request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse({"detail": f"{exc}; try again shortly"}, status_code=503)


def validation_message(errors: Sequence[Mapping[str, Any]]) -> str:
    """One sentence per invalid input: where ("query parameter 'limit'"), what is wrong, what was given."""
    parts = []
    for error in errors:
        where, *path = [str(p) for p in error.get("loc", ())] or ["request"]
        name = ".".join(path)
        place = {"query": "query parameter", "path": "path parameter", "body": "body field"}.get(where, where)
        given = error.get("input")
        message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
        shown = (f" (got {given!r})" if isinstance(given, str | int | float) and len(repr(given)) < 80
                 and repr(given) not in message else "")
        parts.append(f"{place} {name!r}: {message}{shown}" if name else f"{place}: {message}")
    return "; ".join(parts) or "invalid request"


def store_of(request: Request) -> Store:
    return request.app.state.store


StoreDep = Annotated[Store, Depends(store_of)]
Filters = Annotated[schemas.EventFilters, Query()]


def event_query(filters: schemas.EventFilters) -> EventQuery:
    return EventQuery(
        since=filters.since, until=filters.until, country=tuple(c.upper() for c in filters.country),
        admin1=tuple(filters.admin1), actor=tuple(filters.actor), actor1=tuple(filters.actor1),
        actor2=tuple(filters.actor2), dyad=tuple(tuple(d.split(",", 1)) for d in filters.dyad),  # type: ignore[misc]
        event_type=tuple(filters.type), sub_event_type=tuple(filters.sub_type), source=tuple(filters.source),
        contested=filters.contested, cross_border=filters.cross_border, text=filters.q)


# ------------------------------------------------------------------------------------------- cursors


def encode_cursor(kind: str, *values: Any) -> str:
    """An opaque page cursor: the page kind and where the last page ended."""
    return base64.urlsafe_b64encode(json.dumps([kind, *values]).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, kind: str) -> list[Any]:
    """The values of a cursor of `kind`; 400 for anything this server did not give for that list."""
    try:
        decoded = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        decoded = None
    if not isinstance(decoded, list) or not decoded or decoded[0] != kind:
        raise HTTPException(400, f"cursor {cursor[:40]!r} is not one this list gave (or the sort changed): "
                                 "ask for the first page again without `cursor`")
    return decoded[1:]


def _event_key(cursor: str | None, order: EventOrder) -> PageKey | None:
    if cursor is None:
        return None
    values = decode_cursor(cursor, f"events{order.value}")
    if (len(values) != 3 or not isinstance(values[0], bool) or not isinstance(values[2], str)
            or not isinstance(values[1], str | int | None)):
        raise HTTPException(400, "cursor is damaged: ask for the first page again without `cursor`")
    return PageKey(values[0], values[1], values[2])


def _seq_key(cursor: str | None, kind: str) -> int | None:
    if cursor is None:
        return None
    values = decode_cursor(cursor, kind)
    if len(values) != 1 or not isinstance(values[0], int) or isinstance(values[0], bool):
        raise HTTPException(400, "cursor is damaged: ask for the first page again without `cursor`")
    return values[0]


# ------------------------------------------------------------------------------------- event records


# The paged lists are validated against their schema and written as JSON by pydantic's compiled serializer.
# FastAPI's own path (validate, convert to Python values, then json.dumps) took three times as long: 15 ms
# against 5 ms for a page of 500 events.
_PAGES = {model: TypeAdapter(model) for model in (schemas.EventPage, schemas.ClaimPage, schemas.DocumentPage)}


def page_response(model: type, content: dict[str, Any]) -> Response:
    adapter = _PAGES[model]
    return Response(adapter.dump_json(adapter.validate_python(content)), media_type="application/json")


def summary_of_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """An EventSummary from the store's summary columns."""
    return {
        "id": row["id"], "date": row["date_start"], "date_end": row["date_end"],
        "date_precision": row["date_precision"], "event_type": row["event_type"],
        "sub_event_type": row["sub_event_type"], "country": row["country"], "admin1": row["admin1"],
        "admin2": row["admin2"], "location": row["location"], "lat": row["latitude"], "lon": row["longitude"],
        "geo_precision": row["geo_precision"], "actor1": row["actor1"], "actor2": row["actor2"],
        "fatalities_low": row["fatalities_low"], "fatalities_best": row["fatalities_best"],
        "fatalities_high": row["fatalities_high"], "contested": bool(row["contested"]),
        "cross_border": bool(row["cross_border"]), "origin_country": row["origin_country"],
        "impact_country": row["impact_country"], "stance": row["stance"], "source": row["source"],
        "n_documents": row["n_documents"],
    }


def summary_of_event(event: Event) -> dict[str, Any]:
    """The same EventSummary from a full Event (the detail page's)."""
    dates, place = event.date, event.place
    return {
        "id": event.id, "date": dates.start.isoformat() if dates else None,
        "date_end": dates.end.isoformat() if dates else None,
        "date_precision": dates.precision.value if dates else None, "event_type": event.event_type,
        "sub_event_type": event.sub_event_type, "country": event.country,
        "admin1": place.admin1 if place else None, "admin2": place.admin2 if place else None,
        "location": place.name if place else None, "lat": place.lat if place else None,
        "lon": place.lon if place else None, "geo_precision": place.precision if place else None,
        "actor1": event.actor1, "actor2": event.actor2, "fatalities_low": event.fatalities_low,
        "fatalities_best": event.fatalities_best, "fatalities_high": event.fatalities_high,
        "contested": event.contested, "cross_border": event.cross_border,
        "origin_country": event.origin_country, "impact_country": event.impact_country,
        "stance": event.stance, "source": event.source.value, "n_documents": len(event.documents),
    }


def mention_item(row: Mapping[str, Any]) -> dict[str, Any]:
    return {"id": row["id"], "doc_id": row["doc_id"], "event_id": row["event_id"],
            "event_type": row["event_type"], "sub_event_type": row["sub_event_type"], "date": row["date_start"],
            "date_end": row["date_end"], "date_precision": row["date_precision"], "location": row["location"],
            "country": row["country"], "admin1": row["admin1"], "admin2": row["admin2"], "actor1": row["actor1"],
            "actor2": row["actor2"], "evidence": row["evidence"], "merge_why": row["merge_why"]}


def columnar_points(rows: Sequence[tuple]) -> dict[str, Any]:
    """Point rows (store.POINT_COLUMNS) as the dashboard's columns, strings replaced by dictionary
    indexes (-1 for none), so 100,000 events are one compact response."""
    ids, days, lons, lats, types, actor1s, actor2s, countries, sources, best, contested, cross = columns_of(rows)
    dictionaries: dict[str, dict[str, int]] = {"type": {}, "actor": {}, "country": {}, "source": {}}
    return {
        "n": len(rows), "id": list(ids), "day": list(days), "lon": list(lons), "lat": list(lats),
        "type": dictionary_codes(types, dictionaries["type"]),
        "actor1": dictionary_codes(actor1s, dictionaries["actor"]),
        "actor2": dictionary_codes(actor2s, dictionaries["actor"]),
        "country": dictionary_codes(countries, dictionaries["country"]),
        "source": dictionary_codes(sources, dictionaries["source"]), "best": list(best),
        "contested": list(contested), "cross_border": list(cross),
        "dict": {name: list(table) for name, table in dictionaries.items()},
    }


def columns_of(rows: Sequence[tuple]) -> list[list[Any]]:
    """The 12 point columns of the rows. (zip(*rows) takes 3x as long on 100,000 rows: its 100,000
    iterators set off the garbage collector, which then walks every row.)"""
    return [[row[k] for row in rows] for k in range(len(POINT_COLUMNS))]


def dictionary_codes(values: Sequence[str | None], table: dict[str, int]) -> list[int]:
    """Each value's index in `table` (new values added at the end, sorted), -1 for None. Looked up with
    map() over a dict, which runs in C: 3 ms per 100,000 values, a fifth of a per-value Python loop."""
    for value in sorted(set(values) - table.keys() - {None}):  # type: ignore[operator]
        table[value] = len(table)
    return list(map({None: -1, **table}.__getitem__, values))


# The binary points (docs/api.md, "Points as binary columns"): magic, header length, JSON header, columns.
POINTS_MAGIC = b"BWP1"
POINTS_MEDIA_TYPE = "application/octet-stream"
POINTS_ALIGN = 8  # every column starts at a multiple of this, so the browser can view it as a typed array
NO_DAY = -(2**31)  # an undated event's day in the binary columns
_POINT_DTYPES = {"id_end": "<u4", "day": "<i4", "lon": "<f4", "lat": "<f4", "type": "<i2", "actor1": "<i4",
                 "actor2": "<i4", "country": "<i2", "source": "<i2", "best": "<i4", "contested": "u1",
                 "cross_border": "u1"}
_DTYPE_NAMES = {"<u4": "uint32", "<i4": "int32", "<f4": "float32", "<i2": "int16", "u1": "uint8"}


def binary_points(rows: Sequence[tuple]) -> bytes:
    """Point rows as the binary columns: what JSON would carry, in a tenth of the time to make and read.
    Ids are one UTF-8 block with each id's end offset; missing numbers are NaN (lon, lat), NO_DAY (day)
    or -1 (best, codes)."""
    ids, days, lons, lats, types, actor1s, actor2s, countries, sources, best, contested, cross = columns_of(rows)
    dictionaries: dict[str, dict[str, int]] = {"type": {}, "actor": {}, "country": {}, "source": {}}
    joined = "".join(ids)
    id_bytes = joined.encode("utf-8")
    # byte lengths: the characters' count when every id is ASCII (the usual case: no encoding per id)
    lengths = map(len, ids) if len(id_bytes) == len(joined) else (len(i.encode("utf-8")) for i in ids)
    values: dict[str, Any] = {
        "id_end": np.cumsum(np.fromiter(lengths, np.uint32, len(ids)), dtype=np.uint32),
        "day": [NO_DAY if d is None else d for d in days], "lon": np.array(lons, np.float32),
        "lat": np.array(lats, np.float32), "type": dictionary_codes(types, dictionaries["type"]),
        "actor1": dictionary_codes(actor1s, dictionaries["actor"]),
        "actor2": dictionary_codes(actor2s, dictionaries["actor"]),
        "country": dictionary_codes(countries, dictionaries["country"]),
        "source": dictionary_codes(sources, dictionaries["source"]),
        "best": [-1 if b is None else b for b in best], "contested": contested, "cross_border": cross}
    blocks = [("id", "utf8", len(id_bytes), id_bytes)]
    for name, dtype in _POINT_DTYPES.items():
        blocks.append((name, _DTYPE_NAMES[dtype], len(rows), np.asarray(values[name], dtype).tobytes()))
    return _framed_columns(len(rows), {name: list(table) for name, table in dictionaries.items()}, blocks)


def _framed_columns(n: int, dictionaries: dict[str, list[str]],
                    blocks: Sequence[tuple[str, str, int, bytes]]) -> bytes:
    """The header (n, dictionaries, each column's type, offset from the start and length) and the
    columns, each padded to POINTS_ALIGN."""
    def padded(size: int) -> int:
        return -(-size // POINTS_ALIGN) * POINTS_ALIGN

    at = [0, *accumulate(padded(len(data)) for _, _, _, data in blocks)]  # from the first column
    start, text = 0, b""
    while True:  # the offsets are in the header, whose length moves them: grow until it fits
        columns = {name: {"type": kind, "offset": start + off, "length": length}
                   for (name, kind, length, _), off in zip(blocks, at[:-1], strict=True)}
        text = json.dumps({"n": n, "dict": dictionaries, "columns": columns}, separators=(",", ":"),
                          ensure_ascii=False).encode("utf-8")
        needed = padded(len(POINTS_MAGIC) + 4 + len(text))
        if needed <= start:
            break
        start = needed
    text += b" " * (start - len(POINTS_MAGIC) - 4 - len(text))
    parts = [POINTS_MAGIC, len(text).to_bytes(4, "little"), text]
    for _, _, _, data in blocks:
        parts.append(data + b"\0" * (padded(len(data)) - len(data)))
    return b"".join(parts)


def timeline_series(counts: Sequence[tuple[str, str | None, int]], period: str, top: int) -> dict[str, Any]:
    """Events per period stacked by actor1: the `top` actors by events, then "other" and "unknown";
    every period from the first to the last, empty ones as zeros."""
    if not counts:
        return {"periods": [], "series": {}}
    totals: Counter[str] = Counter()
    for _, actor, n in counts:
        if actor is not None:
            totals[actor] += n
    leaders = [actor for actor, _ in sorted(totals.items(), key=lambda item: (-item[1], item[0]))[:top]]
    periods = _period_starts(min(c[0] for c in counts), max(c[0] for c in counts), period)
    position = {p: i for i, p in enumerate(periods)}
    names = [*leaders, "other", "unknown"]
    series = {name: [0] * len(periods) for name in names}
    chosen = set(leaders)
    for start, actor, n in counts:
        name = "unknown" if actor is None else actor if actor in chosen else "other"
        series[name][position[start]] += n
    return {"periods": periods, "series": {k: v for k, v in series.items() if k in chosen or any(v)}}


def _period_starts(first: str, last: str, period: str) -> list[str]:
    day, end, out = date.fromisoformat(first), date.fromisoformat(last), []
    while day <= end:
        out.append(day.isoformat())
        if period == "day":
            day += timedelta(days=1)
        elif period == "week":
            day += timedelta(days=7)
        else:
            day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return out


# ------------------------------------------------------------------------------------------ exports


def export_batches(store: Store, query: EventQuery) -> Iterator[list[Event]]:
    """The matching events, newest first, as full Events, a chunk at a time. The first chunk is read
    before this returns, so a store error is an error status, not a response cut off after its headers."""
    rows, key = store.event_page(query, EventOrder.NEWEST, EXPORT_CHUNK)
    first = store.events_by_id([row["id"] for row in rows])

    def rest(key: PageKey | None) -> Iterator[list[Event]]:
        yield first
        while key is not None:
            rows, key = store.event_page(query, EventOrder.NEWEST, EXPORT_CHUNK, key)
            yield store.events_by_id([row["id"] for row in rows])

    return rest(key)


def _outlets(store: Store, events: Sequence[Event]) -> dict[str, str | None]:
    docs = sorted({doc for ev in events for doc in ev.documents})
    return {d["id"]: d["outlet"] for d in store.document_records(docs)}


def _actor_table(theatre: Theatre) -> dict[str, dict]:
    return {a.id: {"name": a.name, "inter": a.inter} for a in theatre.actors}


def csv_chunks(store: Store, batches: Iterator[list[Event]], theatre: Theatre) -> Iterator[str]:
    """The export's CSV (borderwatch.export.CSV_COLUMNS), header first, a chunk of events at a time."""
    actors = _actor_table(theatre)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    yield buffer.getvalue()
    for events in batches:
        buffer.seek(0)
        buffer.truncate()
        outlets = _outlets(store, events)
        for ev in events:
            writer.writerow(event_row(ev, actors, outlets))
        yield buffer.getvalue()


def geojson_chunks(batches: Iterator[list[Event]]) -> Iterator[str]:
    """The export's GeoJSON FeatureCollection (one feature per event, every field as properties)."""
    yield '{"type": "FeatureCollection", "features": [\n'
    first = True
    for events in batches:
        parts = []
        for ev in events:
            place = ev.place
            geometry = ({"type": "Point", "coordinates": [place.lon, place.lat]}
                        if place is not None and place.lat is not None and place.lon is not None else None)
            feature = {"type": "Feature", "id": ev.id, "geometry": geometry, "properties": event_record(ev)}
            parts.append(("" if first else ",\n") + json.dumps(feature, ensure_ascii=False))
            first = False
        yield "".join(parts)
    yield "\n]}\n"


# -------------------------------------------------------------------------------------- read routes

read_router = APIRouter(prefix="/api")


@read_router.get("/events", response_model=schemas.EventPage, summary="Events, a page at a time")
def list_events(store: StoreDep, filters: Filters, sort: schemas.EventOrderName = "-date",
                limit: Annotated[int, Query(ge=1, le=1000)] = 100, cursor: str | None = None) -> Response:
    """Matching events in `sort` order (`-date` newest first, the default; `fatalities` by best
    estimate), `limit` per page; pass `next_cursor` back as `cursor` for the next page."""
    order = EventOrder(sort)
    rows, key = store.event_page(event_query(filters), order, limit, _event_key(cursor, order))
    next_cursor = encode_cursor(f"events{order.value}", key.null_segment, key.value, key.id) if key else None
    return page_response(schemas.EventPage, {"items": [summary_of_row(r) for r in rows], "next_cursor": next_cursor})


@read_router.get("/events/count", response_model=schemas.EventCount, summary="How many events match")
def count_events(store: StoreDep, filters: Filters) -> dict:
    return {"count": store.event_count(event_query(filters))}


@read_router.get("/events.csv", response_class=StreamingResponse, summary="Matching events as CSV",
                 responses={200: {"content": {"text/csv": {}}, "description": "ACLED columns, then bw_*"}})
def export_csv(request: Request, store: StoreDep, filters: Filters) -> StreamingResponse:
    chunks = csv_chunks(store, export_batches(store, event_query(filters)), request.app.state.theatre)
    return StreamingResponse(chunks, media_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition": 'attachment; filename="events.csv"'})


@read_router.get("/events.geojson", response_class=StreamingResponse, summary="Matching events as GeoJSON",
                 responses={200: {"content": {"application/geo+json": {}}, "description": "FeatureCollection"}})
def export_geojson(store: StoreDep, filters: Filters) -> StreamingResponse:
    return StreamingResponse(geojson_chunks(export_batches(store, event_query(filters))),
                             media_type="application/geo+json",
                             headers={"Content-Disposition": 'attachment; filename="events.geojson"'})


@read_router.get("/events/points", response_class=Response, summary="All matching events in columns",
                 responses={200: {"model": schemas.EventPoints, "description": "Columns of every match"}})
def event_points(request: Request, store: StoreDep, filters: Filters) -> Response:
    """Every matching event in one compact, columnar response (JSON; `/api/events/points.bin` is the
    same columns as binary, which the dashboard reads)."""
    body = points_body(request, store, event_query(filters), "json",
                       lambda rows: json.dumps(columnar_points(rows), separators=(",", ":")).encode())
    return Response(body, media_type="application/json")


@read_router.get("/events/points.bin", response_class=Response, summary="All matching events as binary columns",
                 responses={200: {"content": {POINTS_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}},
                                  "description": "A JSON header, then typed columns: see docs/api.md"}})
def event_points_binary(request: Request, store: StoreDep, filters: Filters) -> Response:
    """The columns of `/api/events/points` as little-endian typed arrays after a small JSON header:
    what the dashboard loads (no number is printed or parsed)."""
    return Response(points_body(request, store, event_query(filters), "binary", binary_points),
                    media_type=POINTS_MEDIA_TYPE)


def points_body(request: Request, store: Store, query: EventQuery, kind: str,
                encode: Callable[[Sequence[tuple]], bytes]) -> bytes:
    """The encoded points of `query`. Those of every event (each dashboard load) are kept, per
    encoding, until the store's points key changes, so a reload costs a key probe."""
    if query != EventQuery():
        return encode(store.event_points(query))
    return kept_points(request.app.state.points_kept, request.app.state.points_lock, store, kind, encode)


def kept_points(kept: dict[str, tuple[Any, bytes]], lock: threading.Lock, store: Store, kind: str,
                encode: Callable[[Sequence[tuple]], bytes]) -> bytes:
    """Every event's points in one encoding, from `kept` while the store has not changed."""
    with lock:
        key = store.event_points_key()  # before the read: a write between them makes the next key differ
        if key is not None and kind in kept and kept[kind][0] == key:
            return kept[kind][1]
        body = encode(store.event_points(EventQuery()))
        if key is not None:
            kept[kind] = (key, body)
        return body


def _warm_points(kept: dict[str, tuple[Any, bytes]], lock: threading.Lock, store: Store) -> None:
    # The file first: the points then read from memory, and so do the first filtered pages after a
    # reboot (Store.prewarm skips a file too large for the memory available).
    store.prewarm()
    try:
        kept_points(kept, lock, store, "binary", binary_points)
    except (StoreError, BorderwatchError):
        pass  # only a head start: the first request reads the points itself and reports any error


@read_router.get("/events/{event_id}", response_model=schemas.EventDetail, summary="One event, all it rests on")
def event_detail(store: StoreDep, event_id: Annotated[str, schemas.Text]) -> dict:
    found = store.events_by_id([event_id])
    if not found:
        raise HTTPException(404, f"no event {event_id!r}: list events at /api/events")
    event = found[0]
    claims, _ = store.claim_page(event_id=event.id, limit=10_000)
    before, after = store.chain(event.id)
    return {
        **summary_of_event(event),
        "mentions": [mention_item(m) for m in store.mention_records(event_id=event.id)],
        "claims": claims,
        "sources": [{k: d[k] for k in ("id", "url", "title", "outlet", "published")}
                    for d in store.document_records(event.documents)],
        "links": [{"kind": link.kind.value, "target": link.target, "description": link.description or None,
                   "wave": link.wave, "days_before": link.days_before} for link in event.links],
        "chain": {"before": before, "after": after},
        "source_id": event.source_id, "source_actors": list(event.source_actors),
    }


@read_router.get("/claims", response_model=schemas.ClaimPage, summary="The claims ledger, a page at a time")
def list_claims(store: StoreDep, event_id: Annotated[str | None, schemas.Text] = None,
                claimant: Annotated[str | None, schemas.Text] = None, kind: ClaimKind | None = None,
                limit: Annotated[int, Query(ge=1, le=1000)] = 100, cursor: str | None = None) -> Response:
    """Who claimed what, most recently stored first."""
    rows, key = store.claim_page(event_id=event_id, claimant=claimant, kind=kind, limit=limit,
                                 after=_seq_key(cursor, "claims"))
    return page_response(schemas.ClaimPage,
                         {"items": rows, "next_cursor": encode_cursor("claims", key) if key is not None else None})


@read_router.get("/mentions", response_model=schemas.MentionList, summary="The mentions of an event or document")
def list_mentions(store: StoreDep, event_id: Annotated[str | None, schemas.Text] = None,
                  doc_id: Annotated[str | None, schemas.Text] = None) -> dict:
    if (event_id is None) == (doc_id is None):
        raise HTTPException(422, "give exactly one of `event_id` and `doc_id`")
    return {"items": [mention_item(m) for m in store.mention_records(event_id=event_id, doc_id=doc_id)]}


@read_router.get("/documents", response_model=schemas.DocumentPage, summary="Documents, a page at a time")
def list_documents(store: StoreDep, status: DocStatus | None = None,
                   limit: Annotated[int, Query(ge=1, le=1000)] = 100, cursor: str | None = None) -> Response:
    """Stored documents (without their text), most recently stored first."""
    rows, key = store.document_page(status=status, limit=limit, after=_seq_key(cursor, "documents"))
    return page_response(schemas.DocumentPage,
                         {"items": rows, "next_cursor": encode_cursor("documents", key) if key is not None else None})


@read_router.get("/documents/{doc_id}", response_model=schemas.DocumentDetail,
                 summary="One document: its text and the spans to highlight")
def document_detail(store: StoreDep, doc_id: Annotated[str, schemas.Text]) -> dict:
    found = store.document_records([doc_id], text=True)
    if not found:
        raise HTTPException(404, f"no document {doc_id!r}: list documents at /api/documents")
    return {**found[0], "spans": store.document_spans(doc_id)}


@read_router.get("/actors", response_model=schemas.ActorList, summary="The theatre's actor dictionary")
def list_actors(request: Request) -> dict:
    actors = sorted(request.app.state.theatre.actors, key=lambda a: a.id)
    return {"items": [{"id": a.id, "name": a.name, "inter": a.inter, "country": a.country} for a in actors]}


@read_router.get("/places", response_model=schemas.PlaceList, summary="Gazetteer search by name")
def search_places(request: Request, q: Annotated[str, Query(min_length=1, max_length=100)]) -> dict:
    """Places whose name (or an alternate name) starts with `q`, any case or accent; exact names first,
    then by population; at most 50."""
    gazetteer = request.app.state.theatre.gazetteer
    key = fold_name(q)
    if not key:
        return {"items": []}
    exact = set(gazetteer.index.get(key, ()))
    found = {pid for name, ids in gazetteer.index.items() if name.startswith(key) for pid in ids}
    ranked = sorted(found, key=lambda pid: (pid not in exact, -gazetteer.population(pid), pid))[:MAX_PLACES]
    places = [gazetteer.places[pid] for pid in ranked]
    return {"items": [{"id": p.id, "name": p.name, "country": p.country, "admin1": p.admin1, "admin2": p.admin2,
                       "lat": p.lat, "lon": p.lon, "precision": p.precision} for p in places]}


@read_router.get("/stats/timeline", response_model=schemas.Timeline, summary="Events per period by actor1")
def timeline(store: StoreDep, filters: Filters, period: schemas.Period = "week",
             top: Annotated[int, Query(ge=1, le=MAX_TOP)] = 8) -> dict:
    return timeline_series(store.event_period_counts(event_query(filters), period), period, top)


@read_router.get("/stats/tally", response_model=schemas.Tally, summary="Events and fatalities by group")
def tally(store: StoreDep, filters: Filters,
          by: Annotated[str, Query(max_length=200, description="Comma list, as `borderwatch stats --by`.")] = "",
          period: schemas.TallyPeriod | None = None) -> dict:
    """The table of `borderwatch stats tally`: events, killed low / best / high, events without a
    count and contested ones, by period and the `by` dimensions."""
    from borderwatch.analyse.series import point_from_row
    from borderwatch.analyse.statistics import tally_table

    dimensions = [b.strip() for b in by.split(",") if b.strip()]
    points = [p for p in map(point_from_row, store.event_rows(event_query(filters))) if p is not None]
    try:
        table = tally_table(points, dimensions, period)
    except AnalysisError as e:
        raise HTTPException(422, str(e)) from e
    return {"title": table.title, "columns": list(table.columns), "notes": list(table.notes),
            "rows": table.as_dict()["rows"]}


@read_router.get("/config", response_model=schemas.ServerConfig, summary="What the dashboard needs to know")
def config(request: Request) -> dict:
    settings: ServerSettings = request.app.state.settings
    return {"tiles_url": settings.tiles_url, "write_enabled": settings.write_token is not None,
            "version": borderwatch.__version__}


# ------------------------------------------------------------------------------------- write route

write_router = APIRouter(prefix="/api")
_bearer = HTTPBearer(auto_error=False, description="The token the server was started with.")


def require_write_token(request: Request,
                        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> None:
    expected: str | None = request.app.state.settings.write_token
    if credentials is None:
        raise HTTPException(401, "writing needs `Authorization: Bearer <token>`",
                            headers={"WWW-Authenticate": "Bearer"})
    # constant time: how much of a guess matched must not show in how long the answer takes
    if expected is None or not hmac.compare_digest(credentials.credentials.encode(), expected.encode()):
        raise HTTPException(403, "wrong write token")


def document_from_posted(posted: schemas.DocumentIn) -> Document:
    """A Document from a posted GOLD_FORMAT record, read exactly as a documents.jsonl line is (so the same
    cleaning and the same content id); one that cannot be read is a failed Document saying why."""
    from borderwatch.ingest.files import failed_document
    from borderwatch.ingest.jsonl import parse_jsonl_line

    raw = json.dumps(posted.model_dump(exclude_none=True), ensure_ascii=False).encode("utf-8")
    try:
        return parse_jsonl_line(raw, "api")
    except DocumentError as e:
        return failed_document("api", raw, str(e))


@write_router.post("/documents", response_model=schemas.IngestResult, summary="Ingest documents",
                   dependencies=[Depends(require_write_token)],
                   responses={401: {"model": schemas.Problem}, 403: {"model": schemas.Problem},
                              413: {"model": schemas.Problem}})
def post_documents(request: Request, store: StoreDep,
                   body: Annotated[schemas.DocumentsIn, Body()]) -> dict:
    """Extract, store and merge one GOLD_FORMAT document or a list of up to 100; a re-sent document is
    counted unchanged, a bad one failed with its reason."""
    from borderwatch.pipeline import ingest_documents

    posted = body if isinstance(body, list) else [body]
    documents = [document_from_posted(p) for p in posted]
    summary = ingest_documents(documents, store, request.app.state.theatre)
    return {"read": summary.read, "added": summary.added, "unchanged": summary.unchanged,
            "failed": summary.failed, "mentions": summary.mentions,
            "failures": [{"id": d.id, "error": d.error or ""} for d in documents if d.status is DocStatus.FAILED]}


# ------------------------------------------------------------------------------- dashboard and docs

page_router = APIRouter(include_in_schema=False)


@page_router.get("/")
def dashboard() -> FileResponse:
    index = STATIC_DIR / "index.html"
    if not index.is_file():
        raise HTTPException(404, "the dashboard's files are not installed (src/borderwatch/web/static)")
    return FileResponse(index, media_type="text/html; charset=utf-8")


@page_router.get("/docs")
def api_docs() -> HTMLResponse:
    return HTMLResponse(docs_page())


@page_router.get(INIT_SCRIPT_PATH)
def api_docs_script() -> Response:
    return Response(INIT_SCRIPT, media_type="text/javascript; charset=utf-8")
