"""Tallies, year-on-year change, the escalation ladder and its index, on events worked out by hand."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from borderwatch.analyse.indicators import (
    Period,
    Rung,
    TallyRow,
    escalation_index,
    fits,
    load_ladder,
    period_label,
    rung,
    tally,
    year_before,
    year_on_year,
)
from borderwatch.analyse.series import AnalysisError, EventPoint
from borderwatch.model import EventSource, Precision

BASE = EventPoint(
    id="e", source=EventSource.NEWS, day=date(2022, 1, 5), precision=Precision.DAY, event_type="Battles",
    sub_event_type="Armed clash", country="PK", admin1="Khyber Pakhtunkhwa", admin2="North Waziristan",
    lat=None, lon=None, actor1="TTP", actor2="PAK-MIL", fatalities_low=None, fatalities_best=None,
    fatalities_high=None, contested=False, origin_country="PK", impact_country="PK", cross_border=False)


def point(**changes) -> EventPoint:
    return replace(BASE, **changes)


# Five events whose sums are worked out in the tests below.
EVENTS = [
    # "TTP militants attacked a check post in North Waziristan; ISPR said 3 soldiers died, the TTP claimed 5"
    point(id="a", fatalities_low=2, fatalities_best=3, fatalities_high=5, contested=True),
    # "militants attacked a police station in Bannu" (no toll given)
    point(id="b", day=date(2022, 1, 20), actor2="PAK-POL"),
    # "Pakistani troops raided a TTP hideout in Kunar; at least one killed, up to four by local accounts"
    point(id="c", day=date(2022, 2, 10), country="AF", impact_country="AF", actor1="PAK-MIL", actor2="TTP",
          fatalities_low=1, fatalities_high=4, cross_border=True),
    # "In 2022 the TTP killed at least 10, perhaps 12, civilians in Swat" (year precision, no high)
    point(id="d", day=date(2022, 1, 1), precision=Precision.YEAR, actor2="CIV-PAK",
          event_type="Violence against civilians", sub_event_type="Attack",
          fatalities_low=10, fatalities_best=12),
    point(id="e", day=date(2021, 3, 1), fatalities_low=5, fatalities_best=5, fatalities_high=5),
]


def _rows(rows):
    return {(r.period, r.key): (r.events, r.fatalities_low, r.fatalities_best, r.fatalities_high, r.no_count,
                                r.contested) for r in rows}


def test_tally_by_country_and_year_sums_known_figures_with_the_fallback_rule():
    assert _rows(tally(EVENTS, ["country"], "year")) == {
        ("2021", ("PK",)): (1, 5, 5, 5, 0, 0),
        ("2022", ("AF",)): (1, 1, 1, 4, 0, 0),         # best unknown -> the low
        ("2022", ("PK",)): (3, 12, 15, 17, 1, 1),      # d's high unknown -> its best; b has no figure
    }


def test_tally_by_actor_counts_each_side_so_rows_exceed_the_events():
    rows = _rows(tally(EVENTS, ["actor"]))
    assert {key: value[0] for (_, key), value in rows.items()} == {
        ("TTP",): 5, ("PAK-MIL",): 3, ("PAK-POL",): 1, ("CIV-PAK",): 1}


@pytest.mark.parametrize(("by", "expected"), [
    (["dyad"], {("TTP→PAK-MIL",): 2, ("TTP→PAK-POL",): 1, ("PAK-MIL→TTP",): 1, ("TTP→CIV-PAK",): 1}),
    (["pair"], {("PAK-MIL–TTP",): 3, ("PAK-POL–TTP",): 1, ("CIV-PAK–TTP",): 1}),
    (["actor1", "event_type"], {("TTP", "Battles"): 3, ("PAK-MIL", "Battles"): 1,
                                ("TTP", "Violence against civilians"): 1}),
    (["source"], {("news",): 5}),
    ([], {(): 5}),
])
def test_tally_dimensions(by, expected):
    assert {r.key: r.events for r in tally(EVENTS, by)} == expected


def test_an_unknown_actor_is_written_as_a_question_mark_in_a_dyad():
    assert [r.key for r in tally([point(actor1=None)], ["dyad"])] == [("?→PAK-MIL",)]


def test_monthly_tally_keeps_coarse_events_under_their_year_so_totals_add_up():
    rows = tally(EVENTS, [], "month")
    assert [(r.period, r.events) for r in rows] == [
        ("2021-03", 1), ("2022", 1), ("2022-01", 2), ("2022-02", 1)]
    assert sum(r.events for r in rows) == len(EVENTS)


@pytest.mark.parametrize(("by", "period", "message"), [
    (["colour"], None, "cannot tally by colour"),
    (["country"], "fortnight", "unknown period"),
])
def test_tally_rejects_unknown_options(by, period, message):
    with pytest.raises(AnalysisError, match=message):
        tally(EVENTS, by, period)


@pytest.mark.parametrize(("day", "period", "label"), [
    (date(2022, 3, 5), Period.DAY, "2022-03-05"),
    (date(2022, 3, 5), Period.WEEK, "2022-W09"),
    (date(2021, 1, 1), Period.WEEK, "2020-W53"),  # ISO weeks: 1 Jan 2021 is in 2020's last week
    (date(2022, 3, 5), Period.MONTH, "2022-03"),
    (date(2022, 11, 5), Period.QUARTER, "2022-Q4"),
    (date(2022, 3, 5), Period.YEAR, "2022"),
])
def test_period_labels(day, period, label):
    assert period_label(day, period) == label


@pytest.mark.parametrize(("precision", "period", "expected"), [
    (Precision.DAY, Period.DAY, True), (Precision.WEEK, Period.DAY, False),
    (Precision.WEEK, Period.MONTH, True),
    (Precision.MONTH, Period.WEEK, False), (Precision.SEASON, Period.QUARTER, False),
    (Precision.SEASON, Period.YEAR, True), (Precision.YEAR, Period.YEAR, True),
])
def test_which_precisions_fit_which_periods(precision, period, expected):
    assert fits(precision, period) is expected


# ---- year on year -----------------------------------------------------------------------------


def test_year_on_year_the_think_tank_way():
    # "601 killed in 506 attacks in 2022, a 15% increase on 2021's 440 attacks and 520 deaths"
    rows = [TallyRow("2021", (), 440, 500, 520, 560, 3, 0), TallyRow("2022", (), 506, 580, 601, 640, 2, 0)]
    change = year_on_year(rows)[1]
    assert (change.previous_period, change.events_change, change.fatalities_change) == ("2021", 66, 81)
    assert change.events_pct == pytest.approx(15.0)
    assert change.fatalities_pct == pytest.approx(100 * 81 / 520)
    assert year_on_year(rows)[0].events_pct is None  # nothing before 2021: no % from zero


def test_year_on_year_compares_like_keys_and_same_months():
    rows = tally(EVENTS, ["country"], "year")
    by_key = {(c.row.period, c.row.key): c for c in year_on_year(rows)}
    pk = by_key[("2022", ("PK",))]
    assert (pk.previous_events, pk.events_change, pk.events_pct, pk.fatalities_pct) == (1, 2, 200.0, 200.0)
    af = by_key[("2022", ("AF",))]
    assert (af.previous_events, af.events_change, af.events_pct) == (0, 1, None)


@pytest.mark.parametrize(("label", "before"), [
    ("2022", "2021"), ("2022-03", "2021-03"), ("2022-Q1", "2021-Q1"), ("2022-W09", "2021-W09"),
    ("2021-W53", "2020-W53"), ("2026-W53", None), ("2024-03-01", "2023-03-01"), ("2024-02-29", None),
])
def test_year_before(label, before):
    assert year_before(label) == before


def test_year_before_rejects_what_is_not_a_label():
    with pytest.raises(AnalysisError, match="not a period label"):
        year_before("March 2022")


# ---- the ladder -------------------------------------------------------------------------------

AIR, SHELL = "Air/drone strike", "Shelling/artillery/missile attack"
EXPLOSIONS, BATTLES = "Explosions/Remote violence", "Battles"


def _event(day, actor1, actor2, event_type, sub, where, cross=False, origin=None):
    return point(day=day, actor1=actor1, actor2=actor2, event_type=event_type, sub_event_type=sub,
                 country=where, impact_country=where, origin_country=origin, cross_border=cross)


RECENT, REPUBLIC = date(2024, 3, 18), date(2010, 6, 1)


@pytest.mark.parametrize(("event", "expected"), [
    # "a suicide bomber struck a police convoy in Bannu; the TTP claimed it"
    (_event(RECENT, "TTP", "PAK-POL", EXPLOSIONS, "Suicide bomb", "PK"), Rung.MILITANT_ATTACK),
    # "a roadside bomb killed two soldiers in Kurram" (nobody named)
    (_event(RECENT, None, "PAK-MIL", EXPLOSIONS, "Remote explosive/landmine/IED", "PK"),
     Rung.MILITANT_ATTACK),
    # a Taliban attack on the Republic's army in 2010: insurgents then, not a state
    (_event(REPUBLIC, "AFG-TALIBAN", "AFG-MIL", BATTLES, "Armed clash", "AF"), Rung.MILITANT_ATTACK),
    # "security forces killed six terrorists in an intelligence-based operation in Tank"
    (_event(RECENT, "PAK-MIL", "TTP", BATTLES, "Armed clash", "PK"), Rung.NONE),
    # "jets pounded militant hideouts in the Tirah valley" (at home)
    (_event(RECENT, "PAK-MIL", "TTP", EXPLOSIONS, AIR, "PK"), Rung.NONE),
    (_event(RECENT, "PAK-MIL", "AFG-TALIBAN", "Strategic developments", "Agreement", "PK"), Rung.NONE),
    # "Afghan Taliban forces and Pakistani troops exchanged fire at Torkham" (coded at the posts, in PK)
    (_event(RECENT, "AFG-TALIBAN", "PAK-MIL", BATTLES, "Armed clash", "PK", True, "AF"), Rung.BORDER_FIRE),
    (_event(RECENT, "PAK-MIL", "AFG-TALIBAN", BATTLES, "Armed clash", "PK"), Rung.BORDER_FIRE),
    # "Afghan forces opened fire on Pakistani posts from across the border" (no target named)
    (_event(RECENT, "AFG-TALIBAN", None, BATTLES, "Armed clash", "PK", True, "AF"), Rung.BORDER_FIRE),
    # "Taliban forces fired mortars into Chaman"
    (_event(RECENT, "AFG-TALIBAN", "CIV-PAK", EXPLOSIONS, SHELL, "PK", True, "AF"), Rung.SHELLING),
    # "Pakistani artillery shelled Dangam district of Kunar"
    (_event(RECENT, "PAK-MIL", "CIV-AFG", EXPLOSIONS, SHELL, "AF", True, "PK"), Rung.SHELLING),
    # "Pakistani jets struck hideouts in Khost and Paktika"
    (_event(RECENT, "PAK-MIL", "HGB", EXPLOSIONS, AIR, "AF", True, "PK"), Rung.STRIKE_INSIDE),
    # "a US drone strike killed four militants in North Waziristan" (2010: US forces based in AF)
    (_event(REPUBLIC, "USA-MIL", "TTP", EXPLOSIONS, AIR, "PK"), Rung.STRIKE_INSIDE),
    # "a US drone strike in Kabul killed Ayman al-Zawahiri" (2022: from outside)
    (_event(date(2022, 7, 31), "USA-MIL", "AQ", EXPLOSIONS, AIR, "AF"), Rung.STRIKE_INSIDE),
    # "unidentified aircraft bombed villages in Barmal" (cross-border, nobody named)
    (_event(RECENT, None, "CIV-AFG", EXPLOSIONS, AIR, "AF", True, "PK"), Rung.STRIKE_INSIDE),
    # US troops fighting the Taliban in Helmand in 2010: at home base, not an incursion
    (_event(REPUBLIC, "USA-MIL", "AFG-TALIBAN", BATTLES, "Armed clash", "AF"), Rung.NONE),
    # "US Navy SEALs raided a compound in Abbottabad"
    (_event(date(2011, 5, 2), "USA-MIL", "AQ", BATTLES, "Armed clash", "PK"), Rung.INCURSION),
    # "Afghan forces captured a Pakistani border post in Kurram"
    (_event(RECENT, "AFG-TALIBAN", "PAK-MIL", BATTLES, "Non-state actor overtakes territory", "PK", True,
            "AF"), Rung.INCURSION),
    # "Pakistani troops raided a TTP camp in Kunar"
    (_event(RECENT, "PAK-MIL", "TTP", BATTLES, "Armed clash", "AF", True, "PK"), Rung.INCURSION),
    # "Taliban border forces shot dead two Pakistani traders near Chaman"
    (_event(RECENT, "AFG-TALIBAN", "CIV-PAK", "Violence against civilians", "Attack", "PK", True, "AF"),
     Rung.BORDER_FIRE),
])
def test_rung_of_typical_events(event, expected):
    assert rung(event, load_ladder()) is expected


def test_rungs_are_ordered():
    assert list(Rung) == sorted(Rung)
    assert Rung.MILITANT_ATTACK < Rung.BORDER_FIRE < Rung.SHELLING < Rung.STRIKE_INSIDE < Rung.INCURSION


# ---- the escalation index ---------------------------------------------------------------------

INDEX_EVENTS = [
    _event(date(2024, 1, 5), "TTP", "PAK-MIL", BATTLES, "Armed clash", "PK"),                    # 1
    _event(date(2024, 1, 20), "PAK-MIL", "TTP", EXPLOSIONS, AIR, "AF", True, "PK"),              # 4
    _event(date(2024, 3, 2), "AFG-TALIBAN", "PAK-MIL", BATTLES, "Armed clash", "PK", True, "AF"),  # 2
    _event(date(2024, 3, 2), "PAK-MIL", "AFG-TALIBAN", BATTLES, "Armed clash", "PK"),             # 2
    _event(date(2024, 3, 9), "PAK-MIL", "TTP", BATTLES, "Armed clash", "PK"),  # NONE: left out
    # rung 1, dated to the month: in March
    replace(_event(date(2024, 3, 1), "TTP", "PAK-POL", BATTLES, "Armed clash", "PK"),
            precision=Precision.MONTH),
    # dated to the year only: left out of a monthly index
    replace(_event(date(2024, 1, 1), "TTP", "PAK-POL", BATTLES, "Armed clash", "PK"),
            precision=Precision.YEAR),
]


def test_monthly_escalation_index_with_an_empty_month():
    rows = escalation_index(INDEX_EVENTS)
    assert [(r.period, r.events, r.index, r.max_rung, r.at_max, r.by_rung) for r in rows] == [
        ("2024-01", 2, 5.0, Rung.STRIKE_INSIDE, 1, (1, 0, 0, 1, 0)),
        ("2024-02", 0, 0.0, Rung.NONE, 0, (0, 0, 0, 0, 0)),
        ("2024-03", 3, 5.0, Rung.BORDER_FIRE, 2, (1, 2, 0, 0, 0)),
    ]


def test_escalation_index_with_other_weights_and_periods():
    heavier = escalation_index(INDEX_EVENTS, weights={Rung.STRIKE_INSIDE: 10})
    assert [r.index for r in heavier] == [11.0, 0.0, 5.0]
    quarters = escalation_index(INDEX_EVENTS, "quarter")
    assert [(r.period, r.events, r.index) for r in quarters] == [("2024-Q1", 5, 10.0)]
    assert escalation_index([point(event_type="Strategic developments")]) == []


def test_tally_and_index_account_for_every_event_of_a_large_set():
    # speed is measured by benchmarks/bench_analyse.py, not asserted here
    kinds = [(BATTLES, "Armed clash"), (EXPLOSIONS, AIR), (EXPLOSIONS, SHELL), (EXPLOSIONS, "Suicide bomb")]
    actors = ["TTP", "PAK-MIL", "AFG-TALIBAN", None, "USA-MIL"]
    first = date(2010, 1, 1)
    points = [EventPoint(str(i), EventSource.NEWS, first + timedelta(days=i % 5000), Precision.DAY,
                         kinds[i % 4][0], kinds[i % 4][1], "PK" if i % 3 else "AF", None, None, None, None,
                         actors[i % 5], actors[(i // 5) % 5], None, i % 7, None, False, "PK",
                         "PK" if i % 3 else "AF", i % 3 == 0)
              for i in range(100_000)]
    rows = tally(points, ["country", "actor1"], "month")
    index = escalation_index(points)
    assert sum(r.events for r in rows) == len(points) and len(index) == 165
