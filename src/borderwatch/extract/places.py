"""Place mentions in a text, resolved against a gazetteer.

The resolution cascade, applied to each name found (docs/gazetteer.md has the reasoning):

1. **Find names**: runs of capitalised words; at each word the longest run of up to
   `MAX_NAME_WORDS` words whose folded form is an indexed name. No regex per name.
2. **Not a place**: drop names that head an organisation ("Pakistan Army", "Quetta Shura"), follow a
   title ("Gen.", "Mullah") or a given name ("Shahid Afridi"), or close one ("Tehreek-e-Taliban Pakistan"),
   and names that end a longer proper name, after a title-case word the gazetteer does not know
   ("Liaquat Bagh", a park in Rawalpindi).
3. **Type word**: "Spera district", "province of Khost", "Khost and Paktia provinces", "the Tirah
   Valley" keep only candidates of that level.
4. **Country qualifier**: "Afghanistan's Paktia", "the Pakistani town of Chaman", "Khost,
   Afghanistan" keep only that country's candidates.
5. **Context**: prefer candidates inside a district, province or country that the other places in
   the same text resolve to ("Mir Ali, North Waziristan"; "Ali Khel" near "Orakzai").
6. **Seat**: a bare name shared by a town and the unit it is the seat of means the town ("Kabul",
   "Spera"), as news and ACLED use it.
7. **Size**: admin units over villages, then larger population, then id (for determinism).

Each narrowing step is soft: when it would leave no candidate, it is skipped.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from borderwatch.gazetteer import Gazetteer, Level, fold_name
from borderwatch.model import Place

# Longest indexed name in words ("Islamic Republic of Afghanistan" is 4, "Federally Administered
# Tribal Areas" 4); 5 leaves room without scanning long title-case runs.
MAX_NAME_WORDS = 5
# How many other readings a match keeps for downstream stages and review.
MAX_ALTERNATIVES = 8
# Words between "Afghanistan's"/"Pakistani" and the name they qualify: "Pakistan's restive North
# Waziristan tribal district" has 1, "Afghanistan's eastern Paktia" 1, "Pakistan's tribal agency of
# Mohmand" 3. Four covers the phrasing seen in AP, Reuters, Dawn and TOLOnews copy.
MAX_QUALIFIER_GAP_WORDS = 4

# A capitalised word, not inside another word; keeps "Qal'ah" whole but stops before a possessive
# "'s". Hyphens split words so "Pakistan-Afghanistan" yields both countries. The capital comes first
# and the look-behind after it, so the engine skips to capitals in C instead of trying every position.
_WORD = re.compile(r"[A-Z\u00C0-\u00DE\u0100-\u024F](?<![\w'’‘].)\w*(?:['’‘](?![sS]\b)\w+)*")
# What may sit between two words of one name: a space, a hyphen, or an ezafe/"and" particle
# ("Dand-e-Patan", "Sar-e Pul", "Pachir wa Agam").
_JOIN = re.compile(r"[ \u00a0]|-|[ -](?:e|i|ye|wa|o)[ -]")
_ABBREVIATION_JOIN = re.compile(r"\.[ \u00a0]?")  # "D.I. Khan"
_EZAFE_WORDS = frozenset({"e", "i", "ye", "wa", "o"})

_SUFFIX_HINT = re.compile(
    r"[ \u00a0]+(tribal[ -](?:districts?|agenc(?:y|ies)|regions?|areas?)|provinces?|districts?|"
    r"agenc(?:y|ies)|valleys?|city|town|village|border[ -]crossing|crossing)\b",
    re.IGNORECASE,
)
_PREFIX_HINT = re.compile(
    r"\b(provinces?|districts?|agency|tribal (?:district|agency|region)|city|town|village|valley)"
    r"\s+of\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_QUALIFIER_GAP = re.compile(rf"[ \u00a0]+(?:[\w-]+[ \u00a0]+){{0,{MAX_QUALIFIER_GAP_WORDS}}}")
_COUNTRY_AFTER = re.compile(
    r"(?:,[ \u00a0]*|[ \u00a0]+in[ \u00a0]+)(Afghanistan|Pakistan|Iran|India)\b(?!['’]s)")
_NEXT_WORD = re.compile(r"(?:['’]s)?[ \u00a0]+([A-Za-z][\w'’]*)")
_PREVIOUS_GAP = re.compile(r"\.?[ \u00a0]|-|-e-|-i-")
_COORDINATION = re.compile(r",?[ \u00a0]+and[ \u00a0]+|,[ \u00a0]*")

_COUNTRY_CODES = {"afghanistan": "AF", "afghan": "AF", "pakistan": "PK", "pakistani": "PK", "iran": "IR",
                  "iranian": "IR", "india": "IN", "indian": "IN"}
_COUNTRY_NAMES = frozenset({"afghanistan", "pakistan", "iran", "india"})
_COUNTRY_ADJECTIVES = frozenset({"afghan", "pakistani", "iranian", "indian"})
_HINT_LEVELS = {
    "province": Level.ADMIN1, "district": Level.ADMIN2, "agency": Level.ADMIN2, "agencies": Level.ADMIN2,
    "tribal": Level.ADMIN2, "valley": Level.LOCALITY, "city": Level.LOCALITY, "town": Level.LOCALITY,
    "village": Level.LOCALITY, "border": Level.LOCALITY, "crossing": Level.LOCALITY,
}
# Words after a country name that make it part of an organisation or a nationality, not a place.
_COUNTRY_ORGANISATION_WORDS = frozenset({
    "army", "air", "navy", "government", "govt", "foreign", "military", "taliban", "tehreek", "tehrik",
    "cricket", "embassy", "high", "consulate", "armed", "peoples", "people's", "muslim", "rangers",
    "railways", "international", "today", "observer", "times", "defence", "defense", "interior",
    "national", "nationals", "ministry", "television", "tv", "radio", "football", "hockey", "super",
    "electoral", "election", "institute", "independent", "analysts", "telecommunication", "state",
    "central", "stock", "broadcasting", "press", "red", "islamic", "public", "supreme", "senate",
    "foreign-office", "tehreek-e-insaf", "tehreek-i-insaf", "tehrik-i-taliban", "security", "border",
})
# Capitalised words after any place name that make it part of an organisation's name.
_ORGANISATION_HEADS = frozenset({
    "shura", "university", "rifles", "scouts", "levies", "militia", "liberation", "bank", "press",
    "polytechnic", "medical", "times", "chamber", "cricket", "board", "club", "hotel", "high", "college",
    "institute", "party", "movement", "front", "tigers", "zalmi", "qalandars", "kings", "gladiators",
    "united", "post", "tribune", "today", "observer", "express", "news", "airlines", "railways",
    "masjid",  # "Lal Masjid": the Red Mosque, not Lal
    # "Balochistan Home Minister Sarfraz Bugti said": an office of the province, the speaker's title
    "home", "minister", "ministry", "chief", "governor", "government", "assembly", "department", "secretary",
    "inspector", "police", "constabulary",
    # "the Punjab Regiment's training school in Dargai": a unit of the army
    "regiment", "regimental", "battalion", "brigade",
})
# Words right before a place name that make it the end of an organisation's name.
_ORGANISATION_TAILS = frozenset({
    "taliban", "tehreek", "tehrik", "jamaat", "jamiat", "league", "party", "front", "movement", "state",
    "bank", "airlines", "bureau", "council", "army",
})
# Titles and given names: the capitalised word that follows belongs to a person.
_PERSON_MARKERS = frozenset({
    "mr", "mrs", "ms", "dr", "gen", "general", "lt", "col", "colonel", "maj", "major", "brig", "brigadier",
    "capt", "captain", "commander", "cmdr", "mullah", "mulla", "maulana", "maulvi", "mawlawi", "mufti",
    "sheikh", "qari", "haji", "hafiz", "sardar", "imam", "president", "senator", "justice", "syed", "sayed",
    "pir", "sahibzada", "ustad", "abdul", "mohammad", "muhammad", "mohammed", "ahmad", "ahmed", "shahid",
    "imran", "nawaz", "asif", "khalid", "tariq", "hamid", "ashraf", "noor", "nur", "gul", "hakimullah",
    "baitullah", "fazlullah", "sirajuddin", "jalaluddin", "zabihullah", "ihsanullah", "shah", "ali",
    "hassan", "hussain", "omar", "umar", "usman", "yousaf", "yusuf", "malala", "saeed", "said", "sami",
    "sana", "benazir", "bilawal", "maryam", "shehbaz", "shahbaz", "pervez", "raheel", "qamar", "asim",
})


_CONTEXT_WORDS = _PERSON_MARKERS | _ORGANISATION_TAILS | _EZAFE_WORDS | _COUNTRY_ADJECTIVES

# A title-case word right before a name, one space away: with it the name may be the end of a longer
# proper name that is no place ("Liaquat Bagh", a park; "Jinnah Park"; "Fazlur Rehman").
_TITLE_WORD_BEFORE = re.compile(r"([A-Z][a-z]+)[ \u00a0]$")
# Title-case words that qualify a place or name an office, not a longer name: "Upper Kurram", "Eastern
# Nangarhar", "Deputy Commissioner Bannu", "Inspector General Police Khyber Pakhtunkhwa".
_BEFORE_A_PLACE = frozenset({
    "upper", "lower", "central", "north", "south", "east", "west", "northern", "southern", "eastern", "western",
    "greater", "old", "new", "tribal", "district", "tehsil", "agency", "province", "provincial", "division",
    "commissioner", "minister", "governor", "police", "chief", "deputy", "inspector", "superintendent",
    "officer", "secretary", "spokesman", "commander", "corps", "sector", "camp", "cantonment", "city",
    "village", "town", "valley", "in", "at", "on", "near", "from", "to", "of", "the", "and", "across",
    "inside", "outside", "into", "around", "between", "via", "outskirts", "restive", "neighbouring",
    "neighboring", "nearby", "militant", "insurgent", "border", "frontier", "rural", "urban", "hilly",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february",
    "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
})


@dataclass(frozen=True, slots=True)
class PlaceMatch:
    """A place name in a text: offsets into that text, the chosen place and the other readings."""

    start: int
    end: int
    text: str
    place: Place
    alternatives: tuple[Place, ...] = ()


@dataclass(frozen=True, slots=True)
class _Word:
    start: int
    end: int
    key: str


@dataclass(frozen=True, slots=True)
class _Found:
    start: int
    end: int
    key: str
    first_word: int


@dataclass(frozen=True, slots=True)
class _Constraints:
    level: Level | None
    country: str | None


_fold_word = functools.lru_cache(maxsize=16384)(fold_name)


def find_places(text: str, gazetteer: Gazetteer) -> list[PlaceMatch]:
    """Every place name in `text` with the place it most likely denotes, in text order."""
    words = _words(text, gazetteer)
    names = _find_names(text, words, gazetteer)
    ends = {f.end for f in names}
    found = [f for f in names if not _is_organisation_or_person(text, f, words, ends)]
    levels = _level_hints(text, found)
    countries = _country_qualifiers(text, found, words)
    constraints = [_Constraints(level, country) for level, country in zip(levels, countries, strict=True)]
    pools = [_narrow(gazetteer.candidates(f.key), c) for f, c in zip(found, constraints, strict=True)]
    first = [_ranked(pool, c, gazetteer, _Evidence.empty(), None)[0]
             for pool, c in zip(pools, constraints, strict=True)]
    evidence = _Evidence.of(first)
    matches = []
    for f, pool, c, own in zip(found, pools, constraints, first, strict=True):
        ranked = _ranked(pool, c, gazetteer, evidence, own)
        alternatives = tuple(ranked[1:MAX_ALTERNATIVES + 1])
        if len(pool) < len(candidates := gazetteer.candidates(f.key)):
            kept = {p.id for p in pool}
            alternatives += tuple(p for p in candidates if p.id not in kept)
            alternatives = alternatives[:MAX_ALTERNATIVES]
        matches.append(PlaceMatch(f.start, f.end, text[f.start:f.end], ranked[0], alternatives))
    return _without_foreign_parts(text, matches)


# "a Hazara neighbourhood of Kabul", "the Kot area of Nangarhar": a part named before the place it is part
# of. When no reading of the part lies in the same province as the whole, the name is an unknown locality
# or an adjective (Hazara is also a town in Swat), not that far-off place.
_PART_OF = re.compile(
    r"[ \u00a0]+(?:neighbou?rhoods?|quarters?|suburbs?|enclaves?|localit(?:y|ies)|areas?|parts?|sections?|"
    r"districts?|towns?|villages?|valleys?|regions?)[ \u00a0]+(?:in|of)[ \u00a0]+(?:the[ \u00a0]+)?"
    r"(?:(?:city|capital|province)[ \u00a0]+of[ \u00a0]+)?", re.IGNORECASE)


def _without_foreign_parts(text: str, matches: list[PlaceMatch]) -> list[PlaceMatch]:
    kept = []
    for i, m in enumerate(matches):
        whole = matches[i + 1] if i + 1 < len(matches) else None
        if whole is not None and _PART_OF.fullmatch(text, m.end, whole.start) and not any(
                _same_province(reading, whole.place) for reading in (m.place, *m.alternatives)):
            continue
        kept.append(m)
    return kept


def _same_province(part: Place, whole: Place) -> bool:
    return part.country == whole.country and (whole.precision == Level.COUNTRY or part.admin1 == whole.admin1)


# --- 1. finding names -------------------------------------------------------------------------------

def _words(text: str, gazetteer: Gazetteer) -> list[_Word]:
    """Capitalised words that can start or continue a name, or mark a person or organisation.
    Other words are left out; the text between two kept words then stops them joining."""
    words = []
    for m in _WORD.finditer(text):
        token = m.group()
        if not (token.isascii() or token[0].isupper()):
            continue
        key = _fold_word(token)
        if key in _CONTEXT_WORDS or gazetteer.has_word(key):
            words.append(_Word(m.start(), m.end(), key))
    return words


def _joined(text: str, left: _Word, right: _Word) -> bool:
    gap = text[left.end:right.start]
    if _JOIN.fullmatch(gap):
        return True
    return len(left.key) == 1 and _ABBREVIATION_JOIN.fullmatch(gap) is not None


def _find_names(text: str, words: Sequence[_Word], gazetteer: Gazetteer) -> list[_Found]:
    found, i = [], 0
    while i < len(words):
        best, key, parts = None, "", 0
        for j in range(i, min(i + MAX_NAME_WORDS, len(words))):
            if j > i and not _joined(text, words[j - 1], words[j]):
                break
            word_key = words[j].key
            if parts and word_key in _EZAFE_WORDS and len(words[j - 1].key) > 1:
                continue  # an ezafe written as its own word, as in "Kuran Wa Munjan"; fold_name drops it too
            key = f"{key} {word_key}" if key else word_key
            parts += 1
            if not gazetteer.has_prefix(key):
                break
            if gazetteer.index.get(key):
                best = (j, key)
        if best is None:
            i += 1
            continue
        j, key = best
        found.append(_Found(words[i].start, words[j].end, key, i))
        i = j + 1
    return found


# --- 2. organisations and people --------------------------------------------------------------------

# Words after a name that make it a people's name (an ethnic group, a tribe, a sect), not a place's.
_PEOPLE_WORDS = frozenset("community communities tribe tribes tribesmen tribeswomen clan clans shias shiites "
                          "shia sunnis minority ethnic coal miners pilgrims".split())


# An ezafe linking the name to a word the name does not include ("Dasht" of "Dasht-e-Barchi").
_EZAFE_AFTER = re.compile(r"-(?:e|i|ye|ul|ud)-[A-Z]")
_EZAFE_BEFORE = re.compile(r"[A-Za-z][ -](?:e|i|ye|ul|ud)-$")


def _is_organisation_or_person(text: str, found: _Found, words: Sequence[_Word], name_ends: set[int]) -> bool:
    after = _NEXT_WORD.match(text, found.end)
    if after:
        first = re.sub(r"['’]s$", "", after.group(1))  # "the Punjab Regiment's school"
        if found.key in _COUNTRY_CODES and first.lower() in _COUNTRY_ORGANISATION_WORDS:
            return True
        if first[0].isupper() and first.lower() in _ORGANISATION_HEADS:
            return True
        if first.lower() in _PEOPLE_WORDS:
            return True  # "the Hazara community", "Turi tribesmen", "Hazara coal miners": people, not a place
    if _inside_longer_name(text, found.start, words, found.first_word, name_ends):
        return True
    if _EZAFE_AFTER.match(text, found.end) or _EZAFE_BEFORE.search(text, max(0, found.start - 12), found.start):
        return True  # "Dasht-e-Barchi", "Shah-i-Kot": the start or end of a longer name the gazetteer lacks
    if found.first_word == 0:
        return False
    # Only a capitalised word directly before counts: "Gen. Raheel Sharif", "Shahid Afridi",
    # "Tehreek-e-Taliban Pakistan"; lower-case "general" ("the general area of Bajaur") does not.
    previous = words[found.first_word - 1]
    if not _PREVIOUS_GAP.fullmatch(text, previous.end, found.start):
        return False
    return previous.key in _ORGANISATION_TAILS or previous.key in _PERSON_MARKERS


def _inside_longer_name(text: str, start: int, words: Sequence[_Word], first_word: int,
                        name_ends: set[int]) -> bool:
    """'a rally at Liaquat Bagh': a title-case word that is no place name, no qualifier and not the
    first word of its sentence (where every word is capitalised), right before the name, makes the two
    one name, and the name alone is not the place. A word that only occurs inside longer names of the
    gazetteer ("Shor" of "Shor Tepa", before "Bazaar") counts as such a word: `name_ends` are the ends of
    the names found."""
    before = _TITLE_WORD_BEFORE.search(text, max(0, start - 30), start)
    if before is None or before.group(1).lower() in _BEFORE_A_PLACE:
        return False
    if first_word > 0 and words[first_word - 1].end == before.end(1) and (
            before.end(1) in name_ends or words[first_word - 1].key in _CONTEXT_WORDS):
        return False  # a place of its own, or a title or qualifier handled above
    opening = text[:before.start(1)].rstrip()
    return bool(opening) and opening[-1] not in ".!?:;\"“”'‘’()[]—–-"


# --- 3. and 4. type words and country qualifiers ----------------------------------------------------

def _hint_level(word: str) -> Level | None:
    word = word.lower().replace("-", " ")
    first = word.split()[0]
    singular = first[:-3] + "y" if first.endswith("ies") else first.rstrip("s")
    return _HINT_LEVELS.get(singular)


def _level_hints(text: str, found: Sequence[_Found]) -> list[Level | None]:
    levels: list[Level | None] = []
    for i, f in enumerate(found):
        level = None
        if suffix := _SUFFIX_HINT.match(text, f.end):
            level = _hint_level(suffix.group(1))
            if suffix.group(1).lower().endswith("s"):  # "Khost and Paktia provinces"
                _spread_plural_hint(text, found, levels, i, level)
        elif text.endswith(("of ", "of the "), 0, f.start) and (
                prefix := _PREFIX_HINT.search(text, max(0, f.start - 40), f.start)):
            level = _hint_level(prefix.group(1))
        levels.append(level)
    return levels


def _spread_plural_hint(text: str, found: Sequence[_Found], levels: list[Level | None], i: int,
                        level: Level | None) -> None:
    """"Khost and Paktia provinces": the plural type word covers every name in the coordination."""
    k = i
    while k > 0 and _COORDINATION.fullmatch(text, found[k - 1].end, found[k].start):
        levels[k - 1] = levels[k - 1] or level
        k -= 1


def _country_qualifiers(text: str, found: Sequence[_Found], words: Sequence[_Word]) -> list[str | None]:
    """For each name, the country that "Afghanistan's ..."/"Pakistani ..." before it or ", Pakistan"
    after it names. Qualifiers come from the words already found, not from a scan per name."""
    qualifiers = [(w.end + 2 if w.key in _COUNTRY_NAMES else w.end, _COUNTRY_CODES[w.key]) for w in words
                  if w.key in _COUNTRY_ADJECTIVES
                  or (w.key in _COUNTRY_NAMES and text.startswith(("'s", "’s"), w.end))]
    countries: list[str | None] = []
    q = 0
    for f in found:
        while q < len(qualifiers) and qualifiers[q][0] <= f.start:
            q += 1
        country = None
        if q and _QUALIFIER_GAP.fullmatch(text, qualifiers[q - 1][0], f.start):
            country = qualifiers[q - 1][1]
        elif after := _COUNTRY_AFTER.match(text, f.end):
            country = _COUNTRY_CODES[after.group(1).lower()]
        countries.append(country)
    return countries


def _narrow(candidates: Sequence[Place], constraints: _Constraints) -> list[Place]:
    pool = list(candidates)
    if constraints.level is not None:
        pool = [p for p in pool if p.precision == constraints.level] or pool
    if constraints.country is not None:
        pool = [p for p in pool if p.country == constraints.country] or pool
    return pool


# --- 5. to 7. context, seats, size ------------------------------------------------------------------

def _areas(place: Place) -> tuple[tuple[str, ...], ...]:
    """The country, province and district a place lies in (or is), as evidence keys."""
    areas: tuple[tuple[str, ...], ...] = ((place.country,),)
    if place.admin1:
        areas += ((place.country, place.admin1),)
        if place.admin2:
            areas += ((place.country, place.admin1, place.admin2),)
    return areas


@dataclass(frozen=True, slots=True)
class _Evidence:
    """How many places in the text (first-pass readings) lie in each country, province and district."""

    counts: Mapping[tuple[str, ...], int]

    @classmethod
    def empty(cls) -> _Evidence:
        return cls({})

    @classmethod
    def of(cls, places: Sequence[Place]) -> _Evidence:
        return cls(Counter(area for p in places for area in _areas(p)))

    def score(self, place: Place, own_areas: tuple[tuple[str, ...], ...]) -> int:
        """3 when another place of the text is in the candidate's district, 2 province, 1 country.
        `own_areas` are those of this name's own first reading, which must not vote for itself."""
        if not self.counts:
            return 0
        for area in reversed(_areas(place)):
            if self.counts.get(area, 0) - (area in own_areas) > 0:
                return len(area)
        return 0


def _is_seat_reading(place: Place, pool: Sequence[Place]) -> bool:
    """A town that shares its name with a unit in the pool that contains it (Kabul in Kabul)."""
    if place.precision != Level.LOCALITY:
        return False
    return any(
        (unit.precision == Level.ADMIN1 and unit.country == place.country and unit.admin1 == place.admin1)
        or (unit.precision == Level.ADMIN2 and unit.admin1 == place.admin1 and unit.admin2 == place.admin2)
        for unit in pool
    )


def _ranked(pool: Sequence[Place], constraints: _Constraints, gazetteer: Gazetteer,
            evidence: _Evidence, own: Place | None) -> list[Place]:
    if len(pool) == 1:
        return list(pool)
    seats = {p.id for p in pool if constraints.level is None and _is_seat_reading(p, pool)}
    own_areas = _areas(own) if own is not None else ()
    return sorted(pool, key=lambda p: (
        -evidence.score(p, own_areas), p.id not in seats, -p.precision, -gazetteer.population(p.id), p.id,
    ))
