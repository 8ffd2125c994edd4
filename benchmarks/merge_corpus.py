"""A seeded generator of merge profiles with a known truth: many reports of real-looking events.

The merge benchmark needs a million mentions that are as hard to merge as real ones: events spread over
2005–2024 in Pakistan and Afghanistan at a rate that follows the war (quiet and violent years, a summer
fighting season), placed in real districts of the shipped gazetteer and weighted toward the frontier;
each event told by one to six documents that disagree the way reports do (a day off, a vaguer date, only
the province, a nearby town, "unidentified gunmen", early and later death tolls, their own wording).
Distinct events that look alike are generated on purpose: the same day in another district of the same
province, and the same district on the next day.

    from merge_corpus import generate_mentions
    for item in generate_mentions(count=20_000, seed=7):
        item.profile, item.event      # a merge Profile and the number of the true event it reports

Profiles come in the order documents would arrive (by report date: the event date plus 0–3 days) and
are streamed: memory stays flat whatever the count. The same `count` and `seed` give the same stream
(nothing depends on set order or the hash seed).
"""

from __future__ import annotations

import heapq
import itertools
import math
import random
from bisect import bisect
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from borderwatch.gazetteer import Gazetteer, Level, fold_name
from borderwatch.merge import Profile, distance_km
from borderwatch.model import BATTLES, EXPLOSIONS, VIOLENCE_AGAINST_CIVILIANS, Place, Precision

FIRST_DAY = date(2005, 1, 1)
LAST_DAY = date(2024, 12, 31)
COUNTRIES = ("PK", "AF")

# (year, relative violence, Pakistan's share of events). Afghanistan dominates the insurgency years;
# the TTP's campaign peaks 2009–2014; after August 2021 the fighting moves to Pakistan's frontier.
YEARS: tuple[tuple[int, float, float], ...] = (
    (2005, 0.35, 0.25), (2006, 0.55, 0.25), (2007, 0.80, 0.35), (2008, 1.00, 0.40), (2009, 1.50, 0.50),
    (2010, 1.70, 0.45), (2011, 1.70, 0.40), (2012, 1.60, 0.40), (2013, 1.60, 0.40), (2014, 1.50, 0.40),
    (2015, 1.00, 0.30), (2016, 0.90, 0.25), (2017, 0.95, 0.20), (2018, 1.00, 0.20), (2019, 1.10, 0.20),
    (2020, 0.90, 0.25), (2021, 1.50, 0.30), (2022, 1.30, 0.50), (2023, 1.50, 0.60), (2024, 1.70, 0.65),
)
# Amplitude of the fighting season (peak in early summer, trough in winter) and the spread of day-to-day
# noise around it (log-normal sigma): violence comes in bursts.
SEASON_AMPLITUDE = 0.25
DAILY_SIGMA = 0.35

# District weights: the frontier and the provinces the conflict is fought in.
BORDER_WEIGHT = 4.0
PROVINCE_WEIGHTS: dict[tuple[str, str], float] = {
    ("PK", "Khyber Pakhtunkhwa"): 4.0, ("PK", "Balochistan"): 3.0, ("PK", "Punjab"): 0.5,
    ("PK", "Sindh"): 0.4, ("PK", "Islamabad"): 0.5, ("PK", "Gilgit-Baltistan"): 0.2,
    ("PK", "Azad Kashmir"): 0.2,
    ("AF", "Nangarhar"): 3.0, ("AF", "Kunar"): 3.0, ("AF", "Khost"): 3.0, ("AF", "Paktika"): 3.0,
    ("AF", "Paktia"): 3.0, ("AF", "Nuristan"): 2.0, ("AF", "Laghman"): 2.0, ("AF", "Kandahar"): 2.5,
    ("AF", "Helmand"): 2.5, ("AF", "Zabul"): 1.5, ("AF", "Uruzgan"): 1.5, ("AF", "Ghazni"): 2.0,
    ("AF", "Kabul"): 1.5, ("AF", "Logar"): 1.5, ("AF", "Wardak"): 1.5, ("AF", "Kunduz"): 1.5,
}

# Shares of how a report states the date and the place (the rest: the exact day, the event's district).
DAY_OFF_SHARE = 0.10  # "late on Sunday" in one report, "on Monday" in another
WEEK_SHARE = 0.05  # "last week", "earlier this week"
MONTH_SHARE = 0.05  # "in March", "last month"
PROVINCE_SHARE = 0.25  # "in Khost province"
COUNTRY_SHARE = 0.02  # "in northwest Pakistan": no admin unit at all
NEIGHBOUR_SHARE = 0.03  # the district next door (a town on a district line, a wrong attribution)
TOWN_SHARE = 0.35  # of events at a town: reports that name a town, not the district
OTHER_TOWN_SHARE = 0.30  # of town reports: another town of the same district ("near Mir Ali")
EVENT_AT_TOWN_SHARE = 0.5
# Report lag after the event in days, 0..3, and its weights.
LAG_WEIGHTS = (45, 35, 13, 7)
ROUNDUP_SHARE = 0.08  # a report that joins a wire round-up already covering another event that day
# Look-alike events: another district of the province on the same day; the same district the next day.
SAME_DAY_SIBLING_SHARE = 0.06
NEXT_DAY_SIBLING_SHARE = 0.04
# Reports per event (1..6) by size: most events are told once or twice, big ones many times.
REPORT_WEIGHTS_SMALL = (50, 25, 12, 7, 4, 2)
REPORT_WEIGHTS_MEDIUM = (25, 25, 20, 13, 10, 7)
REPORT_WEIGHTS_LARGE = (5, 10, 15, 20, 25, 25)
MEDIUM_TOLL, LARGE_TOLL = 5, 20
# Events generated in a pilot to learn the mean number of reports, and the margin on the day rate so the
# timeline yields `count` mentions (the stream stops there, late in 2024; rarely, a few short).
PILOT_EVENTS = 20_000
RATE_MARGIN = 1.02

# --------------------------------------------------------------------------------------- the world


@dataclass(frozen=True, slots=True)
class ActorPair:
    actor1: str
    actor2: str | None
    country: str
    first_year: int
    last_year: int
    weight: float


@dataclass(frozen=True, slots=True)
class EventKind:
    """An ACLED type with its share, its death-toll shape and the words reports use for it."""

    event_type: str
    sub_event_type: str
    weight: float
    no_death_share: float
    toll_scale: float  # Pareto scale of the toll when there are deaths
    weapons: tuple[str, ...]
    targets: tuple[str, ...]


KINDS: tuple[EventKind, ...] = (
    EventKind(BATTLES, "Armed clash", 0.28, 0.30, 2.0, ("gunfight", "clash", "firefight", "exchange"),
              ("checkpost", "outpost", "hideout", "patrol")),
    EventKind(EXPLOSIONS, "Air/drone strike", 0.10, 0.20, 3.0, ("drone", "airstrike", "jets", "missiles"),
              ("compound", "vehicle", "hideout", "madrassa")),
    EventKind(EXPLOSIONS, "Suicide bomb", 0.05, 0.10, 3.0, ("suicide", "bomber", "vest", "explosives"),
              ("mosque", "rally", "convoy", "market", "police station")),
    EventKind(EXPLOSIONS, "Remote explosive/landmine/IED", 0.18, 0.35, 1.5,
              ("roadside", "bomb", "landmine", "device", "blast"), ("convoy", "vehicle", "patrol", "bazaar")),
    EventKind(EXPLOSIONS, "Shelling/artillery/missile attack", 0.10, 0.50, 1.0,
              ("shelling", "mortar", "artillery", "rockets"),
              ("village", "crossing", "border post", "homes")),
    EventKind(VIOLENCE_AGAINST_CIVILIANS, "Attack", 0.22, 0.20, 1.0,
              ("gunmen", "shot", "motorcycle", "ambush"),
              ("teacher", "elder", "vaccinator", "shopkeeper", "family")),
    EventKind(EXPLOSIONS, "Grenade", 0.04, 0.55, 1.0, ("grenade", "hurled"), ("shop", "house", "checkpoint")),
    EventKind(BATTLES, "Non-state actor overtakes territory", 0.03, 0.40, 3.0,
              ("captured", "overran", "seized"), ("district centre", "base", "headquarters")),
)

# Who does it, by sub-event type and country: (actor1, actor2, first year, last year, weight). US forces
# leave the ground war in 2014 and the drone war in 2018; the republic's army ends in August 2021; the
# Taliban government and Pakistan's army then clash on the frontier.
ACTORS: dict[tuple[str, str], tuple[tuple[str, str | None, int, int, float], ...]] = {
    ("Armed clash", "PK"): (
        ("PAK-MIL", "TTP", 2007, 2024, 5), ("PAK-MIL", "UNKNOWN", 2005, 2024, 1),
        ("PAK-POL", "TTP", 2008, 2024, 2), ("PAK-MIL", "BLA", 2005, 2024, 1.5),
        ("PAK-MIL", "AFG-TALIBAN", 2021, 2024, 1.5), ("PAK-MIL", "AFG-MIL", 2005, 2020, 0.3)),
    ("Armed clash", "AF"): (
        ("AFG-MIL", "AFG-TALIBAN", 2005, 2021, 6), ("USA-MIL", "AFG-TALIBAN", 2005, 2014, 2),
        ("AFG-TALIBAN", "ISKP", 2015, 2024, 1), ("AFG-TALIBAN", "NRF", 2021, 2024, 1),
        ("AFG-TALIBAN", "PAK-MIL", 2021, 2024, 1)),
    ("Air/drone strike", "PK"): (
        ("USA-MIL", "TTP", 2005, 2018, 3), ("USA-MIL", "AQ", 2005, 2012, 1),
        ("PAK-MIL", "TTP", 2009, 2024, 3)),
    ("Air/drone strike", "AF"): (
        ("USA-MIL", "AFG-TALIBAN", 2005, 2020, 5), ("AFG-MIL", "AFG-TALIBAN", 2015, 2021, 3),
        ("PAK-MIL", "TTP", 2022, 2024, 2), ("USA-MIL", "ISKP", 2015, 2021, 1)),
    ("Suicide bomb", "PK"): (
        ("TTP", "PAK-POL", 2007, 2024, 3), ("TTP", "CIV-PAK", 2007, 2024, 2),
        ("ISKP", "CIV-PAK", 2015, 2024, 1), ("BLA", "PAK-MIL", 2018, 2024, 0.5),
        ("UNKNOWN", "CIV-PAK", 2005, 2024, 1)),
    ("Suicide bomb", "AF"): (
        ("AFG-TALIBAN", "AFG-MIL", 2005, 2021, 4), ("ISKP", "CIV-AFG", 2015, 2024, 3),
        ("ISKP", "AFG-TALIBAN", 2021, 2024, 2), ("UNKNOWN", "CIV-AFG", 2005, 2024, 1)),
    ("Remote explosive/landmine/IED", "PK"): (
        ("TTP", "PAK-MIL", 2007, 2024, 3), ("UNKNOWN", "PAK-POL", 2005, 2024, 2),
        ("BLA", "PAK-MIL", 2005, 2024, 2), ("UNKNOWN", "CIV-PAK", 2005, 2024, 1)),
    ("Remote explosive/landmine/IED", "AF"): (
        ("AFG-TALIBAN", "AFG-MIL", 2005, 2021, 4), ("AFG-TALIBAN", "USA-MIL", 2005, 2014, 2),
        ("UNKNOWN", "CIV-AFG", 2005, 2024, 2), ("ISKP", "AFG-TALIBAN", 2021, 2024, 1)),
    ("Shelling/artillery/missile attack", "PK"): (
        ("AFG-MIL", "CIV-PAK", 2005, 2021, 1), ("AFG-TALIBAN", "PAK-MIL", 2021, 2024, 2),
        ("PAK-MIL", "TTP", 2009, 2024, 2)),
    ("Shelling/artillery/missile attack", "AF"): (
        ("PAK-MIL", "CIV-AFG", 2011, 2024, 2), ("PAK-MIL", "AFG-TALIBAN", 2021, 2024, 2),
        ("AFG-TALIBAN", "AFG-MIL", 2005, 2021, 2)),
    ("Attack", "PK"): (
        ("UNKNOWN", "CIV-PAK", 2005, 2024, 4), ("TTP", "CIV-PAK", 2007, 2024, 3),
        ("BLA", "CIV-PAK", 2005, 2024, 2), ("ISKP", "CIV-PAK", 2015, 2024, 1),
        ("LEJ", "CIV-PAK", 2008, 2024, 1)),
    ("Attack", "AF"): (
        ("AFG-TALIBAN", "CIV-AFG", 2005, 2024, 4), ("UNKNOWN", "CIV-AFG", 2005, 2024, 3),
        ("ISKP", "CIV-AFG", 2015, 2024, 2)),
    ("Grenade", "PK"): (("UNKNOWN", "CIV-PAK", 2005, 2024, 2), ("UNKNOWN", "PAK-POL", 2005, 2024, 1)),
    ("Grenade", "AF"): (("UNKNOWN", "CIV-AFG", 2005, 2024, 2), ("AFG-TALIBAN", "AFG-MIL", 2005, 2021, 1)),
    ("Non-state actor overtakes territory", "PK"): (("TTP", "PAK-MIL", 2007, 2009, 1),),
    ("Non-state actor overtakes territory", "AF"): (
        ("AFG-TALIBAN", "AFG-MIL", 2005, 2021, 4), ("AFG-TALIBAN", "NRF", 2021, 2022, 1)),
}

# Words reports add of their own (framing, sourcing, aftermath); none is in merge's stop list.
REPORT_WORDS: tuple[str, ...] = tuple(
    "spokesman statement confirmed sources hospital injured wounded bodies ambulances cordoned search "
    "operation launched militants insurgents fighters troops soldiers personnel policemen constable "
    "residents witnesses locals eyewitness footage claimed responsibility denied condemned prime minister "
    "president governor chief minister inspector general commander tribal elders funeral prayers "
    "martyred martyrdom retaliation retaliatory curfew mobile service suspended highway blocked traffic "
    "protest sit-in compensation inquiry investigation registered case counter-terrorism department "
    "intelligence-based raid arrested detained suspects facilitators handlers terrorists banned outfit "
    "splinter faction emir commander-in-chief telephone messaging channel telegram twitter posted video "
    "photographs unverified independently verify casualties toll rose climbed feared trapped rubble "
    "debris collapsed wall damaged destroyed vehicles motorcycles explosive-laden heavy weapons "
    "sniper firing indiscriminate crossfire stray bullets children women students worshippers "
    "shopkeepers labourers drivers passengers commuters pilgrims refugees returnees displaced families "
    "ceasefire talks negotiations truce broken peace process delegation kabul islamabad ministry foreign "
    "charge d'affaires summoned protest note airspace violation sovereignty territorial integrity "
    "durand line fencing crossing closed reopened trade suspended containers trucks stranded".split())
REPORT_WORDS_PER_REPORT = (3, 8)
SHARED_WORD_KEEP = 0.7  # share of the event's own words (place, weapon, target) a report repeats

# --------------------------------------------------------------------------------------- the output


@dataclass(frozen=True, slots=True)
class LabelledProfile:
    """One mention's merge profile and the number of the true event it reports."""

    profile: Profile
    event: int


@dataclass(frozen=True, slots=True)
class PlaceRef:
    """The place fields of a Profile, shared by every report that names this place."""

    place_id: str
    admin1: str | None
    admin2: str | None
    precision: int
    lat: float | None
    lon: float | None
    words: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class World:
    """The gazetteer's units as the generator draws them: districts with cumulative weights, their
    towns, provinces and neighbours. Built once per run by `build_world`."""

    districts: dict[str, tuple[PlaceRef, ...]]  # country -> districts
    cumulative: dict[str, tuple[float, ...]]  # country -> cumulative district weights
    towns: dict[str, tuple[PlaceRef, ...]]  # district place id -> its towns
    province_of: dict[str, PlaceRef]  # district place id -> its province
    country_place: dict[str, PlaceRef]
    siblings: dict[str, tuple[PlaceRef, ...]]  # district place id -> other districts of its province
    neighbour: dict[str, PlaceRef]  # district place id -> the nearest other district
    actor_tables: dict[tuple[int, str, int], tuple[tuple[ActorPair, ...], tuple[float, ...]]]
    kind_cumulative: tuple[float, ...]


def _ref(place: Place, words: bool = True) -> PlaceRef:
    return PlaceRef(place.id, place.admin1, place.admin2, place.precision, place.lat, place.lon,
                    tuple(w for w in fold_name(place.name).split() if len(w) >= 4) if words else ())


def _district_weight(place: Place) -> float:
    weight = PROVINCE_WEIGHTS.get((place.country, place.admin1), 1.0)
    return weight * (BORDER_WEIGHT if place.border else 1.0)


def build_world(gazetteer: Gazetteer) -> World:
    """Index the gazetteer's districts, towns and provinces of Pakistan and Afghanistan for drawing."""
    places = sorted(gazetteer.places.values(), key=lambda p: p.id)  # file order must not matter
    provinces = {(p.country, p.admin1): _ref(p) for p in places if p.precision == Level.ADMIN1}
    country_place = {p.country: _ref(p, words=False) for p in places if p.precision == Level.COUNTRY}
    districts = {c: [p for p in places if p.precision == Level.ADMIN2 and p.country == c
                     and (c, p.admin1) in provinces and p.lat is not None] for c in COUNTRIES}
    refs = {p.id: _ref(p) for ps in districts.values() for p in ps}
    towns: dict[str, list[PlaceRef]] = {}
    district_id = {(p.country, p.admin1, p.admin2): p.id for ps in districts.values() for p in ps}
    for p in places:
        key = (p.country, p.admin1, p.admin2)
        if p.precision == Level.LOCALITY and key in district_id and p.lat is not None:
            towns.setdefault(district_id[key], []).append(_ref(p))
    siblings, neighbour = {}, {}
    for ps in districts.values():
        for p in ps:
            siblings[p.id] = tuple(refs[q.id] for q in ps if q.admin1 == p.admin1 and q.id != p.id)
            others = (q for q in ps if q.id != p.id)
            nearest = min(others, key=lambda q, p=p: (distance_km(p.lat, p.lon, q.lat, q.lon), q.id))
            neighbour[p.id] = refs[nearest.id]
    return World(
        districts={c: tuple(refs[p.id] for p in ps) for c, ps in districts.items()},
        cumulative={c: tuple(itertools.accumulate(map(_district_weight, ps))) for c, ps in districts.items()},
        towns={k: tuple(v) for k, v in towns.items()},
        province_of={p.id: provinces[(p.country, p.admin1)] for ps in districts.values() for p in ps},
        country_place=country_place,
        siblings=siblings,
        neighbour=neighbour,
        actor_tables=_actor_tables(),
        kind_cumulative=tuple(itertools.accumulate(k.weight for k in KINDS)),
    )


def _actor_tables() -> dict[tuple[int, str, int], tuple[tuple[ActorPair, ...], tuple[float, ...]]]:
    """(kind index, country, year) -> the actor pairs active then and their cumulative weights."""
    tables = {}
    for i, kind in enumerate(KINDS):
        for country in COUNTRIES:
            rows = ACTORS.get((kind.sub_event_type, country), ())
            for year, _, _ in YEARS:
                pairs = tuple(ActorPair(a1, a2, country, first, last, w)
                              for a1, a2, first, last, w in rows if first <= year <= last)
                pairs = pairs or (ActorPair("UNKNOWN", None, country, year, year, 1.0),)
                tables[(i, country, year)] = (pairs, tuple(itertools.accumulate(a.weight for a in pairs)))
    return tables


# --------------------------------------------------------------------------------------- true events


@dataclass(frozen=True, slots=True)
class TrueEvent:
    number: int
    day: date
    country: str
    kind_index: int
    district: PlaceRef
    town: PlaceRef | None
    actors: ActorPair
    toll: int
    words: tuple[str, ...]  # what every report of it may say: place, weapon, target


def _pick(rng: random.Random, items: Sequence, cumulative: Sequence[float]):
    return items[bisect(cumulative, rng.random() * cumulative[-1])]


def _toll(rng: random.Random, kind: EventKind) -> int:
    if rng.random() < kind.no_death_share:
        return 0
    # Pareto tail: most attacks kill a few, a few kill scores (Army Public School, Kabul airport).
    return min(300, int(kind.toll_scale * rng.paretovariate(1.4)))


def _report_count(rng: random.Random, toll: int) -> int:
    weights = (REPORT_WEIGHTS_LARGE if toll >= LARGE_TOLL
               else REPORT_WEIGHTS_MEDIUM if toll >= MEDIUM_TOLL else REPORT_WEIGHTS_SMALL)
    return rng.choices(range(1, 7), weights)[0]


def _new_event(rng: random.Random, world: World, number: int, day: date, country: str,
               district: PlaceRef | None = None, kind_index: int | None = None) -> TrueEvent:
    if kind_index is None:
        kind_index = bisect(world.kind_cumulative, rng.random() * world.kind_cumulative[-1])
    kind = KINDS[kind_index]
    if district is None:
        district = _pick(rng, world.districts[country], world.cumulative[country])
    towns = world.towns.get(district.place_id, ())
    town = rng.choice(towns) if towns and rng.random() < EVENT_AT_TOWN_SHARE else None
    pairs, cumulative = world.actor_tables[(kind_index, country, day.year)]
    words = (*(town or district).words, rng.choice(kind.weapons), *rng.choice(kind.targets).split())
    return TrueEvent(number, day, country, kind_index, district, town, _pick(rng, pairs, cumulative),
                     _toll(rng, kind), words)


# --------------------------------------------------------------------------------------- reports


def _report_dates(rng: random.Random, day: date, lag: int) -> tuple[date, date, Precision]:
    r = rng.random()
    if r < DAY_OFF_SHARE:
        shift = -1 if lag == 0 or rng.random() < 0.4 else 1  # a report cannot date an event after itself
        d = day + timedelta(days=shift)
        return d, d, Precision.DAY
    r -= DAY_OFF_SHARE
    if r < WEEK_SHARE:
        start = day - timedelta(days=rng.randrange(7))
        return start, start + timedelta(days=6), Precision.WEEK
    r -= WEEK_SHARE
    if r < MONTH_SHARE:
        start = day.replace(day=1)
        end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        return start, end, Precision.MONTH
    return day, day, Precision.DAY


def _report_place(rng: random.Random, world: World, event: TrueEvent) -> PlaceRef:
    r = rng.random()
    if r < COUNTRY_SHARE:
        return world.country_place[event.country]
    r -= COUNTRY_SHARE
    if r < PROVINCE_SHARE:
        return world.province_of[event.district.place_id]
    r -= PROVINCE_SHARE
    if r < NEIGHBOUR_SHARE:
        return world.neighbour[event.district.place_id]
    if event.town is not None and rng.random() < TOWN_SHARE:
        if rng.random() < OTHER_TOWN_SHARE:
            return rng.choice(world.towns[event.district.place_id])
        return event.town
    return event.district


def _report_actor(rng: random.Random, actor: str | None, unknown: float, missing: float) -> str | None:
    r = rng.random()
    if actor is None or r < missing:
        return None
    return "UNKNOWN" if r < missing + unknown else actor


def _report_killed(rng: random.Random, toll: int) -> tuple[tuple[int, int], ...]:
    if toll == 0:
        return ((0, 0),) if rng.random() < 0.15 else ()
    if rng.random() < 0.15:
        return ()  # the report gives no figure
    early = max(1, round(toll * rng.uniform(0.6, 1.0)))  # first counts are low; tolls rise
    claims = [(early, early + rng.randint(1, 4)) if rng.random() < 0.2 else (early, early)]
    if rng.random() < 0.10:
        inflated = round(toll * rng.uniform(1.5, 3.0)) + 1  # a party's claim ("dozens of militants")
        claims.append((inflated, inflated))
    return tuple(claims)


def _report_words(rng: random.Random, event: TrueEvent, place: PlaceRef) -> frozenset[str]:
    shared = [w for w in event.words if rng.random() < SHARED_WORD_KEEP]
    own = rng.sample(REPORT_WORDS, rng.randint(*REPORT_WORDS_PER_REPORT))
    return frozenset((*shared, *place.words, *own))


@dataclass(slots=True)
class _Documents:
    """Document ids as reports are written; a round-up report joins the last document of its day."""

    counter: itertools.count
    last: dict[tuple[str, date], tuple[str, int, float]]  # (country, report day) -> (doc, event, order)

    def assign(self, rng: random.Random, country: str, report_day: date, event: int) -> tuple[str, float]:
        key = (country, report_day)
        previous = self.last.get(key)
        if previous is not None and previous[1] != event and rng.random() < ROUNDUP_SHARE:
            return previous[0], previous[2]
        doc = f"doc-{next(self.counter):08d}"
        order = rng.random()
        self.last[key] = (doc, event, order)
        return doc, order

    def forget_before(self, day: date) -> None:
        for key in [k for k in self.last if k[1] < day]:
            del self.last[key]


def _reports(rng: random.Random, world: World, event: TrueEvent, documents: _Documents,
             serial: itertools.count) -> Iterator[tuple[int, float, int, LabelledProfile]]:
    """The event's reports as heap entries: (report day ordinal, arrival order in the day, serial, item)."""
    pair, kind = event.actors, KINDS[event.kind_index]
    for _ in range(_report_count(rng, event.toll)):
        lag = rng.choices(range(len(LAG_WEIGHTS)), LAG_WEIGHTS)[0]
        report_day = event.day + timedelta(days=lag)
        doc, order = documents.assign(rng, event.country, report_day, event.number)
        start, end, precision = _report_dates(rng, event.day, lag)
        place = _report_place(rng, world, event)
        n = next(serial)
        profile = Profile(
            id=f"{doc}#m{n}", doc_id=doc, event_type=kind.event_type,
            sub_event_type=kind.sub_event_type, start=start, end=end, precision=precision,
            country=event.country, admin1=place.admin1, admin2=place.admin2, place_id=place.place_id,
            place_precision=place.precision, lat=place.lat, lon=place.lon,
            actor1=_report_actor(rng, pair.actor1, unknown=0.12, missing=0.13),
            actor2=_report_actor(rng, pair.actor2, unknown=0.05, missing=0.20),
            killed=_report_killed(rng, event.toll), words=_report_words(rng, event, place))
        yield report_day.toordinal(), order, n, LabelledProfile(profile, event.number)


# --------------------------------------------------------------------------------------- the timeline


def _year_rates() -> dict[int, tuple[float, float]]:
    return {year: (rate, pk_share) for year, rate, pk_share in YEARS}


def _season(day: date) -> float:
    # Peaks around the start of July, lowest in January: the fighting season.
    return 1.0 + SEASON_AMPLITUDE * math.sin(2 * math.pi * (day.timetuple().tm_yday - 100) / 365.25)


def _mean_reports(seed: int) -> float:
    """The mean number of reports per event, from a pilot draw of event kinds and tolls."""
    rng = random.Random(f"pilot-{seed}")
    cumulative = tuple(itertools.accumulate(k.weight for k in KINDS))
    total = 0
    for _ in range(PILOT_EVENTS):
        kind = KINDS[bisect(cumulative, rng.random() * cumulative[-1])]
        total += _report_count(rng, _toll(rng, kind))
    return total / PILOT_EVENTS


def _events_per_unit(count: int, seed: int) -> float:
    """Events per day per unit of (year rate × season) that yields about `count` mentions by 2024's end."""
    rates = _year_rates()
    units = 0.0
    day = FIRST_DAY
    while day <= LAST_DAY:
        units += rates[day.year][0] * _season(day)
        day += timedelta(days=1)
    look_alikes = 1 + SAME_DAY_SIBLING_SHARE + NEXT_DAY_SIBLING_SHARE
    return RATE_MARGIN * count / _mean_reports(seed) / look_alikes / units


def _day_events(rng: random.Random, world: World, day: date, scale: float, numbers: itertools.count,
                carried: list[TrueEvent]) -> tuple[list[TrueEvent], list[TrueEvent]]:
    """The day's true events (with same-day look-alikes) and the next-day look-alikes to carry over."""
    rate, pk_share = _year_rates()[day.year]
    expected = scale * rate * _season(day) * rng.lognormvariate(-DAILY_SIGMA ** 2 / 2, DAILY_SIGMA)
    n = int(expected) + (rng.random() < expected - int(expected))  # stochastic rounding keeps the mean
    events, tomorrow = list(carried), []
    for _ in range(n):
        country = "PK" if rng.random() < pk_share else "AF"
        event = _new_event(rng, world, next(numbers), day, country)
        events.append(event)
        kind_index = event.kind_index
        if rng.random() < SAME_DAY_SIBLING_SHARE and world.siblings[event.district.place_id]:
            other = rng.choice(world.siblings[event.district.place_id])
            same_kind = kind_index if rng.random() < 0.5 else None
            events.append(_new_event(rng, world, next(numbers), day, country, other, same_kind))
        if rng.random() < NEXT_DAY_SIBLING_SHARE:
            same_kind = kind_index if rng.random() < 0.5 else None
            tomorrow.append(_new_event(rng, world, next(numbers), day + timedelta(days=1), country,
                                       event.district, same_kind))
    return events, tomorrow


def generate_mentions(count: int, seed: int, world: World) -> Iterator[LabelledProfile]:
    """`count` labelled profiles in arrival order (by report date), streamed; see the module doc.
    Build `world` with `build_world(load_theatre().gazetteer)`."""
    if count <= 0:
        return
    rng = random.Random(seed)
    scale = _events_per_unit(count, seed)
    numbers, serial = itertools.count(), itertools.count()
    documents = _Documents(itertools.count(), {})
    pending: list[tuple[int, float, int, LabelledProfile]] = []
    carried: list[TrueEvent] = []
    emitted = 0
    day = FIRST_DAY
    while day <= LAST_DAY:
        # Reports dated before today can no longer be joined by a report of a later event: release them.
        while pending and pending[0][0] < day.toordinal():
            yield heapq.heappop(pending)[3]
            emitted += 1
            if emitted == count:
                return
        documents.forget_before(day)
        events, carried = _day_events(rng, world, day, scale, numbers, carried)
        for event in events:
            for entry in _reports(rng, world, event, documents, serial):
                heapq.heappush(pending, entry)
        day += timedelta(days=1)
    while pending and emitted < count:
        yield heapq.heappop(pending)[3]
        emitted += 1
