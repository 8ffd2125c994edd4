"""Whether the side said to have struck acknowledged, denied or left a strike unconfirmed, and who said so."""

from __future__ import annotations

from datetime import date

import pytest

from borderwatch.extract import stance as stance_module
from borderwatch.extract.stance import Stance, StanceMatch, find_stances
from borderwatch.theatre import load_theatre

ACK, DENIED, UNCONFIRMED = Stance.ACKNOWLEDGED, Stance.DENIED, Stance.UNCONFIRMED


def stances(sentence: str) -> list[StanceMatch]:
    actors = load_theatre().actors.find_actors(sentence, date(2024, 3, 18))
    return find_stances(sentence, actors)


# (sentence, stance phrase, stance, holder's words, holder's actor id)
STANCES = [
    ("Pakistan's military did not confirm the strikes.",
     "did not confirm", UNCONFIRMED, "Pakistan's military", "PAK-MIL"),
    ("Islamabad has not commented.", "has not commented", UNCONFIRMED, "Islamabad", "PAK-GOV"),
    ("ISPR acknowledged carrying out the strikes.", "acknowledged carrying out", ACK, "ISPR", "PAK-MIL"),
    ("Pakistan's Foreign Office confirmed that it had conducted intelligence-based anti-terrorist operations "
     "in the border regions inside Afghanistan.",
     "confirmed that it had conducted", ACK, "Pakistan's Foreign Office", "PAK-GOV"),
    ("The Pakistani military denied the claims.", "denied", DENIED, "Pakistani military", "PAK-MIL"),
    ("Pakistan denied any involvement.", "denied", DENIED, "Pakistan", "PAK-GOV"),
    ("There was no immediate comment from Pakistan.", "no immediate comment from", UNCONFIRMED, "Pakistan",
     "PAK-GOV"),
    ("Pakistani officials declined to comment.", "declined to comment", UNCONFIRMED, "Pakistani officials",
     "PAK-GOV"),
    ("Washington rarely comments on the drone programme.", "rarely comments", UNCONFIRMED, "Washington",
     "USA-GOV"),
    ("The Taliban denied that their forces had fired.", "denied", DENIED, "Taliban", "AFG-TALIBAN"),
    ("A spokesman for the Pakistani army could not be reached for comment.",
     "could not be reached for comment", UNCONFIRMED, "Pakistani army", "PAK-MIL"),
    ("The Afghan Taliban government rejected the figures.", "rejected the figures", DENIED,
     "Afghan Taliban government", "AFG-TALIBAN"),
    ("Zabihullah Mujahid, the Taliban spokesman, denied the Pakistani claims of casualties.",
     "denied", DENIED, "Zabihullah Mujahid", "AFG-TALIBAN"),
    ("The Pakistani Foreign Office said it had targeted hideouts of the TTP.",
     "said it had targeted", ACK, "Pakistani Foreign Office", "PAK-GOV"),
    ("The US military did not comment on the report.", "did not comment", UNCONFIRMED, "US military",
     "USA-MIL"),
    ("Pakistan's army took responsibility for the strikes.", "took responsibility", ACK, "Pakistan's army",
     "PAK-MIL"),
    ("Pakistani officials did not respond to requests for comment.", "did not respond", UNCONFIRMED,
     "Pakistani officials", "PAK-GOV"),
    ("Islamabad has neither confirmed nor denied the strikes.", "neither confirmed nor denied", UNCONFIRMED,
     "Islamabad", "PAK-GOV"),
    ("Pakistan did not immediately respond to a request for comment.", "did not immediately respond",
     UNCONFIRMED, "Pakistan", "PAK-GOV"),
    # the verb has no subject of its own: the clause's subject holds the stance, not the nearer TTP
    ("Pakistan struck TTP hideouts in Khost but denied hitting civilians.", "denied", DENIED, "Pakistan",
     "PAK-GOV"),
    ("Pakistan's military, which has been fighting the TTP for years, did not confirm the strikes.",
     "did not confirm", UNCONFIRMED, "Pakistan's military", "PAK-MIL"),
    # "Pakistan's claims": Pakistan owns what is called false; Kabul calls it so
    ("Kabul said Pakistan's claims were baseless.", "claims were baseless", DENIED, "Kabul", "AFG-TALIBAN"),
    ("ISPR termed the Afghan claims baseless and propaganda.", "termed the Afghan claims baseless", DENIED,
     "ISPR", "PAK-MIL"),
    ("The Tehreek-e-Taliban Pakistan claimed responsibility for the bombing.", "claimed responsibility", ACK,
     "Tehreek-e-Taliban Pakistan", "TTP"),
    ("The strikes were later acknowledged by Pakistan's Foreign Office.", "were later acknowledged by", ACK,
     "Pakistan's Foreign Office", "PAK-GOV"),
    ("Pakistan has never officially acknowledged the drone strikes.", "never officially acknowledged",
     UNCONFIRMED, "Pakistan", "PAK-GOV"),
    ("Pakistan has remained silent on the strikes.", "remained silent", UNCONFIRMED, "Pakistan", "PAK-GOV"),
    ("The Taliban said they had targeted Pakistani posts in retaliation.", "said they had targeted", ACK,
     "Taliban", "AFG-TALIBAN"),
    ("Islamabad said it had not carried out any strikes inside Afghanistan.", "said it had not carried out",
     DENIED, "Islamabad", "PAK-GOV"),
    ("Islamabad declined to confirm or deny the strikes.", "declined to confirm or deny", UNCONFIRMED,
     "Islamabad", "PAK-GOV"),
    ("Kabul dismissed the reports as propaganda.", "dismissed the reports", DENIED, "Kabul", "AFG-TALIBAN"),
    ("The Taliban said eight civilians were killed in the raid, a claim denied by Islamabad.", "denied by",
     DENIED, "Islamabad", "PAK-GOV"),
    ("Pakistan said it had nothing to do with the blast in Kabul.", "had nothing to do with", DENIED,
     "Pakistan", "PAK-GOV"),
    ("Pakistan's Foreign Office spokesperson Mumtaz Zahra Baloch confirmed the strikes in a weekly briefing.",
     "confirmed the strikes", ACK, "Mumtaz Zahra Baloch", "PAK-GOV"),
    ("Pakistan hasn't commented on the reports, but Afghan officials said jets struck Barmal.",
     "hasn't commented", UNCONFIRMED, "Pakistan", "PAK-GOV"),
]


@pytest.mark.parametrize(("sentence", "phrase", "expected", "holder", "actor_id"), STANCES)
def test_stances_and_their_holders(sentence, phrase, expected, holder, actor_id):
    found = stances(sentence)
    assert [(sentence[s.start:s.end], s.stance) for s in found] == [(phrase, expected)]
    assert found[0].actor is not None
    assert (found[0].actor.text, found[0].actor.actor_id) == (holder, actor_id)


@pytest.mark.parametrize("sentence", [
    # casualty reports and claims are not acknowledgements of carrying out a strike
    "Police confirmed that 8 people were killed in the blast.",
    "The ISPR confirmed the deaths of seven soldiers.",
    "The Taliban claimed eight civilians were killed in the strikes.",
    "Afghan officials said Pakistani jets had struck homes in Paktika.",
    "No group has claimed responsibility for the attack.",
    # a news agency checking facts, and refusals that are not about a stance
    "Reuters could not independently confirm the reports.",
    "The travellers were denied entry at Torkham.",
    "Pakistani forces did not respond militarily to the firing.",
    "Pakistani jets struck hideouts of the Hafiz Gul Bahadur group in Khost.",
])
def test_not_stances(sentence):
    assert stances(sentence) == []


def test_did_not_confirm_is_never_an_acknowledgement():
    for sentence in ["Pakistan did not confirm the strikes.", "Islamabad declined to confirm the strikes.",
                     "The ISPR has not acknowledged carrying out the strikes.",
                     "Pakistan would not confirm it had struck targets in Afghanistan."]:
        assert {s.stance for s in stances(sentence)} == {UNCONFIRMED}, sentence


def test_holder_is_none_when_the_sentence_names_nobody():
    found = stances("The military did not confirm the strikes.")
    assert [(f.stance, f.actor) for f in found] == [(UNCONFIRMED, None)]


def test_a_sentence_with_two_stances():
    sentence = "Kabul said Pakistani jets struck Khost, while Islamabad declined to comment."
    found = stances(sentence)
    assert [(sentence[f.start:f.end], f.actor.actor_id) for f in found] == [
        ("declined to comment", "PAK-GOV")]
    sentence = "Pakistan denied the strikes, but the Taliban rejected the denial as lies."
    found = stances(sentence)
    assert [(f.stance, f.actor.actor_id) for f in found] == [(DENIED, "PAK-GOV"), (DENIED, "AFG-TALIBAN")]


def test_anchored_scan_finds_what_a_full_scan_finds():
    """The speed-up must not change the matches: try the pattern at every character and compare."""
    compiled = stance_module._STANCES
    sentences = [row[0] for row in STANCES] + [
        "Pakistan did not confirm the strikes.", "No group has claimed responsibility for the attack.",
        "Police confirmed that 8 people were killed in the blast.", "Islamabad, however, was tight-lipped.",
        "There was no word from Islamabad, which played no role, it said; the figures were exaggerated.",
    ]
    for sentence in sentences:
        expected = [(m.start(), m.end()) for m in compiled.pattern.finditer(sentence.lower())]
        assert [(m.start(), m.end()) for m in compiled.finditer(sentence)] == expected, sentence
