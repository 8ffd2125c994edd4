"""Compile the afpak gazetteer TSV from GeoNames, UCDP and the curated places_extra.yaml.

    .venv/bin/python scripts/build_gazetteer.py [--data ../shared/data]
        [--out src/borderwatch/theatres/afpak/gazetteer.tsv] [--extra .../places_extra.yaml]

The output is deterministic (rows sorted by id, names sorted) so a rebuild shows as a clean diff.
See docs/gazetteer.md for the fields and the rules applied here.
"""

from __future__ import annotations

import argparse
import csv
import math
import re
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from borderwatch.gazetteer import GAZETTEER_COLUMNS, Level, ascii_name, fold_name

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "src/borderwatch/theatres/afpak/gazetteer.tsv"
DEFAULT_DATA = REPO.parent / "shared/data"

# GeoNames alternate names of one word this short are mostly abbreviations and particles that fire on
# ordinary text ("Pak", "Now", "Bar"); curated aliases (KP, AJK) are exempt.
MIN_SINGLE_WORD_ALIAS = 4
# Towns this big (and every district) are also found by their u/o spelling variant (vowel_variants).
VOWEL_VARIANT_POPULATION = 20_000
MIN_VOWEL_VARIANT = 5  # shorter variants meet too many other words and names
# A UCDP point this close to a same-named GeoNames place is the same place (UCDP and GeoNames
# coordinates of Parachinar, Wana, Chaman, Landi Kotal differ by < 2 km; neighbouring villages that
# share a name sit further apart).
SAME_PLACE_KM = 15.0
# UCDP where_prec 1 and 2 are points (exact or within 25 km); 3+ are districts, provinces, lines.
UCDP_POINT_PRECISIONS = frozenset({"1", "2"})

_DISTRICT_SUFFIX = re.compile(r"\s+(?:District|Agency|Distrcit)$", re.I)
# Administrative words GeoNames puts around Afghan district-centre names ("Wuleswali Bihsud",
# "Markaz-e Hukumat-e Darweshan", "Ziruk 'Alaqahdari"); the bare name is what news writes.
_SEAT_WORDS = frozenset({
    "wuleswali", "woluswali", "wuluswali", "oluswali", "olusvali", "vulusvali", "woludwali", "ulusvali",
    "alaqahdari", "alaqadari", "alaqahdariye", "markaz", "hukumat", "hukumati", "wolesswali", "woleswali",
})
_UCDP_TYPE_SUFFIX = re.compile(
    r"\s+(?:town|village|area|locality|city|suburb|border crossing|bazaar)$", re.I)
# "Wagah border": one proper name and "border" is a crossing point, a place; "Swat-Dir border" is a line
_UCDP_CROSSING = re.compile(r"^([A-Z][a-z]+) border$")
_UCDP_SKIP = re.compile(
    r"\b(?:road|highway|border|between|bypass|tehsil|teshsil|district|agency|province)\b", re.I)
_PARENTHETICAL = re.compile(r"\s*\([^)]*\)")


@dataclass(frozen=True, slots=True)
class Curation:
    """places_extra.yaml, typed."""

    admin1_names: dict[str, str]
    admin1_aliases: dict[str, list[str]]
    admin2_names: dict[str, str]
    admin2_aliases: dict[str, list[str]]
    place_aliases: dict[str, list[str]]
    extra_places: list[dict]
    countries: list[dict]
    border_admin2: frozenset[str]
    ucdp_admin1: dict[str, str]
    ucdp_admin2: dict[str, str]
    stoplist: frozenset[str]
    given_names: frozenset[str]
    keep_names: frozenset[str]


@dataclass(slots=True)
class Row:
    id: str
    name: str
    country: str
    admin1_code: str | None
    admin2_code: str | None
    lat: float | None
    lon: float | None
    precision: int
    population: int = 0
    feature: str = ""
    curated: set[str] = field(default_factory=set)
    alternates: set[str] = field(default_factory=set)


def load_curation(path: Path) -> Curation:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return Curation(
        admin1_names=data["admin1_names"],
        admin1_aliases=data.get("admin1_aliases") or {},
        admin2_names=data.get("admin2_names") or {},
        admin2_aliases=data.get("admin2_aliases") or {},
        place_aliases=data.get("place_aliases") or {},
        extra_places=data.get("extra_places") or [],
        countries=data["countries"],
        border_admin2=frozenset(data.get("border_admin2") or ()),
        ucdp_admin1=data.get("ucdp_admin1") or {},
        ucdp_admin2=data.get("ucdp_admin2") or {},
        stoplist=frozenset(fold_name(w) for w in data.get("stoplist") or ()),
        given_names=frozenset(fold_name(w) for w in data.get("given_names") or ()),
        keep_names=frozenset(fold_name(w) for w in data.get("keep_names") or ()),
    )


def read_tsv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def is_written_name(name: str) -> bool:
    """A Latin-script name as people write it; all-lowercase GeoNames entries ("chmn", "spyrh") are
    machine transliterations from Arabic script that nobody writes."""
    letters = [c for c in name if c.isalpha()]
    return (any(c.isupper() for c in letters)
            and all("LATIN" in unicodedata.name(c, "") for c in letters))


def is_searchable(name: str, curation: Curation, curated: bool = False) -> bool:
    """Whether a name may be indexed: not a stop word, not a person's name, not a tiny alias."""
    key = fold_name(name)
    tokens = key.split()
    if not tokens or key in curation.stoplist or any(c.isdigit() for c in key):
        return False
    if key in curation.keep_names:
        return True
    if len(tokens) == 2 and all(t in curation.given_names for t in tokens):
        return False
    return curated or len(tokens) > 1 or len(key) >= MIN_SINGLE_WORD_ALIAS


def spelling_variants(name: str) -> set[str]:
    """Transliteration variants news uses: "-ah" endings written "-a" ("Sperah" -> "Spera")."""
    words = name.split()
    swapped = [w[:-1] if len(w) >= 5 and w.lower().endswith("ah") else w for w in words]
    return {" ".join(swapped)} - {name}


def vowel_variants(name: str) -> set[str]:
    """Urdu and Pashto short vowels come into English as either u or o ("Nushki", "Noshki"; "Kohat",
    "Kuhat"): the name with its first lone u written o, and its first lone o written u."""
    out = set()
    for old, new in (("u", "o"), ("o", "u")):
        for i, ch in enumerate(name):
            before, after = name[i - 1:i].lower(), name[i + 1:i + 2].lower()
            if ch == old and before and before not in "aeiou " and after and after not in "aeiou ":
                out.add(name[:i] + new + name[i + 1:])
                break
    return out - {name}


def without_seat_words(name: str) -> str:
    words = [w for w in name.split() if fold_name(w) not in _SEAT_WORDS]
    return " ".join(words)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dlon = math.radians(lon2 - lon1)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dlon / 2) ** 2
    return 12742.0 * math.asin(math.sqrt(a))


def slug(name: str) -> str:
    return fold_name(name).replace(" ", "-")


# --- GeoNames ---------------------------------------------------------------------------------------

def admin1_rows(data: Path, curation: Curation) -> dict[str, Row]:
    rows = {}
    for rec in read_tsv(data / "geonames/admin1_AF_PK.tsv"):
        code, raw = rec["code"], ascii_name(rec["name"])
        name = curation.admin1_names.get(code, re.sub(r"\s+Province$", "", raw))
        row = Row(f"adm1:{code}", name, code[:2], code, None, None, None, Level.ADMIN1)
        row.curated.update(curation.admin1_aliases.get(code, ()))
        row.alternates.add(re.sub(r"\s+Province$", "", raw))
        rows[code] = row
    return rows


def admin2_rows(data: Path, curation: Curation) -> dict[str, Row]:
    rows = {}
    for rec in read_tsv(data / "geonames/admin2_AF_PK.tsv"):
        code, raw = rec["code"], ascii_name(rec["name"])
        plain = _DISTRICT_SUFFIX.sub("", raw)
        name = curation.admin2_names.get(code, plain)
        row = Row(f"adm2:{code}", name, code[:2], code.rsplit(".", 1)[0], code, None, None, Level.ADMIN2)
        row.curated.update(curation.admin2_aliases.get(code, ()))
        row.alternates.add(plain)
        rows[code] = row
    return rows


def city_rows(data: Path, curation: Curation, admin2: dict[str, Row]) -> list[Row]:
    rows = []
    for rec in read_tsv(data / "geonames/cities500_AF_PK.tsv"):
        cc = rec["country_code"]
        admin1_code = f"{cc}.{rec['admin1_code']}"
        admin2_code = f"{admin1_code}.{rec['admin2_code']}" if rec["admin2_code"] else None
        row = Row(
            f"gn:{rec['geonameid']}", rec["asciiname"], cc, admin1_code, admin2_code,
            float(rec["latitude"]), float(rec["longitude"]), Level.LOCALITY,
            int(rec["population"] or 0), rec["feature_code"],
        )
        row.alternates.update(ascii_name(a) for a in rec["alternatenames"].split(",") if is_written_name(a))
        row.alternates.add(ascii_name(rec["name"]))
        row.alternates.update({without_seat_words(a) for a in row.alternates})
        name_district_centre(row, admin2.get(admin2_code or ""), curation)
        rows.append(row)
    return rows


def name_district_centre(town: Row, district: Row | None, curation: Curation) -> None:
    """A district centre named like its district takes the district's English name (Sperah -> Spera)."""
    if district is None or town.feature != "PPLA2" or district.admin2_code not in curation.admin2_names:
        return
    district_keys = {fold_name(n) for n in district.alternates}
    if fold_name(without_seat_words(town.name)) in district_keys:
        town.alternates.add(town.name)
        town.name = district.name
        town.curated.update(curation.admin2_aliases.get(district.admin2_code, ()))


# --- admin coordinates ------------------------------------------------------------------------------

def place_admin_coordinates(units: Iterable[Row], towns: list[Row], ucdp_points: list[Row],
                            ucdp_units: dict[str, tuple[float, float]], key: str) -> None:
    """Admin units get their seat's coordinates, else the mean of their places, else UCDP's."""
    seats: dict[str, list[Row]] = defaultdict(list)
    members: dict[str, list[Row]] = defaultdict(list)
    for town in towns:
        code = getattr(town, key)
        if code and town.feature in {"PPLC", "PPLA", "PPLA2"}:
            seats[code].append(town)
    for place in (*towns, *ucdp_points):
        if code := getattr(place, key):
            members[code].append(place)
    seat_rank = {"PPLC": 0, "PPLA": 1, "PPLA2": 2}
    for unit in units:
        code = getattr(unit, key)
        unit_key = fold_name(unit.name)
        if level_seats := [s for s in seats.get(code, ()) if key == "admin2_code" or s.feature != "PPLA2"]:
            seat = min(level_seats, key=lambda s: (fold_name(s.name) != unit_key, seat_rank[s.feature],
                                                   -s.population, s.id))
            unit.lat, unit.lon = seat.lat, seat.lon
        elif places := members.get(code):
            unit.lat = round(sum(p.lat for p in places) / len(places), 5)
            unit.lon = round(sum(p.lon for p in places) / len(places), 5)
        elif code in ucdp_units:
            unit.lat, unit.lon = ucdp_units[code]


# --- UCDP -------------------------------------------------------------------------------------------

def ucdp_name(raw: str) -> str | None:
    """The place name in a UCDP where_coordinates label, or None for roads, borders and units."""
    name = _UCDP_TYPE_SUFFIX.sub("", _PARENTHETICAL.sub("", raw.split(",")[0]).strip()).strip()
    crossing = _UCDP_CROSSING.match(name)
    if crossing:
        name = crossing.group(1)
    if _UCDP_SKIP.search(name):
        return None
    name = " ".join(w[:1].upper() + w[1:] for w in ascii_name(name).split())
    return name or None


def ucdp_admin2_code(adm2: str, admin1_code: str, curation: Curation, admin2_keys: dict) -> str | None:
    if adm2 in curation.ucdp_admin2:
        return curation.ucdp_admin2[adm2]
    return admin2_keys.get((admin1_code, fold_name(_DISTRICT_SUFFIX.sub("", adm2))))


def ucdp_rows(data: Path, curation: Curation, admin2: dict[str, Row]) -> tuple[list[Row], dict]:
    admin2_keys = {}
    for code, row in admin2.items():
        for name in (row.name, *sorted(row.alternates), *sorted(row.curated)):
            admin2_keys.setdefault((row.admin1_code, fold_name(name)), code)
    grouped: dict[tuple, Row] = {}
    unit_coords: dict[str, tuple[float, float]] = {}
    records = read_csv(data / "ucdp/places_pakistan.csv")
    for rec in sorted(records, key=lambda r: (r["where_prec"], r["where_coordinates"])):
        admin1_code = curation.ucdp_admin1.get(rec["adm_1"])
        if admin1_code is None:
            continue
        admin2_code = rec["adm_2"] and ucdp_admin2_code(rec["adm_2"], admin1_code, curation, admin2_keys)
        lat, lon = float(rec["latitude"]), float(rec["longitude"])
        if rec["where_prec"] == "3" and admin2_code:
            unit_coords.setdefault(admin2_code, (lat, lon))
        elif rec["where_prec"] == "4":
            unit_coords.setdefault(admin1_code, (lat, lon))
        name = ucdp_name(rec["where_coordinates"])
        if rec["where_prec"] not in UCDP_POINT_PRECISIONS or name is None:
            continue
        group = (fold_name(name), admin1_code, admin2_code)
        if group in grouped:
            continue
        # Population stays 0: UCDP counts events, not people, and a village must not outrank a town.
        row = Row("", name, "PK", admin1_code, admin2_code, lat, lon, Level.LOCALITY)
        grouped[group] = row
    return list(grouped.values()), unit_coords


def assign_ucdp_ids(rows: list[Row], admin2: dict[str, Row], admin1: dict[str, Row]) -> None:
    by_slug: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        by_slug[slug(row.name)].append(row)
    for base, group in by_slug.items():
        if len(group) == 1:
            group[0].id = f"ucdp:{base}"
            continue
        for row in group:
            unit = admin2.get(row.admin2_code or "") or admin1[row.admin1_code]
            row.id = f"ucdp:{base}-{slug(unit.name)}"
        seen: dict[str, int] = defaultdict(int)
        for row in sorted(group, key=lambda r: (r.id, r.lat, r.lon)):
            seen[row.id] += 1
            if seen[row.id] > 1:
                row.id = f"{row.id}-{seen[row.id]}"


def merge_ucdp_into_geonames(points: list[Row], towns: list[Row]) -> list[Row]:
    """Drop UCDP points GeoNames already has, keeping UCDP's spelling as an alternate name."""
    by_key: dict[str, list[Row]] = defaultdict(list)
    for town in towns:
        for name in (town.name, *sorted(town.alternates)):
            by_key[fold_name(name).replace(" ", "")].append(town)
    kept = []
    for point in points:
        same = [t for t in by_key.get(fold_name(point.name).replace(" ", ""), ())
                if t.admin1_code == point.admin1_code
                and haversine_km(t.lat, t.lon, point.lat, point.lon) <= SAME_PLACE_KM]
        if same:
            same[0].alternates.add(point.name)
        else:
            kept.append(point)
    return kept


# --- assembling -------------------------------------------------------------------------------------

def extra_rows(curation: Curation) -> list[Row]:
    rows = []
    for spec in curation.extra_places:
        row = Row(spec["id"], spec["name"], spec["country"], spec["admin1"], spec.get("admin2"),
                  float(spec["lat"]), float(spec["lon"]), Level.LOCALITY)
        row.curated.update(spec.get("aliases") or ())
        rows.append(row)
    for spec in curation.countries:
        row = Row(f"country:{spec['code']}", spec["name"], spec["code"], None, None,
                  float(spec["lat"]), float(spec["lon"]), Level.COUNTRY)
        row.curated.update(spec.get("aliases") or ())
        rows.append(row)
    return rows


def search_names(row: Row, curation: Curation) -> list[str]:
    """Every name the row is found by, one spelling per folded key, sorted by key."""
    # UCDP labels are village names of every length, so they face the short-name rule like aliases.
    candidates = [(row.name, not row.id.startswith("ucdp:")), *((n, True) for n in sorted(row.curated)),
                  *((n, False) for n in sorted(row.alternates))]  # sorted: a set's order is the hash seed's
    if row.name.lower().endswith(" valley"):
        candidates.append((row.name[: -len(" valley")], True))
    for name, curated in list(candidates):
        candidates.extend((v, curated) for v in sorted(spelling_variants(name)))
    if row.id.startswith("adm2:") or row.population >= VOWEL_VARIANT_POPULATION:
        # districts and towns big enough to be in the news, where a wrong reading is least likely
        candidates.extend((v, False) for name, _ in list(candidates) for v in sorted(vowel_variants(name))
                          if len(v) >= MIN_VOWEL_VARIANT)
    by_key: dict[str, str] = {}
    for name, curated in candidates:
        name = " ".join(name.replace("|", " ").split())
        if name and is_searchable(name, curation, curated):
            by_key.setdefault(fold_name(name), name)
    return [by_key[k] for k in sorted(by_key)]


def build_rows(data: Path, curation: Curation) -> list[list[str]]:
    admin1 = admin1_rows(data, curation)
    admin2 = admin2_rows(data, curation)
    towns = city_rows(data, curation, admin2)
    points, unit_coords = ucdp_rows(data, curation, admin2)
    points = merge_ucdp_into_geonames(points, towns)
    assign_ucdp_ids(points, admin2, admin1)
    place_admin_coordinates(admin2.values(), towns, points, unit_coords, "admin2_code")
    place_admin_coordinates(admin1.values(), towns, points, unit_coords, "admin1_code")
    rows = [*admin1.values(), *admin2.values(), *towns, *points, *extra_rows(curation)]
    by_id = {row.id: row for row in rows}
    for place_id, aliases in curation.place_aliases.items():
        if place_id not in by_id:
            raise SystemExit(f"places_extra.yaml: place_aliases names unknown id {place_id}")
        by_id[place_id].curated.update(aliases)
    return [tsv_row(row, admin1, admin2, curation) for row in sorted(rows, key=lambda r: r.id)]


def tsv_row(row: Row, admin1: dict[str, Row], admin2: dict[str, Row], curation: Curation) -> list[str]:
    a1 = admin1[row.admin1_code].name if row.admin1_code else ""
    a2 = admin2[row.admin2_code].name if row.admin2_code in admin2 else ""
    border = row.admin2_code in curation.border_admin2
    return [
        row.id, row.name, row.country, a1, a2,
        "" if row.lat is None else f"{row.lat:.5f}", "" if row.lon is None else f"{row.lon:.5f}",
        str(int(row.precision)), str(row.population), "1" if border else "0",
        "|".join(search_names(row, curation)),
    ]


def write_tsv(rows: Sequence[list[str]], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", quoting=csv.QUOTE_NONE, lineterminator="\n")
        writer.writerow(GAZETTEER_COLUMNS)
        writer.writerows(rows)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder with geonames/ and ucdp/")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--extra", type=Path, default=None, help="curated YAML (default: beside --out)")
    args = parser.parse_args(argv)
    curation = load_curation(args.extra or DEFAULT_OUT.with_name("places_extra.yaml"))
    rows = build_rows(args.data, curation)
    write_tsv(rows, args.out)
    missing = sum(1 for r in rows if not r[5])
    print(f"wrote {len(rows)} places to {args.out} ({missing} without coordinates)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
