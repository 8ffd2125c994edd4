"""Counts in news text: digits, number words, vague quantities and their qualifiers, as `Count`s.

Money, percentages, times, ordinals, measurements, ages and days of the month are not counts and are left
out; a bare 4-digit 1970..2100 value is kept but flagged `year_like`. Which count is a death toll is the
claims stage's decision, not this one's. Rules and choices: docs/dates-and-numbers.md.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from borderwatch.extract.dates import head_starts, modifier_run_starts
from borderwatch.model import Count

__all__ = ["NumberMatch", "find_numbers", "parse_number"]


@dataclass(frozen=True, slots=True)
class NumberMatch:
    """A count phrase: offsets relative to the text passed in, and the count it states."""

    start: int
    end: int
    text: str
    count: Count
    year_like: bool = False


# --- vocabulary ----------------------------------------------------------------------------------

_SMALL_NUMBERS = {
    word: value
    for value, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
        "sixteen seventeen eighteen nineteen".split()
    )
}
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}

# Vague quantities: (exact count, minimum). Plurals of a scale are read as "at least two of them"
# ("hundreds" ≥ 200); "scores" as at least two score. "several" and "a few" are lower bounds only:
# the writer gives no ceiling, and a reader who wants one can take the next unit up.
_VAGUE_COUNTS: dict[str, Count] = {
    "half a dozen": Count(count=6),
    "a couple": Count(count=2),
    "a couple of": Count(count=2),
    "several": Count(min=3),
    "a few": Count(min=2),
    "dozens": Count(min=24),
    "scores": Count(min=40),
    "hundreds": Count(min=200),
    "thousands": Count(min=2_000),
    "millions": Count(min=2_000_000),
    "tens of thousands": Count(min=20_000),
    "hundreds of thousands": Count(min=200_000),
}
_VAGUE_MULTIPLIERS = {"several": 3, "a few": 2}
_DOZEN = 12

# --- the pattern ---------------------------------------------------------------------------------

_UNITS = r"one|two|three|four|five|six|seven|eight|nine"
_TEENS = r"ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen"
_TENS_WORDS = r"twenty|thirty|forty|fourty|fifty|sixty|seventy|eighty|ninety"
_SMALL = rf"(?:(?:{_TENS_WORDS})(?:[-\s](?:{_UNITS})\b)?|(?:{_TEENS})|(?:{_UNITS}))\b"
_HUNDREDS = rf"(?:(?:an?|{_UNITS})[\s-]+hundred\b(?:[\s-]+(?:and[\s-]+)?{_SMALL})?|{_SMALL})"
_WORDS = (
    rf"(?:(?:an?|{_HUNDREDS})[\s-]+(?:thousand|million|billion)\b(?:,?[\s-]+(?:and[\s-]+)?{_HUNDREDS})?"
    rf"|{_HUNDREDS})"
)
_DIGITS = r"(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?![\d,.]\d)(?:[\s-]+(?:hundred|thousand|million|billion)\b)?"
_VAGUE = (
    r"half\s+an?\s+dozen|(?:an?|one|two|three|four|five|six|seven|eight|nine|ten|\d{1,2})\s+dozen\b"
    r"|(?:several|a\s+few)\s+(?:dozen|hundred|thousand)\b|(?:tens|hundreds)\s+of\s+thousands\b"
    r"|dozens|scores(?=\s+of\b)|hundreds|thousands|millions|several|a\s+few|a\s+couple(?:\s+of)?"
)
_ATOM = rf"(?i:{_VAGUE}|{_WORDS}|{_DIGITS})(?![\w%])"

_AT_LEAST = (
    r"at\s+least|more\s+than|over|well\s+over|upwards\s+of|in\s+excess\s+of|no\s+(?:fewer|less)\s+than"
    r"|not\s+less\s+than|a\s+minimum\s+of"
)
_AT_MOST = (
    r"up\s+to|as\s+many\s+as|no\s+more\s+than|not\s+more\s+than|fewer\s+than|less\s+than|under"
    r"|a\s+maximum\s+of|at\s+(?:the\s+)?most"
)
_ABOUT = (
    r"nearly|almost|about|around|approximately|approx\.|some|roughly|close\s+to|an\s+estimated|estimated"
    r"|just\s+under|just\s+over|only|just|a\s+total\s+of|totall?ing|a\s+further|another|all"
)
_NUMBER_PATTERN = re.compile(
    rf"(?:(?:(?P<least>(?i:{_AT_LEAST}))|(?P<most>(?i:{_AT_MOST}))|(?i:{_ABOUT}))\s+)?"
    rf"(?:(?i:between)\s+(?P<a1>{_ATOM})\s+(?i:and)\s+(?P<b1>{_ATOM})"
    rf"|(?P<a>{_ATOM})(?:(?:\s*[-–]\s*|\s+(?i:to|or)\s+)(?P<b>{_ATOM}))?)"
    r"(?P<plus>\s+(?i:or\s+more|plus)\b|-(?i:plus)\b|\+)?(?:\s+(?i:or\s+so)\b|-(?i:odd)\b)?"
)

# Heads: every count phrase contains one; the pattern is tried from the qualifier run before it.
# Written for `head_starts` (a non-word character, then the head word), factored by first letter.
_HEAD = re.compile(
    r"[^\w](?:\d|couple|dozen|e(?:ight|leven|ighty)|f(?:ive|our|orty|ifteen|ifty|ew)|h(?:alf|undred)|million"
    r"|n(?:ine|inety)|one|s(?:even|ix|ixty|everal|cores)|t(?:wo|hree|en|welve|hirteen|wenty|hirty|housand|ens))"
)
# One qualifier word and the space after it, matched on the reversed text before a head (see
# `modifier_run_starts`): the forward form is "([A-Za-z]+\.?)\s+".
_QUALIFIER_WORD_REVERSED = re.compile(r"\s+(\.?[A-Za-z]+)")
_QUALIFIER_WORDS = frozenset(
    """at least more than over well upwards of in excess no fewer less not a an minimum up to as many under
    maximum the most than nearly almost about around approximately approx. some roughly close estimated just
    only
    total totalling totaling further another all between""".split()
)
_MAX_QUALIFIERS = 4

_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?)(?![a-z])"
)
# Context that makes a number something other than a count.
_NOT_COUNT_BEFORE = re.compile(
    rf"(?:[$£€¥₹#]|\b(?:Rs|PKR|USD|US\$|AFN|Afs|INR|EUR|GBP|No|Nos|Art|Article|Section|Clause|Resolution"
    rf"|Paragraph|Chapter|Flight|Highway|Route|Phase|Vol|Page|pp?)\.?|\b{_MONTH}|[A-Za-z][-–]|\d[-–/])\s*$"
)
_NOT_COUNT_AFTER = re.compile(
    r"\s*(?:%|(?i:percent|per\s*cent)\b|(?i:[ap]\.?m\.?)(?![a-z])|(?i:o['’]clock|GMT|UTC|PST|IST|PKT)\b)"
    r"|\s*(?:km|kms|kg|mm|cm|ft|sq)\b|\s*(?i:kilomet(?:er|re)s?|miles?|met(?:er|re)s?|kilograms?|tons?|tonnes?"
    r"|feet|acres?|hectares?|dollars|rupees|afghanis|euros|pounds|crore|lakh|billion\s+(?:dollars|rupees))\b"
    r"|[-\s](?i:years?)[-\s](?i:old)\b"
    r"|[-\s](?i:thirds?|quarters?|halves|fifths?|tenths?)\b"
    r"|-(?i:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)\b"
    rf"|\s+(?:of\s+)?{_MONTH}"
)
_NO_ONE = re.compile(r"\b(?i:no|any|every|some)[\s-]+$")
_ONE_ANOTHER = re.compile(r"\s+another\b")
_FOUR_DIGITS = re.compile(r"\d{4}")
_CLOCK_AFTER = re.compile(r"\s*(?i:hours|hrs|h)\b")
PLAUSIBLE_YEARS = range(1970, 2101)


# --- parsing -------------------------------------------------------------------------------------


def parse_number(phrase: str) -> Count | None:
    """The count one number phrase states ("twenty-three", "1,200", "two dozen", "hundreds"), or None."""
    words = " ".join(phrase.lower().replace("-", " ").split())
    if words in _VAGUE_COUNTS:
        return _VAGUE_COUNTS[words]
    head, _, tail = words.rpartition(" ")
    if tail == "dozen":
        if head in _VAGUE_MULTIPLIERS:
            return Count(min=_VAGUE_MULTIPLIERS[head] * _DOZEN)
        multiplier = _parse_words(head)
        return Count(count=multiplier * _DOZEN) if multiplier else None
    if head in _VAGUE_MULTIPLIERS and tail in _SCALES:
        return Count(min=_VAGUE_MULTIPLIERS[head] * _SCALES[tail])
    value = _parse_words(words)
    return Count(count=value) if value is not None else None


def _parse_words(words: str) -> int | None:
    """Value of digits and/or number words: "two hundred and fifty", "1.5 million", "3,000"."""
    total = current = 0
    seen = False
    for token in words.replace(",", "").split():
        if token == "and":
            continue
        if token in ("a", "an"):
            current, seen = current or 1, True
            continue
        if token in _SCALES:
            current = (current or 1) * _SCALES[token]
            if _SCALES[token] > 100:
                total, current = total + current, 0
        elif token in _SMALL_NUMBERS or token in _TENS:
            current += _SMALL_NUMBERS.get(token, 0) + _TENS.get(token, 0)
        elif _DECIMAL.fullmatch(token):  # digits only: float() would also take "inf", "nan" and "1e400"
            current += float(token)
        else:
            return None
        seen = True
    value = total + current
    if not seen or not math.isfinite(value) or value != int(value):  # "3.5" alone is a measurement, not a count
        return None
    return int(value)


_DECIMAL = re.compile(r"\d+(?:\.\d+)?")


# --- matching ------------------------------------------------------------------------------------


def find_numbers(text: str) -> list[NumberMatch]:
    """Every count phrase in `text`, in order, with its qualifiers resolved into a `Count`."""
    found: list[NumberMatch] = []
    covered = 0
    for head in head_starts(_HEAD, text):
        if head < covered:
            continue
        m = _match_phrase(text, head, covered)
        if m is None:
            continue
        covered = m.end()
        if _NAMED_BEFORE.search(text, max(0, m.start() - 30), m.start()):
            continue  # "Rescue 1122", "Flight 370", "Gate 5": a number in a name is no count
        number = _resolve(m, text)
        if number is not None:
            found.append(number)
    return found


# A title-case word that names a service, a route or a part of a place, right before a number.
_NAMED_BEFORE = re.compile(r"\b(?:Rescue|Flight|Route|Gate|Sector|Block|Street|Lane|Phase|Section|Article|"
                           r"Clause|Room|Ward|Platform|Channel|Camp|Post|Unit|No\.|Number|Level|Corps|Division|"
                           r"Brigade|Squadron|Battalion)\s+$")


def _phrase_starts(text: str, head: int, floor: int) -> list[int]:
    return modifier_run_starts(text, head, floor, _QUALIFIER_WORD_REVERSED, _QUALIFIER_WORDS, 16 * _MAX_QUALIFIERS)


def _match_phrase(text: str, head: int, floor: int) -> re.Match[str] | None:
    for start in _phrase_starts(text, head, floor):
        if start > 0 and (text[start - 1].isalnum() or text[start - 1] in "$£€.,"):
            continue
        m = _NUMBER_PATTERN.match(text, start)
        if m is not None and m.end() > head:
            return m
    return None


def _resolve(m: re.Match[str], text: str) -> NumberMatch | None:
    first_group = "a1" if m["a1"] else "a"
    second_group = "b1" if m["a1"] else "b"
    if not _is_count(text, m.start(first_group), m.end(second_group if m[second_group] else first_group)):
        return None
    first = parse_number(m[first_group])
    if first is None:
        return None
    second = parse_number(m[second_group]) if m[second_group] else None
    end = m.end()
    if second is not None and first.low is not None and second.low is not None and second.low > first.low:
        count = Count(min=first.low, max=second.high if second.high is not None else second.low)
        unqualified = m.start() == m.start(first_group)
        year_like = unqualified and _is_year(m[first_group]) and _is_year(m[second_group])
        return NumberMatch(m.start(), end, m.group(), count, year_like)
    if m[second_group]:
        # "1-0", "2024-03": not a range; keep the first number alone.
        end = m.end(first_group)
    count = _qualified(first, m)
    year_like = _is_year(m[first_group]) and m.start() == m.start(first_group) and count == first
    return NumberMatch(m.start(), end, text[m.start() : end], count, year_like)


def _qualified(count: Count, m: re.Match[str]) -> Count:
    low = count.low
    if low is None:
        return count
    if m["least"] or m["plus"]:
        return Count(min=low)
    if m["most"]:
        return Count(max=count.high if count.high is not None else low)
    return count


def _is_year(phrase: str) -> bool:
    return bool(_FOUR_DIGITS.fullmatch(phrase)) and int(phrase) in PLAUSIBLE_YEARS


def _is_count(text: str, start: int, end: int) -> bool:
    """Whether the number at start..end counts things, judged by the words around it."""
    before = text[max(0, start - 16) : start]
    after = text[end : end + 24]
    if _NOT_COUNT_BEFORE.search(before) or _NOT_COUNT_AFTER.match(after):
        return False
    phrase = text[start:end].lower()
    if phrase == "one" and (_NO_ONE.search(before) or _ONE_ANOTHER.match(after)):
        return False  # "no one", "one another": pronouns, not counts
    # "0300 hours", "1400 hrs": military clock times.
    return not (_FOUR_DIGITS.fullmatch(phrase) and (phrase.startswith("0") or _CLOCK_AFTER.match(after)))
