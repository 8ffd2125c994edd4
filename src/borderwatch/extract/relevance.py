"""A fast relevance filter: does a text name the theatre's countries, places or actors at all?

Full extraction costs milliseconds a document; a general news firehose (a Common Crawl news archive, a
wire feed) is mostly about other things. This filter runs before it, at tens of MB/s, and lets through
every document that names the theatre, so that extraction only runs where it can find something.

How it is fast: every name of the theatre starts with a capitalised word (names written with a
lower-case particle first, "al-Qaeda", are indexed from their first capitalised word, "Qaeda"). One
regex lists the text's capitalised words in C (the engine skips to the next capital letter without
trying the positions between), and a set test against the names' first words settles most texts of a
firehose without a Python loop. Only when a first word is there does a loop walk a trie of words from
it, longest name first.

What counts (the rule `is_relevant` applies):
- a **strong** name alone is enough: the theatre's country names, demonyms and capitals ("Pakistan",
  "Afghan", "Kabul"); place names of several words ("North Waziristan") or of one word of five letters
  or more that is the main name of a district, province, border place or inhabited town ("Peshawar",
  "Kohat"); and actor names that contain one of those ("Pakistan Army", "Frontier Corps Balochistan");
- otherwise it takes **weak** names of two different things: short or alternate place names ("Swat",
  "Tank", "Abbas" for Fort Abbas), acronyms ("TTP", "ISPR", "NATO") and the other actor names
  ("Taliban", "Haqqani", "Foreign Office", "Rangers"), which also occur in news of elsewhere.
Every document of the gold sets with a gold event passes (tests/extract/test_relevance.py);
benchmarks/bench_relevance.py prints the speed and how much general news and English prose gets through.
"""

from __future__ import annotations

import enum
import functools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from borderwatch.gazetteer import Level, fold_name, split_type_suffix
from borderwatch.model import DocStatus, Document, Place
from borderwatch.theatre import Theatre


class TermKind(enum.StrEnum):
    COUNTRY = "country"  # a theatre country's name, demonym or capital
    PLACE = "place"      # a gazetteer name
    ACTOR = "actor"      # an actor alias


@dataclass(frozen=True, slots=True)
class RelevanceHit:
    """One name found in a text: where, what it refers to (country code, place or actor id), its weight."""

    start: int
    end: int
    text: str
    kind: TermKind
    ref: str
    strong: bool


@dataclass(frozen=True, slots=True)
class _Term:
    kind: TermKind
    ref: str
    strong: bool


# Single-word names shorter than this are weak: short names collide with English words and with
# places elsewhere ("Tank", "Swat", "Dir", "Gala", "Spin").
MIN_STRONG_WORD_LETTERS = 5
# Weak names of this many different things make a text relevant.
MIN_WEAK_REFS = 2

# A name is a sequence of words; between two words a text may put spaces, hyphens or an apostrophe
# ("Tehrik-i-Taliban" = "Tehrik i Taliban", "Pakistan's Taliban"). Names are stored with one space.
_NAME_WORD = re.compile(r"[^\W_]+")
_JOINED_WORD = re.compile(r"[-\s\u2010\u2011\u2013'\u2019]{1,3}([^\W_]+)")
# Where a name can start: a word beginning with an ASCII capital ("Kohat", "KOHAT"). ASCII classes and
# no leading \b keep the scan at C speed (the engine skips to the next capital letter); words that go
# on with other letters or digits, or that start mid-word, are checked after.
_CAPITAL_WORD = re.compile(r"[A-Z][A-Za-z]*")
_ACRONYM = re.compile(r"[A-Z0-9]+(?: [A-Z0-9]+)*(?: ?s)?")
# Persian and Pashto connectives that transliterations keep or drop ("Khak-e Safed", "Khak Safed");
# the gazetteer's keys drop them (gazetteer.fold_name), so the walk steps over them when a name goes on.
_CONNECTIVES = frozenset({"e", "ye", "i", "wa", "o"})
_SPACE = " "
_TERM = ""  # the trie key under which a node keeps the term ending there; no word is empty


class RelevanceFilter:
    """The compiled filter of one theatre; get it with `relevance_filter(theatre)` (built once, cached)."""

    __slots__ = ("_first_words", "_strong_words", "_trie", "_size")

    def __init__(self, terms: dict[str, _Term]) -> None:
        self._trie = _word_trie(terms)
        self._first_words = frozenset(self._trie)
        # Strong names of one word. Every longer name that contains one is strong too (actor names by
        # construction, place names of several words always), so finding one as a word settles a text.
        self._strong_words = frozenset(name for name, term in terms.items()
                                       if term.strong and _SPACE not in name)
        self._size = len(terms)

    @classmethod
    def compile(cls, theatre: Theatre) -> RelevanceFilter:
        return cls(_theatre_terms(theatre))

    def __len__(self) -> int:
        return self._size

    def hits(self, text: str) -> list[RelevanceHit]:
        """Every name the text contains, left to right, longest at each place, without overlaps."""
        return list(self._iter_hits(text))

    def is_relevant(self, text: str) -> bool:
        """A strong name, or weak names of MIN_WEAK_REFS different things; stops at the first decider."""
        words = _CAPITAL_WORD.findall(text)
        if not self._strong_words.isdisjoint(words):
            return True
        if self._first_words.isdisjoint(words):
            return False
        weak: set[str] = set()
        for hit in self._scan(text):
            if hit.strong:
                return True
            weak.add(hit.ref)
            if len(weak) >= MIN_WEAK_REFS:
                return True
        return False

    def _iter_hits(self, text: str) -> Iterator[RelevanceHit]:
        # Most texts of a firehose share no capitalised word with the theatre's names: one scan in C and
        # a set test settle them without a Python loop over words.
        if not self._first_words.isdisjoint(_CAPITAL_WORD.findall(text)):
            yield from self._scan(text)

    def _scan(self, text: str) -> Iterator[RelevanceHit]:
        taken, size = 0, len(text)
        for m in _CAPITAL_WORD.finditer(text):
            start, end = m.span()
            if start < taken or m.group() not in self._first_words:
                continue
            if (start and text[start - 1].isalnum()) or (end < size and text[end].isalnum()):
                continue  # part of a longer word: "ProPakistan", "Pakistan2"
            found = _longest_at(text, end, self._trie[m.group()])
            if found is not None:
                taken, term = found
                yield RelevanceHit(start, taken, text[start:taken], term.kind, term.ref, term.strong)


def _longest_at(text: str, end: int, node: dict) -> tuple[int, _Term] | None:
    """The longest name going on from a first word's node, ending at a word boundary."""
    best = (end, node[_TERM]) if _TERM in node else None
    while (joined := _JOINED_WORD.match(text, end)) is not None:
        word = joined.group(1)
        child = node.get(word)
        if child is None and word in _CONNECTIVES:
            end = joined.end()
            continue
        if child is None:
            break
        node, end = child, joined.end()
        if _TERM in node:
            best = (end, node[_TERM])
    return best


class _Identity:
    """A theatre as a cache key by identity: theatres hold dicts, so they do not hash by value. The key
    holds the theatre, so its id cannot be reused while the cache entry lives."""

    __slots__ = ("theatre",)

    def __init__(self, theatre: Theatre) -> None:
        self.theatre = theatre

    def __hash__(self) -> int:
        return id(self.theatre)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Identity) and other.theatre is self.theatre


@functools.lru_cache(maxsize=8)
def _cached_filter(key: _Identity) -> RelevanceFilter:
    return RelevanceFilter.compile(key.theatre)


def relevance_filter(theatre: Theatre) -> RelevanceFilter:
    """The theatre's filter, built on first use (a fraction of a second) and cached."""
    return _cached_filter(_Identity(theatre))


def is_relevant(text: str, theatre: Theatre) -> bool:
    """Whether `text` names the theatre: one strong name, or weak names of two things (module notes)."""
    return relevance_filter(theatre).is_relevant(text)


def relevance_hits(text: str, theatre: Theatre) -> list[RelevanceHit]:
    """The theatre's names in `text`, with what each refers to and whether it is strong."""
    return relevance_filter(theatre).hits(text)


def relevant_documents(documents: Iterable[Document], theatre: Theatre,
                       on_skip: Callable[[Document], None] | None = None) -> Iterator[Document]:
    """The documents whose title and text are relevant; failed ones pass, so that ingest records them."""
    compiled = relevance_filter(theatre)
    for doc in documents:
        if doc.status is DocStatus.FAILED or compiled.is_relevant(f"{doc.title or ''}\n\n{doc.text}"):
            yield doc
        elif on_skip is not None:
            on_skip(doc)


# ---- building the term table ------------------------------------------------------------------


def _theatre_terms(theatre: Theatre) -> dict[str, _Term]:
    terms: dict[str, _Term] = {}
    for name, term in (*_country_terms(theatre), *_place_terms(theatre)):
        _add(terms, name, term)
    strong_names = frozenset(name for name, term in terms.items() if term.strong)
    for name, term in _actor_terms(theatre, strong_names):
        _add(terms, name, term)
    return terms


def _add(terms: dict[str, _Term], name: str, term: _Term) -> None:
    """Add a name and its all-capitals form ("PESHAWAR:" datelines); a strong reading wins a clash."""
    if not name or not ("A" <= name[0] <= "Z"):
        return  # no capitalised first word to find it by
    for form in {name, name.upper()}:
        known = terms.get(form)
        if known is None or (term.strong and not known.strong):
            terms[form] = term


def _country_terms(theatre: Theatre) -> Iterator[tuple[str, _Term]]:
    countries = set(theatre.countries)
    for pairs in (theatre.country_names, theatre.demonyms):
        for name, code in pairs:
            if code in countries:
                yield _name_form(name), _Term(TermKind.COUNTRY, code, True)
    for code, capital in theatre.capitals:
        if code in countries:
            yield _name_form(capital), _Term(TermKind.COUNTRY, code, True)


def _place_terms(theatre: Theatre) -> Iterator[tuple[str, _Term]]:
    """Every gazetteer key of a place in the theatre's countries, capitalised as news writes names."""
    gazetteer, countries = theatre.gazetteer, set(theatre.countries)
    for key, place_ids in gazetteer.index.items():
        places = [gazetteer.places[i] for i in place_ids if gazetteer.places[i].country in countries]
        if not places or not key[:1].isalpha():
            continue
        strong = _SPACE in key or (len(key) >= MIN_STRONG_WORD_LETTERS and any(
            _is_main_name(key, p.name) and _is_notable(p, gazetteer.population(p.id)) for p in places))
        yield _name_form(key.title()), _Term(TermKind.PLACE, places[0].id, strong)
    for place in gazetteer.places.values():  # names with diacritics, as they are written
        if place.country in countries and not place.name.isascii():
            yield _name_form(place.name), _Term(TermKind.PLACE, place.id, False)


def _is_main_name(key: str, name: str) -> bool:
    folded = fold_name(name)
    return key == folded or key == split_type_suffix(folded)[0]


def _is_notable(place: Place, population: int) -> bool:
    """A district or province, a border place or a town with people: not a hamlet whose name is a word."""
    return place.precision >= Level.ADMIN2 or place.border or population > 0


def _actor_terms(theatre: Theatre, strong_names: frozenset[str]) -> Iterator[tuple[str, _Term]]:
    """Aliases of the theatre's actors and of actors without a home country (al-Qaeda, NATO)."""
    countries = set(theatre.countries)
    for actor in theatre.actors:
        if actor.country is not None and actor.country not in countries:
            continue
        for alias in actor.aliases:
            name = _from_first_capital(alias)
            if name is not None:
                strong = not _ACRONYM.fullmatch(name) and _contains_any(name, strong_names)
                yield name, _Term(TermKind.ACTOR, actor.id, strong)


def _contains_any(name: str, names: frozenset[str]) -> bool:
    """Whether some run of the name's words is one of `names` ("Frontier Corps Balochistan")."""
    words = name.split(_SPACE)
    return any(_SPACE.join(words[i:j]) in names
               for i in range(len(words)) for j in range(i + 1, len(words) + 1))


def _from_first_capital(alias: str) -> str | None:
    """The alias from its first capitalised word ("al-Qaeda" -> "Qaeda"); None for common nouns."""
    words = _NAME_WORD.findall(alias)
    for i, word in enumerate(words):
        if word[0].isupper():
            return _SPACE.join(words[i:])
    return None


def _name_form(name: str) -> str:
    return _SPACE.join(_NAME_WORD.findall(name))


def _word_trie(terms: dict[str, _Term]) -> dict:
    root: dict = {}
    for name, term in terms.items():
        node = root
        for word in name.split(_SPACE):
            node = node.setdefault(word, {})
        node[_TERM] = term
    return root
