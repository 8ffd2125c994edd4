"""The gazetteer: name folding, lookups, the shipped TSV's integrity and the build script."""

import csv
from pathlib import Path

import pytest
from repo_scripts import loaded

from borderwatch.errors import TheatreError
from borderwatch.gazetteer import GAZETTEER_COLUMNS, Gazetteer, fold_name, load_default_gazetteer

REPO = Path(__file__).resolve().parent.parent
SHIPPED_TSV = REPO / "src/borderwatch/theatres/afpak/gazetteer.tsv"
# Generous national bounding boxes (lat_min, lat_max, lon_min, lon_max).
BOUNDS = {
    "AF": (29.3, 38.5, 60.4, 75.0),
    "PK": (23.6, 37.1, 60.8, 77.9),
    "IR": (25.0, 39.8, 44.0, 63.4),
    "IN": (6.5, 35.7, 68.0, 97.5),
}


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return load_default_gazetteer()


@pytest.fixture(scope="module")
def shipped_rows() -> list[dict[str, str]]:
    with open(SHIPPED_TSV, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


@pytest.mark.parametrize(("name", "key"), [
    ("Ḏanḏ Paṯān", "dand patan"),
    ("Dand-e-Patan", "dand patan"),
    ("Dand-e Patan", "dand patan"),
    ("Qal‘ah-ye Kūf", "qalah kuf"),
    ("KHOST", "khost"),
    ("Khyber-Pakhtunkhwa", "khyber pakhtunkhwa"),
    ("D.I. Khan", "d i khan"),
    ("Sar-e Pul", "sar pul"),
    ("Kuran Wa Munjan", "kuran munjan"),
    ("Spērah", "sperah"),
])
def test_fold_name(name, key):
    assert fold_name(name) == key


@pytest.mark.parametrize(("name", "expected_id"), [
    ("Khost province", "adm1:AF.37"),
    ("Khowst", "adm1:AF.37"),
    ("Paktiya", "adm1:AF.36"),
    ("Baluchistan", "adm1:PK.02"),
    ("KPK", "adm1:PK.03"),
    ("North-West Frontier Province", "adm1:PK.03"),
    ("Kurram Agency", "adm2:PK.03.1172574"),
    ("Kurram tribal district", "adm2:PK.03.1172574"),
    ("Bajaur Agency", "adm2:PK.03.1183781"),
    ("Mohmand", "adm2:PK.03.1170122"),
    ("Orakzai district", "adm2:PK.03.1168705"),
    ("Spera district", "adm2:AF.37.3204"),
    ("Barmal", "adm2:AF.29.2909"),
    ("Dand Patan", "adm2:AF.36.707"),
    ("the Tirah Valley", "ucdp:tirah-valley"),
    ("Tirah", "ucdp:tirah-valley"),
    ("Miram Shah", "gn:1170367"),
    ("Miranshah", "gn:1170367"),
    ("Angoor Adda", "ucdp:angor-adda"),
    ("Torkham", "ucdp:torkham"),
    ("Mir Ali", "ucdp:mir-ali"),
    ("Landi Kotal", "gn:1172208"),
    ("Parachinar", "gn:1168394"),
    ("Chaman", "gn:1181611"),
    ("Wana", "gn:1162634"),
    ("Afghanistan", "country:AF"),
    ("Iran", "country:IR"),
])
def test_lookup_finds_common_spellings(gazetteer, name, expected_id):
    assert gazetteer.lookup(name)[0].id == expected_id


@pytest.mark.parametrize("word", [
    "Ali", "Khan", "Shah", "Noor", "Mir", "Hafiz", "Price", "Wali", "May", "Bar", "Pak", "Now", "Said",
    "Dand", "Afghan", "Pakistani", "March", "Ghulam Ali", "Ibrahim Khan",
])
def test_ordinary_words_and_person_names_are_not_places(gazetteer, word):
    assert gazetteer.lookup(word) == []


def test_spera_is_both_a_district_and_its_centre(gazetteer):
    assert {p.id for p in gazetteer.lookup("Spera")} == {"adm2:AF.37.3204", "gn:1123935"}


def test_admin1_place_has_coordinates_for_distance_checks(gazetteer):
    khost = gazetteer.admin1_place("Khost", "AF")
    assert khost is not None and khost.precision == 3 and khost.lat is not None
    assert gazetteer.admin1_place("Khowst province", "AF") == khost
    assert gazetteer.admin1_place("Khost", "PK") is None


def test_get_names_the_missing_id(gazetteer):
    assert gazetteer.get("adm1:PK.03").name == "Khyber Pakhtunkhwa"
    with pytest.raises(KeyError, match="gn:0"):
        gazetteer.get("gn:0")


def test_malformed_gazetteer_raises_theatre_error(tmp_path):
    path = tmp_path / "bad.tsv"
    path.write_text("\t".join(GAZETTEER_COLUMNS) + "\nx:1\tX\tAF\t\t\tnot-a-number\t\t2\t0\t0\tX\n")
    with pytest.raises(TheatreError, match="line 2"):
        Gazetteer.load(path)
    with pytest.raises(TheatreError):
        Gazetteer.load(tmp_path / "missing.tsv")


# --- integrity of the shipped TSV -------------------------------------------------------------------

def test_shipped_ids_are_unique_and_sorted(shipped_rows):
    ids = [r["id"] for r in shipped_rows]
    assert len(ids) == len(set(ids))
    assert ids == sorted(ids)


def test_shipped_hierarchy_is_consistent(shipped_rows):
    admin1 = {(r["country"], r["name"]) for r in shipped_rows if r["id"].startswith("adm1:")}
    admin2 = {(r["country"], r["admin1"], r["name"]) for r in shipped_rows if r["id"].startswith("adm2:")}
    for row in shipped_rows:
        if row["admin1"]:
            assert (row["country"], row["admin1"]) in admin1, row["id"]
        if row["admin2"]:
            assert (row["country"], row["admin1"], row["admin2"]) in admin2, row["id"]
        if row["id"].startswith("adm2:"):
            assert row["admin1"], row["id"]


def test_shipped_precision_and_coordinates(shipped_rows):
    with_coordinates = 0
    for row in shipped_rows:
        assert row["precision"] in {"1", "2", "3", "4"}, row["id"]
        assert row["country"] in BOUNDS, row["id"]
        assert row["search_names"] or row["precision"] in {"1", "2"}, row["id"]
        if row["lat"]:
            lat_min, lat_max, lon_min, lon_max = BOUNDS[row["country"]]
            assert lat_min <= float(row["lat"]) <= lat_max, row["id"]
            assert lon_min <= float(row["lon"]) <= lon_max, row["id"]
            with_coordinates += 1
        else:
            assert row["id"].startswith("adm2:"), row["id"]  # only districts with no place in the sources
    assert with_coordinates / len(shipped_rows) > 0.9
    assert sum(1 for r in shipped_rows if r["search_names"]) / len(shipped_rows) > 0.98


def test_former_fata_agencies_are_districts_of_khyber_pakhtunkhwa(shipped_rows):
    agencies = {"Bajaur", "Mohmand", "Khyber", "Orakzai", "Kurram", "North Waziristan", "South Waziristan"}
    rows = {r["name"]: r for r in shipped_rows if r["id"].startswith("adm2:PK.")}
    for name in agencies:
        assert rows[name]["admin1"] == "Khyber Pakhtunkhwa"
        assert rows[name]["precision"] == "2"
    assert {name for name in agencies if rows[name]["border"] == "1"} == agencies - {"Orakzai"}


# --- the build script -------------------------------------------------------------------------------

@pytest.fixture
def build_script():
    with loaded("scripts/build_gazetteer.py") as module:
        yield module


CITIES_HEADER = "\t".join((
    "geonameid", "name", "asciiname", "alternatenames", "latitude", "longitude", "feature_class",
    "feature_code", "country_code", "cc2", "admin1_code", "admin2_code", "admin3_code", "admin4_code",
    "population", "elevation", "dem", "timezone", "modification_date",
))
CURATION = """
admin1_names: {AF.37: Khost}
admin1_aliases: {PK.03: [KP, NWFP]}
admin2_names: {AF.37.3204: Spera}
admin2_aliases: {AF.37.3204: [Sperah]}
place_aliases: {"ucdp:tirah-valley": [Terah]}
countries:
  - {code: AF, name: Afghanistan, lat: 33.9, lon: 67.7}
  - {code: PK, name: Pakistan, lat: 30.4, lon: 69.3}
border_admin2: [PK.03.1172574]
ucdp_admin1: {Federally Administered Tribal Areas: PK.03}
stoplist: [ali, bazaar]
given_names: [ibrahim, khan]
keep_names: []
"""


def write_fixture_sources(root: Path) -> None:
    (root / "geonames").mkdir()
    (root / "ucdp").mkdir()
    (root / "geonames/admin1_AF_PK.tsv").write_text("code\tname\nAF.37\tKhowst\nPK.03\tKhyber Pakhtunkhwa\n")
    (root / "geonames/admin2_AF_PK.tsv").write_text(
        "code\tname\nAF.37.3204\tSpērah\nPK.03.1172574\tKurram District\n")
    cities = [
        "1123935\tSpērah\tSperah\tSpera,Ali,spyrh,سپره,Speyra\t33.20204\t69.5152\tP\tPPLA2\tAF\t\t37\t3204"
        "\t\t\t0\t\t1845\tAsia/Kabul\t2020-01-01",
        "1168394\tParachinar\tParachinar\tParachiner\t33.89968\t70.10012\tP\tPPLA2\tPK\t\t03\t1172574"
        "\t\t\t0\t\t1700\tAsia/Karachi\t2020-01-01",
        "9000001\tIbrāhīm Khān\tIbrahim Khan\t\t33.3\t69.6\tP\tPPL\tAF\t\t37\t3204"
        "\t\t\t600\t\t1\tAsia/Kabul\t2020-01-01",
    ]
    (root / "geonames/cities500_AF_PK.tsv").write_text(CITIES_HEADER + "\n" + "\n".join(cities) + "\n")
    (root / "ucdp/places_pakistan.csv").write_text(
        "where_prec,adm_1,adm_2,where_coordinates,latitude,longitude,n_events\n"
        "1,Federally Administered Tribal Areas,Kurram Agency,Parachinar Town,33.899675,70.100119,14\n"
        "1,Federally Administered Tribal Areas,Kurram Agency,Sadda Town,33.70583,70.32833,9\n"
        "2,Federally Administered Tribal Areas,Khyber Agency,Tirah Valley,33.8125,70.676944,137\n"
        "3,Federally Administered Tribal Areas,Kurram Agency,Kurram Agency,33.7,70.2,3\n"
        "5,Federally Administered Tribal Areas,,Bannu-Miranshah road,32.93,70.37,1\n"
    )


def test_build_script_compiles_fixture_sources(tmp_path, build_script):
    build = build_script
    data, out, extra = tmp_path / "data", tmp_path / "gazetteer.tsv", tmp_path / "extra.yaml"
    data.mkdir()
    write_fixture_sources(data)
    extra.write_text(CURATION)
    assert build.main(["--data", str(data), "--out", str(out), "--extra", str(extra)]) == 0
    first_build = out.read_bytes()
    build.main(["--data", str(data), "--out", str(out), "--extra", str(extra)])
    assert out.read_bytes() == first_build  # deterministic

    with open(out, encoding="utf-8", newline="") as handle:
        rows = {r["id"]: r for r in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)}
    assert list(rows) == sorted(rows)
    assert set(rows) == {
        "adm1:AF.37", "adm1:PK.03", "adm2:AF.37.3204", "adm2:PK.03.1172574", "country:AF", "country:PK",
        "gn:1123935", "gn:1168394", "gn:9000001", "ucdp:sadda", "ucdp:tirah-valley",
    }  # UCDP's Parachinar is GeoNames' Parachinar; the road is not a place
    assert rows["adm1:AF.37"]["name"] == "Khost"
    assert rows["adm2:AF.37.3204"]["name"] == "Spera"
    assert (rows["adm2:AF.37.3204"]["lat"], rows["adm2:AF.37.3204"]["lon"]) == ("33.20204", "69.51520")
    assert rows["adm2:PK.03.1172574"]["name"] == "Kurram"
    assert rows["adm2:PK.03.1172574"]["border"] == "1"
    spera_town = rows["gn:1123935"]
    assert (spera_town["name"], spera_town["admin1"], spera_town["admin2"]) == ("Spera", "Khost", "Spera")
    assert set(spera_town["search_names"].split("|")) == {"Spera", "Sperah", "Speyra"}  # no Ali, no Arabic
    assert "Parachinar" in rows["gn:1168394"]["search_names"].split("|")
    assert rows["ucdp:sadda"]["admin2"] == "Kurram" and rows["ucdp:sadda"]["border"] == "1"
    assert rows["ucdp:tirah-valley"]["admin1"] == "Khyber Pakhtunkhwa"
    assert set(rows["ucdp:tirah-valley"]["search_names"].split("|")) >= {"Tirah", "Tirah Valley", "Terah"}
    assert rows["gn:9000001"]["search_names"] == ""  # "Ibrahim Khan" reads as a person
    assert rows["country:PK"]["precision"] == "4"
    assert set(rows["adm1:PK.03"]["search_names"].split("|")) == {"Khyber Pakhtunkhwa", "KP", "NWFP"}

    built = Gazetteer.load(out)
    assert {p.id for p in built.lookup("Spera")} == {"adm2:AF.37.3204", "gn:1123935"}
    assert built.lookup("NWFP")[0].id == "adm1:PK.03"


def test_build_is_the_same_whatever_the_hash_seed(tmp_path):
    """Alternate names are sets: a spelling chosen among those that fold alike must not depend on the
    interpreter's hash seed, or every rebuild churns the shipped file."""
    import os
    import subprocess
    import sys

    data, extra = tmp_path / "data", tmp_path / "extra.yaml"
    data.mkdir()
    write_fixture_sources(data)
    extra.write_text(CURATION)
    pairs = ",".join(f"Kot {w},Kot-{w}" for w in ("Alpha", "Bravo", "Delta", "Echo", "Gulf", "Hotel", "India"))
    town = ("9000002\tKot\tKot\t" + pairs + "\t33.5\t70.0\tP\tPPL\tPK\t\t03\t1172574\t\t\t60000\t\t1"
            "\tAsia/Karachi\t2020-01-01\n")
    with open(data / "geonames/cities500_AF_PK.tsv", "a", encoding="utf-8") as handle:
        handle.write(town)
    with open(data / "ucdp/places_pakistan.csv", "a", encoding="utf-8") as handle:
        handle.write("1,Federally Administered Tribal Areas,Kurram Agency,Teri border,33.8,70.0,1\n")
    script = Path(__file__).resolve().parent.parent / "scripts" / "build_gazetteer.py"
    outputs = set()
    for seed in ("0", "1", "2", "3"):
        out = tmp_path / f"gazetteer-{seed}.tsv"
        subprocess.run([sys.executable, str(script), "--data", str(data), "--out", str(out), "--extra", str(extra)],
                       check=True, capture_output=True, env={**os.environ, "PYTHONHASHSEED": seed})
        outputs.add(out.read_bytes())
    assert len(outputs) == 1
    rows = {r.split("\t")[1]: r for r in outputs.pop().decode().splitlines()[1:]}
    assert "Teri" in rows  # "Teri border", a crossing point in UCDP, is the place Teri
