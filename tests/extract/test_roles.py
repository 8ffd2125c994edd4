"""Who did it to whom: actor1 and actor2 of a trigger, on real sentences with the shipped actor dictionary."""

from __future__ import annotations

from datetime import date

import pytest

import borderwatch as bw
from borderwatch.extract.actors import ActorMatch
from borderwatch.extract.events import clause_bounds, find_triggers
from borderwatch.extract.roles import Roles, assign_roles, shared_subject
from borderwatch.model import Document
from borderwatch.theatre import load_theatre


def roles_of(sentence: str, trigger_words: str, drop: tuple[str, ...] = ()) -> Roles:
    """The roles of the trigger `trigger_words`, with the actors whose text is in `drop` removed first
    (the way the pipeline removes claimants before assigning roles)."""
    actors = [a for a in load_theatre().actors.find_actors(sentence) if a.text not in drop]
    trigger = next(t for t in find_triggers(sentence) if t.text == trigger_words)
    clause = next(((a, b) for a, b in clause_bounds(sentence) if a <= trigger.start < b), (0, len(sentence)))
    return assign_roles(sentence, trigger, actors, clause)


def described(match: ActorMatch | None) -> tuple[str, str | None] | None:
    return None if match is None else (match.text, match.actor_id)


@pytest.mark.parametrize(("sentence", "trigger", "actor1", "actor2"), [
    # active voice: subject does it, object suffers it
    ("Pakistani jets struck TTP hideouts in Paktika.", "struck",
     ("Pakistani jets", "PAK-MIL"), ("TTP", "TTP")),
    ("The Afghan Taliban attacked Pakistani checkposts in Kurram.", "attacked",
     ("Afghan Taliban", "AFG-TALIBAN"), ("Pakistani checkposts", "PAK-MIL")),
    ("The TTP attacked a police station in Bannu.", "attacked",
     ("TTP", "TTP"), ("police", None)),
    ("Militants ambushed a Frontier Corps convoy in Orakzai.", "ambushed",
     ("Militants", None), ("Frontier Corps convoy", "PAK-MIL")),
    ("Security forces raided a TTP hideout in Tank.", "raided",
     ("Security forces", None), ("TTP", "TTP")),
    # a noun trigger, then the verb whose object suffered it
    ("A Pakistani drone strike killed TTP commanders in Kunar.", "drone strike",
     ("Pakistani drone strike", "PAK-MIL"), ("TTP commanders", "TTP")),
    # passive voice: the agent after "by" did it, the subject suffered it
    ("Seven soldiers were killed by militants in North Waziristan.", "killed",
     ("militants", None), ("soldiers", None)),
    ("A police checkpost was attacked by TTP militants in Lakki Marwat.", "attacked",
     ("TTP militants", "TTP"), ("police", None)),
    # "Pakistani jets" is the actor and "pounded" the trigger right after it
    ("Pakistani jets pounded TTP hideouts in Khost.", "pounded",
     ("Pakistani jets", "PAK-MIL"), ("TTP", "TTP")),
    # the actor names the act itself
    ("Pakistani airstrikes hit Khost province overnight.", "airstrikes",
     ("Pakistani airstrikes", "PAK-MIL"), None),
    # a target after "on"
    ("An IED attack on Pakistani soldiers killed three.", "attack",
     None, ("Pakistani soldiers", "PAK-MIL")),
    # "fell to": the one after "to" took it, the one before lost it
    ("Two Frontier Corps posts fell to TTP fighters overnight.", "fell to",
     ("TTP fighters", "TTP"), ("Frontier Corps posts", "PAK-MIL")),
    # the trigger starts inside the actor's name
    ("In January 2006, American missiles fired at the village of Damadola killed 18 people.", "missiles fired",
     ("American missiles", "USA-MIL"), None),
    # a relative clause opens on the one who did it
    ("The TTP, who attacked a police post in Bannu, said the raid was revenge.", "attacked",
     ("TTP", "TTP"), ("police", None)),
])
def test_roles_in_real_sentences(sentence, trigger, actor1, actor2):
    roles = roles_of(sentence, trigger)
    assert described(roles.actor1) == actor1
    assert described(roles.actor2) == actor2


def test_a_claimant_removed_before_roles_is_not_actor1():
    sentence = "Zabihullah Mujahid said Pakistani jets struck homes in Khost."
    roles = roles_of(sentence, "struck", drop=("Zabihullah Mujahid",))
    assert described(roles.actor1) == ("Pakistani jets", "PAK-MIL")


def test_a_source_named_with_according_to_is_not_an_actor_of_the_attack():
    sentence = "According to ISPR, terrorists attacked a post in South Waziristan."
    roles = roles_of(sentence, "attacked", drop=("ISPR",))
    assert described(roles.actor1) == ("terrorists", None)
    assert roles.actor2 is None


def test_the_same_actor_is_never_both_sides():
    sentence = "The Afghan Taliban attacked Pakistani checkposts in Kurram."
    roles = roles_of(sentence, "attacked")
    assert roles.actor1 is not None and roles.actor2 is not None
    assert roles.actor1.actor_id != roles.actor2.actor_id


def test_actors_of_another_clause_take_no_role():
    # "after the TTP attacked ...": the TTP belongs to the earlier event, not to the strike
    sentence = "Pakistani jets struck hideouts in Paktika after the TTP attacked a checkpost."
    roles = roles_of(sentence, "struck")
    assert described(roles.actor1) == ("Pakistani jets", "PAK-MIL")
    assert roles.actor2 is None or roles.actor2.actor_id != "TTP"


def test_a_second_verb_after_and_takes_the_subject_of_the_first():
    sentence = "Pakistani troops surrounded a compound in Tirah on Monday, and killed six militants."
    actors = load_theatre().actors.find_actors(sentence)
    trigger = next(t for t in find_triggers(sentence) if t.text == "killed")
    clauses = clause_bounds(sentence)
    clause = next((a, b) for a, b in clauses if a <= trigger.start < b)
    assert clause[0] > 0  # ", and killed" opens a clause of its own, with no subject in it
    assert assign_roles(sentence, trigger, actors, clause).actor1 is None
    assert described(shared_subject(sentence, trigger, clause, clauses, actors)) == ("Pakistani troops", "PAK-MIL")


def test_a_clause_with_a_subject_of_its_own_shares_none():
    sentence = "Soldiers surrounded a compound in Tirah, and then militants killed six soldiers."
    actors = load_theatre().actors.find_actors(sentence)
    trigger = next(t for t in find_triggers(sentence) if t.text == "killed")
    clauses = clause_bounds(sentence)
    clause = next(((a, b) for a, b in clauses if a <= trigger.start < b), (0, len(sentence)))
    assert shared_subject(sentence, trigger, clause, clauses, actors) is None


def test_whoever_was_killed_in_the_act_is_its_target_not_its_doer():
    text = "A senior TTP commander was killed on Sunday in a bomb attack in Bajaur."
    [m] = bw.extract(Document(id="d", text=text, published=date(2015, 3, 2)))
    assert (m.actor1, m.actor2) == (None, "TTP")


def test_a_speaker_is_not_the_doer_of_the_act_he_speaks_of():
    text = ("KABUL — A suicide bomber struck a wedding hall in Kabul on Saturday, killing 63 people. Zabihullah "
            "Mujahid, the Taliban's spokesman, condemned the bombing and said those behind the attack were enemies "
            "of Islam.")
    [m] = bw.extract(Document(id="d", text=text, published=date(2019, 8, 19)))
    assert m.actor1 is None
