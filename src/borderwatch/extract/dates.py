"""Date phrases in news text, resolved to `DateRange`s with the precision the words support.

One compiled regex finds every candidate phrase in a single pass; a small resolver per kind of phrase
turns the match into a range. Rules and the choices behind them are in docs/dates-and-numbers.md.
The one rule above all others: never invent a year the text (or the caller's anchor) does not support.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from borderwatch.model import DateRange, Precision

__all__ = ["DateMatch", "find_dates"]

# A bare 4-digit number is only read as a year inside this window; outside it, it is a count.
PLAUSIBLE_YEARS = range(1970, 2101)

# "recently" is read as "within the last eight weeks": long enough for a weekly's "recently", short
# enough not to swallow last year.
RECENTLY_DAYS = 56


@dataclass(frozen=True, slots=True)
class DateMatch:
    """A date phrase: offsets relative to the text passed in, and what it resolves to.

    `range` is None when the phrase cannot be placed in time (no publication date for "yesterday",
    no year for "March 18", an event-relative offset). `offset_days` is set for phrases that date an
    event relative to another one ("two days after" → +2).
    """

    start: int
    end: int
    text: str
    range: DateRange | None
    explicit_year: int | None
    offset_days: int | None = None


@dataclass(frozen=True, slots=True)
class _Context:
    published: date | None
    anchor_year: int | None


# --- vocabulary ----------------------------------------------------------------------------------

_MONTH_NUMBERS = {
    name: number
    for number, name in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1
    )
}
_WEEKDAY_NUMBERS = {
    name: number
    for number, name in enumerate(
        ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
    )
}
# First month of each season and its length; winter starts in December of the year it is named for.
_SEASON_FIRST_MONTH = {"spring": 3, "summer": 6, "fall": 9, "autumn": 9, "winter": 12}
_SEASON_MONTHS = 3

# Vague quantities as (low, high) multiples of a unit: "a few months" is 2 to 5 months.
_QUANTITY_BOUNDS = {
    "a": (1, 1), "an": (1, 1), "one": (1, 1), "a couple of": (2, 2), "a couple": (2, 2),
    "a few": (2, 5), "few": (2, 5), "several": (3, 7), "some": (2, 7), "two": (2, 2), "three": (3, 3),
    "four": (4, 4), "five": (5, 5), "six": (6, 6), "seven": (7, 7), "eight": (8, 8), "nine": (9, 9),
    "ten": (10, 10), "eleven": (11, 11), "twelve": (12, 12), "fifteen": (15, 15), "twenty": (20, 20),
    "thirty": (30, 30),
}
# A bare plural ("days after", "months ago") means at least two of the unit.
_BARE_PLURAL_BOUNDS = (2, 5)
_UNIT_DAYS = {"minute": 0, "hour": 0, "day": 1, "week": 7, "month": 30, "year": 365, "decade": 3650}

# Year thirds for "early/mid/late 2022" (see docs): (first month, last month).
_YEAR_PART_MONTHS = {
    "early": (1, 4), "beginning": (1, 4), "start": (1, 4), "early part": (1, 4),
    "mid": (5, 8), "middle": (5, 8),
    "late": (9, 12), "end": (9, 12), "later part": (9, 12),
    "first half": (1, 6), "second half": (7, 12), "latter half": (7, 12),
}
# Decade parts for "the early 1990s": (first year, last year) within the decade.
_DECADE_PART_YEARS = {None: (0, 9), "early": (0, 3), "mid": (3, 6), "late": (7, 9)}

# --- the one pattern -----------------------------------------------------------------------------

_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?)(?![a-z])"
)
_MONTH_FULL = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December)(?![a-z])"
)
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?![\d:])\b"
_YEAR = r"(?<![\d.,$])(?:1[89]\d\d|20\d\d|2100)(?![\d%])"
_BARE_YEAR = r"(?<![\d.,$£€#/-])(?:19[7-9]\d|20\d\d|2100)(?![\d%]|[.,]\d)"
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)(?![a-z])"
_SEASON = r"(?i:spring|summer|fall|autumn|winter)(?![a-z])"
# "in the early hours of", "on the night of": the date that follows is still a day.
_DAYPART = (
    r"(?i:(?:(?:in|during|on|over)\s+)?the\s+)?"
    r"(?i:(?:early|small|wee)\s+hours|early\s+morning|night|morning|evening|afternoon)\s+(?i:of)\s+"
)
_MONTH_MODIFIER = (
    r"(?i:(?:the\s+)?(?:end|beginning|start|middle|first\s+week|last\s+week|second\s+week|third\s+week)"
    r"\s+of\s+|early[-\s]+|mid-?\s*|late[-\s]+)"
)
_QUANTITY = (
    r"(?i:a\s+couple\s+of|a\s+couple|a\s+few|several|few|some|an|a|one|two|three|four|five|six|seven"
    r"|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|\d{1,3})"
)
_UNIT = r"(?i:minutes?|hours?|days?|weeks?|months?|years?|decades?)"

_ALTERNATIVES = [
    r"(?P<iso>(?<![\d-])(?P<iso_y>\d{4})-(?P<iso_m>[01]\d)-(?P<iso_d>[0-3]\d)(?![\d-]))",
    rf"(?P<yr>(?i:between)\s+(?P<yr_a1>{_YEAR})\s+(?i:and)\s+(?P<yr_b1>{_YEAR})"
    rf"|(?:(?i:from)\s+)?(?P<yr_a2>{_YEAR})\s+(?i:to|through|until|till)\s+(?P<yr_b2>{_YEAR})"
    rf"|(?P<yr_a3>{_YEAR})\s*[-–/]\s*(?P<yr_b3>{_YEAR}|\d\d(?![\d-])))",
    rf"(?P<md>(?:{_DAYPART})?(?:{_WEEKDAY},?\s+)?(?P<md_mon>{_MONTH})\s+(?P<md_day>{_DAY})"
    rf"(?:\s*[-–]\s*(?P<md_day2>{_DAY})|\s+and\s+(?P<md_day3>{_DAY})(?!\s+[a-z]))?(?:,?\s+(?P<md_year>{_YEAR}))?)",
    rf"(?P<dm>(?:{_DAYPART})?(?:{_WEEKDAY},?\s+)?(?:the\s+)?(?P<dm_day>{_DAY})(?:\s*[-–]\s*(?P<dm_day2>{_DAY}))?"
    rf"\s+(?:of\s+)?(?P<dm_mon>{_MONTH})(?:,?\s+(?P<dm_year>{_YEAR}))?)",
    rf"(?P<my>(?P<my_mod>{_MONTH_MODIFIER})?(?P<my_mon>{_MONTH})"
    rf"(?:\s*(?:[-–]|\s(?:and|to|through)\s)\s*(?P<my_mon2>{_MONTH}))?,?\s+(?:of\s+)?(?P<my_year>{_YEAR}))",
    rf"(?P<sy>(?:(?i:the)\s+)?(?:(?i:early|late|mid)[-\s]+)?(?P<sy_season>{_SEASON})\s+(?:(?i:of)\s+)?"
    rf"(?P<sy_year>{_YEAR})(?:\s*[-–/]\s*(?P<sy_year2>{_YEAR}|\d\d(?!\d)))?)",
    rf"(?P<yp>(?P<yp_mod>(?i:(?:the\s+)?(?:end|beginning|start|middle|first\s+half|second\s+half|latter\s+half"
    rf"|later\s+part|early\s+part)\s+of|early|mid|late))[-\s]+(?P<yp_year>{_YEAR}))",
    r"(?P<dec>(?:(?i:the)\s+)?(?:(?P<dec_mod>(?i:early|mid|late))[-\s]+)?"
    r"(?P<dec_year>19[0-9]0|20[0-9]0)'?s(?![a-z]))",
    rf"(?P<mo>(?:(?P<mo_rel>(?i:last|this|next|past))\s+|(?i:in|since|by|until|till|during|from|through|before"
    rf"|after|between|month\s+of|that)\s+(?:(?i:early|late|mid)[-\s]+)?|{_MONTH_MODIFIER})(?P<mo_mon>{_MONTH_FULL})"
    r"(?!\.?,?\s+(?:of\s+)?\d))",
    rf"(?P<sr>(?:(?P<sr_rel>(?i:last|this|next|past))\s+|(?i:(?:in|during|over|through|since|by|until)\s+the)"
    rf"\s+(?:(?i:early|late)\s+)?)(?P<sr_season>{_SEASON})(?!\s+of\b))",
    rf"(?P<wd>(?:(?P<wd_rel>(?i:last|this\s+past|past|previous|this|next|coming))\s+)?(?:{_DAYPART})?"
    rf"(?:(?i:early|late)\s+(?:(?i:on)\s+)?)?(?P<wd_day>{_WEEKDAY})"
    r"(?:\s+(?i:night|morning|evening|afternoon))?)",
    r"(?P<rd>(?P<rd_word>(?i:the\s+day\s+before\s+yesterday|yesterday|today|tonight|last\s+night|earlier\s+today"
    r"|this\s+(?:morning|afternoon|evening)|tomorrow))(?![a-z]))",
    rf"(?P<rw>(?:(?i:over|in|during|within)\s+)?(?i:the\s+)?(?i:past|last)\s+(?P<rw_q>{_QUANTITY})\s+"
    r"(?P<rw_unit>(?i:days|weeks|months|years))(?![a-z]))",
    r"(?P<rp>(?P<rp_rel>(?i:(?:over|in|during|within)\s+the\s+(?:past|last)|the\s+past|earlier\s+this|later\s+this"
    r"|so\s+far\s+this|this\s+past|last|this|next))\s+(?P<rp_unit>(?i:week|month|year|weekend))(?![a-z])"
    r"|(?i:over|at)\s+the\s+(?P<rp_weekend>(?i:weekend))(?![a-z]))",
    rf"(?P<rq>(?:(?P<rq_q>{_QUANTITY})[\s-]+)?(?P<rq_unit>{_UNIT})\s+"
    r"(?P<rq_dir>(?i:ago|after|later|before|earlier|prior))(?![a-z]))",
    r"(?P<ro>(?i:the)\s+(?:(?P<ro_which>(?i:next|following|previous|preceding|same|prior))\s+"
    r"(?P<ro_unit>(?i:day|morning|evening|night|afternoon|week|month))"
    r"|(?P<ro_unit2>(?i:day|night|week))\s+(?P<ro_dir>(?i:before|after))(?!\s+(?i:yesterday)))(?![a-z]))",
    r"(?P<rc>(?<![Aa]s\s)(?i:recently|in\s+recent\s+(?P<rc_unit>days|weeks|months|years))(?![a-z]))",
    rf"(?P<yb>{_BARE_YEAR})",
]


def _date_pattern(skip: Callable[[str], bool]) -> re.Pattern[str]:
    """The alternatives whose name `skip` does not exclude, in their order, as one pattern."""
    kept = (a for a in _ALTERNATIVES if not skip(a[len("(?P<"):a.index(">")]))
    return re.compile(r"\b(?:" + "|".join(kept) + ")")


# One pattern for phrases that start with a digit, one for the rest: each holds only the alternatives
# that can start that way, in their original order, so the first one that matches is the same as in
# the pattern of all of them, and a start pays for fewer alternatives.
_DIGIT_FIRST = frozenset({"iso", "yr", "dm", "dec", "rq", "yb"})  # these may begin with a digit
_DIGIT_ONLY = frozenset({"iso", "yb"})  # these must
_DATE_PATTERN_AT_DIGIT = _date_pattern(lambda name: name not in _DIGIT_FIRST)
_DATE_PATTERN_AT_WORD = _date_pattern(lambda name: name in _DIGIT_ONLY)

# Running the full pattern at every word is slow; every date phrase contains one of these head words,
# so the pattern is only tried from the start of the run of modifier words just before a head.
# Written for `head_starts`: the non-word character before the head comes first, so the engine skips
# between candidate characters in C instead of trying the pattern at every position (twice as fast as
# a leading "\b"), and the words are factored by first letter ("mon" also heads "month", "dec" "decade").
_HEAD = re.compile(
    r"[^\w](?:\d|a(?:pr|ug|utumn)|d(?:ay|ec)|f(?:all|eb|ri)|hour|j(?:an|u[nl])|m(?:a[ry]|on|inute)"
    r"|n(?:ight|ov)|oct|recent|s(?:at|ep|pring|u[nm])|t(?:hu|ue|o(?:day|night|morrow))|w(?:ed|eek|inter)"
    r"|y(?:ear|esterday))"
)
# Every date phrase consumes its head word as one of these tokens, so a head word that is none of them
# ("martyred", "Marwat", the verb "may", "Sunni", "monitor") is skipped without trying the full pattern.
# Month and weekday tokens carry the pattern's own guards; the others have none, so this can only let
# through more heads than the pattern can use, never fewer.
_HEAD_TOKEN = re.compile(
    rf"\d|{_MONTH}|{_WEEKDAY}|(?i:yesterday|today|tonight|tomorrow|recent|week|month|year|day|night|decade"
    r"|hour|minute|spring|summer|fall|autumn|winter)"
)
# One modifier word and the separators after it, matched on the reversed text before a head (see
# `modifier_run_starts`): the forward form is "([A-Za-z]+)[\s,–-]+".
_MODIFIER_WORD_REVERSED = re.compile(r"[\s,–-]+([A-Za-z]+)")
# Words that can come before a head inside a date phrase ("in the early hours of", "a few", "between").
_MODIFIER_WORDS = frozenset(
    """in on during over the a an of between from since by until till through throughout before after last
    this next past previous preceding following same coming early late mid end beginning start middle first
    second third latter later part half small wee hours morning night evening afternoon earlier so far at
    within month few several couple some one two three four five six seven eight nine ten eleven twelve
    fifteen twenty thirty monday tuesday wednesday thursday friday saturday sunday that""".split()
)
_MAX_MODIFIERS = 6

# A leading preposition says how the date relates to the clause, not which date it is: left out of the span.
_LEADING_PREPOSITION = re.compile(r"(?i:in|on|since|by|until|till|during|throughout|at|over|within)\s+")

# Context that makes a plausible 4-digit number a count or a label rather than a year.
_COUNT_WORD_AFTER = re.compile(
    r"\s*(?:%|(?i:percent|per\s?cent|hours|hrs|gmt))|\s+(?:[a-z]{2,}[^s\W]s|people|men|women|children|police"
    r"|personnel|troops|infantry|militia|dead|killed|wounded|injured|strong)\b"
)
_DETERMINER_BEFORE = re.compile(r"(?:\b(?i:the|its|their|his|her|this|that|these|those)|['’]s)\s+$")
_QUANTITY_BEFORE = re.compile(
    r"(?:[$£€#]|\b(?:Rs\.?|PKR|USD|AFN|Afs|No\.?|Nos\.?)|\b(?i:than|least|up\s+to|as\s+many\s+as|total\s+of"
    r"|nearly|almost|estimated))\s*$"
)
_WORD_BEFORE = re.compile(r"\b([A-Za-z]+)\s+$")
_SENTENCE_END_BEFORE = re.compile(r"(?:^|[.!?:;\"“”\n(]\s*)$")
# Capitalised words that may precede a year at the start of a sentence or in a title.
_YEAR_LEAD_WORDS = frozenset(
    "In Since During By Until Till Before After From Through Throughout Of The And Or Also For Early Late "
    "Mid Around Between Until Unlike Like Even Only Back Last Since Spring Summer Fall Autumn Winter".split()
)


# --- calendar arithmetic -------------------------------------------------------------------------


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _month_range(year: int, month: int) -> DateRange:
    return DateRange(date(year, month, 1), _month_end(year, month), Precision.MONTH)


def _year_range(first: int, last: int | None = None) -> DateRange:
    return DateRange(date(first, 1, 1), date(last if last is not None else first, 12, 31), Precision.YEAR)


def _week_range(day: date) -> DateRange:
    monday = day - timedelta(days=day.weekday())
    return DateRange(monday, monday + timedelta(days=6), Precision.WEEK)


def _add_months(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def _shift_months(day: date, delta: int) -> date:
    year, month = _add_months(day.year, day.month, delta)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _season_range(season: str, year: int) -> DateRange:
    first = _SEASON_FIRST_MONTH[season]
    last_year, last_month = _add_months(year, first, _SEASON_MONTHS - 1)
    return DateRange(date(year, first, 1), _month_end(last_year, last_month), Precision.SEASON)


def _season_of(day: date) -> tuple[int, int]:
    """(year the season starts in, first month) of the meteorological season containing `day`."""
    first = (day.month // 3) * 3 or 12
    return (day.year - 1 if day.month < 3 else day.year), first


def window_range(first: date, last: date) -> DateRange:
    """The most precise unit (day, week, month, season, year, years) that contains first..last."""
    if first == last:
        return DateRange(first, last, Precision.DAY)
    week = _week_range(first)
    if last <= week.end:
        return week
    if (first.year, first.month) == (last.year, last.month):
        return _month_range(first.year, first.month)
    season_year, season_month = _season_of(first)
    if _season_of(last) == (season_year, season_month):
        name = next(n for n, m in _SEASON_FIRST_MONTH.items() if m == season_month)
        return _season_range(name, season_year)
    return _year_range(first.year, last.year)


def _latest_on_or_before(published: date, month: int, day: int | None) -> int | None:
    """The latest year in which month/day (or the month's first day) is not after `published`."""
    for year in range(published.year, published.year - 9, -1):
        try:
            candidate = date(year, month, day or 1)
        except ValueError:  # February 29 in a common year: look further back.
            continue
        if candidate <= published:
            return year
    return None


def _year_for(month: int, day: int | None, ctx: _Context) -> int | None:
    if ctx.anchor_year is not None:
        return ctx.anchor_year
    if ctx.published is not None:
        return _latest_on_or_before(ctx.published, month, day)
    return None


def _day_range(year: int | None, month: int, day: int, last_day: int | None) -> DateRange | None:
    if year is None:
        return None
    try:
        start = date(year, month, day)
        end = date(year, month, last_day) if last_day and last_day > day else start
    except ValueError:
        return None
    return DateRange(start, end, Precision.DAY)


def _number(word: str) -> int:
    return int(word.rstrip("stndrh"))


def _year_int(word: str | None) -> int | None:
    return int(word) if word else None


# --- resolvers: one per alternative --------------------------------------------------------------

_Resolved = tuple[DateRange | None, int | None, int | None]  # (range, explicit year, offset days)


def _resolve_iso(m: re.Match[str], ctx: _Context) -> _Resolved | None:
    try:
        day = date(int(m["iso_y"]), int(m["iso_m"]), int(m["iso_d"]))
    except ValueError:
        return None
    return DateRange(day, day, Precision.DAY), day.year, None


def _resolve_year_range(m: re.Match[str], ctx: _Context) -> _Resolved | None:
    first = int(m["yr_a1"] or m["yr_a2"] or m["yr_a3"])
    second_text = m["yr_b1"] or m["yr_b2"] or m["yr_b3"]
    if len(second_text) == 2:
        second = first // 100 * 100 + int(second_text)
        if second <= first:
            # "2024-03" is a year and a month, not a range running backwards.
            month = int(second_text)
            return (_month_range(first, month), first, None) if 1 <= month <= 12 else None
    else:
        second = int(second_text)
    if second <= first:
        return None
    return _year_range(first, second), second, None


def _resolve_month_day(m: re.Match[str], ctx: _Context) -> _Resolved | None:
    month = _MONTH_NUMBERS[m["md_mon"][:3].lower()]
    return _resolve_day(month, m["md_day"], m["md_day2"] or m["md_day3"], _year_int(m["md_year"]), ctx)


def _resolve_day_month(m: re.Match[str], ctx: _Context) -> _Resolved | None:
    month = _MONTH_NUMBERS[m["dm_mon"][:3].lower()]
    return _resolve_day(month, m["dm_day"], m["dm_day2"], _year_int(m["dm_year"]), ctx)


def _resolve_day(
    month: int, day_text: str, last_text: str | None, year: int | None, ctx: _Context
) -> _Resolved | None:
    day = _number(day_text)
    last_day = _number(last_text) if last_text else None
    if day > calendar.monthrange(2000, month)[1]:  # "February 30" is not a date in any year.
        return None
    resolved_year = year if year is not None else _year_for(month, day, ctx)
    return _day_range(resolved_year, month, day, last_day), year, None


def _resolve_month_year(m: re.Match[str], ctx: _Context) -> _Resolved | None:
    year = int(m["my_year"])
    first = _MONTH_NUMBERS[m["my_mon"][:3].lower()]
    last = _MONTH_NUMBERS[m["my_mon2"][:3].lower()] if m["my_mon2"] else first
    if last < first:
        return None
    return DateRange(date(year, first, 1), _month_end(year, last), Precision.MONTH), year, None


def _resolve_month(m: re.Match[str], ctx: _Context) -> _Resolved | None:
    month = _MONTH_NUMBERS[m["mo_mon"][:3].lower()]
    relation = (m["mo_rel"] or "").lower()
    if relation and ctx.published is None:
        return None, None, None
    if relation == "this":
        year: int | None = ctx.published.year
    elif relation == "next":
        year = ctx.published.year + (1 if month <= ctx.published.month else 0)
    elif relation:  # last / past: the latest such month strictly before the publication month.
        year = ctx.published.year - (1 if month >= ctx.published.month else 0)
    else:
        year = _year_for(month, None, ctx)
    return (_month_range(year, month) if year is not None else None), None, None


def _resolve_season_year(m: re.Match[str], ctx: _Context) -> _Resolved | None:
    season = m["sy_season"].lower()
    year = int(m["sy_year"])
    if m["sy_year2"] and season != "winter":
        return None  # "summer 2009-10" names no single season.
    return _season_range(season, year), year, None


def _resolve_season(m: re.Match[str], ctx: _Context) -> _Resolved | None:
    season = m["sr_season"].lower()
    first_month = _SEASON_FIRST_MONTH[season]
    relation = (m["sr_rel"] or "").lower()
    if ctx.anchor_year is not None and not relation:
        return _season_range(season, ctx.anchor_year), None, None
    if ctx.published is None:
        return None, None, None
    latest_start_year = ctx.published.year if ctx.published.month >= first_month else ctx.published.year - 1
    current = _season_range(season, latest_start_year)
    if relation in ("last", "past") and current.end >= ctx.published:
        current = _season_range(season, latest_start_year - 1)
    elif relation == "next":
        current = _season_range(season, latest_start_year + 1)
    return current, None, None


def _resolve_year_part(m: re.Match[str], ctx: _Context) -> _Resolved | None:
    year = int(m["yp_year"])
    modifier = " ".join(m["yp_mod"].lower().replace("-", " ").split())
    modifier = modifier.removeprefix("the ").removesuffix(" of")
    first, last = _YEAR_PART_MONTHS[modifier]
    return DateRange(date(year, first, 1), _month_end(year, last), Precision.SEASON), year, None


def _resolve_decade(m: re.Match[str], ctx: _Context) -> _Resolved | None:
    decade = int(m["dec_year"])
    first, last = _DECADE_PART_YEARS[m["dec_mod"].lower() if m["dec_mod"] else None]
    return _year_range(decade + first, decade + last), None, None


def _resolve_weekday(m: re.Match[str], ctx: _Context) -> _Resolved | None:
    if ctx.published is None:
        return None, None, None
    weekday = _WEEKDAY_NUMBERS[m["wd_day"].lower()]
    relation = " ".join((m["wd_rel"] or "").lower().split())
    back = (ctx.published.weekday() - weekday) % 7
    if relation in ("next", "coming"):
        day = ctx.published + timedelta(days=(weekday - ctx.published.weekday()) % 7 or 7)
    else:
        if back == 0 and relation in ("last", "past", "previous", "this past"):
            back = 7  # "last Friday" in a Friday paper is a week ago.
        day = ctx.published - timedelta(days=back)
    return DateRange(day, day, Precision.DAY), None, None


def _resolve_relative_day(m: re.Match[str], ctx: _Context) -> _Resolved | None:
    if ctx.published is None:
        return None, None, None
    word = " ".join(m["rd_word"].lower().split())
    pub = ctx.published
    if word == "the day before yesterday":
        return DateRange(pub - timedelta(days=2), pub - timedelta(days=2), Precision.DAY), None, None
    if word == "yesterday":
        return DateRange(pub - timedelta(days=1), pub - timedelta(days=1), Precision.DAY), None, None
    if word == "last night":  # the night before publication runs into the publication day
        return DateRange(pub - timedelta(days=1), pub, Precision.DAY), None, None
    if word == "tomorrow":
        return DateRange(pub + timedelta(days=1), pub + timedelta(days=1), Precision.DAY), None, None
    return DateRange(pub, pub, Precision.DAY), None, None


def _quantity_bounds(word: str | None, plural: bool) -> tuple[int, int]:
    if word is None:
        return _BARE_PLURAL_BOUNDS if plural else (1, 1)
    word = " ".join(word.lower().split())
    if word.isdigit():
        return int(word), int(word)
    return _QUANTITY_BOUNDS[word]


def _back(pub: date, unit: str, amount: int) -> date:
    if unit == "month":
        return _shift_months(pub, -amount)
    if unit in ("year", "decade"):
        years = amount * (10 if unit == "decade" else 1)
        return _shift_months(pub, -12 * years)
    return pub - timedelta(days=amount * _UNIT_DAYS[unit])


def _point_range(pub: date, unit: str, amount: int) -> DateRange:
    """An exact "N units ago": the unit that N steps back lands in."""
    day = _back(pub, unit, amount)
    if unit == "week":
        return _week_range(day)
    if unit == "month":
        return _month_range(day.year, day.month)
    if unit == "year":
        return _year_range(day.year)
    if unit == "decade":
        return window_range(_back(pub, "year", amount * 10 + 2), _back(pub, "year", amount * 10 - 2))
    return DateRange(day, day, Precision.DAY)


def _resolve_quantity(m: re.Match[str], ctx: _Context) -> _Resolved | None:
    unit_word = m["rq_unit"].lower()
    unit = unit_word.rstrip("s")
    low, high = _quantity_bounds(m["rq_q"], unit_word.endswith("s"))
    direction = m["rq_dir"].lower()
    if direction != "ago":
        sign = 1 if direction in ("after", "later") else -1
        return None, None, sign * low * _UNIT_DAYS[unit]
    if ctx.published is None:
        return None, None, None
    if unit in ("minute", "hour"):
        return DateRange(ctx.published, ctx.published, Precision.DAY), None, None
    if low == high:
        return _point_range(ctx.published, unit, low), None, None
    return window_range(_back(ctx.published, unit, high), _back(ctx.published, unit, low)), None, None


def _resolve_window(m: re.Match[str], ctx: _Context) -> _Resolved | None:
    if ctx.published is None:
        return None, None, None
    unit = m["rw_unit"].lower().rstrip("s")
    _, high = _quantity_bounds(m["rw_q"], True)
    return window_range(_back(ctx.published, unit, high), ctx.published), None, None


def _resolve_period(m: re.Match[str], ctx: _Context) -> _Resolved | None:
    if ctx.published is None:
        return None, None, None
    pub = ctx.published
    unit = (m["rp_unit"] or m["rp_weekend"]).lower()
    relation = " ".join((m["rp_rel"] or "").lower().split())
    if unit == "weekend":
        # The most recent Saturday-Sunday on or before publication (next: the coming one).
        saturday = pub - timedelta(days=(pub.weekday() - 5) % 7)
        if relation == "next":
            saturday += timedelta(days=7)
        return _week_range(saturday), None, None
    if relation.endswith(("past", "last")) and relation != "last":  # "the past week": a trailing window
        return window_range(_back(pub, unit, 1), pub), None, None
    step = {"last": -1, "next": 1}.get(relation, 0)
    if unit == "week":
        return _week_range(pub + timedelta(days=7 * step)), None, None
    if unit == "month":
        year, month = _add_months(pub.year, pub.month, step)
        return _month_range(year, month), None, None
    return _year_range(pub.year + step), None, None


def _resolve_offset(m: re.Match[str], ctx: _Context) -> _Resolved | None:
    if m["ro_dir"]:
        unit = m["ro_unit2"].lower()
        sign = 1 if m["ro_dir"].lower() == "after" else -1
    else:
        unit = m["ro_unit"].lower()
        which = m["ro_which"].lower()
        sign = 0 if which == "same" else (1 if which in ("next", "following") else -1)
    days = {"week": 7, "month": 30}.get(unit, 1)
    return None, None, sign * days


def _resolve_recent(m: re.Match[str], ctx: _Context) -> _Resolved | None:
    if ctx.published is None:
        return None, None, None
    pub = ctx.published
    unit = (m["rc_unit"] or "").lower().rstrip("s")
    if unit:
        first = _back(pub, unit, 5 if unit in ("month", "year") else 3)
    else:
        first = pub - timedelta(days=RECENTLY_DAYS)
    return window_range(first, pub), None, None


def _resolve_bare_year(m: re.Match[str], ctx: _Context, text: str) -> _Resolved | None:
    start, end = m.span()
    if not _reads_as_year(text, start, end):
        return None
    year = int(m.group())
    return _year_range(year), year, None


def _reads_as_year(text: str, start: int, end: int) -> bool:
    """Whether a plausible 4-digit number is used as a year ("in 2022", "2022's") rather than a count."""
    after = text[end : end + 24]
    if after.startswith(("'s", "’s")):
        return True
    before = text[max(0, start - 24) : start]
    if _QUANTITY_BEFORE.search(before):
        return False
    if _COUNT_WORD_AFTER.match(after) and not _DETERMINER_BEFORE.search(before):
        return False  # "in 2000 attacks", but "the 2008 attacks"
    return not _is_label_before(text, start)


def _is_label_before(text: str, start: int) -> bool:
    """Whether a capitalised word in mid-sentence labels the number ("Form 2022", "Vision 2030")."""
    word = _WORD_BEFORE.search(text, max(0, start - 24), start)
    if word is None or not word.group(1)[0].isupper():
        return False
    name = word.group(1)
    if name in _YEAR_LEAD_WORDS or name[:3] in _MONTH_NAMES:
        return False
    return not _SENTENCE_END_BEFORE.search(text, max(0, word.start() - 4), word.start())


_MONTH_NAMES = frozenset(name.capitalize() for name in _MONTH_NUMBERS)

_RESOLVERS: dict[str, Callable[[re.Match[str], _Context], _Resolved | None]] = {
    "iso": _resolve_iso,
    "yr": _resolve_year_range,
    "md": _resolve_month_day,
    "dm": _resolve_day_month,
    "my": _resolve_month_year,
    "sy": _resolve_season_year,
    "yp": _resolve_year_part,
    "dec": _resolve_decade,
    "mo": _resolve_month,
    "sr": _resolve_season,
    "wd": _resolve_weekday,
    "rd": _resolve_relative_day,
    "rw": _resolve_window,
    "rp": _resolve_period,
    "rq": _resolve_quantity,
    "ro": _resolve_offset,
    "rc": _resolve_recent,
}


# --- public API ----------------------------------------------------------------------------------


def find_dates(text: str, published: date | None, anchor_year: int | None = None) -> list[DateMatch]:
    """Every date phrase in `text`, in order, resolved against `published` and `anchor_year`.

    `anchor_year` is the year the discourse is in (the latest explicit year mentioned before `text`):
    it places "June" and "March 18" before the publication date does.
    """
    if isinstance(published, datetime):
        published = published.date()
    ctx = _Context(published, anchor_year)
    found: list[DateMatch] = []
    covered = 0
    for head in head_starts(_HEAD, text):
        if head < covered or _HEAD_TOKEN.match(text, head) is None:
            continue
        m = _match_phrase(text, head, covered)
        if m is None:
            continue
        covered = m.end()
        date_match = _resolve_match(m, text, ctx)
        if date_match is not None:
            found.append(_night_spanning(text, date_match))
    return _with_relative_year(text, found)


# "December last year", "in March of this year": a month and the year it is in, one phrase
_OF_GAP = re.compile(r"\s+(?:of\s+)?")


def _with_relative_year(text: str, found: list[DateMatch]) -> list[DateMatch]:
    """A month (or day) followed by the relative year it falls in is one date, as precise as the month and
    in that year: "since December last year" dates to December, not to the whole of last year, and "in
    March last year" to the March of last year, not the latest March."""
    out: list[DateMatch] = []
    for d in found:
        last = out[-1] if out else None
        if (last is not None and last.range is not None and d.range is not None and last.explicit_year is None
                and d.range.precision is Precision.YEAR and last.range.precision in (Precision.DAY, Precision.MONTH)
                and last.range.start.year == last.range.end.year and _OF_GAP.fullmatch(text, last.end, d.start)):
            year = d.range.start.year
            try:
                moved = DateRange(last.range.start.replace(year=year), last.range.end.replace(year=year),
                                  last.range.precision)
            except ValueError:  # February 29 in a year without one
                out.append(d)
                continue
            out[-1] = DateMatch(last.start, d.end, text[last.start:d.end], moved, last.explicit_year,
                                last.offset_days)
            continue
        out.append(d)
    return out


# "on the night of 2/3 February": the first of two days a night spans, written before the second
_NIGHT_FIRST_DAY = re.compile(r"\b(\d{1,2})\s*/\s*$")


def _night_spanning(text: str, d: DateMatch) -> DateMatch:
    """The night of the 2nd to the 3rd began on the 2nd: the act is dated by the day it began."""
    if d.range is None or d.range.precision is not Precision.DAY:
        return d
    m = _NIGHT_FIRST_DAY.search(text, max(0, d.start - 6), d.start)
    if m is None or int(m.group(1)) != d.range.start.day - 1:
        return d
    day = d.range.start - timedelta(days=1)
    return DateMatch(m.start(1), d.end, text[m.start(1):d.end], DateRange(day, day, Precision.DAY), d.explicit_year,
                     d.offset_days)


def lowered_for_search(text: str) -> str:
    """`text` lower-cased for a fast case-free scan, or as is where lower-casing would move offsets."""
    lowered = text.lower()
    return lowered if len(lowered) == len(text) else text


def head_starts(head_re: re.Pattern[str], text: str) -> Iterator[int]:
    """Offsets of the head words in `text`, found case-free by `head_re`, a pattern written as
    "[^\\w](?:head words)": the text is searched with a space put before it, so a head at the very
    start is found too and each match starts exactly at the offset of its head word in `text`."""
    return (m.start() for m in head_re.finditer(" " + lowered_for_search(text)))


def modifier_run_starts(text: str, head: int, floor: int, reversed_word_re: re.Pattern[str],
                        vocabulary: frozenset[str], reach: int) -> list[int]:
    """Where a phrase ending in the head word may start: each start of the run of `vocabulary` words
    right before `head` ("in the early hours of", "at least"), farthest first; `head` itself last.

    `reversed_word_re` matches, on the reversed text, the separators after one word and then the word
    (group 1, reversed); `reach` bounds the look-back. Walking back from the head with anchored matches
    on the reversed window costs one match per modifier word instead of a scan of the whole window."""
    window = max(floor, head - reach)
    starts = [head]
    backwards = text[window:head][::-1]
    consumed = 0
    while (word := reversed_word_re.match(backwards, consumed)) is not None:
        if word.group(1)[::-1].lower() not in vocabulary:
            break
        consumed = word.end()
        starts.append(head - consumed)
    return starts[::-1]


def _phrase_starts(text: str, head: int, floor: int) -> list[int]:
    return modifier_run_starts(text, head, floor, _MODIFIER_WORD_REVERSED, _MODIFIER_WORDS, 12 * _MAX_MODIFIERS)


def _match_phrase(text: str, head: int, floor: int) -> re.Match[str] | None:
    for start in _phrase_starts(text, head, floor):
        pattern = _DATE_PATTERN_AT_DIGIT if text[start].isdecimal() else _DATE_PATTERN_AT_WORD
        m = pattern.match(text, start)
        if m is not None and m.end() > head:
            return m
    return None


def _resolve_match(m: re.Match[str], text: str, ctx: _Context) -> DateMatch | None:
    kind = m.lastgroup
    resolved = _resolve_bare_year(m, ctx, text) if kind == "yb" else _RESOLVERS[kind](m, ctx)
    if resolved is None:
        return None
    lead = _LEADING_PREPOSITION.match(text, m.start(), m.end())
    start = lead.end() if lead else m.start()
    date_range, explicit_year, offset = resolved
    return DateMatch(start, m.end(), text[start : m.end()], date_range, explicit_year, offset)
