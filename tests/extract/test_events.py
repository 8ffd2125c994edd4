"""Event triggers: which words in real news phrasing say a violent act happened, and its ACLED type."""

from __future__ import annotations

import pytest

from borderwatch.extract.events import TriggerMatch, clause_bounds, find_triggers, resolve_event_type
from borderwatch.model import BATTLES, EXPLOSIONS, VIOLENCE_AGAINST_CIVILIANS

AIR = (EXPLOSIONS, "Air/drone strike")
SHELLING = (EXPLOSIONS, "Shelling/artillery/missile attack")
SUICIDE = (EXPLOSIONS, "Suicide bomb")
IED = (EXPLOSIONS, "Remote explosive/landmine/IED")
GRENADE = (EXPLOSIONS, "Grenade")
CLASH = (BATTLES, "Armed clash")
ABDUCTION = (VIOLENCE_AGAINST_CIVILIANS, "Abduction/forced disappearance")
CIVILIAN_ATTACK = (VIOLENCE_AGAINST_CIVILIANS, "Attack")


def typed(sentence: str) -> list[tuple[str, tuple[str, str]]]:
    """(trigger words, resolved ACLED type) of every live trigger, typed from the whole sentence."""
    return [(t.text, resolve_event_type(t, sentence, False)) for t in find_triggers(sentence)]


@pytest.mark.parametrize(("sentence", "words", "kind"), [
    ("Pakistani airstrikes hit suspected militant hideouts in Khost province overnight.", "airstrikes", AIR),
    ("Pakistani air strikes on Sunday targeted hideouts in Paktika.", "air strikes", AIR),
    ("A US drone strike killed four militants in North Waziristan.", "drone strike", AIR),
    ("Afghan forces resumed shelling of border villages near Chaman.", "shelling", SHELLING),
    ("Mortar shells fired from across the border landed in Kunar.", "Mortar shells", SHELLING),
    ("A suicide bombing at a mosque in Peshawar killed 59 people.", "suicide bombing", SUICIDE),
    ("Three soldiers were injured when a roadside bomb exploded in Bajaur.", "roadside bomb", IED),
    ("An IED planted near a checkpost went off in Kurram.", "IED", IED),
    ("Heavy clashes erupted at the Torkham crossing on Sunday.", "clashes", CLASH),
    ("Border forces of the two countries exchanged fire near Angoor Adda.", "exchanged fire", CLASH),
    ("An exchange of fire between the two sides lasted several hours.", "exchange of fire", CLASH),
    ("Pakistani forces and Afghan Taliban fighters traded fire at Chaman.", "traded fire", CLASH),
    ("Militants ambushed a convoy in Orakzai district.", "ambushed", CLASH),
    ("Militants stormed a military base in Zhob before dawn.", "stormed", CLASH),
    ("Gunmen abducted two engineers in Dera Ismail Khan.", "abducted", ABDUCTION),
    ("Afghan troops resorted to unprovoked firing on border posts near Torkham.", "unprovoked firing", CLASH),
    # a year and its comma before the act are no count of acts
    ("In March 2009, twin suicide bombings ripped through a market in Lahore.", "suicide bombings", SUICIDE),
    ("Gunmen kidnapped a polio worker in Bannu on Monday.", "kidnapped", ABDUCTION),
    ("A grenade attack on a police station in Quetta injured five.", "grenade attack", GRENADE),
    ("A suicide bomber attacked a police truck in Quetta.", "suicide bomber attacked", SUICIDE),
])
def test_named_acts_are_triggers_of_their_type(sentence, words, kind):
    assert (words, kind) in typed(sentence)


@pytest.mark.parametrize(("sentence", "kind"), [
    # a generic verb takes its type from the clause: jets, a bomb, artillery, a suicide bomber
    ("Pakistani jets struck TTP hideouts in Paktika.", AIR),
    ("Militants attacked the convoy with a roadside bomb.", IED),
    ("Gunmen on motorcycles attacked the checkpost with hand grenades.", GRENADE),
    ("Afghan forces attacked Pakistani posts with artillery and mortars.", SHELLING),
    # aircraft that were hit are the target, not the weapon
    ("Gunmen attacked the air base in Kamra, damaging two surveillance aircraft.", CLASH),
])
def test_generic_triggers_are_typed_from_their_clause(sentence, kind):
    found = find_triggers(sentence)
    generic = [t for t in found if t.strength == 1]
    assert generic, found
    assert resolve_event_type(generic[0], sentence, False) == kind


def test_generic_attack_on_civilians_is_violence_against_civilians():
    sentence = "Gunmen attacked a wedding party in Kurram."
    attack = next(t for t in find_triggers(sentence) if t.text == "attacked")
    assert resolve_event_type(attack, sentence, civilian_target=True) == CIVILIAN_ATTACK


def test_a_named_act_keeps_its_own_type_whatever_the_clause_says():
    sentence = "Troops clashed with militants after jets bombed the area."
    clash = next(t for t in find_triggers(sentence) if t.text == "clashed")
    assert resolve_event_type(clash, sentence, civilian_target=True) == CLASH


@pytest.mark.parametrize("sentence", [
    # plans, threats and orders
    "Pakistan will strike terrorists wherever they are, the minister said.",
    "The Taliban threatened to attack Pakistani posts along the Durand Line.",
    "Troops were ordered to attack the compound at dawn.",
    "Islamabad could strike TTP hideouts inside Afghanistan, officials warned.",
    # a reference back to an earlier event
    "Kabul vowed revenge for the airstrikes.",
    # aggregates and tallies
    "There were 506 attacks in 2022, the report said.",
    "Officials said eight such strikes had been carried out this year.",
    # not violence at all
    "The prisoners went on a hunger strike.",
    "The former governor died of a heart attack.",
    "The army deployed attack helicopters to the border.",
    "Traders observed a shutter-down strike in Chaman.",
    # what a side does, or is accused of doing, in the present tense
    "Kabul says fighters based in Pakistan attack its border districts.",
    "The group often targets their convoys on the Khyber road.",
])
def test_non_events_give_no_trigger(sentence):
    assert find_triggers(sentence) == []


@pytest.mark.parametrize(("sentence", "modal"), [
    ("QUETTA, May 6 (Wire) — Gunmen stormed a college in Quetta on Monday.", False),  # the month
    ("The attack on the post in Zhob on 3 May killed two soldiers.", False),
    ("Militants may attack polling stations in Bannu, police warned.", True),  # the modal
])
def test_may_is_a_modal_only_in_lower_case(sentence, modal):
    assert (find_triggers(sentence) == []) is modal


@pytest.mark.parametrize(("sentence", "live", "referred"), [
    ("The raid came in retaliation for the attack on the convoy.", "raid", "attack"),
    ("Pakistan said the raids were in retaliation for the attack on its convoy.", "raids", "attack"),
    ("The strikes came in response to the attack on the convoy.", "strikes", "attack"),
])
def test_an_event_named_as_the_cause_of_another_is_a_reference_back(sentence, live, referred):
    # the cause is kept as a reference: it may date and place an earlier event, never stand alone
    found = {t.text: t for t in find_triggers(sentence)}
    assert not found[live].reference
    assert found[referred].reference and found[referred].anaphoric


@pytest.mark.parametrize(("sentence", "words"), [
    ("The attack on the convoy was claimed by the TTP.", "attack"),
    ("These airstrikes were the second in a week.", "airstrikes"),
    # the nearest determiner is the noun's own, not one further back
    ("Police had put the toll at 19 on the day of the attack.", "attack"),
])
def test_a_trigger_after_a_determiner_refers_back(sentence, words):
    trigger = next(t for t in find_triggers(sentence) if t.text == words)
    assert trigger.anaphoric


@pytest.mark.parametrize(("sentence", "words", "verb"), [
    ("Militants attacked a checkpost.", "attacked", True),
    ("Security forces stormed the compound.", "stormed", True),
    ("A drone strike hit the house.", "drone strike", False),
    ("An IED exploded near the convoy.", "IED", False),
    ("A roadside bomb exploded near the convoy.", "roadside bomb", False),
])
def test_verbs_and_nouns_are_told_apart(sentence, words, verb):
    trigger = next(t for t in find_triggers(sentence) if t.text == words)
    assert trigger.verb is verb


def test_trigger_offsets_point_at_the_words():
    sentence = "On Monday, a suicide bombing and a roadside bomb hit Bannu."
    for t in find_triggers(sentence):
        assert isinstance(t, TriggerMatch)
        assert sentence[t.start:t.end] == t.text


def test_clause_bounds_cover_the_sentence_and_split_at_subordinate_clauses():
    sentence = "Seven soldiers were martyred when militants ambushed a convoy; the ISPR said."
    bounds = clause_bounds(sentence)
    assert bounds[0][0] == 0 and bounds[-1][1] == len(sentence)
    assert all(a < b for a, b in bounds)
    assert len(bounds) == 3
    assert sentence[bounds[1][0]:].startswith("when")


def test_quick_scan_finds_exactly_what_the_full_table_finds() -> None:
    # the scan only tries the table where a trigger can start; it must never miss or add a match
    from borderwatch.extract.events import _TRIGGER_RE, _scan_triggers

    texts = [
        "Blast and blasts; an explosion, explosions; a kidnapping, kidnapped; IED and IEDs; air raid, airstrike.",
        "Pakistani jets struck, bombed and pounded hideouts; gunfights, gun battles and a fire fight broke out.",
        "Mortars were fired, rockets fired, shelling, heavy weapons fire, cross-border firing, unprovoked firing.",
        "A suicide bomber struck; he blew himself up; a roadside bomb; land mines; a device exploded.",
        "Attempts on their lives, an assassination attempt, targeted killings, abductions, taken hostage.",
        "They took control of, seized control of, overran, fell to the Taliban; the takeover of Kabul.",
        "Militants attacked, killed, martyred, shot dead, gunned down, eliminated, neutralised; targeting posts.",
        "A military operation, security operations, intelligence-based operations, incursions, encounters.",
    ]
    for text in texts:
        assert [m.span() for m in _scan_triggers(text)] == [m.span() for m in _TRIGGER_RE.finditer(text)]


@pytest.mark.parametrize(("sentence", "words", "kept"), [
    # a pair of blasts is one attack told in two explosions
    ("Two explosions minutes apart ripped through a snooker hall, killing 81 people.", "explosions", True),
    ("Twin blasts killed 20 people in Quetta on Monday.", "blasts", True),
    # two attacks in two cities are not one event, and many blasts are an aggregate
    ("Pakistan was hit by two attacks in a week.", "attacks", False),
    ("Eight explosions were recorded in the province last year.", "explosions", False),
    # a year right before the act is no count of acts
    ("In January 2013 twin suicide bombings at a snooker club killed 80 people.", "suicide bombings", True),
])
def test_a_pair_of_blasts_is_one_attack_not_an_aggregate(sentence, words, kept):
    assert any(t.text == words for t in find_triggers(sentence)) is kept


@pytest.mark.parametrize(("sentence", "kept"), [
    ("Hazaras have been shot and bombed across Balochistan province.", False),
    ("Militants have attacked schools throughout the tribal belt.", False),
    ("Militants attacked posts across the border in Kunar.", True),
])
def test_acts_spread_across_a_region_are_no_single_event(sentence, kept):
    assert bool(find_triggers(sentence)) is kept


@pytest.mark.parametrize("sentence", [
    "A suicide bomber set off his explosives inside the crowded hall.",
    "The bomber entered the main hall before blowing himself up among the worshippers.",
    "The attacker detonated his explosive vest at the gate.",
])
def test_setting_off_ones_own_explosives_is_a_suicide_bombing(sentence):
    [t] = find_triggers(sentence)
    assert t.sub_event_type == "Suicide bomb"


@pytest.mark.parametrize(("sentence", "sub_type"), [
    ("In September, gunmen seized Afghanistan's ambassador-designate in Peshawar.", "Abduction/forced disappearance"),
    ("Militants seized two Chinese engineers in Swat.", "Abduction/forced disappearance"),
    ("The Taliban seized Spin Boldak after a week of fighting.", "Non-state actor overtakes territory"),
])
def test_people_seized_are_abducted_and_places_seized_are_taken(sentence, sub_type):
    assert [t.sub_event_type for t in find_triggers(sentence) if t.event_type] == [sub_type]


def test_a_search_operation_after_an_attack_is_no_fight():
    assert find_triggers("Police said the area had been cordoned off and a search operation launched.") == []
    assert [t.text for t in find_triggers("The army launched a military operation in Tirah.")] == ["military operation"]


@pytest.mark.parametrize("sentence", [
    "The Peshawar High Court on Thursday declared US drone strikes in the tribal areas illegal.",
    "The BLA has in recent years claimed suicide bombings and gun attacks on soldiers.",
    "Over the past decade militants have carried out bombings on markets.",
])
def test_a_kind_of_act_judged_or_done_over_years_is_no_event(sentence):
    assert [t for t in find_triggers(sentence) if t.event_type] == []


def test_bare_plural_acts_with_a_toll_stay_events():
    assert [t.text for t in find_triggers("US drone strikes killed 8 people in Datta Khel on Thursday.")
            if t.event_type] == ["drone strikes"]


def test_attacks_guarded_against_are_no_event():
    assert find_triggers("Security had been raised in the major cities in case of reprisal attacks.") == []


def test_a_helicopter_that_carried_troops_fired_nothing():
    text = "Troops landed by helicopter in a village near Angoor Adda and raided a house."
    [raid] = [t for t in find_triggers(text) if t.text == "raided"]
    assert resolve_event_type(raid, text, civilian_target=False) == ("Battles", "Armed clash")
    assert resolve_event_type(raid, "Helicopters raided a house near Angoor Adda.", civilian_target=False)[1] \
        == "Air/drone strike"
