"""Mentions → events: blocking, pair scores, incremental clustering, and the fields an event derives.

Many documents report one strike; each report is a `Mention`. A new mention joins the existing event it
describes, or starts a new one; nothing already decided is re-clustered, so a document ingested tomorrow
costs a few candidate lookups, not a pass over the world.

1. **Blocking** (`blocks`): only mentions of the same country and ACLED event type whose dates can meet
   are compared: day- or week-precise ones within `DAY_LAG` days of each other in the same district
   (or where one side named only the province or the country); at any precision, ones in the same
   district whose date ranges overlap (so "the Nov. 2011 attack in Mohmand" can meet a day-precise
   report of it); and a month-precise report naming only a province, with that province's events.
2. **Pair score** (`score_pair`): parts for date, place, type, actors, numbers and wording, weighted by
   `WEIGHTS`; a *veto* (different districts far apart, dates days apart, different countries) makes a
   pair impossible whatever the rest says.
3. **Clustering** (`choose_event`): a mention joins the candidate event with the best *mean* score over
   its first members, when that mean reaches `MERGE_THRESHOLD` (higher for a report naming no province;
   lower for a `thin` pair, that can compare neither actors nor tolls, which must then fit one event),
   no member vetoes it, and the event has no mention from the same document yet (a document tells each
   event once). Average linkage with vetoes
   is what stops chaining: a Khost strike never joins a Paktika strike of the same night through a
   vague third report, because the Khost member vetoes it.
4. **Derived fields** (`derive_event`): the stated rules for date, place, type, actors, fatalities (low /
   best / high), `contested`, origin and impact countries, and the striking side's stance.

Everything here is pure; the store runs the same decisions against SQLite (`Store.add_documents`), and
`Merger` runs them in memory for bulk work and the benchmark. See docs/merging.md.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from sys import intern

import numpy as np

from borderwatch.gazetteer import place_contains
from borderwatch.model import (
    STANCE_KINDS,
    Claim,
    ClaimKind,
    DateRange,
    Event,
    Mention,
    Place,
    Precision,
)

# Weights of the score parts (they sum to 1). Date and place carry most: two reports of one event agree
# on when and where far more often than on who (attribution is disputed) or how many (tolls differ).
WEIGHTS: dict[str, float] = {"date": 0.25, "place": 0.25, "type": 0.10, "actors": 0.15, "numbers": 0.10,
                             "words": 0.15}
# A mention joins an event at this mean score. Chosen on the gold sets (docs/merging.md): same day and
# district with an agreeing type scores about 0.8; same day and province with nothing else agreeing
# about 0.45, which stays apart.
MERGE_THRESHOLD = 0.55
# Death counts of two reports that cannot be one toll count against them, a little (tolls are disputed).
NUMBER_CLASH = -0.5
WORD_SCALE = 3.0
# A report that names no province must score this much more to join an event (see threshold_for).
VAGUE_MARGIN = 0.15
# A *thin* pair cannot compare actors (one side names neither role) or tolls (one side gives none), but
# agrees on the district or the place and on the ACLED type: a background reference ("the massacre at the
# Army Public School in Peshawar in December 2014") against the report of it. Its threshold is
# MERGE_THRESHOLD scaled to the weight of the parts that can speak; such a report must fit one event alone.
THIN_THRESHOLD = MERGE_THRESHOLD * (1 - WEIGHTS["actors"] - WEIGHTS["numbers"])
# The place part when both name one province and only one names a district: they agree, less surely.
PROVINCE_ONLY_PLACE = 0.6
# Reports of one event differ by a day at most ("late on Sunday" / "on Monday", time zones, filing lag).
DAY_LAG = 1
_LAG = timedelta(days=DAY_LAG)
# Places this close are one place whatever their names (a village and the town next to it).
NEAR_KM = 25.0
# Members scored against a newcomer: the first ones, which set the event; big events stay cheap.
MAX_MEMBERS_SCORED = 4
# How far back a district-level block reaches for coarse dates ("in 2011", "last year").
COARSE_REACH_DAYS = 366
# A week-precise range is at most this long; fine blocks look this far back by start date.
FINE_SPAN_DAYS = 7
FINE_PRECISIONS = frozenset({Precision.DAY, Precision.WEEK})
# A report that names only a province and a month ("Pakistani strikes in Paktika in March") is compared
# with that province's events of the month; a province and a year is too vague to merge at all.
PROVINCE_BLOCK_PRECISIONS = frozenset({Precision.MONTH, Precision.SEASON})

_STOP_WORDS = frozenset(
    "about after against also among area attack attacks before being between border country district "
    "during early from have into killed late last least more most night north officials other over "
    "people police province reported said security since south that their there these they this those "
    "three through told were when where which while with would the and for was his her its who has had but "
    "not two six ten one are out new may say she him all any can did get got how now off our own per put "
    "saw see set too use via why yet them then than also".split())
# Every character that cannot be part of a word, mapped to a space (digits and punctuation).
_NOT_WORD = {i: " " for i in range(0x250) if not (chr(i).isalpha() or chr(i) in "'-")}


# ------------------------------------------------------------------------------------------- profile


@dataclass(frozen=True, slots=True)
class Profile:
    """What merging reads of a mention: small, so millions fit in memory and a row rebuilds it cheaply."""

    id: str
    doc_id: str
    event_type: str
    sub_event_type: str
    start: date
    end: date
    precision: Precision
    country: str
    admin1: str | None = None
    admin2: str | None = None
    place_id: str | None = None
    place_precision: int | None = None
    lat: float | None = None
    lon: float | None = None
    actor1: str | None = None
    actor2: str | None = None
    killed: tuple[tuple[int, int], ...] = ()  # (low, high) of each death count claimed
    words: frozenset[str] = frozenset()

    @property
    def fine(self) -> bool:
        return self.precision in FINE_PRECISIONS


def content_words(text: str) -> frozenset[str]:
    """The words of a text that can tell two events apart (names, weapons, targets), lower-cased; three
    letters and up ("Mir Ali", "Dir" and "Tank" are names). Split on anything that is not a letter,
    apostrophe or hyphen: str methods in C, as this runs for every candidate of every new mention.
    Interned: the same few thousand words recur across reports, so cached profiles share one copy."""
    words = set(text.lower().translate(_NOT_WORD).split())
    words -= _STOP_WORDS
    return frozenset(intern(w) for w in words if len(w) >= 3 and w[0].isalpha())


def killed_ranges(claims: Iterable[Claim]) -> tuple[tuple[int, int], ...]:
    """Each death count as (low, high). An open count ("at least 24", "more than 40") reaches to twice its
    floor: early counts are floors, and the final toll of the same event is often well above them."""
    out = []
    for c in claims:
        if c.kind is ClaimKind.KILLED and c.count is not None and c.count.low is not None:
            out.append(count_range(c.count.count, c.count.min, c.count.max))
    return tuple(out)


def count_range(count: int | None, low: int | None, high: int | None) -> tuple[int, int]:
    """(low, high) of an exact count or a range; an open range ("at least 24") reaches twice its floor."""
    if count is not None:
        return count, count
    assert low is not None
    return low, high if high is not None else low * 2


def profile_of(m: Mention) -> Profile | None:
    """The mention's merge profile; None when it has no date or no country, which nothing can block on."""
    return profile_from(m.id, m.doc_id, m.event_type, m.sub_event_type, m.date, m.place, m.country, m.actor1,
                        m.actor2, m.claims, " ".join(s.text for s in m.evidence))


def profile_from(mention_id: str, doc_id: str, event_type: str, sub_event_type: str, dates: DateRange | None,
                 place: Place | None, country: str | None, actor1: str | None, actor2: str | None,
                 claims: Iterable[Claim], evidence: str) -> Profile | None:
    """A merge profile from a mention's fields (store._profile_from_row builds the same from a row). A
    place in another country than the mention's ("from the Afghan side") says nothing of where it happened."""
    if dates is None or country is None:
        return None
    p = place if place is not None and place.country == country else None
    # Codes and names recur across millions of profiles: interned, they share one string each.
    return Profile(
        id=mention_id, doc_id=doc_id, event_type=intern(event_type), sub_event_type=intern(sub_event_type),
        start=dates.start, end=dates.end, precision=dates.precision, country=intern(country),
        admin1=_shared(p.admin1) if p else None, admin2=_shared(p.admin2) if p else None,
        place_id=_shared(p.id) if p else None, place_precision=p.precision if p else None,
        lat=p.lat if p else None, lon=p.lon if p else None, actor1=_shared(actor1), actor2=_shared(actor2),
        killed=killed_ranges(claims), words=content_words(evidence),
    )


def _shared(text: str | None) -> str | None:
    return None if text is None else intern(text)


# ---------------------------------------------------------------------------------------- pair score


@dataclass(frozen=True, slots=True)
class PairScore:
    """How alike two mentions are: each part in [-1, 1], the weighted total, and a veto when impossible."""

    parts: tuple[tuple[str, float], ...]
    total: float
    veto: str | None = None

    def as_dict(self) -> dict:
        out: dict = {name: round(value, 3) for name, value in self.parts}
        out["total"] = round(self.total, 3)
        if self.veto:
            out["veto"] = self.veto
        return out


def score_pair(a: Profile, b: Profile) -> PairScore:
    """The evidence that `a` and `b` report one event (see the module doc for the parts)."""
    values = _parts(a, b)
    return PairScore(tuple(zip(_PART_NAMES, values, strict=True)), _weighted(values), veto(a, b))


def pair_total(a: Profile, b: Profile) -> float:
    """`score_pair(a, b).total` without building the record: it runs for every candidate of every new
    mention."""
    return _weighted(_parts(a, b))


_PART_NAMES = ("date", "place", "type", "actors", "numbers", "words")
_WEIGHT_VALUES = tuple(WEIGHTS[name] for name in _PART_NAMES)


def _parts(a: Profile, b: Profile) -> tuple[float, ...]:
    return (_date_part(a, b), _place_part(a, b), _type_part(a, b), _actor_part(a, b), _number_part(a, b),
            _word_part(a, b))


def _weighted(values: tuple[float, ...]) -> float:
    date, place, kind, actors, numbers, words = values
    w = _WEIGHT_VALUES
    return w[0] * date + w[1] * place + w[2] * kind + w[3] * actors + w[4] * numbers + w[5] * words


def veto(a: Profile, b: Profile) -> str | None:
    """Why `a` and `b` cannot be one event whatever else they share, or None: different countries, dates
    more than a day apart or ranges that do not meet, different provinces or districts more than NEAR_KM
    apart. The one place these rules live; the reason is written only when there is one."""
    if a.country != b.country:
        return f"countries differ ({a.country} / {b.country})"
    if a.precision is Precision.DAY and b.precision is Precision.DAY:
        gap = abs(a.start.toordinal() - b.start.toordinal())
        if gap > DAY_LAG:
            return f"dates {gap} days apart"
    elif not (a.start - _LAG <= b.end and b.start - _LAG <= a.end):
        return "date ranges do not overlap"
    if (a.place_id is not None and a.place_id == b.place_id) or a.admin1 is None or b.admin1 is None:
        return None
    if a.admin1 != b.admin1:
        return None if _near(a, b) else f"provinces differ ({a.admin1} / {b.admin1})"
    if a.admin2 is not None and b.admin2 is not None and a.admin2 != b.admin2:
        return None if _near(a, b) else f"districts differ ({a.admin2} / {b.admin2})"
    return None


def _date_part(a: Profile, b: Profile) -> float:
    if a.precision is Precision.DAY and b.precision is Precision.DAY:
        gap = abs(a.start.toordinal() - b.start.toordinal())
        return 1.0 if gap == 0 else 0.5 if gap <= DAY_LAG else 0.0
    if a.start - _LAG <= b.end and b.start - _LAG <= a.end:
        # overlapping ranges: the narrower they both are, the more the overlap says; a day inside the
        # other report's month says more than two months that overlap
        width = max((a.end - a.start).days, (b.end - b.start).days) + 1
        if width <= FINE_SPAN_DAYS:
            return 0.7
        return 0.5 if Precision.DAY in (a.precision, b.precision) else 0.4
    return 0.0


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine) in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def _near(a: Profile, b: Profile) -> bool:
    if a.lat is None or a.lon is None or b.lat is None or b.lon is None:
        return False
    if abs(a.lat - b.lat) > _NEAR_DEGREES or abs(a.lon - b.lon) > 2 * _NEAR_DEGREES:
        return False  # far apart on either axis (a degree of latitude is 111 km; of longitude here, >80)
    return distance_km(a.lat, a.lon, b.lat, b.lon) <= NEAR_KM


_NEAR_DEGREES = NEAR_KM / 100


def _place_part(a: Profile, b: Profile) -> float:
    if a.place_id is not None and a.place_id == b.place_id:
        return 1.0
    if a.admin1 is None or b.admin1 is None:
        return 0.2  # one side names only the country: no objection, little support
    if a.admin1 != b.admin1 or (a.admin2 is not None and b.admin2 is not None and a.admin2 != b.admin2):
        return 0.3 if _near(a, b) else 0.0  # different units, but close: a village and the town by it
    if a.admin2 is not None and b.admin2 is not None:
        return 0.8
    return PROVINCE_ONLY_PLACE  # same province, one side without a district


def _type_part(a: Profile, b: Profile) -> float:
    if a.event_type != b.event_type:
        return 0.0
    return 1.0 if a.sub_event_type == b.sub_event_type else 0.6


def _actor_pair(x: str | None, y: str | None) -> float | None:
    if x is None or y is None:
        return None
    if x == y:
        return 1.0
    if "UNKNOWN" in (x, y):
        return 0.3  # "unidentified gunmen" in one report, the group that claimed it in another
    return -0.5


def _actor_part(a: Profile, b: Profile) -> float:
    known = [v for v in (_actor_pair(a.actor1, b.actor1), _actor_pair(a.actor2, b.actor2)) if v is not None]
    return sum(known) / len(known) if known else 0.0


def _number_part(a: Profile, b: Profile) -> float:
    """1 when two death counts agree (within half again, or three deaths: early and later counts of one
    event); NUMBER_CLASH when both give counts and none agree; 0 when either gives none."""
    if not a.killed or not b.killed:
        return 0.0
    for lo1, hi1 in a.killed:
        for lo2, hi2 in b.killed:
            if lo1 <= max(hi2 * 1.5, hi2 + 3) and lo2 <= max(hi1 * 1.5, hi1 + 3):
                return 1.0
    return NUMBER_CLASH


def _word_part(a: Profile, b: Profile) -> float:
    """The share of content words two reports have in common (Jaccard), scaled so that a third in common
    counts fully: reports of one event share names, weapons and targets, not whole vocabularies."""
    if not a.words or not b.words:
        return 0.0
    shared = len(a.words & b.words)
    return min(1.0, WORD_SCALE * shared / (len(a.words) + len(b.words) - shared))


# ---------------------------------------------------------------------------------------- clustering


@dataclass(frozen=True, slots=True)
class Decision:
    """Where a mention goes: `event_id` None means a new event. `why` carries the score parts."""

    event_id: str | None
    score: float
    why: dict = field(default_factory=dict)


NO_EVENT_REASON = "no candidate event scored high enough"


def ambiguous_reason(fitted: int, *, province_named: bool = False) -> str:
    if province_named:
        return f"ambiguous: a report with no actors or toll to compare fits {fitted} events"
    return f"ambiguous: a report naming no province fits {fitted} events"


def thin(a: Profile, b: Profile) -> bool:
    """Whether `a` and `b` agree on the district (or the place) and the ACLED type but can compare neither
    actors nor tolls (see THIN_THRESHOLD)."""
    if a.event_type != b.event_type or (a.killed and b.killed):
        return False
    if (a.actor1 is not None and b.actor1 is not None) or (a.actor2 is not None and b.actor2 is not None):
        return False
    if a.place_id is not None and a.place_id == b.place_id:
        return True
    return a.admin1 is not None and a.admin1 == b.admin1 and a.admin2 is not None and a.admin2 == b.admin2


def threshold_for(p: Profile, members: Sequence[Profile]) -> float:
    """MERGE_THRESHOLD, raised by VAGUE_MARGIN when a side names no province: such a report has no
    place to object with, so the same day, type and actors are not enough; its toll or words must
    agree too. Lowered to THIN_THRESHOLD when every member is a thin pair with `p` (then `choose_event`
    lets `p` join only an event it fits alone)."""
    if p.admin1 is None or any(m.admin1 is None for m in members):
        return MERGE_THRESHOLD + VAGUE_MARGIN
    if members and all(thin(p, m) for m in members):
        return THIN_THRESHOLD
    return MERGE_THRESHOLD


def choose_event(p: Profile, candidates: Mapping[str, Sequence[Profile]]) -> Decision:
    """The event among `candidates` (event id → its members' profiles) that `p` joins, if any."""
    best: Decision | None = None
    doc = p.doc_id
    passed = 0
    for event_id, members in candidates.items():
        scored = members[:MAX_MEMBERS_SCORED]
        if _excluded(p, doc, members, scored):
            continue  # a document reports each event once; a vetoing member keeps the event apart
        totals = [pair_total(p, m) for m in scored]
        mean = sum(totals) / len(totals)
        if mean < threshold_for(p, scored):
            continue
        passed += 1
        if best is None or mean > best.score:
            closest = scored[totals.index(max(totals))]
            best = Decision(event_id, mean, {"mean": round(mean, 3), "members_scored": len(totals),
                                            **score_pair(p, closest).as_dict()})
    if best is not None and passed > 1 and (p.admin1 is None or best.score < MERGE_THRESHOLD):
        # "attacks on posts along the border": a report naming no province that fits two events (two fronts
        # of one night, each placed by another report) cannot say which it tells; it is not made one of them.
        # Nor is a thin report that reached only its lower threshold ("a bombing in Peshawar in 2009").
        return Decision(None, 0.0, {"reason": ambiguous_reason(passed, province_named=p.admin1 is not None)})
    return best or Decision(None, 0.0, {"reason": NO_EVENT_REASON})


def _excluded(p: Profile, doc: str, members: Sequence[Profile], scored: Sequence[Profile]) -> bool:
    for m in members:
        if m.doc_id == doc:
            return True
    for m in scored:
        if veto(p, m) is not None:
            return True
    return not scored


def explain(a: Profile, b: Profile) -> tuple[bool, PairScore, str]:
    """Whether two mentions would be one event on their own, the score, and why in words."""
    if a.doc_id == b.doc_id:
        return False, score_pair(a, b), "same document: a document tells each event once"
    s = score_pair(a, b)
    if s.veto:
        return False, s, f"vetoed: {s.veto}"
    threshold = threshold_for(a, [b])
    if s.total >= threshold:
        return True, s, f"score {s.total:.2f} reaches the threshold {threshold:.2f}"
    return False, s, f"score {s.total:.2f} is below the threshold {threshold:.2f}"


def event_id_for(mention_id: str) -> str:
    """The id of the event a mention starts: stable across re-ingests of the same documents."""
    return "ev-" + hashlib.sha1(mention_id.encode("utf-8")).hexdigest()[:12]


def wave_id_for(doc_id: str, wave: int) -> str:
    return "wv-" + hashlib.sha1(f"{doc_id}#{wave}".encode()).hexdigest()[:12]


@dataclass(frozen=True, slots=True)
class Blocks:
    """Where a mention's candidates come from (`blocks`): `fine` is a start-date window in its country
    for day/week-precise dates; `district` a date window in its district at any precision; `province` a
    date window in its province, for a month- or season-precise report (which meets there the reports
    that named only the province)."""

    fine: tuple[date, date] | None
    district: tuple[str, str, str, date, date] | None
    province: tuple[str, str, date, date] | None


def blocks(p: Profile) -> Blocks:
    lag = timedelta(days=DAY_LAG)
    fine = (p.start - lag - timedelta(days=FINE_SPAN_DAYS), p.end + lag) if p.fine else None
    district = province = None
    if p.admin1 is not None and p.admin2 is not None:
        district = (p.country, p.admin1, p.admin2, p.start - lag, p.end + lag)
    if p.admin1 is not None and not p.fine and p.precision in PROVINCE_BLOCK_PRECISIONS:
        # a district's month-precise report meets here the reports that named only its province
        province = (p.country, p.admin1, p.start - lag, p.end + lag)
    return Blocks(fine, district, province)


class MergerDecision:
    """A decision of `Merger.add`: `event_id` (None: a new event) and `score` as `Decision` has them; `why`,
    the score parts, is rebuilt from the merger's arrays when read, as a bulk run reads few of them."""

    __slots__ = ("_merger", "_row", "_fitted", "event_id", "score")

    def __init__(self, merger: Merger, row: int, event_id: str | None, score: float, fitted: int = 0) -> None:
        self._merger, self._row, self.event_id, self.score = merger, row, event_id, score
        self._fitted = fitted  # for a new event: how many events an ambiguous report fitted (0: none)

    @property
    def why(self) -> dict:
        if self.event_id is None:
            if not self._fitted:
                return {"reason": NO_EVENT_REASON}
            return {"reason": ambiguous_reason(self._fitted, province_named=self._merger.names_province(self._row))}
        return self._merger.why(self._row, self.score)

    def as_decision(self) -> Decision:
        return Decision(self.event_id, self.score, self.why)


class Merger:
    """Incremental merging in memory: `add` each profile in turn (for bulk runs and the benchmark; the
    store makes the same decisions against SQLite, with `choose_event`). Memory is linear in the profiles
    added; each `add` is one compiled call (merge_kernel.merge_row) over the profiles' fields and a block
    index kept in arrays, with the Python around it only interning the profile's strings.

    Day- and week-precise candidates come from an index by country, province, district, day and ACLED
    event type. A report naming a district meets that district's events and those of reports that named
    only its province or only the country; a report naming only a province meets all of that province's;
    one naming only the country, all the country's (which is why such reports need a higher score,
    `threshold_for`). A district's events of overlapping months (or years, for a day-precise report
    meeting coarse ones) and, for a month- or season-precise report naming a province, the province's of
    overlapping months, as `blocks` says. Always of its own event type.

    `capacity`: rows allocated up front; every array grows by half again when full."""

    def __init__(self, capacity: int = 1024) -> None:
        from borderwatch import merge_kernel

        self._kernel = merge_kernel
        self.members: dict[str, list[str]] = {}  # event id -> its mention ids, in arrival order
        self.event_of: dict[str, str] = {}
        self._features = merge_kernel.Features(capacity)
        self._index = merge_kernel.EventIndex(capacity)
        self._event_ids: list[str] = []  # by event number
        self._doc_numbers: dict[str, int] = {}
        self._why = np.empty(7)

    def add(self, p: Profile) -> MergerDecision:
        """Merge `p`: it joins the event it reports, or starts one. One compiled call; the Python here
        interns, and keeps the ids (`members`, `event_of`)."""
        doc = self._doc_numbers.setdefault(p.doc_id, len(self._doc_numbers))
        index, features = self._index, self._features
        if doc >= index.docs.shape[0]:
            index.doc_room(doc)
        row = features.put(p, doc)
        merge_row = self._kernel.merge_row
        while True:
            number, score = merge_row(features.ints, features.coords, features.words, features.killed,
                                      index.events, index.counts, index.docs, index.table, index.nodes,
                                      index.found, row)
            if number >= 0:
                break
            index.make_room(number)
        features.commit(row)
        if number == len(self._event_ids):  # a new event
            event_id = event_id_for(p.id)
            index.events[number, 0] = int(event_id[3:], 16)  # its KEY: events are tried in id order
            self._event_ids.append(event_id)
            self.members[event_id] = [p.id]
            self.event_of[p.id] = event_id
            return MergerDecision(self, row, None, 0.0, int(score))
        event_id = self._event_ids[number]
        self.members[event_id].append(p.id)
        self.event_of[p.id] = event_id
        return MergerDecision(self, row, event_id, score)

    def why(self, row: int, mean: float) -> dict:
        """The record `choose_event` writes for the mention of `row` that joined an event with `mean`: the
        closest of the members scored, its parts and total."""
        f = self._features
        event = int(f.ints[row, self._kernel.EVENT])
        scored = self._kernel.why_of(f.ints, f.coords, f.words, f.killed, self._index.events, row, event,
                                     self._why)
        parts = dict(zip(_PART_NAMES, (round(v, 3) for v in self._why.tolist()), strict=False))
        return {"mean": round(mean, 3), "members_scored": int(scored), **parts,
                "total": round(float(self._why[6]), 3)}

    def names_province(self, row: int) -> bool:
        return bool(self._features.ints[row, self._kernel.ADMIN1] >= 0)

    def candidates(self, p: Profile) -> list[str]:
        """The events `p` is compared with, in the order they are tried (by id); `p` is not added."""
        index, features = self._index, self._features
        row = features.put(p, -1)  # written after the last row, not counted
        while True:
            n = self._kernel.gather(features.ints, index.events, index.counts, index.docs, index.table,
                                    index.nodes, index.found, row, False)
            if n >= 0:
                break
            index.make_room(n)
        return [self._event_ids[e] for e in index.found[:n].tolist()]


def merge_mentions(mentions: Iterable[Mention]) -> dict[str, str]:
    """Mention id → event id for a set of mentions, merged in the order given (a Python-API shortcut)."""
    merger = Merger()
    out = {}
    for m in mentions:
        p = profile_of(m)
        if p is None:
            out[m.id] = event_id_for(m.id)  # undated or without a country: nothing to block on
            continue
        merger.add(p)
        out[m.id] = merger.event_of[m.id]
    return out


# ----------------------------------------------------------------------------------- derived fields


def _date_support(candidate: DateRange, dates: Sequence[DateRange]) -> int:
    return sum(1 for d in dates if d.overlaps(candidate))


def consensus_date(dates: Sequence[DateRange]) -> DateRange | None:
    """The date the sources agree on: the one most others overlap, then the most precise, then the
    earliest. "18 March" wins over "March 2024" (they agree; 18 March is finer); "18 March" against
    three reports of "19 March" loses."""
    if not dates:
        return None
    return max(dates, key=lambda d: (_date_support(d, dates), -d.precision.rank, -(d.end - d.start).days,
                                     -d.start.toordinal()))


def _places_agree(a: Place, b: Place) -> bool:
    return a.id == b.id or place_contains(a, b) or place_contains(b, a)


def consensus_place(places: Sequence[Place]) -> Place | None:
    """The place the sources agree on: most agreeing reports (same place, or one inside the other), then
    the most precise. "Spera district" wins over "Khost province", which contains it."""
    if not places:
        return None
    return max(places, key=lambda p: (sum(1 for q in places if _places_agree(p, q)), -p.precision))


def _majority(values: Iterable[str | None], *, losing: frozenset[str] = frozenset()) -> str | None:
    """The most common non-null value, the first given among ties; values in `losing` only when alone."""
    counts = Counter(v for v in values if v is not None)
    strong = {v: n for v, n in counts.items() if v not in losing} or counts
    if not strong:
        return None
    top = max(strong.values())
    return next(v for v in strong if strong[v] == top)


# Claimants whose figures differ by more than this ratio (and by more than CONTESTED_MIN_GAP deaths)
# make a toll contested: "ISPR says 200 killed, the Taliban spokesman says 8".
CONTESTED_RATIO = 1.5
CONTESTED_MIN_GAP = 3


@dataclass(frozen=True, slots=True)
class Fatalities:
    low: int | None
    best: int | None
    high: int | None
    contested: bool
    rule: str


def claimant_figures(claims: Iterable[Claim], docs: Iterable[str] | None = None) -> dict[str, tuple[int, int]]:
    """Each claimant's figure for the dead, as (low, high).

    - A figure with no claimant is its document's own (the reporter's): each document's unattributed
      figures are one more source. `docs` gives each claim's document id.
    - For each victim group a claimant names, its highest figure: a source's later count of one event
      only grows as bodies are found and the wounded die.
    - A claimant's figures for different groups add up ("23 soldiers martyred and 200 terrorists
      killed", says ISPR: 223 dead by ISPR's account); a figure for no group in particular ("the clash
      left 30 dead") is a total, and stands when it is larger than the sum of the groups.
    """
    groups: dict[str, dict[str | None, tuple[int, int]]] = {}
    doc_ids = iter(docs) if docs is not None else None
    for c in claims:
        doc = next(doc_ids) if doc_ids is not None else None
        if c.kind is not ClaimKind.KILLED or c.count is None or c.count.low is None:
            continue
        low = c.count.low
        high = c.count.high if c.count.high is not None else low
        key = c.claimant or f"{UNATTRIBUTED}{doc or ''}"
        by_group = groups.setdefault(key, {})
        if c.victim_group not in by_group or (low, high) > by_group[c.victim_group]:
            by_group[c.victim_group] = (low, high)
    out = {}
    for key, by_group in groups.items():
        named = [v for g, v in by_group.items() if g is not None]
        summed = (sum(lo for lo, _ in named), sum(hi for _, hi in named))
        out[key] = max(summed, by_group.get(None, (0, 0)))
    return out


UNATTRIBUTED = "reported:"


def fatality_estimates(claims: Iterable[Claim], parties: Iterable[str | None] = (),
                       docs: Iterable[str] | None = None) -> Fatalities:
    """UCDP-style low / best / high deaths from the claims ledger (rule in docs/merging.md):

    - each claimant counts once, with its own total (`claimant_figures`);
    - low: the lowest total (an open range "at least 8" counts as 8); ACLED's conservative figure;
    - high: the highest total (a range's top, or its floor when open);
    - best: the lower median of the totals of sources that are not a party to the event (reporters'
      own counts, hospitals, officials of neither side); when only the parties gave figures, the lower
      median of all totals;
    - contested: two claimants' totals differ by more than half again and by more than three deaths.
    """
    figures = claimant_figures(claims, docs)
    if not figures:
        return Fatalities(None, None, None, False, "no death count reported")
    sides = {_side(p) for p in parties if p and p != "UNKNOWN"}  # PAK-MIL and PAK-GOV speak for one side
    lows = sorted(low for low, _ in figures.values())
    high = max(high for _, high in figures.values())
    independent = sorted(low for claimant, (low, _) in figures.items() if _side(claimant) not in sides)
    pool = independent or lows
    best = pool[(len(pool) - 1) // 2]
    low = lows[0]
    contested = len(figures) > 1 and high - low > CONTESTED_MIN_GAP and high > low * CONTESTED_RATIO
    rule = f"{len(figures)} source(s); best from {'non-party' if independent else 'all'} figures"
    return Fatalities(low, best, high, contested, rule)


def _side(actor_id: str) -> str:
    return actor_id.split("-")[0]


def _stance(mentions: Sequence[Mention], striker: str | None) -> str | None:
    """The striking side's stance: acknowledged when it claimed the act or any count of it, denied when
    it denied it, else unconfirmed (only asked of cross-border events)."""
    if striker is None:
        return None
    side = _side(striker)
    kinds = {c.kind for m in mentions for c in m.claims if c.claimant is not None and _side(c.claimant) == side}
    if ClaimKind.DENIED in kinds:
        return ClaimKind.DENIED.value
    if kinds - STANCE_KINDS or ClaimKind.ACKNOWLEDGED in kinds:
        return ClaimKind.ACKNOWLEDGED.value
    return ClaimKind.UNCONFIRMED.value


def derive_event(event_id: str, mentions: Sequence[Mention]) -> Event:
    """The event's fields from its mentions, by the rules above; mentions keep their own fields."""
    if not mentions:
        raise ValueError(f"event {event_id} has no mentions")
    types = Counter((m.event_type, m.sub_event_type) for m in mentions)
    top = max(types.values())
    event_type, sub_type = next(t for t in types if types[t] == top)
    place = consensus_place([m.place for m in mentions if m.place is not None])
    country = place.country if place is not None else _majority(m.country for m in mentions)
    actor1 = _majority((m.actor1 for m in mentions), losing=frozenset({"UNKNOWN"}))
    actor2 = _majority((m.actor2 for m in mentions), losing=frozenset({"UNKNOWN"}))
    claims = [c for m in mentions for c in m.claims]
    deaths = fatality_estimates(claims, parties=(actor1, actor2), docs=[m.doc_id for m in mentions for _ in m.claims])
    origin = _majority(m.origin_country for m in mentions)
    ev = Event(
        id=event_id, event_type=event_type, sub_event_type=sub_type,
        date=consensus_date([m.date for m in mentions if m.date is not None]), place=place, country=country,
        actor1=actor1, actor2=actor2, mentions=list(mentions), fatalities_low=deaths.low,
        fatalities_best=deaths.best, fatalities_high=deaths.high, contested=deaths.contested,
        origin_country=origin, impact_country=country,
    )
    if ev.cross_border:
        ev.stance = _stance(mentions, actor1)
    return ev
