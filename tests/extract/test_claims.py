"""Casualty counts, their sources and responsibility claims, on real news phrasing."""

from __future__ import annotations

import pytest

from borderwatch.extract.claims import (
    Casualty,
    claimant_of,
    find_attributions,
    find_casualties,
    find_responsibility,
)
from borderwatch.extract.numbers import find_numbers
from borderwatch.model import ClaimKind, Count
from borderwatch.theatre import load_theatre

KILLED, INJURED, CAPTURED = ClaimKind.KILLED, ClaimKind.INJURED, ClaimKind.CAPTURED


def casualties(sentence: str) -> list[Casualty]:
    return find_casualties(sentence, find_numbers(sentence))


def counted(sentence: str) -> list[tuple[ClaimKind, Count]]:
    return [(c.kind, c.count) for c in casualties(sentence)]


@pytest.mark.parametrize(("sentence", "expected"), [
    ("28 troops were killed and 11 more were wounded in the attack.",
     [(KILLED, Count(count=28)), (INJURED, Count(count=11))]),
    ("Security forces stormed the compound, killing 11 fighters.", [(KILLED, Count(count=11))]),
    ("At least three were injured in the blast.", [(INJURED, Count(min=3))]),
    ("Two policemen were martyred and four others injured in the attack.",
     [(KILLED, Count(count=2)), (INJURED, Count(count=4))]),
    ("Between 20 and 30 Taliban fighters were killed.", [(KILLED, Count(min=20, max=30))]),
    ("Dozens of militants were killed in the operation.", [(KILLED, Count(min=24))]),
    ("The strikes killed more than 40 people, Taliban officials said.", [(KILLED, Count(min=40))]),
    ("Police said 12 militants were arrested after the raid.", [(CAPTURED, Count(count=12))]),
    ("The death toll rose to 84.", [(KILLED, Count(count=84))]),
    ("Police had put the toll at 19 on the day of the attack.", [(KILLED, Count(count=19))]),
    # the number before an active verb counts the killers, not the killed
    ("Around 15 gunmen dressed as Scouts killed ten foreign mountaineers at the base camp.",
     [(KILLED, Count(count=10))]),
    ("Two soldiers killed in attack on checkpost.", [(KILLED, Count(count=2))]),
    ("Five people were reported injured in the explosion.", [(INJURED, Count(count=5))]),
    # the victims of a killing and the wounded of the same blast in one sentence
    ("The blast killed at least 59 people and wounded 157 others.",
     [(KILLED, Count(min=59)), (INJURED, Count(count=157))]),
    # what the attacker destroyed before the killing is no toll
    ("Shells destroyed two shops in the bazaar and killed nine people, residents said.",
     [(KILLED, Count(count=9))]),
])
def test_casualty_counts(sentence, expected):
    assert counted(sentence) == expected


def test_a_leader_and_his_followers_are_summed():
    assert counted("A commander and 11 followers were killed in the raid.") == [(KILLED, Count(count=12))]


@pytest.mark.parametrize(("sentence", "total"), [
    ("Eight people - five women and three children - were killed in Spera district.", 8),
    ("Seven soldiers, including a lieutenant colonel and a captain, were martyred.", 7),
    ("Nine people (four women and five children) were killed in the shelling.", 9),
])
def test_breakdowns_of_a_count_are_not_separate_claims(sentence, total):
    assert counted(sentence) == [(KILLED, Count(count=total))]


def test_a_tally_of_attacks_is_no_casualty_count():
    found = casualties("The report said 601 people were killed in 506 attacks in 2022.")
    assert [c.count for c in found] == [Count(count=601)]


@pytest.mark.parametrize(("sentence", "group"), [
    ("Eight civilians were killed in the strikes.", "civilians"),
    ("Two policemen were martyred in the attack.", "police"),
    ("Seven soldiers were martyred in the attack.", "soldiers"),
    ("Security forces killed 11 terrorists in the operation.", "militants"),
])
def test_victim_groups(sentence, group):
    assert [c.victim_group for c in casualties(sentence)] == [group]


def test_casualty_offsets_point_at_the_number_and_the_casualty_word():
    sentence = "Officials said 28 troops were killed near the border."
    (c,) = casualties(sentence)
    assert sentence[c.start:c.end] == "28"
    assert sentence[c.verb_start:c.verb_end] == "killed"
    assert "troops" in sentence[c.victim_start:c.victim_end]


def sources(sentence: str) -> list[tuple[str, str | None]]:
    """(words that introduce the source, actor id of the source) of every attribution."""
    actors = load_theatre().actors.find_actors(sentence)
    return [(sentence[a.start:a.end], a.actor.actor_id if a.actor else None)
            for a in find_attributions(sentence, actors)]


@pytest.mark.parametrize(("sentence", "expected"), [
    ("Eight civilians were killed, according to ISPR.", [("according to", "PAK-MIL")]),
    ("Mujahid said eight civilians were killed in the strikes.", [("said", "AFG-TALIBAN")]),
    ("As per DPO Kurram, four policemen were injured.", [("As per", "PAK-POL")]),
    ("The strikes killed more than 40 people, Taliban officials said.", [("said", "AFG-TALIBAN")]),
])
def test_attributions_name_the_source(sentence, expected):
    assert sources(sentence) == expected


@pytest.mark.parametrize("sentence", [
    "Five people were reported injured in the explosion.",
    "Three soldiers were reportedly killed in the attack.",
])
def test_passive_reporting_names_no_source(sentence):
    assert sources(sentence) == []


@pytest.mark.parametrize("sentence", [
    "The toll from the bombing in Kabul has risen to 53, the United Nations said on Monday.",
    "The blast in Peshawar killed 12 people, a hospital official said.",
    "The TTP attack in Bannu killed nine, the International Committee of the Red Cross said.",
])
def test_an_unknown_speaker_before_the_verb_hides_actors_further_back(sentence):
    assert sources(sentence) == [("said", None)]


@pytest.mark.parametrize(("sentence", "actor"), [
    ("The strikes killed 12 people, Zabihullah Mujahid, the Taliban spokesman, said.", "AFG-TALIBAN"),
    ("The blast killed 12 people, the TTP said.", "TTP"),
    ("Twelve militants were killed, ISPR, the military's media wing, said.", "PAK-MIL"),
])
def test_a_title_after_the_actor_keeps_it_the_source(sentence, actor):
    assert sources(sentence) == [("said", actor)]


def test_who_puts_the_toll_at_a_figure_is_its_source():
    assert sources("Kabul police had put the death toll at 19.") == [("put", "AFG-TALIBAN")]
    assert sources("Police put up barricades after the attack.") == []


def test_the_claimant_of_a_count_is_the_nearest_attribution():
    sentence = "Mujahid said eight civilians were killed, while ISPR said 20 militants were killed."
    actors = load_theatre().actors.find_actors(sentence)
    attributions = find_attributions(sentence, actors)
    by_count = {c.count.count: claimant_of(c, attributions) for c in casualties(sentence)}
    assert by_count[8].actor.actor_id == "AFG-TALIBAN"
    assert by_count[20].actor.actor_id == "PAK-MIL"


def test_no_attribution_no_claimant():
    (c,) = casualties("Three soldiers were killed in the attack.")
    assert claimant_of(c, []) is None


@pytest.mark.parametrize(("sentence", "actor"), [
    ("The TTP claimed responsibility for the attack.", "TTP"),
    ("ISKP claimed responsibility for the suicide bombing in Bajaur.", "ISKP"),
    ("Responsibility for the bombing was claimed by the Islamic State Khorasan Province.", "ISKP"),
    ("Hafiz Gul Bahadur group owned the attack.", "HGB"),
    ("The Tehrik-i-Taliban Pakistan said in a statement that its fighters had carried out the assault.", "TTP"),
    ("Lashkar-e-Jhangvi said in calls to journalists that it had carried out the bombings.", "LEJ"),
    ("The TTP said it had sent the bomber to avenge the offensive.", "TTP"),
])
def test_responsibility_claims(sentence, actor):
    found = find_responsibility(sentence, load_theatre().actors.find_actors(sentence))
    assert [r.actor.actor_id for r in found] == [actor]


@pytest.mark.parametrize("sentence", [
    "No group has claimed responsibility so far.",
    "The TTP said it was not involved in the attack.",
])
def test_no_responsibility_without_a_claiming_actor(sentence):
    assert find_responsibility(sentence, load_theatre().actors.find_actors(sentence)) == []
