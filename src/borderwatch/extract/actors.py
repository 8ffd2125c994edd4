"""Actor extraction: find the actors a text names, using the theatre's editable actor dictionary.

The dictionary (`theatres/<theatre>/actors.yaml`, documented in docs/actors.md) is compiled once into
a trie of words. `find_actors` runs one regex that finds the words able to start an alias, and walks
the trie only from those, so its cost grows with the text, not with the number of aliases (about
0.5 ms for a 3 KB article). Words are folded to lower case and to one canonical spelling before lookup,
which is what makes "al-Qaeda", "al Qaeda" and "Al-Qaida", or "Tehrik-i-Taliban" and
"Tehreek-e-Taliban", the same alias.

Three kinds of match are reported, and the events stage decides what they mean in context:
- `name`: the words name one actor ("ISPR", "Pakistani Taliban", or a qualified role noun such as
  "Pakistani soldiers" or "Afghan civilians").
- `metonym`: a country or capital standing for its government ("Islamabad", "Washington").
- `generic`: a role noun that does not say whose it is ("militants", "security forces"), with a
  country when a nationality qualifies it but the noun gives no clue ("Pakistani militants").
"""

from __future__ import annotations

import enum
import functools
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path

import yaml

from borderwatch.errors import TheatreError

DEFAULT_THEATRE = "afpak"
ACTORS_FILE = "actors.yaml"


class MatchKind(enum.StrEnum):
    NAME = "name"
    METONYM = "metonym"
    GENERIC = "generic"


class Role(enum.StrEnum):
    """What a role noun says about an actor when it does not say who."""

    FORCES = "forces"
    POLICE = "police"
    MILITANTS = "militants"
    CIVILIANS = "civilians"
    GOVERNMENT = "government"


@dataclass(frozen=True, slots=True)
class Era:
    """A closed range of days; the default is all of time."""

    start: date = date.min
    end: date = date.max

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def overlaps(self, other: Era) -> bool:
        return self.start <= other.end and other.start <= self.end


ALL_TIME = Era()


@dataclass(frozen=True, slots=True)
class Actor:
    id: str
    name: str
    inter: int
    country: str | None
    parent: str | None
    active_from: int | None = None
    active_to: int | None = None
    aliases: tuple[str, ...] = ()
    # ACLED's inter code can change with an actor's status (the Taliban: rebels, then state forces).
    inter_eras: tuple[tuple[int, Era], ...] = ()

    def inter_on(self, when: date | None) -> int:
        """The inter code on a day; the latest one when the day is unknown."""
        day = when or date.max
        for code, era in self.inter_eras:
            if era.contains(day):
                return code
        return self.inter


@dataclass(frozen=True, slots=True)
class ActorMatch:
    start: int
    end: int
    text: str
    actor_id: str | None
    kind: MatchKind
    generic: Role | None = None
    country: str | None = None


@dataclass(frozen=True, slots=True)
class _Reading:
    """One way a word sequence can be read, in one era."""

    actor_id: str | None
    kind: MatchKind
    era: Era = ALL_TIME
    generic: Role | None = None
    country: str | None = None


@dataclass(frozen=True, slots=True)
class _Entry:
    # For case-sensitive aliases, the exact word required at each position (None: any case);
    # None when no word of the alias is case-sensitive, which spares the check.
    surface: tuple[str | None, ...] | None
    reading: _Reading


@dataclass(frozen=True, slots=True)
class _Qualifier:
    country: str | None
    adjectives: tuple[tuple[str, bool], ...]
    names: tuple[tuple[str, bool], ...]
    actors: Mapping[Role, tuple[tuple[str, Era], ...]]


# A word, or a dotted abbreviation such as "U.S." read as one word.
_DOTTED = r"(?:[^\W\d_]\.){2,}"
_WORD = re.compile(rf"{_DOTTED}|[^\W_]+")
# What may separate the words of one alias: spaces with at most one hyphen or en dash
# ("al-Qaeda", "Islamic State – Khorasan Province"), or an apostrophe ("Pakistan's", "chargé d'affaires").
# Line breaks, commas and parentheses end an alias.
_JOINED_WORD = re.compile(
    rf"(?:[ \t\u00a0]*[-\u2010\u2011\u2013]?[ \t\u00a0]*|['\u2019])(?P<word>{_DOTTED}|[^\W_]+)"
)
_HYPHENS = frozenset("-\u2010\u2011")
# A hyphenated prefix that turns an actor into a stance: "anti-Taliban militia", "pro-Pakistan".
_STANCE_PREFIX = re.compile(r"(?<![^\W_])(?:anti|pro|non|counter)[-\u2010\u2011]\Z", re.IGNORECASE)
# The trie key under which a node keeps what ends there; no word is empty, so it cannot collide.
_ENTRIES = ""
_ISO2 = re.compile(r"[A-Z]{2}")
_ACTOR_KEYS = frozenset({"id", "name", "inter", "country", "parent", "active", "aliases"})
_TOP_KEYS = frozenset({"actors", "member_nouns", "roles", "qualifiers", "spelling_variants"})


class ActorDictionary:
    """The compiled actor dictionary of one theatre. Build it with `load` or `load_default_actors`."""

    __slots__ = ("_actors", "_aliases", "_members", "_variants", "_first_words", "_first_words_any_case")

    def __init__(
        self,
        actors: Mapping[str, Actor],
        index: Mapping[tuple[str, ...], tuple[_Entry, ...]],
        members: frozenset[tuple[str, ...]],
        variants: Mapping[str, str],
    ) -> None:
        self._actors = dict(actors)
        self._aliases = _word_trie(index.items())
        self._members = _word_trie((key, True) for key in members)
        self._variants = dict(variants)
        self._first_words, self._first_words_any_case = _first_word_patterns(self._aliases, self._variants)

    @classmethod
    def load(cls, path: str | Path) -> ActorDictionary:
        """Read and validate an actors.yaml; TheatreError names the file and the entry at fault."""
        path = Path(path)
        try:
            source = path.read_text(encoding="utf-8")
        except OSError as e:
            raise TheatreError(f"cannot read the actor dictionary {path}: {e.strerror or e}") from e
        return cls.from_yaml(source, str(path))

    @classmethod
    def from_yaml(cls, source: str, where: str = "actors.yaml") -> ActorDictionary:
        try:
            data = yaml.safe_load(source)
        except yaml.YAMLError as e:
            raise TheatreError(f"{where}: not valid YAML: {e}") from e
        return cls.from_mapping(data, where)

    @classmethod
    def from_mapping(cls, data: object, where: str = "actors.yaml") -> ActorDictionary:
        return _compile(_require_mapping(data, where), where)

    def find_actors(self, text: str, when: date | None = None) -> list[ActorMatch]:
        """Every actor mention in `text`, leftmost-longest, without overlaps.

        `when` (the event or publication date) picks the era of era-limited aliases: "Afghan forces"
        are AFG-MIL until 14 Aug 2021 and AFG-TALIBAN after. Unknown dates read as the latest era.
        """
        day = when or date.max
        matches: list[ActorMatch] = []
        consumed = 0
        for start, first_end in self._candidates(text):
            if start < consumed or _after_stance_prefix(text, start):
                continue
            found = self._longest_at(text, start, first_end, day)
            if found is None:
                continue
            end, reading = found
            if reading.kind is MatchKind.METONYM and (_ORGANISATION_OF.search(text, max(0, start - 30), start)
                                                      or _ORGANISATION_AFTER.match(text, end)):
                continue  # "the UN Assistance Mission in Afghanistan said", "the Afghanistan Cricket Board": a body
            if reading.kind is MatchKind.GENERIC and text[start].isupper() and _unknown_name_before(text, start):
                continue  # "the United Baloch Army": the last word of a name the dictionary lacks
            if reading.kind is MatchKind.NAME:
                end = self._absorb_member_noun(text, end)
            matches.append(
                ActorMatch(
                    start,
                    end,
                    text[start:end],
                    reading.actor_id,
                    reading.kind,
                    reading.generic,
                    reading.country,
                )
            )
            consumed = end
        return matches

    def get(self, actor_id: str) -> Actor:
        try:
            return self._actors[actor_id]
        except KeyError:
            known = ", ".join(self._actors)
            raise KeyError(f"no actor {actor_id!r} in this dictionary; known ids: {known}") from None

    def ids(self) -> tuple[str, ...]:
        return tuple(self._actors)

    def __iter__(self) -> Iterator[Actor]:
        return iter(self._actors.values())

    def __len__(self) -> int:
        return len(self._actors)

    def __contains__(self, actor_id: object) -> bool:
        return actor_id in self._actors

    def _candidates(self, text: str) -> Iterator[tuple[int, int]]:
        """Where the words that can start an alias are. Only these positions are looked at further.

        Scanning the lower-cased text with a case-sensitive regex is several times faster than an
        IGNORECASE one; the rare text whose length changes when lower-cased takes the slow way."""
        lowered = text.lower()
        if len(lowered) == len(text):
            return ((m.start(), m.end()) for m in self._first_words.finditer(lowered))
        return ((m.start(), m.end()) for m in self._first_words_any_case.finditer(text))

    def _longest_at(self, text: str, start: int, end: int, day: date) -> tuple[int, _Reading] | None:
        """The longest alias starting with the word text[start:end] that fits the text's case and the day."""
        key, surface = _fold(text[start:end], self._variants)
        node = self._aliases.get(key)
        if node is None:
            return None
        surfaces, found = [surface], [(end, node)]
        # Walk the trie only as far as the text keeps continuing some alias.
        while (match := _JOINED_WORD.match(text, end)) is not None:
            key, surface = _fold(match.group("word"), self._variants)
            node = node.get(key)
            if node is None:
                break
            end = match.end()
            surfaces.append(surface)
            found.append((end, node))
        for length in range(len(found), 0, -1):
            end, node = found[length - 1]
            for entry in node.get(_ENTRIES, ()):
                if entry.reading.era.contains(day) and _surface_fits(entry.surface, surfaces):
                    return end, entry.reading
        return None

    def _absorb_member_noun(self, text: str, end: int) -> int:
        """Extend a name over a following member noun: "TTP militants", "Frontier Corps troops"."""
        node, absorbed = self._members, end
        while (match := _JOINED_WORD.match(text, end)) is not None:
            node = node.get(_fold(match.group("word"), self._variants)[0])
            if node is None:
                break
            end = match.end()
            if _ENTRIES in node:
                absorbed = end
        return absorbed


@functools.lru_cache(maxsize=4)
def load_default_actors(theatre: str = DEFAULT_THEATRE) -> ActorDictionary:
    """The actor dictionary shipped with borderwatch for `theatre`, compiled once per process."""
    resource = resources.files("borderwatch.theatres").joinpath(theatre, ACTORS_FILE)
    try:
        source = resource.read_text(encoding="utf-8")
    except OSError as e:
        raise TheatreError(f"theatre {theatre!r} has no {ACTORS_FILE}; is the theatre pack installed?") from e
    return ActorDictionary.from_yaml(source, f"{theatre}/{ACTORS_FILE}")


# ---- matching ---------------------------------------------------------------------------------


def _fold(word: str, variants: Mapping[str, str]) -> tuple[str, str]:
    """A word's lookup form (lower case, canonical spelling) and its surface without dots ("U.S." → "US")."""
    if "." in word:
        word = word.replace(".", "")
    lower = word.lower()
    return variants.get(lower, lower), word


def _split_words(phrase: str, variants: Mapping[str, str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The lookup forms and surfaces of the words of an alias."""
    pairs = [_fold(match.group(), variants) for match in _WORD.finditer(phrase)]
    return tuple(key for key, _ in pairs), tuple(surface for _, surface in pairs)


# The head of a body's name that ends in a country or capital: "Human Rights Commission of Pakistan",
# "State Bank of Pakistan", "Assistance Mission in Afghanistan". An office of the government ("Ministry of
# Foreign Affairs", "Government of Pakistan") is the government and is not listed.
_ORGANISATION_OF = re.compile(
    r"\b(?:Mission|Commission|Bank|Council|Committee|Institute|Society|Association|Federation|Network|Centre|"
    r"Center|Union|University|Court|Bar|Chamber|Board|Authority|Organi[sz]ation|Fund|Foundation|Programme|"
    r"Program|Forum)\s+(?:in|of|for|on)\s+(?:the\s+)?$")


_ORGANISATION_AFTER = re.compile(
    r"\s+(?:[A-Z][\w'-]*\s+){0,2}(?:Board|Federation|Society|Association|Council|Commission|Institute|University|"
    r"Bank|Committee|Network|Union|Academy|Foundation|Centre|Center|Crescent|Chamber|Olympic)\b")
_CAPITALISED_BEFORE = re.compile(r"\b([A-Z][\w'-]*)\s+$")
# Capitalised words that open a sentence or a phrase rather than belong to a name ("The Army said").
_PHRASE_OPENERS = frozenset("the a an and but in on at by for from with of its their his her our that this "
                            "when after before while as".split())


def _unknown_name_before(text: str, start: int) -> bool:
    m = _CAPITALISED_BEFORE.search(text, max(0, start - 30), start)
    return m is not None and m.group(1).lower() not in _PHRASE_OPENERS


def _after_stance_prefix(text: str, start: int) -> bool:
    return (
        text[start - 1 : start] in _HYPHENS
        and _STANCE_PREFIX.search(text, max(0, start - 10), start) is not None
    )


def _surface_fits(surface: tuple[str | None, ...] | None, surfaces: list[str]) -> bool:
    return surface is None or all(
        want is None or want == seen for want, seen in zip(surface, surfaces, strict=False)
    )


def _first_word_patterns(trie: Mapping[str, object], variants: Mapping[str, str]) -> tuple[re.Pattern, ...]:
    """Regexes for every spelling of every word that can start an alias, plus dotted abbreviations
    ("U.S."): one for lower-cased text and one for any case. The words are factored into a trie so
    that the engine rejects most positions on their first letter."""
    firsts = {word for word in trie if word != _ENTRIES}
    spellings = firsts | {spelling for spelling, canonical in variants.items() if canonical in firsts}
    words = _alternation(sorted(spellings))
    # A dotted abbreviation ends in a dot, after which \b cannot hold, so it needs no right boundary.
    pattern = rf"\b(?:{_DOTTED}|{words}\b)"
    return re.compile(pattern), re.compile(pattern, re.IGNORECASE)


def _alternation(words: list[str]) -> str:
    """A regex matching exactly `words`, factored by common first letters."""
    by_first: dict[str, list[str]] = {}
    ends_here = False
    for word in words:
        if word:
            by_first.setdefault(word[0], []).append(word[1:])
        else:
            ends_here = True
    branches = [re.escape(first) + _alternation(rests) for first, rests in by_first.items()]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 and not ends_here else "(?:" + "|".join(branches) + ")"
    return body + "?" if ends_here else body


def _word_trie(items: Iterable[tuple[tuple[str, ...], object]]) -> dict:
    """A nested dict keyed by word, with each key's value under `_ENTRIES` at the node it ends on."""
    root: dict = {}
    for key, value in items:
        node = root
        for word in key:
            node = node.setdefault(word, {})
        node[_ENTRIES] = value
    return root


# ---- compiling the yaml -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Alias:
    text: str
    case_sensitive: bool
    era: Era
    metonym: bool


class _IndexBuilder:
    """Collects readings per word sequence, in priority order: the first entry that fits wins."""

    __slots__ = ("index", "variants", "_explicit")

    def __init__(self, variants: Mapping[str, str]) -> None:
        self.index: dict[tuple[str, ...], list[_Entry]] = {}
        self.variants = variants
        self._explicit: dict[tuple[str, ...], list[tuple[str, Era, str]]] = {}

    def key_of(self, phrase: str, case_sensitive: bool, where: str) -> tuple[tuple[str, ...], tuple]:
        folded, surfaces = _split_words(phrase, self.variants)
        if not folded:
            raise TheatreError(f"{where}: alias {phrase!r} has no words")
        return folded, surfaces if case_sensitive else (None,) * len(folded)

    def add(self, key: tuple[str, ...], surface: tuple, reading: _Reading) -> None:
        exact = surface if any(word is not None for word in surface) else None
        self.index.setdefault(key, []).append(_Entry(exact, reading))

    def add_explicit(self, alias: _Alias, reading: _Reading, where: str) -> None:
        """Add an alias written in the yaml; two actors may not claim one alias in overlapping eras."""
        key, surface = self.key_of(alias.text, alias.case_sensitive, where)
        for owner, era, text in self._explicit.get(key, ()):
            if era.overlaps(alias.era):
                raise TheatreError(
                    f"{where}: alias {alias.text!r} is already claimed by {owner} (as {text!r}) in an "
                    f"overlapping era; remove one or give them 'until'/'from' dates that do not overlap"
                )
        self._explicit.setdefault(key, []).append((reading.actor_id or "", alias.era, alias.text))
        self.add(key, surface, reading)

    def freeze(self) -> dict[tuple[str, ...], tuple[_Entry, ...]]:
        return {key: tuple(entries) for key, entries in self.index.items()}


def _compile(data: Mapping, where: str) -> ActorDictionary:
    unknown = [k for k in data if k not in _TOP_KEYS and not str(k).startswith("x-")]
    if unknown:
        raise TheatreError(f"{where}: unknown top-level keys {unknown}; expected {sorted(_TOP_KEYS)}")
    variants = _parse_variants(data.get("spelling_variants") or {}, where)
    actors, aliases = _parse_actors(data.get("actors"), where)
    qualified_roles, standalone_roles = _parse_roles(data.get("roles") or {}, where)
    qualifiers = _parse_qualifiers(data.get("qualifiers") or [], actors, where)
    builder = _IndexBuilder(variants)
    _add_actor_aliases(builder, aliases, where)
    _add_qualifier_names(builder, qualifiers, where)
    _add_qualified_actor_names(builder, qualifiers, actors, aliases, where)
    _add_qualified_roles(builder, qualifiers, qualified_roles, where)
    _add_standalone_roles(builder, standalone_roles, where)
    members = _parse_member_nouns(data.get("member_nouns") or [], builder, where)
    return ActorDictionary(actors, builder.freeze(), members, variants)


def _add_actor_aliases(builder: _IndexBuilder, aliases: Mapping[str, list[_Alias]], where: str) -> None:
    for actor_id, actor_aliases in aliases.items():
        for alias in actor_aliases:
            kind = MatchKind.METONYM if alias.metonym else MatchKind.NAME
            builder.add_explicit(alias, _Reading(actor_id, kind, alias.era), f"{where}: {actor_id}")


def _add_qualifier_names(builder: _IndexBuilder, qualifiers: list[_Qualifier], where: str) -> None:
    """Country names and capitals alone stand for the government: "Islamabad", "Washington"."""
    for qualifier in qualifiers:
        governments = qualifier.actors.get(Role.GOVERNMENT, ())
        for name, case_sensitive in qualifier.names:
            key, surface = builder.key_of(name, case_sensitive, where)
            for actor_id, era in governments:
                builder.add(key, surface, _Reading(actor_id, MatchKind.METONYM, era, None, qualifier.country))


def _qualifier_words(builder: _IndexBuilder, qualifier: _Qualifier, where: str) -> list[tuple]:
    """The qualifier's adjectives, its names, and the possessive of its names ("Pakistan's")."""
    forms = list(qualifier.adjectives) + list(qualifier.names)
    forms += [(f"{name}'s", case_sensitive) for name, case_sensitive in qualifier.names]
    return [builder.key_of(word, case_sensitive, where) for word, case_sensitive in forms]


def _add_qualified_actor_names(
    builder: _IndexBuilder,
    qualifiers: list[_Qualifier],
    actors: Mapping[str, Actor],
    aliases: Mapping[str, list[_Alias]],
    where: str,
) -> None:
    """A nationality before a name of that country's actor: "Pakistani Frontier Corps", "US CENTCOM"."""
    for qualifier in qualifiers:
        if qualifier.country is None:
            continue
        prefixes = _qualifier_words(builder, qualifier, where)
        for actor_id, actor_aliases in aliases.items():
            if actors[actor_id].country != qualifier.country:
                continue
            for alias in actor_aliases:
                if alias.metonym:
                    continue
                key, surface = builder.key_of(alias.text, alias.case_sensitive, where)
                for prefix_key, prefix_surface in prefixes:
                    reading = _Reading(actor_id, MatchKind.NAME, alias.era, None, qualifier.country)
                    builder.add(prefix_key + key, prefix_surface + surface, reading)


def _add_qualified_roles(
    builder: _IndexBuilder, qualifiers: list[_Qualifier], roles: Mapping[Role, tuple[str, ...]], where: str
) -> None:
    """A qualifier before a role noun resolves the role ("Pakistani soldiers" → PAK-MIL) or, when the
    qualifier's country has no actor for it, keeps it generic with the country ("Pakistani militants")."""
    for qualifier in qualifiers:
        prefixes = _qualifier_words(builder, qualifier, where)
        for role, nouns in roles.items():
            readings = _qualified_readings(qualifier, role)
            for noun in nouns:
                key, surface = builder.key_of(noun, False, where)
                for prefix_key, prefix_surface in prefixes:
                    for reading in readings:
                        builder.add(prefix_key + key, prefix_surface + surface, reading)


def _qualified_readings(qualifier: _Qualifier, role: Role) -> list[_Reading]:
    resolved = qualifier.actors.get(role)
    if resolved:
        country = qualifier.country
        return [_Reading(actor_id, MatchKind.NAME, era, role, country) for actor_id, era in resolved]
    if qualifier.country is None:
        return []
    return [_Reading(None, MatchKind.GENERIC, ALL_TIME, role, qualifier.country)]


def _add_standalone_roles(builder: _IndexBuilder, roles: Mapping[Role, tuple[str, ...]], where: str) -> None:
    for role, nouns in roles.items():
        for noun in nouns:
            key, surface = builder.key_of(noun, False, where)
            builder.add(key, surface, _Reading(None, MatchKind.GENERIC, ALL_TIME, role))


# ---- parsing and validating the yaml ----------------------------------------------------------


def _require_mapping(value: object, where: str) -> Mapping:
    if not isinstance(value, Mapping):
        raise TheatreError(f"{where}: expected a mapping, got {type(value).__name__}")
    return value


def _require_list(value: object, where: str) -> list:
    if not isinstance(value, list):
        raise TheatreError(f"{where}: expected a list, got {type(value).__name__}")
    return value


def _require_text(value: object, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise TheatreError(f"{where}: expected a non-empty string, got {value!r}")
    return value.strip()


def _parse_day(value: object, where: str) -> date:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise TheatreError(f"{where}: expected an ISO date such as 2021-08-15, got {value!r}")


def _parse_era(raw: Mapping, where: str) -> Era:
    start = _parse_day(raw["from"], f"{where}: from") if raw.get("from") is not None else date.min
    end = _parse_day(raw["until"], f"{where}: until") if raw.get("until") is not None else date.max
    if start > end:
        raise TheatreError(f"{where}: 'from' {start} is after 'until' {end}")
    return Era(start, end)


def _parse_variants(raw: object, where: str) -> dict[str, str]:
    """Map every listed spelling to its canonical one; a spelling may belong to one canonical only."""
    here = f"{where}: spelling_variants"
    table = _require_mapping(raw, here)
    canonicals = {_require_text(canonical, here).lower() for canonical in table}
    variants: dict[str, str] = {}
    for canonical, spellings in table.items():
        for spelling in _require_list(spellings or [], f"{here}: {canonical}"):
            spelling = _require_text(spelling, f"{here}: {canonical}").lower()
            if spelling in variants or spelling in canonicals:
                raise TheatreError(f"{here}: {spelling!r} is listed twice; a spelling has one canonical form")
            variants[spelling] = canonical.lower()
    return variants


def _parse_actors(raw: object, where: str) -> tuple[dict[str, Actor], dict[str, list[_Alias]]]:
    actors: dict[str, Actor] = {}
    aliases: dict[str, list[_Alias]] = {}
    for n, entry in enumerate(_require_list(raw, f"{where}: actors"), start=1):
        actor, actor_aliases = _parse_actor(entry, f"{where}: actor #{n}")
        if actor.id in actors:
            raise TheatreError(f"{where}: actor id {actor.id!r} is defined twice; ids must be unique")
        actors[actor.id] = actor
        aliases[actor.id] = actor_aliases
    for actor in actors.values():
        if actor.parent is not None and (actor.parent not in actors or actor.parent == actor.id):
            raise TheatreError(f"{where}: {actor.id}: parent {actor.parent!r} is not another actor's id")
    return actors, aliases


def _parse_actor(raw: object, where: str) -> tuple[Actor, list[_Alias]]:
    raw = _require_mapping(raw, where)
    missing = sorted(_ACTOR_KEYS - {"parent", "active", "aliases", "country"} - set(raw))
    unknown = sorted(set(raw) - _ACTOR_KEYS)
    if missing or unknown:
        raise TheatreError(f"{where}: missing keys {missing}, unknown keys {unknown}")
    actor_id = _require_text(raw["id"], f"{where}: id")
    where = f"{where} ({actor_id})"
    inter, inter_eras = _parse_inter(raw["inter"], where)
    active_from, active_to = _parse_active(raw.get("active") or {}, where)
    raw_aliases = _require_list(raw.get("aliases") or [], f"{where}: aliases")
    actor_aliases = [_parse_alias(alias, f"{where}: aliases") for alias in raw_aliases]
    actor = Actor(
        id=actor_id,
        name=_require_text(raw["name"], f"{where}: name"),
        inter=inter,
        country=_parse_country(raw.get("country"), where),
        parent=None if raw.get("parent") is None else _require_text(raw["parent"], f"{where}: parent"),
        active_from=active_from,
        active_to=active_to,
        aliases=tuple(a.text for a in actor_aliases),
        inter_eras=inter_eras,
    )
    return actor, actor_aliases


def _parse_inter_code(value: object, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 8:
        raise TheatreError(f"{where}: inter must be an ACLED inter code 1..8, got {value!r}")
    return value


def _parse_inter(raw: object, where: str) -> tuple[int, tuple[tuple[int, Era], ...]]:
    """A plain code, or a list of {inter, from, until} for actors whose status changed."""
    if not isinstance(raw, list):
        return _parse_inter_code(raw, f"{where}: inter"), ()
    eras = []
    for item in raw:
        item = _require_mapping(item, f"{where}: inter")
        code = _parse_inter_code(item.get("inter"), f"{where}: inter")
        eras.append((code, _parse_era(item, f"{where}: inter")))
    if not eras:
        raise TheatreError(f"{where}: inter is an empty list")
    latest = max(eras, key=lambda pair: pair[1].end)
    return latest[0], tuple(eras)


def _parse_country(value: object, where: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not _ISO2.fullmatch(value):
        raise TheatreError(f"{where}: country must be an ISO 3166 alpha-2 code such as PK, got {value!r}")
    return value


def _parse_active(raw: object, where: str) -> tuple[int | None, int | None]:
    raw = _require_mapping(raw, f"{where}: active")
    years = []
    for key in ("from", "to"):
        value = raw.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise TheatreError(f"{where}: active.{key} must be a year, got {value!r}")
        years.append(value)
    if years[0] is not None and years[1] is not None and years[0] > years[1]:
        raise TheatreError(f"{where}: active.from {years[0]} is after active.to {years[1]}")
    return years[0], years[1]


def _parse_alias(raw: object, where: str) -> _Alias:
    if isinstance(raw, str):
        return _Alias(_require_text(raw, where), False, ALL_TIME, False)
    raw = _require_mapping(raw, where)
    unknown = sorted(set(raw) - {"alias", "case_sensitive", "from", "until", "metonym"})
    if unknown:
        raise TheatreError(f"{where}: alias {raw.get('alias')!r} has unknown keys {unknown}")
    text = _require_text(raw.get("alias"), f"{where}: alias")
    era = _parse_era(raw, f"{where}: {text}")
    return _Alias(text, bool(raw.get("case_sensitive")), era, bool(raw.get("metonym")))


def _parse_role(value: object, where: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        expected = [role.value for role in Role]
        raise TheatreError(f"{where}: unknown role {value!r}; expected one of {expected}") from None


def _parse_roles(raw: object, where: str) -> tuple[dict[Role, tuple[str, ...]], dict[Role, tuple[str, ...]]]:
    """The nouns of each role usable after a qualifier (standalone ones included), and standalone ones."""
    qualified: dict[Role, tuple[str, ...]] = {}
    standalone: dict[Role, tuple[str, ...]] = {}
    for name, lists in _require_mapping(raw, f"{where}: roles").items():
        role = _parse_role(name, f"{where}: roles")
        lists = _require_mapping(lists, f"{where}: roles: {role}")
        alone = _text_list(lists.get("standalone") or [], f"{where}: roles: {role}: standalone")
        after = _text_list(lists.get("after_qualifier") or [], f"{where}: roles: {role}: after_qualifier")
        standalone[role] = alone
        qualified[role] = tuple(dict.fromkeys(alone + after))
    return qualified, standalone


def _text_list(raw: object, where: str) -> tuple[str, ...]:
    return tuple(_require_text(item, where) for item in _require_list(raw, where))


def _parse_words(raw: object, where: str) -> tuple[tuple[str, bool], ...]:
    """Words given as "Pakistani" or as {word: US, case_sensitive: true}."""
    words = []
    for item in _require_list(raw, where):
        if isinstance(item, Mapping):
            words.append((_require_text(item.get("word"), where), bool(item.get("case_sensitive"))))
        else:
            words.append((_require_text(item, where), False))
    return tuple(words)


def _parse_qualifiers(raw: object, actors: Mapping[str, Actor], where: str) -> list[_Qualifier]:
    qualifiers = []
    for n, item in enumerate(_require_list(raw, f"{where}: qualifiers"), start=1):
        here = f"{where}: qualifier #{n}"
        item = _require_mapping(item, here)
        roles = {
            _parse_role(role, here): _parse_role_actors(value, actors, f"{here}: {role}")
            for role, value in _require_mapping(item.get("actors") or {}, f"{here}: actors").items()
        }
        qualifiers.append(
            _Qualifier(
                country=_parse_country(item.get("country"), here),
                adjectives=_parse_words(item.get("adjectives") or [], f"{here}: adjectives"),
                names=_parse_words(item.get("names") or [], f"{here}: names"),
                actors=roles,
            )
        )
    return qualifiers


def _parse_role_actors(raw: object, actors: Mapping[str, Actor], where: str) -> tuple[tuple[str, Era], ...]:
    """An actor id, or a list of {actor, from, until} whose eras do not overlap."""
    items = [{"actor": raw}] if isinstance(raw, str) else _require_list(raw, where)
    resolved: list[tuple[str, Era]] = []
    for item in items:
        item = _require_mapping(item, where)
        actor_id = _require_text(item.get("actor"), where)
        if actor_id not in actors:
            raise TheatreError(f"{where}: unknown actor id {actor_id!r}")
        era = _parse_era(item, where)
        if any(era.overlaps(other) for _, other in resolved):
            raise TheatreError(f"{where}: the eras of {actor_id} and another actor overlap")
        resolved.append((actor_id, era))
    return tuple(resolved)


def _parse_member_nouns(raw: object, builder: _IndexBuilder, where: str) -> frozenset[tuple[str, ...]]:
    nouns = _text_list(raw, f"{where}: member_nouns")
    return frozenset(builder.key_of(noun, False, f"{where}: member_nouns")[0] for noun in nouns)
