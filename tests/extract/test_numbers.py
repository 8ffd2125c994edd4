"""Counts as news outlets write them: digits, words, vague quantities, qualifiers and ranges."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from borderwatch.extract.numbers import find_numbers, parse_number
from borderwatch.model import Count


def only(text):
    matches = find_numbers(text)
    assert len(matches) == 1, matches
    return matches[0]


@pytest.mark.parametrize(
    ("text", "phrase", "count"),
    [
        ("7 soldiers were martyred in North Waziristan", "7", Count(count=7)),
        ("1,200 families fled Bajaur", "1,200", Count(count=1200)),
        ("Seven people were reportedly killed", "Seven", Count(count=7)),
        ("eleven Pakistani military personnel died", "eleven", Count(count=11)),
        ("twenty-three militants were killed", "twenty-three", Count(count=23)),
        ("Two high profile incidents occurred", "Two", Count(count=2)),
        ("a hundred fighters crossed the border", "a hundred", Count(count=100)),
        ("two hundred and fifty families", "two hundred and fifty", Count(count=250)),
        ("five thousand two hundred refugees", "five thousand two hundred", Count(count=5200)),
        ("1.5 million refugees were deported", "1.5 million", Count(count=1_500_000)),
        ("a dozen checkposts were overrun", "a dozen", Count(count=12)),
        ("two dozen Taliban fighters", "two dozen", Count(count=24)),
        ("half a dozen villagers", "half a dozen", Count(count=6)),
        ("dozens were injured in the blast", "dozens", Count(min=24)),
        ("scores of people were wounded", "scores", Count(min=40)),
        ("hundreds fled across Torkham", "hundreds", Count(min=200)),
        ("tens of thousands were displaced", "tens of thousands", Count(min=20_000)),
        ("several hundred militants", "several hundred", Count(min=300)),
        ("several soldiers were hurt", "several", Count(min=3)),
        ("a few civilians were hit", "a few", Count(min=2)),
        ("one of the most publicized instances", "one", Count(count=1)),
    ],
)
def test_counts(text, phrase, count):
    match = only(text)
    assert (match.text, match.count, match.year_like) == (phrase, count, False)
    assert text[match.start : match.end] == phrase


@pytest.mark.parametrize(
    ("text", "phrase", "count"),
    [
        ("at least 8 people were killed", "at least 8", Count(min=8)),
        ("more than 8 militants died", "more than 8", Count(min=8)),
        ("over 50 houses were damaged", "over 50", Count(min=50)),
        ("upwards of 60 fighters", "upwards of 60", Count(min=60)),
        ("8 or more soldiers", "8 or more", Count(min=8)),
        ("an 8-plus hour gunfight", "8-plus", Count(min=8)),
        ("more than a dozen civilians", "more than a dozen", Count(min=12)),
        ("up to 10 soldiers may have died", "up to 10", Count(max=10)),
        ("as many as 10 militants", "as many as 10", Count(max=10)),
        ("nearly 200 fighters", "nearly 200", Count(count=200)),
        ("approximately 200 Afghan Taliban fighters", "approximately 200", Count(count=200)),
        ("some 200 tribesmen", "some 200", Count(count=200)),
        ("roughly 40 people", "roughly 40", Count(count=40)),
        ("only eight people died", "only eight", Count(count=8)),
        ("8 to 10 people were killed", "8 to 10", Count(min=8, max=10)),
        ("8-10 people were killed", "8-10", Count(min=8, max=10)),
        ("between 8 and 10 people", "between 8 and 10", Count(min=8, max=10)),
        ("eight or nine soldiers", "eight or nine", Count(min=8, max=9)),
        ("between eight and 10 people", "between eight and 10", Count(min=8, max=10)),
    ],
)
def test_qualifiers_and_ranges(text, phrase, count):
    match = only(text)
    assert (match.text, match.count) == (phrase, count)


@pytest.mark.parametrize(
    "text",
    [
        "the 76th Session of the UN General Assembly",
        "the second incident took place in Khyber",
        "the Senate approved $200 million in aid",
        "Rs 5 billion was allocated",
        "Only $5 per month.",
        "a 15% increase",
        "a 15 percent increase",
        "the blast happened at 3 pm",
        "shelling began at 5 a.m.",
        "curfew from 0300 hours",
        "Checkpost No. 3 was attacked",
        "F-16 jets and MQ-9 drones",
        "a 12-year-old boy",
        "5 km from the border",
        "no one was hurt",
        "in the twenty-first century",
        "two-thirds of the district",
        "a magnitude 3.5 tremor",
        "the strikes of 18 March",
    ],
)
def test_not_counts(text):
    assert find_numbers(text) == []


@pytest.mark.parametrize(
    ("text", "phrase", "count"),
    [
        ("601 people were killed in 506 attacks in 2022", "2022", Count(count=2022)),
        ("the bad old days of 2007-2015", "2007-2015", Count(min=2007, max=2015)),
        ("on March 18, 2024", "2024", Count(count=2024)),
    ],
)
def test_year_like_values_are_flagged(text, phrase, count):
    year = [m for m in find_numbers(text) if m.year_like]
    assert [(m.text, m.count) for m in year] == [(phrase, count)]


def test_counts_in_a_sentence_in_order():
    text = "28 Pakistan troops, including two officers, were killed and 11 more were wounded."
    assert [m.count.count for m in find_numbers(text)] == [28, 2, 11]


def test_qualified_year_sized_count_is_not_year_like():
    assert only("about 2000 people fled").year_like is False


@given(st.integers(0, 999_999_999))
def test_digits_with_thousands_separators_round_trip(value):
    match = only(f"Officials said {value:,} people were affected.")
    assert match.count == Count(count=value)


_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen"
).split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()


def _spell(n):
    """English words for 0..999999 (the test's own speller, independent of the parser)."""
    if n < 20:
        return _WORDS[n]
    if n < 100:
        return _TENS[n // 10 - 2] + ("-" + _WORDS[n % 10] if n % 10 else "")
    if n < 1000:
        return _WORDS[n // 100] + " hundred" + (" and " + _spell(n % 100) if n % 100 else "")
    return _spell(n // 1000) + " thousand" + (" " + _spell(n % 1000) if n % 1000 else "")


@given(st.integers(1, 999_999))
def test_spelled_numbers_round_trip(value):
    assert parse_number(_spell(value)) == Count(count=value)
    assert only(f"Police said {_spell(value)} people were killed.").count == Count(count=value)


@pytest.mark.parametrize("phrase", ["inf", "nan", "Infinity", "1e400", "9" * 400])
def test_words_float_would_take_are_no_count(phrase):
    # found by the property run: float() reads these, and int() of its result raised
    assert parse_number(phrase) is None
