"""The analysis record, the named series of series.yaml and the daily/weekly counts."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
import yaml

from borderwatch.analyse.series import (
    AnalysisError,
    EventPoint,
    daily_counts,
    load_series,
    load_series_pack,
    parse_series_pack,
    point_of,
    series_of,
    weekly_counts,
)
from borderwatch.errors import TheatreError
from borderwatch.extract.actors import load_default_actors
from borderwatch.model import (
    DateRange,
    Event,
    EventLink,
    EventSource,
    LinkKind,
    Place,
    Precision,
)

BASE = EventPoint(
    id="e", source=EventSource.NEWS, day=date(2024, 3, 18), precision=Precision.DAY,
    event_type="Explosions/Remote violence", sub_event_type="Air/drone strike", country="AF",
    admin1="Khost", admin2="Spera", lat=None, lon=None, actor1="PAK-MIL", actor2="HGB",
    fatalities_low=8, fatalities_best=8, fatalities_high=8, contested=False,
    origin_country="PK", impact_country="AF", cross_border=True)


def point(**changes) -> EventPoint:
    return replace(BASE, **changes)


# ---- point_of ---------------------------------------------------------------------------------


def test_point_of_flattens_an_event_and_keeps_its_stated_responses():
    khost = Place("1", "Spera", "AF", "Khost", "Spera", 33.2, 69.6, 2, border=True)
    event = Event(id="ev1", event_type="Explosions/Remote violence", sub_event_type="Air/drone strike",
                  date=DateRange(date(2024, 3, 18), date(2024, 3, 18), Precision.DAY), place=khost,
                  country="AF", actor1="PAK-MIL", actor2="HGB", fatalities_low=8, fatalities_best=8,
                  fatalities_high=8, origin_country="PK", impact_country="AF",
                  links=[EventLink(LinkKind.RESPONDS_TO, "ev0"),
                         EventLink(LinkKind.RESPONDS_TO, None, "the attack in Mir Ali"),
                         EventLink(LinkKind.PART_OF, "ev2", wave="w1")])
    p = point_of(event)
    assert p is not None
    assert (p.day, p.precision, p.admin1, p.admin2, p.lat) == (
        date(2024, 3, 18), Precision.DAY, "Khost", "Spera", 33.2)
    assert p.cross_border and p.where == "AF"
    assert p.responds_to == ("ev0",)  # unresolved and part_of links are not answers to a known event


def test_point_of_an_undated_event_is_none():
    event = Event(id="x", event_type="Battles", sub_event_type="Armed clash", date=None, place=None,
                  country="PK", actor1="TTP", actor2="PAK-MIL")
    assert point_of(event) is None


# ---- series.yaml ------------------------------------------------------------------------------


def test_series_yaml_loads_with_the_named_series():
    names = [s.name for s in load_series()]
    assert {"PAK strikes in AF", "TTP attacks", "Afghan fire on PK", "US drone strikes"} <= set(names)
    assert all(s.description for s in load_series())


def test_every_actor_in_series_yaml_exists_in_actors_yaml():
    known = set(load_default_actors().ids())
    pack = load_series_pack()
    used = set().union(*(s.actor_ids() for s in pack.series)) | {f.actor for f in pack.state_forces}
    assert used and not used - known, f"unknown actor ids in series.yaml: {sorted(used - known)}"


def test_ladder_forces_of_the_two_states_act_from_their_home_country():
    actors = load_default_actors()
    for force in load_series_pack().state_forces:
        home = actors.get(force.actor).country
        if home in ("PK", "AF"):
            assert force.country == home, force


@pytest.mark.parametrize(("changes", "expected"), [
    ({}, ["PAK strikes in AF"]),  # "Pakistani jets struck hideouts in Khost"
    ({"sub_event_type": "Shelling/artillery/missile attack", "actor2": "AFG-TALIBAN"},
     ["PAK strikes in AF", "PAK fire on AF forces"]),  # "Pakistani artillery pounded Afghan posts in Kunar"
    ({"actor1": "TTP", "actor2": "PAK-MIL", "event_type": "Battles", "sub_event_type": "Armed clash",
      "country": "PK", "impact_country": "PK", "origin_country": "PK", "cross_border": False},
     ["TTP attacks"]),
    ({"actor1": "TJP", "actor2": "PAK-POL", "sub_event_type": "Suicide bomb", "country": "PK",
      "impact_country": "PK", "cross_border": False}, ["TTP attacks"]),  # a TJP-claimed suicide bombing
    ({"actor1": "AFG-TALIBAN", "actor2": "PAK-MIL", "event_type": "Battles", "sub_event_type": "Armed clash",
      "country": "PK", "impact_country": "PK", "origin_country": "AF"}, ["Afghan fire on PK"]),
    # Taliban forces shelling Chaman coded where the shells came from but flagged cross-border
    ({"actor1": "AFG-TALIBAN", "actor2": "CIV-PAK", "sub_event_type": "Shelling/artillery/missile attack",
      "country": "AF", "impact_country": None, "origin_country": "AF", "cross_border": True},
     ["Afghan fire on PK"]),
    ({"actor1": "AFG-TALIBAN", "actor2": "NRF", "event_type": "Battles", "sub_event_type": "Armed clash",
      "country": "AF", "impact_country": "AF", "origin_country": "AF", "cross_border": False}, []),
    ({"actor1": "USA-MIL", "actor2": "TTP", "country": "PK", "impact_country": "PK",
      "origin_country": "AF"}, ["US drone strikes"]),  # "a US drone strike in North Waziristan"
    ({"actor1": "PAK-MIL", "event_type": "Strategic developments", "sub_event_type": "Agreement"}, []),
])
def test_series_of_typical_events(changes, expected):
    assert series_of(point(**changes), load_series()) == expected


@pytest.mark.parametrize(("text", "message"), [
    ("series: [{name: A, actor1: [TTP], colour: red}]", "unknown keys"),
    ("series: [{name: A}, {name: A}]", "unique"),
    ("series: [{actor1: [TTP]}]", "needs at least a 'name'"),
    ("series: [{name: A, cross_border: maybe}]", "true or false"),
    ("series: [{name: A, any_of: {country: PK}}]", "list of conditions"),
    ("series: [{name: A}]\nladder: {state_forces: [{actor: PAK-MIL}]}", "'actor' and a 'country'"),
    ("ladder: {}", "'series' list"),
])
def test_malformed_series_files_are_named_errors(text, message):
    with pytest.raises(TheatreError, match=message):
        parse_series_pack(yaml.safe_load(text), "test.yaml")


def test_any_of_clauses_are_alternatives_and_fields_are_conjunctions():
    pack = parse_series_pack(yaml.safe_load("""
series:
  - name: Afghan fire
    actor1: AFG-TALIBAN
    any_of: [{country: PK}, {cross_border: true}]
"""))
    spec = pack.series[0]
    assert spec.matches(point(actor1="AFG-TALIBAN", impact_country="PK", cross_border=False))
    assert spec.matches(point(actor1="AFG-TALIBAN", impact_country="AF", cross_border=True))
    assert not spec.matches(point(actor1="AFG-TALIBAN", impact_country="AF", cross_border=False))
    assert not spec.matches(point(actor1="PAK-MIL", impact_country="PK", cross_border=True))


# ---- counts -----------------------------------------------------------------------------------

SPECS = parse_series_pack(yaml.safe_load("""
series:
  - {name: PAK, actor1: [PAK-MIL]}
  - {name: TTP, actor1: [TTP]}
""")).series


def test_daily_counts_put_day_and_week_precise_events_on_their_day():
    points = [point(day=date(2024, 3, 1)), point(day=date(2024, 3, 1)),
              point(day=date(2024, 3, 3), actor1="TTP"),
              point(day=date(2024, 3, 4), precision=Precision.WEEK),
              point(day=date(2024, 3, 1), precision=Precision.MONTH),  # left out: no day known
              point(day=date(2024, 3, 2), actor1="AFG-TALIBAN")]       # in no series
    days, counts = daily_counts(points, SPECS)
    assert days == (date(2024, 3, 1), date(2024, 3, 2), date(2024, 3, 3), date(2024, 3, 4))
    assert counts.tolist() == [[2, 0], [0, 0], [0, 1], [1, 0]]


def test_daily_counts_respect_an_explicit_range():
    points = [point(day=date(2024, 2, 28)), point(day=date(2024, 3, 2)), point(day=date(2024, 3, 9))]
    days, counts = daily_counts(points, SPECS, date(2024, 3, 1), date(2024, 3, 5))
    assert len(days) == 5 and counts[:, 0].tolist() == [0, 1, 0, 0, 0]


def test_weekly_counts_run_monday_to_sunday():
    points = [point(day=date(2024, 3, 4)), point(day=date(2024, 3, 10)),   # Mon and Sun of one week
              point(day=date(2024, 3, 11), actor1="TTP"), point(day=date(2024, 3, 27))]
    weeks, counts = weekly_counts(points, SPECS)
    assert weeks == (date(2024, 3, 4), date(2024, 3, 11), date(2024, 3, 18), date(2024, 3, 25))
    assert counts.tolist() == [[2, 0], [0, 1], [0, 0], [1, 0]]


@pytest.mark.parametrize(("points", "specs", "message"), [
    ([point()], (), "no series given"),
    ([point(actor1="NRF")], SPECS, "no day- or week-precise event"),
])
def test_counts_with_nothing_to_count_say_why(points, specs, message):
    with pytest.raises(AnalysisError, match=message):
        daily_counts(points, specs)
