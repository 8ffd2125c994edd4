"""Tests for the gold scorer: every rule of GOLD_FORMAT.md's Scoring section, on hand-built gold lines."""

from __future__ import annotations

import itertools
import json
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from borderwatch.errors import GoldFormatError
from borderwatch.evaluate import (
    fold_place_name,
    format_scores,
    haversine_km,
    max_weight_assignment,
    read_gold,
    read_gold_documents,
    score,
)
from borderwatch.model import Precision


def gold(**fields) -> dict:
    """A gold line for the 18 March 2024 Pakistani air strike in Khost, overridable field by field."""
    line = {
        "doc": "d1",
        "event_type": "Explosions/Remote violence",
        "sub_event_type": "Air/drone strike",
        "date": "2024-03-18",
        "date_precision": "day",
        "country": "AF",
        "admin1": "Khost",
        "admin2": "Spera",
        "location": "Spera",
        "actor1": "PAK-MIL",
        "actor2": "TTP",
        "fatalities": [{"count": 8, "claimed_by": "AFG-TALIBAN"}],
        "incident": "2024-03-18-khost",
    }
    line.update(fields)
    return line


def pred(**fields) -> dict:
    """A predicted mention (export --mentions shape) agreeing with `gold()` unless overridden."""
    record = {
        "doc": "d1",
        "event_id": "e1",
        "event_type": "Explosions/Remote violence",
        "sub_event_type": "Air/drone strike",
        "date": "2024-03-18",
        "date_precision": "day",
        "country": "AF",
        "admin1": "Khost",
        "admin2": "Spera",
        "location": "Spera",
        "latitude": 33.2,
        "longitude": 69.9,
        "geo_precision": 1,
        "actor1": "PAK-MIL",
        "actor2": "TTP",
        "fatalities": [{"count": 8, "claimed_by": "AFG-TALIBAN"}],
        "injured": [],
    }
    record.update(fields)
    return record


# ---------------------------------------------------------------------------------------------------------
# Detection: compatibility rules


def test_exact_match_scores_perfectly():
    scores = score([pred()], [gold()])
    assert (scores.tp, scores.n_pred, scores.n_gold) == (1, 1, 1)
    assert scores.precision == scores.recall == scores.f1 == 1.0
    assert all(acc.accuracy == 1.0 for acc in scores.fields.values() if acc.total)
    assert scores.unmatched_gold == [] and scores.unmatched_predicted == []


@pytest.mark.parametrize(
    ("predicted", "why"),
    [
        (pred(event_type="Battles"), "event type differs"),
        (pred(country="PK"), "country differs"),
        (pred(country=None), "country missing"),
        (pred(date="2024-03-19"), "a day later"),
        (pred(date=None, date_precision=None), "no date"),
        (pred(admin1="Paktika"), "another province"),
        (pred(admin1=None), "gold names an admin1, prediction none"),
        (pred(doc="d2"), "another document"),
    ],
)
def test_incompatible_pairs_do_not_match(predicted, why):
    scores = score([predicted], [gold()])
    assert scores.tp == 0, why
    assert (scores.precision, scores.recall, scores.f1) == (0.0, 0.0, 0.0)
    assert scores.unmatched_gold == [gold()]


@pytest.mark.parametrize(
    ("gold_date", "precision", "predicted_date", "matches"),
    [
        # "in November 2011" vs a day-precise prediction inside it, and outside it
        ("2011-11", "month", "2011-11-26", True),
        ("2011-11", "month", "2011-12-01", False),
        ("2011-11-01", "month", "2011-11-30", True),
        # "last week" anchored on Monday 6 October 2025: seven days from the given date
        ("2025-10-06", "week", "2025-10-12", True),
        ("2025-10-06", "week", "2025-10-13", False),
        ("2025-10-06", "week", "2025-10-05", False),
        # "in the fall of 2010": three months from 1 September
        ("2010-09-01", "season", "2010-11-30", True),
        ("2010-09-01", "season", "2010-12-01", False),
        ("2010-09", "season", "2010-10-15", True),
        ("2022", "year", "2022-07-31", True),
        ("2022", "year", "2021-12-31", False),
        ("2024-03-18", "day", "2024-03-18", True),
    ],
)
def test_gold_date_is_widened_by_its_precision(gold_date, precision, predicted_date, matches):
    scores = score([pred(date=predicted_date)], [gold(date=gold_date, date_precision=precision)])
    assert scores.tp == int(matches)


@pytest.mark.parametrize(
    ("predicted", "matches"),
    [
        # a month-precise prediction overlaps a day inside that month
        (pred(date="2024-03", date_precision="month"), True),
        (pred(date="2024-02", date_precision="month"), False),
        (pred(date="2024", date_precision="year"), True),
        # explicit ranges from the export win over `date`
        (pred(date="2024-03-10", date_start="2024-03-10", date_end="2024-03-20"), True),
        (pred(date="2024-03-18", date_start="2024-03-01", date_end="2024-03-10"), False),
        # a precision finer than the written date is not trusted: "2024" stays a year
        (pred(date="2024", date_precision="day"), True),
    ],
)
def test_predicted_date_ranges(predicted, matches):
    assert score([predicted], [gold()]).tp == int(matches)


@pytest.mark.parametrize(
    ("gold_admin1", "predicted_admin1"),
    [
        ("Khost", "Khowst Province"),
        ("Khost", "KHOST"),
        ("Paktia", "Paktiya"),
        ("Nuristan", "Nooristan Province"),
        ("Kandahar", "Qandahar"),
        ("Sar-e Pol", "Sari Pul"),
        ("Balochistan", "Baluchistan"),
        ("Khyber Pakhtunkhwa", "Khyber-Pakhtunkhwa"),
        ("Sistan and Baluchestan", "Sistan-Baluchestan"),
        ("Islamabad", "Islamabad Capital Territory"),
        ("Herāt", "Herat"),
    ],
)
def test_admin1_names_fold_to_the_same_unit(gold_admin1, predicted_admin1):
    assert score([pred(admin1=predicted_admin1)], [gold(admin1=gold_admin1)]).tp == 1


AFGHAN_PROVINCES = [
    "Badakhshan", "Badghis", "Baghlan", "Balkh", "Bamyan", "Daykundi", "Farah", "Faryab", "Ghazni", "Ghor",
    "Helmand", "Herat", "Jowzjan", "Kabul", "Kandahar", "Kapisa", "Khost", "Kunar", "Kunduz", "Laghman",
    "Logar", "Nangarhar", "Nimruz", "Nuristan", "Paktia", "Paktika", "Panjshir", "Parwan", "Samangan",
    "Sar-e Pol", "Takhar", "Uruzgan", "Wardak", "Zabul",
]
PAKISTANI_UNITS = [
    "Punjab", "Sindh", "Khyber Pakhtunkhwa", "Balochistan", "Islamabad", "Gilgit-Baltistan", "Azad Kashmir",
    "FATA", "North Waziristan", "South Waziristan", "Kurram", "Orakzai", "Bajaur", "Mohmand", "Khyber",
    "Chitral", "Swat", "Dir", "Bannu", "Lakki Marwat", "Tank", "Dera Ismail Khan", "Zhob", "Quetta",
]


@pytest.mark.parametrize("names", [AFGHAN_PROVINCES, PAKISTANI_UNITS])
def test_folding_keeps_distinct_units_apart(names):
    keys = [fold_place_name(n) for n in names]
    assert len(set(keys)) == len(names), [n for n, k in zip(names, keys, strict=True) if keys.count(k) > 1]


def locate_admin1(name: str, country: str) -> tuple[float, float] | None:
    """A three-entry gazetteer standing in for the theatre's."""
    return {
        ("Khost", "AF"): (33.34, 69.92),
        ("Loya Paktia", "AF"): (33.55, 69.70),  # ~35 km away
        ("Paktika", "AF"): (32.26, 68.52),  # ~175 km away
    }.get((name, country))


@pytest.mark.parametrize(
    ("predicted_admin1", "locator", "matches"),
    [
        ("Loya Paktia", locate_admin1, True),
        ("Loya Paktia", None, False),
        ("Paktika", locate_admin1, False),
        ("Atlantis", locate_admin1, False),
    ],
)
def test_admin1_within_50_km_is_the_same_unit(predicted_admin1, locator, matches):
    scores = score([pred(admin1=predicted_admin1)], [gold()], admin1_location=locator)
    assert scores.tp == int(matches)


def test_gold_without_admin1_accepts_any_predicted_admin1_but_scores_its_accuracy():
    scores = score([pred(admin1="Khost")], [gold(admin1=None, admin2=None, location=None)])
    assert scores.tp == 1
    assert (scores.fields["admin1"].correct, scores.fields["admin1"].total) == (0, 1)


def test_haversine_distance_known_cities():
    # Peshawar to Kabul is about 230 km in a straight line
    assert haversine_km((34.008, 71.578), (34.553, 69.207)) == pytest.approx(227, abs=5)


def test_non_violent_predictions_are_ignored():
    strategic = pred(event_type="Strategic developments", sub_event_type="Agreement", event_id="e9")
    protest = pred(event_type="Protests", sub_event_type="Peaceful protest", event_id="e8")
    scores = score([pred(), strategic, protest], [gold()])
    assert (scores.tp, scores.n_pred, scores.n_ignored) == (1, 1, 2)
    assert scores.precision == 1.0
    assert scores.unmatched_predicted == []


def test_documents_filter_ignores_unannotated_documents():
    scores = score([pred(), pred(doc="elsewhere")], [gold()], documents={"d1", "d2"})
    assert (scores.n_pred, scores.n_ignored, scores.precision) == (1, 1, 1.0)
    # without the filter the prediction on an unannotated document is a false positive
    assert score([pred(), pred(doc="elsewhere")], [gold()]).precision == 0.5


# ---------------------------------------------------------------------------------------------------------
# One-to-one matching


def test_matching_maximises_pairs_where_greedy_would_not():
    # Strikes in Khost on the 18th (Spera) and the 19th (Tani). Prediction A says only "in March" and
    # agrees best with Spera; B is dated the 18th, so it fits Spera alone. Greedy-by-agreement gives A
    # Spera and leaves B unmatched; the maximum matching sends A to Tani and B to Spera.
    spera = gold(incident="spera")
    tani = gold(date="2024-03-19", admin2="Tani", location="Tani", actor2=None, incident="tani")
    a = pred(event_id="a", date="2024-03", date_precision="month")
    b = pred(event_id="b", admin2=None, actor2="HGB")
    for predictions in ([a, b], [b, a]):
        scores = score(predictions, [spera, tani])
        assert scores.tp == 2
        pairs = {(m.predicted["event_id"], m.gold["incident"]) for m in scores.matched}
        assert pairs == {("a", "tani"), ("b", "spera")}


def test_ties_in_pair_count_go_to_the_pairs_that_agree_more():
    # Two strikes the same day in Khost; each prediction fits either line, so agreements decide.
    spera = gold(admin2="Spera", actor2="TTP", incident="spera")
    tani = gold(admin2="Tani", actor2="HGB", fatalities=[], incident="tani")
    p_tani = pred(event_id="p-tani", admin2="Tani", actor2="HGB")
    p_spera = pred(event_id="p-spera", admin2="Spera district", actor2="TTP")
    for predictions in ([p_tani, p_spera], [p_spera, p_tani]):
        scores = score(predictions, [spera, tani])
        pairs = {(m.predicted["event_id"], m.gold["incident"]) for m in scores.matched}
        assert pairs == {("p-tani", "tani"), ("p-spera", "spera")}
        assert scores.fields["admin2"].correct == 2


def test_a_prediction_matches_at_most_one_gold_line():
    scores = score([pred()], [gold(incident="i1"), gold(incident="i2")])
    assert (scores.tp, scores.precision, scores.recall) == (1, 1.0, 0.5)


def test_a_gold_line_matches_at_most_one_prediction():
    scores = score([pred(event_id="a"), pred(event_id="b")], [gold()])
    assert (scores.tp, scores.precision, scores.recall) == (1, 0.5, 1.0)
    assert len(scores.unmatched_predicted) == 1


# ---------------------------------------------------------------------------------------------------------
# Optional gold


def test_optional_gold_drops_its_partner_from_both_counts():
    optional = gold(
        event_type="Battles", sub_event_type="Armed clash", date="2021-08-15", admin1="Kabul", admin2=None,
        actor1="AFG-TALIBAN", actor2="AFG-MIL", fatalities=[], incident="fall-of-kabul", optional=True,
    )
    fall_of_kabul = pred(
        event_id="e2", event_type="Battles", sub_event_type="Armed clash", date="2021-08-15", admin1="Kabul",
        admin2=None, actor1="AFG-TALIBAN", actor2="AFG-MIL", fatalities=[],
    )
    scores = score([pred(), fall_of_kabul], [gold(), optional])
    assert (scores.tp, scores.n_pred, scores.n_gold, scores.dropped) == (1, 1, 1, 1)
    assert scores.precision == scores.recall == 1.0
    assert scores.unmatched_predicted == []


def test_unmatched_optional_gold_costs_no_recall():
    scores = score([pred()], [gold(), gold(admin1="Kunar", incident="x", optional=True)])
    assert (scores.recall, scores.n_gold, scores.n_optional_gold) == (1.0, 1, 1)
    assert scores.unmatched_gold == []


def test_optional_gold_does_not_steal_a_match_on_a_tie():
    # One prediction fits both a required and an optional line equally well: it should count.
    scores = score([pred()], [gold(optional=True, incident="opt"), gold(incident="req")])
    assert (scores.tp, scores.dropped, scores.recall) == (1, 0, 1.0)


# ---------------------------------------------------------------------------------------------------------
# Field accuracies


@pytest.mark.parametrize(
    ("changes", "field", "expected"),
    [
        ({"sub_event_type": "Shelling/artillery/missile attack"}, "sub_event_type", (0, 1)),
        ({"actor1": "USA-MIL"}, "actor1", (0, 1)),
        ({"actor2": None}, "actor2", (0, 1)),
        ({"admin2": "Spera District"}, "admin2", (1, 1)),
        ({"admin2": "Tani"}, "admin2", (0, 1)),
        ({"admin2": None}, "admin2", (0, 1)),
        ({"date": "2024-03", "date_precision": "month"}, "date_exact", (0, 0)),
        ({"date": "2024-03-18"}, "date_exact", (1, 1)),
    ],
)
def test_field_accuracy_on_matched_pairs(changes, field, expected):
    accuracy = score([pred(**changes)], [gold()]).fields[field]
    assert (accuracy.correct, accuracy.total) == expected


def test_null_actor_in_both_agrees():
    scores = score([pred(actor1=None)], [gold(actor1=None)])
    assert scores.fields["actor1"].accuracy == 1.0


def test_exact_date_differs_inside_a_widened_range():
    # gold says "last week"; the system picked a day inside that week: compatible, but not day-precise gold
    scores = score([pred(date="2025-10-09")], [gold(date="2025-10-06", date_precision="week")])
    assert scores.tp == 1 and scores.fields["date_exact"].total == 0
    range_pred = pred(date="2024-03-18", date_start="2024-03-17", date_end="2024-03-18", date_precision="day")
    exact = score([range_pred], [gold()]).fields["date_exact"]
    assert (exact.correct, exact.total) == (0, 1)


@pytest.mark.parametrize(
    ("gold_claims", "predicted_claims", "met"),
    [
        ([{"count": 8, "claimed_by": "AFG-TALIBAN"}], [{"count": 8, "claimed_by": "AFG-TALIBAN"}], 1),
        ([{"count": 8, "claimed_by": "AFG-TALIBAN"}], [{"count": 8, "claimed_by": None}], 0),
        ([{"count": 8, "claimed_by": "AFG-TALIBAN"}], [{"count": 7, "claimed_by": "AFG-TALIBAN"}], 0),
        # "at least 50" is a range with an open top
        ([{"min": 50, "max": None, "claimed_by": None}], [{"min": 50, "max": None, "claimed_by": None}], 1),
        ([{"min": 50, "max": None, "claimed_by": None}], [{"count": 50, "claimed_by": None}], 0),
        # "8 to 10 militants": same range needed
        ([{"min": 8, "max": 10, "claimed_by": "PAK-MIL"}], [{"min": 8, "max": 10, "claimed_by": "PAK-MIL"}],
         1),
        ([{"min": 8, "max": 10, "claimed_by": "PAK-MIL"}], [{"min": 8, "max": 12, "claimed_by": "PAK-MIL"}],
         0),
        # Pakistan's ISPR claims 200 Taliban killed and admits 23 soldiers dead: two claims, both met
        (
            [{"count": 200, "claimed_by": "PAK-MIL"}, {"count": 23, "claimed_by": "PAK-MIL"}],
            [{"count": 23, "claimed_by": "PAK-MIL"}, {"count": 200, "claimed_by": "PAK-MIL"}],
            2,
        ),
        # each predicted claim meets at most one gold claim
        (
            [{"count": 8, "claimed_by": None}, {"count": 8, "claimed_by": None}],
            [{"count": 8, "claimed_by": None}],
            1,
        ),
        ([{"count": 3, "claimed_by": None}], [], 0),
    ],
)
def test_fatality_claims(gold_claims, predicted_claims, met):
    scores = score([pred(fatalities=predicted_claims)], [gold(fatalities=gold_claims)])
    accuracy = scores.fields["fatality_claims"]
    assert (accuracy.correct, accuracy.total) == (met, len(gold_claims))


def test_claims_of_unmatched_pairs_are_not_counted():
    scores = score([pred(event_type="Battles")], [gold()])
    assert scores.fields["fatality_claims"].total == 0
    assert scores.fields["fatality_claims"].accuracy is None


# ---------------------------------------------------------------------------------------------------------
# Merge (cross-document) pairwise metrics


def _merge_case(assignments: list[tuple[str, str]]):
    """One matched mention per document: (predicted event id, gold incident)."""
    predictions = [pred(doc=f"d{i}", event_id=event) for i, (event, _) in enumerate(assignments)]
    golds = [gold(doc=f"d{i}", incident=incident) for i, (_, incident) in enumerate(assignments)]
    return score(predictions, golds)


@pytest.mark.parametrize(
    ("assignments", "tp", "fp", "fn"),
    [
        # three reports of one strike, all merged: 3 pairs right
        ([("e1", "i1"), ("e1", "i1"), ("e1", "i1")], 3, 0, 0),
        # two reports left apart: one missed pair
        ([("e1", "i1"), ("e2", "i1")], 0, 0, 1),
        # two incidents merged into one event: one wrong pair
        ([("e1", "i1"), ("e1", "i2")], 0, 1, 0),
        # mixed: {a,b,c} in e1 where a,b are i1; d in e2 is i1 too
        ([("e1", "i1"), ("e1", "i1"), ("e1", "i2"), ("e2", "i1")], 1, 2, 2),
    ],
)
def test_merge_pairwise_counts(assignments, tp, fp, fn):
    merge = _merge_case(assignments).merge
    assert (merge.tp, merge.fp, merge.fn) == (tp, fp, fn)
    assert merge.precision == (tp / (tp + fp) if tp + fp else None)
    assert merge.recall == (tp / (tp + fn) if tp + fn else None)


def test_merge_with_no_pairs_is_not_applicable():
    merge = _merge_case([("e1", "i1"), ("e2", "i2")]).merge
    assert (merge.precision, merge.recall, merge.f1) == (None, None, None)
    assert "n/a" in _rendered(format_scores(_merge_case([("e1", "i1")])))


def test_merge_pairs_exclude_mentions_matched_to_optional_gold():
    predictions = [pred(doc="a", event_id="e1"), pred(doc="b", event_id="e1")]
    golds = [gold(doc="a", incident="i1"), gold(doc="b", incident="i2", optional=True)]
    merge = score(predictions, golds).merge
    assert (merge.tp, merge.fp, merge.fn) == (0, 0, 0)


@pytest.mark.parametrize(
    ("assignments", "rate"),
    [
        ([("e1", "i1"), ("e1", "i1")], 0.0),
        ([("e1", "i1"), ("e2", "i1")], 0.5),
        ([("e1", "i1"), ("e2", "i1"), ("e3", "i1"), ("e4", "i2")], 0.5),
        # over-merging is not negative duplication
        ([("e1", "i1"), ("e1", "i2")], 0.0),
    ],
)
def test_duplicate_rate(assignments, rate):
    assert _merge_case(assignments).duplicate_rate == pytest.approx(rate)


def test_duplicate_rate_without_matches_is_none():
    assert score([], [gold()]).duplicate_rate is None


# ---------------------------------------------------------------------------------------------------------
# Reports


def test_per_document_breakdown_and_as_dict_round_trip_through_json():
    predictions = [pred(), pred(doc="d2", event_type="Battles"), pred(doc="d3")]
    golds = [gold(), gold(doc="d2"), gold(doc="d4", optional=True)]
    scores = score(predictions, golds)
    per_doc = {doc: (s.tp, s.n_pred, s.n_gold) for doc, s in scores.per_document.items()}
    assert per_doc == {"d1": (1, 1, 1), "d2": (0, 1, 1), "d3": (0, 1, 0), "d4": (0, 0, 0)}
    data = json.loads(json.dumps(scores.as_dict()))
    assert data["tp"] == 1 and data["n_pred"] == 3 and data["n_gold"] == 2
    assert data["precision"] == pytest.approx(1 / 3) and data["recall"] == 0.5
    assert data["fields"]["actor1"] == {"correct": 1, "total": 1, "accuracy": 1.0}
    assert data["merge"]["precision"] is None
    assert [g["doc"] for g in data["unmatched_gold"]] == ["d2"]
    assert sorted(p["doc"] for p in data["unmatched_predicted"]) == ["d2", "d3"]


def test_empty_inputs_give_not_applicable_not_zero_division():
    scores = score([], [])
    assert (scores.precision, scores.recall, scores.f1) == (None, None, None)
    assert "n/a" in _rendered(format_scores(scores))


def test_format_scores_shows_the_headline_numbers():
    text = _rendered(format_scores(score([pred(), pred(doc="d2")], [gold()])))
    for expected in ("precision", "50.0%", "recall", "100.0%", "1/2", "fatality claims", "merge"):
        assert expected in text


def _rendered(table) -> str:
    from rich.console import Console

    console = Console(width=120, record=True)
    console.print(table)
    return console.export_text()


# ---------------------------------------------------------------------------------------------------------
# Reading gold files


def _write_lines(tmp_path, name, lines) -> str:
    path = tmp_path / name
    path.write_text("\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines) + "\n")
    return str(path)


def test_read_gold_fills_absent_optional_keys(tmp_path):
    minimal = {"doc": "d1", "event_type": "Battles", "date": "2008-06", "date_precision": "month",
               "country": "PK", "incident": "2008-06-mohmand"}
    lines = read_gold(_write_lines(tmp_path, "gold.jsonl", [gold(), "", minimal]))
    assert len(lines) == 2
    assert lines[1]["admin1"] is None and lines[1]["fatalities"] == [] and lines[1]["optional"] is False
    assert lines[0]["fatalities"] == [{"count": 8, "claimed_by": "AFG-TALIBAN"}]


@pytest.mark.parametrize(
    ("bad_line", "message"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "JSON object"),
        ({k: v for k, v in gold().items() if k != "incident"}, "incident"),
        (gold(event_type="Explosion/Remote violence"), "event_type"),
        (gold(event_type="Strategic developments"), "event_type"),
        (gold(date="18 March 2024"), "date"),
        (gold(date="2024-02-30"), "calendar date"),
        (gold(date="2011", date_precision="month"), "less precise"),
        (gold(date_precision="fortnight"), "date_precision"),
        (gold(country="Afghanistan"), "country"),
        (gold(fatalities=[{"count": -1, "claimed_by": None}]), "fatalities"),
        (gold(fatalities=[{"min": 10, "max": 8, "claimed_by": None}]), "fatalities"),
        (gold(fatalities=[{"count": "eight", "claimed_by": None}]), "fatalities"),
        (gold(fatalities={"count": 8}), "fatalities"),
        (gold(injured=[{"count": 2, "claimed_by": 7}]), "claimed_by"),
        (gold(actor1=["PAK-MIL"]), "actor1"),
        (gold(optional="yes"), "optional"),
    ],
)
def test_malformed_gold_line_names_path_and_line(tmp_path, bad_line, message):
    path = _write_lines(tmp_path, "gold.jsonl", [gold(), gold(doc="d2"), bad_line])
    with pytest.raises(GoldFormatError) as error:
        read_gold(path)
    assert f"{path}:3:" in str(error.value)
    assert message in str(error.value)


def test_score_rejects_gold_with_a_bad_date():
    with pytest.raises(GoldFormatError, match="gold line 2"):
        score([], [gold(), gold(date="2024-13-01")])


def test_missing_gold_file_is_a_gold_format_error(tmp_path):
    with pytest.raises(GoldFormatError, match="cannot read"):
        read_gold(tmp_path / "absent.jsonl")


@pytest.mark.parametrize(
    ("published", "expected"),
    [
        ("2024-03-18", date(2024, 3, 18)),
        ("2024-03-18T09:30:00+05:00", date(2024, 3, 18)),
        ("2025-10-16T04:00:00Z", date(2025, 10, 16)),
        (None, None),
    ],
)
def test_read_gold_documents(tmp_path, published, expected):
    record = {"id": "n017", "url": None, "title": "Pakistan strikes Khost", "published": published,
              "text": "ISLAMABAD — Pakistani jets struck two provinces on Monday."}
    (document,) = read_gold_documents(_write_lines(tmp_path, "documents.jsonl", [record]))
    assert (document.id, document.published, document.title) == ("n017", expected, "Pakistan strikes Khost")
    assert document.text.startswith("ISLAMABAD")


@pytest.mark.parametrize(
    ("records", "message"),
    [
        ([{"id": "a", "text": "x", "published": "last Monday"}], "published"),
        ([{"id": "a", "text": "x"}, {"id": "a", "text": "y"}], "duplicate"),
        ([{"id": "", "text": "x"}], "id"),
        ([{"id": "a", "text": None}], "text"),
    ],
)
def test_malformed_documents_file(tmp_path, records, message):
    path = _write_lines(tmp_path, "documents.jsonl", records)
    with pytest.raises(GoldFormatError, match=message) as error:
        read_gold_documents(path)
    assert f"{path}:" in str(error.value)


# ---------------------------------------------------------------------------------------------------------
# The assignment solver against brute force


def _best_by_brute_force(weights):
    rows, columns = len(weights), len(weights[0])
    best = 0
    # try every injective map from the smaller side into the larger one
    for chosen in itertools.permutations(range(max(rows, columns)), min(rows, columns)):
        pairs = zip(chosen, range(columns), strict=True) if rows > columns else enumerate(chosen)
        best = max(best, sum(weights[r][c] or 0 for r, c in pairs))
    return best


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 5).flatmap(
        lambda rows: st.integers(1, 5).flatmap(
            lambda columns: st.lists(
                st.lists(st.one_of(st.none(), st.integers(1, 20)), min_size=columns, max_size=columns),
                min_size=rows,
                max_size=rows,
            )
        )
    )
)
def test_max_weight_assignment_is_optimal_and_one_to_one(weights):
    pairs = max_weight_assignment(weights)
    assert len({r for r, _ in pairs}) == len(pairs) == len({c for _, c in pairs})
    assert all(weights[r][c] is not None for r, c in pairs)
    assert sum(weights[r][c] for r, c in pairs) == _best_by_brute_force(weights)


@pytest.mark.parametrize(
    ("start", "precision", "end"),
    [
        (date(2024, 2, 1), Precision.MONTH, date(2024, 2, 29)),
        (date(2010, 12, 1), Precision.SEASON, date(2011, 2, 28)),
        (date(2025, 12, 29), Precision.WEEK, date(2026, 1, 4)),
    ],
)
def test_widening_across_month_and_year_ends(start, precision, end):
    line = gold(date=start.isoformat(), date_precision=precision.value)
    assert score([pred(date=end.isoformat())], [line]).tp == 1
    past_end = date.fromordinal(end.toordinal() + 1).isoformat()
    assert score([pred(date=past_end)], [line]).tp == 0
