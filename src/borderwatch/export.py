"""Exports: CSV with ACLED's columns (then ours, prefixed `bw_`), JSON Lines and GeoJSON.

CSV follows ACLED so existing tooling reads it; JSONL and GeoJSON carry everything (every mention, claim
and evidence span). `mention_records` is the one-line-per-mention shape `borderwatch evaluate` scores.
See docs/store-and-export.md.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TextIO

from borderwatch.model import (
    VIOLENCE_AGAINST_CIVILIANS,
    VIOLENT_EVENT_TYPES,
    Claim,
    DateRange,
    Event,
    EventLink,
    LinkKind,
    Mention,
    Place,
    Precision,
    Span,
)
from borderwatch.store import Store

ACLED_COLUMNS: tuple[str, ...] = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3",
    "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes", "fatalities",
    "tags", "timestamp",
)
BW_COLUMNS: tuple[str, ...] = (
    "bw_event_id", "bw_date_precision", "bw_date_start", "bw_date_end", "bw_fatalities_low",
    "bw_fatalities_best", "bw_fatalities_high", "bw_actor1_id", "bw_actor2_id", "bw_n_mentions",
    "bw_documents", "bw_evidence", "bw_contested", "bw_origin_country", "bw_impact_country",
    "bw_cross_border", "bw_border_area", "bw_stance", "bw_responds_to", "bw_part_of", "bw_source",
    "bw_source_id", "bw_escalation_rung",
)
CSV_COLUMNS: tuple[str, ...] = ACLED_COLUMNS + BW_COLUMNS

MENTION_KEYS: tuple[str, ...] = (
    "doc", "event_id", "event_type", "sub_event_type", "date", "date_precision", "date_start", "date_end",
    "country", "admin1", "admin2", "location", "latitude", "longitude", "geo_precision", "actor1", "actor2",
    "fatalities", "injured", "evidence",
)
FORMATS = ("csv", "jsonl", "geojson")


@dataclass(frozen=True, slots=True)
class Country:
    """How ACLED names a country: ISO 3166 numeric code, alpha-3, English name and ACLED region."""

    numeric: int
    alpha3: str
    name: str
    region: str


# The countries of the theatres we cover and their neighbours, keyed by ISO alpha-2.
COUNTRIES: Mapping[str, Country] = {
    "AF": Country(4, "AFG", "Afghanistan", "South Asia"),
    "PK": Country(586, "PAK", "Pakistan", "South Asia"),
    "IN": Country(356, "IND", "India", "South Asia"),
    "IR": Country(364, "IRN", "Iran", "Middle East"),
    "CN": Country(156, "CHN", "China", "East Asia"),
    "TJ": Country(762, "TJK", "Tajikistan", "Caucasus and Central Asia"),
    "UZ": Country(860, "UZB", "Uzbekistan", "Caucasus and Central Asia"),
    "TM": Country(795, "TKM", "Turkmenistan", "Caucasus and Central Asia"),
}

# ACLED's time_precision: 1 the day is known, 2 the week, 3 the month or anything coarser.
TIME_PRECISION: Mapping[Precision, int] = {
    Precision.DAY: 1, Precision.WEEK: 2, Precision.MONTH: 3, Precision.SEASON: 3, Precision.YEAR: 3,
}

# ACLED's disorder_type, by sub-event type where the event type alone does not decide it.
_DISORDER_BY_SUB_EVENT: Mapping[str, str] = {
    "Mob violence": "Political violence",
    "Violent demonstration": "Demonstrations",
    "Excessive force against protesters": "Political violence; Demonstrations",
}
_DISORDER_BY_EVENT: Mapping[str, str] = {
    "Protests": "Demonstrations",
    "Riots": "Political violence",
    "Strategic developments": "Strategic developments",
}
CIVILIANS_INTER = 7  # ACLED's inter code for civilians


# --------------------------------------------------------------------------------------------- records


def date_record(dates: DateRange | None) -> dict[str, str] | None:
    if dates is None:
        return None
    return {"start": dates.start.isoformat(), "end": dates.end.isoformat(),
            "precision": dates.precision.value, "iso": dates.iso()}


def place_record(place: Place | None) -> dict[str, Any] | None:
    if place is None:
        return None
    return {"id": place.id, "name": place.name, "country": place.country, "admin1": place.admin1,
            "admin2": place.admin2, "latitude": place.lat, "longitude": place.lon,
            "geo_precision": place.precision, "border": place.border}


def span_record(span: Span) -> dict[str, Any]:
    return {"start": span.start, "end": span.end, "kind": span.kind.value, "text": span.text,
            "value": span.value, "field": span.field}


def claim_record(claim: Claim) -> dict[str, Any]:
    """kind, then the count (`count`, or `min`/`max`), `claimed_by`, `victim_group`, and its spans."""
    record: dict[str, Any] = {"kind": claim.kind.value, **claim.as_dict()}
    record["victim_group"] = claim.victim_group
    record["spans"] = [span_record(s) for s in claim.spans]
    return record


def mention_record(mention: Mention) -> dict[str, Any]:
    """Everything a mention carries, for the JSONL and GeoJSON exports."""
    return {
        "id": mention.id, "doc": mention.doc_id, "ordinal": mention.ordinal,
        "event_type": mention.event_type, "sub_event_type": mention.sub_event_type,
        "date": date_record(mention.date), "place": place_record(mention.place), "country": mention.country,
        "actor1": mention.actor1, "actor2": mention.actor2, "confidence": mention.confidence,
        "claims": [claim_record(c) for c in mention.claims],
        "spans": [span_record(s) for s in mention.spans],
        "evidence": [{"start": s.start, "end": s.end, "text": s.text} for s in mention.evidence],
        "links": [link.as_dict() for link in mention.links],
        "origin_country": mention.origin_country, "wave": mention.wave,
    }


def event_record(event: Event) -> dict[str, Any]:
    """Everything an event carries, mentions included, as plain JSON values."""
    return {
        "id": event.id, "event_type": event.event_type, "sub_event_type": event.sub_event_type,
        "date": date_record(event.date), "place": place_record(event.place), "country": event.country,
        "actor1": event.actor1, "actor2": event.actor2, "fatalities": event.fatalities,
        "fatalities_low": event.fatalities_low, "fatalities_best": event.fatalities_best,
        "fatalities_high": event.fatalities_high, "n_mentions": len(event.mentions),
        "documents": event.documents, "contested": event.contested,
        "origin_country": event.origin_country, "impact_country": event.impact_country,
        "cross_border": event.cross_border, "border_area": event.border_area, "stance": event.stance,
        "links": [link_record(link) for link in event.links], "merge_scores": event.merge_scores,
        "source": event.source.value, "source_id": event.source_id, "escalation_rung": rung_name(event) or None,
        "source_actors": list(event.source_actors),
        "mentions": [mention_record(m) for m in event.mentions],
    }


def link_record(link: EventLink) -> dict[str, Any]:
    return {"kind": link.kind.value, "target": link.target, "wave": link.wave,
            "description": link.description or None, "days_before": link.days_before,
            "mention": link.mention_id}


def evaluation_record(event_id: str, mention: Mention) -> dict[str, Any]:
    """One mention in the flat shape `borderwatch evaluate` scores (keys: MENTION_KEYS, in order)."""
    dates, place = mention.date, mention.place
    return {
        "doc": mention.doc_id, "event_id": event_id, "event_type": mention.event_type,
        "sub_event_type": mention.sub_event_type,
        "date": dates.iso() if dates else None, "date_precision": dates.precision.value if dates else None,
        "date_start": dates.start.isoformat() if dates else None,
        "date_end": dates.end.isoformat() if dates else None,
        "country": mention.country, "admin1": place.admin1 if place else None,
        "admin2": place.admin2 if place else None, "location": place.name if place else None,
        "latitude": place.lat if place else None, "longitude": place.lon if place else None,
        "geo_precision": place.precision if place else None,
        "actor1": mention.actor1, "actor2": mention.actor2,
        "fatalities": [c.as_dict() for c in mention.fatalities],
        "injured": [c.as_dict() for c in mention.injured],
        "evidence": " ".join(s.text for s in mention.evidence),
    }


def mention_records(store: Store, **filters: Any) -> Iterator[dict]:
    """One evaluation record per stored mention, by document then ordinal (or of the filtered events)."""
    if not filters:
        for event_id, mention in store.mentions():
            yield evaluation_record(event_id, mention)
        return
    for event in store.events(**filters):
        for mention in event.mentions:
            yield evaluation_record(event.id, mention)


# -------------------------------------------------------------------------------------------- CSV rows


def _actor_name(actor_id: str | None, actors: Mapping[str, dict] | None) -> str:
    if actor_id is None:
        return ""
    if actors and actor_id in actors:
        return str(actors[actor_id].get("name", actor_id))
    return actor_id


def _inter(actor_id: str | None, actors: Mapping[str, dict] | None) -> int | None:
    if actor_id is None or not actors or actor_id not in actors:
        return None
    inter = actors[actor_id].get("inter")
    return int(inter) if inter is not None else None


def interaction_code(inter1: int | None, inter2: int | None) -> int | None:
    """ACLED's two-digit interaction: the two inter codes, lower first; a lone actor pairs with 0."""
    if inter1 is None:
        return None
    if inter2 is None:
        return inter1 * 10
    low, high = sorted((inter1, inter2))
    return low * 10 + high


def disorder_type(event_type: str, sub_event_type: str) -> str:
    if sub_event_type in _DISORDER_BY_SUB_EVENT:
        return _DISORDER_BY_SUB_EVENT[sub_event_type]
    if event_type in VIOLENT_EVENT_TYPES:
        return "Political violence"
    return _DISORDER_BY_EVENT.get(event_type, "")


def _blank(value: object) -> object:
    return "" if value is None else value


def _sources(event: Event, outlets: Mapping[str, str | None] | None) -> str:
    names = {(outlets or {}).get(doc) or doc for doc in event.documents}
    return "; ".join(sorted(names))


def event_row(event: Event, actors: Mapping[str, dict] | None = None,
              outlets: Mapping[str, str | None] | None = None) -> dict[str, object]:
    """One CSV row: ACLED's columns filled as ACLED fills them, then ours (`bw_`)."""
    dates, place = event.date, event.place
    country = COUNTRIES.get(event.country or "")
    inter1, inter2 = _inter(event.actor1, actors), _inter(event.actor2, actors)
    evidence = [" ".join(s.text for s in m.evidence) for m in event.mentions if m.evidence]
    targets_civilians = event.event_type == VIOLENCE_AGAINST_CIVILIANS or inter2 == CIVILIANS_INTER
    row: dict[str, object] = {
        "event_id_cnty": _acled_id(event, country),
        "event_date": dates.start.isoformat() if dates else "",
        "year": dates.start.year if dates else "",
        "time_precision": TIME_PRECISION[dates.precision] if dates else "",
        "disorder_type": disorder_type(event.event_type, event.sub_event_type),
        "event_type": event.event_type, "sub_event_type": event.sub_event_type,
        "actor1": _actor_name(event.actor1, actors), "assoc_actor_1": "", "inter1": _blank(inter1),
        "actor2": _actor_name(event.actor2, actors), "assoc_actor_2": "", "inter2": _blank(inter2),
        "interaction": _blank(interaction_code(inter1, inter2)),
        "civilian_targeting": "Civilian targeting" if targets_civilians else "",
        "iso": country.numeric if country else "", "region": country.region if country else "",
        "country": country.name if country else (event.country or ""),
        "admin1": _blank(place.admin1 if place else None), "admin2": _blank(place.admin2 if place else None),
        "admin3": "", "location": place.name if place else "",
        "latitude": _blank(place.lat if place else None), "longitude": _blank(place.lon if place else None),
        "geo_precision": place.precision if place else "",
        "source": _sources(event, outlets) if event.source == "news" else _DATASET_NAMES[event.source],
        "source_scale": "",
        "notes": evidence[0] if evidence else "", "fatalities": event.fatalities, "tags": "", "timestamp": "",
        "bw_event_id": event.id, "bw_date_precision": dates.precision.value if dates else "",
        "bw_date_start": dates.start.isoformat() if dates else "",
        "bw_date_end": dates.end.isoformat() if dates else "",
        "bw_fatalities_low": _blank(event.fatalities_low),
        "bw_fatalities_best": _blank(event.fatalities_best),
        "bw_fatalities_high": _blank(event.fatalities_high),
        "bw_actor1_id": _blank(event.actor1), "bw_actor2_id": _blank(event.actor2),
        "bw_n_mentions": len(event.mentions), "bw_documents": "; ".join(event.documents),
        "bw_evidence": " | ".join(evidence),
        "bw_contested": int(event.contested), "bw_origin_country": _blank(event.origin_country),
        "bw_impact_country": _blank(event.impact_country), "bw_cross_border": int(event.cross_border),
        "bw_border_area": int(event.border_area), "bw_stance": _blank(event.stance),
        "bw_responds_to": "; ".join(link.target or f"? {link.description}" for link in event.links
                                    if link.kind is LinkKind.RESPONDS_TO),
        "bw_part_of": "; ".join(sorted({link.wave for link in event.links
                                        if link.kind is LinkKind.PART_OF and link.wave})),
        "bw_source": event.source.value, "bw_source_id": _blank(event.source_id),
        "bw_escalation_rung": rung_name(event),
    }
    return row


def rung_name(event: Event) -> str:
    """The event's rung on the escalation ladder (docs/indicators.md), '' when it is on none."""
    from borderwatch.analyse.indicators import Rung, rung
    from borderwatch.analyse.series import point_of

    point = point_of(event)
    level = rung(point) if point is not None else Rung.NONE
    return level.name.lower() if level else ""


_DATASET_NAMES = {"ucdp": "UCDP GED", "acled": "ACLED"}


def _acled_id(event: Event, country) -> str:
    """ACLED's `event_id_cnty`: an ACLED event keeps its own; ours is the country code and the id's hash."""
    if event.source == "acled" and event.source_id:
        return event.source_id
    prefix = country.alpha3 if country else (event.country or "XX")
    if event.source == "ucdp":
        return f"{prefix}-UCDP{event.source_id or event.id}"
    return f"{prefix}{event.id[3:].upper()}"


def event_rows(events: Iterable[Event], actors: Mapping[str, dict] | None = None,
               outlets: Mapping[str, str | None] | None = None) -> Iterator[dict]:
    """CSV rows (CSV_COLUMNS) for `events`; `actors` maps id → {"name", "inter"}, `outlets` doc → outlet."""
    for event in events:
        yield event_row(event, actors, outlets)


# ------------------------------------------------------------------------------------------- writing


def _json_line(record: Mapping[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False) + "\n"


def _geometry(lat: float | None, lon: float | None) -> dict[str, Any] | None:
    if lat is None or lon is None:
        return None
    return {"type": "Point", "coordinates": [lon, lat]}  # GeoJSON is longitude first (RFC 7946)


def _write_geojson(features: Iterable[dict[str, Any]], out: TextIO) -> int:
    # Streamed feature by feature, so a large export never sits in memory as one JSON document.
    out.write('{"type": "FeatureCollection", "features": [\n')
    n = 0
    for feature in features:
        out.write((",\n" if n else "") + json.dumps(feature, ensure_ascii=False))
        n += 1
    out.write("\n]}\n")
    return n


def _write_csv(rows: Iterable[Mapping[str, Any]], columns: tuple[str, ...], out: TextIO) -> int:
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    n = 0
    for row in rows:
        writer.writerow(row)
        n += 1
    return n


def _mention_csv_row(record: Mapping[str, Any]) -> dict[str, Any]:
    # Claim lists go into one cell each as JSON, so the CSV keeps the exact JSONL shape.
    return {key: json.dumps(value) if isinstance(value, list) else _blank(value)
            for key, value in record.items()}


def _write_mentions(store: Store, fmt: str, out: TextIO, filters: Mapping[str, Any]) -> int:
    records = mention_records(store, **filters)
    if fmt == "csv":
        return _write_csv((_mention_csv_row(r) for r in records), MENTION_KEYS, out)
    if fmt == "geojson":
        return _write_geojson(({"type": "Feature", "geometry": _geometry(r["latitude"], r["longitude"]),
                                "properties": r} for r in records), out)
    n = 0
    for record in records:
        out.write(_json_line(record))
        n += 1
    return n


def write_events(store: Store, fmt: str, out: TextIO, *, mentions: bool = False,
                 actors: Mapping[str, dict] | None = None, **filters: Any) -> int:
    """Write the events matching `filters` (see Store.events) as csv, jsonl or geojson; return how many.

    With `mentions`, write one evaluation record per mention instead of one record per event.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if mentions:
        return _write_mentions(store, fmt, out, filters)
    events = store.events(**filters)
    if fmt == "csv":
        return _write_csv(event_rows(events, actors, store.outlets()), CSV_COLUMNS, out)
    if fmt == "geojson":
        features = ({"type": "Feature", "id": ev.id,
                     "geometry": _geometry(ev.place.lat, ev.place.lon) if ev.place else None,
                     "properties": event_record(ev)} for ev in events)
        return _write_geojson(features, out)
    for event in events:
        out.write(_json_line(event_record(event)))
    return len(events)
