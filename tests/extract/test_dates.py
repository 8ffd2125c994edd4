"""Date phrases as news outlets write them, resolved against a publication date and an anchor year."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from borderwatch.extract.dates import find_dates, window_range
from borderwatch.model import Precision

PUB = date(2024, 3, 20)  # a Wednesday
D, W, M, S, Y = Precision.DAY, Precision.WEEK, Precision.MONTH, Precision.SEASON, Precision.YEAR


def only(text, published=PUB, anchor_year=None):
    matches = find_dates(text, published, anchor_year)
    assert len(matches) == 1, matches
    return matches[0]


@pytest.mark.parametrize(
    ("text", "phrase", "start", "end", "precision", "year"),
    [
        ("In the early hours of March 18, the Pakistan Air Force struck", "the early hours of March 18",
         "2024-03-18", "2024-03-18", D, None),
        ("The jets struck on the night of March 17-18 in Khost.", "the night of March 17-18",
         "2024-03-17", "2024-03-18", D, None),
        ("The blast on 18 March 2024 killed four.", "18 March 2024", "2024-03-18", "2024-03-18", D, 2024),
        ("Kabul fell on Aug. 15, 2021, to the Taliban.", "Aug. 15, 2021",
         "2021-08-15", "2021-08-15", D, 2021),
        ("Troops patrol the fence, August 3, 2021.", "August 3, 2021", "2021-08-03", "2021-08-03", D, 2021),
        ("The Mohmand attack in Nov. 2011 strained ties.", "Nov. 2011", "2011-11-01", "2011-11-30", M, 2011),
        ("TTP ended the ceasefire by the end of November 2022.", "the end of November 2022",
         "2022-11-01", "2022-11-30", M, 2022),
        ("Talks stalled in mid-March 2023.", "mid-March 2023", "2023-03-01", "2023-03-31", M, 2023),
        ("Raids took place in the fall of 2010, officials said.", "the fall of 2010",
         "2010-09-01", "2010-11-30", S, 2010),
        ("Fighting resumed in autumn 2010.", "autumn 2010", "2010-09-01", "2010-11-30", S, 2010),
        ("The summer of 2009 saw heavy fighting in Swat.", "The summer of 2009",
         "2009-06-01", "2009-08-31", S, 2009),
        ("The winter of 2009-10 was quiet.", "The winter of 2009-10", "2009-12-01", "2010-02-28", S, 2009),
        ("Attacks rose in early 2023.", "early 2023", "2023-01-01", "2023-04-30", S, 2023),
        ("By mid-2022 the talks had failed.", "mid-2022", "2022-05-01", "2022-08-31", S, 2022),
        ("The group regrouped in late 2019.", "late 2019", "2019-09-01", "2019-12-31", S, 2019),
        ("During the 2021-2022 ceasefire, TTP regrouped.", "2021-2022", "2021-01-01", "2022-12-31", Y, 2022),
        ("the bad old days between 2007 and 2015", "between 2007 and 2015",
         "2007-01-01", "2015-12-31", Y, 2015),
        ("Budget for 2021-22 was cut.", "2021-22", "2021-01-01", "2022-12-31", Y, 2022),
        ("Two incidents occurred in 2008.", "2008", "2008-01-01", "2008-12-31", Y, 2008),
        ("The report was dated 2024-03-18.", "2024-03-18", "2024-03-18", "2024-03-18", D, 2024),
        ("Insurgency surged in the 1990s.", "the 1990s", "1990-01-01", "1999-12-31", Y, None),
        ("since 2022, Pakistan had conveyed its concerns", "2022", "2022-01-01", "2022-12-31", Y, 2022),
        ("2022's deadliest attack struck Peshawar.", "2022", "2022-01-01", "2022-12-31", Y, 2022),
        ("the 2008 attacks on NATO convoys", "2008", "2008-01-01", "2008-12-31", Y, 2008),
    ],
)
def test_absolute_dates(text, phrase, start, end, precision, year):
    match = only(text)
    assert match.text == phrase
    assert text[match.start : match.end] == phrase
    assert (match.range.start.isoformat(), match.range.end.isoformat()) == (start, end)
    assert match.range.precision is precision
    assert match.explicit_year == year


@pytest.mark.parametrize(
    ("text", "published", "anchor", "expected"),
    [
        ("The strikes on March 18 killed eight.", date(2024, 3, 20), None, "2024-03-18"),
        ("A bomb went off on December 5 in Quetta.", date(2024, 3, 20), None, "2023-12-05"),
        ("The first was in June, when US troops pursued", date(2024, 3, 20), 2008, "2008-06"),
        ("The second took place in Khyber in November.", date(2024, 3, 20), 2008, "2008-11"),
        ("The raid in May went deep into Pakistan.", date(2024, 3, 20), None, "2023-05"),
        ("Clashes erupted last June near Chaman.", date(2024, 3, 20), None, "2023-06"),
        ("Strikes on February 29 hit Paktika.", date(2023, 3, 1), None, "2020-02-29"),
        ("That September, gunmen stormed a school in Peshawar.", date(2024, 3, 20), 2012, "2012-09"),
    ],
)
def test_year_inferred_from_anchor_or_publication(text, published, anchor, expected):
    assert only(text, published, anchor).range.iso() == expected


@pytest.mark.parametrize(
    "text", ["The strikes on March 18 killed eight.", "It happened in June.", "last week"]
)
def test_no_year_is_invented_without_publication_or_anchor(text):
    match = only(text, published=None)
    assert match.range is None
    assert match.explicit_year is None


@pytest.mark.parametrize(
    ("text", "phrase", "start", "end", "precision"),
    [
        ("11 followers were killed yesterday by the security forces", "yesterday",
         "2024-03-19", "2024-03-19", D),
        ("Officials said today that the crossing was closed.", "today", "2024-03-20", "2024-03-20", D),
        ("Militants attacked a checkpost last night.", "last night", "2024-03-19", "2024-03-20", D),
        ("Meanwhile, on Monday, the prime minister said", "Monday", "2024-03-18", "2024-03-18", D),
        ("In a statement Thursday night, the Armed Forces said", "Thursday night",
         "2024-03-14", "2024-03-14", D),
        ("in the early hours of Tuesday", "the early hours of Tuesday", "2024-03-19", "2024-03-19", D),
        ("The State Department declared Wednesday that", "Wednesday", "2024-03-20", "2024-03-20", D),
        ("Police raided the compound last Friday.", "last Friday", "2024-03-15", "2024-03-15", D),
        ("Two soldiers died two days ago.", "two days ago", "2024-03-18", "2024-03-18", D),
        ("Pakistan last week reportedly launched strikes", "last week", "2024-03-11", "2024-03-17", W),
        ("in a strongly worded statement this week", "this week", "2024-03-18", "2024-03-24", W),
        ("who returned from the US earlier this week", "earlier this week", "2024-03-18", "2024-03-24", W),
        ("Last month, Pakistan, Russia and China met", "Last month", "2024-02-01", "2024-02-29", M),
        ("Attacks rose earlier this month in Bajaur.", "earlier this month", "2024-03-01", "2024-03-31", M),
        ("Violence fell last year, the report said.", "last year", "2023-01-01", "2023-12-31", Y),
        ("Attacks have doubled this year.", "this year", "2024-01-01", "2024-12-31", Y),
        ("Shelling resumed over the weekend.", "the weekend", "2024-03-11", "2024-03-17", W),
    ],
)
def test_dates_relative_to_publication(text, phrase, start, end, precision):
    match = only(text)
    assert match.text == phrase
    assert (match.range.start.isoformat(), match.range.end.isoformat()) == (start, end)
    assert match.range.precision is precision
    assert match.explicit_year is None


@pytest.mark.parametrize(
    ("text", "published", "iso", "precision"),
    [
        ("the operation that we undertook a few months ago", date(2023, 1, 6), "2022", Y),
        ("the US Senate recently approved funds", date(2023, 11, 15), "2023-09-01", S),
        ("Attacks surged in recent days along the border.", date(2024, 3, 22), "2024-03-18", W),
        ("The camp was hit two months ago.", date(2024, 3, 20), "2024-01", M),
    ],
)
def test_vague_windows_take_the_most_precise_unit_that_contains_them(text, published, iso, precision):
    match = only(text, published)
    assert match.range.iso() == iso
    assert match.range.precision is precision


@pytest.mark.parametrize(
    ("text", "phrase", "offset"),
    [
        ("The strikes came two days after the attack in Mir Ali.", "two days after", 2),
        ("a day after militants stormed the post", "a day after", 1),
        ("Hours after the blast, TTP claimed it.", "Hours after", 0),
        ("A week later, the Taliban retaliated.", "A week later", 7),
        ("days before the election", "days before", -2),
        ("a day earlier, seven soldiers were martyred", "a day earlier", -1),
        ("The next day, Afghan forces shelled Kurram.", "The next day", 1),
    ],
)
def test_event_relative_offsets(text, phrase, offset):
    match = only(text)
    assert (match.text, match.offset_days, match.range) == (phrase, offset, None)


@pytest.mark.parametrize(
    "text",
    [
        "on the sidelines of the 76th Session of the UN General Assembly",
        "the US Senate approved $200 million in aid",
        "a 15% increase compared to the previous period",
        "601 people were killed in 506 attacks",
        "Fighters killed in 2000 attacks were counted separately",
        "applicants filed Form 2022 with the ministry",
        "More than 2000 were displaced.",
        "She may leave; the march was peaceful.",
        "The fall of Kabul shocked Islamabad.",
    ],
)
def test_not_dates(text):
    assert find_dates(text, PUB) == []


def test_several_dates_in_order_with_offsets_into_the_text():
    text = "Seven soldiers died on March 16. On March 17, Zardari vowed revenge; strikes came on March 18."
    matches = find_dates(text, PUB)
    assert [m.range.iso() for m in matches] == ["2024-03-16", "2024-03-17", "2024-03-18"]
    assert all(text[m.start : m.end] == m.text for m in matches)


def test_datetime_publication_is_accepted():
    from datetime import datetime

    assert only("yesterday", datetime(2024, 3, 20, 23, 59)).range.iso() == "2024-03-19"


@given(st.dates(min_value=date(1971, 1, 1), max_value=date(2099, 12, 31)))
def test_written_day_round_trips(day):
    text = f"The attack on {day:%B} {day.day}, {day.year} killed four."
    match = only(text)
    assert match.range.start == match.range.end == day
    assert match.explicit_year == day.year


@given(st.dates(min_value=date(1980, 1, 1), max_value=date(2090, 12, 31)), st.integers(0, 400))
def test_windows_contain_their_days_and_are_well_formed(first, length):
    from datetime import timedelta

    last = first + timedelta(days=length)
    window = window_range(first, last)
    assert window.start <= first and last <= window.end
    if window.precision is Precision.WEEK:
        assert window.start.weekday() == 0


@given(
    st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31)), st.integers(1, 12), st.integers(1, 28)
)
def test_month_day_without_year_is_the_latest_not_after_publication(published, month, day):
    match = only(f"The strike on {date(2000, month, day):%B} {day} hit Khost.", published)
    assert match.range.start <= published
    assert match.range.start.replace(year=match.range.start.year + 1) > published
    assert match.explicit_year is None


def test_a_night_spanning_two_days_is_dated_by_the_first():
    from borderwatch.extract.dates import find_dates

    text = "On the night of 2/3 February 2022, terrorists attacked two camps."
    [d] = find_dates(text, date(2022, 2, 5))
    assert (text[d.start:d.end], d.range.start) == ("2/3 February 2022", date(2022, 2, 2))
    [d] = find_dates("Terrorists attacked on 3 February 2022.", date(2022, 2, 5))
    assert d.range.start == date(2022, 2, 3)


@pytest.mark.parametrize(("text", "phrase", "iso"), [
    ("the heaviest losses since December last year", "December last year", "2024-12"),
    ("in March last year", "March last year", "2024-03"),
    ("in December of last year", "December of last year", "2024-12"),
    ("on May 3 this year", "May 3 this year", "2025-05-03"),
])
def test_a_month_and_the_relative_year_after_it_are_one_date_in_that_year(text, phrase, iso):
    [d] = find_dates(text, date(2025, 10, 9))
    assert (d.text, d.range.iso()) == (phrase, iso)
