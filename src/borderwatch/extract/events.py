"""Event triggers: the words that say something violent happened, and what kind of thing it was.

A trigger table maps phrases to ACLED event and sub-event types. Generic triggers ("attack", "killed")
get their type from cues in their clause (a suicide vest, a roadside bomb, jets, artillery, civilian
targets). Filters drop what is not an event: plans, threats, hypotheticals, denials, references back to
an earlier event, aggregates ("506 attacks in 2022") and generic plurals ("terror attacks").
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from borderwatch.model import BATTLES, EXPLOSIONS, VIOLENCE_AGAINST_CIVILIANS

AIR = (EXPLOSIONS, "Air/drone strike")
SHELLING = (EXPLOSIONS, "Shelling/artillery/missile attack")
SUICIDE = (EXPLOSIONS, "Suicide bomb")
IED = (EXPLOSIONS, "Remote explosive/landmine/IED")
GRENADE = (EXPLOSIONS, "Grenade")
CLASH = (BATTLES, "Armed clash")
TAKEOVER = (BATTLES, "Non-state actor overtakes territory")
REGAIN = (BATTLES, "Government regains territory")
CIVILIAN_ATTACK = (VIOLENCE_AGAINST_CIVILIANS, "Attack")
ABDUCTION = (VIOLENCE_AGAINST_CIVILIANS, "Abduction/forced disappearance")
GENERIC = (None, None)

# (pattern, type, strength). Strength: 2 = names the act ("airstrike"); 1 = generic act ("attack",
# "killed") typed from its clause; 0 = weak ("operation", "incursion"): only counts when nothing stronger
# is in the sentence. Order matters only for readability: the longest match at a position wins.
_TRIGGER_TABLE: list[tuple[str, tuple[str | None, str | None], int]] = [
    (r"air[ -]?strikes?|air[ -]?raids?|aerial (?:bombardments?|bombings?|attacks?|strikes?)", AIR, 2),
    (r"drone (?:strikes?|attacks?)|drone-strikes?|bombing (?:raids?|runs?|sorties)", AIR, 2),
    (r"shell(?:ing|ed|s)|artillery (?:fire|shells?|attacks?|barrages?|strikes?)|bombardments?", SHELLING, 2),
    (r"mortar (?:fire|shells?|attacks?|rounds?|bombs?)|mortars? (?:were |was )?fired", SHELLING, 2),
    (r"rocket (?:attacks?|fire|strikes?)|rockets? (?:were |was )?fired|fired (?:\w+ )?rockets", SHELLING, 2),
    (r"missile (?:attacks?|strikes?)|heavy weapons fire|cross-border (?:shelling|firing)", SHELLING, 2),
    (r"fired (?:\w+ )?missiles|missiles? (?:were |was )?fired|missiles? (?:struck|hit|slammed into)", SHELLING, 2),
    (r"suicide (?:bombings?|bombs?|attacks?|blasts?|explosions?|car bombs?)", SUICIDE, 2),
    (r"suicide (?:bombers?|attackers?) (?:\w+ )?(?:struck|attacked|rammed|detonated|blew|hit|targeted|set off|"
     r"triggered|exploded)", SUICIDE, 2),
    (r"(?:blew|blowing|blow|blown) (?:himself|herself|themselves) up|self-detonat\w*|"
     r"suicide vests? (?:exploded|went off|detonated)|"
     r"detonated (?:an? |his |her |their )?(?:suicide |explosive )?vests?|"
     r"(?:set off|detonated|triggered|exploded) (?:his|her|their) (?:explosives?|bombs?|(?:explosive |suicide )?vests?|"
     r"(?:explosive[- ])?jackets?)", SUICIDE, 2),
    (r"drove (?:an? |his |their )?(?:explosives?[- ](?:laden|packed|filled)|bomb[- ]laden) (?:vehicle|car|truck|van)",
     SUICIDE, 2),
    (r"(?:drove|rammed|crashed) (?:an? |his |their )?(?:vehicle|car|truck|van|pick-?up)s? (?:packed|laden|loaded|"
     r"filled|rigged|stuffed) with explosives", SUICIDE, 2),
    (r"rammed (?:an? |two |three |his |their )?(?:explosives?[- ](?:laden|packed) )?(?:vehicles?|cars?|trucks?)",
     SUICIDE, 2),
    (r"(?:roadside|car|truck|motorcycle|bicycle|remote[- ]controlled|magnetic|sticky) bombs?", IED, 2),
    (r"improvised explosive devices?|IEDs?|land ?mines?|bomb (?:blasts?|attacks?|explosions?)", IED, 2),
    # "a bomb planted in a motorcycle exploded": the bomb and its verb, a few words apart
    (r"(?:bomb|explosives?|device)(?: (?!and |or |but )[\w'-]+){0,5}? (?:went off|exploded|detonated)|bombings?|"
     r"explosions?|blasts?", IED, 2),
    (r"grenade attacks?|hurled (?:a )?(?:hand )?grenades?|grenades? (?:was |were )?(?:hurled|thrown)", GRENADE, 2),
    (r"clash(?:es|ed)?|skirmish(?:es)?|gun ?fights?|fire ?fights?|exchanges? of fire", CLASH, 2),
    (r"exchanged fire|traded fire|gun ?battles?|pitched battles?|fierce battles?|ambush(?:ed|es)?", CLASH, 2),
    (r"fighting (?:broke out|erupted)|(?:heavy|fierce) fighting|(?:cross-border|unprovoked) firing", CLASH, 2),
    (r"(?<=the )fighting", CLASH, 2),
    (r"opened fire|fired (?:on|at|upon)|stormed|raid(?:s|ed)?|assault(?:s|ed)?|encounters?", CLASH, 2),
    # "resorted to unprovoked firing on posts", "firing from the Afghan side began": shooting as a noun
    (r"(?:unprovoked |indiscriminate |heavy |cross-border )?firing(?=\s+(?:on|at|upon|from|across|began|started|"
     r"erupted|broke out)\b)", CLASH, 2),
    (r"(?:assassination|murder) attempts?|attempts? on (?:his|her|their) li(?:fe|ves)", CIVILIAN_ATTACK, 2),
    (r"massacred?|lynch(?:ed|ing)|beheaded|executed|targeted killings?", CIVILIAN_ATTACK, 2),
    (r"abduct(?:ed|ion|ions)|kidnapp?(?:ed|ing)|kidnappings?|taken hostage", ABDUCTION, 2),
    # "gunmen seized Afghanistan's ambassador-designate": people seized are abducted, not ground taken
    (r"(?:seized|grabbed|snatched|captured) (?:[\w-]+['’]s |an? |the |two |three |four |several )?(?:[\w-]+ )?"
     r"(?:ambassadors?|envoys?|consuls?|diplomats?|officials?|engineers?|workers?|journalists?|reporters?|"
     r"geologists?|tourists?|professors?|judges?|doctors?|teachers?|students?|passengers?|aid workers?|"
     r"contractors?|businessm[ae]n|traders?|pilgrims?)\b(?:[- ]designate)?", ABDUCTION, 2),
    (r"(?:took|taken|seized|captured|gained|wrested) control of|takeover of|overran|fell to", TAKEOVER, 2),
    (r"(?:captured|seized|overran|taken|took) (?:the )?(?:(?:border|strategic|key|main|district) ){0,2}"
     r"(?:town|district|city|crossing|district headquarters|district cent(?:re|er)|provincial capital|"
     r"border post|border crossing)", TAKEOVER, 2),
    (r"(?:captured|seized|overran)(?= (?-i:[A-Z]))", TAKEOVER, 2),  # "captured Spin Boldak"
    (r"sieges?", CLASH, 2),
    # taking ground back: the state's forces, as a rule (mentions.py turns it round when a group does it)
    (r"(?:regained|regain|retook|retaken|recaptured|recapture|reclaimed|wrested back|re-established)"
     r"(?: full| complete)?(?: control(?: of| over)?)?|"
     r"(?:cleared|flushed|purged) (?:[\w-]+ ){0,4}?of (?:militants|terrorists|insurgents|the taliban|khwarij)|"
     r"(?:pushed|drove|driven|flushed|ousted|expelled) (?:them|the (?:taliban|militants|insurgents|terrorists)|"
     r"militants|insurgents|terrorists) out of", REGAIN, 2),
    (r"strikes?|struck|bombed|pounded|strafed|hit(?=\s+(?:\w+\s+)?(?:targets?|hideouts?|positions?|camps?|"
     r"posts?|compounds?|homes?|houses?|villages?|bases?))", AIR, 1),
    (r"attack(?:s|ed|ing)?|killed|killing|martyred|shot dead|gunned down|assassinated|slain|eliminated|"
     r"stabbed(?: to death)?|(?:hacked|beaten|clubbed) to death|strangled|burn(?:ed|t) alive|"
     # "was shot in the head", "shot a teacher at close range", "shot and wounded": a shooting, not a film
     r"shot(?=\s+(?:[\w'-]+\s+){0,3}?(?:and (?:killed|wounded|injured)|in the (?:head|chest|neck|back|legs?|face)"
     r"|at (?:point-blank|close) range))|"
     r"neutrali[sz]ed|targeting(?!\s+(?:of|operations?|strikes?|airstrikes?|killings?)\b)", GENERIC, 1),
    # not a "search operation": the cordon after an attack, in which no one is said to fight
    (r"(?:military|security|counter-terrorism|intelligence-based) operations?|incursions?", CLASH, 0),
]

_TRIGGER_RE = re.compile(
    "|".join(f"(?P<t{i}>\\b(?:{pattern})\\b)" for i, (pattern, _, _) in enumerate(_TRIGGER_TABLE)),
    re.IGNORECASE,
)


def _split_top(pattern: str) -> list[str]:
    """The top-level alternatives of a regex pattern."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    parts.append(pattern[start:])
    return parts


def _group_end(alt: str) -> int:
    """The index of the parenthesis that closes the group `alt` starts with."""
    depth = 0
    for index, ch in enumerate(alt):
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0:
            return index
    raise ValueError(f"unbalanced group in trigger pattern {alt!r}")


def _leading_letters(pattern: str) -> set[str]:
    """The literal letters every match of `pattern` starts with, for each way it can start."""
    out: set[str] = set()
    for alt in _split_top(pattern):
        if alt.startswith(("(?<=", "(?<!")):  # a look-behind consumes nothing: the match starts after it
            alt = alt[_group_end(alt) + 1:]
        if alt.startswith("(?:"):
            j = _group_end(alt)
            inner, rest = alt[3:j], alt[j + 1:]
            if rest[:1] in ("?", "*"):  # an optional group: the match may start after it
                out |= _leading_letters(rest[1:])
            out |= {w for w in _leading_letters(inner)}
            continue
        head = re.match(r"[A-Za-z]+", alt)
        if head is None:
            out.add("")  # starts with something that is not a letter: no quick scan possible
            continue
        letters = head.group().lower()
        if alt[head.end():head.end() + 1] in ("?", "*", "{"):
            letters = letters[:-1]  # "blasts?": the last letter is optional
        out.add(letters)
    return out


# A quick scan for words that can start a trigger; the full table is tried only where one starts.
_FIRST_LETTERS = sorted({w for pattern, _, _ in _TRIGGER_TABLE for w in _leading_letters(pattern)})
assert "" not in _FIRST_LETTERS, "every trigger pattern must start with a letter for the quick scan"
_PREFIXES_BY_HEAD: dict[str, tuple[str, ...]] = {}
for _prefix in _FIRST_LETTERS:
    _PREFIXES_BY_HEAD[_prefix[:2]] = _PREFIXES_BY_HEAD.get(_prefix[:2], ()) + (_prefix,)
_WORD = re.compile(r"[A-Za-z]+")


def _may_start_trigger(word: str) -> bool:
    lower = word.lower()
    return any(lower.startswith(p) for p in _PREFIXES_BY_HEAD.get(lower[:2], ()))


# Words already seen, sorted by whether a trigger can start with them: set operations in C then do the
# per-word work, and a word is looked at in Python only the first time. Bounded: a corpus's vocabulary
# grows without end, so the rejected words are forgotten when there are too many.
_STARTERS: set[str] = set()
_NOT_STARTERS: set[str] = set()
_MAX_REMEMBERED = 200_000


def _starter_words(text: str) -> set[str]:
    words = set(_WORD.findall(text))
    for word in words - _STARTERS - _NOT_STARTERS:
        if len(_NOT_STARTERS) > _MAX_REMEMBERED:
            _NOT_STARTERS.clear()
        (_STARTERS if _may_start_trigger(word) else _NOT_STARTERS).add(word)
    return words & _STARTERS


def _is_letter(ch: str) -> bool:
    return ("a" <= ch <= "z") or ("A" <= ch <= "Z")


def _scan_triggers(text: str) -> list[re.Match[str]]:
    """The same matches as `_TRIGGER_RE.finditer(text)`, found faster: the full pattern is tried only at
    the start of a word that can begin a trigger."""
    starters = _starter_words(text)
    if not starters:
        return []
    starts = []
    for word in starters:
        at = text.find(word)
        while at >= 0:
            end = at + len(word)
            if (at == 0 or not _is_letter(text[at - 1])) and (end == len(text) or not _is_letter(text[end])):
                starts.append(at)
            at = text.find(word, end)
    found, taken = [], 0
    for start in sorted(starts):
        if start < taken:
            continue
        m = _TRIGGER_RE.match(text, start)
        if m is not None:
            found.append(m)
            taken = m.end()
    return found

# Phrases that contain a trigger word but say nothing violent happened.
_FALSE_FRIENDS = re.compile(
    r"\b(?:hunger|labou?r|general|transport(?:ers')?|wheel-jam|shutter-down) strikes?\b|\bstrike (?:a|the) "
    r"(?:deal|balance|chord|note|pose)\b|\bheart attacks?\b|\bpanic attacks?\b|\bunder fire\b|\bstrikes? back\b"
    r"|\bdrone (?:strike|attack) capabilit|\bfell to (?:\d|its|their|a |an |the lowest)"
    r"|\battack (?:helicopters?|aircraft|jets?|drones?|dogs?|submarines?|boats?)\b"
    r"|\bassault (?:rifles?|weapons?|guns?|teams?|craft|vehicles?)\b",
    re.IGNORECASE,
)

# Words in the clause before a trigger that make it a plan, threat, hypothetical or denial.
_IRREALIS_BEFORE = re.compile(
    r"\b(?:will|would|could|(?-i:may)|might|should|shall|can|cannot|can't|must|threaten(?:s|ed|ing)?|"
    r"vow(?:s|ed|ing)?|pledg(?:e|es|ed|ing)|warn(?:s|ed|ing)?|plan(?:s|ned|ning)?|intend(?:s|ed|ing)?|"
    r"prepar(?:e|es|ed|ing)|ready|reserves?|wants?|wanted|seek(?:s|ing)?|urg(?:e|es|ed|ing)|"
    r"avoid(?:s|ed|ing)?|prevent(?:s|ed|ing)?|deter(?:s|red|ring)?|thwart(?:s|ed|ing)?|foil(?:s|ed|ing)?|"
    r"averted|possible|potential|potentially|likely|unlikely|if|unless|whether|evidence|den(?:y|ied|ies)|"
    r"rejected|refuted|any|future|further|expected|prospect|risk|fears?|feared|threats?|capable|"
    r"capability|never|not|no|refrain(?:s|ed|ing)?|abstain(?:s|ed|ing)?|desist(?:s|ed|ing)?|halt(?:s|ed|ing)?|"
    r"suspend(?:s|ed|ing)?|ceas(?:e|es|ed|ing)|in case of|in the event of|guard against)\b",
    re.IGNORECASE,
)
_IRREALIS_WINDOW_WORDS = 7
# A foiled or thwarted attack in which people were killed or hurt still happened.
_FOILED = re.compile(r"foil(?:s|ed|ing)?|thwart(?:s|ed|ing)?|averted", re.IGNORECASE)
# The longest phrase the patterns anchored before a trigger need ("in retaliation for the deadly attack on").
_NEAR_CHARS = 70

# A trigger right after these refers back to another event ("in retaliation for the attack").
_REFERENCE_BEFORE = re.compile(
    r"(?:\b(?:retaliation|response|reply|revenge|reaction|retaliat\w+|respond\w*)\s+(?:to|for|against)\s+"
    r"|\b(?:avenge|condemn\w*)\s+)(?:the|these|those|this|that|a|an|its|their)?\s*"
    r"(?:(?!with\b|by\b|using\b|through\b|in\b|on\b)[\w'-]+\s+){0,3}$",
    re.IGNORECASE,
)
_WHEN_CLAUSE = re.compile(r"\W*when\b", re.IGNORECASE)
# "to attack", "to carry out strikes": a plan; not "resorted to firing", "led to clashes"
_INFINITIVE_BEFORE = re.compile(
    r"(?<!resorted )(?<!resorting )(?<!resort )\bto\s+"
    r"(?:(?:carry\s+out|conduct|launch|stage|mount|undertake|commit)\s+(?:[\w-]+\s+)?)?$", re.IGNORECASE)
_DETERMINER_BEFORE = re.compile(
    r"\b(?:the|these|those|this|that|such|its|their|his|her|our|last\s+week's|yesterday's)\s+"
    r"((?:[\w'-]+\s+){0,3})$",
    re.IGNORECASE,
)
_JUST_DETERMINED = re.compile(r"\b(?:the|this|that|these|those|its|their)\s+$", re.IGNORECASE)
# A verb in the present tense, known by the possessive object right after it (a noun "attack" never
# takes one): what a side does, or is said to do, not an event that happened.
_PRESENT_FORMS = frozenset("attack attacks strike strikes target targets shell shells raid raids".split())
# "militants who attack Pakistan", "they often strike at night": a present-tense verb after its subject
_HABIT_SUBJECT = re.compile(r"\b(?:who|which|they|often|regularly|routinely|frequently|usually|still|"
                            r"continue to|continues to)\s+$", re.I)
_POSSESSIVE_OBJECT = re.compile(r"\s+(?:its|their|his|her|our|your|my)\b", re.I)
_IRREGULAR_VERBS = frozenset("struck shot blew took taken fell hurled seized overran stormed raided opened fired "
                             "exchanged traded gunned".split())
_DETERMINERS = frozenset("the these those this that such its their his her our".split())
_NOT_NOUN_MODIFIERS = frozenset(
    "conducted launched carried out began started resumed conduct launch were was has have had is are "
    "by and or with in on at of to from that which who".split()
)
# A count of acts that makes them an aggregate ("506 attacks", "eight such strikes", "a spate of bombings").
# A number ends in a digit: "In October 2007, twin suicide bombings" has none before the bombings.
_COUNT_BEFORE = re.compile(
    r"\b(?:\d(?:[\d,]*\d)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens|hundreds|several|"
    r"many|numerous|multiple|countless|frequent|repeated|relentless|daily|series of|spate of|spree of|"
    r"wave of|string of|increase in|rise in|surge in|number of)\s+(?:[\w'-]+\s+){0,3}$",
    re.IGNORECASE,
)

_TIMES_AFTER = re.compile(r"\s+(?:[\w-]+\s+){0,4}?(?:twice|thrice|(?:two|three|four|five|several|many|multiple|"
                          r"numerous|countless|\d+)\s+times|repeatedly|again and again|time and again)\b",
                          re.IGNORECASE)
# "have been shot and bombed across Balochistan province": acts spread over a region, not one event
_ACROSS_AFTER = re.compile(
    r"(?:\s+and\s+\w+ed)?(?:\s+(?!in\b|on\b|at\b|near\b)[\w'-]+){0,3}?\s+(?:across|throughout)\s+(?:the\s+(?:country|province|region|north|south|east|west|"
    r"northwest|tribal\s+(?:belt|areas?|districts))\b|(?:the\s+)?(?!Durand\b)[A-Z][\w-]+(?:\s+[A-Z][\w-]+)?"
    r"(?:\s+(?:province|region))?\s*(?:[,.;]|$)|(?:several|many|other)\s+(?:cities|towns|districts|provinces))")
_TIME_CONJUNCTION_BEFORE = re.compile(r"\b(?:before|after|while|when)\s+$", re.I)
_DEFINITE_OBJECT = re.compile(r"\s+(?:the|these|those|this|that)\s+(?:[\w-]+\s+)?(?:posts?|checkposts?|camps?|convoy|"
                              r"base|compound|building|village|town|school|mosque|market|station|hotel|prison)\b", re.I)
_HABITUAL = re.compile(
    r"\b(?:in recent (?:years|months|weeks)|over the (?:past|last) (?:few |several |two |three |\w+ )?"
    r"(?:years|months|decades?)|for (?:years|decades)|in the past (?:few |several )?(?:years|months))\b", re.I)
_JUDGED_BEFORE = re.compile(r"\b(?:declared|ruled|termed|labell?ed|described)\s+(?:[\w-]+\s+){0,2}$", re.I)
_YEAR = re.compile(r"(?:19|20)\d\d\b")
_PAIR = re.compile(r"two|three|2|3", re.I)
_BLAST_NOUN = re.compile(r"\b(?:explosions|blasts|bombings|bombs)$")
_TREND_AFTER = re.compile(
    r"[^.;]{0,80}?\b(?:have|has|had)?\s*(?:risen|rose|increased|surged|spiked|declined|fallen|fell|dropped|"
    r"doubled|tripled|grown|grew|continued|become more)\b", re.IGNORECASE)

# "the death toll from Pakistani air raids ... has risen to 47": the toll rises, the raids are one event
_TOLL_BEFORE = re.compile(r"\b(?:toll|number of (?:people |those )?(?:killed|dead|deaths|casualties|victims))\s+"
                          r"(?:from|in|of)\s+(?:the\s+)?(?:[\w'-]+\s+){0,3}$", re.IGNORECASE)

_QUANTITY_NOUNS = ("series", "spate", "spree", "wave", "string", "number", "increase", "rise", "surge")

# Clause boundaries: subordinate clauses usually describe a different event ("after the group attacked").
CLAUSE_BOUNDARY_RE = re.compile(
    r"[;:]|\s[-–]\s|,\s+(?:while|whereas|but)\b|,\s+and\b(?=\s+(?:[\w'-]+\s+){0,3}?\w+ed\b)"
    # "..., and on Friday a car bomb killed 40": a coordinate clause with a time of its own
    r"|,\s+and\b(?=\s+(?:then\s+)?(?:on|in|at|last|early|late|later|earlier|the\s+next|the\s+following)\s+"
    r"(?:the\s+)?(?:[\w'-]+\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|"
    r"march|april|may|june|july|august|september|october|november|december|morning|afternoon|evening|night|"
    r"day|week|month|year|\d))"
    # "before dawn" is a time of the act, not a clause about another one
    r"|\b(?:after|before)\b(?!\s+(?:dawn|daybreak|first light|sunrise|sunset|dusk|noon|midday|midnight)\b)"
    r"|\b(?:when|whereas|while|following|as|"
    r"because|since|until|which|who|that|where)\b",
    re.IGNORECASE,
)

_CUES: list[tuple[re.Pattern[str], tuple[str, str]]] = [
    (re.compile(r"\bsuicide\b|\bblew (?:himself|herself|themselves) up|\bbomber\b|\brammed\b[^.;]{0,60}"
                r"explosive|explosives?-(?:laden|packed)[^.;]{0,40}\brammed|\bVBIEDs?\b", re.I), SUICIDE),
    # "armed with guns and explosives" is how attackers came, not a blast: only a bomb that went off counts
    (re.compile(r"\b(?:IEDs?|roadside bombs?|landmines?|land mines?|improvised explosive|explosive device|planted|"
                r"(?:hit|struck|stepped on|triggered|ran over|detonated)\s+an?\s+(?:land\s?)?mine|"
                r"mine (?:blast|explosion|exploded|went off)|"
                r"bomb (?:blast|exploded|went off)|bomb attack|car bomb|blast|explosion)\b", re.I), IED),
    (re.compile(r"\bgrenades?\b", re.I), GRENADE),
    # not "air force": an attack on an air force base is no airstrike
    (re.compile(r"\b(?:jets?|warplanes?|aircraft|drones?|UCAVs?|helicopters?|gunships?|"
                r"airstrikes?|air strikes?|aerial|Predators?|Reapers?|bomb(?:ed|ing) raids?|sorties)\b", re.I),
     AIR),
    (re.compile(r"\b(?:artillery|mortars?|rockets?|missiles?|shell(?:s|ing|ed)|heavy weapons|"
                r"bombardment|howitzers?|long-range)\b", re.I), SHELLING),
    # last: "a bomb at a market killed 20" is a planted bomb, unless jets or guns were named above
    (re.compile(r"\bbombs?\b(?!\s+(?:disposal|squad|threats?|scare|hoax))", re.I), IED),
]
# Killings of one person by hand or gun: with no armed side named as the victim, the victim is a civilian
# ("Malala was shot in the head by Taliban gunmen", "the cleric was stabbed to death at his home").
PERSONAL_KILLINGS = ("shot", "gunned down", "assassinated", "stabbed", "hacked to death", "beaten to death",
                     "clubbed to death", "strangled", "burned alive", "burnt alive")
# Acts done to someone, not fights between two sides: aimed at civilians they are attacks on civilians.
_ONE_SIDED = ("opened fire", "fired", "firing", "unprovoked firing", "indiscriminate firing", "stormed", "raid",
              "assault", "ambush")
# "damaging three grounded aircraft", "two helicopters were destroyed": aircraft that were hit, not the weapon
_DAMAGED_AIRCRAFT = re.compile(
    r"\b(?:damag|destroy|torch|set fire to |hit)\w*\s+(?:[\w-]+\s+){0,3}?(?:aircraft|jets?|planes?|"
    r"helicopters?|drones?)\b|\b(?:aircraft|jets?|planes?|helicopters?|drones?)\s+(?:were|was)\s+"
    r"(?:damaged|destroyed|torched|set on fire)\b", re.I)
# "fighters armed with rocket-propelled grenades attacked the prison": what they carried, not how they struck
_WEAPONS = (r"(?:grenades?|RPGs?|rockets?|launchers?|guns?|rifles?|weapons?|Kalashnikovs?|explosives?|vests?|"
            r"jackets?|pistols?|mortars?)(?![\w-])")
# "troops landed by helicopter and raided a house": the aircraft carried them, it fired nothing
_CARRIED_BY_AIR = re.compile(r"\b(?:landed|flown in|dropped|inserted|arrived|ferried|airlifted)\s+(?:[\w-]+\s+){0,2}?"
                             r"(?:by|in|aboard|on|from)\s+(?:an?\s+|two\s+|several\s+)?helicopters?\b|"
                             r"\bheli-?borne\b|\bhelicopter-borne\b", re.I)
_EQUIPMENT = re.compile(  # the whole list: "armed with assault rifles, grenades and suicide vests"
    r"\b(?:armed|equipped|laden) with\s+(?:(?:[\w-]+\s+){0,3}?" + _WEAPONS + r"(?:,?\s+and\s+|,\s+)?)+", re.I)
_LAUNCHED = re.compile(r"\b(missile|rocket)s?\b", re.I)
_GROUND_CUE = re.compile(r"\b(?:ground|troops|soldiers|commandos|special forces|infantry)\b", re.I)


@dataclass(frozen=True, slots=True)
class TriggerMatch:
    start: int
    end: int
    text: str
    event_type: str | None
    sub_event_type: str | None
    strength: int
    plural: bool
    anaphoric: bool
    verb: bool
    reference: bool = False   # "in retaliation for the attack": the actors around it are the responder's


def find_triggers(text: str) -> list[TriggerMatch]:
    """Every trigger phrase in `text` that can describe a real event (filters applied)."""
    matches = _scan_triggers(text)
    if not matches:
        return []
    false_spans = _false_spans(text)
    found = []
    for m in matches:
        if any(s <= m.start() < e for s, e in false_spans):
            continue
        index = int(m.lastgroup[1:])
        _, kind, strength = _TRIGGER_TABLE[index]
        found.append(_classify(text, m.start(), m.end(), kind, strength))
    return [t for t in found if t is not None]


def _classify(text: str, start: int, end: int, kind, strength: int) -> TriggerMatch | None:
    phrase = text[start:end]
    before = text[max(0, start - 120):start]
    clause_before = _clause_tail(before)
    lower = phrase.lower()
    first = lower.split()[0]
    acronym = phrase.split()[0].isupper()  # "IED" ends in "ed" but is no verb
    verb = not acronym and (first.endswith(("ed", "ing")) or first in _IRREGULAR_VERBS)
    if verb and first.endswith("ing") and (re.match(r"\s+of\b", text[end:end + 4])
                                           or _JUST_DETERMINED.search(before)):
        verb = False  # "the killing of", "the fighting", "this shelling": a noun
    plural = not verb and lower.endswith("s") and not lower.endswith(("ss", "ous"))
    near = before[-_NEAR_CHARS:]  # patterns anchored at the trigger need only the words just before it
    if _INFINITIVE_BEFORE.search(near):
        return None
    if lower in _PRESENT_FORMS and (_POSSESSIVE_OBJECT.match(text, end) or _HABIT_SUBJECT.search(near)):
        return None  # "militants who shelter in Kunar attack its border posts": a habit or a charge
    # "in retaliation for Pakistani airstrikes on Thursday": a reference back, which can still date and
    # place the earlier event; it is treated like "these airstrikes" and never stands alone undated
    reference = bool(_REFERENCE_BEFORE.search(near))
    words_before = clause_before.split()[-_IRREALIS_WINDOW_WORDS:]
    irrealis = _IRREALIS_BEFORE.search(" ".join(words_before))
    if irrealis and not (_FOILED.fullmatch(irrealis.group()) and names_casualties(text)):
        return None  # but "police foiled an attack on the consulate ..., while two policemen were martyred"
    # "had gathered in Kunar before attacking the posts": the act already told, named by what it hit
    anaphoric = reference or bool(verb and _TIME_CONJUNCTION_BEFORE.search(near) and _DEFINITE_OBJECT.match(text, end))
    det = _DETERMINER_BEFORE.search(near)
    if det and not verb:
        between = det.group(1).lower().split()
        # "on the day of the attack": the nearest determiner is the noun's own
        nearest = max((i for i, w in enumerate(between) if w in _DETERMINERS), default=-1)
        anaphoric = not any(w in _NOT_NOUN_MODIFIERS for w in between[nearest + 1:])
    if plural and not anaphoric and _TREND_AFTER.match(text, end) and not _TOLL_BEFORE.search(before):
        return None  # "attacks on security forces have risen": a trend, not an event
    if plural and not anaphoric and (_HABITUAL.search(clause_before) or _JUDGED_BEFORE.search(near)):
        return None  # "has in recent years claimed suicide bombings", "declared drone strikes illegal": a kind
    if verb and (_TIMES_AFTER.match(text, end) or _ACROSS_AFTER.match(text, end)):
        return None  # "the town had been attacked twice this year": many acts, each told elsewhere or not at all
    count = _COUNT_BEFORE.search(near) if plural else None
    if count and _YEAR.match(count.group()):
        count = None  # "in January 2013 twin suicide bombings": a year, not a number of acts
    if count and _PAIR.fullmatch(count.group().split()[0]) and _BLAST_NOUN.search(lower):
        count = None  # "two explosions minutes apart ripped through a snooker hall": one attack in two blasts
    # "the two strikes" refers back; "the string of attacks" is still many
    quantity_noun = count is not None and count.group().lower().startswith(_QUANTITY_NOUNS)
    if count and (quantity_noun or not re.search(r"\b(?:the|these|those)\s+$", near[:count.start()])):
        return None  # an aggregate: "506 attacks", "eight such strikes", "a spate of bombings"
    event_type, sub_type = kind
    return TriggerMatch(start, end, phrase, event_type, sub_type, strength, plural, anaphoric, verb, reference)


def launched_weapon(trigger: TriggerMatch) -> str | None:
    """"missile" or "rocket" when the trigger names one fired ("fired two missiles", "rockets were
    fired"), else None: either comes from the air when an aircraft fires it; a missile also does when a
    force from outside the theatre fires it (mentions.py), whose artillery and rockets can reach over the
    border from Afghanistan."""
    if trigger.sub_event_type != SHELLING[1]:
        return None
    found = _LAUNCHED.search(trigger.text)
    return found.group(1).lower() if found else None


def _clause_tail(before: str) -> str:
    """The part of `before` after its last clause boundary."""
    ends = [m.end() for m in CLAUSE_BOUNDARY_RE.finditer(before)]
    return before[ends[-1]:] if ends else before


@functools.lru_cache(maxsize=512)
def trigger_words(text: str) -> tuple[tuple[int, int], ...]:
    """Where any trigger word stands, filtered or not: the edges of what a live trigger's words can reach.
    Words that only look like triggers ("assault rifles", "hunger strike") are no edge."""
    false_spans = _false_spans(text)
    return tuple((m.start(), m.end()) for m in _scan_triggers(text)
                 if not any(s <= m.start() < e for s, e in false_spans))


def _false_spans(text: str) -> list[tuple[int, int]]:
    """Where phrases that only look like triggers stand ("hunger strike", "assault rifles")."""
    return [(m.start(), m.end()) for m in _FALSE_FRIENDS.finditer(text)]


@functools.lru_cache(maxsize=512)
def clause_bounds(text: str) -> tuple[tuple[int, int], ...]:
    """The clauses of a sentence as (start, end) offsets, split at subordinating words and semicolons."""
    cuts = [0] + [m.start() for m in CLAUSE_BOUNDARY_RE.finditer(text)] + [len(text)]
    return tuple((a, b) for a, b in zip(cuts, cuts[1:], strict=False) if b > a)


def resolve_event_type(trigger: TriggerMatch, clause: str, civilian_target: bool,
                       following: str = "") -> tuple[str, str]:
    """The ACLED type of a trigger: its own when it names the act, else from the cues of its clause.
    `following` is what later clauses add; only the weapons of ground fire are read from there ("...
    with heavy weapons"), not aircraft that were merely damaged ("..., damaging three aircraft")."""
    clause = _CARRIED_BY_AIR.sub(" ", _EQUIPMENT.sub(" ", _DAMAGED_AIRCRAFT.sub(" ", clause)))
    if _cue_type(clause) is None and _cue_type(following) in (SHELLING, GRENADE):
        clause = clause + " " + following
    elif (trigger.event_type is None and _cue_type(clause) is None and _WHEN_CLAUSE.match(following)
          and _cue_type(following) in (IED, SUICIDE)):
        clause = clause + " " + following  # "were killed when their car hit a mine": how they were killed
    if trigger.event_type is not None and trigger.strength == 2:
        one_sided = trigger.text.lower().startswith(_ONE_SIDED)
        if trigger.event_type == BATTLES and one_sided and civilian_target and _cue_type(clause) is None:
            return CIVILIAN_ATTACK  # "gunmen opened fire on a convoy of passenger vehicles"
        if launched_weapon(trigger) and _cue_type(clause) == AIR:
            return AIR  # "a drone fired two missiles", "helicopter gunships fired rockets": fire from the air
        if trigger.event_type == BATTLES and trigger.sub_event_type == "Armed clash":
            air = _cue_type(clause)
            if air in (AIR, SHELLING) and trigger.text.lower().startswith(("opened fire", "fired", "raid", "assault")):
                return air  # "helicopters opened fire", "jets raided": fire from the air
        return trigger.event_type, trigger.sub_event_type
    if trigger.event_type == EXPLOSIONS and trigger.sub_event_type == "Air/drone strike":
        # "strike(s)"/"struck": aerial in this theatre unless the clause says bomb, shells or ground troops
        cue = _cue_type(clause)
        if cue in (IED, SUICIDE, SHELLING, GRENADE):
            return cue
        if cue is None and _GROUND_CUE.search(clause) and "strike" in trigger.text.lower():
            return CLASH
        return AIR
    cue = _cue_type(clause)
    if cue is not None:
        return cue
    if civilian_target:
        return CIVILIAN_ATTACK
    if trigger.event_type is not None:
        return trigger.event_type, trigger.sub_event_type
    return CLASH


def bombed_without_aircraft(trigger: TriggerMatch, clause: str) -> bool:
    """'the group bombed a Shia mosque': "bombed" with no jets, drones or other cue in its clause, which
    is an air strike only when a state's forces did it (mentions.py knows the actor)."""
    return trigger.text.lower() == "bombed" and _cue_type(clause) is None


@functools.lru_cache(maxsize=1024)
def _cue_type(clause: str) -> tuple[str, str] | None:
    for pattern, kind in _CUES:
        if pattern.search(clause):
            return kind
    return None


CASUALTY_WORDS_RE = re.compile(
    r"\b(?:killed|killing|dead|died|martyred|slain|deaths?|lost (?:their|his|her) lives|injured|wounded|"
    r"hurt|casualties|fatalities|abducted|kidnapped|captured)\b",
    re.IGNORECASE,
)
# The same words, for a quick test on lower-cased text: CPython's engine runs a case-sensitive pattern
# several times faster than a case-insensitive one.
_CASUALTY_WORDS_LOWER = re.compile(CASUALTY_WORDS_RE.pattern)


def names_casualties(text: str) -> bool:
    """Whether `text` has a word for killing, injury or capture (a quick gate before the full stages)."""
    return _CASUALTY_WORDS_LOWER.search(text.lower()) is not None
