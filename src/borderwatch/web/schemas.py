"""The API's request and response models (docs/api.md): what /openapi.json documents and what every
query parameter is validated against before any store query runs."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from borderwatch.model import EventSource

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
# Values per repeatable filter: a URL stays well under what servers accept, and a page query at most
# this many UNION arms.
MAX_VALUES = 50
MAX_TEXT = 200


def parse_iso_day(value: object) -> object:
    """Only YYYY-MM-DD (pydantic alone would take timestamps and datetimes too)."""
    if isinstance(value, str):
        if not _ISO_DAY.fullmatch(value):
            raise ValueError(f"not a date: {value!r} (use YYYY-MM-DD)")
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"no such day: {value!r} (use YYYY-MM-DD)") from None
    return value


IsoDay = Annotated[date, BeforeValidator(parse_iso_day)]
Text = Annotated[str, Field(min_length=1, max_length=MAX_TEXT)]
Values = Annotated[list[Text], Field(max_length=MAX_VALUES)]
CountryCode = Annotated[str, Field(pattern=r"^[A-Za-z]{2}$")]
Dyad = Annotated[str, Field(pattern=r"^[^,]{1,200},[^,]{1,200}$", description='"A,B": actor1 A and actor2 B')]
EventOrderName = Literal["date", "-date", "fatalities", "-fatalities"]
Period = Literal["day", "week", "month"]
TallyPeriod = Literal["day", "week", "month", "quarter", "year"]


class Problem(BaseModel):
    """Every error: what is wrong and what to do."""

    detail: str


class EventFilters(BaseModel):
    """The filters every event endpoint takes; all optional, all combined (values of one: any)."""

    since: IsoDay | None = Field(None, description="Events whose date range reaches this day or later.")
    until: IsoDay | None = Field(None, description="Events whose date range starts on or before this day.")
    country: Annotated[list[CountryCode], Field(max_length=MAX_VALUES)] = Field(
        [], description="ISO 3166 alpha-2, repeatable.")
    admin1: Values = Field([], description="Province, repeatable.")
    actor: Values = Field([], description="Actor id on either side, repeatable.")
    actor1: Values = Field([], description="Actor id as actor1, repeatable.")
    actor2: Values = Field([], description="Actor id as actor2, repeatable.")
    dyad: Annotated[list[Dyad], Field(max_length=MAX_VALUES)] = Field([], description='"A,B", repeatable.')
    type: Values = Field([], description="ACLED event_type, repeatable.")
    sub_type: Values = Field([], description="ACLED sub_event_type, repeatable.")
    source: Annotated[list[EventSource], Field(max_length=3)] = Field([], description="news, ucdp or acled.")
    contested: bool | None = None
    cross_border: bool | None = None
    q: str | None = Field(None, max_length=MAX_TEXT,
                          description="Words that must all occur (any case) in the location, actor ids or "
                                      "evidence sentences.")


class EventSummary(BaseModel):
    id: str
    date: str | None
    date_end: str | None
    date_precision: str | None
    event_type: str
    sub_event_type: str
    country: str | None
    admin1: str | None
    admin2: str | None
    location: str | None
    lat: float | None
    lon: float | None
    geo_precision: int | None
    actor1: str | None
    actor2: str | None
    fatalities_low: int | None
    fatalities_best: int | None
    fatalities_high: int | None
    contested: bool
    cross_border: bool
    origin_country: str | None
    impact_country: str | None
    stance: str | None
    source: str
    n_documents: int


class EventPage(BaseModel):
    items: list[EventSummary]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last.")


class EventCount(BaseModel):
    count: int


class EvidenceSentence(BaseModel):
    start: int
    end: int
    text: str


class MentionItem(BaseModel):
    id: str
    doc_id: str
    event_id: str
    event_type: str
    sub_event_type: str
    date: str | None
    date_end: str | None
    date_precision: str | None
    location: str | None
    country: str | None
    admin1: str | None
    admin2: str | None
    actor1: str | None
    actor2: str | None
    evidence: list[EvidenceSentence]
    merge_why: dict[str, Any] | None


class MentionList(BaseModel):
    items: list[MentionItem]


class ClaimItem(BaseModel):
    id: str
    kind: str
    count: int | None
    min: int | None
    max: int | None
    claimant: str | None
    victim_group: str | None
    mention_id: str
    event_id: str
    doc_id: str
    outlet: str | None
    published: str | None


class ClaimPage(BaseModel):
    items: list[ClaimItem]
    next_cursor: str | None


class SourceItem(BaseModel):
    id: str
    url: str | None
    title: str | None
    outlet: str | None
    published: str | None


class LinkItem(BaseModel):
    kind: str
    target: str | None
    description: str | None
    wave: str | None
    days_before: int | None


class Chain(BaseModel):
    before: list[str] = Field(description="The events this one answers, nearest first.")
    after: list[str] = Field(description="The events that answer it, or answer those, breadth first.")


class EventDetail(EventSummary):
    mentions: list[MentionItem]
    claims: list[ClaimItem]
    sources: list[SourceItem]
    links: list[LinkItem]
    chain: Chain
    source_id: str | None
    source_actors: list[str | None]


class DocumentItem(SourceItem):
    status: str
    error: str | None


class DocumentPage(BaseModel):
    items: list[DocumentItem]
    next_cursor: str | None


class SpanItem(BaseModel):
    start: int
    end: int
    kind: str
    field: str | None
    mention_id: str


class DocumentDetail(DocumentItem):
    text: str
    spans: list[SpanItem]


class ActorItem(BaseModel):
    id: str
    name: str
    inter: int
    country: str | None


class ActorList(BaseModel):
    items: list[ActorItem]


class PlaceItem(BaseModel):
    id: str
    name: str
    country: str
    admin1: str | None
    admin2: str | None
    lat: float | None
    lon: float | None
    precision: int


class PlaceList(BaseModel):
    items: list[PlaceItem]


class EventPoints(BaseModel):
    """Every matching event in columns, one array per field, index i being the i-th event."""

    model_config = ConfigDict(populate_by_name=True)

    n: int
    id: list[str]
    day: list[int | None] = Field(description="Days since 1970-01-01; null when undated.")
    lon: list[float | None]
    lat: list[float | None]
    type: list[int] = Field(description="Index into dict.type.")
    actor1: list[int] = Field(description="Index into dict.actor, -1 when unknown.")
    actor2: list[int]
    country: list[int] = Field(description="Index into dict.country, -1 when unknown.")
    source: list[int] = Field(description="Index into dict.source.")
    best: list[int | None]
    contested: list[int]
    cross_border: list[int]
    dictionary: dict[str, list[str]] = Field(alias="dict", description="type, actor, country, source names.")


class Timeline(BaseModel):
    periods: list[str] = Field(description="First day of each period, every period from first to last.")
    series: dict[str, list[int]] = Field(description='Events per period by actor1: the top actors, "other", '
                                                     '"unknown".')


class Tally(BaseModel):
    title: str
    columns: list[str]
    rows: list[dict[str, str | int | float | None]]
    notes: list[str]


class ServerConfig(BaseModel):
    tiles_url: str | None
    write_enabled: bool
    version: str


class DocumentIn(BaseModel):
    """One GOLD_FORMAT document."""

    model_config = ConfigDict(extra="ignore")

    id: str | None = Field(None, max_length=500)
    url: str | None = Field(None, max_length=4000)
    title: str | None = Field(None, max_length=4000)
    outlet: str | None = Field(None, max_length=500)
    published: str | None = Field(None, max_length=40, description="YYYY-MM-DD or an ISO datetime.")
    text: str = Field(max_length=5_000_000)


MAX_POSTED_DOCUMENTS = 100
DocumentsIn = DocumentIn | Annotated[list[DocumentIn], Field(min_length=1, max_length=MAX_POSTED_DOCUMENTS)]


class IngestResult(BaseModel):
    read: int
    added: int
    unchanged: int
    failed: int
    mentions: int
    failures: list[dict[str, str]] = Field(description="id and reason of each document that failed.")
