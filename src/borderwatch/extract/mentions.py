"""From a document to its mentions: run the stages over each sentence, then put events together.

Per sentence: dates (with the paragraph's year in force), triggers, actors, places, numbers, casualties
and attributions. Each trigger becomes a draft event with the fields of its clause; a trigger naming
several places ("strikes in Khost and Paktika") becomes one draft per place, a *wave*. Drafts then meet
the document so far, in reading order:
- a draft that refers back ("these airstrikes", "the clashes") or gives no date joins the earlier event
  it describes, filling what that event lacks;
- a dated draft that describes an event already coded (same type, overlapping date, compatible place and
  actors) joins it;
- anything else is a new event, if the text places it in time (at least a year) and space (a country).
Casualty counts then attach to the event of their sentence, or to the event the paragraph is about.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from borderwatch.extract.actors import ActorMatch, MatchKind, Role
from borderwatch.extract.claims import (
    Casualty,
    claimant_of,
    find_attributions,
    find_casualties,
    find_responsibility,
    military_source,
    names_responsibility,
)
from borderwatch.extract.dates import DateMatch, find_dates
from borderwatch.extract.events import (
    AIR,
    IED,
    PERSONAL_KILLINGS,
    REGAIN,
    SHELLING,
    SUICIDE,
    TAKEOVER,
    TriggerMatch,
    bombed_without_aircraft,
    clause_bounds,
    find_triggers,
    launched_weapon,
    names_casualties,
    resolve_event_type,
    trigger_words,
)
from borderwatch.extract.links import ReferenceCue, find_references
from borderwatch.extract.numbers import find_numbers
from borderwatch.extract.places import PlaceMatch, find_places
from borderwatch.extract.roles import Roles, assign_roles, shared_subject
from borderwatch.extract.stance import StanceMatch, find_stances
from borderwatch.gazetteer import place_contains
from borderwatch.model import (
    EXPLOSIONS,
    VIOLENCE_AGAINST_CIVILIANS,
    Claim,
    ClaimKind,
    DateRange,
    DocStatus,
    Document,
    LinkKind,
    Mention,
    MentionLink,
    Place,
    Precision,
    Sentence,
    Span,
    SpanKind,
)
from borderwatch.text import split_sentences
from borderwatch.theatre import Theatre

# A date this close before publication is the news of the day: undated events in the story take it.
STORY_WINDOW_DAYS = 45
# Without any date near publication, an undated event in a dated report happened in the week before it.
FALLBACK_WINDOW_DAYS = 7
# Longer "sentences" (text without punctuation) are analysed in pieces of this size; see _bounded.
MAX_SENTENCE_CHARS = 600
# "Two incidents occurred in 2008. The first was in June": a year stays in force this many sentences.
ANCHOR_YEAR_SENTENCES = 4
# Undated events take the publication week only in the lead, where reports tell the news of the day.
LEAD_SENTENCES = 3
# How many sentences back an act its sentence places nowhere known looks for a place the report named.
CONTEXT_PLACE_SENTENCES = 12
# How far back a casualty sentence with no place or date of its own looks for the story's event.
STORY_LOOKBACK_SENTENCES = 6
# How far back (in sentences) a casualty sentence without a trigger looks for its event.
CASUALTY_LOOKBACK_SENTENCES = 3

_CASUALTY_VERBS = frozenset({"killed", "killing", "martyred", "shot dead", "gunned down", "slain",
                             "assassinated"})
_NOT_EVENT_DATE = re.compile(
    r"\b(?:since|prior to|before|until|till|as early as|as recently as|by|ahead of|through|throughout)\s+"
    r"(?:the\s+)?(?:end of\s+|early\s+|mid-?\s*|late\s+)?$"
    r"|\b(?:rose|risen|climbed|reached|jumped|stood|stands|increased)\s+(?:to|at)\s+[\d,]+\s+(?:on\s+)?$"
    r"|\b(?:crossed|passed|topped|exceeded|surpassed|reached|hit)\s+[\d,]+\s+(?:on\s+)?$",
    re.I,
)  # "since 2022", "prior to March 18", "the toll rose to 100 on Tuesday": not when the event happened
# "stormed a school and killed 141 before commandos ended a siege", "were killed in the ensuing gun battle":
# the fight that ends an assault, told after it in the same sentence, is that assault's end, not an event.
_ASSAULT = re.compile(r"(?:storm|raid|attack|assault|open|fired|overr|besieg)", re.I)
_ENDING_FIGHT = re.compile(r"(?:sieges?|gun ?battles?|gun ?fights?|fire ?fights?|exchanges? of fire|"
                           r"shoot-?outs?|stand-?offs?|clash(?:es)?|encounters?|fighting)$", re.I)
_ENDED_AFTER = re.compile(r"\b(?:before|until|till)\b", re.I)
_ENSUING = re.compile(r"\b(?:ensuing|subsequent|resulting|retaliatory)\s+$", re.I)
# "after security forces ended a siege that lasted six hours": the fight ended is the assault itself
_ENDED_FIGHT = re.compile(r"\b(?:end(?:ed|ing|s)?|broke|breaking|lift(?:ed|ing))\s+(?:(?:the|a|an|their|its)\s+)?"
                          r"(?:[\w-]+\s+){0,2}$", re.I)
_LATER_DAY = re.compile(r"\b(?:days?|weeks?|months?|years?)\s+(?:before|until|till)\b", re.I)
# "..., nine in Noshki and four in Panjgur": a part of a toll, then the place it belongs to
# (numbers.find_numbers decides whether the word is a count)
_PART_BEFORE_PLACE = re.compile(r"(?:,|\band)\s+([\w,]+)\s+(?:of them\s+|were\s+killed\s+)?(?:in|at)\s+(?:the\s+)?$",
                                re.I)
# An embassy's staff are the sending country's people, not the host's civilians.
_DIPLOMATIC = re.compile(r"\b(?:embass(?:y|ies)|consulates?|ambassadors?|diplomat(?:s|ic)?|envoys?|"
                         r"high commission)\b", re.I)
_TALLY = re.compile(r"\b\d[\d,]*\s+(?:(?!in\b|on\b|at\b|during\b|after\b|from\b)[\w-]+\s+){0,2}"
                    r"(?:attacks|incidents|strikes|bombings|operations)\b", re.I)
_ORIGIN_BEFORE = re.compile(
    r"\bfrom\s+(?:the\s+|across\s+the\s+)?(?:(?!into\b|to\b|in\b|toward\b)[\w'-]+\s+){0,2}$"
    r"|\b(?:gathered|assembled|massed|based|sheltering|hiding|regrouped)\s+(?:in|at)\s+(?:the\s+)?"
    r"(?:[\w'-]+,?\s+){0,10}$"
    r"|\b(?:travell?ing|heading|bound|going|way|en route|returning)\s+(?:from\s+[\w' -]+?\s+)?to\s+$"
    r"|\bfrom\s+[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+)?\s+to\s+$", re.I)
# "at the entrance of Kabul's Eid Gah mosque", "in Islamabad's F-6 sector": a part of the city, so the
# capital is the place, not its government
# "the Taliban, who seized Kabul", "Kabul fell to the Taliban": a capital taken or struck is the city
_TAKEN_BEFORE = re.compile(
    r"\b(?:seize[sd]?|seizing|seizure\s+of|capture[sd]?|capturing|capture\s+of|took(?:\s+(?:over|control\s+of))?|"
    r"tak(?:en|ing)\s+(?:over|control\s+of)|overr[au]n|entered|stormed|besieged|siege\s+of|fall\s+of|"
    r"shelled|bombed|struck|attacked|(?:control|fall)\s+of)\s+(?:the\s+(?:city|capital)\s+of\s+)?$", re.I)
_TAKEN_AFTER = re.compile(r"\s+(?:fell|was\s+(?:captured|seized|taken|overrun))\b", re.I)
_CITY_PART_AFTER = re.compile(
    r"['’]s\s+(?:[\w-]+\s+){0,3}?(?:mosques?|airport|market|bazaa?r|areas?|neighbou?rhoods?|districts?|suburbs?|"
    r"outskirts|streets?|road|square|hotel|shrine|university|hospital|school|gurdwara|temple|church|"
    r"cantonment|sector|old\s+city|city\s+cent(?:re|er)|quarter|prison|jail|stadium|park)\b", re.I)
_OFFICE_OF_BEFORE = re.compile(
    r"\b(?:governor|mayor|commissioner|inspector[ -]general|minister|lawmaker|legislator|MNA|MPA|senator|"
    r"police\s+chief|chief|head|commander|ambassador|envoy|consul)s?\s+(?:of|from|for)\s+(?:the\s+)?$", re.I)
_LOCATIVE_BEFORE = re.compile(
    r"\b(?:in|inside|into|within|across|throughout|at|on|near|along|including|such as)\s+(?:the\s+)?"
    r"(?:(?!what\b|which\b|that\b|whom?\b|its\b|their\b|his\b|her\b)[\w'-]+\s+)?$", re.I)
# "seized the town", "attacked the post": a place the paragraph has just named
_PLACE_REFERENCE = re.compile(r"\bthe\s+(?:border\s+)?(?:town|city|district|village|crossing|area|valley|post|"
                              r"checkpost|garrison|base|camp|market|compound)\b"
                              # "the district courts", "the city police": a noun the word only qualifies
                              r"(?!\s+(?:courts?|headquarters|hospital|administration|police|officers?|officials?|"
                              r"government|council|commissioner|jail|prison|office|offices|authorities|chief|"
                              r"mosque|elders)\b)", re.I)
# "Dand-e-Patan district of Afghanistan's Paktia province": one place phrase, outer units after "of" or ","
_SAME_PHRASE = re.compile(r"(?:(?!\bto\b|\bin\b|\binto\b)[^.;]){0,60}?(?:\bof\b|,)[^.;]{0,30}$", re.I)
_ACROSS_THE_BORDER = re.compile(
    r"\bacross the (?:border|frontier|Durand Line)\b|\b(?:inside|into) (?:Afghan|Pakistani) (?:territory|soil)\b"
    r"|\bcross-border (?:strikes?|raids?|shelling|attacks?|operations?)\b", re.I)
_LEADING_LOCATIVE = re.compile(r"^\s*(?:In|At|Near|Inside|Across|Along)\b")
# "in Dande Darpa Khel, near Miranshah": a landmark that locates the place just named, not a second target
_LANDMARK_BEFORE = re.compile(
    r",?\s+(?:an?\s+(?:(?:small|remote|border|mountain)\s+)?(?:town|village|area|hamlet)\s+)?"
    r"(?:near|close to|not far from|outside|on the outskirts of|(?:(?:about |some )?\d+\s*(?:km|kilometres|"
    r"kilometers|miles)\s+)?(?:(?:north|south|east|west)(?:-?(?:east|west))?\s+)?(?:of|from))\s+(?:the\s+)?"
    r"(?:(?:town|city|village|district)\s+of\s+)?$", re.I)
_NOT_A_LOCATION_AFTER = re.compile(r"^(?:-based|-born|-bound|-registered|-made)\b", re.I)
_PASSIVE_VICTIM = re.compile(
    r"^[^.;,]{0,60}?\b(?:(?:were|was|have been|had been|has been|being)\s+(?:\w+ly\s+|reported\s+)?"
    r"(?:killed|martyred|injured|wounded|hurt|slain|abducted|kidnapped|hit|targeted|struck|attacked|bombed|"
    r"shelled)|suffered|lost)\b", re.I)


@dataclass(slots=True)
class _SentenceFacts:
    index: int
    paragraph: int
    sentence: Sentence
    dates: list[DateMatch]
    triggers: list[TriggerMatch] = field(default_factory=list)
    actors: list[ActorMatch] = field(default_factory=list)
    places: list[PlaceMatch] = field(default_factory=list)
    casualties: list[Casualty] = field(default_factory=list)
    attributions: list = field(default_factory=list)
    responsibility: list = field(default_factory=list)
    dateline: list[PlaceMatch] = field(default_factory=list)
    references: list[ReferenceCue] = field(default_factory=list)
    stances: list[StanceMatch] = field(default_factory=list)


@dataclass(slots=True)
class _Draft:
    facts: _SentenceFacts
    trigger: TriggerMatch
    event_type: str
    sub_event_type: str
    date: DateRange | None
    date_match: DateMatch | None
    date_owner: _SentenceFacts | None
    place: Place | None
    place_match: PlaceMatch | None
    country: str | None
    actor1: str | None
    actor1_match: ActorMatch | None
    actor2: str | None
    actor2_match: ActorMatch | None
    wave: int
    country_weak: bool = False                  # guessed from an actor's home, not said by the text
    place_owner: _SentenceFacts | None = None   # the sentence a field came from, when not the trigger's
    place_guessed: bool = False                 # the district of the place the report named last before it
    actor1_owner: _SentenceFacts | None = None
    actor2_owner: _SentenceFacts | None = None
    # "Two explosions ripped through a hall ... A suicide bomber set off his explosives inside": a later
    # telling that makes the blast a suicide bombing, and the sentence it is in
    refined_by: tuple[_SentenceFacts, TriggerMatch] | None = None
    spans: list[Span] = field(default_factory=list)
    evidence: list[Sentence] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    # what this event answered: (the earlier event's draft or None, the cue) - see _link_responses
    responses: list[tuple[_Draft | None, ReferenceCue, _SentenceFacts]] = field(default_factory=list)


def extract(document: Document, theatre: Theatre | None = None) -> list[Mention]:
    """The mentions of violent events in one document. Pure: no database, no network."""
    if theatre is None:
        from borderwatch.theatre import load_theatre

        theatre = load_theatre()
    if document.status is DocStatus.FAILED or not document.text.strip():
        return []
    facts = _read_sentences(document, theatre)
    story, story_from_text = _story_date(facts, document.published)
    coder = _DocumentCoder(document, theatre, story, facts, story_from_text)
    for f in facts:
        coder.code_sentence(f)
    return coder.mentions()


def _paragraph_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in re.finditer(r"\n\s*\n", text)]


def _read_sentences(document: Document, theatre: Theatre) -> list[_SentenceFacts]:
    text = document.text
    starts = _paragraph_starts(text)
    facts: list[_SentenceFacts] = []
    anchor_year, anchor_at = None, -1
    seen: set[str] = set()
    for i, sentence in enumerate(_bounded(split_sentences(text))):
        if sentence.text in seen and len(sentence.text) > 40:
            continue  # a pull quote or a repeated passage tells nothing new
        seen.add(sentence.text)
        p = _paragraph_of(sentence.start, starts)
        if i - anchor_at > ANCHOR_YEAR_SENTENCES or (facts and p != facts[-1].paragraph
                                                     and not _CONTINUES_STORY.match(sentence.text)):
            # "Two incidents occurred in 2008. ... ¶ The second incident took place in November" goes on
            # with that year; "... in December 2009. ¶ Under his command ... In September, bombers struck"
            # is back in the year of the news
            anchor_year = None
        # "relations have been strained since jets bombed Khost in March": a present perfect reaches to the
        # news, so a bare month is the last one before it, not one of a year told earlier
        year = None if _PERFECT_SINCE.search(sentence.text) else anchor_year
        dates = _anchor_offsets(find_dates(sentence.text, document.published, year))
        if not facts:
            dates = _without_dateline_date(sentence.text, dates)
        if dates and dates[0].range is None and dates[0].offset_days and dates[0].start <= 4 and facts:
            dates[0] = _after_previous(dates[0], facts, p)
        for d in dates:
            if d.explicit_year and _event_date(sentence.text, d) and not _in_background_clause(sentence.text, d):
                anchor_year, anchor_at = d.explicit_year, i
        f = _SentenceFacts(len(facts), p, sentence, dates)
        f.triggers = find_triggers(sentence.text)
        if not facts:  # the report's dateline: where it was filed from, a fallback location
            dateline = _DATELINE.match(sentence.text)
            if dateline is not None:
                f.dateline = [pm for pm in find_places(sentence.text[:dateline.end()], theatre.gazetteer)
                              if pm.place.precision <= 3]
        if f.triggers or names_casualties(sentence.text):
            _read_details(f, document, theatre)
            home = (facts[0] if facts else f).dateline
            if home:
                f.places = [_homonym_at_home(pm, home[0].place) for pm in f.places]
        elif find_stances(sentence.text, []) or names_responsibility(sentence.text):
            _read_stances(f, document, theatre)
        facts.append(f)
    return facts


def _homonym_at_home(pm: PlaceMatch, home: Place) -> PlaceMatch:
    """'a highway in Musakhel district' in a report filed from Quetta: of two units of one name and level
    (Musa Khel in Khost, Musa Khel in Balochistan), the one in the dateline's province."""
    if pm.place.admin1 == home.admin1 or home.admin1 is None:
        return pm
    twin = next((alt for alt in pm.alternatives if alt.name == pm.place.name and alt.precision == pm.place.precision
                 and alt.admin1 == home.admin1 and alt.country == home.country), None)
    if twin is None:
        return pm
    return PlaceMatch(pm.start, pm.end, pm.text, twin, (pm.place, *(a for a in pm.alternatives if a is not twin)))


def _without_dateline_date(text: str, dates: list[DateMatch]) -> list[DateMatch]:
    """'QUETTA, June 6 (Wire) — Gunmen attacked a college on Monday': the dateline's date is when the
    report was filed; the date the lead gives is the act's. The filing date stays only when the lead
    gives none."""
    dateline = _DATELINE.match(text)
    if dateline is None:
        return dates
    told = [d for d in dates if d.start >= dateline.end()]
    if not any(d.range is not None and d.range.precision is Precision.DAY and _event_date(text, d) for d in told):
        return dates  # "during Friday prayers" gives no day of its own: the dateline's stays
    return told


def _read_stances(f: _SentenceFacts, document: Document, theatre: Theatre) -> None:
    """A sentence with no act and no toll in it that takes a stance ("Pakistan did not confirm the
    strikes", "The TTP claimed responsibility"): only who is named, the stances and responsibility."""
    f.actors = _sentence_actors(f, document, theatre)
    f.stances = find_stances(f.sentence.text, f.actors)
    f.responsibility = find_responsibility(f.sentence.text, f.actors)


def _sentence_actors(f: _SentenceFacts, document: Document, theatre: Theatre) -> list[ActorMatch]:
    """The actors a sentence names, read in the era of its first date, none inside a dateline."""
    text = f.sentence.text
    when = next((d.range.start for d in f.dates if d.range), None) or document.published
    dateline = _DATELINE.match(text)
    skip = dateline.end() if dateline else 0
    return _resolve_group_references(text, [a for a in theatre.actors.find_actors(text, when) if a.start >= skip],
                                     theatre)


def _anchor_offsets(dates: list[DateMatch]) -> list[DateMatch]:
    """'The group on Monday claimed the bombing that tore through a rally a day earlier': an offset with
    no date of its own counts from the date named before it in the sentence."""
    out: list[DateMatch] = []
    for d in dates:
        if d.range is None and d.offset_days is not None:
            anchor = next((a for a in reversed(out) if a.range is not None), None)
            if anchor is not None:
                # "protested on Saturday, a day after an air strike": what follows "after" came before
                # the day named, so the offset runs back from it ("a day before the talks": forward)
                sign = -1 if d.text.lower().endswith(("after", "before")) else 1
                d = replace(d, range=_offset_from(anchor.range, sign * d.offset_days) or d.range)
        out.append(d)
    return out


def _offset_from(anchor: DateRange, days: int) -> DateRange | None:
    """An offset counted from an anchor, to the anchor's precision: a day from a day ("two days later"),
    a month from a month ("in November 2022, and the next month"); None when the two do not fit."""
    if anchor.precision is Precision.DAY:
        return anchor.shifted(days)
    months = round(days / 30)
    if anchor.precision is Precision.MONTH and months and abs(days - 30 * months) <= 3:
        index = anchor.start.year * 12 + anchor.start.month - 1 + months
        first = date(index // 12, index % 12 + 1, 1)
        last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        return DateRange(first, last, Precision.MONTH)
    return None


def _after_previous(d: DateMatch, facts: list[_SentenceFacts], paragraph: int) -> DateMatch:
    """'That October, a madrassa was flattened. The following month, a bomber killed 42 recruits': an offset
    opening a sentence counts from the last date of the paragraph's earlier sentences, to that date's
    precision (a day from a day, a month from a month)."""
    for f in reversed(facts):
        if f.paragraph != paragraph:
            break
        anchor = next((a.range for a in reversed(f.dates) if a.range is not None), None)
        if anchor is None:
            continue
        shifted = _offset_from(anchor, d.offset_days)
        return replace(d, range=shifted) if shifted is not None else d
    return d


# "Officials on Monday said ...", "the group on Sunday claimed": the day it was told, not the day of the act
_STATEMENT_AFTER = re.compile(r"\s*(?:said|says|told|claimed|announced|confirmed|stated|denied|reported)\b", re.I)
# "said on Sunday", "gave different figures on Sunday", "told reporters in Kabul": when and where it was said
_STATEMENT_BEFORE = re.compile(
    r"\b(?:said|says|told|stated|announced|confirmed|added|reported|statement|conference|briefing|figures|"
    r"spoke|speaking)\b[^.;,]{0,30}$", re.I)
_NOT_A_DAY_AFTER = re.compile(r"\s+(?:prayers?|sermon|market|bazaar)\b", re.I)
# "during Friday prayers" in a Saturday report: the prayers of that day, so the day is the event's
_DAY_OF_PRAYERS = re.compile(r"\b(?:during|at|after|before|ahead\s+of|for)\s+(?:the\s+)?$", re.I)
_WEEKDAY = re.compile(r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b", re.I)
_PRAYERS_AFTER = re.compile(r"\s+prayers?\b", re.I)
# "the deadliest attack since the last foreign troops left at the end of August": a date inside a
# since-phrase after the act is the earlier event's
_SINCE_PHRASE = re.compile(r"\bsince\b[^,;:.()]*$", re.I)
_WHEN_AFTER = re.compile(r",?\s+when\b", re.I)


def _within(inner: DateRange, outer: DateRange) -> bool:
    return outer.start <= inner.start and inner.end <= outer.end


def _in_background_clause(text: str, d: DateMatch) -> bool:
    """'... since the Afghan Taliban seized Kabul in August 2021': a year told in passing in a since- or
    after-clause does not set the year the story is in."""
    clauses = clause_bounds(text)
    start = clauses[_clause_index(clauses, d.start)][0]
    return bool(re.match(r"\s*(?:since|after|before|until)\b", text[start:start + 12], re.I))


def _event_date(text: str, d: DateMatch) -> bool:
    """Whether a date phrase can date an event: not "since 2022" (unless "since March 2022, when ..."),
    not "prior to March 18", not the day of a toll update, not "Friday prayers"."""
    if _NOT_A_DAY_AFTER.match(text, d.end):
        return bool(_PRAYERS_AFTER.match(text, d.end) and _DAY_OF_PRAYERS.search(text, max(0, d.start - 12), d.start))
    if _NOT_EVENT_DATE.search(text[max(0, d.start - 30):d.start]):
        return bool(_WHEN_AFTER.match(text, d.end))
    return True


def _clause_index(clauses: tuple[tuple[int, int], ...], offset: int) -> int:
    return next((i for i, (a, b) in enumerate(clauses) if a <= offset < b), 0)


_STILL_TO_COME_BEFORE = re.compile(
    r"\b(?:to be|will be|would be|due to be|set to be|scheduled to be|planned to be)\s+(?:\w+\s+)?\w+ed\s+"
    r"(?:[\w'-]+\s+){0,2}?(?:in|at)\s+(?:the\s+)?$", re.I)
_CONTINUES_STORY = re.compile(
    r"\s*(?:The\s+(?:first|second|third|fourth|other|next|latter|former|same)|Another|That|This|These|Those|It|"
    r"They|He|She|Later|Then|Afterwards|Subsequently|The\s+following|By\s+then|At\s+the\s+time|In\s+the\s+same|"
    r"In\s+addition|Moreover|Furthermore|Also)\b")
_PERFECT_SINCE = re.compile(r"\b(?:has|have)\s+(?:\w+ly\s+)?(?:been|grown|risen|remained|stayed|worsened|"
                            r"deteriorated|soured|increased|intensified)\b[^.;]{0,60}\bsince\b", re.I)
_ANOTHER_ACT_THAT_DAY = re.compile(r"\s*(?:Earlier|Later)\s*,?\s+(?:in\s+the\s+day|that\s+day|the\s+same\s+day|"
                                   r"on\s+the\s+same\s+day)\b")
_RELATIVE_ACT_AFTER = re.compile(r"\s+(?:that|which)\s+(?:\w+ly\s+)?(?:killed|left|claimed|wounded|injured|hit|"
                                 r"targeted|struck|destroyed)\b", re.I)
_AND_TARGET = re.compile(r"\s+(?:and|as well as)\s+(?:the\s+|several\s+|two\s+|three\s+|its\s+)?", re.I)
_REFINED_BY = frozenset({(IED, SUICIDE), (SHELLING, AIR)})
_COMMA_BEFORE = re.compile(r",\s*$")
_POSSESSIVE_GAP = re.compile(r"['’]s?\s+")


def _source_phrases(text: str, actors: list[ActorMatch], sources: list[ActorMatch]) -> set[int]:
    """The ids of every actor match in a source's phrase: 'Taliban spokesman Zabihullah Mujahid said'
    names one source in two matches, and neither is a party to the event; nor is the owner in "the
    Taliban's Kabul police had put the toll at 19"."""
    taken = {id(a) for a in sources}
    changed = True
    while changed:
        changed = False
        spans = [(a.start, a.end) for a in actors if id(a) in taken]
        for a in actors:
            if id(a) not in taken and any(0 <= s - a.end <= 2 or 0 <= a.start - e <= 2
                                          or _POSSESSIVE_GAP.fullmatch(text, a.end, s) for s, e in spans):
                taken.add(id(a))
                changed = True
    return taken


def _bounded(sentences: list[Sentence]) -> list[Sentence]:
    """Sentences cut to at most MAX_SENTENCE_CHARS at a comma or space. Real sentences rarely pass a few
    hundred characters; a page scraped without punctuation can make one of 100 KB, and the stages work
    per sentence, so unbounded input would cost time quadratic in its length."""
    out: list[Sentence] = []
    for s in sentences:
        start = 0
        while len(s.text) - start > MAX_SENTENCE_CHARS:
            window = s.text[start:start + MAX_SENTENCE_CHARS]
            cut = max(window.rfind(", "), window.rfind(" "))
            cut = cut + 1 if cut > MAX_SENTENCE_CHARS // 2 else MAX_SENTENCE_CHARS
            out.append(Sentence(s.start + start, s.start + start + cut, s.text[start:start + cut]))
            start += cut
        out.append(Sentence(s.start + start, s.end, s.text[start:]) if start else s)
    return out


def _paragraph_of(offset: int, starts: list[int]) -> int:
    lo = 0
    for i, s in enumerate(starts):
        if s <= offset:
            lo = i
        else:
            break
    return lo


# "ISLAMABAD/KABUL -", "PESHAWAR, Pakistan (Reuters) -", "RAWALPINDI:": where the reporter filed from.
_DATELINE = re.compile(
    r"^\s*[A-Z][A-Z.'-]+(?:[ /][A-Z][A-Z.'-]+)*(?:,\s*[A-Z][a-z]+(?: [A-Z][a-z]+)?)?"
    r"(?:,\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2})?(?:\s*\([^)]{1,40}\))?"  # "KARACHI, Pakistan, June 9 (Wire) —"
    r"\s*(?:[:–—]|-(?=\s))\s*")


def _read_details(f: _SentenceFacts, document: Document, theatre: Theatre) -> None:
    text = f.sentence.text
    dateline = _DATELINE.match(text)
    skip = dateline.end() if dateline else 0
    f.actors = _sentence_actors(f, document, theatre)
    # "US attack helicopters" is an actor, not an attack; "Pakistani airstrikes" is both
    f.triggers = [t for t in f.triggers
                  if not any(a.start <= t.start and t.end <= a.end and t.end != a.end for a in f.actors)]
    f.places = [p for p in find_places(text, theatre.gazetteer) if p.start >= skip]
    capital = theatre.capital_named(text)
    if capital is not None and not any(p.start < capital[1] and capital[0] < p.end for p in f.places):
        city = next((pl for pl in theatre.gazetteer.lookup(capital[2]) if pl.precision == 1), None)
        if city is not None:
            f.places = sorted(f.places + [PlaceMatch(capital[0], capital[1], text[capital[0]:capital[1]], city)],
                              key=lambda p: p.start)
    date_spans = [(d.start, d.end) for d in f.dates]
    numbers = [n for n in find_numbers(text) if not any(s <= n.start < e for s, e in date_spans)]
    f.casualties = find_casualties(text, numbers)
    f.attributions = find_attributions(text, f.actors)
    f.responsibility = find_responsibility(text, f.actors)
    f.stances = find_stances(text, f.actors)
    f.references = find_references(text) if f.triggers else []


_GROUP_REFERENCE = re.compile(r"\b(?:group|outfit|organi[sz]ation|network|faction)\b", re.I)


def _resolve_group_references(text: str, actors: list[ActorMatch], theatre: Theatre) -> list[ActorMatch]:
    """'after the terror group attacked': the group is the armed group named last before it.
    'Afghanistan's defence ministry said its forces ...': its forces are Afghanistan's."""
    out: list[ActorMatch] = []
    for a in actors:
        prev = out[-1] if out else None
        if (a.kind == MatchKind.GENERIC and a.generic == "militants" and prev is not None
                and prev.kind == MatchKind.NAME and prev.actor_id and re.fullmatch(r"\s?", text[prev.end:a.start])
                and prev.actor_id in theatre.actors and _ever_armed_group(theatre.actors.get(prev.actor_id))):
            # "BLA gunmen", "Taliban fighters": one actor, the group's, named by both words
            out.pop()
            a = ActorMatch(prev.start, a.end, text[prev.start:a.end], prev.actor_id, MatchKind.NAME)
        elif a.kind == MatchKind.GENERIC and _GROUP_REFERENCE.search(a.text):
            named = [b for b in out if b.kind == MatchKind.NAME and b.actor_id and b.generic is None]
            if named:
                a = ActorMatch(a.start, a.end, a.text, named[-1].actor_id, MatchKind.NAME)
        elif a.kind == MatchKind.GENERIC and a.generic == "militants" and _MEMBER_OF_GROUP.match(text, a.end):
            group = next((b for b in actors if b.start >= a.end and b.kind == MatchKind.NAME and b.actor_id
                          and b.start - a.end <= 30), None)
            if group is not None:  # "a suicide bomber from the Islamic State Khorasan Province"
                a = ActorMatch(a.start, a.end, a.text, group.actor_id, MatchKind.NAME)
        elif a.kind == MatchKind.GENERIC and a.country is None and _POSSESSIVE_BEFORE.search(text[:a.start]):
            groups = [b for b in out if b.kind == MatchKind.NAME and b.actor_id and b.actor_id in theatre.actors
                      and theatre.actors.get(b.actor_id).inter in (2, 3)]
            owners = [_home(b, theatre) for b in out if _home(b, theatre)
                      and not _PREPOSITION_BEFORE.search(text[max(0, b.start - 12):b.start])]
            if a.generic == "militants" and groups:  # "the TTP said its fighters had ambushed the troops"
                a = ActorMatch(a.start, a.end, a.text, groups[-1].actor_id, MatchKind.NAME)
            elif owners:  # "Afghanistan's defence ministry said its forces ...": Afghanistan's forces
                a = ActorMatch(a.start, a.end, a.text, None, MatchKind.GENERIC, a.generic, owners[-1])
        out.append(a)
    return out


def _ever_armed_group(actor) -> bool:
    """Whether an actor is, or was, a non-state armed group (ACLED inter 2 or 3): "Taliban gunmen" are the
    Taliban's in any era, though the Taliban are state forces since 2021."""
    return actor.inter in (2, 3) or any(code in (2, 3) for code, _ in actor.inter_eras)


_MEMBER_OF_GROUP = re.compile(r"\s+(?:from|of|belonging to|linked to|affiliated with)\s+(?:the\s+)?", re.I)
_PREPOSITION_BEFORE = re.compile(r"\b(?:with|of|in|into|to|from|on|against|at|inside)\s+(?:the\s+)?$", re.I)
_SPEAKER_DID = re.compile(r"\b(?:said|says|claimed|announced|stated|told \w+)\s+(?:that\s+)?(?:it|they)\s+"
                          r"(?:had\s+|has\s+|have\s+)?$", re.I)
_OWN_FIGHTERS = re.compile(r"\b(?:its|their|his)\s+(?:own\s+)?(?:[\w-]+\s+)?(?:fighters|bombers?|militants|men|"
                           r"gunmen|suicide bombers?|attackers|commanders)\s+(?:had\s+)?$", re.I)
_POSSESSIVE_BEFORE = re.compile(r"\b(?:its|their)\s+(?:own\s+|[a-z-]+\s+)?$", re.I)


def _home(actor: ActorMatch, theatre: Theatre) -> str | None:
    if actor.country:
        return actor.country
    if actor.actor_id and actor.actor_id in theatre.actors:
        return theatre.actors.get(actor.actor_id).country
    return None


def _story_date(facts: list[_SentenceFacts], published: date | None) -> tuple[DateRange | None, bool]:
    """The date of the news the document reports, and whether the text said it.

    The first date near publication ("last week", "on Monday"); else the week before publication."""
    if published is None:
        return None, False
    for f in facts:
        for d in f.dates:
            r = d.range
            if r is None or r.precision.rank > Precision.MONTH.rank:
                continue
            if not _event_date(f.sentence.text, d):
                continue
            if r.precision != Precision.DAY and _SINCE_PHRASE.search(f.sentence.text, 0, d.start):
                continue  # "the deadliest attack since foreign troops left at the end of August": not the news
            if r.start <= published and r.end >= published - timedelta(days=STORY_WINDOW_DAYS):
                return r, True
    return DateRange(published - timedelta(days=FALLBACK_WINDOW_DAYS), published, Precision.WEEK), False


# ACLED's inter codes of a state's forces: 1 its own, 8 external forces acting abroad (US, NATO).
STATE_FORCES_INTER = frozenset({1, 8})


class _DocumentCoder:
    def __init__(self, document: Document, theatre: Theatre, story: DateRange | None,
                 facts: list[_SentenceFacts], story_from_text: bool) -> None:
        self.story_from_text = story_from_text
        self.document = document
        self.theatre = theatre
        self.story = story
        self.facts = facts
        self.drafts: list[_Draft] = []
        self.next_wave = 0

    # -- one sentence ---------------------------------------------------------------------------
    def code_sentence(self, f: _SentenceFacts) -> None:
        if not f.triggers and not f.casualties and not f.responsibility and not f.stances:
            return  # most sentences: nothing happened in them
        triggers = self._live_triggers(f)
        claimants = _source_phrases(f.sentence.text, f.actors, [a.actor for a in f.attributions if a.actor]
                                    + [r.actor for r in f.responsibility])
        victims = self._victims(f)
        place_spans = {(p.start, p.end) for p in f.places}
        text = f.sentence.text
        role_actors = [a for a in f.actors if id(a) not in claimants
                       and not (a.kind == MatchKind.METONYM and (a.start, a.end) in place_spans
                                and _LOCATIVE_BEFORE.search(text[max(0, a.start - 40):a.start]))]
        clauses = clause_bounds(f.sentence.text)
        places_by_trigger = self._assign_places(f, triggers, clauses)
        _share_coordinated_places(f.sentence.text, triggers, places_by_trigger)
        homes: dict[int, list[_Draft]] = {}
        for t_index, trigger in enumerate(triggers):
            clause = next(((a, b) for a, b in clauses if a <= trigger.start < b), (0, len(f.sentence.text)))
            wave = self._drafts_for(f, trigger, clause, role_actors, victims, places_by_trigger.get(t_index, []))
            homes[t_index] = self._place_in_document(wave, f)
        self._merge_coordinated(f, triggers, homes, clauses)
        self._attach_claims(f, triggers, homes)
        self._link_responses(f, triggers, homes)
        self._attach_stances(f, homes)

    # -- links and stances ---------------------------------------------------------------------
    def _link_responses(self, f: _SentenceFacts, triggers: list[TriggerMatch],
                        homes: dict[int, list[_Draft]]) -> None:
        """'The strikes came two days after seven soldiers were killed in Mir Ali': the events of the
        triggers outside the cue's description answered the event of a trigger inside it (or, when none
        is, the earlier event the description tells of, to be found in the store later)."""
        for cue in f.references:
            inside = [i for i, t in enumerate(triggers) if cue.target_start <= t.start < cue.target_end]
            outside = [i for i, t in enumerate(triggers) if i not in inside and homes.get(i)]
            responders = [d for i in outside for d in homes[i]]
            if not responders and triggers:
                continue  # nothing in this sentence answered anything
            if not responders:
                recent = self._recent_draft(f)
                responders = [m for m in self.drafts if recent is not None and m.wave == recent.wave]
            earlier = [d for i in inside for d in homes.get(i, [])]
            for d in responders:
                targets = [e for e in earlier if e is not d] or [None]
                for e in targets[:1]:
                    d.responses.append((e, cue, f))
            if cue.days_before is not None and responders and responders[0].date is not None:
                for e in earlier:
                    self._date_by_offset(e, responders[0].date, cue, f)

    def _date_by_offset(self, e: _Draft, answer: DateRange, cue: ReferenceCue, f: _SentenceFacts) -> None:
        """'came two days after seven soldiers were killed': an earlier event that no date phrase of its
        own dates happened that many days before the answer."""
        if e.date_match is not None:
            return  # its own date phrase says better
        days = cue.days_before or 0
        e.date = answer.shifted(-days)
        e.spans.append(self._span(f, cue.start, cue.end, SpanKind.DATE, e.date.iso(), "date"))

    def _attach_stances(self, f: _SentenceFacts, homes: dict[int, list[_Draft]]) -> None:
        """'Pakistan's military did not confirm the strikes': a side's stance on the event the sentence
        (or, when it names none, the report so far) is about, as a claim by that side."""
        if not f.stances:
            return
        targets = [d for drafts in homes.values() for d in drafts]
        if not targets:
            recent = self._recent_draft(f) or self._story_event_for(f)
            targets = [m for m in self.drafts if recent is not None and m.wave == recent.wave]
        for st in f.stances:
            # "The military did not confirm": the forces of the country the event is in, as for sources
            actor = st.actor or military_source(f.sentence.text, st.start)
            for d in targets:
                when = d.date.start if d.date else None
                holder = self._resolve(actor, d.country, when, armed=False)
                if (actor is not None and actor.kind == MatchKind.GENERIC and actor.country is None
                        and self._is_state(d.actor1, when)):
                    holder = d.actor1  # an unnamed "military" speaking of a strike is the striker's
                if holder is None:
                    continue
                span = self._span(f, st.start, st.end, SpanKind.CLAIMANT, holder, "stance")
                claim = Claim(ClaimKind(st.stance.value), None, holder, None, (span,))
                if claim not in d.claims:
                    d.claims.append(claim)
                if f.sentence not in d.evidence:
                    d.evidence = _merged_evidence(d.evidence, [f.sentence])

    def _live_triggers(self, f: _SentenceFacts) -> list[TriggerMatch]:
        triggers = f.triggers
        if any(t.strength >= 1 for t in triggers):
            triggers = [t for t in triggers if t.strength >= 1]
        named = [t for t in triggers if t.text.lower() not in _CASUALTY_VERBS]
        if named and f.references:
            # "Two bombs ripped through a market in Parachinar, killing 40, hours after a suicide car bombing
            # in Quetta": every named act is the earlier event the cue points at; the killing is this one
            referred = [t for t in named if any(c.target_start <= t.start < c.target_end for c in f.references)]
            own = [t for t in triggers if t.verb and t not in named
                   and not any(c.target_start <= t.start < c.target_end for c in f.references)]
            if own and len(referred) == len(named):
                return sorted(own + named, key=lambda t: t.start)
        if named:
            # "the deadliest attack since March 2022, when a bomber killed 60": a killing after the named
            # act, in a clause of its own, with a date between them, is an act of its own. Otherwise a
            # killing is the toll of the act the sentence names ("23 were martyred when ... attacked").
            clauses = clause_bounds(f.sentence.text)
            named_clauses = {_clause_index(clauses, t.start) for t in named}
            last_named = max(t.end for t in named)
            alone = [t for t in triggers
                     if t not in named and t.verb and t.start > last_named
                     and _clause_index(clauses, t.start) not in named_clauses
                     and any(d.range is not None and last_named <= d.start < t.start
                             and _clause_index(clauses, d.start) not in named_clauses for d in f.dates)]
            named = [t for t in named if not _ends_assault(f.sentence.text, t, named)
                     and not _predicate_of_named(f.sentence.text, t, named)]
            return sorted(named + alone, key=lambda t: t.start) if alone else named
        recent = self._recent_draft(f) or self._story_event_for(f)
        if (triggers and recent is not None and not self._tells_its_own(f, recent)
                and not _ANOTHER_ACT_THAT_DAY.match(f.sentence.text)):
            return []  # a casualty report about an event the document is already telling
        if triggers and (_TALLY.search(f.sentence.text) or self._only_vague(f)):
            return []  # "601 people were killed in 506 attacks in 2022": a tally, not an event
        return triggers

    @staticmethod
    def _tells_its_own(f: _SentenceFacts, recent: _Draft) -> bool:
        """'In November, a suicide bomber killed 26 at Quetta railway station': a date and a place of its
        own, not those of the event before, make a casualty sentence an event of its own."""
        text = f.sentence.text
        dates = [d.range for d in f.dates if d.range is not None and _event_date(text, d)
                 and not _STATEMENT_BEFORE.search(text[max(0, d.start - 40):d.start])]
        places = [p.place for p in f.places if p.place.precision <= 2]
        new_date = bool(dates) and recent.date is not None and not any(r.overlaps(recent.date) for r in dates)
        new_place = bool(places) and recent.place is not None and not any(
            _place_compatible(p, recent.place, p.country, recent.country) for p in places)
        return new_date or new_place

    @staticmethod
    def _only_vague(f: _SentenceFacts) -> bool:
        """A killing with no more than a year and a country to place it reads as a statistic."""
        dated = [d.range for d in f.dates if d.range is not None]
        specific_date = any(r.precision.rank <= Precision.MONTH.rank for r in dated)
        specific_place = any(p.place.precision <= 3 for p in f.places)
        return bool(dated) and not specific_date and not specific_place

    def _victims(self, f: _SentenceFacts) -> list[ActorMatch]:
        text = f.sentence.text
        spans = [(c.victim_start, c.victim_end) for c in f.casualties]
        found = []
        for a in f.actors:
            if any(s <= a.start and a.end <= e for s, e in spans) or _PASSIVE_VICTIM.match(text[a.end:a.end + 90]):
                found.append(a)
        return found

    def _assign_places(self, f: _SentenceFacts, triggers: list[TriggerMatch],
                       clauses: list[tuple[int, int]]) -> dict[int, list[PlaceMatch]]:
        text = f.sentence.text
        owned: dict[int, list[PlaceMatch]] = {}
        if not triggers:
            return owned
        found = {t.start for t in f.triggers}
        sinks = [(a, b) for a, b in trigger_words(text) if a not in found]  # filtered as plans, references...
        metonyms = [(a.start, a.end) for a in f.actors if a.kind == MatchKind.METONYM]
        origins = [p for p in f.places if _ORIGIN_BEFORE.search(text[max(0, p.start - 90):p.start])]
        for p in f.places:
            where = _WHERE_AFTER.match(text, p.end)
            if where is not None:  # "Charsadda, where militants stormed a university": the place the clause is about
                home = next((c for c in clauses if c[0] <= where.end() - 1 < c[1]), None)
                owner = next((i for i, t in enumerate(triggers) if home and where.end() <= t.start < home[1]), None)
                if owner is not None:
                    owned.setdefault(owner, []).append(p)
                    continue
            before = text[max(0, p.start - 40):p.start]
            if p in origins or any(place_contains(p.place, o.place) and _SAME_PHRASE.match(text, o.end, p.start)
                                   for o in origins if p.start > o.start):
                continue  # "fired from Dand-e-Patan district of Paktia": where it came from, not where it hit
            if _NOT_A_LOCATION_AFTER.match(text[p.end:p.end + 12]):
                continue  # "an Islamabad-based think tank"
            if _STILL_TO_COME_BEFORE.search(before):
                continue  # "withdrew from a series to be played in Pakistan next month": no act's place
            cue = next((c for c in f.references if c.target_start <= p.start < c.target_end), None)
            if cue is not None and not any(cue.target_start <= t.start < cue.target_end for t in triggers):
                continue  # "called the attack revenge for the army's offensive in Bajaur": the offensive's place
            if any(o.end <= p.start and _LANDMARK_BEFORE.fullmatch(text, o.end, p.start) for o in f.places):
                continue  # "a compound in Dande Darpa Khel, near Miranshah": where the first place lies
            if _in_attribution_tail(text, p.start, triggers) or _STATEMENT_BEFORE.search(before):
                continue  # "..., the spokesman told a news conference in Kabul": where it was said
            as_state = p.place.precision == 4 or ((p.start, p.end) in metonyms
                                                   and not _CITY_PART_AFTER.match(text, p.end))
            if as_state and not _LOCATIVE_BEFORE.search(before) and not (
                    p.place.precision < 4 and (_TAKEN_BEFORE.search(before) or _TAKEN_AFTER.match(text, p.end))):
                continue  # "Pakistan responded", "what Kabul portrayed": the state, not the place
            owner = self._owner_trigger(p.start, triggers, clauses, sinks, text)
            if owner is not None:
                owned.setdefault(owner, []).append(p)
        for i, places in owned.items():  # "killed the governor of Balkh in his office in Mazar-i-Sharif":
            # the place of an office names where the act was only when no other place does
            offices = [p for p in places if _OFFICE_OF_BEFORE.search(text, max(0, p.start - 40), p.start)]
            if offices and len(offices) < len(places):
                owned[i] = places = [p for p in places if p not in offices]
        for i, places in owned.items():  # places of the trigger's own clause win over those of others
            home = next((c for c in clauses if c[0] <= triggers[i].start < c[1]), None)
            own = [p for p in places if home and home[0] <= p.start < home[1]]
            if own:
                owned[i] = own
        return owned

    @staticmethod
    def _owner_trigger(pos: int, triggers: list[TriggerMatch], clauses: list[tuple[int, int]],
                       sinks: list[tuple[int, int]], text: str) -> int | None:
        """A place belongs to the nearest trigger of its clause (preferring one before it), else to the
        last trigger before its clause; "In Kurram, ... the shelling" gives a leading place to what follows.
        A place nearest to a trigger word that was filtered out ("in retaliation for airstrikes in
        Paktika") belongs to no event of this sentence."""
        def clause_index(offset: int) -> int:
            return next((i for i, (a, b) in enumerate(clauses) if a <= offset < b), 0)

        def distance(start: int, end: int) -> float:
            return pos - end if end <= pos else (start - pos) * 1.5

        here = clause_index(pos)
        options = [(distance(t.start, t.end), i) for i, t in enumerate(triggers) if clause_index(t.start) == here]
        options += [(distance(a, b), None) for a, b in sinks if clause_index(a) == here]
        if options:
            return min(options, key=lambda o: o[0])[1]
        clause_of = [clause_index(t.start) for t in triggers]
        earlier = [i for i, c in enumerate(clause_of) if c < here]
        if earlier:
            return max(earlier, key=lambda i: (clause_of[i], triggers[i].start))
        if here == 0 and _LEADING_LOCATIVE.match(text):
            return min(range(len(triggers)), key=lambda i: triggers[i].start)
        return None

    def _drafts_for(self, f, trigger, clause, actors, victims, places) -> list[_Draft]:
        text = f.sentence.text
        non_victims = [a for a in actors if a not in victims]
        roles = assign_roles(text, trigger, non_victims, clause)
        if roles.actor1 is None:
            roles = Roles(shared_subject(text, trigger, clause, clause_bounds(text), non_victims), roles.actor2)
        if roles.actor1 is None and not trigger.verb:
            roles = Roles(_agent_of_later_killing(text, trigger, non_victims), roles.actor2)
        if roles.actor1 is None or (roles.actor1.kind == MatchKind.GENERIC and roles.actor1.generic == "militants"):
            roles = Roles(self._speaker_or_group(f, trigger, roles.actor1), roles.actor2)
        actor2_match = roles.actor2 or _target_installation(text, trigger, clause)
        if actor2_match is None:
            in_clause = [v for v in victims if clause[0] <= v.start < clause[1]]
            named = [v for v in in_clause if v.actor_id] or in_clause
            if not named and not any(t is not trigger and t.strength == 2 for t in f.triggers):
                # "the TTP chief was killed when a drone fired missiles at a compound": the one act of
                # the sentence, its victim named in another clause
                named = [v for v in victims if v.actor_id and v.kind != MatchKind.METONYM]
            actor2_match = named[0] if named else None
        date_match = self._date_for(f, trigger, clause)
        date_range = date_match.range if date_match else None
        clause_text, following = _cue_scope(text, trigger, clause, trigger_words(text), clause_bounds(text))
        places = _most_specific(places, text)
        site = _CIVILIAN_SITE.match(text, trigger.end)
        doer = roles.actor1
        if site is not None and doer is not None and doer.end <= trigger.start and trigger.text.lower().startswith(
                _STORMING) and (
                doer.generic in ("forces", "police") or self._is_state(doer.actor_id, date_range.start if date_range
                                                                     else (self.story.start if self.story else None))):
            site = None  # "the army stormed the Red Mosque, ending a standoff": forces against those holed up
        if site is not None and site.end() <= clause[1]:
            # "stormed an army-run school", "opened fire in a crowded market": people at a school or a market
            # are the target, whoever runs the place ("army-run" names no one attacked)
            if actor2_match is not None and trigger.end <= actor2_match.start < site.end():
                actor2_match = None
            targets_civilians = True
        else:
            targets_civilians = self._targets_civilians(f, actor2_match, clause) or (
                actor2_match is None and trigger.text.lower().startswith(PERSONAL_KILLINGS))
        event_type, sub_type = resolve_event_type(trigger, clause_text, targets_civilians, following)
        wave = self.next_wave
        self.next_wave += 1
        drafts = []
        own_dates = _dates_of_conjuncts(f, places)
        for pm in places or [None]:
            if pm is not None and pm.start in own_dates:
                # "Kashmiri in South Waziristan in June 2011, and al-Libi near Mir Ali in the summer of 2012"
                date_match = own_dates[pm.start]
                date_range = date_match.range
            place = pm.place if pm else None
            when = date_range.start if date_range else (self.story.start if self.story else None)
            country = place.country if place else None
            actor1 = self._resolve(roles.actor1, self._acting_from(clause_text, country), when, armed=True)
            actor2 = self._resolve(actor2_match, country, when, armed=True)
            if country is None:
                country = self.theatre.country_of_demonym_place(clause_text)
            weak = False
            if country is None:
                country = self._country_from_actors(None, actor2)  # the target's home: where it was hit
            if country is None:
                country = self._country_from_actors(actor1, None)  # the attacker's home: a guess
                weak = country is not None
                actor1 = self._resolve(roles.actor1, country, when, armed=True)
                actor2 = self._resolve(actor2_match, country, when, armed=True)
            if actor1 is not None and actor2 == actor1:
                # one side is not both ("Afghan Taliban forces attacked border posts ... and its retaliation
                # killed 200 Taliban"): the target read is another act's, and the target stays unknown
                actor2_match, actor2 = None, None
            kind = self._territory_kind((event_type, sub_type), actor1, country, when)
            if kind == SHELLING and launched_weapon(trigger) == "missile" and self._from_outside(actor1):
                kind = AIR  # "an American missile strike in South Waziristan": no outside army has guns there
            if kind == AIR and bombed_without_aircraft(trigger, clause_text) and not self._is_state(actor1, when):
                kind = IED  # "the group bombed a Shia mosque": no aircraft, no state force
            d = _Draft(f, trigger, kind[0], kind[1], date_range, date_match, f if date_match else None,
                       place, pm, country, actor1, roles.actor1, actor2, actor2_match, wave, weak)
            if pm is None and _PLACE_REFERENCE.search(clause_text):
                self._place_from_paragraph(d, f)
            d.evidence.append(f.sentence)
            drafts.append(d)
        return drafts

    def _place_from_dateline(self, d: _Draft, f: _SentenceFacts, anywhere: bool = False) -> None:
        """'QUETTA: At least 70 people were killed ...': a lead event that names no place of its own took
        place where the report was filed from, when the countries agree; the dateline stays a fallback.
        `anywhere`: for an act in any paragraph, not only the lead's."""
        if (f.paragraph != 0 and not anywhere) or not self.facts or not self.facts[0].dateline:
            return
        p = self.facts[0].dateline[0]
        if d.country is None or d.country_weak or d.country == p.place.country:
            d.place, d.place_match, d.place_owner = p.place, p, self.facts[0]
            d.country, d.country_weak = p.place.country, False

    def _place_from_context(self, d: _Draft, f: _SentenceFacts) -> None:
        """'In March, gunmen killed four shopkeepers in a bazaar at <a village the gazetteer lacks>', in a
        report on Kurram: an act its own sentence places nowhere known happened in the district of the place
        the report named last before it (in its own sentence, then up to CONTEXT_PLACE_SENTENCES before, then
        the dateline). It is marked as guessed: a place the text names for the act later replaces it.
        Without it the act has no country and is lost, or keeps only the country of its attacker's home."""
        if d.country is not None and not d.country_weak:
            return  # "struck hideouts in two eastern Afghan provinces": the text placed it as far as it could
        if d.trigger.plural and not f.casualties:
            return  # "has stepped up attacks since 2021": many acts, none of them told; but "In April,
            # explosions at a high school in the area killed six" is one act with its toll
        if d.date_match is None or d.date_owner is not f or d.date is None:
            return  # a restatement of the news, dated only by the story: it is the story's event
        if d.date.precision.rank > Precision.MONTH.rank:
            return  # an act told with only a year, and no place, is as good as a statistic
        if any(m.date is not None and m.date.overlaps(d.date) for m in self.drafts):
            return  # a placeless act on the day of one already told may well be that one
        gazetteer = self.theatre.gazetteer
        for g in [f, *reversed(self.facts[max(0, f.index - CONTEXT_PLACE_SENTENCES):f.index])]:
            # "a bomber struck a procession on <a road> in December 2009, and in January 2013 bombings on
            # Alamdar Road in Quetta killed 80": a place past another date of the sentence is another act's
            found = [p for p in self._places_of(g)
                     if self._locates(g, p) and (g is not f or not self._other_date_between(d, f, p))]
            if found:
                break
        else:
            found = list(self.facts[0].dateline) if self.facts else []
            g = self.facts[0] if found else None
        if not found:
            return
        p = found[-1]
        place = p.place
        if place.precision == 1 and place.admin2:
            place = next((u for u in gazetteer.lookup(place.admin2) if u.precision == 2
                          and u.admin1 == place.admin1 and u.country == place.country), place)
        d.place, d.place_match, d.place_owner, d.place_guessed = place, p, g, True
        d.country, d.country_weak = place.country, False

    @staticmethod
    def _other_date_between(d: _Draft, f: _SentenceFacts, p: PlaceMatch) -> bool:
        low, high = sorted((d.trigger.start, p.start))
        return any(m is not d.date_match and m.range is not None and low < m.start < high for m in f.dates)

    def _places_of(self, g: _SentenceFacts) -> list[PlaceMatch]:
        """The places a sentence names; read here for sentences the first pass did not read in detail."""
        if not g.places and not g.triggers and not g.actors:
            g.places = find_places(g.sentence.text, self.theatre.gazetteer)
        return g.places

    def _locates(self, g: _SentenceFacts, p: PlaceMatch) -> bool:
        """Whether a place named in passing can locate the report's acts: a town or district where
        something is or happens, not where an act came from or a statement was made ("told reporters in
        Kabul"), not an adjective ("an Islamabad-based think tank"), not a capital standing for its state
        ("Islamabad accused Kabul")."""
        text = g.sentence.text
        before = text[max(0, p.start - 90):p.start]
        if p.place.precision > 2 or _NOT_A_LOCATION_AFTER.match(text[p.end:p.end + 12]):
            return False
        if _ORIGIN_BEFORE.search(before) or _STATEMENT_BEFORE.search(before[-40:]):
            return False
        capital = p.place.precision == 1 and p.place.name in dict(self.theatre.capitals).values()
        if capital and p.text.lower().endswith(" capital"):
            return True  # "the federal capital was shaken": the city, never its state
        return not capital or bool(_LOCATIVE_BEFORE.search(before[-40:]))

    def _place_from_paragraph(self, d: _Draft, f: _SentenceFacts) -> None:
        """'The Taliban seized the town on Wednesday': the town is the place named last in the three
        sentences before (across a paragraph break: reports often open a paragraph this way)."""
        for g in [f, *reversed(self.facts[max(0, f.index - 3):f.index])]:
            # "the Torkham border crossing remained closed after guards opened fire at the crossing": the
            # sentence's own place before the act comes first
            named = [p for p in self._places_of(g)
                     if p.place.precision <= 2 and (g is not f or p.end <= d.trigger.start)]
            if named:
                p = named[-1]
                if d.country in (None, p.place.country) or d.country_weak:
                    d.place, d.place_match, d.place_owner = p.place, p, g
                    d.country, d.country_weak = p.place.country, False
                return

    def _speaker_or_group(self, f: _SentenceFacts, trigger: TriggerMatch,
                          actor1: ActorMatch | None) -> ActorMatch | None:
        """'the military said it had shelled camps': the speaker did it. 'one of its suicide bombers
        killed', 'his fighters shot': the group the previous sentences named did it."""
        text = f.sentence.text
        before = text[max(0, trigger.start - 60):trigger.start]
        if _SPEAKER_DID.search(before):
            speakers = [a.actor for a in f.attributions if a.actor is not None and a.end <= trigger.start]
            if speakers:
                return speakers[-1]
        if _POSSESSIVE_BEFORE.search(text[:actor1.start]) if actor1 is not None else _OWN_FIGHTERS.search(before):
            for g in reversed(self.facts[max(0, f.index - 2):f.index + 1]):
                if not g.actors and g is not f:
                    _read_details(g, self.document, self.theatre)
                groups = [a for a in g.actors if a.kind == MatchKind.NAME and a.actor_id
                          and a.actor_id in self.theatre.actors and (g is not f or a.end <= trigger.start)
                          and self.theatre.actors.get(a.actor_id).inter in (2, 3)]
                if groups:
                    return groups[-1]
        return actor1

    def _targets_civilians(self, f: _SentenceFacts, actor2: ActorMatch | None, clause) -> bool:
        if actor2 is not None:
            if actor2.generic == "civilians" or (actor2.actor_id or "").startswith("CIV-"):
                # "firing on Pakistani civilians and Frontier Corps posts": with forces among the targets,
                # a fight
                joined = _AND_TARGET.match(f.sentence.text, actor2.end)
                return joined is None or not any(
                    a.start == joined.end() and (a.generic in ("forces", "police") or self._is_state(a.actor_id, None))
                    for a in f.actors)
            if actor2.actor_id or actor2.generic in ("forces", "police", "militants"):
                return False
        groups = ([c.victim_group for c in f.casualties if clause[0] <= c.start < clause[1]]
                  or [c.victim_group for c in f.casualties])
        return bool(groups) and all(g in ("civilians", "women", "children") for g in groups)

    def _date_for(self, f: _SentenceFacts, trigger: TriggerMatch, clause) -> DateMatch | None:
        text = f.sentence.text
        published = self.document.published
        # "withdrew its team from a series to be played next month": what is still to come dates no act told
        usable = [d for d in f.dates if d.range is not None and _event_date(text, d)
                  and (published is None or d.range.start <= published)]
        told = [d for d in usable if _STATEMENT_BEFORE.search(text[max(0, d.start - 40):d.start])
                or _STATEMENT_AFTER.match(text, d.end)]
        if len(told) < len(usable):
            usable = [d for d in usable if d not in told]  # a date of the act beats the date it was told
        # "the heaviest losses in a single clash since December, when militants overran a post": the date
        # after "since" is the overrun's, not the clash's
        usable = [d for d in usable if d.start < trigger.start or not _SINCE_PHRASE.search(text, trigger.end, d.start)]
        # "since March 2022, when a bomber struck during Friday prayers", "a mosque during Friday prayers in
        # March last year": a weekday told beside a month or a year falls in it, not in the week of publication
        usable = [d for d in usable if not _WEEKDAY.search(d.text) or not any(
            a is not d and not _WEEKDAY.search(a.text) and a.range.precision in (Precision.MONTH, Precision.YEAR)
            and not _within(d.range, a.range) for a in usable)]
        if not usable:
            return None
        in_clause = [d for d in usable if clause[0] <= d.start < clause[1]]
        relative = _RELATIVE_ACT_AFTER.match(text, trigger.end)
        if relative is not None and not in_clause:
            # "after the US raid that killed Osama bin Laden in Abbottabad in May": the relative clause
            # tells the same act, and its date is the act's
            end = next((b for a, b in clause_bounds(text) if a <= relative.end() < b), len(text))
            in_clause = [d for d in usable if relative.start() <= d.start < end]
        if trigger.anaphoric and not in_clause:
            return None  # "The Mastung bombing was the deadliest since July 30, when ...": not its date
        pool = in_clause or usable
        return min(pool, key=lambda d: abs(d.start - trigger.start))

    def _resolve(self, match: ActorMatch | None, country: str | None, when: date | None,
                 armed: bool) -> str | None:
        if match is None:
            return None
        if match.kind == MatchKind.GENERIC:
            c = match.country or country
            return self.theatre.generic_actor(str(match.generic) if match.generic else None, c, when)
        if match.kind == MatchKind.METONYM and armed:
            return self.theatre.armed_forces(match.actor_id)
        actor_id = self.theatre.local_actor(match.actor_id, match.text, country, when)
        return self.theatre.armed_forces(actor_id) if armed and actor_id and actor_id.endswith("-GOV") else actor_id

    def _acting_from(self, clause: str, country: str | None) -> str | None:
        """Whose forces an unqualified "the military" or "troops" are: those of the country the act hit,
        unless the clause says it reached across the border ("shelled camps across the border in
        Afghanistan"), when they are the other side's."""
        if country is None or not _ACROSS_THE_BORDER.search(clause):
            return country
        others = [c for c in self.theatre.countries if c != country]
        return others[0] if len(others) == 1 else country

    def _territory_kind(self, kind: tuple[str, str], actor1: str | None, country: str | None,
                        when: date | None) -> tuple[str, str]:
        """Ground taken is ACLED's 'Government regains territory' when the state's own forces take it in
        their country, and 'Non-state actor overtakes territory' when an armed group does, whatever verb
        the report used ("the Taliban retook the district", "troops captured the town")."""
        if kind not in (TAKEOVER, REGAIN) or not actor1 or actor1 not in self.theatre.actors:
            return kind
        actor = self.theatre.actors.get(actor1)
        state = actor.inter_on(when) == 1
        if kind == REGAIN and not state:
            return TAKEOVER
        if kind == TAKEOVER and state and country is not None and actor.country == country:
            return REGAIN
        return kind

    def _is_state(self, actor_id: str | None, when: date | None) -> bool:
        """Whether an actor of the dictionary is a state's forces on that day (ACLED inter 1 or 8)."""
        if not actor_id or actor_id not in self.theatre.actors:
            return False
        return self.theatre.actors.get(actor_id).inter_on(when) in STATE_FORCES_INTER

    def _from_outside(self, actor_id: str | None) -> bool:
        """Whether an armed actor is a state's force from outside the theatre (the US): its missiles come
        from the air, as it has no artillery within range."""
        if not actor_id or actor_id not in self.theatre.actors:
            return False
        country = self.theatre.actors.get(actor_id).country
        return country is not None and country not in self.theatre.countries

    def _country_from_actors(self, actor1: str | None, actor2: str | None) -> str | None:
        """Where an unplaced event happened: the target's home ("attacked Pakistani posts"), else the
        attacker's, if that home is in the theatre (an external force's home is no guess)."""
        for actor_id in (actor2, actor1):
            if actor_id and actor_id in self.theatre.actors:
                country = self.theatre.actors.get(actor_id).country
                if country in self.theatre.countries:
                    return country
        return None

    # -- drafts meet the document ------------------------------------------------------------------
    def _place_in_document(self, wave: list[_Draft], f: _SentenceFacts) -> list[_Draft]:
        """Add a wave of drafts to the document: join earlier events or stand as new. Returns homes."""
        first = wave[0]
        specific = first.place is not None and first.place.precision <= 3
        undated = first.date is None
        if not first.trigger.anaphoric and _ANOTHER_ACT_THAT_DAY.match(f.sentence.text):
            # "Earlier in the day a bomb near Bacha Khan Chowk killed about a dozen people": another act of
            # the story's day, never the one the report leads with
            if undated:
                context = self._paragraph_date(f) or self.story
                if context is None:
                    return []
                for d in wave:
                    d.date = context
            for d in wave:
                if d.place is None:
                    self._place_from_dateline(d, f, anywhere=True)  # the story's city, as a rule
            return self._stand_alone(wave, f)
        if first.trigger.anaphoric or undated:
            target = self._antecedent(first, whole_document=first.trigger.anaphoric)
            if target is not None:
                return self._join(wave, target)
            if undated and not first.trigger.anaphoric:
                # "According to police, a suicide bomber set off his explosives inside the hall", a paragraph
                # after "two explosions ripped through a snooker hall": the act retold, more precisely
                target = self._retold(first)
                if target is not None:
                    return self._join(wave, target)
            if first.trigger.anaphoric and (undated or not specific):
                return []
            if undated:
                if first.trigger.plural and (not specific or first.trigger.strength == 0):
                    return []  # "caught between militants and security operations": a state of affairs
                context = self._paragraph_date(f) or self._story_for(f)
                if context is None:
                    return []
                for d in wave:
                    d.date = context
        if (first.trigger.plural and not first.trigger.anaphoric and not specific and first.date is not None
                and first.date.precision.rank >= Precision.YEAR.rank):
            return []  # "mass-casualty attacks in the past year": many events, none of them told
        target = self._duplicate(first)
        if target is not None:
            return self._join(wave, target)
        return self._stand_alone(wave, f)

    def _stand_alone(self, wave: list[_Draft], f: _SentenceFacts) -> list[_Draft]:
        """Add a wave as a new event, placed by the dateline or the context when it names no place."""
        if not wave[0].trigger.anaphoric:
            for d in wave:
                if d.place is None:
                    self._place_from_dateline(d, d.facts)
                if d.place is None:
                    self._place_from_context(d, f)
        kept = [d for d in wave if d.country is not None]
        self.drafts.extend(kept)
        return kept

    def _story_for(self, f: _SentenceFacts) -> DateRange | None:
        """The story's date for an undated event: anywhere when the text dated the news, else in the lead."""
        if self.story is None:
            return None
        if self.story_from_text or f.index < LEAD_SENTENCES:
            return self.story
        return None

    def _paragraph_date(self, f: _SentenceFacts) -> DateRange | None:
        for g in reversed(self.facts[:f.index]):
            if g.paragraph != f.paragraph:
                break
            for d in reversed(g.dates):
                if d.range is not None:
                    return d.range
        return None

    def _antecedent(self, d: _Draft, whole_document: bool) -> _Draft | None:
        # "The UN mission condemned the attack", a paragraph after the background ones: an undated reference
        # in a paragraph of its own returns to the story's event, not to the last past one recalled
        news = [m for m in self.drafts if m.date is not None and self.story is not None and m.date.overlaps(self.story)]
        for m in reversed(self.drafts):
            if not whole_document and m.facts.paragraph != d.facts.paragraph:
                return None
            if (d.date is None and m.facts.paragraph != d.facts.paragraph and news and m not in news
                    and any(_compatible(d, n) for n in news)):
                continue
            # "a strike destroyed houses in a border village. The missiles hit Damadola": a place the lead
            # only took from the dateline gives way to the one the text names
            from_dateline = False
            if not _compatible(d, m):
                from_dateline = (d.place is not None and m.place is not None and d.country == m.country
                                 and len([g for g in self.drafts if g.wave == m.wave]) == 1
                                 and (m.place_guessed or m.place_match in self.facts[0].dateline))
                if not from_dateline:
                    continue
            if not (_same_or_unknown(d.actor1, m.actor1) and _same_or_unknown(d.actor2, m.actor2)):
                if not (d.trigger.anaphoric and (d.actor1 is None or _symmetric(d.trigger))):
                    continue
            redate = d.date is not None and m.date is not None and not d.date.overlaps(m.date)
            if redate and not self._news_day_before(d, m):
                continue
            if d.trigger.strength == 2 and d.trigger.event_type == EXPLOSIONS and m.event_type != EXPLOSIONS:
                continue  # "these airstrikes" do not refer back to a gun battle; "the clashes" may be shelling
            if d.sub_event_type == AIR[1] and m.sub_event_type in (SUICIDE[1], IED[1]):
                continue  # nor "the strikes hit homes in Urgun" to the suicide bombing told after the strikes
            if redate:
                # "condemned a drone strike ... on Friday. The missiles struck on Thursday": the lead took
                # the day of the news; the act's own day, told later, replaces it
                m.date, m.date_match, m.date_owner = d.date, d.date_match, d.date_owner
            if from_dateline:
                # _join puts the named place in
                m.place, m.place_match, m.place_owner, m.place_guessed = None, None, None, False
            return m
        return None

    def _retold(self, d: _Draft) -> _Draft | None:
        """The one earlier event of the document that an undated act of a more precise kind of it (a
        suicide bombing after an explosion), placed where it was, retells; None when there is none or more."""
        if d.trigger.strength != 2:
            return None
        same = [m for m in self.drafts if _refines(d, m) and _compatible(d, m) and _same_or_unknown(d.actor1, m.actor1)
                and _same_or_unknown(d.actor2, m.actor2)]
        waves = {m.wave for m in same}
        return same[-1] if len(waves) == 1 else None

    def _news_day_before(self, d: _Draft, m: _Draft) -> bool:
        """Whether `m` is dated to the day the report was published and `d`, which refers back to it,
        names a day in the week before: the act's own day, when its sentence tells of no other act ("the
        raids followed an ambush on Thursday" dates the ambush)."""
        published = self.document.published
        if not d.trigger.anaphoric or published is None or d.date is None or m.date is None:
            return False
        if any(t is not d.trigger and t.strength == 2 for t in d.facts.triggers):
            return False
        return (m.date.precision is Precision.DAY and m.date.start == published and d.date.precision is Precision.DAY
                and 0 < (published - d.date.start).days <= 7)

    def _duplicate(self, d: _Draft) -> _Draft | None:
        for m in reversed(self.drafts):
            if m.event_type != d.event_type:
                continue
            if m.date is not None and d.date is not None and not m.date.overlaps(d.date):
                continue
            if not _compatible(d, m):
                continue
            if not (_same_or_unknown(d.actor1, m.actor1) and _same_or_unknown(d.actor2, m.actor2)):
                continue
            placed = d.place is not None and m.place is not None and not (d.place_guessed or m.place_guessed)
            same_actor1 = d.actor1 is not None and d.actor1 == m.actor1
            same_target = d.actor1 is None and d.actor2 is not None and d.actor2 == m.actor2
            same_kind = (d.event_type == EXPLOSIONS and d.place is None and not d.country_weak
                         and d.country == m.country and d.sub_event_type == m.sub_event_type)
            # "jets raided Afghan territory": remote strikes in one country that day are the strikes told
            # "its fighters had ambushed the troops": a later telling names who did it
            names_attacker = (d.place is None and m.actor1 is None and d.actor1 is not None
                              and d.actor2 is not None and d.actor2 == m.actor2)
            if placed or same_actor1 or same_target or same_kind or names_attacker:
                return m  # unknowns agree only when something known is shared
        return None

    def _join(self, wave: list[_Draft], target: _Draft) -> list[_Draft]:
        """Merge a wave into the event `target` (and its own wave when the new one is less precise)."""
        group = [m for m in self.drafts if m.wave == target.wave]
        new_precise = [d for d in wave if d.place is not None and
                       (target.place is None or d.place.precision < target.place.precision)
                       and _compatible(d, target)]
        if new_precise and len(group) == 1:
            # the earlier event was vaguer ("strikes inside Afghanistan"): the new places replace it
            index = self.drafts.index(target)
            for d in new_precise:
                d.event_type, d.sub_event_type, d.trigger = target.event_type, target.sub_event_type, target.trigger
                # its fields keep pointing at the sentence they were read in, not the one it joins
                d.place_owner = d.place_owner or d.facts
                d.actor1_owner = d.actor1_owner or d.facts
                d.actor2_owner = d.actor2_owner or d.facts
                d.facts, d.wave = target.facts, target.wave
                _fill(d, target)
                d.evidence = _merged_evidence(target.evidence, d.evidence)
                d.spans = list(target.spans) + d.spans
            self.drafts[index:index + 1] = new_precise
            return new_precise
        homes = []
        for m in group:
            sources = [d for d in wave if _compatible(d, m)]
            if not sources:
                continue
            for d in sources:
                _fill(m, d)
            m.evidence = _merged_evidence(m.evidence, wave[0].evidence)
            homes.append(m)
        return homes or [target]

    def _merge_coordinated(self, f: _SentenceFacts, triggers, homes: dict[int, list[_Draft]], clauses) -> None:
        """'launched rocket attacks and ground strikes into Tirah': one act in one clause is one event."""
        firsts: dict[int, list[_Draft]] = {}
        for t_index, trigger in enumerate(triggers):
            clause = next((i for i, (a, b) in enumerate(clauses) if a <= trigger.start < b), 0)
            created = [d for d in homes.get(t_index, []) if d.facts is f and d.trigger is trigger]
            if not created:
                continue
            earlier = firsts.get(clause)
            if earlier is None:
                firsts[clause] = created
                continue
            partners = [next((e for e in earlier if _compatible(d, e)
                              and _same_or_unknown(d.actor1, e.actor1) and _same_or_unknown(d.actor2, e.actor2)),
                             None) for d in created]
            if any(p is None for p in partners):
                continue
            for d, partner in zip(created, partners, strict=True):
                if d in self.drafts:
                    self.drafts.remove(d)
                _fill(partner, d)
            homes[t_index] = earlier

    # -- casualties ----------------------------------------------------------------------------
    def _sentences_since(self, d: _Draft, f: _SentenceFacts) -> int:
        """How many sentences before `f` the latest evidence of `d` stands."""
        newest = max(e.start for e in d.evidence)
        return f.index - next((g.index for g in self.facts if g.sentence.start == newest), f.index)

    def _recent_draft(self, f: _SentenceFacts) -> _Draft | None:
        if not self.drafts:
            return None
        # the event told last, which a later sentence may have returned to ("the strikes hit homes in Urgun")
        last = max(reversed(self.drafts), key=lambda d: max(e.start for e in d.evidence))
        sentences_back = self._sentences_since(last, f)
        if last.facts.paragraph == f.paragraph or sentences_back <= 1:
            if sentences_back <= CASUALTY_LOOKBACK_SENTENCES:
                return last
        return None

    def _story_event_for(self, f: _SentenceFacts) -> _Draft | None:
        """A casualty sentence with no place and no date of its own beyond the story's ("58 soldiers were
        killed, the spokesman told reporters") is about an event told a few sentences before."""
        text = f.sentence.text
        if any(d.range is not None and (self.story is None or not d.range.overlaps(self.story))
               and not _STATEMENT_BEFORE.search(text[max(0, d.start - 40):d.start]) for d in f.dates):
            return None
        if any(p.place.precision < 4 and not _in_attribution_tail(text, p.start, f.triggers)
               and not _STATEMENT_BEFORE.search(text[max(0, p.start - 40):p.start]) for p in f.places):
            return None
        for m in reversed(self.drafts):
            if self._sentences_since(m, f) > STORY_LOOKBACK_SENTENCES:
                return None
            if m.event_type == "Battles" or m.date is None or self.story is None or m.date.overlaps(self.story):
                return m
        return None

    def _claimed_story_event(self, f: _SentenceFacts) -> _Draft | None:
        """'Jamaat-ul-Ahrar said it had sent the bomber to avenge the offensive in North Waziristan', a
        paragraph after the bombing: a claim of responsibility with no act of its own is the story's event's,
        whatever places its motive names."""
        for m in sorted(self.drafts, key=lambda d: max(e.start for e in d.evidence), reverse=True):
            if self._sentences_since(m, f) > STORY_LOOKBACK_SENTENCES:
                return None
            if self.story is not None and m.date is not None and m.date.overlaps(self.story):
                return m
        return None

    def _attach_claims(self, f: _SentenceFacts, triggers, homes: dict[int, list[_Draft]]) -> None:
        if not f.casualties and not f.responsibility:
            return
        attributions = self._with_pronoun_sources(f, f.attributions) or self._forward_attributions(f)
        for c in f.casualties:
            targets = self._claim_targets(f, c, triggers, homes)
            if not targets:
                continue
            split = self._split_by_place(f, c)
            if split:
                # "13 terrorists were killed in the two attacks, nine in Noshki and four in Panjgur"
                for part, draft in split:
                    claim = self._claim(f, part, attributions, draft)
                    if claim not in draft.claims:
                        draft.claims.append(claim)
                    if f.sentence not in draft.evidence:
                        draft.evidence = _merged_evidence(draft.evidence, [f.sentence])
                targets = [t for t in targets if all(t is not d for _, d in split)]
                if not targets:
                    continue
            claim = self._claim(f, c, attributions, targets[0])
            for t in targets:
                if claim not in t.claims:
                    t.claims.append(claim)
                if f.sentence not in t.evidence:
                    t.evidence = _merged_evidence(t.evidence, [f.sentence])
        claimed = [d for drafts in homes.values() for d in drafts]
        if f.responsibility and not claimed:
            recent = self._recent_draft(f) or self._story_event_for(f) or self._claimed_story_event(f)
            claimed = [m for m in self.drafts if recent is not None and m.wave == recent.wave]
        for r in f.responsibility:
            for d in claimed:
                actor = self._resolve(r.actor, d.country, d.date.start if d.date else None, armed=False)
                d.claims.append(Claim(ClaimKind.RESPONSIBILITY, None, actor, None,
                                      (self._span(f, r.actor.start, r.actor.end, SpanKind.CLAIMANT,
                                                  actor, "responsibility"),)))
                if d.actor1 is None:  # who claimed it carried it out, as far as the text says
                    d.actor1, d.actor1_match, d.actor1_owner = actor, r.actor, f

    def _split_by_place(self, f: _SentenceFacts, c: Casualty) -> list[tuple[Casualty, _Draft]]:
        """A toll told for several places and then split among them, each part followed by its place: the
        parts, each with the event the document tells at that place. Empty unless the parts add up to the
        toll and every place has its event."""
        if c.count is None or c.count.count is None:
            return []
        text = f.sentence.text
        parts: list[tuple[Casualty, _Draft]] = []
        for pm in f.places:
            if pm.start < c.verb_end:
                continue
            m = _PART_BEFORE_PLACE.search(text, max(c.verb_end, pm.start - 30), pm.start)
            if m is None:
                continue
            number = next((n for n in find_numbers(m.group(1)) if n.count.count is not None), None)
            if number is None:
                continue  # ", residents in Noshki": no part of the toll
            draft = next((d for d in reversed(self.drafts) if d.place is not None
                          and (d.place.id == pm.place.id or (d.place.admin2 is not None
                                                             and d.place.country == pm.place.country
                                                             and d.place.admin2 == pm.place.admin2))), None)
            if draft is None:
                return []
            start = m.start(1)
            parts.append((dataclasses.replace(c, count=number.count, start=start, end=start + len(m.group(1))),
                          draft))
        if len(parts) < 2 or sum(p.count.count for p, _ in parts) != c.count.count:
            return []
        return parts

    def _claim_targets(self, f, c: Casualty, triggers, homes) -> list[_Draft]:
        live = [(i, t) for i, t in enumerate(triggers) if homes.get(i)]
        for cue in f.references:
            # "the strikes came two days after seven soldiers were killed in a suicide attack": a toll told
            # inside the description of the earlier event is that event's, and only that event's
            inside = [(i, t) for i, t in live if cue.target_start <= t.start < cue.target_end]
            if cue.target_start <= c.start < cue.target_end:
                live = inside or live
            elif inside and len(inside) < len(live):
                live = [it for it in live if it not in inside]
        if live:
            victims = [a for a in f.actors if c.victim_start <= a.start and a.end <= c.victim_end]
            victim_ids = {self._resolve(a, None, None, armed=True) for a in victims}

            def fits(i: int) -> bool:
                d = homes[i][0]
                return d.event_type == "Battles" or d.actor1 is None or d.actor1 not in victim_ids

            # "struck a procession in December 2009, killing 40, and in January 2013 bombings killed 80": a
            # toll in a participle clause after a comma is the act's before it
            text = f.sentence.text
            participle = (c.verb_end <= c.start and text[c.verb_start:c.verb_end].lower().endswith("ing")
                          and _COMMA_BEFORE.search(text, 0, c.verb_start) is not None)
            ranked = sorted(live, key=lambda it: (not fits(it[0]), participle and it[1].start > c.start,
                                                  abs(it[1].start - c.start)))
            return homes[ranked[0][0]]
        recent = self._recent_draft(f) or self._story_event_for(f)
        if recent is None:
            return []
        return [m for m in self.drafts if m.wave == recent.wave]

    def _with_pronoun_sources(self, f: _SentenceFacts, attributions: list) -> list:
        """'Five women and three children died, he said': he is the source named just before."""
        out = []
        for a in attributions:
            if a.actor is None and _PRONOUN_SOURCE.search(f.sentence.text[max(0, a.start - 12):a.start]):
                earlier = self._last_named_source(f)
                if earlier is not None:
                    out.append(_Shifted(earlier[0], earlier[1], a.start, a.end))
                    continue
            out.append(a)
        return out

    def _last_named_source(self, f: _SentenceFacts):
        for g in reversed(self.facts[max(0, f.index - 2):f.index]):
            named = [a for a in g.attributions if a.actor is not None and not isinstance(a, _Shifted)]
            if named:
                return named[-1].actor, g
        return None

    def _forward_attributions(self, f: _SentenceFacts) -> list:
        """'N were killed. In a statement, the military said ...': the next sentence names the source."""
        if f.index + 1 >= len(self.facts):
            return []
        nxt = self.facts[f.index + 1]
        if nxt.paragraph != f.paragraph or nxt.casualties or nxt.triggers:
            return []
        if not nxt.actors:
            _read_details(nxt, self.document, self.theatre)
        named = [a for a in nxt.attributions if a.actor is not None and a.actor.kind != MatchKind.GENERIC]
        return [_Shifted(named[0].actor, nxt, 10_000, 10_000)] if named else []

    def _claim(self, f: _SentenceFacts, c: Casualty, attributions, target: _Draft) -> Claim:
        attribution = claimant_of(c, attributions) if attributions else None
        claimant, spans = None, [self._span(f, c.start, c.end, SpanKind.NUMBER, None, str(c.kind))]
        if (attribution is not None and attribution.actor is not None and not _unnamed_officials(attribution.actor)
                and attribution.actor.generic != "civilians"):  # "residents said": no side's figure
            owner = attribution.facts if isinstance(attribution, _Shifted) else f
            claimant = self._resolve(attribution.actor, target.country,
                                     target.date.start if target.date else None, armed=False)
            spans.append(self._span(owner, attribution.actor.start, attribution.actor.end, SpanKind.CLAIMANT,
                                    claimant, "claimed_by"))
        return Claim(c.kind, c.count, claimant, c.victim_group, tuple(spans))

    def _span(self, f: _SentenceFacts, start: int, end: int, kind: SpanKind, value, field_name) -> Span:
        s = f.sentence.start
        return Span(s + start, s + end, kind, f.sentence.text[start:end], value, field_name)

    # -- output --------------------------------------------------------------------------------
    def _located(self, place: Place | None, country: str | None) -> Place | None:
        """A place with coordinates, like ACLED: a district with none takes its province's centroid and
        says so (geo_precision 3); an event known only by country takes the country's point (4)."""
        gazetteer = self.theatre.gazetteer
        if place is None:
            try:
                return gazetteer.get(f"country:{country}") if country else None
            except KeyError:
                return None
        if place.lat is not None or not place.admin1:
            return place
        province = gazetteer.admin1_place(place.admin1, place.country)
        if province is None or province.lat is None:
            return place
        return dataclasses.replace(place, lat=province.lat, lon=province.lon, precision=max(place.precision, 3))

    def _civilian_target(self, d: _Draft) -> str | None:
        """An attack whose only reported dead and wounded are civilians was aimed at civilians (ACLED), and
        so was violence against civilians that names no other victim (ACLED's definition of the type)."""
        groups = [c.victim_group for c in d.claims if c.kind in (ClaimKind.KILLED, ClaimKind.INJURED)]
        if d.actor2 is not None or d.event_type == "Battles":
            return d.actor2
        unnamed = d.event_type == VIOLENCE_AGAINST_CIVILIANS and not any(
            _DIPLOMATIC.search(s.text) for s in d.evidence)
        if unnamed or (groups and all(g in ("civilians", "women", "children") for g in groups)):
            when = d.date.start if d.date else None
            return self.theatre.generic_actor("civilians", d.country, when)
        return None

    def mentions(self) -> list[Mention]:
        out = []
        for d in self.drafts:
            d.actor2 = self._civilian_target(d)
            if d.actor2 is not None and d.actor2 == d.actor1:
                d.actor2, d.actor2_match = None, None  # filled from another sentence onto its own actor1
            if d.place is not None and d.place.precision == 4 and not d.trigger.anaphoric:
                # "stormed the country's busiest airport": a lead event placed only in the country, which no
                # later sentence placed better, happened where the report was filed from
                self._place_from_dateline(d, d.facts)
        for ordinal, d in enumerate(self.drafts):
            out.append(Mention(
                doc_id=self.document.id, ordinal=ordinal, event_type=d.event_type,
                sub_event_type=d.sub_event_type, date=d.date, place=self._located(d.place, d.country),
                country=d.country,
                actor1=d.actor1, actor2=d.actor2, claims=list(d.claims), spans=self._field_spans(d),
                evidence=sorted(d.evidence, key=lambda s: s.start), confidence=_confidence(d),
                origin_country=self._origin(d), wave=d.wave,
            ))
        ordinal_of = {id(d): i for i, d in enumerate(self.drafts)}
        for m, d in zip(out, self.drafts, strict=True):
            m.links = self._links(d, ordinal_of)
        return out

    def _links(self, d: _Draft, ordinal_of: dict[int, int]) -> list[MentionLink]:
        links = []
        for earlier, cue, f in d.responses:
            target = ordinal_of.get(id(earlier)) if earlier is not None else None
            if target is not None and target == ordinal_of.get(id(d)):
                continue
            span = self._span(f, cue.start, cue.end, SpanKind.TRIGGER, LinkKind.RESPONDS_TO.value, "responds_to")
            link = MentionLink(LinkKind.RESPONDS_TO, target, cue.description, cue.days_before, span)
            if all((x.target, x.description) != (link.target, link.description) for x in links):
                links.append(link)
        return links

    def _origin(self, d: _Draft) -> str | None:
        """Where actor1 acted from: what the trigger's clause says ("fired from Afghanistan", "from the
        Afghan side"), else, for a state's forces, their state. An armed group's home says nothing of
        where it struck from (the TTP is Pakistani and acts from both sides), so it gives no origin."""
        text = d.facts.sentence.text
        clauses = clause_bounds(text)
        a, b = clauses[_clause_index(clauses, d.trigger.start)] if clauses else (0, len(text))
        said = self.theatre.origin_named(text[a:b])
        if said is not None:
            return said[2]
        if self._is_state(d.actor1, d.date.start if d.date else None):
            return self.theatre.actors.get(d.actor1).country
        return None

    def _field_spans(self, d: _Draft) -> list[Span]:
        f = d.facts
        spans = [self._span(f, d.trigger.start, d.trigger.end, SpanKind.TRIGGER,
                            f"{d.event_type}/{d.sub_event_type}", "event_type")]
        if d.refined_by is not None:
            g, t = d.refined_by
            spans.append(self._span(g, t.start, t.end, SpanKind.TRIGGER, d.sub_event_type, "sub_event_type"))
        if d.date_match is not None and d.date_owner is not None:
            spans.append(self._span(d.date_owner, d.date_match.start, d.date_match.end, SpanKind.DATE,
                                    d.date.iso() if d.date else None, "date"))
        if d.place_match is not None:
            owner = d.place_owner or f
            spans.append(self._span(owner, d.place_match.start, d.place_match.end, SpanKind.PLACE,
                                    d.place.id if d.place else None, "location"))
        for name, match in (("actor1", d.actor1_match), ("actor2", d.actor2_match)):
            if match is not None:
                value = d.actor1 if name == "actor1" else d.actor2
                owner = (d.actor1_owner if name == "actor1" else d.actor2_owner) or f
                spans.append(self._span(owner, match.start, match.end, SpanKind.ACTOR, value, name))
        spans.extend(d.spans)
        for s in d.evidence:
            spans.append(Span(s.start, s.end, SpanKind.SENTENCE, s.text, None, "evidence"))
        return spans


_PRONOUN_SOURCE = re.compile(r"\b(?:he|she|they|it)\s+(?:also\s+)?$", re.I)


@dataclass(frozen=True, slots=True)
class _Shifted:
    """An attribution whose source is named in another sentence (`facts`): the next sentence ("In a
    statement, the military said ...") or an earlier one ("..., he said"). `start`/`end` place it in the
    sentence it covers, for choosing the nearest source."""

    actor: ActorMatch
    facts: _SentenceFacts
    start: int
    end: int


_COORDINATED = re.compile(r"^\s*(?:,\s*)?(?:and|or|as well as)\s+(?:[\w-]+\s+){0,2}$", re.I)


def _share_coordinated_places(text: str, triggers: list[TriggerMatch], owned: dict[int, list[PlaceMatch]]) -> None:
    """'launched rocket attacks and ground strikes into the Tirah Valley': both acts happened there."""
    for i in range(len(triggers) - 1):
        a, b = triggers[i], triggers[i + 1]
        if _COORDINATED.match(text[a.end:b.start]):
            shared = owned.get(i, []) + [p for p in owned.get(i + 1, []) if p not in owned.get(i, [])]
            owned[i], owned[i + 1] = list(shared), list(shared)


_TELLING = re.compile(r"\b(?:said|says|told|stated|added|announced|claimed|confirmed|reported)\b", re.I)


def _in_attribution_tail(text: str, pos: int, triggers: list[TriggerMatch]) -> bool:
    """A place after the source's speech verb, with no trigger after it, is where it was said."""
    last_trigger = max((t.end for t in triggers if t.end <= pos), default=0)
    if any(t.start > pos for t in triggers):
        return False
    return bool(_TELLING.search(text, last_trigger, pos))


def _cue_scope(text: str, trigger: TriggerMatch, clause: tuple[int, int], raw: tuple[tuple[int, int], ...],
               clauses: tuple[tuple[int, int], ...]) -> tuple[str, str]:
    """The words that can tell how a trigger's act was done: its clause, cut at the trigger words around
    it; and, separately, the following clauses with no trigger word of their own ("... with heavy
    weapons"), so that "in retaliation for airstrikes" does not make an attack an airstrike."""
    start = max([clause[0]] + [e for s, e in raw if e <= trigger.start])
    own_end = min([clause[1]] + [s for s, _ in raw if s >= trigger.end])
    end = own_end
    for a, b in clauses:
        if a < clause[1]:
            continue
        if any(a <= s < b for s, _ in raw):
            break
        end = b
    return text[start:own_end], text[own_end:end]


_LATER_KILLING = re.compile(
    r"\s+(?:had\s+|have\s+)?(?:killed|massacred|shot dead|gunned down|attacked|stormed)\b", re.I)


_INSTALLATION = re.compile(
    r"\s+(?:on|at|against|into|targeting)?\s*(?:an?|the|two|three|several|multiple|its|their)?\s*"
    r"(?:[\w-]+\s+){0,2}?(?P<what>police (?:station|post|checkpoint|van|mobile|lines|headquarters)|"
    r"checkposts?|check posts?|checkpoints?|army posts?|military posts?|security posts?|border posts?|"
    r"posts?|convoys?|garrisons?|cantonments?|air bases?|bases?|forts?|outposts?|camps?)\b", re.I)


_WHERE_AFTER = re.compile(r",?\s+where\b", re.I)
# A place where the people attacked are civilians, as the act's object: "stormed Bacha Khan University",
# "attacked a girls' school", "opened fire on a wedding party", "a gun attack at a crowded market".
_CIVILIAN_SITE = re.compile(
    r"\s+(?:on|at|in|into|inside|against|targeting)?\s*(?:an?|the|two|three|several|its|their)?\s*"
    # not a police or military training college, academy or school: those who train there are forces
    # (an army-run school or the Army Public School teaches children: those stay civilian)
    r"(?!(?:[\w'-]+\s+){0,2}?(?:(?:police|FC|levies|constabulary|commandos?|recruits?)\s+(?:[\w'-]+\s+)?"
    r"(?:training\s+)?(?:schools?|colleges?|academ(?:y|ies)|cent(?:re|er)s?)|(?:military|army|naval|air force)\s+"
    r"(?:training|staff|war)\s+(?:schools?|colleges?|cent(?:re|er)s?)|(?:military|naval) academ(?:y|ies))\b)"
    r"(?:[\w'-]+\s+){0,3}?(?:schools?|universit(?:y|ies)|colleges?|madrass?as?|seminar(?:y|ies)|mosques?|"
    r"churche?s?|temples?|shrines?|hospitals?|markets?|bazaars?|hotels?|parks?|rall(?:y|ies)|processions?|"
    r"weddings?|funerals?|(?:passenger )?bus(?:es)?|shops?|restaurants?|courts?|polling stations?|"
    r"gurdwaras?|imambargahs?|(?:education|tuition|coaching) cent(?:re|er)s?|maternity (?:ward|hospital)s?|"
    r"clinics?|guest ?houses?|cinemas?|stadiums?|sufi shrines?|mosque compounds?)\b", re.I)
_STORMING = ("stormed", "storm", "raid", "assault")
_CIVILIAN_CONVOY = re.compile(r"\s+(?:of|carrying)\s+(?:\w+\s+)?(?:passenger|civilian|commuter|buses|vehicles|trucks|"
                              r"travell?ers|pilgrims|refugees)", re.I)


def _target_installation(text: str, trigger: TriggerMatch, clause: tuple[int, int]) -> ActorMatch | None:
    """'attacked a police station', 'struck a paramilitary convoy', 'rammed into the cantonment': the
    forces (or police) that hold it, of the country the event is in (resolved later)."""
    m = _INSTALLATION.match(text, trigger.end)
    if m is None or m.end() > clause[1] + 40 or _CIVILIAN_CONVOY.match(text, m.end()):
        return None
    role = Role.POLICE if m.group("what").lower().startswith("police") else Role.FORCES
    return ActorMatch(m.start("what"), m.end("what"), m.group("what"), None, MatchKind.GENERIC, role)


def _agent_of_later_killing(text: str, trigger: TriggerMatch, actors: list[ActorMatch]) -> ActorMatch | None:
    """'the 2014 massacre at the Army Public School, where Tehreek-e-Taliban gunmen killed 140': the act
    is named first and its doer told after it."""
    after = [a for a in actors if a.start >= trigger.end and a.start - trigger.end <= 120]
    for i, a in enumerate(after):
        rest = after[i + 1] if i + 1 < len(after) else None
        end = rest.end if rest is not None and rest.start - a.end <= 1 else a.end  # "Tehreek-e-Taliban gunmen"
        if _LATER_KILLING.match(text, end):
            return a if a.actor_id else (rest if rest is not None and rest.actor_id else a)
    return None


_OFFICE = re.compile(r"\bminist(?:ry|er)\b", re.I)


def _unnamed_officials(actor: ActorMatch) -> bool:
    """'officials said', 'authorities said': no one the reader can hold to the figure (coding guide).
    Police and the military remain sources, 'Pakistani officials' names a side, and a ministry or a
    minister ('the Ministry of Interior said') is an office of the government where the event is."""
    return (actor.kind == MatchKind.GENERIC and actor.generic == "government" and actor.country is None
            and not _OFFICE.search(actor.text))


def _ends_assault(text: str, t: TriggerMatch, named: list[TriggerMatch]) -> bool:
    """Whether `t` is the fight that ended an assault named before it in the sentence ("stormed the
    university ... before security forces killed them after a gun battle"), with no date or day count
    between them that would make it a later event."""
    if not _ENDING_FIGHT.search(t.text) and (t.event_type, t.sub_event_type) != REGAIN:
        return False  # a fight, or forces regaining control ("before police commandos regained control")
    for a in named:
        if a.end > t.start or not _ASSAULT.match(a.text):
            continue
        between = text[a.end:t.start]
        if _LATER_DAY.search(between):
            continue
        close = text[max(a.end, t.start - 40):t.start]
        if _ENDED_AFTER.search(between) or _ENSUING.search(close) or _ENDED_FIGHT.search(close):
            return True
    return False


# "Missiles fired by a U.S. drone struck a funeral": the act's noun and its verb, one act
_PREDICATE_GAP = re.compile(r"\s*(?:by\s+(?:[\w.'-]+\s+){1,4})?")


def _predicate_of_named(text: str, t: TriggerMatch, named: list[TriggerMatch]) -> bool:
    """Whether `t`, a generic verb, is only the verb of a named act just before it (its subject)."""
    return t.strength == 1 and t.verb and any(
        n.strength == 2 and not n.verb and n.end <= t.start and _PREDICATE_GAP.fullmatch(text, n.end, t.start)
        for n in named)


def _symmetric(trigger: TriggerMatch) -> bool:
    """Words that do not say who did it to whom: 'the clashes' (both sides fight), and a reference back
    ('Pakistan responded to the attack with airstrikes', where the actors are the responder's)."""
    return trigger.reference or (trigger.anaphoric and trigger.event_type == "Battles" and trigger.strength == 2)


def _fill(target: _Draft, source: _Draft) -> None:
    """Give `target` what `source` knows and it does not; the evidence of both."""
    if not _symmetric(source.trigger):
        if target.actor1 is None and source.actor1 is not None:
            target.actor1, target.actor1_match = source.actor1, source.actor1_match
            target.actor1_owner = source.actor1_owner or source.facts
        if target.actor2 is None and source.actor2 is not None:
            target.actor2, target.actor2_match = source.actor2, source.actor2_match
            target.actor2_owner = source.actor2_owner or source.facts
    if source.place is not None and (target.place is None or source.place.precision < target.place.precision
                                     or (target.place_guessed and not source.place_guessed
                                         and source.place.precision < 4)) \
            and _compatible(source, target):
        target.place, target.place_match, target.country = source.place, source.place_match, source.place.country
        target.place_owner, target.country_weak = source.place_owner or source.facts, False
        target.place_guessed = source.place_guessed
    elif target.country_weak and not source.country_weak and source.country:
        target.country, target.country_weak = source.country, False
    if target.date is None or (source.date_match is not None and source.date is not None
                               and source.date.precision.rank < target.date.precision.rank
                               and source.date.overlaps(target.date)):
        if source.date is not None:
            target.date, target.date_match, target.date_owner = source.date, source.date_match, source.date_owner
    if _refines(source, target):
        # an explosion told plainly, then as a suicide bomber's; a missile strike, then as a drone's
        target.event_type, target.sub_event_type = source.event_type, source.sub_event_type
        target.refined_by = source.refined_by or (source.facts, source.trigger)
    for c in source.claims:
        if c not in target.claims:
            target.claims.append(c)
    target.evidence = _merged_evidence(target.evidence, source.evidence)


def _refines(source: _Draft, target: _Draft) -> bool:
    """Whether `source` tells `target`'s act as a more precise kind: a suicide bombing of an explosion, a
    drone's strike of a missile strike (not of rocket or artillery fire)."""
    return (((target.event_type, target.sub_event_type), (source.event_type, source.sub_event_type)) in _REFINED_BY
            and (target.sub_event_type != SHELLING[1] or launched_weapon(target.trigger) == "missile"))


def _merged_evidence(a: list[Sentence], b: list[Sentence]) -> list[Sentence]:
    seen = {s.start for s in a}
    return a + [s for s in b if s.start not in seen]


def _dates_of_conjuncts(f: _SentenceFacts, places: list[PlaceMatch]) -> dict[int, DateMatch]:
    """When each place of a wave is followed by a date of its own before the next place, and those dates
    differ, each place's date (by the place's start); else nothing."""
    if len(places) < 2:
        return {}
    ordered = sorted(places, key=lambda p: p.start)
    bounds = [p.start for p in ordered[1:]] + [len(f.sentence.text)]
    own: dict[int, DateMatch] = {}
    for p, limit in zip(ordered, bounds, strict=True):
        found = next((d for d in f.dates if d.range is not None and p.end <= d.start < limit), None)
        if found is None:
            return {}
        own[p.start] = found
    return own if len({d.range for d in own.values()}) > 1 else {}


# "the Eidgah vegetable market of Parachinar": what comes before "of", "in" or "near" a place is inside it
_PART_OF_NEXT = re.compile(r"\s+(?:(?!and\b|or\b|but\b|on\b|to\b|from\b|with\b|by\b)[\w'-]+\s+){0,4}?"
                           r"(?:of|in|near)\s+(?:the\s+)?")


def _most_specific(places: list[PlaceMatch], text: str = "") -> list[PlaceMatch]:
    """Drop places that only name the unit around another place in the list, and repeats; and a lone
    match in one country when another country is named twice ("saint Lal Shahbaz Qalandar in Sehwan, in
    Sindh": "Lal" is part of a name, not a town in Afghanistan); and a name told as part of the place after
    it that the gazetteer puts in another province (a market named after a village elsewhere)."""
    places = [p for p in places if not any(
        q.start > p.end and q.place.precision <= 2 and p.place.precision == 1 and p.place.admin1 != q.place.admin1
        and _PART_OF_NEXT.fullmatch(text, p.end, q.start) for q in places)]
    by_country: dict[str, int] = {}
    for p in places:
        by_country[p.place.country] = by_country.get(p.place.country, 0) + 1
    if len(by_country) > 1 and max(by_country.values()) >= 2:
        lead = max(by_country, key=by_country.get)
        places = [p for p in places if p.place.country == lead or by_country[p.place.country] >= 2]
    keep: list[PlaceMatch] = []
    if any(p.place.precision < 4 for p in places):
        places = [p for p in places if p.place.precision < 4]
    for p in places:
        if any(q is not p and place_contains(p.place, q.place) for q in places):
            continue
        if p.place.precision <= 2 and any(
                q.start < p.start and q.place.id != p.place.id and q.place.admin2 == p.place.name
                and q.place.country == p.place.country for q in places):
            continue  # "the Daraban area of Dera Ismail Khan": the district (or its eponymous town) around
        if any(k.place.id == p.place.id for k in keep):
            continue
        if p.place.admin2 is not None and p.text.lower() == p.place.admin2.lower() and any(
                q is not p and q.place.id != p.place.id and q.place.admin2 == p.place.admin2
                and q.place.country == p.place.country and q.place.precision <= p.place.precision for q in places):
            continue  # "Mingora, the main town of Swat": a name that is also its district's names the district
        keep.append(p)
    return keep


def _place_compatible(a: Place | None, b: Place | None, country_a: str | None, country_b: str | None) -> bool:
    if country_a and country_b and country_a != country_b:
        return False
    if a is None or b is None:
        return True
    return a.id == b.id or place_contains(a, b) or place_contains(b, a)


def _compatible(a: _Draft, b: _Draft) -> bool:
    """Places that can be one place; a country guessed from an actor's home constrains nothing."""
    return _place_compatible(a.place, b.place, None if a.country_weak else a.country,
                             None if b.country_weak else b.country)


def _same_or_unknown(a: str | None, b: str | None) -> bool:
    return a is None or b is None or a == b


def _confidence(d: _Draft) -> float:
    score = 0.35 + 0.15 * (d.trigger.strength == 2) + 0.1 * (d.actor1 is not None)
    score += 0.1 * (d.place is not None and d.place.precision <= 2) + 0.15 * (d.date_match is not None)
    score += 0.1 * bool(d.claims)
    return round(min(score, 0.95), 2)
