"""Who did it to whom: actor1 (carried the act out) and actor2 (its target) around a trigger.

Rules, in order, each over the trigger's clause:
- actor1: the passive agent ("killed by the security forces", "strikes by Pakistan"); an actor directly
  modifying the trigger ("Pakistani airstrikes", "a TTP attack", "the Taliban's bombardment"); else the
  nearest subject before the trigger (an actor not governed by a preposition or a verb).
- actor2: an actor after "on/against/at/targeting" or the direct object of a verb trigger ("attacked
  Pakistani checkposts"); "X were the targets of the strikes"; else the victims of a passive casualty
  verb in the clause ("seven soldiers were martyred in a terror attack").
Actors that are claimants ("according to ISPR", "Mujahid said") are never roles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from borderwatch.extract.actors import ActorMatch
from borderwatch.extract.events import TriggerMatch

_AGENT_BEFORE = re.compile(r"\bby\s+(?:the\s+|a\s+|an\s+)?$", re.I)
_TARGET_PREP_BEFORE = re.compile(
    r"\b(?:on|against|at|upon|targeting|targetting|hitting|into|toward|towards)\s+(?:the\s+|a\s+|an\s+|"
    r"several\s+|multiple\s+|\w+\s+)?(?:(?:group|groups|number|crowd|crowds|party|band)\s+of\s+)?$",
    re.I,
)
_GOVERNED_BEFORE = re.compile(
    r"\b(?:on|against|at|upon|of|in|into|inside|from|with|to|for|across|near|targeting|by|between|among|"
    r"including|about|over)\s+(?:the\s+|a\s+|an\s+|its\s+|their\s+)?"
    r"(?:(?!that\b|which\b|who\b|when\b|as\b|after\b|before\b|while\b|since\b|until\b)[a-z][\w'-]*\s+){0,2}$"
    # "on the outlawed", not "on Saturday that" or "on Thursday after"
    r"|\b\w+ed\s+(?:the\s+|a\s+|an\s+)?$",
    re.I,
)
_SUBJECT_EXCEPTIONS = re.compile(r"\b(?:reportedly|allegedly|also|then|jointly|later|subsequently)\s+$", re.I)
# "attacked two Pakistani military checkposts": at most two words between a verb and its object
_DIRECT_OBJECT_GAP = re.compile(
    r"\s*(?:(?!on\b|in\b|at\b|by\b|from\b|with\b|after\b|as\b|to\b|and\b|near\b|what\b|which\b|who\b|that\b)"
    r"[\w'-]+\s+){0,2}")
# "a drone strike killed Baitullah Mehsud": a noun trigger, the verb after it, and the verb's object
_NOUN_THEN_VERB = re.compile(
    r"\s+(?:\w+ly\s+)?(?:killed|kills|targeted|wounded|injured|hit|struck|eliminated|destroyed)\s+"
    r"(?:(?!on\b|in\b|at\b|by\b|near\b)[\w'-]+\s+){0,2}", re.I)
_SUFFERED = re.compile(r"attempts? on (?:his|her|their) li", re.I)
_BETWEEN = re.compile(r"\s+between\s+(?:the\s+)?[^.;]{0,80}?\band\b", re.I)
# "was martyred on Wednesday in a": a passive casualty verb between a subject and the act that hit it
_SUFFERED_BEFORE = re.compile(
    r"[^.;]*?\b(?:was|were|been|got)\s+(?:\w+ly\s+)?(?:killed|martyred|injured|wounded|assassinated|shot|"
    r"murdered|slain|hurt|abducted|kidnapped)\b[^.;]*?\b(?:in|by)\s+(?:a|an|the)\s+(?:[\w-]+\s+){0,2}$", re.I)
_SPEECH_BETWEEN = re.compile(
    r"\b(?:said|says|told|added|warned|vowed|stated|insisted)\b(?!\s+(?:on\s+\w+\s+)?(?:that\s+)?"
    r"(?:it|they|its|their|he|his|we|our)\b)", re.I)
_FELL_TO = re.compile(r"\bfell to$", re.I)
_ARTICLE_GAP = re.compile(r"\s+(?:the\s+|a\s+|an\s+)?")
_PASSIVE_BEFORE = re.compile(r"\b(?:were|was|been|being|are|is|got)\s+(?:\w+ly\s+)?$", re.I)
# "Forces of the Islamic Emirate killed ...": the group named after "of" is the one acting
_MEMBERS_OF = re.compile(r"\b(?:forces|fighters|militants|troops|members|soldiers|gunmen|units|"
                         r"commanders)\s+of\s+(?:the\s+)?$", re.I)
# "Dozens of Pakistani Taliban fighters attacked": a quantity of the actor, not a preposition governing it
_QUANTITY_OF = re.compile(r"(?:^|\b)(?:dozens|scores|hundreds|thousands|several|some|many|most|all|both|"
                          r"\d+|two|three|four|five|six|seven|eight|nine|ten|a\s+(?:group|band|squad|"
                          r"number|handful|team|unit|gang|convoy))\s+of\s+(?:the\s+)?$", re.I)
_TARGETS_OF = re.compile(r"\btargets?\W*\s+of\s+(?:[\w'-]+\s+){0,3}$", re.I)
_POSSESSIVE_OR_ADJ_GAP = re.compile(r"^(?:'s|')?\s*(?:[a-z][\w-]*\s+){0,2}$")


@dataclass(frozen=True, slots=True)
class Roles:
    actor1: ActorMatch | None
    actor2: ActorMatch | None


def assign_roles(text: str, trigger: TriggerMatch, actors: list[ActorMatch], clause: tuple[int, int]) -> Roles:
    """actor1 and actor2 of `trigger` among `actors` (claimants already removed), offsets into `text`."""
    in_clause = [a for a in actors if a.start >= clause[0] and a.end <= clause[1]
                 or (a.start <= trigger.start and trigger.end <= a.end)]
    suffered = _SUFFERED.match(trigger.text) is not None  # "survived an attempt on his life": he was the target
    if suffered or (trigger.verb and _PASSIVE_BEFORE.search(text[max(0, trigger.start - 30):trigger.start])):
        # "were attacked by X": the agent did it; the subject before the verb suffered it
        agent = next((a for a in in_clause if _AGENT_BEFORE.search(text[max(0, a.start - 12):a.start])), None)
        before = [a for a in in_clause if a.end <= trigger.start and a is not agent and not _governed(text, a)]
        return Roles(agent, before[-1] if before else None)
    if _FELL_TO.search(trigger.text):  # "Kabul fell to the Taliban": the one after "to" took it
        taker = next((a for a in in_clause if a.start >= trigger.end and _ARTICLE_GAP.fullmatch(text, trigger.end,
                                                                                              a.start)), None)
        before = [a for a in in_clause if a.end <= trigger.start and not _governed(text, a)]
        return Roles(taker, before[-1] if before else None)
    if not trigger.verb:
        # "X, the Emirate's minister, was martyred on Wednesday in a suicide attack": X suffered the act
        sufferer = next((a for a in reversed(in_clause) if a.end <= trigger.start and not _governed(text, a)
                         and _SUFFERED_BEFORE.match(text, a.end, trigger.start)), None)
        if sufferer is not None:
            agent = next((a for a in in_clause if a.start >= trigger.end
                          and _AGENT_BEFORE.search(text[max(0, a.start - 12):a.start])), None)
            return Roles(agent, sufferer)
    between = _BETWEEN.match(text, trigger.end)
    if between is not None:  # "clashes between Afghan special forces and Taliban fighters"
        sides = [a for a in in_clause if between.start() <= a.start < between.end() + 60]
        if len(sides) >= 2 and not _same_side(sides[0], sides[1]):
            return Roles(sides[0], sides[1])
    actor1 = _find_actor1(text, trigger, in_clause) or _relative_subject(text, trigger, actors)
    rest = [a for a in in_clause if a is not actor1]
    partner = _coordinated_before(text, actor1, rest)
    if partner is not None:  # "Afghan Taliban forces and Pakistani troops exchanged fire": both sides
        return Roles(partner, actor1)
    actor2 = _find_actor2(text, trigger, rest, actor1)
    return Roles(actor1, actor2)


# "US troops pursued a Taliban force into Mohmand, and killed 11 fighters": a second verb of one subject
_AND_THEN_VERB = re.compile(r"\s*,?\s*and\s+(?:then\s+|later\s+|\w+ly\s+)?", re.I)


def shared_subject(text: str, trigger: TriggerMatch, clause: tuple[int, int],
                   clauses: tuple[tuple[int, int], ...], actors: list[ActorMatch]) -> ActorMatch | None:
    """The subject of the clause before, for a verb trigger whose own clause is only "and" before it
    ("..., and killed 11 fighters"); None otherwise."""
    if not trigger.verb or not _AND_THEN_VERB.fullmatch(text, clause[0], trigger.start):
        return None
    previous = next((c for c in clauses if c[1] == clause[0]), None)
    if previous is None:
        return None
    return next((a for a in actors if previous[0] <= a.start and a.end <= previous[1]
                 and not _governed(text, a)), None)


_WHO_BEFORE = re.compile(r"\s*,\s+who\s+(?:\w+ly\s+)?(?:had\s+|has\s+|have\s+)?$", re.I)


def _relative_subject(text: str, trigger: TriggerMatch, actors: list[ActorMatch]) -> ActorMatch | None:
    """'The Taliban, who seized Kabul in August': the actor a relative clause opens on did the act."""
    if not trigger.verb:
        return None
    return next((a for a in actors if a.end <= trigger.start and _WHO_BEFORE.fullmatch(text, a.end, trigger.start)),
                None)


def _coordinated_before(text: str, actor: ActorMatch | None, others: list[ActorMatch]) -> ActorMatch | None:
    """The actor joined to `actor` by 'and' right before it ('X and Y clashed'), if any."""
    if actor is None:
        return None
    for a in others:
        if a.end <= actor.start and re.fullmatch(r"\s+and\s+(?:the\s+)?", text[a.end:actor.start]):
            return a if not _same_side(a, actor) else None
    return None


def _find_actor1(text: str, trigger: TriggerMatch, actors: list[ActorMatch]) -> ActorMatch | None:
    for a in actors:
        if a.start <= trigger.start and trigger.end <= a.end:
            return a  # the trigger is inside the actor's name: "Pakistani airstrikes"
        if a.start < trigger.start < a.end and trigger.strength == 2:
            return a  # the trigger starts inside it: "American missiles" of "missiles fired"
    for a in actors:
        if _AGENT_BEFORE.search(text[max(0, a.start - 12):a.start]):
            return a
    # "Mujahid ... said those behind the attack would be punished": the speaker, not the doer, unless the
    # act told is the speaker's own ("the army said it had struck")
    before = [a for a in actors if a.end <= trigger.start and not _SPEECH_BETWEEN.search(text, a.end, trigger.start)]
    if before:
        nearest = before[-1]
        gap = text[nearest.end:trigger.start]
        if _POSSESSIVE_OR_ADJ_GAP.match(gap) and not _governed(text, nearest):
            return nearest
        if _POSSESSIVE_OR_ADJ_GAP.match(gap) and not trigger.verb and len(gap.strip()) <= 2:
            return nearest  # "Pakistani airstrikes", "a TTP attack"
    for a in reversed(before):
        if not _governed(text, a) and not _TARGETS_OF.search(text[a.end:trigger.start]):
            return a
    return None


def _find_actor2(text: str, trigger: TriggerMatch, actors: list[ActorMatch],
                 actor1: ActorMatch | None) -> ActorMatch | None:
    after = [a for a in actors if a.start >= trigger.end]
    for a in after:
        lead = text[trigger.end:a.start]
        if len(lead) > 60:
            break
        if (_TARGET_PREP_BEFORE.search(lead) or (trigger.verb and _DIRECT_OBJECT_GAP.fullmatch(lead))
                or (not trigger.verb and _NOUN_THEN_VERB.fullmatch(lead))):
            if not _same_side(a, actor1):
                return a
    for a in actors:
        if a.end <= trigger.start and _TARGETS_OF.search(text[a.end:trigger.start]) and not _same_side(a, actor1):
            return a
    return None


def _governed(text: str, actor: ActorMatch) -> bool:
    window = text[max(0, actor.start - 40):actor.start]
    if _SUBJECT_EXCEPTIONS.search(window) or _MEMBERS_OF.search(window) or _QUANTITY_OF.search(window):
        return False
    return bool(_GOVERNED_BEFORE.search(window))


def _same_side(a: ActorMatch, b: ActorMatch | None) -> bool:
    return b is not None and a.actor_id is not None and a.actor_id == b.actor_id
