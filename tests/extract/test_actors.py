"""Actor extraction on news phrasing, era switching, and the integrity of the shipped actors.yaml."""

from __future__ import annotations

import copy
from datetime import date
from importlib import resources

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from borderwatch.errors import TheatreError
from borderwatch.extract.actors import ActorDictionary, MatchKind, Role, load_default_actors

BEFORE_FALL = date(2019, 6, 1)
AFTER_FALL = date(2024, 3, 18)
GOLD_IDS = (
    "PAK-MIL PAK-POL PAK-GOV AFG-TALIBAN AFG-MIL AFG-GOV TTP HGB HAQQANI ISKP AQ LEI BLA "
    "USA-MIL USA-GOV NATO IRN-MIL CIV-PAK CIV-AFG UNKNOWN"
).split()
# ISO 3166-1 alpha-2, so a typo such as "PA" or "AFG" in actors.yaml fails the integrity test.
ISO_3166_ALPHA2 = frozenset(
    """AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS
    BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG
    EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR
    HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR
    LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG
    NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE
    SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA
    UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW""".split()
)


@pytest.fixture(scope="module")
def actors() -> ActorDictionary:
    return load_default_actors()


def found(actors: ActorDictionary, text: str, when: date | None = None) -> list[tuple[str, str | None]]:
    return [(m.text, m.actor_id) for m in actors.find_actors(text, when)]


# ---- names -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "phrase", "actor_id"),
    [
        ("According to the ISPR, four terrorists were killed in North Waziristan.", "ISPR", "PAK-MIL"),
        (
            "The Inter-Services Public Relations said troops responded effectively.",
            "Inter-Services Public Relations",
            "PAK-MIL",
        ),
        (
            "Pakistan's military media wing said 23 soldiers were martyred.",
            "Pakistan's military media wing",
            "PAK-MIL",
        ),
        ("The Armed Forces Media Wing confirmed the operation.", "Armed Forces Media Wing", "PAK-MIL"),
        ("The Frontier Corps troops came under fire near Chaman.", "Frontier Corps troops", "PAK-MIL"),
        ("An SSG commando was injured in the raid.", "SSG", "PAK-MIL"),
        ("Pakistan Air Force jets struck hideouts in Khost.", "Pakistan Air Force jets", "PAK-MIL"),
        ("The CTD said the suspects belonged to a banned outfit.", "CTD", "PAK-POL"),
        (
            "Counter-Terrorism Department officials raided a compound in Dera Ismail Khan.",
            "Counter-Terrorism Department officials",
            "PAK-POL",
        ),
        ("Two Levies personnel were shot dead in Zhob.", "Levies personnel", "PAK-POL"),
        ("as per district police officer (DPO) Kurram, Mazhar Jahan", "district police officer", "PAK-POL"),
        ("The DPO said a search operation was under way.", "DPO", "PAK-POL"),
        ("The Foreign Office (FO) summoned the Afghan charge d'affaires.", "Foreign Office", "PAK-GOV"),
        ("The FO said Pakistan respects Afghan sovereignty.", "FO", "PAK-GOV"),
        ("The National Security Committee (NSC) met on Monday.", "National Security Committee", "PAK-GOV"),
        ("Prime Minister Shehbaz Sharif chaired the meeting.", "Shehbaz Sharif", "PAK-GOV"),
        ("Shahbaz Sharif vowed a befitting response.", "Shahbaz Sharif", "PAK-GOV"),
        ("President Asif Ali Zardari condemned the attack.", "Asif Ali Zardari", "PAK-GOV"),
        (
            "Foreign Minister Bilawal Bhutto-Zardari returned from Washington.",
            "Bilawal Bhutto-Zardari",
            "PAK-GOV",
        ),
        ("The Afghan Taliban rejected the allegations.", "Afghan Taliban", "AFG-TALIBAN"),
        ("The Taliban regime in Kabul denied it.", "Taliban regime", "AFG-TALIBAN"),
        ("The Taliban government said the strikes killed civilians.", "Taliban government", "AFG-TALIBAN"),
        ("The Islamic Emirate stands by its promise.", "Islamic Emirate", "AFG-TALIBAN"),
        (
            "concerns to the Interim Afghan Government over the presence of terror outfits",
            "Interim Afghan Government",
            "AFG-TALIBAN",
        ),
        ("Taliban spokesman Zabihullah Mujahid said eight people died.", "Zabihullah Mujahid", "AFG-TALIBAN"),
        ("Zabiullah Mujahid wrote on X that the border was calm.", "Zabiullah Mujahid", "AFG-TALIBAN"),
        ("Mujahid added that the Islamic Emirate would respond.", "Mujahid", "AFG-TALIBAN"),
        ("said Bilal Karimi, the Taliban's deputy spokesman", "Bilal Karimi", "AFG-TALIBAN"),
        ("Hamdullah Fitrat, the deputy spokesman, said", "Hamdullah Fitrat", "AFG-TALIBAN"),
        ("defence ministry spokesman Enayatullah Khwarazmi said", "Enayatullah Khwarazmi", "AFG-TALIBAN"),
        ("Taliban border forces in Paktia were ordered to attack", "Taliban border forces", "AFG-TALIBAN"),
        ("Taliban fighters retreated to a Pakistani outpost.", "Taliban fighters", "AFG-TALIBAN"),
        ("The Afghan National Army repelled the attack.", "Afghan National Army", "AFG-MIL"),
        ("ANDSF casualties mounted through 2020.", "ANDSF", "AFG-MIL"),
        ("President Ashraf Ghani called for calm.", "Ashraf Ghani", "AFG-GOV"),
        ("the outlawed Tehreek-e-Taliban Pakistan (TTP)", "Tehreek-e-Taliban Pakistan", "TTP"),
        ("the TTP [Tehrik-i-Taliban Pakistan]", "Tehrik-i-Taliban Pakistan", "TTP"),
        (
            "Tehrik i Taliban Pakistan fighters crossed the border.",
            "Tehrik i Taliban Pakistan fighters",
            "TTP",
        ),
        ("the banned Tehrik-e-Taliban claimed the attack", "Tehrik-e-Taliban", "TTP"),
        ("The Pakistani Taliban claimed responsibility.", "Pakistani Taliban", "TTP"),
        ("Pakistan, US join hands against Pakistan's Taliban", "Pakistan's Taliban", "TTP"),
        ("terrorists belonging to Fitna al-Khawarij were killed", "Fitna al-Khawarij", "TTP"),
        ("the Indian-sponsored Fitna-al-Khawarij", "Fitna-al-Khawarij", "TTP"),
        ("security forces killed 13 khawarij in the operation", "khawarij", "TTP"),
        ("Jamaat-ul-Ahrar claimed the Peshawar mosque bombing.", "Jamaat-ul-Ahrar", "TTP"),
        ("TTP chief Noor Wali Mehsud said in an interview", "TTP chief", "TTP"),
        ("TTP chief Noor Wali Mehsud said in an interview", "Noor Wali Mehsud", "TTP"),
        ("Mullah Fazlullah was killed in a drone strike in Kunar.", "Mullah Fazlullah", "TTP"),
        ("commanders of the Hafiz Gul Bahadur Network (HGB)", "Hafiz Gul Bahadur Network", "HGB"),
        ("the HGB claimed the Mir Ali attack", "HGB", "HGB"),
        ("More than 50 Haqqani Network fighters were killed.", "Haqqani Network fighters", "HAQQANI"),
        ("Sirajuddin Haqqani heads the interior ministry.", "Sirajuddin Haqqani", "HAQQANI"),
        ("IS-K [Islamic State – Khorasan Province, an affiliate]", "IS-K", "ISKP"),
        (
            "IS-K [Islamic State – Khorasan Province, an affiliate]",
            "Islamic State – Khorasan Province",
            "ISKP",
        ),
        ("The Islamic State claimed the Bajaur rally bombing.", "Islamic State", "ISKP"),
        ("ISIS-K militants attacked the airport.", "ISIS-K militants", "ISKP"),
        ("Daesh has claimed several attacks in Bajaur.", "Daesh", "ISKP"),
        ("a known haven for al Qaeda, the Taliban, and the Lashkar-e-Islam", "al Qaeda", "AQ"),
        ("the leader of al-Qaida, who was living in Kabul", "al-Qaida", "AQ"),
        (
            "Al-Qaeda in the Indian Subcontinent (AQIS) was founded in 2014.",
            "Al-Qaeda in the Indian Subcontinent",
            "AQ",
        ),
        ("killed Osama bin Laden at his hideout in Abbottabad", "Osama bin Laden", "AQ"),
        ("al-Qaeda leader Ayman al-Zawahiri in a US drone strike", "Ayman al-Zawahiri", "AQ"),
        ("a known haven for al Qaeda, the Taliban, and the Lashkar-e-Islam", "Lashkar-e-Islam", "LEI"),
        ("the banned TTP, Baluchistan Liberation Army, and IS-K", "Baluchistan Liberation Army", "BLA"),
        ("The BLA claimed the attack on the Jaffar Express.", "BLA", "BLA"),
        ("The BLF and BRAS claimed joint responsibility.", "BLF", "BLA"),
        ("The BLF and BRAS claimed joint responsibility.", "BRAS", "BLA"),
        ("key node in the CIA's Predator and Reaper drone campaign", "CIA", "USA-MIL"),
        ("key node in the CIA's Predator and Reaper drone campaign", "Reaper drone", "USA-MIL"),
        ("A Pentagon spokesman said the US military will not pursue", "Pentagon spokesman", "USA-MIL"),
        ("CENTCOM said the strike killed a senior leader.", "CENTCOM", "USA-MIL"),
        ("Navy SEALs raided the compound.", "Navy SEALs", "USA-MIL"),
        ("the US State Department declared Wednesday", "US State Department", "USA-GOV"),
        ("State Department spokesman Ned Price told reporters", "Ned Price", "USA-GOV"),
        (
            "US Secretary of State Antony Blinken meets with Pakistani Foreign Minister",
            "Antony Blinken",
            "USA-GOV",
        ),
        ("The White House condemned the attack.", "White House", "USA-GOV"),
        ("closing the border to NATO supply trucks", "NATO", "NATO"),
        ("ISAF troops were withdrawn from Kunar.", "ISAF troops", "NATO"),
        ("coalition forces called in an air strike", "coalition forces", "NATO"),
        ("The IRGC fired missiles at targets in Panjgur.", "IRGC", "IRN-MIL"),
        ("a former Pakistan Tehreek-e-Insaf (PTI) lawmaker", "Pakistan Tehreek-e-Insaf", "PTI"),
        (
            "the Tehreek-e-Jihad Pakistan claimed the Dera Ismail Khan attack",
            "Tehreek-e-Jihad Pakistan",
            "TJP",
        ),
        ("Lashkar-e-Taiba, the Mullah Nazir Group, Harakat-ul-Mujahideen", "Lashkar-e-Taiba", "LET"),
        ("Jaish-e-Mohammad and Jaish-e-Muhammad are one group", "Jaish-e-Mohammad", "JEM"),
    ],
)
def test_names_resolve_to_their_actor(actors, text, phrase, actor_id):
    matches = {m.text: m for m in actors.find_actors(text, AFTER_FALL)}
    assert phrase in matches, found(actors, text, AFTER_FALL)
    assert matches[phrase].actor_id == actor_id
    assert matches[phrase].kind is MatchKind.NAME


# ---- nationality + role noun -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "phrase", "actor_id", "role", "country"),
    [
        ("Pakistani soldiers stand guard at Torkham.", "Pakistani soldiers", "PAK-MIL", Role.FORCES, "PK"),
        ("seven Pakistan Army soldiers were martyred", "Pakistan Army soldiers", "PAK-MIL", None, None),
        ("Pakistani troops were providing cover", "Pakistani troops", "PAK-MIL", Role.FORCES, "PK"),
        (
            "28 Pakistan troops, including two officers, were killed",
            "Pakistan troops",
            "PAK-MIL",
            Role.FORCES,
            "PK",
        ),
        ("attacking Pakistani forces along the border", "Pakistani forces", "PAK-MIL", Role.FORCES, "PK"),
        ("ordered to attack the Pakistani military", "Pakistani military", "PAK-MIL", Role.FORCES, "PK"),
        (
            "Pakistani security forces cordoned off the area",
            "Pakistani security forces",
            "PAK-MIL",
            Role.FORCES,
            "PK",
        ),
        (
            "the Afghan Taliban attacked Pakistani checkposts",
            "Pakistani checkposts",
            "PAK-MIL",
            Role.FORCES,
            "PK",
        ),
        (
            "Taliban fighters fired on Pakistani border posts",
            "Pakistani border posts",
            "PAK-MIL",
            Role.FORCES,
            "PK",
        ),
        ("Pakistani posts in Kurram came under fire", "Pakistani posts", "PAK-MIL", Role.FORCES, "PK"),
        ("Pakistani jets bombed Barmal district", "Pakistani jets", "PAK-MIL", Role.FORCES, "PK"),
        ("Pakistan's military operations", "Pakistan's military", "PAK-MIL", Role.FORCES, "PK"),
        ("US forces could ask for authority", "US forces", "USA-MIL", Role.FORCES, "US"),
        ("US troops pursued a Taliban force from Kunar", "US troops", "USA-MIL", Role.FORCES, "US"),
        ("US attack helicopters opened fire", "US attack helicopters", "USA-MIL", Role.FORCES, "US"),
        ("U.S. forces withdrew from Bagram", "U.S. forces", "USA-MIL", Role.FORCES, "US"),
        ("American drones struck a compound", "American drones", "USA-MIL", Role.FORCES, "US"),
        ("a US drone strike in Kabul", "US drone strike", "USA-MIL", Role.FORCES, "US"),
        ("Iranian forces shelled villages in Panjgur", "Iranian forces", "IRN-MIL", Role.FORCES, "IR"),
        ("Indian troops crossed the Line of Control", "Indian troops", "IND-MIL", Role.FORCES, "IN"),
        ("Afghan civilians were killed in the strikes", "Afghan civilians", "CIV-AFG", Role.CIVILIANS, "AF"),
        ("Pakistani civilians fled Bajaur", "Pakistani civilians", "CIV-PAK", Role.CIVILIANS, "PK"),
        ("Pakistani police arrested the suspects", "Pakistani police", "PAK-POL", Role.POLICE, "PK"),
        (
            "Pakistani officials claim they have evidence",
            "Pakistani officials",
            "PAK-GOV",
            Role.GOVERNMENT,
            "PK",
        ),
        (
            "Pakistan's Ministry of Foreign Affairs said",
            "Pakistan's Ministry of Foreign Affairs",
            "PAK-GOV",
            Role.GOVERNMENT,
            "PK",
        ),
        (
            "unidentified gunmen opened fire on a polio team",
            "unidentified gunmen",
            "UNKNOWN",
            Role.MILITANTS,
            None,
        ),
        ("Baloch separatists attacked a convoy", "Baloch separatists", "BLA", Role.MILITANTS, None),
    ],
)
def test_qualified_roles_resolve(actors, text, phrase, actor_id, role, country):
    matches = {m.text: m for m in actors.find_actors(text, AFTER_FALL)}
    assert phrase in matches, found(actors, text, AFTER_FALL)
    match = matches[phrase]
    assert (match.actor_id, match.kind, match.generic, match.country) == (
        actor_id,
        MatchKind.NAME,
        role,
        country,
    )


@pytest.mark.parametrize(
    ("text", "phrase", "role", "country"),
    [
        ("Pakistani militants crossed into Kunar", "Pakistani militants", Role.MILITANTS, "PK"),
        ("Afghan fighters were among the dead", "Afghan fighters", Role.MILITANTS, "AF"),
        ("Chinese soldiers guard the corridor", "Chinese soldiers", Role.FORCES, "CN"),
        ("security forces killed 13 terrorists", "security forces", Role.FORCES, None),
        ("troops responded effectively", "troops", Role.FORCES, None),
        ("two soldiers were martyred", "soldiers", Role.FORCES, None),
        ("militants stormed the compound", "militants", Role.MILITANTS, None),
        ("the terrorists were hiding in a cave", "terrorists", Role.MILITANTS, None),
        ("insurgents ambushed the convoy", "insurgents", Role.MILITANTS, None),
        ("gunmen on motorcycles opened fire", "gunmen", Role.MILITANTS, None),
        ("the attackers were killed", "attackers", Role.MILITANTS, None),
        ("a suicide bomber rammed the gate", "suicide bomber", Role.MILITANTS, None),
        ("police said the bomb was remote-controlled", "police", Role.POLICE, None),
        ("three policemen were injured", "policemen", Role.POLICE, None),
        ("311 civilians were killed", "civilians", Role.CIVILIANS, None),
        ("five women and children died", "women and children", Role.CIVILIANS, None),
        ("villagers fled the shelling", "villagers", Role.CIVILIANS, None),
        ("the government has yet to comment", "government", Role.GOVERNMENT, None),
    ],
)
def test_generic_mentions_keep_their_role(actors, text, phrase, role, country):
    matches = {m.text: m for m in actors.find_actors(text)}
    assert phrase in matches, found(actors, text)
    match = matches[phrase]
    assert (match.actor_id, match.kind, match.generic, match.country) == (
        None,
        MatchKind.GENERIC,
        role,
        country,
    )


# ---- metonyms and eras -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "phrase", "when", "actor_id"),
    [
        ("Pakistan responded furiously to such incursions.", "Pakistan", AFTER_FALL, "PAK-GOV"),
        ("Islamabad referred to the Taliban as an interim government.", "Islamabad", AFTER_FALL, "PAK-GOV"),
        ("Afghanistan, on the other hand, always denies it.", "Afghanistan", AFTER_FALL, "AFG-TALIBAN"),
        ("Afghanistan lodged a protest with Pakistan.", "Afghanistan", BEFORE_FALL, "AFG-GOV"),
        ("Kabul rejected the allegations.", "Kabul", AFTER_FALL, "AFG-TALIBAN"),
        ("Kabul rejected the allegations.", "Kabul", BEFORE_FALL, "AFG-GOV"),
        ("the US carried out a unilateral raid", "US", AFTER_FALL, "USA-GOV"),
        ("The United States has offered to help", "United States", AFTER_FALL, "USA-GOV"),
        ("cooperation between Islamabad and Washington", "Washington", AFTER_FALL, "USA-GOV"),
        ("Iran summoned Pakistan's envoy", "Iran", AFTER_FALL, "IRN-GOV"),
        ("Tehran said the targets were terrorists", "Tehran", AFTER_FALL, "IRN-GOV"),
        ("Rawalpindi wants a harder line", "Rawalpindi", AFTER_FALL, "PAK-MIL"),
    ],
)
def test_metonyms(actors, text, phrase, when, actor_id):
    matches = {m.text: m for m in actors.find_actors(text, when)}
    assert phrase in matches, found(actors, text, when)
    assert (matches[phrase].actor_id, matches[phrase].kind) == (actor_id, MatchKind.METONYM)


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("The U.N. Assistance Mission in Afghanistan said 46 of the dead were girls.", []),
        ("The Human Rights Commission of Pakistan said the toll was higher.", []),
        ("The State Bank of Pakistan said reserves fell.", []),
        ("The Afghanistan Cricket Board said eight people had been killed.", []),
        # offices of the government are the government
        ("The Ministry of Foreign Affairs of Pakistan said it had summoned the envoy.", ["Pakistan"]),
        ("Kabul said the Mission had left.", ["Kabul"]),
    ],
)
def test_a_country_that_ends_a_bodys_name_is_not_the_state(actors, text, kept):
    assert [m.text for m in actors.find_actors(text, AFTER_FALL) if m.kind is MatchKind.METONYM] == kept


@pytest.mark.parametrize(
    ("phrase", "before", "after"),
    [
        ("Afghan forces", "AFG-MIL", "AFG-TALIBAN"),
        ("Afghan security forces", "AFG-MIL", "AFG-TALIBAN"),
        ("the Afghan army", "AFG-MIL", "AFG-TALIBAN"),
        ("Afghan police", "AFG-MIL", "AFG-TALIBAN"),
        ("Afghan government", "AFG-GOV", "AFG-TALIBAN"),
        ("Kabul government", "AFG-GOV", "AFG-TALIBAN"),
        ("Afghanistan's government", "AFG-GOV", "AFG-TALIBAN"),
        ("Imran Khan", "PAK-GOV", "PTI"),
    ],
)
def test_eras_switch_on_15_august_2021(actors, phrase, before, after):
    text = f"On that day {phrase} said the border would stay open."
    last_day_of_republic, first_day_of_emirate = date(2021, 8, 14), date(2021, 8, 15)
    assert found(actors, text, BEFORE_FALL)[-1][1] == before
    assert found(actors, text, AFTER_FALL)[-1][1] == after
    if before != "PAK-GOV":
        assert found(actors, text, last_day_of_republic)[-1][1] == before
        assert found(actors, text, first_day_of_emirate)[-1][1] == after


def test_unknown_date_reads_as_the_latest_era(actors):
    assert found(actors, "Afghan forces fired mortars.") == [("Afghan forces", "AFG-TALIBAN")]


# ---- what must not match -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Pakistan Tehreek-e-Insaf (PTI) supporters protested.",
            [("Pakistan Tehreek-e-Insaf", "PTI"), ("PTI", "PTI")],
        ),
        ("The PTI-led provincial government in KP", [("PTI", "PTI"), ("government", None)]),
        ("Tehreek-e-Insaf workers blocked the road", [("Tehreek-e-Insaf", "PTI")]),
        ("the Tehreek leadership met in Lahore", []),
        ("the Tehrik-e-Labbaik Pakistan rally", [("Pakistan", "PAK-GOV")]),
        (
            "The Pakistani Taliban and the Afghan Taliban are allies.",
            [("Pakistani Taliban", "TTP"), ("Afghan Taliban", "AFG-TALIBAN")],
        ),
        ("the Taliban took Kabul", [("Taliban", "AFG-TALIBAN"), ("Kabul", "AFG-TALIBAN")]),
    ],
)
def test_pti_is_not_ttp_and_taliban_are_told_apart(actors, text, expected):
    assert found(actors, text, AFTER_FALL) == expected


@pytest.mark.parametrize(
    "text",
    [
        "the Talibanisation of the tribal belt",
        "a predatory lender and the grim reaper",
        "new levies on fuel imports",
        "let us know, said the rangers of the national park",
        "he played his trump card",
        "the so-called mujahid spirit",
        "Pakistanis abroad sent remittances",
        "Pakistan\nArmy",
        "an anti-Taliban militia and pro-TTP clerics",
    ],
)
def test_no_match_inside_words_wrong_case_or_across_breaks(actors, text):
    assert [m for m in actors.find_actors(text) if m.actor_id is not None and m.kind is MatchKind.NAME] == []


@pytest.mark.parametrize(
    ("text", "phrase", "actor_id"),
    [
        ("The ISPR's statement said", "ISPR", "PAK-MIL"),
        ("The ISPR’s statement said", "ISPR", "PAK-MIL"),
        ("the TTP's recent suicide bombing in Islamabad", "TTP", "TTP"),
        ("the Afghan Taliban’s failure to curb the TTP", "Afghan Taliban", "AFG-TALIBAN"),
        ("al-Qaeda's leader", "al-Qaeda", "AQ"),
    ],
)
def test_possessives_match_without_the_apostrophe_s(actors, text, phrase, actor_id):
    assert (phrase, actor_id) in found(actors, text)


@pytest.mark.parametrize(
    ("spelling", "actor_id"),
    [
        ("al-Qaeda", "AQ"),
        ("al Qaeda", "AQ"),
        ("Al-Qaida", "AQ"),
        ("Al Qaida", "AQ"),
        ("Tehrik-i-Taliban Pakistan", "TTP"),
        ("Tehreek-e-Taliban Pakistan", "TTP"),
        ("Tehrik i Taliban Pakistan", "TTP"),
        ("Tahreek-e-Taliban Pakistan", "TTP"),
        ("Lashkar-i-Islam", "LEI"),
        ("Lashkar e Islam", "LEI"),
        ("Jamaat ul Ahrar", "TTP"),
        ("Jamat-ul-Ahrar", "TTP"),
        ("Hafiz Gul Bahadar group", "HGB"),
        ("Baluch Liberation Army", "BLA"),
        ("Islamic State-Khorasan", "ISKP"),
        ("Islamic State Khorasan Province", "ISKP"),
        ("Hibatullah Akhundzada", "AFG-TALIBAN"),
        ("Afghan National Defense and Security Forces", "AFG-MIL"),
    ],
)
def test_spelling_and_hyphen_variants(actors, spelling, actor_id):
    assert found(actors, f"Reports said {spelling} was involved.") == [(spelling, actor_id)]


def test_longest_match_wins_and_matches_do_not_overlap(actors):
    text = (
        "Tehrik-i-Taliban Pakistan militants attacked Pakistani security forces "
        "near the US-led coalition base."
    )
    assert found(actors, text) == [
        ("Tehrik-i-Taliban Pakistan militants", "TTP"),
        ("Pakistani security forces", "PAK-MIL"),
        ("US-led coalition", "NATO"),
    ]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "Pakistan",
                "Pakistani",
                "Afghan",
                "Taliban",
                "TTP",
                "forces",
                "al",
                "Qaeda",
                "US",
                "the",
                "Army",
                "security",
                "'s",
                "-",
                " ",
                ", ",
                "\n",
                "e",
                "Tehreek",
                "Insaf",
                "civilians",
                "İ",
            ]
        ),
        max_size=30,
    )
)
def test_matches_are_ordered_disjoint_and_point_into_the_text(actors, parts):
    text = " ".join(parts)
    previous_end = 0
    for match in actors.find_actors(text):
        assert text[match.start : match.end] == match.text
        assert previous_end <= match.start < match.end
        previous_end = match.end



# ---- the dictionary as an object ---------------------------------------------------------------


def test_dictionary_lookup(actors):
    assert set(GOLD_IDS) <= set(actors.ids())
    assert len(actors) == len(actors.ids()) == len(list(actors))
    assert "TTP" in actors and "NOPE" not in actors
    ttp = actors.get("TTP")
    assert (ttp.name, ttp.inter, ttp.country) == ("Tehrik-i-Taliban Pakistan", 2, "PK")
    assert actors.get("HAQQANI").parent == "AFG-TALIBAN"
    with pytest.raises(KeyError):
        actors.get("NOPE")


def test_taliban_inter_code_follows_the_era(actors):
    taliban = actors.get("AFG-TALIBAN")
    assert taliban.inter_on(BEFORE_FALL) == 2
    assert taliban.inter_on(AFTER_FALL) == 1
    assert taliban.inter_on(None) == taliban.inter == 1


def test_default_dictionary_is_compiled_once():
    assert load_default_actors() is load_default_actors()


# ---- integrity of the shipped actors.yaml ------------------------------------------------------


@pytest.fixture(scope="module")
def shipped() -> dict:
    source = resources.files("borderwatch.theatres").joinpath("afpak", "actors.yaml").read_text("utf-8")
    return yaml.safe_load(source)


def _alias_records(shipped: dict):
    """(actor id, alias text, from, until) for every alias written in the yaml."""
    for actor in shipped["actors"]:
        for alias in actor.get("aliases") or []:
            if isinstance(alias, str):
                yield actor["id"], alias, date.min, date.max
            else:
                yield (
                    actor["id"],
                    alias["alias"],
                    alias.get("from") or date.min,
                    alias.get("until") or date.max,
                )


def _simple_key(alias: str) -> str:
    return " ".join("".join(c if c.isalnum() else " " for c in alias.lower()).split())


def test_shipped_ids_are_unique_and_cover_the_gold_ids(shipped):
    ids = [actor["id"] for actor in shipped["actors"]]
    assert len(ids) == len(set(ids))
    assert set(GOLD_IDS) <= set(ids)


def test_shipped_actors_are_well_formed(shipped):
    ids = {actor["id"] for actor in shipped["actors"]}
    for actor in shipped["actors"]:
        inter = actor["inter"]
        codes = [item["inter"] for item in inter] if isinstance(inter, list) else [inter]
        assert all(isinstance(code, int) and 1 <= code <= 8 for code in codes), actor["id"]
        assert actor["country"] is None or actor["country"] in ISO_3166_ALPHA2, actor["id"]
        assert actor["parent"] is None or actor["parent"] in ids - {actor["id"]}, actor["id"]
        active = actor.get("active") or {}
        if active.get("from") and active.get("to"):
            assert active["from"] <= active["to"], actor["id"]
    for qualifier in shipped["qualifiers"]:
        assert qualifier["country"] is None or qualifier["country"] in ISO_3166_ALPHA2


def test_no_alias_is_claimed_by_two_actors_in_overlapping_eras(shipped):
    claims: dict[str, list[tuple[str, date, date]]] = {}
    for actor_id, alias, start, end in _alias_records(shipped):
        for other_id, other_start, other_end in claims.get(_simple_key(alias), []):
            overlapping = start <= other_end and other_start <= end
            assert not overlapping, f"{alias!r} is claimed by {actor_id} and {other_id}"
        claims.setdefault(_simple_key(alias), []).append((actor_id, start, end))


def test_era_limited_aliases_cover_both_sides_of_the_fall(shipped):
    fell, began = date(2021, 8, 14), date(2021, 8, 15)
    for qualifier in shipped["qualifiers"]:
        for role, readings in (qualifier.get("actors") or {}).items():
            if isinstance(readings, list):
                ends = sorted(r.get("until") or date.max for r in readings)
                starts = sorted(r.get("from") or date.min for r in readings)
                assert (ends[0], starts[-1]) == (fell, began), (qualifier["country"], role)


def test_every_shipped_alias_finds_its_own_actor(actors, shipped):
    for actor_id, alias, start, end in _alias_records(shipped):
        when = start if start != date.min else (end if end != date.max else None)
        matches = actors.find_actors(f"Reports say {alias} was there.", when)
        assert [(m.text, m.actor_id) for m in matches][:1] == [(alias, actor_id)], alias


# ---- load errors -------------------------------------------------------------------------------

VALID = {
    "actors": [
        {
            "id": "PAK-MIL",
            "name": "Military forces of Pakistan",
            "inter": 1,
            "country": "PK",
            "parent": None,
            "active": {"from": 1947},
            "aliases": ["Pakistan Army", {"alias": "ISPR", "case_sensitive": True}],
        },
        {
            "id": "TTP",
            "name": "Tehrik-i-Taliban Pakistan",
            "inter": 2,
            "country": "PK",
            "parent": None,
            "aliases": ["Pakistani Taliban"],
        },
    ],
    "member_nouns": ["soldiers"],
    "roles": {"forces": {"standalone": ["troops"], "after_qualifier": ["posts"]}},
    "qualifiers": [
        {"country": "PK", "adjectives": ["Pakistani"], "names": ["Pakistan"], "actors": {"forces": "PAK-MIL"}}
    ],
    "spelling_variants": {"tehrik": ["tehreek"]},
}


def _write(tmp_path, data) -> str:
    path = tmp_path / "actors.yaml"
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data), encoding="utf-8")
    return str(path)


def test_a_small_valid_dictionary_loads_and_works(tmp_path):
    actors = ActorDictionary.load(_write(tmp_path, VALID))
    assert found(actors, "Pakistani posts and Pakistan Army soldiers near the ISPR office; isPR") == [
        ("Pakistani posts", "PAK-MIL"),
        ("Pakistan Army soldiers", "PAK-MIL"),
        ("ISPR", "PAK-MIL"),
    ]


def _broken(edit) -> dict:
    data = copy.deepcopy(VALID)
    edit(data)
    return data


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("actors: [unclosed", "not valid YAML"),
        ("- just\n- a list\n", "expected a mapping"),
        (_broken(lambda d: d.pop("actors")), "expected a list"),
        (_broken(lambda d: d["actors"][0].pop("inter")), "missing keys ['inter']"),
        (_broken(lambda d: d["actors"][0].update(inter=9)), "inter code 1..8"),
        (_broken(lambda d: d["actors"][0].update(inter=True)), "inter code 1..8"),
        (_broken(lambda d: d["actors"][0].update(country="PAK")), "ISO 3166"),
        (_broken(lambda d: d["actors"][0].update(colour="green")), "unknown keys ['colour']"),
        (_broken(lambda d: d["actors"][1].update(id="PAK-MIL")), "defined twice"),
        (_broken(lambda d: d["actors"][1].update(parent="AFG-GOV")), "parent 'AFG-GOV'"),
        (_broken(lambda d: d["actors"][0].update(active={"from": 2020, "to": 2001})), "after active.to"),
        (_broken(lambda d: d["actors"][1]["aliases"].append("Pakistan Army")), "already claimed by PAK-MIL"),
        (
            _broken(
                lambda d: [
                    d["actors"][0]["aliases"].append("Tehrik Lashkar"),
                    d["actors"][1]["aliases"].append("Tehreek Lashkar"),
                ]
            ),
            "already claimed by PAK-MIL",
        ),
        (
            _broken(lambda d: d["actors"][1]["aliases"].append({"alias": "ISPR", "until": "2021-13-01"})),
            "ISO date",
        ),
        (
            _broken(
                lambda d: d["actors"][1]["aliases"].append(
                    {"alias": "x", "from": "2022-01-01", "until": "2021-01-01"}
                )
            ),
            "is after",
        ),
        (_broken(lambda d: d["actors"][1]["aliases"].append("  ")), "non-empty string"),
        (_broken(lambda d: d["qualifiers"][0]["actors"].update(forces="AFG-MIL")), "unknown actor id"),
        (_broken(lambda d: d["qualifiers"][0]["actors"].update(pirates="TTP")), "unknown role"),
        (_broken(lambda d: d["spelling_variants"].update(tahrik=["tehreek"])), "listed twice"),
        (_broken(lambda d: d.update(actor=[])), "unknown top-level keys"),
    ],
)
def test_bad_yaml_raises_theatre_error(tmp_path, content, message):
    path = _write(tmp_path, content)
    with pytest.raises(TheatreError) as raised:
        ActorDictionary.load(path)
    assert message in str(raised.value)


def test_overlapping_eras_conflict_but_disjoint_eras_do_not(tmp_path):
    data = copy.deepcopy(VALID)
    data["actors"][0]["aliases"].append({"alias": "the regime", "until": "2021-08-14"})
    data["actors"][1]["aliases"].append({"alias": "the regime", "from": "2021-08-15"})
    actors = ActorDictionary.load(_write(tmp_path, data))
    assert found(actors, "the regime said", date(2020, 1, 1)) == [("the regime", "PAK-MIL")]
    assert found(actors, "the regime said", date(2022, 1, 1)) == [("the regime", "TTP")]
    data["actors"][1]["aliases"][-1]["from"] = "2021-08-14"
    with pytest.raises(TheatreError, match="overlapping era"):
        ActorDictionary.load(_write(tmp_path, data))


def test_a_missing_file_raises_theatre_error(tmp_path):
    with pytest.raises(TheatreError, match="cannot read the actor dictionary"):
        ActorDictionary.load(tmp_path / "nowhere.yaml")


@pytest.mark.parametrize("phrase", ["A drone", "Drones", "A drone strike", "Two drone strikes"])
def test_an_unnamed_drone_is_american_until_pakistan_armed_its_own(actors, phrase):
    text = f"{phrase} hit a compound in North Waziristan."
    assert [actor for _, actor in found(actors, text, date(2012, 6, 4))] == ["USA-MIL"]
    assert "USA-MIL" not in [actor for _, actor in found(actors, text, date(2019, 6, 4))]


@pytest.mark.parametrize(("text", "expected"), [
    ("An IS suicide bomber struck the shrine.", [("IS", "ISKP"), ("suicide bomber", None)]),
    ("The Islamic State's Khorasan branch claimed it.", [("Islamic State's Khorasan branch", "ISKP")]),
    ("What is left is the border.", []),  # the verb is no group
])
def test_the_islamic_state_by_its_short_names(actors, text, expected):
    assert found(actors, text, AFTER_FALL) == expected


@pytest.mark.parametrize(("text", "expected"), [
    # the last word of a name the dictionary lacks is no generic army
    ("The Free Baloch Army, a little-known outfit, claimed it.", []),
    ("A spokesman for the Free Syrian Army said the convoy was hit.", []),
    # a phrase opener before it leaves the word generic
    ("The Army said five soldiers died.", ["Army", "soldiers"]),
])
def test_a_generic_word_ending_an_unknown_name_is_not_that_generic_actor(actors, text, expected):
    assert [m.text for m in actors.find_actors(text) if m.kind is MatchKind.GENERIC] == expected
