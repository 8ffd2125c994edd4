"""A fast scan for big regexes of phrases anchored on a few stems (used by links.py and stance.py)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

_WORD_RUN = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class AnchoredPattern:
    """A regex written for lower-cased text, every match of which starts at a word and holds a stem no
    further from its start than that stem's lookback.

    `finditer` gives the matches `pattern.finditer(text.lower())` would, many times faster: a regex of
    the stems (factored by first letter, so most positions fail on one character) finds where a match can
    be, and the pattern is tried only at the word of the stem and at the `starts` words (those that can
    begin a match before its stem: "did" in "did not confirm") within the lookback before it. A big
    alternation whose branches begin with a word boundary is otherwise tried at every character, at a
    microsecond or two each. Numbers are always tried as starts ("48 hours after")."""

    pattern: re.Pattern[str]
    any_case: re.Pattern[str]   # for the rare text whose length changes when lower-cased
    stems: re.Pattern[str]
    lookbacks: Mapping[str, int]
    starts: frozenset[str]

    @classmethod
    def compile(cls, source: str, lookbacks: Mapping[str, int], starts: Iterable[str]) -> AnchoredPattern:
        """`lookbacks`: each stem and how many characters before it a match may start (0: at its word)."""
        stems = re.compile(_by_first_letter(lookbacks))
        return cls(re.compile(source), re.compile(source, re.IGNORECASE), stems, dict(lookbacks),
                   frozenset(starts))

    def finditer(self, text: str) -> list[re.Match[str]]:
        """Leftmost non-overlapping matches, as `re.finditer` gives them; offsets are into `text`."""
        lowered = text.lower()
        if len(lowered) != len(text):
            return list(self.any_case.finditer(text))
        found: list[re.Match[str]] = []
        taken = 0
        for stem in self.stems.finditer(lowered):
            anchor = stem.start()
            if anchor < taken:
                continue
            own_word = max(taken, anchor - _word_prefix(lowered, anchor))
            start = max(taken, anchor - self.lookbacks[stem.group()])
            m = self._first_match(lowered, start, own_word, anchor)
            if m is not None:
                found.append(m)
                taken = m.end()
        return found

    def _first_match(self, lowered: str, start: int, own_word: int, anchor: int) -> re.Match[str] | None:
        for word in _WORD_RUN.finditer(lowered, start, own_word):
            if word.group() in self.starts or word.group().isdigit():
                m = self.pattern.match(lowered, word.start())
                if m is not None and m.end() > anchor:
                    return m
        m = self.pattern.match(lowered, own_word)
        return m if m is not None and m.end() > anchor else None


def _word_prefix(text: str, at: int) -> int:
    """How many word characters come right before `at`."""
    back = at
    while back > 0 and (text[back - 1].isalnum() or text[back - 1] == "_"):
        back -= 1
    return at - back


def _by_first_letter(stems: Iterable[str]) -> str:
    """An alternation of literal stems grouped by first letter: "a(?:fter|veng)|r(?:etaliat|epl)"."""
    groups: dict[str, list[str]] = {}
    for stem in sorted(set(stems), key=lambda s: (-len(s), s)):
        groups.setdefault(stem[0], []).append(re.escape(stem[1:]))
    return "|".join(f"{re.escape(first)}(?:{'|'.join(rests)})" for first, rests in groups.items())
