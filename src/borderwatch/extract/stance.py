"""A state's stance on a strike: whether the side said to have struck acknowledged, denied or left it
unconfirmed.

News gives the stance in a handful of shapes, all in one compiled regex (tried only near its stems, see
`links.AnchoredPattern`):
- unconfirmed: "did not confirm", "has not commented", "declined to comment", "could not be reached for
  comment", "There was no immediate comment from Pakistan", "rarely comments on", "neither confirmed nor
  denied", "has remained silent";
- denied: "denied", "rejected the figures", "dismissed the reports as baseless", "said it had not carried
  out", "had nothing to do with";
- acknowledged: only when the object is the act itself: "confirmed the strikes", "acknowledged carrying
  out", "said it had targeted", "claimed responsibility". "Confirmed that eight people were killed" is a
  casualty report, and a negated verb ("did not confirm the strikes") is unconfirmed, never acknowledged.

The stance holder is the actor before the phrase in its clause (the first one of the clause when the verb
has no subject of its own: "Pakistan struck ... but denied hitting civilians"), or the one right after
"from"/"by" ("no comment from Pakistan", "denied by Islamabad").
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from borderwatch.extract.actors import ActorMatch
from borderwatch.extract.scan import AnchoredPattern


class Stance(enum.StrEnum):
    ACKNOWLEDGED = "acknowledged"
    DENIED = "denied"
    UNCONFIRMED = "unconfirmed"


@dataclass(frozen=True, slots=True)
class StanceMatch:
    start: int                # the stance phrase: "did not confirm", "denied", "has not commented"
    end: int
    stance: Stance
    actor: ActorMatch | None  # who takes the stance; None when the sentence does not say


# ---- the phrases, written for lower-cased text ------------------------------------------------

_HEDGES = (r"(?:\s+(?:immediately|yet|officially|publicly|formally|openly|so\s+far|explicitly|directly|"
           r"specifically|usually|generally|typically|even|still|then|ever))*")
_NEGATION = (
    rf"(?:(?:did|does|do|has|have|had|would|could|will|was|were|is|are)(?:n't|n\u2019t|{_HEDGES}\s+not)"
    r"|never|rarely|seldom|(?:has|have|had)\s+yet\s+to|(?:declined|declines|decline|declining|refused|refuses|"
    r"refuse|refusing)\s+to|refrained\s+from|without)"
)
_REQUEST = r"(?:requests?|calls?|messages?|e-?mails?|quer(?:y|ies)|questions?|inquir(?:y|ies)|comment)"
# "did not respond" is a stance only toward a journalist: "did not respond to requests for comment"
_ANSWER_VERB = (r"(?:respond\w*|repl(?:y|ied|ies|ying))"
                rf"(?=\s*(?:[.,;]|$|to\s+(?:[\w-]+\s+){{0,2}}{_REQUEST}))|return\w*\s+(?:[\w-]+\s+)?{_REQUEST}")
_UNCONFIRMED_VERB = (r"(?:confirm\w*|comment\w*|acknowledg\w*|admit\w*|discuss\w*|claim\w*|"
                     rf"den(?:y|ied|ies|ying)|{_ANSWER_VERB})")
_SELF = (r"(?:it|they|we|(?:its|their|our)\s+(?:own\s+)?(?:[\w-]+\s+){0,2}?(?:forces|troops|jets|aircraft|"
         r"warplanes|drones|military|army|air\s+force|soldiers|personnel|fighters|mujahideen|units|guards))")
_SPEECH = (r"(?:said|says|say|stated|states|announced|announces|claimed|claims|confirmed|confirms|"
           r"acknowledged|acknowledges|admitted|admits|declared|added|insisted|maintained)")
_ACT_VERB = (r"(?:carried\s+out|conducted|struck|targeted|launched|hit|bombed|attacked|mounted|executed|"
             r"destroyed|shelled|pounded|raided|undertaken|undertook|retaliated|responded|fired)")
_ACT_GERUND = r"(?:carrying\s+out|conducting|striking|targeting|launching|bombing|hitting|mounting|attacking)"
_ACT_NOUN = (r"(?:strikes?|air\s?strikes?|air\s+raids?|raids?|bombings?|operations?|shelling|involvement|"
             r"role|incursions?|action)")
_FALSE = (r"(?:baseless|false|untrue|unfounded|fabricated|propaganda|lies|a\s+lie|incorrect|misleading|"
          r"exaggerated|concocted)")
_CLAIM_NOUN = (r"(?:claims?|reports?|allegations?|accusations?|figures|charges?|assertions?|numbers|toll|"
               r"version|narrative|statements?)")
_ADMIT = r"(?:confirm(?:ed|s|ing)?|acknowledg(?:ed|es|ing|e)|admit(?:ted|s|ting)?(?:\s+to)?)"
_FILLER = r"(?:(?!that\b)[\w'\u2019-]+\s+)"  # a word of the object, but never the start of a "that" clause

# (stance, pattern): the first alternative matching at the leftmost position wins, so negated and
# "neither ... nor" forms, which start before their verb, take precedence over the bare verbs.
_STANCE_PATTERNS: list[tuple[Stance, str]] = [
    (Stance.UNCONFIRMED, r"\b(?:neither|would\s+neither)\s+(?:confirm\w*\s+nor\s+den(?:y|ied|ies)|"
                         r"den(?:y|ied|ies)\s+nor\s+confirm\w*)"),
    (Stance.DENIED, rf"\b{_SPEECH}\s+(?:that\s+)?{_SELF}\s+(?:had|has|have|did|was|were)(?:n't|\s+not)\s+"
                    r"(?:been\s+)?(?:involved|carr\w*(?:\s+out)?|conduct\w*|strike|struck|target\w*|launch\w*|fire|fired|"
                    r"attack\w*|bomb\w*|hit)"),
    (Stance.UNCONFIRMED, rf"\b{_NEGATION}{_HEDGES}\s+{_UNCONFIRMED_VERB}(?:\s+(?:or|nor)\s+den(?:y|ied|ies))?"
                         r"(?:\s+by\b)?"),
    (Stance.UNCONFIRMED, r"\bcould(?:n't|n\u2019t|\s+not)\s+be\s+(?:immediately\s+|independently\s+)?"
                         r"(?:reached|contacted)(?:\s+for\s+(?:a\s+)?comment)?"),
    (Stance.UNCONFIRMED, r"\b(?:(?:was|were|is|are)\s+not\s+(?:immediately\s+)?available|unavailable)\s+"
                         r"(?:for|to)\s+comment"),
    (Stance.UNCONFIRMED, r"\b(?:remained|remains|remain|kept|stayed|stays|(?:has|have)\s+been|was|were)\s+"
                         r"(?:largely\s+|conspicuously\s+|officially\s+|publicly\s+)?(?:silent|tight-lipped|mum)\b"),
    (Stance.UNCONFIRMED, r"\bno\s+(?:immediate\s+|official\s+|public\s+|formal\s+)?(?:comment|confirmation|"
                         r"acknowledge?ment)(?:\s+(?:from|by)\b)?"),
    (Stance.UNCONFIRMED, r"\bno\s+(?:immediate\s+|official\s+|public\s+|formal\s+)?(?:response|reaction|word|"
                         r"statement)\s+from\b"),
    (Stance.DENIED, r"\b(?:(?:had|has|have|played|plays|play)\s+no\s+(?:role|part|hand|involvement)|"
                    r"(?:had|has|have)\s+nothing\s+to\s+do\s+with|(?:was|were|is|are)(?:n't|\s+not)\s+involved|"
                    r"no\s+truth\s+(?:in|to))\b"),
    (Stance.DENIED, r"\b(?:issued|issues|released)\s+an?\s+(?:[\w-]+\s+)?denial\b"),
    (Stance.DENIED, r"\bden(?:y|ies|ied|ying)\b(?!\s+(?:entry|access|bail|permission|visas?|passage|them|him|"
                    r"her|the\s+right|landing))(?:\s+by\b)?"),
    (Stance.DENIED, r"\b(?:rejected|rejects|reject|rejecting|dismissed|dismisses|dismiss|dismissing|refuted|"
                    rf"refutes|rebutted|rebuts|disputed|disputes|contested)\s+(?:as\s+{_FALSE}\s+)?{_FILLER}{{0,3}}?"
                    rf"{_CLAIM_NOUN}\b"),
    (Stance.DENIED, rf"\b(?:dismissed|rejected|termed|called|described|branded)\s+{_FILLER}{{0,4}}?(?:as\s+)?"
                    rf"{_FALSE}"),
    (Stance.DENIED, rf"\b{_CLAIM_NOUN}\s+(?:were|was|are|is)\s+(?:[\w-]+\s+)?{_FALSE}"),
    (Stance.ACKNOWLEDGED, rf"\b{_SPEECH}\s+(?:that\s+)?{_SELF}\s+(?:had\s+|has\s+|have\s+)?"
                          rf"(?:(?:also|successfully|only|precisely|effectively|now|then)\s+)?{_ACT_VERB}\b"),
    (Stance.ACKNOWLEDGED, rf"\b(?:{_ADMIT}|claim(?:ed|s|ing)?)\s+(?:having\s+)?{_ACT_GERUND}\b"),
    (Stance.ACKNOWLEDGED, rf"\b{_ADMIT}\s+(?:the|its|their|these|those)?\s*{_FILLER}{{0,2}}?{_ACT_NOUN}\b"),
    (Stance.ACKNOWLEDGED, r"\b(?:claim(?:ed|s|ing)?|took|take|takes|taken|taking|accept(?:ed|s|ing)?|"
                          r"owned)\s+(?:full\s+|sole\s+)?responsibility\b"),
    (Stance.ACKNOWLEDGED, r"\b(?:claim(?:ed|s|ing)?|owned\s+(?:up\s+to\s+)?)\s*(?:the|these|its|their)\s+"
                          rf"{_FILLER}{{0,2}}?(?:strikes?|attacks?|bombings?|raids?|operations?)\b"),
    # "the strikes were confirmed by Islamabad": the passive counts only when its subject is the act
    (Stance.ACKNOWLEDGED, r"\b(?:was|were|has\s+been|have\s+been)\s+(?:later\s+|officially\s+|also\s+)?"
                          r"(?:confirmed|acknowledged|claimed)\s+by\b"),
]
_PASSIVE_ACKNOWLEDGED = len(_STANCE_PATTERNS) - 1

# Every phrase holds one of these stems; each with how far before it the phrase can start ("has not yet
# officially confirmed", "termed the Afghan government's claims baseless"); 0 for a stem that begins it.
_SPEECH_STEMS = ("said", "say", "state", "announc", "declar", "added", "insist", "maintain")
_DISMISSAL_STEMS = ("reject", "dismiss", "refut", "rebut", "disput", "contest", "owned")
_NEGATABLE_STEMS = ("confirm", "comment", "acknowledg", "admit", "discuss", "claim", "deny", "deni", "respon",
                    "repl", "return")
_FALSE_STEMS = ("baseless", "false", "untrue", "unfounded", "fabricat", "propaganda", "lies", "a lie",
                "incorrect", "mislead", "exaggerat", "concoct")
# The words a phrase can begin with before its stem ("didn" is how "didn't" splits into words).
_PHRASE_STARTS = frozenset(
    "did does do has have had would could will was were is are didn doesn don hasn haven hadn wouldn couldn "
    "won wasn weren isn aren never rarely seldom declined declines decline declining refused refuses refuse "
    "refusing refrained without neither unavailable remained remains remain kept stayed stays been no there "
    "played plays play issued issues released took take takes taken taking accepted accepts accept accepting "
    "termed called described branded strikes strike airstrikes air raids raid operations operation bombings "
    "bombing attacks attack shelling involvement claim claims report reports allegation allegations "
    "accusation accusations figures charge charges assertion assertions numbers toll version narrative "
    "statement statements".split()
)
_STANCES = AnchoredPattern.compile(
    "|".join(f"(?P<s{i}>{pattern})" for i, (_, pattern) in enumerate(_STANCE_PATTERNS)),
    {
        **dict.fromkeys(_SPEECH_STEMS + _DISMISSAL_STEMS, 0),
        **dict.fromkeys(_NEGATABLE_STEMS, 50),
        **dict.fromkeys(_FALSE_STEMS, 60),
        "neither": 10, "reach": 35, "contact": 35, "silent": 35, "tight-lipped": 35, "mum": 35,
        "reaction": 25, "no word": 25, "statement": 25, "no role": 10, "no part": 10, "no hand": 10,
        "no involvement": 10, "nothing": 10, "involved": 15, "truth": 5,
    },
    starts=_PHRASE_STARTS,
)

_ACT_SUBJECT_BEFORE = re.compile(
    r"\b(?:strikes?|airstrikes?|air\s+strikes?|raids?|operations?|bombings?|attacks?|shelling|involvement)\s+"
    r"(?:[\w'-]+\s+){0,3}$",
    re.IGNORECASE,
)
# "No group has claimed responsibility", "nobody acknowledged": nobody's stance
_NOBODY_BEFORE = re.compile(r"\b(?:no\s+(?:[\w-]+\s+){0,2}|nobody\s+|no\s+one\s+|none\s+)"
                            r"(?:has\s+|have\s+|had\s+)?(?:yet\s+|so\s+far\s+|immediately\s+)*$",
                            re.IGNORECASE)
# Where a clause ends for finding the stance holder: sentence punctuation or a dash.
_HARD_BREAK = re.compile(r"[.;:!?](?=\s|$)|\s[-\u2013\u2014]\s|\u2014")
# The verb has no subject of its own: "..., denied", "... but did not confirm"
_SUBJECTLESS = re.compile(r"(?:,|\b(?:and|but|while|however,?))\s*$", re.IGNORECASE)
_HOLDER_AFTER = re.compile(r"\b(?:by|from)$", re.IGNORECASE)
# "Pakistan's claims", "Kabul's version": a possessor of what is denied, not the one denying
_POSSESSED = re.compile(r"['\u2019]s\s+(?:[\w-]+\s+)?(?:claims?|reports?|allegations?|accusations?|figures|"
                        r"strikes?|airstrikes?|attacks?|version|account|narrative|statements?)\b",
                        re.IGNORECASE)
_AFTER_WINDOW = 40


def find_stances(text: str, actors: list[ActorMatch]) -> list[StanceMatch]:
    """Every stance phrase in `text` (one sentence) and who takes it, from the sentence's actor matches."""
    found = []
    for m in _STANCES.finditer(text):
        index = int(m.lastgroup[1:])
        stance = _STANCE_PATTERNS[index][0]
        if index == _PASSIVE_ACKNOWLEDGED and not _ACT_SUBJECT_BEFORE.search(text, max(0, m.start() - 60),
                                                                             m.start()):
            continue
        if stance is Stance.ACKNOWLEDGED and _NOBODY_BEFORE.search(text, max(0, m.start() - 40), m.start()):
            continue
        found.append(StanceMatch(m.start(), m.end(), stance, _holder(text, m, actors)))
    return found


def _holder(text: str, m: re.Match[str], actors: list[ActorMatch]) -> ActorMatch | None:
    if _HOLDER_AFTER.search(m.group()):
        return _actor_after(text, m.end(), actors)
    clause_start = max((b.end() for b in _HARD_BREAK.finditer(text, 0, m.start())), default=0)
    before = [a for a in actors
              if clause_start <= a.start and a.end <= m.start() and not _is_possessor(text, a)]
    if not before:
        return None
    if _SUBJECTLESS.search(text, clause_start, m.start()):
        return before[0]  # "Pakistan struck ... but denied": the subject of the clause
    return before[-1]


def _actor_after(text: str, end: int, actors: list[ActorMatch]) -> ActorMatch | None:
    for a in actors:
        if end <= a.start <= end + _AFTER_WINDOW and not _HARD_BREAK.search(text, end, a.start):
            return a
    return None


def _is_possessor(text: str, actor: ActorMatch) -> bool:
    return _POSSESSED.match(text, actor.end) is not None
