"""Place extraction and resolution on real-world news phrasing, against the shipped gazetteer."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from borderwatch.extract.places import find_places
from borderwatch.gazetteer import Gazetteer, load_default_gazetteer

KHOST = "adm1:AF.37"
PAKTIA = "adm1:AF.36"
PAKTIKA = "adm1:AF.29"
SPERA_DISTRICT = "adm2:AF.37.3204"
SPERA_TOWN = "gn:1123935"
KABUL_CITY = "gn:1138958"
KURRAM = "adm2:PK.03.1172574"
MOHMAND = "adm2:PK.03.1170122"
ORAKZAI = "adm2:PK.03.1168705"
NORTH_WAZIRISTAN = "adm2:PK.03.1168875"
MIRANSHAH = "gn:1170367"


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return load_default_gazetteer()


def resolved(text: str, gazetteer: Gazetteer) -> list[tuple[str, str]]:
    return [(m.text, m.place.id) for m in find_places(text, gazetteer)]


@pytest.mark.parametrize(("text", "expected"), [
    ("A US drone strike hit a compound in Spera district of Khost province on Sunday.",
     [("Spera", SPERA_DISTRICT), ("Khost", KHOST)]),
    ("Two children were killed when a mortar shell landed in Spera, residents said.",
     [("Spera", SPERA_TOWN)]),
    ("Militants ambushed a convoy near Mir Ali, North Waziristan, on Tuesday.",
     [("Mir Ali", "ucdp:mir-ali"), ("North Waziristan", NORTH_WAZIRISTAN)]),
    # a u/o spelling variant of a district and of a large town (GeoNames writes Nushki and Kohat)
    ("Gunmen attacked a bus in Noshki on Friday.", [("Noshki", "gn:1168749")]),
    ("Taliban officials said Pakistani jets struck homes in Barmal district of Paktika province.",
     [("Barmal", "adm2:AF.29.2909"), ("Paktika", PAKTIKA)]),
    ("Shells fired from across the border landed in Dand-e-Patan district of Afghanistan's Paktia province.",
     [("Dand-e-Patan", "adm2:AF.36.707"), ("Afghanistan", "country:AF"), ("Paktia", PAKTIA)]),
    ("Clashes were reported in Khost and Paktia provinces overnight.",
     [("Khost", KHOST), ("Paktia", PAKTIA)]),
    ("Security forces raided a hideout in Kurram tribal district.", [("Kurram", KURRAM)]),
    ("The army launched an operation in the Tirah Valley.", [("Tirah Valley", "ucdp:tirah-valley")]),
    ("Families fled Tirah after the curfew was announced.", [("Tirah", "ucdp:tirah-valley")]),
    ("A suicide bomber struck near a ministry in Kabul.", [("Kabul", KABUL_CITY)]),
    ("The drone crashed in Paktika, a Taliban spokesman said.", [("Paktika", PAKTIKA)]),
    ("A roadside bomb killed four soldiers in Orakzai district.", [("Orakzai", ORAKZAI)]),
    ("Warplanes pounded hideouts in Pakistan's tribal agency of Mohmand.",
     [("Pakistan", "country:PK"), ("Mohmand", MOHMAND)]),
    ("Separatists attacked a gas pipeline in Baluchistan province.", [("Baluchistan", "adm1:PK.02")]),
    ("Police in Khyber Pakhtunkhwa said the attackers fled.", [("Khyber Pakhtunkhwa", "adm1:PK.03")]),
    ("Traders at Torkham said the crossing would reopen.", [("Torkham", "ucdp:torkham")]),
    ("Trucks were stranded at Landi Kotal and Chaman.",
     [("Landi Kotal", "gn:1172208"), ("Chaman", "gn:1181611")]),
    ("Fighters crossed at Angoor Adda into South Waziristan.",
     [("Angoor Adda", "ucdp:angor-adda"), ("South Waziristan", "adm2:PK.03.1164536")]),
    ("Protesters blocked the road to Miranshah.", [("Miranshah", MIRANSHAH)]),
    ("The bazaar in Miram Shah was shut.", [("Miram Shah", MIRANSHAH)]),
    ("A polio team was attacked near Wana.", [("Wana", "gn:1162634")]),
    ("Sectarian clashes in Parachinar left 40 dead.", [("Parachinar", "gn:1168394")]),
    ("Curfew was imposed in Bajaur and Zhob.", [("Bajaur", "adm2:PK.03.1183781"), ("Zhob", "gn:1162105")]),
    ("A checkpoint in Zhob district came under fire.", [("Zhob", "adm2:PK.02.1162104")]),
    ("Gunmen opened fire in D.I. Khan on Friday.", [("D.I. Khan", "adm2:PK.03.1180282")]),
    ("Authorities in the NWFP imposed a curfew.", [("NWFP", "adm1:PK.03")]),
    ("Clashes erupted in Afghanistan's eastern Kunar province.",
     [("Afghanistan", "country:AF"), ("Kunar", "adm1:AF.34")]),
])
def test_resolves_places_in_news_phrasing(text, expected, gazetteer):
    assert resolved(text, gazetteer) == expected


@pytest.mark.parametrize(("text", "expected"), [
    # The same village name in two countries: the province named beside it decides.
    ("Elders met in Ali Khel, in Paktia, to discuss the truce.", "gn:1148939"),
    ("Elders met in Ali Khel, in Orakzai, to discuss the truce.", "ucdp:ali-khel-orakzai"),
    ("Artillery hit Jani Khel district of Paktika.", "adm2:AF.29.2916"),
    ("Artillery hit Jani Khel district in Paktia.", "adm2:AF.36.706"),
])
def test_other_places_in_the_text_decide_between_namesakes(text, expected, gazetteer):
    assert find_places(text, gazetteer)[0].place.id == expected


@pytest.mark.parametrize("text", [
    "The Pakistan Army said it had repulsed the attack.",
    "Pakistan Air Force jets flew over the area.",
    "The Pakistan government summoned the envoy.",
    "Tehreek-e-Taliban Pakistan claimed responsibility.",
    "Afghan and Pakistani troops exchanged fire for hours.",
    "The Quetta Shura denied any role.",
    "The Balochistan Liberation Army claimed the bombing.",
    "Residents of kabul and khost fled.",
    "He was born in Kabulistan.",
    "Ali Khan said in May that the price was now too high.",
])
def test_ignores_organisations_adjectives_lowercase_and_ordinary_words(text, gazetteer):
    assert resolved(text, gazetteer) == []


@pytest.mark.parametrize(("text", "expected"), [
    # a park, a leader: the name ends a longer proper name, and the place is the one named next
    ("The former prime minister was killed at a rally in Liaquat Bagh, Rawalpindi, on Thursday.",
     ["Rawalpindi"]),
    ("A crowd gathered at Qissa Khwani Bazaar before the blast.", []),
    ("Commandos stormed the Lal Masjid in Islamabad in July 2007.", ["Islamabad"]),
    # qualifiers, offices and sentence openings are not longer names
    ("Fighting spread to Upper Kurram and Central Kurram overnight.", ["Kurram", "Kurram"]),
    ("Deputy Commissioner Bannu said the curfew would stay.", ["Bannu"]),
    ("In Bannu, gunmen fired on a police van.", ["Bannu"]),
    ("Eastern Nangarhar has seen the heaviest fighting.", ["Nangarhar"]),
    ("Since Monday Kurram has been cut off.", ["Kurram"]),
])
def test_a_name_that_ends_a_longer_proper_name_is_not_the_place(text, expected, gazetteer):
    assert [m.text for m in find_places(text, gazetteer)] == expected


def test_country_after_an_organisation_word_is_skipped_but_a_country_mention_is_kept(gazetteer):
    text = "The Pakistan Army said its troops killed militants inside Afghanistan."
    assert resolved(text, gazetteer) == [("Afghanistan", "country:AF")]


@pytest.mark.parametrize(("text", "precision", "admin1", "country"), [
    ("Spera district of Khost province", 2, "Khost", "AF"),
    ("a village near Spera", 1, "Khost", "AF"),
    ("in Kabul", 1, "Kabul", "AF"),
    ("in Paktika", 3, "Paktika", "AF"),
    ("Mir Ali, North Waziristan", 1, "Khyber Pakhtunkhwa", "PK"),
    ("inside Afghanistan", 4, None, "AF"),
])
def test_resolved_place_carries_precision_and_hierarchy(text, precision, admin1, country, gazetteer):
    place = find_places(text, gazetteer)[0].place
    assert (place.precision, place.admin1, place.country) == (precision, admin1, country)


def test_ambiguous_names_keep_their_other_readings(gazetteer):
    match = find_places("A blast in Kabul killed five.", gazetteer)[0]
    assert {"adm1:AF.13", "adm2:AF.13.101"} <= {p.id for p in match.alternatives}


def test_offsets_point_at_the_matched_text(gazetteer):
    text = "Pakistani jets bombed Dand-e-Patan district of Afghanistan's Paktia province, near Torkham."
    matches = find_places(text, gazetteer)
    assert [text[m.start:m.end] for m in matches] == [m.text for m in matches]
    assert [m.text for m in matches] == ["Dand-e-Patan", "Afghanistan", "Paktia", "Torkham"]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("Kabul Khost-e Pakistan's ,.AaIi D")), max_size=80))
def test_never_fails_and_offsets_always_match(text):
    gazetteer = load_default_gazetteer()
    for m in find_places(text, gazetteer):
        assert text[m.start:m.end] == m.text
        assert 0 <= m.start < m.end <= len(text)


def test_a_valley_named_by_a_common_noun_is_not_found_by_the_noun_alone(gazetteer):
    found = find_places("Traders in Jamrud Bazaar closed their shops; Bazaar Valley stayed calm.", gazetteer)
    assert [m.text for m in found] == ["Jamrud", "Bazaar Valley"]


def test_a_gazetteer_word_that_names_no_place_before_a_name_makes_one_longer_name(gazetteer):
    # "Shor" is a word of "Shor Tepa" only; "Shor Bazaar" is a market, not a place the gazetteer has
    assert [m.text for m in find_places("a shop in Sirf Shor Bazaar, near Kabul", gazetteer)] == ["Kabul"]


@pytest.mark.parametrize(("text", "expected"), [
    ("The bomber struck an education centre in Dasht-e-Barchi, west of Kabul.", ["Kabul"]),
    ("Bombs went off outside the Sayed ul-Shuhada school in Kabul.", ["Kabul"]),
    # a name the gazetteer has whole keeps its ezafe
    ("Shells landed in the Dand-e-Patan district of Paktia.", ["Dand-e-Patan", "Paktia"]),
])
def test_a_name_joined_by_an_ezafe_to_an_unknown_word_is_part_of_a_longer_name(text, expected, gazetteer):
    assert [m.text for m in find_places(text, gazetteer)] == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("The blast hit a tuition centre in a Hazara neighbourhood of Kabul.", ["Kabul"]),
    ("Fighting went on in the Kot valley of Paktia.", ["Paktia"]),
    # a part that does lie in the whole stays
    ("Drones struck the Spera district of Khost province.", ["Spera", "Khost"]),
    ("Police raided a house in the Hayatabad area of Peshawar.", ["Hayatabad", "Peshawar"]),
])
def test_a_part_named_before_its_whole_must_lie_in_the_whole(text, expected, gazetteer):
    assert [m.text for m in find_places(text, gazetteer)] == expected


def test_an_army_unit_named_after_a_province_is_not_the_province(gazetteer):
    text = "The bomber ran onto the parade ground of the Punjab Regiment's training school in Dargai."
    assert [m.text for m in find_places(text, gazetteer)] == ["Dargai"]
