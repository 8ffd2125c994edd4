"""References from one event to an earlier one: the words behind a `responds_to` link.

News ties an act to an earlier one in a few shapes, all in one compiled regex (tried only near its stems,
see `AnchoredPattern`):
- a retaliation or response cue: "in retaliation for", "in response to", "a befitting reply to",
  "to avenge", "retaliated against";
- a timed sequence: "came two days after", "a day after", "hours after", "the week following";
- "came/happened/took place after" and "following" / "in the wake of" before a violent event;
- a bare "after", only when the sentence calls its own act a retaliation ("retaliatory strikes after
  militants stormed a post"): on its own "after the strike, the Taliban said" just orders a story.

A cue counts only when the words after it describe a violent event (an attack, a killing, strikes...)
early on, so "after the meeting", "in response to a question" and "two days after the election" are no
references. The description runs to the end of the cue's clause, without a trailing ", officials said".
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from borderwatch.extract.scan import AnchoredPattern


class Relation(enum.StrEnum):
    RESPONDS_TO = "responds_to"


@dataclass(frozen=True, slots=True)
class ReferenceCue:
    start: int                 # the cue phrase: "in retaliation for", "came two days after"
    end: int
    relation: Relation
    target_start: int          # the words describing the earlier event
    target_end: int
    description: str
    days_before: int | None    # how long before the responding event the earlier one was; None: unknown
    retaliatory: bool          # the sentence's own act is explicitly a retaliation or response


class _Cue(enum.Enum):
    """The shapes of cue, each with how far into its target a violent-event word must appear."""

    RESPONSE = "response"      # "in retaliation for", "in response to"
    VERB = "verb"              # "retaliated against", "responded to"
    AVENGE = "avenge"          # "to avenge", "in revenge for", "retaliatory strikes for"
    TIMED = "timed"            # "two days after", "came hours after"
    OCCURRED = "occurred"      # "came after", "took place shortly after"
    FOLLOWING = "following"    # "following", "in the wake of"
    FOLLOWED = "followed"      # "the strikes followed a suicide attack"
    AFTER = "after"            # a bare "after": a reference only in a retaliation sentence


_RETALIATORY_CUES = frozenset({_Cue.RESPONSE, _Cue.VERB, _Cue.AVENGE})
# How many words of the target may come before the violent-event word. Twelve lets a timed cue's own
# clause subject through ("two days after seven soldiers of the Frontier Corps were killed"); "following"
# and "retaliated against" take their object right away, so a far violent word is about something else.
_VIOLENCE_WITHIN = {
    _Cue.RESPONSE: 12, _Cue.VERB: 5, _Cue.AVENGE: 12, _Cue.TIMED: 12, _Cue.OCCURRED: 12,
    _Cue.FOLLOWING: 4, _Cue.FOLLOWED: 5, _Cue.AFTER: 8,
}

_NUMBER = (r"\d{1,3}|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a\s+couple\s+of|"
           r"a\s+few|few|several|the")
_OCCURRED_VERB = (r"came|comes|come|coming|happened|occurred|took\s+place|followed|unfolded|"
                  r"(?:was|were)\s+(?:launched|carried\s+out|conducted)")
_QUALIFIER = (r"(?:just|only|barely|nearly|about|some|roughly|almost|around|less\s+than|more\s+than|over|"
              r"within)")
_RESPONSE_ADJECTIVE = (r"apparent|swift|possible|likely|direct|immediate|clear|tit-for-tat|befitting|fitting|"
                       r"measured|proportionate|strong|robust|effective|retaliatory")

# Written for lower-cased text: a case-sensitive pattern runs several times faster in CPython.
_CUE_PATTERN = (
    # "in apparent retaliation for", "as a response to", "in what it called retaliation for", "a befitting
    # reply to", "revenge for"
    rf"(?P<response>(?:\b(?:in|as)\s+(?:what\s+(?:[\w'-]+\s+){{1,3}}?(?:called|termed|described\s+as|said\s+was)\s+)?)?"
    rf"(?:\b(?:an?)\s+)?(?:\b(?:{_RESPONSE_ADJECTIVE})\s+)?"
    r"\b(?:retaliation|response|reprisal|revenge|reply|reaction)\s+(?:for|to|against)\b)"
    r"|(?P<verb>\b(?:retaliat(?:e|es|ed|ing)|respond(?:s|ed|ing)?)\s+(?:for|to|against)\b)"
    r"|(?P<avenge>\b(?:to\s+)?aveng(?:e|es|ed|ing)\b|\b(?:to\s+)?(?:take|takes|took|taking|taken)\s+revenge\s+for\b"
    r"|\bretaliatory\s+(?:[\w-]+\s+){1,2}?for\b)"
    # "came barely 48 hours after", "two days after", "the day after", "hours after", "the week following"
    rf"|(?P<timed>(?:\b(?:{_OCCURRED_VERB})\s+)?(?:\b{_QUALIFIER}\s+)?(?:\b(?P<number>{_NUMBER})\s+)?"
    r"\b(?P<unit>minutes?|hours?|days?|weeks?|months?)\s+(?:after|following)\b)"
    rf"|(?P<occurred>\b(?:{_OCCURRED_VERB})\s+(?:(?P<soon>just|shortly|soon|only|immediately|moments|minutes)\s+)?"
    r"(?:after|following|in\s+the\s+wake\s+of|in\s+the\s+aftermath\s+of)\b)"
    r"|(?P<following>\b(?:following(?!\s+(?:day|days|week|weeks|morning|night|year|month|statement|words)\b)"
    r"|in\s+the\s+wake\s+of|in\s+the\s+aftermath\s+of)\b)"
    r"|(?P<followed>\bfollowed\b(?!\s+(?:by|suit|up|closely|through)\b))"
    r"|(?P<after>\bafter\b)"
)
# Every cue holds one of these stems, at most about 60 characters from its start ("in what Pakistani
# officials described as a befitting response", "came barely 48 hours after").
_CUES = AnchoredPattern.compile(
    _CUE_PATTERN,
    dict.fromkeys(("retaliat", "respon", "repris", "reveng", "repl", "reaction", "aveng", "after", "follow",
                   "wake"), 60),
    starts=(
        "in as a an to take takes took taking taken came comes come coming happened occurred followed "
        "unfolded was were just only barely nearly about some roughly almost around less more over within "
        "one two three four five six seven eight nine ten eleven twelve few several the minute minutes hour "
        "hours day days week weeks month months retaliatory".split()
        + _RESPONSE_ADJECTIVE.split("|")
    ),
)

# Words just before a retaliation cue that make it a threat or a plan: "vowed to avenge", "will respond to".
_IRREALIS_BEFORE = re.compile(
    r"\b(?:will|would|could|might|(?-i:may)|shall|must|vow\w*|threat\w*|warn\w*|pledg\w*|promis\w*|plan\w*|"
    r"intend\w*|right|reserves?|seek\w*|urg\w*|fears?|feared|risk\w*|prepar\w*|ready|possibility|call\w*\s+for)\b"
    r"[^.;,]{0,25}$",
    re.IGNORECASE,
)
_IRREALIS_WINDOW = 40

# Words that say the sentence's own act is a retaliation even when no earlier event is described.
# "in response to" is not among them: "in response to a question" answers nothing violent.
_RETALIATION_WORD_PATTERN = (
    r"\b(?:retaliat\w*|aveng\w*|reveng\w*|reprisals?|counter-?attack\w*|counter-?offensives?|tit-for-tat)\b"
    r"|\b(?:hit|hits|struck|strikes?|striking)\s+back\b|\bresponded\s+(?:with|by)\b"
    r"|\b(?:in|as)\s+(?:an?\s+)?(?:[\w-]+\s+)?response\b(?!\s+to\b)"
    rf"|\b(?:an?|its|their)\s+(?:{_RESPONSE_ADJECTIVE})\s+(?:response|reply)\b(?!\s+to\b)"
)
_RETALIATION_WORDS = AnchoredPattern.compile(
    _RETALIATION_WORD_PATTERN,
    {"retaliat": 0, "aveng": 0, "reveng": 0, "repris": 0, "counter": 0, "tit-for-tat": 0, "back": 10,
     "respon": 30, "repl": 30},
    starts=("hit hits struck strike strikes striking responded in as a an its their".split()
            + _RESPONSE_ADJECTIVE.split("|")),
)

# ---- the target description -------------------------------------------------------------------

_TARGET_WORD = re.compile(r"[a-z]+(?:-[a-z]+)*")
_VIOLENT_WORDS = frozenset(
    "attack attacks attacked attacking strike strikes struck airstrike airstrikes raid raids raided bombing "
    "bombings bombed bomb bombs blast blasts explosion explosions killed killing killings kill kills "
    "martyred martyrdom murder murders murdered assassination assassinations assassinated ambush ambushes "
    "ambushed suicide bomber bombers rammed gunmen "
    "shelling shelled fire firing fired gunfire assault assaults assaulted massacre massacres massacred "
    "stormed storming death deaths died slain shot shooting shootings beheading beheaded abduction abducted "
    "kidnapping kidnapped clash clashes clashed fighting offensive incursion incursions bombardment "
    "bombardments rocket rockets mortar mortars violence wounded injured casualties onslaught siege".split()
)
# Heads that make the words after a cue about something other than an event, even when a violent word
# follows: "in response to a question about the strikes", "two days after reports of shelling".
_NON_EVENT_HEADS = frozenset(
    "question questions query queries criticism request requests report reports call calls allegation "
    "allegations accusation accusations claim claims remark remarks comment comments statement statements "
    "concern concerns letter letters demand demands inquiry appeal appeals protest protests pressure threat "
    "threats warning warnings move decision decisions policy policies use presence support sanctions closure "
    "meeting meetings talks election elections visit speech summons hunger labour labor ceasefire cease-fire "
    "truce deal agreement".split()
)
_NOT_VIOLENT_COMPOUNDS = frozenset({"cease-fire", "hunger-strike"})

# Where a description can end: sentence punctuation, a dash, a comma, or a conjunction starting a new
# clause. Commas are looked at one by one (an appositive place or a relative clause continues).
_TARGET_STOP = re.compile(
    r"[;:!?]|(?<=[A-Za-z0-9]{2})\.(?=\s|$)|\s[-\u2013\u2014]\s|\u2014|,"
    r"|\s(?:but|while|whereas|because|although|though|as|and|instead\s+of|rather\s+than|thereby)\s"
)
# ", North Waziristan," / ", Afghanistan." / ", Khyber Pakhtunkhwa province": a place named after a place
_APPOSITIVE_PLACE = re.compile(
    r",\s+(?:[A-Z][\w'-]*\s+(?:and\s+)?){0,2}[A-Z][\w'-]*"
    r"(?=\s*(?:[,.;]|$|\s(?:province|district|region|agency|tribal\s+district|valley|areas?)\b))"
)
# ", which killed seven soldiers", ", killing two": the earlier event described further
_CONTINUING_CLAUSE = re.compile(
    r",\s+(?:which|that|who|where|in\s+which|killing|wounding|injuring|leaving|claiming|including)\b",
    re.IGNORECASE,
)
# "... and vowed to continue": a new verb of the responding side ends the description; "and killed" goes on
_AND_NEW_CLAUSE = re.compile(
    r"\s+and\s+(?:then\s+|also\s+)?(?:said|says|vowed|warned|added|called|urged|promised|pledged|summoned|"
    r"demanded|accused|threatened|announced|claimed|denied|insisted|asked|lodged|closed|suspended)\b",
    re.IGNORECASE,
)
_TRAILING = " \t\n,.'\u2019\"\u201d"

_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "the": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a couple of": 2,
}
# Days per unit; a month is counted as 30 days, which is as precise as "a month after" is.
_UNIT_DAYS = {"minute": 0, "hour": 0, "day": 1, "week": 7, "month": 30}
_SOON = frozenset({"shortly", "immediately", "moments", "minutes"})


def find_references(text: str) -> list[ReferenceCue]:
    """Every place where `text` (one sentence) ties its event to an earlier violent one."""
    matches = _CUES.finditer(text)
    if not matches:
        return []
    retaliation_sentence: bool | None = None  # looked up only when a cue needs it
    found = []
    for index, m in enumerate(matches):
        kind = _kind_of(m)
        if kind in _RETALIATORY_CUES:
            if _is_irrealis(text, m.start()):
                continue
        elif retaliation_sentence is None:
            retaliation_sentence = _names_retaliation(text)
        if kind is _Cue.AFTER and not retaliation_sentence:
            continue
        limit = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        cue = _reference(text, m, kind, limit, kind in _RETALIATORY_CUES or bool(retaliation_sentence))
        if cue is not None:
            found.append(cue)
    return found


def _kind_of(m: re.Match[str]) -> _Cue:
    for kind in _Cue:
        if m.group(kind.value) is not None:
            return kind
    raise AssertionError(f"a cue match names no cue group: {m.group()!r}")


def _is_irrealis(text: str, at: int) -> bool:
    """'vowed to avenge', 'warned it would retaliate': a threat names no act that happened."""
    return _IRREALIS_BEFORE.search(text, max(0, at - _IRREALIS_WINDOW), at) is not None


def is_retaliation(text: str) -> bool:
    """Whether the sentence calls its own act a retaliation or response, with or without saying to what:
    "Pakistan carried out retaliatory strikes", "in retaliation for the attack". Threats ("vowed to
    retaliate") and answers to questions are not."""
    return _names_retaliation(text) or any(cue.retaliatory for cue in find_references(text))


def _names_retaliation(text: str) -> bool:
    """A retaliation word, not under a threat."""
    return any(not _is_irrealis(text, m.start()) for m in _RETALIATION_WORDS.finditer(text))


def _reference(text: str, m: re.Match[str], kind: _Cue, limit: int, retaliatory: bool) -> ReferenceCue | None:
    target_start = _skip_spaces(text, m.end())
    target_end = _target_end(text, target_start, limit, cut_at_with=kind is _Cue.VERB)
    if target_end <= target_start:
        return None
    description = text[target_start:target_end]
    if not _describes_violence(description, _VIOLENCE_WITHIN[kind]):
        return None
    if kind is _Cue.TIMED:
        days = _days_before(m)
    else:  # "came shortly after": the same day; any other untimed cue says nothing of the gap
        days = 0 if kind is _Cue.OCCURRED and m.group("soon") in _SOON else None
    return ReferenceCue(m.start(), m.end(), Relation.RESPONDS_TO, target_start, target_end, description, days,
                        retaliatory)


def _skip_spaces(text: str, at: int) -> int:
    while at < len(text) and text[at].isspace():
        at += 1
    return at


def _target_end(text: str, start: int, limit: int, cut_at_with: bool) -> int:
    """Where the description starting at `start` ends: at the first stop that starts a new clause."""
    end = limit
    for stop in _TARGET_STOP.finditer(text, start, limit):
        token = stop.group()
        if token == ",":
            if _APPOSITIVE_PLACE.match(text, stop.start()) or _CONTINUING_CLAUSE.match(text, stop.start()):
                continue
        elif token.strip() == "and":
            if not _AND_NEW_CLAUSE.match(text, stop.start()):
                continue
        elif token.strip() == "as" and _is_comparison_as(text, stop):
            continue
        end = stop.start()
        break
    if cut_at_with:  # "retaliated against Pakistani posts with heavy fire": the means, not the target
        with_at = text.find(" with ", start, end)
        end = with_at if with_at >= 0 else end
    end = _cut_means(text, start, end)
    return len(text[start:end].rstrip(_TRAILING)) + start


_MEANS = re.compile(r"\sby\s+(?:[a-z]+ing)\b")  # "responded to the attack by shelling ..."


def _cut_means(text: str, start: int, end: int) -> int:
    m = _MEANS.search(text, start, end)
    return m.start() if m else end


def _is_comparison_as(text: str, stop: re.Match[str]) -> bool:
    """'such as' and 'as well as' continue a description; a clause-starting 'as' ends it."""
    return (text[max(0, stop.start() - 4):stop.start()].lower() == "such"
            or text[stop.end():stop.end() + 8].lower().startswith("well as"))


def _describes_violence(description: str, within: int) -> bool:
    """Whether a violent-event word comes within the first `within` words, before any non-event head."""
    for count, m in enumerate(_TARGET_WORD.finditer(description.lower())):
        if count >= within:
            return False
        word = m.group()
        if word in _NON_EVENT_HEADS:
            return False
        if word in _VIOLENT_WORDS:
            return True
        if "-" in word and word not in _NOT_VIOLENT_COMPOUNDS and word.rsplit("-", 1)[1] in _VIOLENT_WORDS:
            return True  # "drone-strike", "gun-attack"
    return False


def _days_before(m: re.Match[str]) -> int | None:
    """'two days after' -> 2, 'a week after' -> 7, '48 hours after' -> 2, 'hours after' -> 0,
    'days after' -> None: how long, in whole days, when the text says."""
    unit = m.group("unit").lower()
    singular = unit.rstrip("s")
    number = m.group("number")
    if number is None:
        # "hours after" is the same day or so; "days after" could be any number of them
        return 0 if singular in ("minute", "hour") else None
    number = " ".join(number.lower().split())
    if number == "the" and singular != unit:
        return 0 if singular in ("minute", "hour") else None  # "in the days after": how many, unsaid
    count = int(number) if number.isdigit() else _NUMBER_WORDS.get(number)
    if count is None:  # "several days", "a few weeks"
        return 0 if singular in ("minute", "hour") else None
    if singular == "hour":
        return count // 24
    return count * _UNIT_DAYS[singular]
