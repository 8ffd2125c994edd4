"""Response times with censoring, lulls and their breakers, and stated retaliation links, by hand."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from borderwatch.analyse.retaliation import (
    DyadView,
    WindowShare,
    kaplan_meier_quartiles,
    lull_breakers,
    lulls,
    response_chains,
    response_times,
    stated_links,
    stated_summary,
)
from borderwatch.analyse.series import AnalysisError, EventPoint
from borderwatch.model import EventSource, Precision

BASE = EventPoint(
    id="e", source=EventSource.NEWS, day=date(2023, 1, 1), precision=Precision.DAY, event_type="Battles",
    sub_event_type="Armed clash", country="PK", admin1=None, admin2=None, lat=None, lon=None,
    actor1="PAK-MIL", actor2="AFG-TALIBAN", fatalities_low=None, fatalities_best=None, fatalities_high=None,
    contested=False, origin_country="PK", impact_country="PK", cross_border=False)


def pak(month: int, day: int, **changes) -> EventPoint:
    """Pakistani forces fire on Afghan forces."""
    return replace(BASE, id=f"p{month}-{day}", day=date(2023, month, day), **changes)


def afg(month: int, day: int, **changes) -> EventPoint:
    """Afghan forces fire on Pakistani posts from across the line."""
    return replace(BASE, id=f"a{month}-{day}", day=date(2023, month, day), actor1="AFG-TALIBAN",
                   actor2="PAK-MIL", origin_country="AF", cross_border=True, **changes)


BORDER = [
    pak(1, 1), afg(1, 3), pak(1, 10), afg(1, 10), afg(1, 12), pak(1, 20), pak(2, 25),
    afg(1, 2, event_type="Strategic developments", sub_event_type="Agreement"),  # not violence: ignored
    afg(1, 15, precision=Precision.MONTH),                                        # no day: ignored
]
END = date(2023, 3, 1)


def _by_dyad(rows):
    return {(r.side_a, r.side_b): r for r in rows}


def test_response_times_count_the_never_answered_as_censored():
    row = _by_dyad(response_times(BORDER, end=END))[("PAK-MIL", "AFG-TALIBAN")]
    # 1 Jan -> 3 Jan (2 days); 10 Jan -> 12 Jan (2; an answer the same day is not counted, its order is
    # unknown); 20 Jan and 25 Feb never answered before 1 March: censored after 40 and 4 days.
    assert (row.events, row.answered, row.censored, row.same_day) == (4, 2, 2, 1)
    assert row.answered_quartiles == (2.0, 2.0, 2.0)
    assert row.quartiles == (2.0, 2.0, None)  # half never answered: no 75th percentile
    # Within 7 and 30 days: 25 Feb's window is not over by 1 March, so it is not eligible.
    assert row.within == (WindowShare(1, 0, 4), WindowShare(3, 2, 4), WindowShare(7, 2, 3),
                          WindowShare(30, 2, 3))
    assert row.within[2].share == pytest.approx(2 / 3)


def test_response_times_end_by_default_on_the_last_event():
    row = _by_dyad(response_times(BORDER))[("PAK-MIL", "AFG-TALIBAN")]
    # the data ends on 25 Feb (its last violent day-precise event): 20 Jan waited 36 days, 25 Feb none
    assert (row.events, row.answered, row.censored) == (4, 2, 2)
    assert row.within[3] == WindowShare(30, 2, 3)  # 25 Feb's 30-day window is not over: not eligible


def test_response_times_the_other_way():
    row = _by_dyad(response_times(BORDER, end=END))[("AFG-TALIBAN", "PAK-MIL")]
    # 3 Jan -> 10 Jan (7); 10 Jan -> 20 Jan (10); 12 Jan -> 20 Jan (8)
    assert (row.events, row.answered, row.censored, row.same_day) == (3, 3, 0, 1)
    assert row.quartiles == (7.0, 8.0, 10.0)
    assert row.answered_quartiles == (7.5, 8.0, 9.0)
    assert [w.share for w in row.within] == [0.0, 0.0, pytest.approx(1 / 3), 1.0]


def test_same_day_answers_count_with_min_lag_zero():
    row = _by_dyad(response_times(BORDER, end=END, min_lag_days=0))[("PAK-MIL", "AFG-TALIBAN")]
    assert row.answered == 2 and row.within[0] == WindowShare(1, 1, 4)  # 10 Jan answered the same day


def test_sides_merge_actors_and_the_country_view_uses_cross_border_events_only():
    points = [pak(1, 1, actor1="PAK-POL"), afg(1, 2), pak(1, 5)]
    merged = _by_dyad(response_times(points, side_of={"PAK-POL": "PK", "PAK-MIL": "PK"}, end=END))
    assert merged[("PK", "AFG-TALIBAN")].events == 2 and merged[("PK", "AFG-TALIBAN")].answered == 1
    countries = _by_dyad(response_times(BORDER, view="country", end=END))
    assert list(countries) == [("AF", "PK")]  # only the Afghan fire crossed the border in this data
    assert countries[("AF", "PK")].events == 3 and countries[("AF", "PK")].answered == 0


def test_response_times_reject_a_bad_view():
    with pytest.raises(AnalysisError, match="unknown dyad view"):
        response_times(BORDER, view="province")


@pytest.mark.parametrize(("times", "censored", "expected"), [
    ([1, 2, 3, 4], [], (1.0, 2.0, 3.0)),
    ([], [5], (None, None, None)),
    ([3], [1, 1, 1], (3.0, 3.0, 3.0)),       # those censored early leave the risk set before day 3
    ([2, 6], [4, 8], (2.0, 6.0, None)),      # 4 at risk: 0.75 after day 2, 0.375 after day 6
])
def test_kaplan_meier_quartiles(times, censored, expected):
    assert kaplan_meier_quartiles(times, censored) == expected


# ---- lulls --------------------------------------------------------------------------------------


def test_lulls_in_the_whole_theatre_and_who_broke_them():
    points = [pak(1, 1, actor1="TTP"), pak(2, 15, actor1="TTP"), pak(2, 15), pak(4, 1, actor1=None),
              pak(4, 2, actor1="TTP"), pak(5, 10, actor1="TTP")]
    found = lulls(points, 30)
    assert [(x.last_event, x.resumed, x.quiet_days, x.breakers) for x in found] == [
        (date(2023, 1, 1), date(2023, 2, 15), 44, ("PAK-MIL", "TTP")),
        (date(2023, 2, 15), date(2023, 4, 1), 44, (None,)),
        (date(2023, 4, 2), date(2023, 5, 10), 37, ("TTP",)),
    ]
    assert lull_breakers(found) == [("TTP", 2), ("PAK-MIL", 1), (None, 1)]


@pytest.mark.parametrize(("threshold", "end", "expected"), [
    (30, None, [(date(2023, 1, 20), date(2023, 2, 25), 35)]),
    (7, None, [(date(2023, 1, 12), date(2023, 1, 20), 7), (date(2023, 1, 20), date(2023, 2, 25), 35)]),
    (30, date(2023, 4, 15), [(date(2023, 1, 20), date(2023, 2, 25), 35), (date(2023, 2, 25), None, 49)]),
])
def test_lulls_of_a_dyad_with_thresholds_and_a_still_open_one(threshold, end, expected):
    noise = [pak(2, 1, actor1="TTP", actor2="PAK-MIL")]  # another dyad's event does not break this lull
    found = lulls(BORDER + noise, threshold, pair=("AFG-TALIBAN", "PAK-MIL"), end=end)
    assert [(x.last_event, x.resumed, x.quiet_days) for x in found] == expected
    assert found[-1].breakers == (() if end else ("PAK-MIL",))


def test_lull_threshold_must_be_positive():
    with pytest.raises(AnalysisError, match="at least 1"):
        lulls(BORDER, 0)


# ---- stated links -------------------------------------------------------------------------------


def _linked(name: str, month: int, day: int, *targets: str, **changes) -> EventPoint:
    return replace(BASE, id=name, day=date(2023, month, day), responds_to=targets, **changes)


LINKED = [
    _linked("t1", 1, 3),
    _linked("r1", 1, 5, "t1"),                            # "in retaliation for Tuesday's attack": 2 days
    _linked("r2", 1, 30, "t1"),                           # 27 days
    _linked("r3", 2, 1, "gone"),                          # its target is not in the data
    _linked("r4", 1, 1, "t1", precision=Precision.MONTH),  # "in January": no exact lag
    _linked("r5", 1, 1, "r1"),                            # dated before what it answers: -4
    _linked("r6", 2, 10, "r2"),                           # 11 days
]


def test_stated_links_and_their_lags():
    links = {(x.response, x.target): (x.lag_days, x.exact) for x in stated_links(LINKED)}
    assert links == {("r1", "t1"): (2, True), ("r2", "t1"): (27, True), ("r3", "gone"): (None, False),
                     ("r4", "t1"): (-2, False), ("r5", "r1"): (-4, True), ("r6", "r2"): (11, True)}


def test_stated_summary_shares_use_exact_non_negative_lags():
    summary = stated_summary(stated_links(LINKED))
    assert (summary.links, summary.unresolved, summary.inexact, summary.negative) == (6, 1, 1, 1)
    assert summary.median_lag == 11.0
    assert [(w.days, w.answered, w.eligible) for w in summary.within] == [(1, 0, 3), (3, 1, 3), (7, 1, 3),
                                                                          (30, 3, 3)]


def test_response_chains_from_first_act_to_last_answer():
    assert response_chains(stated_links(LINKED)) == [("t1", "r1", "r5"), ("t1", "r2", "r6"), ("t1", "r4")]


def test_response_chains_stop_at_a_cycle():
    points = [_linked("x", 1, 1), _linked("a", 1, 2, "x", "c"), _linked("b", 1, 3, "a"),
              _linked("c", 1, 4, "b")]
    assert response_chains(stated_links(points)) == [("x", "a", "b", "c")]
    assert response_chains(stated_links([_linked("a", 1, 1, "b"), _linked("b", 1, 2, "a")])) == []


def test_dyad_view_values():
    assert [v.value for v in DyadView] == ["actor", "country"]
