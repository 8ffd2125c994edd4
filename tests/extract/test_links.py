"""References from one event back to an earlier one (`responds_to` links), on real news phrasing."""

from __future__ import annotations

import re

import pytest

from borderwatch.extract import links
from borderwatch.extract.links import Relation, find_references, is_retaliation
from borderwatch.extract.scan import AnchoredPattern

# (sentence, cue phrase, description of the earlier event, days before, retaliatory)
REFERENCES = [
    ("In retaliation for the attack on a check post in Mir Ali, Pakistani jets struck hideouts in Khost.",
     "In retaliation for", "the attack on a check post in Mir Ali", None, True),
    ("The Taliban said they had targeted Pakistani posts in response to Pakistani airstrikes in Khost.",
     "in response to", "Pakistani airstrikes in Khost", None, True),
    ("The group said the bombing was carried out to avenge the killing of its commander in Bajaur.",
     "to avenge", "the killing of its commander in Bajaur", None, True),
    ("The strikes came two days after seven soldiers were killed in a suicide attack in Mir Ali, "
     "North Waziristan, the military said.",
     "came two days after", "seven soldiers were killed in a suicide attack in Mir Ali, North Waziristan", 2,
     False),
    ("The raid came a day after militants stormed a police station in Dera Ismail Khan.",
     "came a day after", "militants stormed a police station in Dera Ismail Khan", 1, False),
    ("The airstrikes came hours after a suicide bomber rammed a vehicle into a military convoy.",
     "came hours after", "a suicide bomber rammed a vehicle into a military convoy", 0, False),
    ("The clashes erupted days after Afghan forces fired on Pakistani border guards.",
     "days after", "Afghan forces fired on Pakistani border guards", None, False),
    ("The shelling began a week after a roadside bomb hit a Frontier Corps vehicle in Kurram.",
     "a week after", "a roadside bomb hit a Frontier Corps vehicle in Kurram", 7, False),
    ("The attack came barely 48 hours after U.S. drone strikes killed four militants in South Waziristan.",
     "came barely 48 hours after", "U.S. drone strikes killed four militants in South Waziristan", 2, False),
    ("Afghan forces retaliated against the Pakistani shelling, Taliban spokesman Zabihullah Mujahid said.",
     "retaliated against", "the Pakistani shelling", None, True),
    ("The Taliban carried out the attack in revenge for the deaths of their fighters in Kurram.",
     "in revenge for", "the deaths of their fighters in Kurram", None, True),
    ("Pakistan said the strikes were a response to repeated cross-border attacks by the TTP.",
     "a response to", "repeated cross-border attacks by the TTP", None, True),
    ("Security forces launched an operation following the deadly attack on a convoy in Kurram.",
     "following", "the deadly attack on a convoy in Kurram", None, False),
    ("Pakistan's army gave a befitting response to the unprovoked firing from across the border.",
     "a befitting response to", "the unprovoked firing from across the border", None, True),
    ("Pakistani forces launched retaliatory strikes after militants attacked a check post in "
     "North Waziristan.",
     "after", "militants attacked a check post in North Waziristan", None, True),
    ("Kabul summoned Pakistan's envoy in the wake of the airstrikes on Khost and Paktika.",
     "in the wake of", "the airstrikes on Khost and Paktika", None, False),
    ("The strikes followed a suicide attack on a military base in Bannu that killed seven soldiers.",
     "followed", "a suicide attack on a military base in Bannu that killed seven soldiers", None, False),
    ("Pakistan responded to the attack by shelling Afghan border villages.",
     "responded to", "the attack", None, True),
    ("Militants attacked the post in retaliation for the killing of three commanders in a drone strike, "
     "police said.",
     "in retaliation for", "the killing of three commanders in a drone strike", None, True),
    ("The TTP said the assault was in apparent retaliation for the martyrdom of its fighters in Tirah.",
     "in apparent retaliation for", "the martyrdom of its fighters in Tirah", None, True),
    ("The bombing took place shortly after security forces raided a militant hideout in Lakki Marwat.",
     "took place shortly after", "security forces raided a militant hideout in Lakki Marwat", 0, False),
    ("Afghan border forces opened fire three weeks after Pakistani shelling killed two civilians in Kunar.",
     "three weeks after", "Pakistani shelling killed two civilians in Kunar", 21, False),
    ("The assault came a month after the massacre of worshippers at a mosque in Peshawar's police lines.",
     "came a month after", "the massacre of worshippers at a mosque in Peshawar's police lines", 30, False),
    ("In what it called retaliation for the killing of its soldiers, the army pounded militant positions.",
     "In what it called retaliation for", "the killing of its soldiers", None, True),
    ("The drone strike came just days after the abduction of two engineers, which the TTP claimed.",
     "came just days after", "the abduction of two engineers, which the TTP claimed", None, False),
]


@pytest.mark.parametrize(("sentence", "cue", "description", "days", "retaliatory"), REFERENCES)
def test_references_to_an_earlier_event(sentence, cue, description, days, retaliatory):
    found = find_references(sentence)
    assert len(found) == 1
    ref = found[0]
    assert sentence[ref.start:ref.end] == cue
    assert ref.relation is Relation.RESPONDS_TO
    assert ref.description == description == sentence[ref.target_start:ref.target_end]
    assert ref.days_before == days
    assert ref.retaliatory is retaliatory


@pytest.mark.parametrize("sentence", [
    "Pakistan and Afghanistan resumed trade at Torkham following talks in Kabul.",
    "Two days after the election, the new government met tribal elders in Peshawar.",
    "The Taliban spokesman said after the meeting that relations with Islamabad were good.",
    "In response to a question about the strikes, the spokeswoman said Pakistan respects Afghan sovereignty.",
    "In response to criticism, the government defended its counter-terrorism policy.",
    # a bare temporal "after" orders a story; it does not say one act answered another
    "After the strike, the Taliban said eight civilians were killed.",
    "Police cordoned off the area after the blast in Quetta.",
    # threats and vows name no act that happened
    "Pakistan vowed to avenge the killing of its soldiers.",
    "The army warned it would respond to any attack on its posts.",
    "The assault came just days after a ceasefire was agreed in Doha.",
    "The talks came days after reports of shelling along the border.",
    "On the following day, militants attacked a check post in Bajaur.",
    "Afghan forces retaliated against Pakistani posts with heavy weapons.",
])
def test_not_references(sentence):
    assert find_references(sentence) == []


@pytest.mark.parametrize(("sentence", "expected"), [
    ("Pakistan carried out retaliatory strikes on Afghan border posts.", True),
    ("In apparent retaliation, Pakistani jets struck TTP hideouts in Paktika.", True),
    ("Afghan forces retaliated against Pakistani posts with heavy weapons.", True),
    ("The Afghan Taliban hit back with mortar fire, officials said.", True),
    ("Pakistan said its forces responded with full force to the unprovoked firing.", True),
    ("The militants said the ambush was revenge for the drone strike.", True),
    ("In retaliation for the attack on a check post in Mir Ali, Pakistani jets struck hideouts.", True),
    ("Pakistan said the strikes were a response to repeated cross-border attacks by the TTP.", True),
    ("The Taliban warned of retaliation if the strikes continued.", False),
    ("Pakistan vowed to avenge the killing of its soldiers.", False),
    ("Kabul said it reserves the right to retaliate.", False),
    ("In response to a question about the strikes, the spokeswoman declined to comment.", False),
    ("The strikes came two days after seven soldiers were killed in a suicide attack in Mir Ali.", False),
    ("In May, Pakistani jets struck TTP hideouts in retaliation for the attack.", True),
])
def test_is_retaliation(sentence, expected):
    assert is_retaliation(sentence) is expected


def test_each_of_several_cues_has_its_own_target():
    sentence = ("The strikes came a day after militants killed five soldiers in Bajaur, in retaliation for "
                "the bombing of a seminary in Khost.")
    found = find_references(sentence)
    assert [(r.description, r.days_before) for r in found] == [
        ("militants killed five soldiers in Bajaur", 1),
        ("the bombing of a seminary in Khost", None),
    ]
    assert all(r.retaliatory for r in found)  # the sentence calls its strikes a retaliation


def test_offsets_survive_text_that_changes_length_when_lower_cased():
    sentence = "İstanbul talks stalled; the strikes came two days after militants attacked a post in Zhob."
    found = find_references(sentence)
    assert len(found) == 1
    assert sentence[found[0].start:found[0].end] == "came two days after"
    assert found[0].description == "militants attacked a post in Zhob"


SENTENCES = [row[0] for row in REFERENCES] + [
    "Pakistan and Afghanistan resumed trade at Torkham following talks in Kabul.",
    "The Afghan Taliban hit back with mortar fire, officials said.",
    "In apparent retaliation, Pakistani jets struck TTP hideouts in Paktika.",
    "It came in the aftermath of a string of attacks, hours after the talks, days following the raid.",
]


@pytest.mark.parametrize("compiled", [links._CUES, links._RETALIATION_WORDS])
def test_anchored_scan_finds_what_a_full_scan_finds(compiled):
    """The speed-up must not change the matches: try the pattern at every character and compare."""
    for sentence in SENTENCES:
        lowered = sentence.lower()
        expected = [(m.start(), m.end()) for m in compiled.pattern.finditer(lowered)]
        assert [(m.start(), m.end()) for m in compiled.finditer(sentence)] == expected, sentence


def test_anchored_pattern_on_its_own():
    compiled = AnchoredPattern.compile(r"\b(?:did\s+not\s+)?confirm\w*|\bdenied\b",
                                       {"confirm": 20, "denied": 0}, starts=("did",))
    sentence = "Pakistan did not confirm the strikes but Kabul denied them; officials confirmed it."
    expected = [m.group() for m in re.finditer(compiled.pattern.pattern, sentence.lower())]
    assert [m.group() for m in compiled.finditer(sentence)] == expected == ["did not confirm", "denied",
                                                                            "confirmed"]
