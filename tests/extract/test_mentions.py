"""`borderwatch.extract`: short realistic reports → mentions with type, date, place, actors and claims."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import borderwatch as bw
from borderwatch.model import (
    BATTLES,
    EXPLOSIONS,
    VIOLENCE_AGAINST_CIVILIANS,
    ClaimKind,
    DocStatus,
    Document,
    LinkKind,
    Precision,
)

AIR = (EXPLOSIONS, "Air/drone strike")
SUICIDE = (EXPLOSIONS, "Suicide bomb")
IED = (EXPLOSIONS, "Remote explosive/landmine/IED")
CLASH = (BATTLES, "Armed clash")
ABDUCTION = (VIOLENCE_AGAINST_CIVILIANS, "Abduction/forced disappearance")


def extract(text: str, published: date | None) -> list[bw.Mention]:
    return bw.extract(Document(id="doc-1", text=text, published=published))


# (report, publication date, type, date, country, admin1, actor1 or None when not asserted,
#  fatality/injury claims as (kind, count, claimant))
REPORTS = [
    pytest.param(
        "ISLAMABAD: Pakistani jets struck hideouts of the Tehreek-e-Taliban Pakistan in Barmal district of "
        "Afghanistan's Paktika province on Monday night, security officials said.\n\n"
        "Taliban spokesman Zabihullah Mujahid said 46 people were killed in the strikes.",
        date(2024, 12, 25), AIR, "2024-12-23", "AF", "Paktika", "PAK-MIL",
        [(ClaimKind.KILLED, 46, "AFG-TALIBAN")], id="air strike in Paktika, toll from the Taliban"),
    pytest.param(
        "PESHAWAR: Seven soldiers were martyred when militants ambushed a security convoy in "
        "North Waziristan on Saturday, the ISPR said.",
        date(2023, 7, 2), CLASH, "2023-07-01", "PK", "Khyber Pakhtunkhwa", None,
        [(ClaimKind.KILLED, 7, "PAK-MIL")], id="ambush, toll from the ISPR"),
    pytest.param(
        "Afghan Taliban forces and Pakistani troops exchanged fire at the Torkham border crossing on Sunday, "
        "officials said. Two Pakistani soldiers were injured, according to the ISPR.",
        date(2023, 9, 7), CLASH, "2023-09-03", "PK", "Khyber Pakhtunkhwa", None,
        [(ClaimKind.INJURED, 2, "PAK-MIL")], id="border clash, injuries in the next sentence"),
    pytest.param(
        "Three policemen were killed when a roadside bomb exploded in Dera Ismail Khan on Thursday.",
        date(2024, 1, 15), IED, "2024-01-11", "PK", "Khyber Pakhtunkhwa", None,
        [(ClaimKind.KILLED, 3, None)], id="roadside bomb, no source given"),
    pytest.param(
        "A roadside bomb exploded in Dera Ismail Khan last Thursday, killing three policemen, police said.",
        date(2024, 1, 15), IED, "2024-01-11", "PK", "Khyber Pakhtunkhwa", None,
        [(ClaimKind.KILLED, 3, "PAK-POL")], id="roadside bomb, killing clause"),
    pytest.param(
        "Gunmen abducted two engineers in Dera Ismail Khan on Monday, police said.",
        date(2024, 1, 15), ABDUCTION, "2024-01-15", "PK", "Khyber Pakhtunkhwa", None, [],
        id="abduction"),
    pytest.param(
        "At least 12 people were killed when a suicide bomber struck a police truck in Quetta on Wednesday, "
        "officials said.",
        date(2023, 2, 3), SUICIDE, "2023-02-01", "PK", "Balochistan", None,
        [(ClaimKind.KILLED, 12, None)], id="suicide bombing in Quetta"),  # unnamed officials: no source
    # ordinary phrasings where the place follows the casualty verb
    pytest.param(
        "A roadside bomb killed three policemen in Dera Ismail Khan last Thursday, police said.",
        date(2024, 1, 15), IED, "2024-01-11", "PK", "Khyber Pakhtunkhwa", None,
        [(ClaimKind.KILLED, 3, "PAK-POL")], id="roadside bomb killed N in PLACE"),
    pytest.param(
        "Militants attacked a police station in Bannu on Tuesday night, killing two policemen, "
        "officials said.",
        date(2024, 1, 15), CLASH, "2024-01-09", "PK", "Khyber Pakhtunkhwa", None,
        [(ClaimKind.KILLED, 2, None)], id="attack in PLACE, killing N"),  # docs/coding-guide.md
    # the weapon in a "when" clause, a landmark after the place, a car bomb driven in, a wire dateline
    pytest.param(
        "A senior al-Qaeda commander was killed on Tuesday when a US drone fired two missiles at a house in "
        "Spinwam, near Mir Ali in North Waziristan, intelligence officials said.",
        date(2012, 6, 6), AIR, "2012-06-05", "PK", "Khyber Pakhtunkhwa", "USA-MIL", [(ClaimKind.KILLED, 1, None)],
        id="drone fired missiles, landmark after the place"),
    pytest.param(
        "Two Pakistani soldiers were killed on Monday when militants attacked a checkpost in Shewa, a village "
        "east of Mir Ali, the ISPR said.",
        date(2015, 3, 3), CLASH, "2015-03-02", "PK", "Khyber Pakhtunkhwa", None,
        [(ClaimKind.KILLED, 2, "PAK-MIL")], id="a village east of a landmark"),
    pytest.param(
        "Helicopter gunships fired rockets at militant hideouts in the Mamund area of Bajaur on Sunday, "
        "killing 14 militants, officials said.",
        date(2009, 2, 9), AIR, "2009-02-08", "PK", "Khyber Pakhtunkhwa", None,
        [(ClaimKind.KILLED, 14, None)], id="gunships fired rockets, area of a district"),
    pytest.param(
        "A bomber drove an explosives-laden truck into the gate of a police station in Lakki Marwat on "
        "Friday, killing six policemen, police said.",
        date(2023, 5, 13), SUICIDE, "2023-05-12", "PK", "Khyber Pakhtunkhwa", None,
        [(ClaimKind.KILLED, 6, "PAK-POL")], id="drove an explosives-laden truck into"),
    pytest.param(
        "QUETTA, Pakistan, Jan. 10 (Reuters) - Gunmen wearing suicide vests stormed the city's main prison "
        "on Wednesday, battling guards for three hours, officials said.",
        date(2013, 1, 10), CLASH, "2013-01-09", "PK", "Balochistan", None, [],
        id="vests worn are no bombing; the dateline places what the sentence does not"),
]


@pytest.mark.parametrize(
    ("text", "published", "kind", "day", "country", "admin1", "actor1", "claims"), REPORTS)
def test_short_reports_are_coded(text, published, kind, day, country, admin1, actor1, claims):
    mentions = extract(text, published)
    assert len(mentions) == 1, [(m.event_type, m.place) for m in mentions]
    m = mentions[0]
    assert (m.event_type, m.sub_event_type) == kind
    assert m.date is not None and m.date.iso() == day and m.date.precision is Precision.DAY
    assert m.country == country
    assert m.place is not None and m.place.admin1 == admin1
    if actor1 is not None:
        assert m.actor1 == actor1
    got = [(c.kind, c.count.low, c.claimant) for c in m.claims
           if c.kind in (ClaimKind.KILLED, ClaimKind.INJURED) and c.count is not None]
    assert got == claims


@pytest.mark.parametrize("text", [
    "KABUL: The Taliban warned Pakistan that any further airstrikes would have consequences. Islamabad said "
    "it reserves the right to strike terrorists wherever they are.",
    "The TTP threatened to attack government installations across Khyber Pakhtunkhwa, a statement said.",
    "There were 506 attacks in Pakistan in 2022, in which 601 people were killed, the report said.",
    "The prisoners in Peshawar central jail went on a hunger strike on Monday.",
])
def test_reports_of_threats_statements_and_tallies_give_no_mentions(text):
    assert extract(text, date(2024, 3, 19)) == []


YESTERDAY_REPORT = ("Security forces clashed with militants in Bajaur yesterday, killing four of them, "
                    "police said.")


def test_yesterday_without_a_publication_date_gives_no_dated_event():
    assert all(m.date is None for m in extract(YESTERDAY_REPORT, None))


def test_yesterday_is_the_day_before_publication():
    (m,) = extract(YESTERDAY_REPORT, date(2023, 5, 10))
    assert m.date.iso() == "2023-05-09" and m.date.precision is Precision.DAY
    assert (m.event_type, m.sub_event_type) == CLASH
    assert [(c.kind, c.count.count) for c in m.fatalities] == [(ClaimKind.KILLED, 4)]


@pytest.mark.parametrize(("phrase", "published", "day"), [
    ("on Saturday", date(2023, 7, 2), "2023-07-01"),      # a Sunday paper, Saturday's ambush
    ("on Friday", date(2024, 1, 15), "2024-01-12"),
    ("on Monday", date(2024, 1, 15), "2024-01-15"),       # the day itself
    ("last Thursday", date(2024, 1, 15), "2024-01-11"),
])
def test_relative_dates_count_from_publication(phrase, published, day):
    text = (f"Pakistani forces and Afghan Taliban fighters exchanged fire at the Chaman border crossing "
            f"{phrase}, officials said.")
    (m,) = extract(text, published)
    assert m.date.iso() == day


def test_the_same_report_published_a_year_later_moves_with_it():
    text = "Pakistani forces and Afghan Taliban fighters exchanged fire at Chaman on Friday, officials said."
    (early,) = extract(text, date(2024, 1, 15))
    (late,) = extract(text, date(2025, 1, 15))
    assert early.date.start.year == 2024 and late.date.start.year == 2025


def test_an_explicit_date_wins_over_publication():
    text = "A US drone strike in Kabul on July 31, 2022, killed al-Qaeda leader Ayman al-Zawahiri."
    mentions = extract(text, date(2022, 8, 2))
    assert [m.date.iso() for m in mentions if m.date] == ["2022-07-31"]


PROVENANCE_REPORTS = [text for text, *_ in (p.values for p in REPORTS)]


@pytest.mark.parametrize("text", PROVENANCE_REPORTS[:7])
def test_every_span_points_at_its_words_in_the_document(text):
    document = Document(id="doc-1", text=text, published=date(2024, 1, 15))
    mentions = bw.extract(document)
    assert mentions
    for m in mentions:
        spans = list(m.spans) + [s for c in m.claims for s in c.spans]
        assert {s.field for s in spans} >= {"event_type", "evidence"}
        for s in spans:
            assert document.text[s.start:s.end] == s.text, s
        for sentence in m.evidence:
            assert document.text[sentence.start:sentence.end] == sentence.text


# Padding before and between the sentences moves every offset: spans must follow the text.
_PADDING = st.text(alphabet=st.sampled_from(" \n"), max_size=6)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lead=_PADDING, gap=_PADDING, report=st.sampled_from(PROVENANCE_REPORTS[:7]))
def test_span_offsets_survive_any_leading_and_inner_whitespace(lead, gap, report):
    text = lead + report.replace(". ", "." + gap + " ", 1)
    document = Document(id="doc-1", text=text, published=date(2024, 1, 15))
    for m in bw.extract(document):
        for s in list(m.spans) + [s for c in m.claims for s in c.spans]:
            assert text[s.start:s.end] == s.text


def test_extraction_is_pure():
    text = PROVENANCE_REPORTS[0]
    document = Document(id="doc-1", text=text, published=date(2024, 12, 25))
    first, second = bw.extract(document), bw.extract(document)
    assert first == second
    assert document.text == text and document.published == date(2024, 12, 25)


def test_mention_ids_are_the_document_id_and_an_ordinal():
    text = ("Pakistani jets struck hideouts in Khost province on Monday. Separately, Afghan Taliban forces "
            "and Pakistani troops exchanged fire at the Torkham border crossing on Tuesday, officials said.")
    mentions = extract(text, date(2024, 3, 20))
    assert [m.id for m in mentions] == [f"doc-1:{i}" for i in range(len(mentions))]
    assert len(mentions) == 2


def test_a_failed_or_empty_document_gives_no_mentions():
    failed = Document(id="f", text="Pakistani jets struck Khost on Monday.", published=date(2024, 3, 18),
                      status=DocStatus.FAILED, error="binary content")
    assert bw.extract(failed) == []
    assert bw.extract(Document(id="e", text="   \n", published=date(2024, 3, 18))) == []


def test_run_on_text_is_analysed_in_bounded_pieces_with_exact_offsets() -> None:
    # a page scraped without punctuation: one "sentence" of 30 KB
    from borderwatch.extract.mentions import MAX_SENTENCE_CHARS, _bounded
    from borderwatch.text import split_sentences

    text = " ".join(f"militants attacked a post in Bannu killing {i % 9 + 2} soldiers," for i in range(500))
    pieces = _bounded(split_sentences(text))
    assert len(pieces) > 1
    assert all(len(p.text) <= MAX_SENTENCE_CHARS for p in pieces)
    assert all(text[p.start:p.end] == p.text for p in pieces)
    assert "".join(p.text for p in pieces) == text[pieces[0].start:pieces[-1].end]


def _cuts_a_word(text: str, start: int, end: int) -> bool:
    inner = text[start:end]
    return ((start > 0 and text[start - 1].isalnum() and inner[:1].isalnum())
            or (end < len(text) and text[end].isalnum() and inner[-1:].isalnum()))


def test_field_spans_sit_on_word_boundaries_in_the_bundled_samples():
    """A field read in one sentence and carried to an event told in another keeps that sentence's
    offsets: the span shows the words behind the field, never a slice of some other words."""
    from pathlib import Path

    from borderwatch.ingest import read_documents

    samples = Path(__file__).resolve().parents[2] / "samples"
    checked = 0
    for doc in read_documents([samples]):
        for m in bw.extract(doc):
            for s in m.spans:
                if s.field in ("location", "actor1", "actor2", "date"):
                    checked += 1
                    assert doc.text[s.start:s.end] == s.text
                    assert not _cuts_a_word(doc.text, s.start, s.end), (m.id, s.field, s.text)
    assert checked > 50


RESPONSE_REPORT = (
    "Pakistani jets struck suspected TTP hideouts in the Barmal district of Paktika province on Monday, killing "
    "eight people, Taliban spokesman Zabihullah Mujahid said. The military did not confirm the strikes. "
    "The strikes came two days after seven soldiers were killed in a suicide attack on a post in Mir Ali, "
    "North Waziristan.")


def test_a_response_links_to_the_event_it_answered_and_dates_it_by_the_gap():
    strike, attack = bw.extract(Document(id="t", text=RESPONSE_REPORT, published=date(2024, 3, 18)))
    assert (strike.place.name, attack.place.name) == ("Barmal", "Mir Ali")
    assert [(link.kind, link.target, link.days_before) for link in strike.links] == [
        (LinkKind.RESPONDS_TO, attack.ordinal, 2)]
    assert strike.links[0].description.startswith("seven soldiers were killed")
    assert attack.date.start == date(2024, 3, 16)  # "two days after" the strikes of Monday 18 March
    assert [(c.count.count, c.claimant) for c in attack.fatalities] == [(7, None)]
    assert [c.count.count for c in strike.fatalities] == [8]  # the soldiers' toll is not the strike's


def test_a_striking_states_silence_is_an_unconfirmed_stance_by_its_forces():
    strike = bw.extract(Document(id="t", text=RESPONSE_REPORT, published=date(2024, 3, 18)))[0]
    assert [(c.kind, c.claimant) for c in strike.stances] == [(ClaimKind.UNCONFIRMED, "PAK-MIL")]
    assert strike.origin_country == "PK" and strike.country == "AF"


@pytest.mark.parametrize(("text", "day"), [
    # the claim was made on Monday; the bombing was "a day earlier"
    ("The Islamic State group on Monday claimed responsibility for a suicide bombing that tore through a "
     "political rally in Khar, Bajaur a day earlier.", date(2023, 7, 30)),
    # "officials on Monday said": the day it was told, not the day of the ambush
    ("Police officials on Monday said militants ambushed a patrol in Bannu on Saturday, killing four "
     "policemen.", date(2023, 7, 29)),
])
def test_the_day_something_was_told_does_not_date_the_act(text, day):
    mentions = extract(text, date(2023, 7, 31))
    assert [m.date.start for m in mentions] == [day]


def test_what_follows_a_day_after_came_the_day_before_the_day_named():
    text = ("Hundreds of villagers protested in Khost on Sunday, a day after Pakistani jets bombed a house in "
            "the Spera district, killing nine people.")
    [m] = [m for m in extract(text, date(2022, 4, 18)) if m.sub_event_type == AIR[1]]
    assert m.date is not None and m.date.iso() == "2022-04-16"


def test_the_acts_own_day_told_later_replaces_the_day_of_the_news():
    text = ("PESHAWAR, Pakistan, May 4 (Wire) - A US drone strike killed 12 militants in North Waziristan, "
            "officials said on Friday.\n\n"
            "The missiles struck a compound in Mir Ali early on Wednesday, officials said.")
    strikes = [m for m in extract(text, date(2012, 5, 4)) if m.sub_event_type == AIR[1]]
    assert [(m.date.iso(), m.actor1) for m in strikes] == [("2012-05-02", "USA-MIL")]


def test_a_place_named_later_replaces_the_one_taken_from_the_dateline():
    text = ("KHAR, Pakistan, March 3 (Wire) - Pakistani jets bombed two houses in a border village before "
            "dawn on Saturday, killing seven militants, officials said.\n\n"
            "The missiles hit the village of Damadola, residents said.")
    [m] = extract(text, date(2007, 3, 3))  # one event: the killing is the toll of the bombing before dawn
    assert (m.sub_event_type, m.place.name if m.place else None) == (AIR[1], "Damadola")
    assert [c.count.low for c in m.claims if c.kind is ClaimKind.KILLED] == [7]


def test_missiles_fired_by_an_outside_force_are_an_air_strike():
    text = "An American missile strike killed five militants in South Waziristan on Monday, officials said."
    [m] = extract(text, date(2010, 2, 16))
    assert (m.sub_event_type, m.actor1) == (AIR[1], "USA-MIL")


def test_an_offset_opening_a_sentence_counts_from_the_paragraphs_last_date():
    text = ("In May 2009 jets struck militant camps in Orakzai, killing 20 militants, officials said. "
            "The following month, a suicide bomber killed 12 soldiers at a checkpoint in Bannu.\n\n"
            "The following month brought no respite.")
    bombing = [m for m in extract(text, date(2014, 1, 2)) if m.sub_event_type == SUICIDE[1]]
    assert [m.date.iso() for m in bombing] == ["2009-06"]


def test_each_place_of_a_wave_takes_the_date_told_with_it():
    text = ("Drones killed two militant commanders: one in Datta Khel in March 2012, and another near Wana "
            "in the autumn of 2013.")
    dated = sorted((m.place.name, m.date.iso()) for m in extract(text, date(2014, 1, 2)) if m.place)
    assert dated == [("Datta Khel", "2012-03"), ("Wana", "2013-09-01")]


def test_unqualified_forces_that_struck_across_the_border_are_the_other_sides():
    text = ("Troops shelled militant hideouts across the border in Afghanistan's Kunar province on Sunday, "
            "killing dozens of fighters, officials said.")
    [m] = extract(text, date(2017, 2, 20))
    assert (m.country, m.actor1) == ("AF", "PAK-MIL")


@pytest.mark.parametrize("text", [
    # the attackers are named, and so are the men killed in the army's answer: neither is the other's target
    "QUETTA - Pakistan's army said on Monday that nine of its soldiers were killed and 14 hurt when Afghan "
    "Taliban forces and allied militants raided border posts late on Sunday, and that its response killed "
    "more than 80 Taliban and allied fighters.",
    "PESHAWAR - The army said on Monday that 12 of its soldiers died when Afghan Taliban fighters stormed "
    "three border posts in Kurram late on Sunday, and that its counter-attack killed over 90 Taliban.",
])
def test_no_side_is_coded_as_its_own_target(text):
    mentions = extract(text, date(2025, 10, 13))
    assert mentions
    assert all(m.actor1 is None or m.actor1 != m.actor2 for m in mentions), \
        [(m.actor1, m.actor2) for m in mentions]


@pytest.mark.parametrize(("text", "published", "where"), [
    # the act sits in a where-clause: the town it describes, not every town of the main clause
    ("Swabi is a short drive from Mardan, where a bomber struck a police post in March 2019.",
     date(2024, 5, 1), "Mardan"),
    ("Troops patrol the road between Bannu and Lakki Marwat, where militants stormed a college last year.",
     date(2024, 5, 1), "Lakki Marwat"),
    ("The road runs from Kohat to Hangu, where gunmen ambushed an army convoy in June 2013.",
     date(2024, 5, 1), "Hangu"),
])
def test_an_act_in_a_where_clause_is_placed_by_that_clause(text, published, where):
    mentions = extract(text, published)
    assert len(mentions) == 1
    assert mentions[0].place is not None and mentions[0].place.admin2 == where


@pytest.mark.parametrize("text", [
    "Gunmen stormed a government-run college in Quetta on Monday and killed 11 people.",
    "Militants opened fire on a wedding party in Bajaur on Sunday, killing five guests.",
    "Attackers raided a seminary run by the army in Kohat on Friday, killing a cleric.",
])
def test_an_assault_on_a_school_a_wedding_or_a_seminary_is_violence_against_civilians(text):
    mentions = extract(text, date(2024, 5, 6))
    assert [(m.event_type, m.sub_event_type) for m in mentions] == [("Violence against civilians", "Attack")]
    assert mentions[0].actor2 in (None, "CIV-PAK")  # who runs the place is not whom the attack was on


@pytest.mark.parametrize(("text", "published", "actor1"), [
    # in Pakistan before the Islamic Emirate, the bare word means the Pakistani Taliban
    ("Taliban gunmen shot a schoolteacher in the head in Mingora in March 2011.", date(2014, 1, 5), "TTP"),
    # named as Afghan, or after August 2021, it is the Afghan Taliban
    ("Afghan Taliban fighters attacked a border post in Kurram in March 2011.", date(2014, 1, 5), "AFG-TALIBAN"),
    ("Taliban fighters attacked Pakistani border posts in Kurram on Saturday night.", date(2025, 10, 12),
     "AFG-TALIBAN"),
])
def test_a_bare_taliban_in_pakistan_before_the_emirate_is_the_ttp(text, published, actor1):
    assert [m.actor1 for m in extract(text, published)] == [actor1]


def test_a_killing_told_with_how_it_happened_in_a_when_clause_takes_that_type():
    mentions = extract("Two tribal elders were killed on Monday when their car hit a mine in South Waziristan.",
                       date(2024, 5, 8))
    assert [(m.event_type, m.sub_event_type) for m in mentions] == [IED]


@pytest.mark.parametrize(("text", "killed"), [
    ("QUETTA, June 3 (Wire) — Gunmen stormed a hotel in Quetta and killed nine guests before police "
     "commandos ended a siege that lasted six hours.", 9),
    ("MARDAN, June 3 (Wire) — Four attackers raided a police training centre in Mardan and shot dead two "
     "recruits before they were killed in the ensuing gun battle with troops.", 2),
    ("KOHAT, June 3 — Eleven people were killed when militants attacked a bus depot in Kohat, before security "
     "forces shot all of them dead after a shootout that went on for an hour.", 11),
])
def test_the_fight_that_ends_an_assault_is_that_assault(text, killed):
    mentions = extract(text, date(2024, 6, 3))
    assert len(mentions) == 1
    assert [c.count.count or c.count.min for c in mentions[0].claims] == [killed]


def test_a_fight_days_after_an_assault_is_an_event_of_its_own():
    mentions = extract("BANNU, June 3 — Militants attacked a checkpost in Bannu, two days before troops clashed "
                       "with fighters in Lakki Marwat.", date(2024, 6, 3))
    assert len(mentions) == 2


@pytest.mark.parametrize(("text", "day"), [
    # the dateline gives the day it was filed; the lead, the day it happened
    ("QUETTA, June 6 (Wire) — Gunmen attacked a college in Quetta on Monday, killing 23 people.", date(2024, 6, 3)),
    ("PESHAWAR, May 6 (Wire) — Gunmen stormed a school in Peshawar on Saturday, killing four guards.",
     date(2024, 5, 4)),
    # with no date in the lead, the filing date is the best there is
    ("QUETTA, June 6 (Wire) — Gunmen attacked a college in Quetta, killing 23 people.", date(2024, 6, 6)),
])
def test_the_leads_date_wins_over_the_datelines(text, day):
    mentions = extract(text, date(2024, 6, 6) if "June" in text else date(2024, 5, 6))
    assert [m.date.start for m in mentions] == [day]


def _coded(text: str, published: date) -> list[tuple]:
    return [(m.event_type, m.sub_event_type, m.actor1, m.actor2) for m in extract(text, published)]


VAC = ("Violence against civilians", "Attack")
REGAIN = (BATTLES, "Government regains territory")
TAKEOVER = (BATTLES, "Non-state actor overtakes territory")


@pytest.mark.parametrize(("text", "published", "expected"), [
    # a quantity of fighters is still the subject that acted
    ("Dozens of Pakistani Taliban fighters attacked a police station in Tank late on Monday.", date(2013, 7, 30),
     [(*CLASH, "TTP", "PAK-POL")]),
    ("A group of TTP militants attacked a checkpost in Bannu on Monday.", date(2013, 7, 30),
     [(*CLASH, "TTP", "PAK-MIL")]),
    # what the attackers carried is not how they struck
    ("Gunmen armed with rocket-propelled grenades and rifles attacked a police station in Tank on Monday.",
     date(2013, 7, 30), [(*CLASH, None, "PAK-POL")]),
    # one person shot, stabbed or gunned down, no armed side named as the victim: violence against civilians
    ("A tribal elder was shot in the head by Taliban gunmen in Bajaur on Tuesday.", date(2012, 10, 10),
     [(*VAC, "TTP", "CIV-PAK")]),
    ("A retired teacher was stabbed to death at his home in Mardan on Sunday.", date(2019, 3, 5),
     [(*VAC, None, "CIV-PAK")]),
    ("Gunmen shot dead two policemen in Peshawar on Tuesday.", date(2019, 3, 5), [(*CLASH, None, "PAK-POL")]),
    # a car driven into a crowd with explosives in it is a suicide bombing
    ("A bomber drove a pick-up packed with explosives into a crowd in Lakki Marwat on Friday, killing 30 people.",
     date(2010, 1, 3), [("Explosions/Remote violence", "Suicide bomb", None, "CIV-PAK")]),
])
def test_who_acted_and_how(text, published, expected):
    assert _coded(text, published) == expected


@pytest.mark.parametrize(("text", "published", "expected"), [
    ("Troops regained control of the town of Mingora on Saturday after days of street fighting.", date(2009, 5, 31),
     [(*REGAIN, "PAK-MIL", None)]),
    ("Security forces cleared the Tirah valley of militants on Monday, the army said.", date(2014, 3, 12),
     [(*REGAIN, "PAK-MIL", None)]),
    # the same words for an armed group taking ground are its takeover; a state's forces taking a town in
    # their own country regain it
    ("Taliban fighters recaptured the district centre of Musa Qala on Monday.", date(2015, 8, 28),
     [(*TAKEOVER, "AFG-TALIBAN", None)]),
    ("Pakistani troops captured the town of Mingora on Saturday.", date(2009, 5, 31), [(*REGAIN, "PAK-MIL", None)]),
])
def test_ground_taken_back_by_the_state_is_government_regains_territory(text, published, expected):
    assert _coded(text, published) == expected


def test_a_town_and_its_district_of_the_same_name_as_a_valley_are_one_place():
    mentions = extract("Gunmen attacked a police post in Mingora, the main town of Swat, on Saturday.",
                       date(2009, 5, 31))
    assert [m.place.name for m in mentions] == ["Mingora"]


def test_an_attack_on_a_diplomat_names_no_host_civilians():
    mentions = extract("The ambassador survived an attempt on his life at the embassy in Kabul in December 2022.",
                       date(2023, 1, 5))
    assert [(m.event_type, m.actor2) for m in mentions] == [("Violence against civilians", None)]


@pytest.mark.parametrize(("text", "expected"), [
    # the forces trained at a police college are police; an army-run school's pupils are civilians
    ("Gunmen stormed a police training college on the outskirts of Quetta on Monday, killing 20 recruits.",
     [(*CLASH, None, "PAK-POL")]),
    ("Gunmen stormed the Army Public School in Peshawar on Tuesday, killing 20 pupils.",
     [(*VAC, None, "CIV-PAK")]),
    # the weapon's noun and the verb it takes are one act, placed where it struck (not at the dateline)
    ("PESHAWAR, June 24 (Wire) — Missiles fired by a U.S. drone struck a compound near Makeen on Tuesday.",
     [(*AIR, "USA-MIL", None)]),
])
def test_the_target_and_the_act(text, expected):
    assert _coded(text, date(2016, 6, 24)) == expected


def test_one_of_a_kind_is_a_class_not_an_act():
    from borderwatch.extract.events import find_triggers

    assert [t.text for t in find_triggers("It was one of the deadliest strikes since the campaign began.")] == []
    assert [t.text for t in find_triggers("The deadliest strike since March killed 40.")] != []


def test_a_coordinate_clause_with_its_own_day_is_a_clause():
    from borderwatch.extract.events import clause_bounds

    text = "On Monday a bomber hit an office in Islamabad, and on Friday a car bomb killed 40 in Peshawar."
    assert [text[a:b].strip(" ,") for a, b in clause_bounds(text)] == [
        "On Monday a bomber hit an office in Islamabad", "and on Friday a car bomb killed 40 in Peshawar."]


@pytest.mark.parametrize(("text", "expected"), [
    # a people's name is no place: the act is placed where it happened
    ("Gunmen shot dead eleven Hazara coal miners near Machh in Balochistan on Sunday.", ["Machh"]),
    ("A bomb at a market used by the Hazara community in Quetta killed 20 people on Friday.", ["Quetta"]),
])
def test_an_ethnic_group_or_tribe_is_not_a_place(text, expected):
    assert [m.place.name for m in extract(text, date(2021, 1, 5))] == expected


@pytest.mark.parametrize(("text", "kind"), [
    ("A bomb at a vegetable market in Parachinar killed 20 people on Saturday.", IED),
    ("Jets dropped bombs on militant hideouts in Tirah on Friday, killing 20.", AIR),
])
def test_a_bare_bomb_is_planted_unless_aircraft_dropped_it(text, kind):
    assert [(m.event_type, m.sub_event_type) for m in extract(text, date(2021, 1, 5))] == [kind]


@pytest.mark.parametrize("text", [
    "Pakistan says militants who attack its soldiers have hideouts in Afghanistan.",
    "Officials say militants who attack Pakistan have hideouts across the border.",
    "The TTP announced a ceasefire and told its fighters to refrain from attacks for a month.",
    "The group said it had suspended attacks on the police during the talks.",
])
def test_habits_charges_and_pauses_are_no_events(text):
    assert extract(text, date(2014, 3, 2)) == []


@pytest.mark.parametrize("text", [
    "Gunmen opened fire on lawyers and litigants at the court complex in Islamabad on Monday, killing 11.",
    "Gunmen opened fire on a group of tourists at a hotel in Swat on Monday, killing four.",
])
def test_lawyers_tourists_and_traders_are_civilians(text):
    assert [(m.event_type, m.actor2) for m in extract(text, date(2014, 3, 4))] == [
        ("Violence against civilians", "CIV-PAK")]


def test_an_act_told_before_a_cue_to_earlier_ones_is_the_news():
    mentions = extract("Two bombs ripped through a market in the town of Parachinar on Friday, killing 40 people, "
                       "hours after a car bombing in Quetta.", date(2017, 6, 24))
    places = {m.place.name: m for m in mentions}
    assert "Parachinar" in places
    assert [c.count.count for c in places["Parachinar"].claims if c.count] == [40]


@pytest.mark.parametrize("text", [
    "The town of Parachinar had been attacked twice this year.",
    "Police posts in Bannu were attacked repeatedly last month.",
    "Militants have struck the Lakki Marwat police several times since March.",
])
def test_acts_told_as_a_number_of_times_are_no_event(text):
    assert extract(text, date(2017, 6, 24)) == []


@pytest.mark.parametrize(("text", "places"), [
    # a market named after a village elsewhere, told as part of the town after it, is in that town
    ("A bomb went off in the crowded Eidgah vegetable market of Parachinar on Saturday, killing 25 people.",
     ["Parachinar"]),
    # two places joined by 'and' are two places
    ("Pakistani jets carried out airstrikes on Kabul and on the Marghi area of Barmal district on Thursday night.",
     ["Kabul", "Barmal"]),
])
def test_a_place_told_as_part_of_the_next_one_is_inside_it(text, places):
    assert sorted(m.place.name for m in extract(text, date(2017, 1, 22))) == sorted(places)


def test_a_bomb_and_its_verb_a_few_words_apart_are_one_named_act():
    mentions = extract("Earlier on Friday, a bomb planted in a motorcycle exploded near the convoy of a former "
                       "minister as he left a rally in Bannu, killing four people.", date(2018, 7, 14))
    assert [(m.event_type, m.sub_event_type, m.place.name) for m in mentions] == [(*IED, "Bannu")]


def test_a_province_in_a_speakers_title_does_not_place_the_act():
    mentions = extract("QUETTA: At least 61 people were martyred when terrorists attacked a training college on "
                       "Sariab Road late Monday night, Balochistan Home Minister Sarfraz Bugti said.",
                       date(2016, 10, 25))
    assert [m.place.name for m in mentions] == ["Quetta"]


@pytest.mark.parametrize(("text", "events"), [
    ("KARACHI: Police foiled an attack on a bank in Clifton on Friday, killing three attackers, while two "
     "policemen were martyred, officials said.", 1),
    ("Police foiled a plot to bomb a mosque in Lahore and arrested three suspects on Friday.", 0),
])
def test_a_foiled_attack_in_which_people_died_happened(text, events):
    assert len(extract(text, date(2018, 11, 24))) == events


def test_a_toll_split_among_places_gives_each_event_its_part():
    text = ("Militants attacked two security camps in Noshki and Panjgur on Wednesday night. The ISPR said 13 "
            "terrorists were killed in the two attacks, nine in Noshki and four in Panjgur.")
    by_place = {m.place.admin2: m for m in extract(text, date(2022, 2, 3))}
    killed = {place: [c.count.count for c in m.claims if c.kind is ClaimKind.KILLED] for place, m in by_place.items()}
    assert killed == {"Nushki": [9], "Panjgur": [4]}
    assert {c.claimant for m in by_place.values() for c in m.claims if c.kind is ClaimKind.KILLED} == {"PAK-MIL"}


def test_parts_that_do_not_add_up_leave_the_toll_whole():
    text = ("Militants attacked two security camps in Noshki and Panjgur on Wednesday night. The ISPR said 13 "
            "terrorists were killed in the two attacks, five in Noshki and four in Panjgur.")
    counts = sorted(c.count.count for m in extract(text, date(2022, 2, 3)) for c in m.claims
                    if c.kind is ClaimKind.KILLED)
    assert 5 not in counts and 4 not in counts and 13 in counts


def test_a_number_in_a_name_is_no_toll_and_an_honorific_is_no_place():
    text = ("LAHORE: At least 42 people were martyred when two suicide bombers blew themselves up inside the shrine "
            "of Hazrat Data Ganj Bakhsh late on Thursday night. Rescue 1122 volunteers shifted the injured to "
            "hospitals.")
    mentions = extract(text, date(2010, 7, 2))
    assert [m.place.name for m in mentions] == ["Lahore"]
    assert all(c.count is None or c.count.count != 1122 for m in mentions for c in m.claims)


def test_an_assault_on_worshippers_by_gunmen_with_a_list_of_weapons():
    """'assault rifles' is a weapon, not an assault; what the gunmen carried, however long the list, does not
    type the act; 'during Friday prayers' leaves the dateline's day; the commandos regaining control ended it."""
    mentions = extract("LAHORE, Pakistan, May 28 (Wire) — Gunmen armed with assault rifles, grenades and suicide vests "
                       "attacked two mosques during Friday prayers in Lahore, killing at least 80 worshippers before "
                       "police commandos regained control, officials said.", date(2010, 5, 28))
    assert [(m.event_type, m.sub_event_type, m.date.start) for m in mentions] == [
        ("Violence against civilians", "Attack", date(2010, 5, 28))]


def test_of_two_districts_of_one_name_the_one_in_the_datelines_province():
    text = ("QUETTA, Pakistan, Nov. 9 (Wire) — A suicide bomber killed 26 people at the railway station on Saturday. "
            "In August, gunmen stopped vehicles on a highway in Musakhel district and shot dead 23 passengers.")
    places = {(m.place.name, m.place.admin1) for m in extract(text, date(2024, 11, 9))}
    assert ("Musa Khel", "Balochistan") in places and ("Musa Khel", "Khost") not in places


def test_a_place_in_what_the_act_avenged_is_not_the_acts():
    text = ("WAH CANTT, Aug. 21 (Wire) — Two suicide bombers blew themselves up outside the gates of an arms "
            "factory on Thursday afternoon, killing more than 60 people. A spokesman called the attack revenge for "
            "the army's offensive in the Bajaur tribal region.")
    assert [m.place.name for m in extract(text, date(2008, 8, 21))] == ["Wah"]


# A report on Kurram whose last paragraph recalls a killing at a village the gazetteer does not know.
KURRAM_ELDERS = ("Elders of Kurram district met officials in Parachinar on Monday to demand the reopening of "
                 "the main road.\n\nThey said the road had been unsafe for months. In March, gunmen killed four "
                 "shopkeepers in a bazaar at Zarkanai Banda.")


def test_an_act_at_a_place_the_gazetteer_lacks_is_placed_in_the_district_named_before_it():
    [m] = extract(KURRAM_ELDERS, date(2024, 5, 6))
    assert (m.event_type, m.date.iso(), m.country) == (VIOLENCE_AGAINST_CIVILIANS, "2024-03", "PK")
    # the district of the town named last, not the town: the text does not say the act was there
    assert (m.place.admin2, m.place.precision) == ("Kurram", 2)
    [span] = [s for s in m.spans if s.field == "location"]
    assert KURRAM_ELDERS[span.start:span.end] == "Parachinar"


def test_with_no_place_named_before_it_such_an_act_is_not_placed():
    assert extract(KURRAM_ELDERS.split("\n\n", 1)[1], date(2024, 5, 6)) == []


def test_a_place_the_text_names_for_the_act_replaces_the_guessed_one():
    text = KURRAM_ELDERS + " The attack happened in Hangu district, police said."
    [m] = extract(text, date(2024, 5, 6))
    assert (m.place.name, m.date.iso()) == ("Hangu", "2024-03")


@pytest.mark.parametrize("tail", [
    "Gunmen killed two guards at a checkpoint at Zarkanai Banda, police said.",   # no date of its own
    "Militants have stepped up attacks on shopkeepers at Zarkanai Banda since March.",  # many acts
    "In 2019, gunmen killed two guards at a checkpoint at Zarkanai Banda.",  # a year and no place: a statistic
])
def test_acts_told_too_thinly_are_not_placed_from_the_context(tail):
    text = "Elders of Kurram district met officials in Parachinar on Monday.\n\nThey were angry. " + tail
    assert extract(text, date(2024, 5, 6)) == []


def test_an_offset_after_a_month_counts_in_months():
    text = ("The TTP ended its ceasefire in November 2022, and the next month militants stormed a police station "
            "in Bannu.")
    [m] = extract(text, date(2024, 5, 6))
    assert m.date is not None and m.date.iso() == "2022-12"


def test_the_date_after_since_belongs_to_the_act_it_introduces():
    text = ("Twelve soldiers were killed in an ambush in Orakzai on Tuesday, the heaviest losses in a single "
            "clash since December last year, when militants overran a checkpost in South Waziristan.")
    mentions = extract(text, date(2025, 10, 9))
    assert sorted((m.date.iso(), m.place.admin2) for m in mentions) == [
        ("2024-12", "South Waziristan"), ("2025-10-07", "Orakzai")]


def test_a_date_inside_a_since_phrase_after_the_act_is_the_earlier_event_s():
    text = ("JALALABAD — A bomb exploded at a bus stop in Jalalabad, killing nine people in the worst blast in the "
            "city since the last foreign troops left at the end of August.")
    [m] = extract(text, date(2021, 11, 13))
    assert m.date is not None and m.date.precision == Precision.WEEK and m.date.end == date(2021, 11, 13)


@pytest.mark.parametrize(("text", "day"), [
    ("A suicide bomber struck a mosque in Quetta during Friday prayers, killing 14 worshippers.", "2022-03-04"),
    ("Gunmen fired on worshippers leaving Friday prayers in Quetta, killing 14.", None),  # no "during": a name
])
def test_friday_prayers_date_the_act_only_when_the_act_came_during_them(text, day):
    [m] = extract(text, date(2022, 3, 5))
    assert (m.date.iso() if m.date and m.date.precision == Precision.DAY else None) == day


def test_a_weekday_beside_a_month_or_year_falls_in_it():
    text = ("The blast recalled the attack on a Shia mosque in Peshawar during Friday prayers in March last year, "
            "when a suicide bomber killed 63 worshippers.")
    [m] = extract(text, date(2023, 2, 1))
    assert m.date is not None and m.date.iso() == "2022-03"


def test_a_part_of_the_capital_makes_the_capital_the_place_not_its_government():
    text = "On Monday, a bomb went off at the gate of Islamabad's Faisal Mosque, killing two guards."
    [m] = extract(text, date(2019, 6, 5))
    assert (m.country, m.place.admin1, m.actor1) == ("PK", "Islamabad", None)


def test_a_ministry_that_gives_a_toll_is_the_government_where_it_happened():
    text = "KABUL — Gunmen stormed a hotel in Kabul on Saturday, killing 18 people, the interior ministry said."
    [m] = extract(text, date(2018, 1, 21))
    assert [(c.count.count, c.claimant) for c in m.claims if c.kind == ClaimKind.KILLED] == [(18, "AFG-GOV")]


def test_a_siege_that_forces_ended_is_the_assault_itself():
    text = ("KABUL — The death toll from Monday's attack on a hotel in Kabul has risen to 18, the ministry said, "
            "after security forces ended a siege that lasted twelve hours.")
    assert len(extract(text, date(2019, 6, 5))) == 1


def test_the_place_of_an_office_gives_way_to_where_the_act_was():
    text = "A suicide bomber killed the governor of Nangarhar in his office in Kabul on Monday."
    [m] = extract(text, date(2019, 4, 2))
    assert m.place.admin1 == "Kabul"


def test_bombed_without_aircraft_is_a_planted_bomb_unless_a_state_did_it():
    [group] = extract("In May 2019, the group bombed a Sufi shrine in Lahore, killing ten people.", date(2020, 1, 1))
    [state] = extract("In May 2019, Pakistan bombed militant hideouts in Kunar, killing ten.", date(2020, 1, 1))
    assert (group.event_type, group.sub_event_type) == IED
    assert (state.event_type, state.sub_event_type) == AIR


@pytest.mark.parametrize("text", [
    "Protests spread to Herat. The Taliban, who seized Kabul in August last year, say they have restored order.",
    "Protests spread to Herat. Kabul fell to the Taliban in August last year.",
])
def test_a_capital_that_was_taken_is_the_place_not_its_government(text):
    [m] = extract(text, date(2022, 10, 3))
    assert (m.sub_event_type, m.place.admin1, m.actor1) == ("Non-state actor overtakes territory", "Kabul",
                                                            "AFG-TALIBAN")


def test_a_toll_given_by_the_owner_s_police_is_a_claim_on_the_event_not_a_new_one():
    text = ("The death toll from Friday's suicide bombing at a school in Kabul has risen to 53, the United "
            "Nations said on Monday.\n\nThe Taliban's Kabul police had put the toll at 19 on the day of the attack.")
    [m] = extract(text, date(2022, 10, 3))
    assert m.actor1 is None
    assert [(c.count.count, c.claimant) for c in m.claims if c.kind == ClaimKind.KILLED] == [
        (53, None), (19, "AFG-TALIBAN")]


def test_an_explosion_later_told_as_a_suicide_bombers_becomes_a_suicide_bombing():
    text = ("QUETTA — Two explosions minutes apart ripped through a snooker hall in Quetta on Thursday evening, "
            "killing at least 81 people, police said. According to police, a suicide bomber set off his "
            "explosives inside the crowded hall.")
    [m] = extract(text, date(2013, 1, 11))
    assert (m.event_type, m.sub_event_type) == SUICIDE
    refined = [s for s in m.spans if s.field == "sub_event_type"]
    assert [s.text for s in refined] == ["suicide bomber set off"]


def test_past_acts_recalled_in_a_report_keep_their_own_and_a_later_reference_returns_to_the_news():
    text = ("KABUL: A suicide bomber blew himself up inside an education centre in the west of Kabul on Friday, "
            "killing at least 19 people.\n\n"
            "The area has been struck repeatedly. In April, explosions at a high school in the area killed at "
            "least six people, and in May last year bombs outside a girls' school killed scores of students.\n\n"
            "The United Nations mission in Afghanistan condemned the attack.")
    found = sorted((m.date.iso(), m.place.admin1, m.sub_event_type) for m in extract(text, date(2022, 9, 30)))
    assert found == [("2021-05", "Kabul", IED[1]), ("2022-04", "Kabul", IED[1]), ("2022-09-30", "Kabul", SUICIDE[1])]


def test_two_past_acts_in_one_sentence_keep_their_own_places_and_tolls():
    text = ("KARACHI: Gunmen attacked a bus in Karachi on Wednesday.\n\nA suicide bomber struck a procession on "
            "M.A. Jinnah Road in December 2009, killing more than 40 people, and in January 2013 twin suicide "
            "bombings at a snooker club on Alamdar Road in Quetta killed more than 80 people.")
    found = {m.date.iso(): (m.place.admin1, [c.count.min for c in m.claims if c.kind == ClaimKind.KILLED])
             for m in extract(text, date(2015, 5, 14)) if m.sub_event_type == SUICIDE[1]}
    assert found == {"2009-12": ("Sindh", [40]), "2013-01": ("Balochistan", [80])}


def test_the_federal_capital_is_islamabad_and_the_district_courts_name_no_earlier_district():
    text = ("A bomb on a train at Sibi railway station in Balochistan on Tuesday killed a dozen passengers.\n\n"
            "The federal capital was shaken last month when gunmen attacked the district courts in F-8, "
            "killing 11 people.")
    places = {m.date.iso(): m.place.admin1 for m in extract(text, date(2014, 4, 10))}
    assert places == {"2014-04-08": "Balochistan", "2014-03": "Islamabad"}


def test_strikes_referred_to_after_a_bombing_are_the_strikes_and_a_future_date_dates_no_act():
    text = ("PESHAWAR: Pakistani jets struck hideouts in Paktika province late on Friday, hours after a suicide "
            "bomber rammed a vehicle into a camp in Mir Ali, North Waziristan.\n\n"
            "The Taliban said the strikes hit homes in Urgun district. The Afghanistan Cricket Board said eight "
            "people had been killed, and withdrew its team from a series to be played in Pakistan next month.")
    found = {m.sub_event_type: [(c.count.count, c.claimant) for c in m.claims if c.kind == ClaimKind.KILLED]
             for m in extract(text, date(2025, 10, 19))}
    assert found == {AIR[1]: [(8, None)], SUICIDE[1]: []}


def test_a_missile_strike_later_told_as_a_drones_becomes_an_air_strike():
    text = ("ISLAMABAD — An al-Qaeda commander was killed in a missile strike on a house in North Waziristan on "
            "Monday, officials said. They said missiles fired from a Predator drone hit the compound near Mir Ali.")
    [m] = extract(text, date(2008, 1, 31))
    assert (m.sub_event_type, m.actor1) == (AIR[1], "USA-MIL")


def test_a_retelling_in_a_later_paragraph_refines_and_earlier_that_day_is_another_act():
    text = ("QUETTA, Jan. 11 (Wire) — Two explosions ripped through a snooker hall in Quetta on Thursday evening, "
            "killing at least 81 people, police said.\n\n"
            "According to police, a suicide bomber set off his explosives inside the crowded hall.\n\n"
            "Earlier in the day a bomb near a busy commercial area in the city centre killed about a dozen people.\n\n"
            "Elders said residents were caught between militants and security operations.")
    found = sorted((m.sub_event_type, [c.count.count or c.count.min for c in m.claims if c.kind == ClaimKind.KILLED])
                   for m in extract(text, date(2013, 1, 11)))
    assert found == [(IED[1], [12]), (SUICIDE[1], [81])]


def test_a_civilian_killed_alone_is_an_attack_and_residents_give_no_sides_figure():
    [m] = extract("Gunmen killed a lawyer in Peshawar on Monday.", date(2013, 6, 24))
    assert (m.event_type, m.sub_event_type, m.actor2) == (VIOLENCE_AGAINST_CIVILIANS, "Attack", "CIV-PAK")
    [m] = extract("A bomb exploded in a market in Bannu on Monday, killing six people, residents said.",
                  date(2013, 6, 24))
    assert [(c.count.count, c.claimant) for c in m.claims if c.kind == ClaimKind.KILLED] == [(6, None)]


@pytest.mark.parametrize("site", ["a Sikh gurdwara", "an imambargah", "an education centre"])
def test_an_attack_on_a_place_of_worship_or_learning_targets_civilians(site):
    [m] = extract(f"KABUL — Gunmen attacked {site} in Kabul on Wednesday, killing 25 people.", date(2020, 3, 26))
    assert (m.event_type, m.sub_event_type) == (VIOLENCE_AGAINST_CIVILIANS, "Attack")


def test_a_bare_month_under_a_present_perfect_since_is_the_last_one_before_the_news():
    text = ("The group bombed a Shia mosque in Kunduz in October 2021, killing dozens.\n\n"
            "Relations have been strained since Pakistani jets bombed houses in Khost province in March.")
    found = {m.place.admin1: m.date.iso() for m in extract(text, date(2024, 12, 12))}
    assert found == {"Kunduz": "2021-10", "Khost": "2024-03"}


def test_forces_storming_a_site_fight_those_holed_up_there():
    [m] = extract("In July 2007 the army stormed Islamabad's Red Mosque, ending a standoff with armed students.",
                  date(2008, 8, 22))
    assert (m.sub_event_type, m.actor1) == ("Armed clash", "PAK-MIL")
    [m] = extract("Gunmen stormed a mosque in Peshawar on Friday, killing 12 worshippers.", date(2008, 8, 22))
    assert m.sub_event_type == "Attack"


def test_a_group_claiming_the_bombing_a_paragraph_later_is_its_doer():
    text = ("LAHORE — A suicide bomber blew himself up near the Wagah border crossing on Sunday evening, killing "
            "at least 55 people, officials said.\n\n"
            "Police said the bomber set off his explosives near a checkpoint.\n\n"
            "Jamaat-ul-Ahrar said it had sent the bomber to avenge the army's offensive in North Waziristan.")
    [m] = extract(text, date(2014, 11, 3))
    assert m.actor1 == "TTP"


def test_a_relative_clause_dates_the_act_it_tells():
    text = ("Relations were already at a low after the US raid that killed Osama bin Laden in Abbottabad in May, "
            "which Pakistan condemned.")
    [m] = extract(text, date(2011, 11, 27))
    assert (m.date.iso(), m.place.name, m.actor1) == ("2011-05", "Abbottabad", "USA-MIL")


def test_firing_on_civilians_and_posts_is_a_fight():
    [m] = extract("CHAMAN: Afghan forces resorted to unprovoked firing on Pakistani civilians and Frontier Corps posts "
                  "in Chaman on Thursday, the ISPR said.", date(2020, 7, 31))
    assert (m.sub_event_type, m.actor1) == ("Armed clash", "AFG-MIL")


def test_an_act_named_by_what_it_hit_refers_back_and_a_reference_to_the_crossing_is_the_sentences_own():
    text = ("PESHAWAR: Four soldiers were martyred when militants attacked two military posts in Chitral district "
            "early on Wednesday, the military said. The terrorists had gathered in Afghanistan's Kunar province "
            "before attacking the posts.\n\n"
            "The Torkham border crossing remained closed on Thursday after Afghan border guards opened fire on "
            "Pakistani posts at the crossing on Wednesday.")
    found = sorted((m.place.name, m.actor1) for m in extract(text, date(2023, 9, 7)))
    assert found == [("Chitral", None), ("Torkham", "AFG-TALIBAN")]


@pytest.mark.parametrize(("second", "year"), [
    # a new paragraph that does not go on with the story told before is back in the year of the news
    ("Under his command the militants struck often. In September, twin suicide bombers struck a church in "
     "Peshawar, killing more than 80 worshippers.", "2013"),
    # one that goes on with it keeps that story's year
    ("The second incident took place in September, when twin suicide bombers struck a church in Peshawar, "
     "killing more than 80 worshippers.", "2009"),
])
def test_a_year_told_in_one_paragraph_carries_into_the_next_only_when_the_story_goes_on(second, year):
    text = ("Two incidents stood out. In December 2009 a suicide bomber killed seven CIA employees at a base in "
            "Khost, Afghanistan.\n\n" + second)
    found = {m.place.admin1: m.date.iso() for m in extract(text, date(2013, 11, 2))}
    assert found["Khyber Pakhtunkhwa"] == f"{year}-09"


def test_the_day_a_toll_crossed_a_figure_is_not_the_day_of_the_act():
    from borderwatch.extract.dates import find_dates
    from borderwatch.extract.mentions import _event_date

    text = "The toll from the suicide bombing at a mosque in Peshawar crossed 60 on Saturday."
    [saturday] = find_dates(text, date(2022, 3, 7))
    assert not _event_date(text, saturday)
