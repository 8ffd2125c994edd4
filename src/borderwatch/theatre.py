"""Theatre packs: all region knowledge as data (actors, gazetteer, generic-actor rules)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date
from importlib import resources

import yaml

from borderwatch.errors import TheatreError
from borderwatch.extract.actors import ActorDictionary
from borderwatch.gazetteer import Gazetteer

DEFAULT_THEATRE = "afpak"


@dataclass(frozen=True, slots=True)
class GenericRule:
    country: str
    since: date | None
    until: date | None
    roles: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class LocalName:
    """A bare `name` read as `actor` that means `means` for acts in `country`, up to `until`."""
    name: str
    actor: str
    country: str
    means: str
    until: date | None


@dataclass(frozen=True)
class Theatre:
    name: str
    title: str
    actors: ActorDictionary
    gazetteer: Gazetteer
    countries: tuple[str, ...]
    demonyms: tuple[tuple[str, str], ...]
    capitals: tuple[tuple[str, str], ...]
    country_names: tuple[tuple[str, str], ...]
    forces_of: tuple[tuple[str, str], ...]
    generic_rules: tuple[GenericRule, ...]
    local_names: tuple[LocalName, ...] = ()
    capital_words: tuple[tuple[str, str], ...] = ()  # "the federal capital": a word that names one country's

    def armed_forces(self, actor_id: str | None) -> str | None:
        """The forces that act for a government id ("PAK-GOV" -> "PAK-MIL"); other ids unchanged."""
        return dict(self.forces_of).get(actor_id, actor_id) if actor_id else None

    @functools.cached_property
    def _demonym_place_re(self) -> re.Pattern[str]:
        words = "|".join(f"(?P<d{i}>{re.escape(word)})" for i, (word, _) in enumerate(self.demonyms))
        return re.compile(rf"\b(?:{words})\s+(?:[a-z-]+\s+)?(?:soil|territory|provinces?|districts?|cities|city|"
                          r"towns?|villages?|side|border areas?|airspace|regions?)\b")

    @functools.cached_property
    def _capital_qualifiers(self) -> tuple[tuple[str, str], ...]:
        return self.demonyms + self.capital_words

    @functools.cached_property
    def _capital_re(self) -> re.Pattern[str]:
        words = "|".join(f"(?P<d{i}>{re.escape(word)})" for i, (word, _) in enumerate(self._capital_qualifiers))
        return re.compile(rf"\b[Tt]he\s+(?:{words})\s+capital\b")

    def country_of_demonym_place(self, text: str) -> str | None:
        """'in two eastern Afghan provinces', 'on Pakistani soil' -> the country; None when not said.
        Where several demonyms qualify, the first in the theatre's (sorted) list wins."""
        best = None
        for m in self._demonym_place_re.finditer(text):
            if re.search(r"\b(?:from|across)\s+(?:the\s+)?$", text[max(0, m.start() - 14):m.start()]):
                continue  # "from the Afghan side" is where it came from, not where it happened
            index = int(m.lastgroup[1:])
            best = index if best is None else min(best, index)
        return self.demonyms[best][1] if best is not None else None

    @functools.cached_property
    def _origin_re(self) -> re.Pattern[str]:
        demonyms = "|".join(re.escape(word) for word, _ in self.demonyms)
        names = "|".join(re.escape(word) for word, _ in self.country_names)
        return re.compile(
            rf"\bfrom\s+(?:across\s+the\s+border\s+in\s+|inside\s+|neighbouring\s+|neighboring\s+)?"
            rf"(?:(?P<name>{names})\b(?!\s*(?:'s|’s))|(?:the\s+)?(?P<demonym>{demonyms})\s+(?:side|soil|territory))")

    def origin_named(self, text: str) -> tuple[int, int, str] | None:
        """'fired from Afghanistan', 'from the Afghan side', 'from Afghan soil' -> the span and the country an
        act came from; None when the text does not say."""
        m = self._origin_re.search(text)
        if m is None:
            return None
        if m.group("name"):
            return m.start(), m.end(), dict(self.country_names)[m.group("name")]
        return m.start(), m.end(), dict(self.demonyms)[m.group("demonym")]

    def capital_named(self, text: str) -> tuple[int, int, str] | None:
        """'the Afghan capital' -> its span and the capital's name ("Kabul"); None when not there."""
        capitals = dict(self.capitals)
        found = {}
        for m in self._capital_re.finditer(text):
            found.setdefault(int(m.lastgroup[1:]), m)
        for index in sorted(found):
            country = self._capital_qualifiers[index][1]
            if country in capitals:
                m = found[index]
                return m.start(), m.end(), capitals[country]
        return None

    def local_actor(self, actor_id: str | None, text: str, country: str | None, when: date | None) -> str | None:
        """The actor a name stands for in an act in `country` at `when` (local_names in theatre.yaml):
        "Taliban" or "Taliban gunmen" in Pakistan before August 2021 is the TTP ("Afghan Taliban" is not: the
        name must lead); otherwise `actor_id`."""
        words = text.casefold().split()
        for rule in self.local_names:
            if (actor_id == rule.actor and country == rule.country and words[:1] == [rule.name.casefold()]
                    and (when is None or rule.until is None or when <= rule.until)):
                return rule.means
        return actor_id

    def generic_actor(self, generic: str | None, country: str | None, when: date | None) -> str | None:
        """The actor id a generic noun stands for in `country` at `when` ("police", "PK" -> "PAK-POL")."""
        if not generic or not country:
            return None
        for rule in self.generic_rules:
            if rule.country != country:
                continue
            if when is not None and ((rule.since and when < rule.since) or (rule.until and when > rule.until)):
                continue
            return dict(rule.roles).get(generic)
        return None


@functools.lru_cache(maxsize=8)
def load_theatre(name: str = DEFAULT_THEATRE) -> Theatre:
    """Load a shipped theatre pack by name (cached: packs are immutable)."""
    try:
        folder = resources.files("borderwatch.theatres") / name
        config = yaml.safe_load((folder / "theatre.yaml").read_text(encoding="utf-8"))
        actors = ActorDictionary.load(folder / "actors.yaml")
        gazetteer = Gazetteer.load(folder / "gazetteer.tsv")
    except (OSError, yaml.YAMLError) as e:
        raise TheatreError(f"theatre pack {name!r} cannot be loaded: {e}") from e
    return Theatre(
        name=config.get("name", name),
        title=config.get("title", name),
        actors=actors,
        gazetteer=gazetteer,
        countries=tuple(config.get("countries") or ()),
        demonyms=tuple(sorted((config.get("demonyms") or {}).items())),
        capitals=tuple(sorted((config.get("capitals") or {}).items())),
        country_names=tuple(sorted((config.get("country_names") or {}).items())),
        forces_of=tuple(sorted((config.get("forces_of") or {}).items())),
        generic_rules=tuple(_generic_rules(config.get("generic_by_country") or {})),
        local_names=tuple(LocalName(r["name"], r["actor"], r["country"], r["means"], r.get("until"))
                          for r in config.get("local_names") or ()),
        capital_words=tuple(sorted((config.get("capital_words") or {}).items())),
    )


def _generic_rules(spec: dict) -> list[GenericRule]:
    rules = []
    for country, entries in spec.items():
        for entry in entries:
            entry = dict(entry)
            since, until = entry.pop("from", None), entry.pop("until", None)
            rules.append(GenericRule(country, since, until, tuple(sorted(entry.items()))))
    return rules
