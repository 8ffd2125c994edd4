"""The pair scores and the clustering choice of merge.py, compiled with numba for `merge.Merger`.

`merge.choose_event` decides one mention at a time over Python objects: right for the store, which
merges a few mentions per document. A bulk run merges millions, and there the same decision is made here
over flat arrays of interned fields (`Features`), with the same rules and the same order of floating-point
operations, so the two agree decision for decision (tests/test_merge.py checks it on random streams).
Imported lazily by `Merger`: numba takes a second or two to import, which the CLI should not pay.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from borderwatch import merge as rules

_GROW = 1.5
# Columns of Features.ints.
DAY0, DAY1, IS_DAY, COUNTRY, ADMIN1, ADMIN2, PLACE, TYPE, SUB_TYPE, ACTOR1, ACTOR2 = range(11)
WORDS_AT, WORDS_N, KILLED_AT, KILLED_N = range(11, 15)
_N_INTS = 15


class Features:
    """One row per profile added: its fields as numbers (`intern` gives each distinct string an int; -1
    is None), its content words as sorted ids in a shared pool, its death counts (low, high) likewise."""

    def __init__(self, capacity: int = 1024) -> None:
        self.n = 0
        self.ints = np.empty((capacity, _N_INTS), dtype=np.int64)
        self.coords = np.empty((capacity, 2), dtype=np.float64)  # lat, lon; nan when unknown
        self.words = np.empty(capacity * 16, dtype=np.int64)
        self.n_words = 0
        self.killed = np.empty(capacity * 2, dtype=np.int64)
        self.n_killed = 0
        self._ids: dict[str, int] = {}

    def intern(self, value: str | None) -> int:
        if value is None:
            return -1
        found = self._ids.get(value)
        if found is None:
            found = self._ids[value] = len(self._ids)
        return found

    def add(self, p: rules.Profile) -> int:
        """Append a profile; its row number."""
        row = self.n
        if row == self.ints.shape[0]:
            size = int(row * _GROW) + 1
            self.ints, self.coords = _grown(self.ints, size), _grown(self.coords, size)
        intern = self.intern
        ids = self._ids
        words = sorted([ids.setdefault(w, len(ids)) for w in p.words])  # new words get the next id
        self.words = _fits(self.words, self.n_words + len(words))
        self.words[self.n_words:self.n_words + len(words)] = words
        killed = [v for pair in p.killed for v in pair]
        self.killed = _fits(self.killed, self.n_killed + len(killed))
        self.killed[self.n_killed:self.n_killed + len(killed)] = killed
        self.ints[row] = (
            p.start.toordinal(), p.end.toordinal(), p.precision is rules.Precision.DAY, intern(p.country),
            intern(p.admin1), intern(p.admin2), intern(p.place_id), intern(p.event_type),
            intern(p.sub_event_type), intern(p.actor1), intern(p.actor2),
            self.n_words, len(words), self.n_killed, len(p.killed))
        self.coords[row] = (math.nan if p.lat is None else p.lat, math.nan if p.lon is None else p.lon)
        self.n_words += len(words)
        self.n_killed += len(killed)
        self.n += 1
        return row


def _grown(array: np.ndarray, size: int) -> np.ndarray:
    out = np.empty((size, *array.shape[1:]), dtype=array.dtype)
    out[:array.shape[0]] = array
    return out


def _fits(pool: np.ndarray, needed: int) -> np.ndarray:
    return pool if needed <= pool.shape[0] else _grown(pool, int(needed * _GROW) + 16)


# ------------------------------------------------------------------------------------------ kernels
# The constants of merge.py, bound at compile time.
_DAY_LAG = rules.DAY_LAG
_FINE_SPAN_DAYS = rules.FINE_SPAN_DAYS
_PROVINCE_ONLY = rules.PROVINCE_ONLY_PLACE
_NUMBER_CLASH = rules.NUMBER_CLASH
_WORD_SCALE = rules.WORD_SCALE
_NEAR_KM = rules.NEAR_KM
_NEAR_DEGREES = rules.NEAR_KM / 100
_W = tuple(rules.WEIGHTS[name] for name in ("date", "place", "type", "actors", "numbers", "words"))
_W0, _W1, _W2, _W3, _W4, _W5 = _W


@numba.njit(cache=True)
def _near(coords, a, b):
    lat1, lon1, lat2, lon2 = coords[a, 0], coords[a, 1], coords[b, 0], coords[b, 1]
    if math.isnan(lat1) or math.isnan(lon1) or math.isnan(lat2) or math.isnan(lon2):
        return False
    if abs(lat1 - lat2) > _NEAR_DEGREES or abs(lon1 - lon2) > 2 * _NEAR_DEGREES:
        return False
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h))) <= _NEAR_KM


@numba.njit(cache=True)
def _vetoed(ints, coords, a, b):
    """merge.veto(a, b) is not None."""
    if ints[a, COUNTRY] != ints[b, COUNTRY]:
        return True
    if ints[a, IS_DAY] and ints[b, IS_DAY]:
        if abs(ints[a, DAY0] - ints[b, DAY0]) > _DAY_LAG:
            return True
    elif not (ints[a, DAY0] - _DAY_LAG <= ints[b, DAY1] and ints[b, DAY0] - _DAY_LAG <= ints[a, DAY1]):
        return True
    if (ints[a, PLACE] >= 0 and ints[a, PLACE] == ints[b, PLACE]) or ints[a, ADMIN1] < 0 or ints[b, ADMIN1] < 0:
        return False
    if ints[a, ADMIN1] != ints[b, ADMIN1]:
        return not _near(coords, a, b)
    if ints[a, ADMIN2] >= 0 and ints[b, ADMIN2] >= 0 and ints[a, ADMIN2] != ints[b, ADMIN2]:
        return not _near(coords, a, b)
    return False


@numba.njit(cache=True)
def _parts(ints, coords, words, killed, unknown, a, b, out):
    """merge._parts(a, b) into out[0:6]."""
    # date
    if ints[a, IS_DAY] and ints[b, IS_DAY]:
        gap = abs(ints[a, DAY0] - ints[b, DAY0])
        out[0] = 1.0 if gap == 0 else (0.5 if gap <= _DAY_LAG else 0.0)
    elif ints[a, DAY0] - _DAY_LAG <= ints[b, DAY1] and ints[b, DAY0] - _DAY_LAG <= ints[a, DAY1]:
        width = max(ints[a, DAY1] - ints[a, DAY0], ints[b, DAY1] - ints[b, DAY0]) + 1
        if width <= _FINE_SPAN_DAYS:
            out[0] = 0.7
        else:
            out[0] = 0.5 if (ints[a, IS_DAY] or ints[b, IS_DAY]) else 0.4
    else:
        out[0] = 0.0
    # place
    a1, b1, a2, b2 = ints[a, ADMIN1], ints[b, ADMIN1], ints[a, ADMIN2], ints[b, ADMIN2]
    if ints[a, PLACE] >= 0 and ints[a, PLACE] == ints[b, PLACE]:
        out[1] = 1.0
    elif a1 < 0 or b1 < 0:
        out[1] = 0.2
    elif a1 != b1 or (a2 >= 0 and b2 >= 0 and a2 != b2):
        out[1] = 0.3 if _near(coords, a, b) else 0.0
    elif a2 >= 0 and b2 >= 0:
        out[1] = 0.8
    else:
        out[1] = _PROVINCE_ONLY
    # type
    if ints[a, TYPE] != ints[b, TYPE]:
        out[2] = 0.0
    else:
        out[2] = 1.0 if ints[a, SUB_TYPE] == ints[b, SUB_TYPE] else 0.6
    # actors: sum(known) / len(known), summed from an int 0 as Python's sum() does
    total = 0.0
    known = 0
    for col in (ACTOR1, ACTOR2):
        x, y = ints[a, col], ints[b, col]
        if x >= 0 and y >= 0:
            known += 1
            total += 1.0 if x == y else (0.3 if (x == unknown or y == unknown) else -0.5)
    out[3] = total / known if known else 0.0
    # numbers
    na, nb = ints[a, KILLED_N], ints[b, KILLED_N]
    if na == 0 or nb == 0:
        out[4] = 0.0
    else:
        out[4] = _NUMBER_CLASH
        ka, kb = ints[a, KILLED_AT], ints[b, KILLED_AT]
        for i in range(na):
            lo1, hi1 = killed[ka + 2 * i], killed[ka + 2 * i + 1]
            for j in range(nb):
                lo2, hi2 = killed[kb + 2 * j], killed[kb + 2 * j + 1]
                if lo1 <= max(hi2 * 1.5, hi2 + 3) and lo2 <= max(hi1 * 1.5, hi1 + 3):
                    out[4] = 1.0
                    break
            if out[4] == 1.0:
                break
    # words: Jaccard of sorted id lists, scaled
    la, lb = ints[a, WORDS_N], ints[b, WORDS_N]
    if la == 0 or lb == 0:
        out[5] = 0.0
    else:
        i, j, shared = ints[a, WORDS_AT], ints[b, WORDS_AT], 0
        end_a, end_b = i + la, j + lb
        while i < end_a and j < end_b:
            if words[i] == words[j]:
                shared += 1
                i += 1
                j += 1
            elif words[i] < words[j]:
                i += 1
            else:
                j += 1
        out[5] = min(1.0, _WORD_SCALE * shared / (la + lb - shared))


@numba.njit(cache=True)
def _weighted(parts):
    return (_W0 * parts[0] + _W1 * parts[1] + _W2 * parts[2] + _W3 * parts[3] + _W4 * parts[4]
            + _W5 * parts[5])


@numba.njit(cache=True)
def choose(ints, coords, words, killed, unknown, p, candidates, scored, n_scored, threshold, margin, why):
    """merge.choose_event over rows: `candidates` are event numbers in the order to try them (already
    without events that hold a mention of p's document), `scored[e, :n_scored[e]]` the rows of event e's
    first members. Returns (index into candidates or -1, mean); `why` gets the closest member's six parts
    and its total."""
    best, best_mean = -1, 0.0
    parts = np.empty(6)
    for c in range(candidates.shape[0]):
        e = candidates[c]
        k = n_scored[e]
        if k == 0:
            continue
        vetoed = False
        for t in range(k):
            if _vetoed(ints, coords, p, scored[e, t]):
                vetoed = True
                break
        if vetoed:
            continue
        total, top, top_at = 0.0, -1e300, 0
        vague = ints[p, ADMIN1] < 0
        for t in range(k):
            m = scored[e, t]
            _parts(ints, coords, words, killed, unknown, p, m, parts)
            value = _weighted(parts)
            total += value
            if value > top:
                top, top_at = value, m
            if ints[m, ADMIN1] < 0:
                vague = True
        mean = total / k
        if mean >= (threshold + margin if vague else threshold) and (best < 0 or mean > best_mean):
            best, best_mean = c, mean
            _parts(ints, coords, words, killed, unknown, p, top_at, why)
            why[6] = top
    return best, best_mean
