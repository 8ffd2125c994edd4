"""The data model: typed records shared by every stage.

Every stage is a pure function from these records to these records; nothing here touches a database,
the network or the file system. Offsets in a `Span` are character offsets into `Document.text`
(the cleaned text), so every coded field can be shown with the sentence it came from.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta


class EventSource(enum.StrEnum):
    """Where an event record comes from."""

    NEWS = "news"  # coded by borderwatch from documents
    UCDP = "ucdp"  # imported from a UCDP GED file
    ACLED = "acled"  # imported from an ACLED export


class Precision(enum.StrEnum):
    """How precisely a date is known; ordered from most to least precise."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    SEASON = "season"
    YEAR = "year"

    @property
    def rank(self) -> int:
        return _PRECISION_RANK[self]


_PRECISION_RANK = {p: i for i, p in enumerate(Precision)}


class DocStatus(enum.StrEnum):
    OK = "ok"
    FAILED = "failed"


class SpanKind(enum.StrEnum):
    ACTOR = "actor"
    PLACE = "place"
    DATE = "date"
    NUMBER = "number"
    TRIGGER = "trigger"
    CLAIMANT = "claimant"
    SENTENCE = "sentence"


class ClaimKind(enum.StrEnum):
    KILLED = "killed"
    INJURED = "injured"
    CAPTURED = "captured"
    RESPONSIBILITY = "responsibility"
    ACKNOWLEDGED = "acknowledged"
    DENIED = "denied"
    UNCONFIRMED = "unconfirmed"


# The claims that state a side's position on an act rather than count its victims.
STANCE_KINDS = frozenset({ClaimKind.ACKNOWLEDGED, ClaimKind.DENIED, ClaimKind.UNCONFIRMED})


class LinkKind(enum.StrEnum):
    RESPONDS_TO = "responds_to"  # this event answered that one ("in retaliation for", "two days after")
    PART_OF = "part_of"          # this event is one place of a wave or operation reported as one


@dataclass(frozen=True, slots=True)
class DateRange:
    """A closed range of days and the precision the text supports; `start` is the coded date."""

    start: date
    end: date
    precision: Precision

    def overlaps(self, other: DateRange) -> bool:
        return self.start <= other.end and other.start <= self.end

    def shifted(self, days: int) -> DateRange:
        return DateRange(self.start + timedelta(days=days), self.end + timedelta(days=days), self.precision)

    def iso(self) -> str:
        """The start written as precisely as the precision allows ("2011-11", "2008", "2024-03-18")."""
        if self.precision is Precision.YEAR:
            return f"{self.start.year:04d}"
        if self.precision is Precision.MONTH:
            return f"{self.start.year:04d}-{self.start.month:02d}"
        return self.start.isoformat()


@dataclass(frozen=True, slots=True)
class Span:
    """A character range in a document, what kind of thing it is, and what it was resolved to.

    `field` names the coded field it supports ("actor1", "place", "date", "fatalities", ...), so a
    reader can go from any field back to the words behind it.
    """

    start: int
    end: int
    kind: SpanKind
    text: str
    value: str | None = None
    field: str | None = None


@dataclass(frozen=True, slots=True)
class Place:
    """A resolved location. `precision` follows ACLED: 1 named town, 2 district, 3 province, 4 country."""

    id: str
    name: str
    country: str
    admin1: str | None
    admin2: str | None
    lat: float | None
    lon: float | None
    precision: int
    border: bool = False


@dataclass(frozen=True, slots=True)
class Count:
    """An exact count (`count`) or a range (`min`..`max`, `max` None when open: "at least 8")."""

    count: int | None = None
    min: int | None = None
    max: int | None = None

    @property
    def is_exact(self) -> bool:
        return self.count is not None

    @property
    def low(self) -> int | None:
        return self.count if self.count is not None else self.min

    @property
    def high(self) -> int | None:
        return self.count if self.count is not None else self.max

    def as_dict(self) -> dict[str, int | None]:
        if self.count is not None:
            return {"count": self.count}
        return {"min": self.min, "max": self.max}


@dataclass(frozen=True, slots=True)
class Claim:
    """Who says what about an event: a count of killed/injured/captured, responsibility or a stance."""

    kind: ClaimKind
    count: Count | None = None
    claimant: str | None = None
    victim_group: str | None = None
    spans: tuple[Span, ...] = ()

    def as_dict(self) -> dict:
        out: dict = dict(self.count.as_dict()) if self.count else {}
        out["claimed_by"] = self.claimant
        if self.victim_group:
            out["victim_group"] = self.victim_group
        return out


@dataclass(frozen=True, slots=True)
class MentionLink:
    """What a document says links this mention to another event.

    `target` is the ordinal of the mention in the same document that describes the other event, when
    the extractor found it; else None, and `description` ("the attack on a check post in Mir Ali") with
    `days_before` is what is known of it, for resolving against the store later.
    """

    kind: LinkKind
    target: int | None = None
    description: str = ""
    days_before: int | None = None
    span: Span | None = None

    def as_dict(self) -> dict:
        out: dict = {"kind": self.kind.value, "target": self.target, "description": self.description,
                     "days_before": self.days_before}
        if self.span is not None:
            out["span"] = [self.span.start, self.span.end]
        return out


@dataclass(slots=True)
class Document:
    id: str
    text: str
    url: str | None = None
    title: str | None = None
    outlet: str | None = None
    published: date | None = None
    fetched: datetime | None = None
    language: str = "en"
    source: str | None = None
    status: DocStatus = DocStatus.OK
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    text: str


@dataclass(slots=True)
class Mention:
    """One event as one document tells it, with the spans behind every field."""

    doc_id: str
    ordinal: int
    event_type: str
    sub_event_type: str
    date: DateRange | None
    place: Place | None
    country: str | None
    actor1: str | None
    actor2: str | None
    claims: list[Claim] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)
    evidence: list[Sentence] = field(default_factory=list)
    confidence: float = 0.5
    links: list[MentionLink] = field(default_factory=list)
    origin_country: str | None = None  # where actor1 acted from, when the text or actor1's home says
    wave: int | None = None            # mentions of one document sharing a wave are one operation

    @property
    def id(self) -> str:
        return f"{self.doc_id}:{self.ordinal}"

    @property
    def stances(self) -> list[Claim]:
        return [c for c in self.claims if c.kind in STANCE_KINDS]

    @property
    def fatalities(self) -> list[Claim]:
        return [c for c in self.claims if c.kind is ClaimKind.KILLED]

    @property
    def injured(self) -> list[Claim]:
        return [c for c in self.claims if c.kind is ClaimKind.INJURED]


# ACLED's taxonomy, spelled as ACLED spells it.
BATTLES = "Battles"
EXPLOSIONS = "Explosions/Remote violence"
VIOLENCE_AGAINST_CIVILIANS = "Violence against civilians"
STRATEGIC_DEVELOPMENTS = "Strategic developments"
VIOLENT_EVENT_TYPES = frozenset({BATTLES, EXPLOSIONS, VIOLENCE_AGAINST_CIVILIANS})


@dataclass(frozen=True, slots=True)
class EventLink:
    """A link from an event to another: `target` is an event id, or None while the earlier event is not
    in the store (then `description` says what the text said of it); for `part_of`, `wave` names the
    operation its sibling events share."""

    kind: LinkKind
    target: str | None
    description: str = ""
    wave: str | None = None
    mention_id: str | None = None
    days_before: int | None = None


@dataclass(slots=True)
class Event:
    """The merged record of every mention of one real event; fields derived by the rules in merge.py.

    Fatalities follow UCDP: `fatalities_low` / `_best` / `_high` derived from the claims ledger by the rule
    in docs/merging.md; `fatalities` is ACLED's conservative figure.
    """

    id: str
    event_type: str
    sub_event_type: str
    date: DateRange | None
    place: Place | None
    country: str | None
    actor1: str | None
    actor2: str | None
    mentions: list[Mention] = field(default_factory=list)
    fatalities_low: int | None = None
    fatalities_best: int | None = None
    fatalities_high: int | None = None
    contested: bool = False
    origin_country: str | None = None
    impact_country: str | None = None
    stance: str | None = None  # the striking side's: acknowledged / denied / unconfirmed (cross-border)
    links: list[EventLink] = field(default_factory=list)
    merge_scores: dict[str, dict] = field(default_factory=dict)  # mention id -> why it is in this event
    # Where the event comes from: coded from news here, or imported from a standard dataset (never merged
    # with news-coded events). `source_id` is the dataset's own id; `source_actors` its side names verbatim.
    source: EventSource = EventSource.NEWS
    source_id: str | None = None
    source_actors: tuple[str | None, str | None] = (None, None)

    @property
    def cross_border(self) -> bool:
        return (self.origin_country is not None and self.impact_country is not None
                and self.origin_country != self.impact_country)

    @property
    def border_area(self) -> bool:
        return bool(self.place is not None and self.place.border)

    @property
    def claims(self) -> list[Claim]:
        return [c for m in self.mentions for c in m.claims]

    @property
    def documents(self) -> list[str]:
        return sorted({m.doc_id for m in self.mentions})

    @property
    def fatalities(self) -> int:
        """ACLED's conservative figure: the lowest credible count, 0 when nobody gave one."""
        return self.fatalities_low or 0
