"""Place lookup for a theatre: the compiled gazetteer TSV behind a folded-name index.

The TSV is built by `scripts/build_gazetteer.py` (see docs/gazetteer.md). Loading it is an explicit
call; `load_default_gazetteer()` caches the shipped one. Names are matched after `fold_name`, which
removes accents, case, punctuation and Persian ezafe particles, so "Dand-e-Patan", "Dand Patan" and
"Ḏanḏ Paṯān" are one key.
"""

from __future__ import annotations

import csv
import enum
import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from borderwatch.errors import TheatreError
from borderwatch.model import Place

GAZETTEER_COLUMNS = (
    "id", "name", "country", "admin1", "admin2", "lat", "lon", "precision", "population", "border",
    "search_names",
)


class Level(enum.IntEnum):
    """What kind of unit a place is; the value is its ACLED geo_precision."""

    LOCALITY = 1
    ADMIN2 = 2
    ADMIN1 = 3
    COUNTRY = 4


# Characters NFKD does not decompose into a Latin base letter; apostrophes vanish so that
# "Qal'ah", "Qal‘ah" and "Qalah" fold alike.
_CHAR_MAP = str.maketrans({
    "ı": "i", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ß": "ss", "æ": "ae",
    "Æ": "AE", "œ": "oe", "Œ": "OE", "'": "", "’": "", "‘": "", "`": "", "ʻ": "", "ʼ": "", "´": "",
})
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
# Persian/Pashto ezafe and "and" between name parts; transliterations keep or drop them at will.
_EZAFE = frozenset({"e", "ye", "i", "wa", "o"})

# Type words a name may carry in text or lookups. Administrative ones are hints, never part of a key
# ("Kurram Agency" is Kurram); "valley" names are indexed with and without the word.
_ADMIN_SUFFIXES: tuple[tuple[tuple[str, ...], Level], ...] = (
    (("tribal", "district"), Level.ADMIN2),
    (("tribal", "agency"), Level.ADMIN2),
    (("tribal", "area"), Level.ADMIN2),
    (("provinces",), Level.ADMIN1),
    (("province",), Level.ADMIN1),
    (("districts",), Level.ADMIN2),
    (("district",), Level.ADMIN2),
    (("agencies",), Level.ADMIN2),
    (("agency",), Level.ADMIN2),
)
_LOCALITY_SUFFIXES = (("valley",),)
# Common nouns a valley may be named by: "Bazaar Valley" in Khyber is not indexed as "bazaar", or every
# "Shor Bazaar" and "Qissa Khwani Bazaar" would be in it; "Maidan Valley" not as "maidan" (a ground, a
# square, and half of Maidan Wardak).
_GENERIC_NOUNS = frozenset({"bazaar", "bazar", "maidan", "mandi", "chowk", "market", "camp"})
# Joined-up spellings ("Miranshah" for "Miran Shah") are indexed only when long enough that the
# joined form cannot be an ordinary word.
MIN_JOINED_KEY_LENGTH = 6


def fold_name(name: str) -> str:
    """The lookup key of a name: ASCII, lower case, words separated by one space, ezafe dropped."""
    if not name.isascii():
        decomposed = unicodedata.normalize("NFKD", name.translate(_CHAR_MAP))
        name = "".join(c for c in decomposed if not unicodedata.combining(c))
    else:
        name = name.translate(_CHAR_MAP)
    tokens = _NON_ALNUM.sub(" ", name.lower()).split()
    kept = [t for i, t in enumerate(tokens) if not (i and t in _EZAFE and len(tokens[i - 1]) > 1)]
    return " ".join(kept)


def ascii_name(name: str) -> str:
    """A display form of a name without diacritics ("Spērah" -> "Sperah", "Qal‘ah" -> "Qal'ah")."""
    name = name.translate(str.maketrans({"‘": "'", "’": "'", "ʻ": "'", "ʼ": "'", "`": "'"}))
    decomposed = unicodedata.normalize("NFKD", name.translate(_CHAR_MAP))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def split_type_suffix(key: str) -> tuple[str, Level | None]:
    """Split a trailing administrative or valley word off a folded key: "kurram agency" -> "kurram"."""
    tokens = key.split()
    for suffix, level in (*_ADMIN_SUFFIXES, *((s, Level.LOCALITY) for s in _LOCALITY_SUFFIXES)):
        n = len(suffix)
        if len(tokens) > n and tuple(tokens[-n:]) == suffix:
            return " ".join(tokens[:-n]), level
    return key, None


def place_contains(outer: Place, inner: Place) -> bool:
    """Whether `inner` lies in the admin unit or country `outer` (by the names the gazetteer codes)."""
    if outer.id == inner.id or outer.country != inner.country:
        return False
    if outer.precision == Level.COUNTRY:
        return True
    if outer.precision == Level.ADMIN1:
        return inner.precision < Level.ADMIN1 and inner.admin1 == outer.admin1
    if outer.precision == Level.ADMIN2:
        return (inner.precision < Level.ADMIN2 and inner.admin2 == outer.admin2
                and inner.admin1 == outer.admin1)
    return False


def _index_keys(name: str) -> set[str]:
    key = fold_name(name)
    stripped, level = split_type_suffix(key)
    if level is Level.LOCALITY:
        keys = {key} if stripped in _GENERIC_NOUNS else {key, stripped}
    elif level is not None:
        keys = {stripped}
    else:
        keys = {key}
    joined = {k.replace(" ", "") for k in keys if " " in k and len(k) - k.count(" ") >= MIN_JOINED_KEY_LENGTH}
    return {k for k in keys | joined if k}


@dataclass(frozen=True, slots=True)
class Gazetteer:
    """An immutable place index. Build one with `Gazetteer.load(path)` or `load_default_gazetteer()`."""

    places: Mapping[str, Place]
    populations: Mapping[str, int]
    index: Mapping[str, tuple[str, ...]]
    prefixes: frozenset[str]
    words: frozenset[str]

    @classmethod
    def load(cls, path: str | Path) -> Gazetteer:
        try:
            with open(path, encoding="utf-8", newline="") as handle:
                return cls.from_rows(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
        except OSError as e:
            raise TheatreError(
                f"cannot read gazetteer {path}: {e}; rebuild it with scripts/build_gazetteer.py") from e

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, str]]) -> Gazetteer:
        places: dict[str, Place] = {}
        populations: dict[str, int] = {}
        index: dict[str, list[str]] = {}
        for line, row in enumerate(rows, start=2):
            place, population, names = _parse_row(row, line)
            if place.id in places:
                raise TheatreError(f"gazetteer line {line}: duplicate id {place.id}")
            places[place.id] = place
            populations[place.id] = population
            keys = {key for name in names for key in _index_keys(name)}
            for key in sorted(keys):
                index.setdefault(key, []).append(place.id)
        prefixes = {" ".join(key.split()[:n]) for key in index for n in range(1, len(key.split()) + 1)}
        words = {word for key in index for word in key.split()}
        return cls(places, populations, {k: tuple(v) for k, v in index.items()}, frozenset(prefixes),
                   frozenset(words))

    def get(self, place_id: str) -> Place:
        """The place with this id; KeyError names the id when the gazetteer has none."""
        try:
            return self.places[place_id]
        except KeyError:
            raise KeyError(f"no place {place_id!r} in the gazetteer") from None

    def population(self, place_id: str) -> int:
        return self.populations.get(place_id, 0)

    def candidates(self, key: str) -> tuple[Place, ...]:
        """The places indexed under an already folded key, unranked."""
        return tuple(self.places[i] for i in self.index.get(key, ()))

    def has_prefix(self, key: str) -> bool:
        """Whether some indexed key starts with these folded words (lets callers stop extending early)."""
        return key in self.prefixes

    def has_word(self, key: str) -> bool:
        """Whether a folded word (or a hyphenated word's folded parts) occurs in some indexed name."""
        return key in self.words or (" " in key and all(w in self.words for w in key.split()))

    def lookup(self, name: str) -> list[Place]:
        """Places called `name`, best first: the unit a type word asks for, then larger units, then
        larger populations. "Khost province", "Kurram Agency", "the Tirah Valley" all resolve."""
        key = fold_name(name)
        if key.startswith("the "):
            key = key[4:]
        found = self.candidates(key)
        stripped, level = split_type_suffix(key)
        if level is not None and level is not Level.LOCALITY:
            found = self.candidates(stripped)
            found = tuple(p for p in found if p.precision == level) or found
        elif not found and level is Level.LOCALITY:
            found = self.candidates(stripped)
        return sorted(found, key=self._rank)

    def admin1_place(self, name: str, country: str) -> Place | None:
        """The admin1 unit called `name` in `country` (its Place carries the derived coordinates)."""
        key, _ = split_type_suffix(fold_name(name))
        for place in self.candidates(key):
            if place.precision == Level.ADMIN1 and place.country == country:
                return place
        return None

    def _rank(self, place: Place) -> tuple[int, int, str]:
        return (-place.precision, -self.population(place.id), place.id)


def _parse_row(row: Mapping[str, str], line: int) -> tuple[Place, int, list[str]]:
    try:
        place = Place(
            id=row["id"],
            name=row["name"],
            country=row["country"],
            admin1=row["admin1"] or None,
            admin2=row["admin2"] or None,
            lat=float(row["lat"]) if row["lat"] else None,
            lon=float(row["lon"]) if row["lon"] else None,
            precision=int(row["precision"]),
            border=row["border"] == "1",
        )
        population = int(row["population"] or 0)
        names = [n for n in row["search_names"].split("|") if n]
    except (KeyError, TypeError, ValueError) as e:
        raise TheatreError(
            f"gazetteer line {line}: malformed row ({e}); expected columns {GAZETTEER_COLUMNS}") from e
    if not 1 <= place.precision <= 4:
        raise TheatreError(f"gazetteer line {line}: precision {place.precision} is not 1..4")
    return place, population, names


@functools.lru_cache(maxsize=1)
def load_default_gazetteer() -> Gazetteer:
    """The gazetteer shipped with the afpak theatre, loaded once per process."""
    resource = resources.files("borderwatch.theatres").joinpath("afpak", "gazetteer.tsv")
    with resources.as_file(resource) as path:
        return Gazetteer.load(path)
