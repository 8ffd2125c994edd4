"""Merging: pair scores and vetoes, clustering without chaining, incremental merging through the store,
the event's derived fields, the claims ledger and links between events."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from borderwatch.merge import (
    DAY_LAG,
    MERGE_THRESHOLD,
    THIN_THRESHOLD,
    Decision,
    Merger,
    Profile,
    choose_event,
    consensus_date,
    consensus_place,
    derive_event,
    explain,
    fatality_estimates,
    merge_mentions,
    profile_of,
    score_pair,
)
from borderwatch.model import (
    Claim,
    ClaimKind,
    Count,
    DateRange,
    Document,
    LinkKind,
    Mention,
    MentionLink,
    Place,
    Precision,
    Sentence,
)
from borderwatch.store import open_store

AIR = ("Explosions/Remote violence", "Air/drone strike")
CLASH = ("Battles", "Armed clash")
SPERA = Place("adm2:AF.37.3702", "Spera", "AF", "Khost", "Spera", 33.21, 69.52, 2, border=True)
KHOST = Place("adm1:AF.37", "Khost", "AF", "Khost", None, 33.33, 69.92, 3)
BARMAL = Place("adm2:AF.29.2909", "Barmal", "AF", "Paktika", "Barmal", 32.77, 69.25, 2, border=True)
MIR_ALI = Place("gn:1170395", "Mir Ali", "PK", "Khyber Pakhtunkhwa", "North Waziristan", 32.97, 70.27, 1, True)
MIRANSHAH = Place("gn:1170219", "Miranshah", "PK", "Khyber Pakhtunkhwa", "North Waziristan", 33.0, 70.07, 1, True)
BANNU = Place("adm2:PK.03.bannu", "Bannu", "PK", "Khyber Pakhtunkhwa", "Bannu", 32.99, 70.6, 2)
PESHAWAR = Place("adm2:PK.03.peshawar", "Peshawar", "PK", "Khyber Pakhtunkhwa", "Peshawar", 34.01, 71.58, 2)


def day(d: int, month: int = 3, year: int = 2024) -> DateRange:
    return DateRange(date(year, month, d), date(year, month, d), Precision.DAY)


MARCH = DateRange(date(2024, 3, 1), date(2024, 3, 31), Precision.MONTH)


def mention(doc: str, ordinal: int = 0, *, kind=AIR, when: DateRange | None = None, place: Place | None = SPERA,
            country: str | None = None, actor1: str | None = "PAK-MIL", actor2: str | None = "TTP",
            killed: list[tuple[int, str | None]] = (), text: str = "Pakistani jets struck hideouts in Spera.",
            origin: str | None = None, wave: int | None = None, links=()) -> Mention:
    return Mention(
        doc_id=doc, ordinal=ordinal, event_type=kind[0], sub_event_type=kind[1],
        date=when if when is not None else day(18), place=place,
        country=country or (place.country if place else None), actor1=actor1, actor2=actor2,
        claims=[Claim(ClaimKind.KILLED, Count(count=n), by) for n, by in killed],
        evidence=[Sentence(0, len(text), text)], origin_country=origin, wave=wave, links=list(links))


def profile(m: Mention) -> Profile:
    p = profile_of(m)
    assert p is not None
    return p


# ------------------------------------------------------------------------------------- pair scores


def test_two_reports_of_one_strike_score_above_the_threshold():
    a = mention("dawn", killed=[(8, "AFG-TALIBAN")])
    b = mention("tolo", killed=[(8, None)], text="Eight civilians died when Pakistani aircraft bombed Spera.")
    s = score_pair(profile(a), profile(b))
    assert s.veto is None
    assert s.total >= MERGE_THRESHOLD
    assert dict(s.parts)["date"] == 1.0 and dict(s.parts)["place"] == 1.0


def test_an_open_count_agrees_with_a_final_toll_up_to_twice_its_floor():
    early = mention("dawn")
    early.claims = [Claim(ClaimKind.KILLED, Count(min=24), None)]  # "killed at least 24"
    final = mention("tolo", killed=[(42, None)])
    assert dict(score_pair(profile(early), profile(final)).parts)["numbers"] == 1.0
    exact = mention("geo", killed=[(24, None)])  # an exact 24 is not the 42 of another report
    assert dict(score_pair(profile(exact), profile(final)).parts)["numbers"] < 0
    far = mention("ary", killed=[(200, None)])
    assert dict(score_pair(profile(early), profile(far)).parts)["numbers"] < 0


@pytest.mark.parametrize(("changes", "veto"), [
    ({"place": BARMAL}, "provinces differ"),
    ({"when": day(21)}, "dates 3 days apart"),
    ({"place": PESHAWAR, "country": "PK"}, "countries differ"),
    ({"when": DateRange(date(2023, 5, 1), date(2023, 5, 31), Precision.MONTH)}, "date ranges do not overlap"),
])
def test_clearly_different_events_are_vetoed(changes, veto):
    s = score_pair(profile(mention("dawn")), profile(mention("tolo", **changes)))
    assert s.veto is not None and veto in s.veto


def test_districts_that_differ_veto_unless_the_places_are_near():
    bannu = profile(mention("a", kind=CLASH, place=BANNU, actor1="TTP", actor2="PAK-POL"))
    mir_ali = profile(mention("b", kind=CLASH, place=MIR_ALI, actor1="TTP", actor2="PAK-POL"))
    miranshah = profile(mention("c", kind=CLASH, place=MIRANSHAH, actor1="TTP", actor2="PAK-POL"))
    assert "districts differ" in (score_pair(bannu, replace(mir_ali, admin2="Bannu x")).veto or "")
    assert score_pair(mir_ali, miranshah).veto is None  # same district, different towns: no veto


def test_a_day_of_lag_between_reports_is_allowed_but_scores_less():
    same = score_pair(profile(mention("a")), profile(mention("b")))
    lagged = score_pair(profile(mention("a")), profile(mention("b", when=day(19))))
    assert lagged.veto is None and lagged.total < same.total


def test_a_day_inside_a_month_report_agrees():
    s = score_pair(profile(mention("a")), profile(mention("b", when=MARCH, place=KHOST)))
    assert s.veto is None and s.total >= MERGE_THRESHOLD


def test_disagreeing_attackers_lower_the_score():
    agree = score_pair(profile(mention("a")), profile(mention("b")))
    disagree = score_pair(profile(mention("a")), profile(mention("b", actor1="USA-MIL")))
    unknown = score_pair(profile(mention("a")), profile(mention("b", actor1="UNKNOWN")))
    assert disagree.total < unknown.total < agree.total


def test_explain_says_why_in_words():
    joined, _, why = explain(profile(mention("a")), profile(mention("b")))
    assert joined and "reaches the threshold" in why
    apart, _, why = explain(profile(mention("a")), profile(mention("b", place=BARMAL)))
    assert not apart and "vetoed: provinces differ" in why
    same_doc, _, why = explain(profile(mention("a")), profile(mention("a", 1)))
    assert not same_doc and "same document" in why


# --------------------------------------------------------------------------------------- clustering


def test_one_document_never_reports_one_event_twice():
    members = {"ev-1": [profile(mention("dawn", 0))]}
    assert choose_event(profile(mention("dawn", 1)), members).event_id is None
    assert choose_event(profile(mention("tolo", 0)), members).event_id == "ev-1"


def test_a_vague_report_does_not_chain_two_strikes_of_one_night():
    """Strikes in Khost and Paktika the same night stay two events; a report naming only the country fits
    both, cannot say which it tells, and joins neither (in the store's path and the compiled one alike)."""
    merger = Merger()
    khost = merger.add(profile(mention("dawn", 0, place=SPERA)))
    paktika = merger.add(profile(mention("dawn", 1, place=BARMAL)))
    assert khost.event_id is None and paktika.event_id is None
    assert merger.event_of["dawn:0"] != merger.event_of["dawn:1"]
    merger.add(profile(mention("tolo", 0, place=SPERA)))
    merger.add(profile(mention("bbc", 0, place=BARMAL)))
    assert merger.event_of["tolo:0"] == merger.event_of["dawn:0"]
    assert merger.event_of["bbc:0"] == merger.event_of["dawn:1"]
    vague_report = profile(mention("afp", 0, place=None, country="AF"))
    assert set(merger.candidates(vague_report)) == {merger.event_of["dawn:0"], merger.event_of["dawn:1"]}
    vague = merger.add(vague_report)
    assert vague.event_id is None and vague.why == {"reason": "ambiguous: a report naming no province fits 2 events"}
    assert len(merger.members) == 3
    # the store's path: the same events and members give the same decision
    stored = {e: [profile(mention(d, o, place=pl)) for d, o, pl in members]
              for e, members in ((merger.event_of["dawn:0"], [("dawn", 0, SPERA), ("tolo", 0, SPERA)]),
                                 (merger.event_of["dawn:1"], [("dawn", 1, BARMAL), ("bbc", 0, BARMAL)]))}
    decision = choose_event(vague_report, stored)
    assert decision.event_id is None and decision.why == vague.why


def test_a_vague_report_that_fits_one_event_joins_it():
    merger = Merger()
    merger.add(profile(mention("dawn", 0, place=SPERA)))
    merger.add(profile(mention("dawn", 1, place=BARMAL, kind=CLASH)))  # another type: not a candidate
    vague = merger.add(profile(mention("afp", 0, place=None, country="AF")))
    assert vague.event_id == merger.event_of["dawn:0"]


DECEMBER = DateRange(date(2014, 12, 1), date(2014, 12, 31), Precision.MONTH)
RAID = ("Battles", "Attack")


def _school_report(doc: str, ordinal: int = 0, **fields) -> Mention:
    values = {"kind": RAID, "when": day(16, 12, 2014), "place": PESHAWAR, "actor1": "TTP", "actor2": "CIV-PAK",
              "killed": [(141, "ISPR")],
              "text": "Gunmen stormed an army-run college in Peshawar and killed 141 people."} | fields
    return mention(doc, ordinal, **values)


# A background reference in a later article: a month, the district, the type; no actors and no toll.
_REFERENCE = {"when": DECEMBER, "actor1": None, "actor2": None, "killed": (),
              "text": "It was the worst attack since the massacre at the Army Public School in December 2014."}


def test_a_thin_reference_joins_the_one_event_of_its_district_month_and_type():
    """With no actors or toll to compare, the reference cannot reach MERGE_THRESHOLD: it is scored against
    the lower THIN_THRESHOLD, and joins the one event it fits."""
    reference = profile(_school_report("later", **_REFERENCE))
    report = profile(_school_report("dawn"))
    s = score_pair(reference, report)
    assert s.veto is None and THIN_THRESHOLD <= s.total < MERGE_THRESHOLD
    decision = choose_event(reference, {"ev-school": [report]})
    assert decision.event_id == "ev-school"
    # the same score is not enough where actors could be compared and agree on nothing
    named = profile(_school_report("later", **(_REFERENCE | {"actor1": "PAK-MIL"})))
    assert choose_event(named, {"ev-school": [report]}).event_id is None
    # nor where the reference names only the province
    vaguer = profile(_school_report("later", **(_REFERENCE | {"place": Place(
        "adm1:PK.03", "Khyber Pakhtunkhwa", "PK", "Khyber Pakhtunkhwa", None, 34.5, 72.0, 3)})))
    assert choose_event(vaguer, {"ev-school": [report]}).event_id is None


def test_a_thin_reference_that_fits_two_events_joins_neither():
    """Two attacks in Peshawar in one December: a reference that cannot tell them apart stays its own
    event, in the compiled path and the store's alike."""
    school = profile(_school_report("dawn"))
    market = profile(_school_report("tribune", when=day(3, 12, 2014), actor2="CIV-PAK", killed=[(12, None)],
                                    text="Gunmen opened fire in a crowded market in Peshawar, killing 12."))
    reference = profile(_school_report("later", **_REFERENCE))
    decision = choose_event(reference, {"ev-school": [school], "ev-market": [market]})
    assert decision.event_id is None
    assert decision.why == {"reason": "ambiguous: a report with no actors or toll to compare fits 2 events"}
    merger = Merger()
    merger.add(school)
    merger.add(market)
    got = merger.add(reference)
    assert got.event_id is None and got.why == decision.why


def test_the_compiled_merger_and_choose_event_agree_on_thin_reports():
    """Day reports and thin references in one district, in every order: the two paths decide alike."""
    days = [day(d, 12, 2014) for d in (3, 16, 16, 20)]
    stream = []
    for i in range(24):
        if i % 3 == 2:
            stream.append(profile(_school_report(f"d{i}", **_REFERENCE)))
        else:
            stream.append(profile(_school_report(f"d{i}", when=days[i % 4], killed=[(5 + 3 * (i % 4), None)])))
    decisions = _replay(stream, 4)
    assert any("no actors or toll" in d.why.get("reason", "") for d in decisions)


def test_merge_mentions_keeps_undated_mentions_apart():
    undated = mention("a", when=DateRange(date(2024, 3, 18), date(2024, 3, 18), Precision.DAY))
    undated.date = None
    ids = merge_mentions([mention("x"), mention("y"), undated])
    assert ids["x:0"] == ids["y:0"] != ids["a:0"]


# ----------------------------------------------------------------------------------- derived fields


def test_the_most_precise_agreed_date_and_place_win():
    assert consensus_date([MARCH, day(18), MARCH]) == day(18)
    assert consensus_date([day(18), day(19), day(19), day(19)]) == day(19)
    assert consensus_place([KHOST, SPERA, KHOST]) == SPERA


@pytest.mark.parametrize(("claims", "parties", "expected"), [
    ([], (), (None, None, None, False)),
    ([Claim(ClaimKind.INJURED, Count(count=11))], (), (None, None, None, False)),
    ([Claim(ClaimKind.KILLED, Count(count=28), "PAK-MIL")], ("PAK-MIL",), (28, 28, 28, False)),
    # "at least 20 militants": open-ended, so high falls back to its low
    ([Claim(ClaimKind.KILLED, Count(min=20), "PAK-MIL")], (), (20, 20, 20, False)),
    # "between 8 and 10 people"
    ([Claim(ClaimKind.KILLED, Count(min=8, max=10))], (), (8, 8, 10, False)),
    # ISPR says 200 killed, the Taliban spokesman 8: both parties, so best is the lower median; contested
    ([Claim(ClaimKind.KILLED, Count(count=200), "PAK-MIL"), Claim(ClaimKind.KILLED, Count(count=8), "AFG-TALIBAN")],
     ("PAK-MIL", "AFG-TALIBAN"), (8, 8, 200, True)),
    # a hospital official (not a party) gives 30 between the two sides' 12 and 45: best is the independent one
    ([Claim(ClaimKind.KILLED, Count(count=12), "PAK-MIL"), Claim(ClaimKind.KILLED, Count(count=45), "TTP"),
      Claim(ClaimKind.KILLED, Count(count=30), "CIV-PAK")], ("PAK-MIL", "TTP"), (12, 30, 45, True)),
    # one claimant's toll rising from 5 to 7 counts once, at 7; close figures are not contested
    ([Claim(ClaimKind.KILLED, Count(count=5), "PAK-POL"), Claim(ClaimKind.KILLED, Count(count=7), "PAK-POL"),
      Claim(ClaimKind.KILLED, Count(count=6), None)], (), (6, 6, 7, False)),
    # each side's account adds its figures for both sides' dead: 223 by ISPR, 67 by the Taliban
    ([Claim(ClaimKind.KILLED, Count(count=200), "PAK-MIL", "militants"),
      Claim(ClaimKind.KILLED, Count(count=23), "PAK-MIL", "soldiers"),
      Claim(ClaimKind.KILLED, Count(count=58), "AFG-TALIBAN", "soldiers"),
      Claim(ClaimKind.KILLED, Count(count=9), "AFG-TALIBAN", "militants")],
     ("AFG-TALIBAN", "PAK-MIL"), (67, 67, 223, True)),
    # the Taliban say 8 civilians died, ISPR says 20 militants: two accounts of the same dead
    ([Claim(ClaimKind.KILLED, Count(count=8), "AFG-TALIBAN", "civilians"),
      Claim(ClaimKind.KILLED, Count(min=20), "PAK-MIL", "militants")],
     ("PAK-MIL", "TTP"), (8, 8, 20, True)),
    # "30 dead" and, from the same source, "including 12 soldiers": the total stands
    ([Claim(ClaimKind.KILLED, Count(count=30), "PAK-POL"), Claim(ClaimKind.KILLED, Count(count=12), "PAK-POL",
                                                              "soldiers")], (), (30, 30, 30, False)),
])
def test_fatality_estimates(claims, parties, expected):
    f = fatality_estimates(claims, parties)
    assert (f.low, f.best, f.high, f.contested) == expected


def test_unattributed_figures_of_different_documents_are_different_sources():
    claims = [Claim(ClaimKind.KILLED, Count(count=n)) for n in (12, 5, 30)]
    f = fatality_estimates(claims, docs=["a", "b", "c"])
    assert (f.low, f.best, f.high) == (5, 12, 30)
    same_doc = fatality_estimates(claims, docs=["a", "a", "a"])
    assert (same_doc.low, same_doc.high) == (30, 30)


def test_cross_border_and_stance_are_derived():
    strike = derive_event("ev-1", [mention("dawn", origin="PK", killed=[(8, "AFG-TALIBAN")])])
    assert (strike.origin_country, strike.impact_country, strike.cross_border) == ("PK", "AF", True)
    assert strike.stance == "unconfirmed"
    acknowledged = derive_event("ev-1", [mention("dawn", origin="PK", killed=[(20, "PAK-MIL")])])
    assert acknowledged.stance == "acknowledged"
    m = mention("dawn", origin="PK")
    m.claims.append(Claim(ClaimKind.DENIED, None, "PAK-GOV"))
    assert derive_event("ev-1", [m]).stance == "denied"
    home = derive_event("ev-2", [mention("dawn", kind=CLASH, place=BANNU, actor1="TTP", origin="PK")])
    assert not home.cross_border and home.stance is None


# ------------------------------------------------------------------------------ through the store


def doc(doc_id: str, published: date = date(2024, 3, 18)) -> Document:
    return Document(id=doc_id, text="Pakistani jets struck hideouts in Spera.", published=published)


@pytest.fixture
def store():
    with open_store(":memory:") as opened:
        yield opened


def test_reports_of_one_strike_in_different_documents_become_one_event(store):
    store.add_document(doc("dawn"), [mention("dawn", killed=[(8, "AFG-TALIBAN")], origin="PK")])
    store.add_document(doc("tolo"), [mention("tolo", killed=[(20, "PAK-MIL")], origin="PK")])
    store.add_document(doc("geo"), [mention("geo", place=BARMAL, origin="PK")])
    events = store.events()
    assert sorted(len(e.mentions) for e in events) == [1, 2]
    merged = next(e for e in events if len(e.mentions) == 2)
    assert merged.documents == ["dawn", "tolo"]
    assert (merged.fatalities_low, merged.fatalities_high, merged.contested) == (8, 20, True)
    assert merged.stance == "acknowledged" and merged.cross_border
    assert merged.merge_scores["tolo:0"]["total"] >= MERGE_THRESHOLD
    assert "reason" in merged.merge_scores["dawn:0"]  # it started the event


def test_re_ingesting_adds_no_event_and_ids_are_stable(store):
    store.add_document(doc("dawn"), [mention("dawn")])
    store.add_document(doc("tolo"), [mention("tolo")])
    before = [(e.id, len(e.mentions)) for e in store.events()]
    assert store.add_document(doc("tolo"), [mention("tolo")]) is False
    assert [(e.id, len(e.mentions)) for e in store.events()] == before
    assert store.counts()["events"] == 1


def test_waves_and_responses_become_event_links(store):
    attack = mention("dawn", 0, kind=CLASH, place=MIR_ALI, when=day(16), actor1="TTP", actor2="PAK-MIL")
    khost = mention("dawn", 1, place=SPERA, wave=3,
                    links=[MentionLink(LinkKind.RESPONDS_TO, 0, "seven soldiers were killed in Mir Ali", 2)])
    paktika = mention("dawn", 2, place=BARMAL, wave=3)
    store.add_document(doc("dawn"), [attack, khost, paktika])
    event_of = {m.id: e for e, m in store.mentions()}
    own, incoming = store.links(event_of["dawn:1"])
    responds = [link for link in own if link.kind is LinkKind.RESPONDS_TO]
    assert [link.target for link in responds] == [event_of["dawn:0"]]
    assert [eid for eid, link in incoming if link.kind is LinkKind.PART_OF] == [event_of["dawn:2"]]
    before, after = store.chain(event_of["dawn:1"])
    assert before == [event_of["dawn:0"]] and after == []
    assert store.chain(event_of["dawn:0"])[1] == [event_of["dawn:1"]]


def test_a_reference_resolves_to_an_event_stored_later(store):
    strikes = mention("tolo", 0, place=SPERA,
                      links=[MentionLink(LinkKind.RESPONDS_TO, None, "the attack on a post in Mir Ali", 2)])
    store.add_document(doc("tolo"), [strikes])
    own, _ = store.links(store.events()[0].id)
    assert own[0].target is None and own[0].description == "the attack on a post in Mir Ali"
    store.add_document(doc("dawn", date(2024, 3, 16)),
                       [mention("dawn", kind=CLASH, place=MIR_ALI, when=day(16), actor1="TTP", actor2="PAK-MIL")])
    assert store.resolve_links() == 1
    event_of = {m.id: e for e, m in store.mentions()}
    own, _ = store.links(event_of["tolo:0"])
    assert own[0].target == event_of["dawn:0"]


def test_the_claims_ledger_lists_who_claimed_what(store):
    store.add_document(doc("dawn"), [mention("dawn", killed=[(8, "AFG-TALIBAN")])])
    store.add_document(doc("tolo"), [mention("tolo", killed=[(20, "PAK-MIL"), (5, None)])])
    ledger = store.claims()
    assert sorted((r.claim.claimant or "", r.claim.count.count, r.doc_id) for r in ledger) == [
        ("", 5, "tolo"), ("AFG-TALIBAN", 8, "dawn"), ("PAK-MIL", 20, "tolo")]
    assert len({r.event_id for r in ledger}) == 1
    assert [r.claim.count.count for r in store.claims(claimant="PAK-MIL")] == [20]


# Days around a year's end and a leap day's month end: blocks by month and by year meet across them.
_DAYS = [date(2023, 12, 30), date(2023, 12, 31), date(2024, 1, 1), date(2024, 1, 2), date(2024, 2, 27),
         date(2024, 2, 28), date(2024, 2, 29), date(2024, 3, 1), date(2024, 3, 2), date(2024, 3, 3)]


def _span(day: date, precision: Precision) -> tuple[date, date]:
    """The range a report of `day` at `precision` gives: "on 29 February", "that week", "in February",
    "this winter" (three months), "in 2024"."""
    if precision is Precision.DAY:
        return day, day
    if precision is Precision.WEEK:
        return day, day + timedelta(days=6)
    if precision is Precision.YEAR:
        return date(day.year, 1, 1), date(day.year, 12, 31)
    months = 1 if precision is Precision.MONTH else 3
    first = date(day.year, day.month, 1)
    after = date(first.year + (first.month + months - 1) // 12, (first.month + months - 1) % 12 + 1, 1)
    return first, after - timedelta(days=1)


def _random_profiles(seed: int, n: int) -> list[Profile]:
    """Look-alike reports: few places, days, types, actors, tolls and words, so that every rule fires."""
    import random

    rng = random.Random(seed)
    places = [SPERA, KHOST, BARMAL, MIR_ALI, MIRANSHAH, BANNU, PESHAWAR, None]
    vocabulary = "jets drone school checkpost convoy bazaar mosque spera barmal khost mir ali bannu".split()
    precisions = [Precision.DAY] * 6 + [Precision.WEEK, Precision.MONTH, Precision.SEASON, Precision.YEAR]
    out = []
    for i in range(n):
        place = rng.choice(places)
        country = place.country if place else rng.choice(["AF", "PK"])
        precision = rng.choice(precisions)
        start, end = _span(rng.choice(_DAYS), precision)
        kind = rng.choice([AIR, CLASH, ("Battles", "Attack")])
        killed = tuple((lo, lo + rng.randrange(3)) for lo in rng.sample(range(1, 30), rng.randrange(3)))
        out.append(Profile(
            id=f"d{i % (n // 3 + 1)}:{i}", doc_id=f"d{i % (n // 3 + 1)}", event_type=kind[0], sub_event_type=kind[1],
            start=start, end=end, precision=precision, country=country,
            admin1=place.admin1 if place and place.country == country else None,
            admin2=place.admin2 if place and place.country == country else None,
            place_id=place.id if place and place.country == country else None,
            place_precision=place.precision if place else None,
            lat=place.lat if place else None, lon=place.lon if place else None,
            actor1=rng.choice(["PAK-MIL", "TTP", "UNKNOWN", None]), actor2=rng.choice(["TTP", "CIV-PAK", None]),
            killed=killed, words=frozenset(rng.sample(vocabulary, rng.randrange(6)))))
    return out


def _replay(profiles: list[Profile], capacity: int) -> list[Decision]:
    """Merge `profiles` with Merger and check each decision, score and reason against choose_event (the
    store's path, the reference). The reasons are built only when read, so they are read again at the
    end, after the events grew. Returns the decisions."""
    merger = Merger(capacity)
    members: dict[str, list[Profile]] = {}
    decisions = []
    for p in profiles:
        expected = choose_event(p, {e: members[e] for e in merger.candidates(p)})
        got = merger.add(p)
        assert (got.event_id, got.score, got.why) == (expected.event_id, expected.score, expected.why), p.id
        decisions.append((got, expected))
        members.setdefault(merger.event_of[p.id], []).append(p)
    assert all(got.as_decision() == expected for got, expected in decisions)
    assert {e: [m.id for m in ms] for e, ms in members.items()} == merger.members
    return [expected for _, expected in decisions]


@pytest.mark.parametrize(("seed", "capacity"), [(1, 1024), (2, 1024), (3, 1024), (4, 1)])
def test_the_compiled_merger_decides_exactly_as_choose_event(seed, capacity):
    """Merger decides with merge_kernel: on a stream of look-alike reports it must decide as choose_event.
    Capacity 1 makes every array grow."""
    decisions = _replay(_random_profiles(seed, 400), capacity)
    joined = sum(d.event_id is not None for d in decisions)
    assert 40 < joined < 360  # the stream exercises both joining and starting events


def test_the_compiled_merger_and_choose_event_agree_on_ambiguous_reports():
    """Reports of one night's strikes in two districts, and reports naming only the country that fit
    both: the two paths must refuse the same ones."""
    places = [SPERA, BARMAL, None, SPERA, None, BARMAL, None]
    stream = [profile(mention(f"d{i}", place=place, country="AF", killed=[(8, None)]))
              for i, place in enumerate(places * 4)]
    decisions = _replay(stream, 4)
    ambiguous = [d for d in decisions if "ambiguous" in d.why.get("reason", "")]
    assert ambiguous and any(d.event_id is not None for d in decisions)


def _meets(p: Profile, m: Profile) -> bool:
    """Whether new report `p` meets earlier report `m` in one of Merger's blocks, from the rules as
    docs/merging.md states them (a brute-force reference for the compiled index)."""
    if p.country != m.country or p.event_type != m.event_type:
        return False
    lagged = (p.start - timedelta(days=DAY_LAG), p.end + timedelta(days=DAY_LAG))
    p_district = p.admin2 if p.admin1 else None
    m_district = m.admin2 if m.admin1 else None
    if p.fine and m.fine and m.start <= lagged[1] and lagged[0] <= m.end:
        if p.admin1 is None or m.admin1 is None:
            return True  # a report naming only the country meets the country's, and is met by them
        if p.admin1 == m.admin1 and (p_district is None or m_district is None or p_district == m_district):
            return True
    months = _month_numbers(*lagged)
    if p_district is not None and (p.admin1, p_district) == (m.admin1, m_district):
        years = set(range(lagged[0].year, lagged[1].year + 1))
        if p.fine and not m.fine and years & set(range(m.start.year, m.end.year + 1)):
            return True
        if not p.fine and months & _month_numbers(m.start, m.end):
            return True
    return (p.admin1 is not None and not p.fine and p.precision in (Precision.MONTH, Precision.SEASON)
            and p.admin1 == m.admin1 and m.precision is not Precision.YEAR
            and bool(months & _month_numbers(m.start, m.end)))


def _month_numbers(start: date, end: date) -> set[int]:
    return set(range(start.year * 12 + start.month - 1, end.year * 12 + end.month))


@pytest.mark.parametrize("seed", [5, 6])
def test_the_block_index_finds_what_the_blocking_rules_say(seed):
    """Every earlier event that one of the new report's blocks holds, and no other, in the order of ids."""
    merger = Merger(capacity=2)
    seen: list[Profile] = []
    for p in _random_profiles(seed, 300):
        found = merger.candidates(p)
        assert found == sorted({merger.event_of[m.id] for m in seen if _meets(p, m)}), p.id
        merger.add(p)
        seen.append(p)


def test_a_document_never_joins_an_event_it_already_reports():
    merger = Merger()
    merger.add(profile(mention("dawn", 0)))
    second = merger.add(profile(mention("dawn", 1)))  # the same strike told twice by one document
    assert second.event_id is None and len(merger.members) == 2
    third = merger.add(profile(mention("tolo", 0)))
    assert third.event_id == min(merger.members)  # both events fit; the first by id is tried first
    assert merger.candidates(profile(mention("dawn", 2))) == sorted(merger.members)


@pytest.mark.parametrize("day", [
    date(1, 1, 1), date(1999, 12, 31), date(2000, 2, 29), date(2000, 3, 1), date(2023, 12, 31),
    date(2024, 1, 1), date(2024, 2, 29), date(2100, 2, 28), date(2100, 3, 1), date(9999, 12, 31),
])
def test_month_numbers_from_ordinals_match_the_calendar(day):
    from borderwatch.merge_kernel import month_of

    assert month_of(day.toordinal()) == day.year * 12 + day.month - 1
