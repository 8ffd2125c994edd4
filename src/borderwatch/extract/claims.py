"""Casualty counts, who claims them, and who claims responsibility.

A casualty is a count tied to a casualty word ("28 Pakistan troops ... were killed", "killing 11",
"23 military casualties", "the death of 11 soldiers"). Breakdowns of a count ("including two officers",
"- five women and three children -") are not separate claims. The claimant is the source the sentence
gives ("according to ISPR", "Mujahid said", "as per DPO Kurram", "Pakistani officials told AFP"); none
when the text gives no source ("reportedly", "were reported").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from borderwatch.extract.actors import ActorMatch, MatchKind, Role
from borderwatch.extract.numbers import NumberMatch
from borderwatch.model import ClaimKind, Count

_KIND_WORDS: list[tuple[re.Pattern[str], ClaimKind]] = [
    (re.compile(r"killed|dead|died|martyred|slain|perished|lost (?:their|his|her) lives|deaths?|casualties|"
                r"fatalities|bodies|massacred|executed|shot dead|gunned down|eliminated|neutrali[sz]ed", re.I),
     ClaimKind.KILLED),
    (re.compile(r"injured|wounded|hurt|injuries|injuring|wounding", re.I), ClaimKind.INJURED),
    (re.compile(r"captured|arrested|detained|abducted|kidnapped|taken hostage|taken prisoner|seized", re.I),
     ClaimKind.CAPTURED),
]
_FORWARD_KIND = re.compile(
    r"^(?P<noun>(?:[^\s.;!?]+\s+){0,11}?)(?P<aux>(?:were|was|have been|had been|has been|are|is|got|being|been)\s+)?"
    r"(?:(?:reportedly|reported|allegedly|also|later|confirmed|believed to have been|feared|said to have "
    r"been|left)\s+)*(?P<verb>killed|dead|died|martyred|slain|perished|lost (?:their|his|her) lives|deaths|"
    r"casualties|fatalities|bodies|injured|wounded|hurt|captured|arrested|detained|abducted|kidnapped|"
    r"taken hostage|neutrali[sz]ed|eliminated|shot dead|gunned down)\b",
    re.I,
)
_BACKWARD_KIND = re.compile(
    r"\b(?P<verb>killing|killed|kill|shot dead|gunned down|shot|death|deaths|death toll|killing of|martyrdom|"
    r"injuring|wounding|"
    r"injured|wounded|left|claimed the lives|lives of|capturing|arresting|abducting|kidnapping|abducted|"
    r"kidnapped|captured|arrested|detained|neutrali[sz]"
    r"ing|neutrali[sz]ed|eliminating|eliminated)\s+(?:of\s+|to\s+|at\s+|rose to\s+|reached\s+|stands at\s+)?"
    r"(?:at least\s+|some\s+|nearly\s+|about\s+|around\s+|over\s+|more than\s+)?$",
    re.I,
)
_STOP_FORWARD = re.compile(r"\b(?:while|whereas|but|after|before|when|because|although|though)\b|[;:]", re.I)
_BREAKDOWN = [
    re.compile(r"\s[-–—]\s[^-–—.;]{1,90}?\s[-–—]\s"),
    re.compile(r"\([^()]{0,90}\)"),
    re.compile(r",\s*(?:including|among them|of whom|of which)\s[^,.;]{1,80}(?:,|(?=\s(?:were|was)\b))", re.I),
    re.compile(r",\s*(?:[\w-]+\s+){1,3}among them\s*,", re.I),
    re.compile(r",\s*(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|most|many|all)\s+of\s+"
               r"(?:them|whom)\b[^,.;]{0,40},", re.I),
    re.compile(r"\b(?:including|among them)\s(?:[^\s,.;]+\s){0,4}?(?=\d|one|two|three|four|five|six|seven|eight|"
               r"nine|ten)", re.I),
]
_SUM_PATTERN = re.compile(
    r"\b(?:a|an|one)\s+(?:[\w-]+\s+){0,3}?(?:commander|leader|chief|militant|terrorist|fighter|soldier|"
    r"officer|ringleader)\s+and\s+(?:his\s+)?$",
    re.I,
)
_VICTIM_GROUPS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\bwomen\b", re.I), "women"),
    (re.compile(r"\bchildren\b|\bstudents\b|\bschoolchildren\b", re.I), "children"),
    (re.compile(r"\bcivilians?\b|\bvillagers\b|\bworshippers\b|\bpassengers\b|\bresidents\b|\bworkers\b|"
                r"\bpeople\b|\bpersons\b|\bmourners\b|\blawyers\b", re.I), "civilians"),
    (re.compile(r"\bpolice\w*\b|\bconstables?\b|\bcops\b|\blevies\b", re.I), "police"),
    (re.compile(r"\bsoldiers?\b|\btroops\b|\bpersonnel\b|\bofficers?\b|\bservicemen\b|\bjawans\b|\bsepoys?\b|"
                r"\bcaptain\b|\bmajor\b|\bsecurity forces\b|\bmilitary\b", re.I), "soldiers"),
    (re.compile(r"\bmilitants?\b|\bfighters?\b|\bterrorists?\b|\binsurgents?\b|\bfollowers\b|\bkhawarij\b|"
                r"\bcommanders?\b|\bjihadists?\b|\battackers\b|\bbombers?\b", re.I), "militants"),
]
_ATTRIBUTION_BEFORE = re.compile(
    r"\b(?:according to|as per|citing|quoting|cited by|reported by|in the words of|said by)\b", re.I)
_SPEECH_VERB = re.compile(
    r"\b(?:said|says|say|stated|states|told|tells|claimed|claims|claim|confirmed|confirms|announced|"
    r"announces|added|noted|asserted|alleged|insisted|tweeted|posted|wrote|acknowledged|admitted|"
    r"maintained|estimated|reported|disclosed|revealed|"
    # "police had put the toll at 19": giving a figure is saying it
    r"(?:put|puts|putting|placed|places|gave|gives|set|sets)(?=\s+(?:the\s+|its\s+|their\s+)?"
    r"(?:(?:final|official|overall|initial|death|casualty)\s+){0,2}(?:toll|tally|figure)s?\b))\b",
    re.I,
)
_RESPONSIBILITY = re.compile(
    r"\bclaim(?:ed|s|ing)?\s+(?:the\s+|an\s+|a\s+)?(?:[\w-]+\s+)?(?:attack|bombing|blast|assault|strike|killing|"
    r"ambush|raid)s?\b|\bclaim(?:ed|s|ing)?\s+(?:the\s+)?responsibility\b|\bresponsibility\s+(?:for\s+[^.]{0,80}?\s+)?"
    r"(?:was|has been|had been)\s+claimed\s+by\b|\bowned\s+(?:up\s+)?(?:the\s+)?(?:attack|bombing)\b"
    # "the TTP said in a statement that its fighters had carried out the assault"
    r"|\bsaid\s+(?:(?:in|on|through|via)\s+(?:[\w-]+\s+){1,4}?)?(?:that\s+)?(?:it|they|its\s+(?:fighters|men|"
    r"militants|members|cadres|suicide\s+bombers?|bomber)|their\s+fighters)\s+(?:had\s+|has\s+|have\s+|was\s+|were\s+)?"
    r"(?:carried\s+out|conducted|staged|launched|behind|sent|dispatched)\s+(?:the\s+|this\s+|that\s+|[\w-]+['’]s\s+)?"
    r"(?:[\w-]+\s+)?(?:attack|assault|bombing|blast|raid|ambush|strike|bomber|attacker)s?\b",
    re.I,
)
_ATTRIBUTION_WINDOW = 90
# "the Taliban claimed to have captured the district": a claim of one's own act, not a source for a count
_OWN_ACT = re.compile(r"\s+to\s+have\b", re.I)
# "... in Kabul has risen to 53, the United Nations said", "..., a hospital official said": the subject
# right before the verb is someone the actor dictionary does not know, so an actor further back is not
# the source. A title of the actor's own man ("Mujahid, the Taliban spokesman, said") holds no name.
_OTHER_SPEAKER = re.compile(
    r",\s+(?:the|a|an)\s+(?!(?:group'?s?|militants'?|organi[sz]ation'?s?|movement'?s?|outfit'?s?)\b)"
    r"(?:[\w.'-]+\s+){0,5}?(?:[A-Z][\w.'-]*|hospital|doctors?|residents?|villagers?|witnesses?|medics?|"
    r"rescuers?|officials?)\s+(?:also\s+|later\s+)?$")
# "were reported injured", "Pakistan's reported use": the verb names no source here.
_NOT_A_SOURCE_BEFORE = re.compile(r"(?:\b(?:were|was|been|is|are|be|being|the|a|an|its|their)|'s)\s+$", re.I)


@dataclass(frozen=True, slots=True)
class Casualty:
    kind: ClaimKind
    count: Count
    start: int                    # the number phrase
    end: int
    verb_start: int               # the casualty word
    verb_end: int
    victim_start: int             # the victims' noun phrase, between the number and the casualty word
    victim_end: int
    victim_group: str | None


@dataclass(frozen=True, slots=True)
class Attribution:
    start: int
    end: int
    actor: ActorMatch | None


@dataclass(frozen=True, slots=True)
class Responsibility:
    start: int
    end: int
    actor: ActorMatch


_SINGLE_VICTIM = re.compile(
    r"\b(?:a|an|one)\s+(?:[\w-]+\s+){0,3}?(?P<noun>soldier|officer|captain|major|colonel|policeman|"
    r"constable|civilian|child|boy|girl|woman|man|militant|commander|journalist|worker|guard|official)\s+"
    r"(?:was|had been|has been|is)\s+(?:reportedly\s+|also\s+)?(?P<verb>killed|martyred|shot dead|injured|"
    r"wounded|abducted|kidnapped)\b",
    re.I,
)


def find_casualties(text: str, numbers: list[NumberMatch]) -> list[Casualty]:
    """Counts of killed, injured and captured people in `text` (offsets into `text`)."""
    masked = _mask_breakdowns(text)
    found: list[Casualty] = []
    for m in _SINGLE_VICTIM.finditer(text):  # "a captain was killed": one, though no number is written
        if masked[m.start()] == "\x00" or any(n.start <= m.start() < n.end for n in numbers):
            continue
        found.append(Casualty(_kind_of(m.group("verb")), Count(count=1), m.start(), m.start("noun"),
                              m.start("verb"), m.end("verb"), m.start(), m.end("noun"),
                              _victim_group(m.group("noun"))))
    for n in numbers:
        if n.year_like or masked[n.start] == "\x00":
            continue
        # "killed at least 59 people and wounded 157": a casualty verb right before the number decides
        casualty = _backward_casualty(text, n) or _forward_casualty(text, masked, n)
        if casualty is not None and not any(c.start < casualty.end and casualty.start < c.end for c in found):
            found.append(casualty)
    return _sum_civilian_breakdowns(sorted(found, key=lambda c: c.start))


_CIVILIAN_GROUPS = frozenset({"women", "children", "civilians"})


def _sum_civilian_breakdowns(found: list[Casualty]) -> list[Casualty]:
    """'five women and three children died' is one count of eight, and 'five soldiers and 13 civilians
    were martyred' one of eighteen: victims of one verb on one side are one toll. Fighters and their
    victims ('11 soldiers and 19 militants were killed') stay apart."""
    out: list[Casualty] = []
    for c in found:
        prev = out[-1] if out else None
        if (prev is not None and prev.verb_start == c.verb_start and prev.kind is c.kind
                and prev.count.count is not None and c.count.count is not None
                and (prev.victim_group == "militants") == (c.victim_group == "militants")):
            groups = {prev.victim_group, c.victim_group}
            group = "civilians" if groups <= _CIVILIAN_GROUPS else (prev.victim_group if len(groups) == 1 else None)
            out[-1] = Casualty(c.kind, Count(count=prev.count.count + c.count.count), prev.start, c.end,
                               c.verb_start, c.verb_end, prev.victim_start, c.victim_end, group)
            continue
        out.append(c)
    return out


_COUNT_IN_BREAKDOWN = re.compile(r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\b", re.I)


def _mask_breakdowns(text: str) -> str:
    masked = text
    for pattern in _BREAKDOWN:
        for m in pattern.finditer(text):
            if _COUNT_IN_BREAKDOWN.search(m.group()):
                masked = masked[:m.start()] + "\x00" * (m.end() - m.start()) + masked[m.end():]
    return masked


def _forward_casualty(text: str, masked: str, n: NumberMatch) -> Casualty | None:
    window = masked[n.end:n.end + 140].replace("\x00", " ")
    stop = _STOP_FORWARD.search(window)
    if stop:
        window = window[:stop.start()]
    offset = n.end + len(window) - len(window.lstrip())
    m = _FORWARD_KIND.match(window.lstrip())
    if not m:
        return None
    noun = m.group("noun")
    if re.search(r"\b(?:attacks?|strikes?|incidents?|bombings?|operations?|years?|days?|months?|hours?)\b",
                 noun, re.I):
        return None  # "506 attacks", "two days": not people
    if any(ch.isdigit() for ch in noun):
        return None
    if re.search(r"(?:\band|,)\s*$", noun) and m.end("noun") == m.start("verb"):
        return None  # "destroyed three houses and killed 18": the killing is the subject's, not the houses'
    if m.group("aux") is None and _OBJECT_AFTER.match(window.lstrip(), m.end("verb")):
        return None  # "15 gunmen dressed as Scouts killed ten mountaineers": the fifteen did the killing
    kind = _kind_of(m.group("verb"))
    count = _with_sum(text, n)
    return Casualty(kind, count, n.start, n.end, offset + m.start("verb"), offset + m.end("verb"), n.end,
                    offset + m.end("noun"), _victim_group(noun))


# What follows an active verb and not a passive one: its object ("killed ten", "wounded a policeman").
_OBJECT_AFTER = re.compile(
    r"\s+(?:\d|a\b|an\b|the\b|his\b|her\b|their\b|at least\b|more than\b|dozens\b|scores\b|several\b|"
    r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty)\b)", re.I)


_TOLL_RISE = re.compile(
    r"\b(?P<verb>(?:death\s+)?toll|number of (?:people |those )?(?:killed|dead))\b[^.;]{0,140}?\b(?:rose|risen|climbed|"
    r"reached|jumped|increased|stood|stands|is|was|has risen|had risen)\s+(?:to|at)\s+(?:at least\s+)?$", re.I)

# "police had put the toll at 19"
_TOLL_PUT = re.compile(
    r"\b(?:put|puts|putting|placed|places|set|sets)\s+(?:the\s+|its\s+|their\s+)?"
    r"(?:(?:final|official|overall|initial)\s+)?(?P<verb>(?:death\s+)?toll)\s+at\s+(?:at least\s+)?$", re.I)


def _backward_casualty(text: str, n: NumberMatch) -> Casualty | None:
    before = text[max(0, n.start - 200):n.start]
    lowered = before.lower()
    toll = (_TOLL_RISE.search(before) or _TOLL_PUT.search(before)) if "toll" in lowered or "number of" in lowered \
        else None
    if toll:  # "the death toll from the raids has risen to 47"
        base = max(0, n.start - 200)
        return Casualty(ClaimKind.KILLED, n.count, n.start, n.end, base + toll.start("verb"),
                        base + toll.end("verb"), n.end, n.end, None)
    m = _BACKWARD_KIND.search(text[max(0, n.start - 60):n.start])
    if not m:
        return None
    base = max(0, n.start - 60)
    after = text[n.end:n.end + 60]
    noun = re.match(r"\s*((?:[A-Za-z'-]+\s*){0,4})", after).group(1)
    if re.match(r"\s*(?:attacks?|strikes?|years?|days?|months?|percent|%)", after, re.I):
        return None
    return Casualty(_kind_of(m.group("verb")), n.count, n.start, n.end, base + m.start("verb"),
                    base + m.end("verb"), n.end, n.end + len(noun), _victim_group(noun))


def _with_sum(text: str, n: NumberMatch) -> Count:
    """'a commander and 11 followers were killed' is twelve, not eleven."""
    if n.count.count is not None and _SUM_PATTERN.search(text[max(0, n.start - 80):n.start]):
        return Count(count=n.count.count + 1)
    return n.count


def _kind_of(word: str) -> ClaimKind:
    for pattern, kind in _KIND_WORDS:
        if pattern.fullmatch(word) or pattern.match(word):
            return kind
    return ClaimKind.KILLED


def _victim_group(noun: str) -> str | None:
    for pattern, group in _VICTIM_GROUPS:
        if pattern.search(noun):
            return group
    return None


def find_attributions(text: str, actors: list[ActorMatch]) -> list[Attribution]:
    """Where the sentence names a source, and the actor that source is (None when unresolved)."""
    found = []
    for m in _ATTRIBUTION_BEFORE.finditer(text):
        window = [a for a in actors if m.end() <= a.start <= m.end() + _ATTRIBUTION_WINDOW]
        named = [a for a in window if a.kind != "metonym"] or window
        found.append(Attribution(m.start(), m.end(), named[0] if named else None))
    for m in _SPEECH_VERB.finditer(text):
        lead = text[max(0, m.start() - 20):m.start()]
        if _RESPONSIBILITY.match(text, m.start()) or _NOT_A_SOURCE_BEFORE.search(lead) or _OWN_ACT.match(text, m.end()):
            continue
        before = [a for a in actors if a.end <= m.start() and m.start() - a.end <= 70
                  and not re.search(r"[.;]|\bthat\b", text[a.end:m.start()])
                  and not _OTHER_SPEAKER.search(text, a.end, m.start())]
        # a source after its verb only in the post-posed form: '..., said the ISPR', '" said Mujahid'
        postposed = re.search(r"[,\"']\s*$", text[max(0, m.start() - 3):m.start()]) is not None
        after = [a for a in actors if a.start >= m.end() and a.start - m.end() <= 25] if postposed else []
        actor = before[-1] if before else (after[0] if after else None)
        if actor is None:
            actor = military_source(text, m.start())
        found.append(Attribution(m.start(), m.end(), actor))
    return sorted(found, key=lambda a: a.start)


_MILITARY_SOURCE = re.compile(r"\bthe (?:military|army)(?:'s media wing)?\s+(?:also\s+|later\s+)?$", re.I)


def military_source(text: str, verb_start: int) -> ActorMatch | None:
    """'The military said ...': the armed forces of the country the event is in (resolved later). Only as
    a source: as an adjective ("military strikes") the word names no one."""
    m = _MILITARY_SOURCE.search(text[max(0, verb_start - 40):verb_start])
    if m is None:
        return None
    start = max(0, verb_start - 40) + m.start()
    return ActorMatch(start, start + len(m.group().rstrip()), m.group().rstrip(), None, MatchKind.GENERIC,
                      Role.FORCES)


def claimant_of(casualty: Casualty, attributions: list[Attribution]) -> Attribution | None:
    """The attribution that covers a casualty count: the nearest one in the sentence."""
    if not attributions:
        return None
    return min(attributions, key=lambda a: min(abs(a.start - casualty.start), abs(a.end - casualty.start)))


def names_responsibility(text: str) -> bool:
    """Whether a sentence may claim an act ("said it had sent the bomber"): a cheap test before reading it."""
    return _RESPONSIBILITY.search(text) is not None


def find_responsibility(text: str, actors: list[ActorMatch]) -> list[Responsibility]:
    """'The TTP claimed responsibility for the attack' and its passive forms."""
    found = []
    for m in _RESPONSIBILITY.finditer(text):
        if "claimed by" in m.group().lower():
            after = [a for a in actors if a.start >= m.end() and a.start - m.end() <= 30]
            if after:
                found.append(Responsibility(m.start(), m.end(), after[0]))
            continue
        before = [a for a in actors if a.end <= m.start() and m.start() - a.end <= 60]
        if before:
            found.append(Responsibility(m.start(), m.end(), before[-1]))
    return found
