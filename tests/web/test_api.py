"""The REST API against a real uvicorn server on 127.0.0.1: every endpoint and filter, keyset pages
without duplicates or gaps, exports, errors, the write token, security headers and injection attempts."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import sqlite3
import threading
import time
from dataclasses import replace
from datetime import date, timedelta

import httpx
import numpy as np
import pytest
from conftest import API_ARTICLES, SYNTHETIC_EVENTS

from borderwatch.export import write_events
from borderwatch.model import DateRange, Event, EventSource, Precision
from borderwatch.store import open_store
from borderwatch.theatre import load_theatre

TOKEN = "correct horse battery staple 7c1e"
SECURITY_HEADERS = {
    "content-security-policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                               "connect-src 'self'; frame-ancestors 'none'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}


@pytest.fixture(scope="module")
def api(api_store, live_server):
    with httpx.Client(base_url=live_server(api_store), timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
def rows(api_store):
    """Every stored event's columns: the oracle the API's answers are checked against."""
    with open_store(api_store) as store:
        return list(store.flat_events())


def newest_first(events: list[dict]) -> list[str]:
    dated = sorted((e for e in events if e["date_start"]), key=lambda e: (e["date_start"], e["id"]), reverse=True)
    undated = sorted((e["id"] for e in events if not e["date_start"]), reverse=True)
    return [e["id"] for e in dated] + undated


def all_pages(api: httpx.Client, path: str, params: dict | list, limit: int = 100) -> list[dict]:
    items, cursor, seen_cursors = [], None, set()
    while True:
        query = list(params.items()) if isinstance(params, dict) else list(params)
        query += [("limit", limit)] + ([("cursor", cursor)] if cursor else [])
        response = api.get(path, params=query)
        assert response.status_code == 200, response.text
        page = response.json()
        assert len(page["items"]) <= limit
        items.extend(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            return items
        assert cursor not in seen_cursors
        seen_cursors.add(cursor)


def overlaps(e: dict, since: str | None, until: str | None) -> bool:
    if since and (not e["date_end"] or e["date_end"] < since):
        return False
    return not (until and (not e["date_start"] or e["date_start"] > until))


# Each filter as the API takes it, and the same filter over stored rows.
FILTERS = [
    ({"country": "AF"}, lambda e: e["country"] == "AF"),
    ([("country", "af"), ("country", "PK")], lambda e: e["country"] in ("AF", "PK")),
    ({"admin1": "Province 3"}, lambda e: e["admin1"] == "Province 3"),
    ({"actor": "TTP"}, lambda e: "TTP" in (e["actor1"], e["actor2"])),
    ([("actor", "ISKP"), ("actor", "BLA")], lambda e: {"ISKP", "BLA"} & {e["actor1"], e["actor2"]}),
    ({"actor1": "PAK-MIL"}, lambda e: e["actor1"] == "PAK-MIL"),
    ({"actor2": "PAK-POL"}, lambda e: e["actor2"] == "PAK-POL"),
    ({"dyad": "TTP,PAK-MIL"}, lambda e: (e["actor1"], e["actor2"]) == ("TTP", "PAK-MIL")),
    ({"type": "Battles"}, lambda e: e["event_type"] == "Battles"),
    ([("sub_type", "Attack"), ("sub_type", "Armed clash")], lambda e: e["sub_event_type"] in ("Attack", "Armed clash")),
    ({"source": "news"}, lambda e: e["source"] == "news"),
    ({"source": "ucdp", "country": "PK", "type": "Explosions/Remote violence"},
     lambda e: e["source"] == "ucdp" and e["country"] == "PK" and e["event_type"] == "Explosions/Remote violence"),
    ({"contested": "true"}, lambda e: e["contested"] == 1),
    ({"contested": "false", "actor": "AFG-TAL"},
     lambda e: e["contested"] == 0 and "AFG-TAL" in (e["actor1"], e["actor2"])),
    ({"cross_border": "true"}, lambda e: e["cross_border"] == 1),
    ({"since": "2024-01-01"}, lambda e: overlaps(e, "2024-01-01", None)),
    ({"until": "2016-06-30"}, lambda e: overlaps(e, None, "2016-06-30")),
    ({"since": "2019-03-01", "until": "2019-09-30", "actor": "TTP"},
     lambda e: overlaps(e, "2019-03-01", "2019-09-30") and "TTP" in (e["actor1"], e["actor2"])),
    ({}, lambda e: True),
]


@pytest.mark.parametrize(("params", "keep"), FILTERS)
def test_every_filter_pages_through_exactly_the_matching_events_newest_first(api, rows, params, keep):
    items = all_pages(api, "/api/events", params, limit=37)
    expected = newest_first([e for e in rows if keep(e)])
    assert [i["id"] for i in items] == expected
    assert api.get("/api/events/count", params=params).json() == {"count": len(expected)}
    points = api.get("/api/events/points", params=params).json()
    assert points["n"] == len(expected) and sorted(points["id"]) == sorted(expected)


@pytest.mark.parametrize("sort", ["date", "-date", "fatalities", "-fatalities"])
@pytest.mark.parametrize("limit", [1, 50, 1000])
def test_every_order_pages_without_duplicates_or_gaps(api, rows, sort, limit):
    items = all_pages(api, "/api/events", {"sort": sort}, limit=limit)
    ids = [i["id"] for i in items]
    assert len(ids) == len(set(ids)) == len(rows)
    column = "date" if "date" in sort else "fatalities_best"
    values = [i[column] for i in items]
    known = [v for v in values if v is not None]
    assert known == sorted(known, reverse=sort.startswith("-"))
    # the events without a value come after the others going down, before them going up
    nulls = [i for i, v in enumerate(values) if v is None]
    if nulls:
        assert nulls == (list(range(len(values) - len(nulls), len(values))) if sort.startswith("-")
                         else list(range(len(nulls))))


def test_pages_are_stable_when_events_arrive_between_requests(tmp_path, api_store, live_server):
    path = tmp_path / "growing.db"
    shutil.copy(api_store, path)
    with httpx.Client(base_url=live_server(path), timeout=30) as client:
        first = client.get("/api/events", params={"limit": 60}).json()
        with open_store(path) as store:
            store.add_events(Event(id=f"ucdp-late-{i}", event_type="Battles", sub_event_type="Armed clash",
                                   date=DateRange(day, day, Precision.DAY), place=None, country="PK",
                                   actor1="TTP", actor2=None, source=EventSource.UCDP)
                             for i, day in enumerate((date(2030, 1, 1), date(2016, 5, 5), date(2010, 1, 1))))
        rest = all_pages(client, "/api/events", {"cursor": first["next_cursor"]}, limit=80)
    ids = [i["id"] for i in first["items"]] + [i["id"] for i in rest]
    assert len(ids) == len(set(ids))
    assert "ucdp-late-0" not in ids  # newer than the page already read: not slipped in later
    assert {"ucdp-late-1", "ucdp-late-2"} <= set(ids)
    assert len(ids) == SYNTHETIC_EVENTS + 4 + 2


@pytest.mark.parametrize(("words", "locations"), [
    ("mir ali", {"Mir Ali", "Barmal"}),  # the strike's reports name the attack it answered
    ("BARMAL", {"Barmal"}),
    ("retaliation", {"Barmal", "Mir Ali"}),  # a word of evidence sentences only
    ("martyred", {"Mir Ali"}),
    ("Dera Ismail policemen", {"Dera Ismail Khan"}),
    ("pak-pol", {"Dera Ismail Khan"}),  # an actor id
    ("Paktika", {"Barmal"}),  # the province
])
def test_text_search_matches_location_actor_ids_and_evidence_in_any_case(api, words, locations):
    items = all_pages(api, "/api/events", {"q": words, "source": "news"})
    assert {i["location"] for i in items} == locations
    assert api.get("/api/events/count", params={"q": words, "source": "news"}).json()["count"] == len(items)


def test_text_search_needs_every_word(api):
    assert api.get("/api/events", params={"q": "Barmal policemen"}).json()["items"] == []


def test_csv_export_is_the_projects_export_of_the_same_events(api, api_store):
    response = api.get("/api/events.csv", params={"source": "news"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    served = list(csv.DictReader(io.StringIO(response.text)))
    out = io.StringIO()
    actors = {a.id: {"name": a.name, "inter": a.inter} for a in load_theatre().actors}
    with open_store(api_store) as store:
        write_events(store, "csv", out, actors=actors, source="news")
    exported = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert sorted(served, key=lambda r: r["bw_event_id"]) == sorted(exported, key=lambda r: r["bw_event_id"])
    assert len(served) == 4 and {r["source"] for r in served} >= {"Dawn", "Reuters; TOLOnews"}


def test_geojson_export_parses_and_carries_every_event_with_its_point(api, rows):
    response = api.get("/api/events.geojson", params={"country": "AF"})
    collection = response.json()
    assert collection["type"] == "FeatureCollection"
    expected = {e["id"]: e for e in rows if e["country"] == "AF"}
    assert {f["id"] for f in collection["features"]} == set(expected)
    for feature in collection["features"]:
        row = expected[feature["id"]]
        assert feature["geometry"]["coordinates"] == [row["longitude"], row["latitude"]]
        assert feature["properties"]["id"] == feature["id"]


def test_points_are_columns_indexing_shared_dictionaries(api, rows):
    points = api.get("/api/events/points").json()
    assert points["n"] == len(rows)
    by_id = {e["id"]: e for e in rows}
    names = points["dict"]
    for i, event_id in enumerate(points["id"]):
        row = by_id[event_id]
        assert names["type"][points["type"][i]] == row["event_type"]
        assert (names["actor"][points["actor1"][i]] if points["actor1"][i] >= 0 else None) == row["actor1"]
        assert (names["actor"][points["actor2"][i]] if points["actor2"][i] >= 0 else None) == row["actor2"]
        assert names["source"][points["source"][i]] == row["source"]
        day = points["day"][i]
        assert (date(1970, 1, 1) + timedelta(days=day)).isoformat() == row["date_start"] if day is not None \
            else row["date_start"] is None
        assert points["best"][i] == row["fatalities_best"]
        assert points["contested"][i] == row["contested"] and points["cross_border"][i] == row["cross_border"]


NO_DAY = -(2**31)
DTYPES = {"uint8": "u1", "int16": "<i2", "int32": "<i4", "uint32": "<u4", "float32": "<f4"}


def read_binary_points(body: bytes) -> dict:
    """/api/events/points.bin read as docs/api.md describes it, into the JSON variant's shape."""
    assert body[:4] == b"BWP1"
    size = int.from_bytes(body[4:8], "little")
    header = json.loads(body[8:8 + size])
    columns = {}
    for name, column in header["columns"].items():
        assert column["offset"] % 8 == 0 and column["offset"] >= 8 + size
        if column["type"] == "utf8":
            columns[name] = body[column["offset"]:column["offset"] + column["length"]]
        else:
            columns[name] = np.frombuffer(body, DTYPES[column["type"]], column["length"], column["offset"])
    ends = columns["id_end"].tolist()
    ids = [columns["id"][a:b].decode() for a, b in zip([0, *ends][:-1], ends, strict=True)]
    return {"n": header["n"], "dict": header["dict"], "id": ids,
            **{k: columns[k].tolist() for k in DTYPES_OF_COLUMNS}}


DTYPES_OF_COLUMNS = ("day", "lon", "lat", "type", "actor1", "actor2", "country", "source", "best", "contested",
                     "cross_border")


def same_points(binary: dict, text: dict) -> None:
    """The binary columns say what the JSON ones say: by id, every field through its dictionary."""
    assert binary["n"] == text["n"] and sorted(binary["id"]) == sorted(text["id"])
    at = {event_id: i for i, event_id in enumerate(binary["id"])}

    def name(points, field, dictionary, i):
        code = points[field][i]
        return points["dict"][dictionary][code] if code >= 0 else None

    for j, event_id in enumerate(text["id"]):
        i = at[event_id]
        for field, dictionary in (("type", "type"), ("actor1", "actor"), ("actor2", "actor"),
                                  ("country", "country"), ("source", "source")):
            assert name(binary, field, dictionary, i) == name(text, field, dictionary, j), (event_id, field)
        assert binary["day"][i] == (NO_DAY if text["day"][j] is None else text["day"][j])
        assert binary["best"][i] == (-1 if text["best"][j] is None else text["best"][j])
        for axis in ("lon", "lat"):
            expected = text[axis][j]
            assert (np.isnan(binary[axis][i]) if expected is None
                    else binary[axis][i] == float(np.float32(expected))), (event_id, axis)
        assert binary["contested"][i] == text["contested"][j]
        assert binary["cross_border"][i] == text["cross_border"][j]


@pytest.mark.parametrize("params", [
    {}, {"country": "AF"}, {"actor": "TTP", "contested": "true"}, {"since": "2018-01-01", "until": "2019-06-30"},
    {"q": "Village 7"}, {"q": "Mir Ali"}, {"q": "no-such-place-anywhere"},
])
def test_binary_points_carry_the_same_columns_as_json(api, params):
    response = api.get("/api/events/points.bin", params=params)
    assert response.status_code == 200 and response.headers["content-type"] == "application/octet-stream"
    binary = read_binary_points(response.content)
    same_points(binary, api.get("/api/events/points", params=params).json())
    assert (binary["n"] > 0) == ("no-such-place-anywhere" not in params.values())


def test_binary_points_take_filters_as_json_does(api):
    assert api.get("/api/events/points.bin", params={"since": "yesterday"}).status_code == 422
    assert api.get("/api/events/points.bin", params={"limit": "5"}).status_code == 200  # unknown: ignored


def test_points_asked_for_at_once_are_prepared_once(api_store):
    # The server prepares every event's points when it starts; a dashboard asking meanwhile waits for
    # that preparation instead of reading every event a second time beside it.
    from borderwatch.web.api import binary_points, kept_points

    kept: dict = {}
    lock = threading.Lock()
    encoded: list[int] = []

    def slow_encode(rows):
        encoded.append(len(rows))
        time.sleep(0.2)  # long enough for the other thread to ask while this one prepares
        return binary_points(rows)

    with open_store(api_store) as store:
        answers: list[bytes] = []
        threads = [threading.Thread(target=lambda: answers.append(kept_points(kept, lock, store, "binary",
                                                                              slow_encode)))
                   for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert len(encoded) == 1 and encoded[0] == store_events(api_store)
    assert len(answers) == 2 and answers[0] == answers[1]


def store_events(path) -> int:
    with open_store(path) as store:
        return store.counts()["events"]


def test_kept_points_follow_every_write_to_the_store(tmp_path, api_store, live_server):
    path = tmp_path / "changing.db"
    shutil.copy(api_store, path)
    late = Event(id="ucdp-late-points", event_type="Battles", sub_event_type="Armed clash",
                 date=DateRange(date(2024, 5, 1), date(2024, 5, 1), Precision.DAY), place=None, country="PK",
                 actor1="TTP", actor2=None, fatalities_best=3, source=EventSource.UCDP, source_id="late")
    with httpx.Client(base_url=live_server(path), timeout=30) as client:
        def both() -> tuple[dict, dict]:
            return (read_binary_points(client.get("/api/events/points.bin").content),
                    client.get("/api/events/points").json())

        before, before_json = both()
        assert both()[0] == before  # asked again: the kept answer
        with open_store(path) as store:
            store.add_events([late])
        added, added_json = both()
        assert added["n"] == added_json["n"] == before["n"] + 1 and "ucdp-late-points" in added["id"]
        with open_store(path) as store:  # re-imported with another toll: same count, new answer
            store.add_events([replace(late, fatalities_best=30)])
        changed, _ = both()
        assert changed["best"][changed["id"].index("ucdp-late-points")] == 30
        assert before_json["n"] == before["n"]


def news_event(api, location: str) -> dict:
    items = api.get("/api/events", params={"source": "news", "q": location}).json()["items"]
    assert len(items) == 1
    return items[0]


def test_event_detail_has_its_summary_mentions_claims_sources_links_and_chain(api):
    strike = news_event(api, "Barmal")
    detail = api.get(f"/api/events/{strike['id']}").json()
    assert {k: detail[k] for k in strike} == strike
    assert sorted(m["doc_id"] for m in detail["mentions"]) == ["reuters-2024-03-18", "tolo-2024-03-18"]
    assert all(m["evidence"] and m["evidence"][0]["text"] for m in detail["mentions"])
    assert {(c["kind"], c["count"], c["min"]) for c in detail["claims"]} == {("killed", 8, None), ("killed", None, 8)}
    assert {c["outlet"] for c in detail["claims"]} == {"TOLOnews", "Reuters"}
    assert {s["outlet"] for s in detail["sources"]} == {"TOLOnews", "Reuters"}
    mir_ali = all_pages(api, "/api/events", {"q": "Mir Ali", "type": "Battles", "source": "news"})
    assert len(mir_ali) == 1
    assert {"kind": "responds_to", "target": mir_ali[0]["id"], "wave": None, "days_before": 2,
            "description": "the attack on a security post in Mir Ali"} in detail["links"]
    assert detail["chain"]["before"] == [mir_ali[0]["id"]]
    assert strike["id"] in api.get(f"/api/events/{mir_ali[0]['id']}").json()["chain"]["after"]
    assert api.get("/api/mentions", params={"event_id": strike["id"]}).json()["items"] == detail["mentions"]


def test_imported_event_detail_keeps_its_dataset_id(api):
    detail = api.get("/api/events/ucdp-test-0003").json()
    assert detail["source"] == "ucdp" and detail["source_id"] == "3" and detail["mentions"] == []
    assert detail["n_documents"] == 0 and detail["claims"] == []


def test_claims_ledger_pages_and_filters(api):
    everything = all_pages(api, "/api/claims", {}, limit=3)
    assert len(everything) == len({c["id"] for c in everything}) == 8
    killed = all_pages(api, "/api/claims", {"kind": "killed"}, limit=2)
    assert {c["id"] for c in killed} == {c["id"] for c in everything if c["kind"] == "killed"}
    ttp = api.get("/api/claims", params={"claimant": "TTP"}).json()["items"]
    assert {c["kind"] for c in ttp} == {"responsibility", "acknowledged"}
    mir_ali = ttp[0]["event_id"]
    assert {c["event_id"] for c in api.get("/api/claims", params={"event_id": mir_ali}).json()["items"]} == {mir_ali}


def test_mentions_of_a_document(api):
    items = api.get("/api/mentions", params={"doc_id": "reuters-2024-03-18"}).json()["items"]
    assert [m["id"] for m in items] == ["reuters-2024-03-18:0", "reuters-2024-03-18:1"]


def test_documents_page_and_detail_with_spans_inside_the_text(api):
    documents = all_pages(api, "/api/documents", {}, limit=3)
    assert sorted(d["id"] for d in documents) == sorted(a["id"] for a in API_ARTICLES)
    assert api.get("/api/documents", params={"status": "failed"}).json()["items"] == []
    detail = api.get("/api/documents/dawn-2024-03-16").json()
    assert detail["outlet"] == "Dawn" and "Mir Ali" in detail["text"]
    assert {s["kind"] for s in detail["spans"]} >= {"sentence", "actor", "place", "number"}
    for span in detail["spans"]:
        assert 0 <= span["start"] < span["end"] <= len(detail["text"])
        assert span["mention_id"].startswith("dawn-2024-03-16:")
    assert any(detail["text"][s["start"]:s["end"]] == "Mir Ali" for s in detail["spans"])


def test_markup_and_sql_in_stored_text_come_back_as_plain_json_data(api):
    detail = api.get("/api/documents/reuters-2024-03-18").json()
    assert detail["title"] == API_ARTICLES[2]["title"] and detail["url"] == "javascript:alert(1)"


def test_actor_dictionary_and_place_search(api):
    actors = api.get("/api/actors").json()["items"]
    assert {"TTP", "PAK-MIL"} <= {a["id"] for a in actors}
    assert all(isinstance(a["inter"], int) for a in actors)
    places = api.get("/api/places", params={"q": "mir ali"}).json()["items"]
    assert places[0]["name"] == "Mir Ali" and places[0]["country"] == "PK"
    assert len(api.get("/api/places", params={"q": "k"}).json()["items"]) == 50


@pytest.mark.parametrize(("period", "step"), [("day", 1), ("week", 7)])
def test_timeline_stacks_every_dated_event_by_actor1_in_contiguous_periods(api, rows, period, step):
    timeline = api.get("/api/stats/timeline", params={"period": period, "top": 3, "since": "2020-01-01"}).json()
    days = [date.fromisoformat(p) for p in timeline["periods"]]
    assert all(b - a == timedelta(days=step) for a, b in zip(days, days[1:], strict=False))
    if period == "week":
        assert all(d.weekday() == 0 for d in days)
    dated = [e for e in rows if overlaps(e, "2020-01-01", None)]
    assert sum(sum(v) for v in timeline["series"].values()) == len(dated)
    assert len(set(timeline["series"]) - {"other", "unknown"}) == 3


def test_monthly_timeline_and_tally_agree_with_the_count(api):
    params = {"country": "PK", "source": "ucdp"}
    count = api.get("/api/events/count", params=params).json()["count"]
    undated = sum(1 for i in all_pages(api, "/api/events", params) if i["date"] is None)
    timeline = api.get("/api/stats/timeline", params={**params, "period": "month"}).json()
    assert all(p.endswith("-01") for p in timeline["periods"])
    assert sum(sum(v) for v in timeline["series"].values()) == count - undated
    tally = api.get("/api/stats/tally", params={**params, "by": "actor1", "period": "year"}).json()
    assert tally["columns"][:2] == ["period", "actor1"]
    assert sum(r["events"] for r in tally["rows"]) == count - undated


def test_config_says_read_only_and_the_write_route_is_absent(api):
    assert api.get("/api/config").json() == {"tiles_url": None, "write_enabled": False, "version": "0.1.0"}
    response = api.post("/api/documents", json={"text": "Militants attacked a check post."})
    assert response.status_code == 405
    assert "post" not in api.get("/openapi.json").json()["paths"]["/api/documents"]


def test_write_token_guards_ingest(tmp_path, api_store, live_server):
    path = tmp_path / "writable.db"
    shutil.copy(api_store, path)
    article = {"id": "ap-2024-05-01", "title": "Blast in Peshawar", "published": "2024-05-01",
               "text": "A roadside bomb killed four people in Peshawar on Wednesday, police said."}
    with httpx.Client(base_url=live_server(path, token=TOKEN), timeout=60) as client:
        assert client.get("/api/config").json()["write_enabled"] is True
        assert client.post("/api/documents", json=article).status_code == 401
        for wrong in ("Bearer nope", f"Bearer {TOKEN[:-1]}", f"Basic {TOKEN}", f"Bearer {TOKEN}x"):
            refused = client.post("/api/documents", json=article, headers={"Authorization": wrong})
            assert refused.status_code in (401, 403)
        assert client.get("/api/documents/ap-2024-05-01").status_code == 404
        auth = {"Authorization": f"Bearer {TOKEN}"}
        done = client.post("/api/documents", json=article, headers=auth).json()
        assert (done["read"], done["added"], done["failed"]) == (1, 1, 0) and done["mentions"] >= 1
        again = client.post("/api/documents", json=[article, {"text": "   "}], headers=auth).json()
        assert (again["read"], again["added"], again["unchanged"], again["failed"]) == (2, 0, 1, 1)
        assert "empty" in again["failures"][0]["error"]
        assert client.get("/api/events", params={"q": "Peshawar"}).json()["items"]
        too_many = client.post("/api/documents", json=[article] * 101, headers=auth)
        assert too_many.status_code == 422 and "100" in too_many.json()["detail"]


def test_a_body_over_the_limit_is_refused_declared_or_chunked(tmp_path, api_store, live_server):
    from borderwatch.web.api import MAX_BODY_BYTES

    path = tmp_path / "limited.db"
    shutil.copy(api_store, path)
    auth = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    big = b'{"text": "' + b"a" * (MAX_BODY_BYTES + 10) + b'"}'

    def chunks():  # no Content-Length: sent with Transfer-Encoding: chunked
        for i in range(0, len(big), 65536):
            yield big[i:i + 65536]

    with httpx.Client(base_url=live_server(path, token=TOKEN), timeout=60) as client:
        declared = client.post("/api/documents", content=big, headers=auth)
        chunked = client.post("/api/documents", content=chunks(), headers=auth)
        assert declared.status_code == 413 and chunked.status_code == 413, chunked.text
        assert "too large" in chunked.json()["detail"]
        assert client.get("/api/config").status_code == 200  # the server is fine


@pytest.mark.parametrize(("path", "status", "says"), [
    ("/api/events?since=2024-13-40", 422, "since"),
    ("/api/events?since=1710720000", 422, "YYYY-MM-DD"),
    ("/api/events?until=yesterday", 422, "until"),
    ("/api/events?limit=0", 422, "limit"),
    ("/api/events?limit=1001", 422, "limit"),
    ("/api/events?limit=ten", 422, "limit"),
    ("/api/events?sort=deaths", 422, "sort"),
    ("/api/events?source=twitter", 422, "source"),
    ("/api/events?country=Pakistan", 422, "country"),
    ("/api/events?dyad=TTP", 422, "dyad"),
    ("/api/events?contested=perhaps", 422, "contested"),
    ("/api/events?cursor=not-a-cursor", 400, "cursor"),
    ("/api/events?sort=date&cursor=WyJldmVudHMtZGF0ZSIsIGZhbHNlLCAiMjAyNC0wMS0wMSIsICJ4Il0", 400, "cursor"),
    ("/api/claims?kind=rumour", 422, "kind"),
    ("/api/claims?cursor=WyJldmVudHMtZGF0ZSJd", 400, "cursor"),
    ("/api/documents?status=pending", 422, "status"),
    ("/api/mentions", 422, "event_id"),
    ("/api/places", 422, "q"),
    ("/api/stats/timeline?period=fortnight", 422, "period"),
    ("/api/stats/timeline?top=0", 422, "top"),
    ("/api/stats/tally?by=colour", 422, "colour"),
    ("/api/events/ev-000000000000", 404, "ev-000000000000"),
    ("/api/documents/nowhere", 404, "nowhere"),
    ("/api/nothing-here", 404, "Not Found"),
])
def test_bad_input_gets_a_4xx_with_a_detail_saying_what_is_wrong(api, path, status, says):
    response = api.get(path)
    assert response.status_code == status
    detail = response.json()["detail"]
    assert isinstance(detail, str) and says in detail


@pytest.mark.parametrize("path", ["/api/events", "/api/events.csv", "/api/events/nope", "/api/events?limit=0",
                                  "/docs", "/openapi.json", "/static/index.html", "/", "/api/events.geojson"])
def test_every_response_carries_the_security_headers(api, path):
    response = api.get(path)
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value
    assert "access-control-allow-origin" not in response.headers


def test_tile_host_is_the_only_other_origin_the_policy_allows(api_store, live_server):
    url = live_server(api_store, tiles_url="https://{s}.tiles.example.org/{z}/{x}/{y}.png")
    with httpx.Client(base_url=url) as client:
        policy = client.get("/api/config").headers["content-security-policy"]
        assert client.get("/api/config").json()["tiles_url"] == "https://{s}.tiles.example.org/{z}/{x}/{y}.png"
    assert "img-src 'self' data: https://*.tiles.example.org;" in policy
    assert "connect-src 'self' https://*.tiles.example.org;" in policy and "script-src 'self';" in policy


def test_cross_origin_requests_get_no_cors_grant(api):
    response = api.options("/api/events", headers={"Origin": "https://evil.example",
                                                   "Access-Control-Request-Method": "GET"})
    assert "access-control-allow-origin" not in response.headers


def test_docs_page_loads_only_local_assets_and_no_inline_script(api):
    page = api.get("/docs")
    assert page.status_code == 200
    references = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert references and all(ref.startswith("/") and not ref.startswith("//") for ref in references)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page.text)
    for ref in references:
        assert api.get(ref).status_code == 200, ref


INJECTIONS = ["' OR 1=1 --", '"; DROP TABLE events;', "1); DELETE FROM events; --", "%", "_", "\\", "NEAR(a b)",
              '"unterminated', "*", "ev-%' OR '1'='1"]
TEXT_PARAMETERS = ["country", "admin1", "actor", "actor1", "actor2", "dyad", "type", "sub_type", "source",
                   "contested", "since", "q", "sort", "cursor"]


@pytest.mark.parametrize("payload", INJECTIONS)
def test_injection_attempts_in_every_filter_are_data_and_leave_the_store_intact(api, api_store, rows, payload):
    for name in TEXT_PARAMETERS:
        for path in ("/api/events", "/api/events/count", "/api/events/points", "/api/stats/timeline"):
            response = api.get(path, params={name: payload})
            assert response.status_code in (200, 400, 422), (path, name, response.text)
            if response.status_code == 200 and path == "/api/events":
                assert response.json()["items"] == [] or name in ("q",)
    for path in (f"/api/events/{payload}", f"/api/documents/{payload}", "/api/claims?claimant=" + payload,
                 "/api/mentions?doc_id=" + payload, "/api/places?q=" + payload):
        assert api.get(path).status_code in (200, 404, 422)
    with sqlite3.connect(api_store) as db:
        assert db.execute("SELECT count(*) FROM events").fetchone()[0] == len(rows)
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
