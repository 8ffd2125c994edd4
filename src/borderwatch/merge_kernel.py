"""Merging compiled with numba for `merge.Merger`: blocking, vetoes, scores, the choice and the index update.

`merge.choose_event` decides one mention at a time over Python objects: right for the store, which
merges a few mentions per document. A bulk run merges millions, and there the whole per-mention path
runs here in one compiled call (`merge_row`) over flat arrays: the profiles' fields interned to ints
(`Features`), and the events with their block index (`EventIndex`). The rules, the blocks and the order
of floating-point operations are those of merge.py, so the two agree decision for decision
(tests/test_merge.py replays random streams against `choose_event`).

The block index is a hash table from a block key to a linked list of nodes in one pool: one node per
(event, block), added once. A day block is keyed by country, type, day and the province a report named
(none for a report naming only the country), and its nodes carry the district: a district's lookup walks
its province's list and the country's, not the whole country's day. A list per (country, type, day) of
the provinces that have a day block serves the reports that named only the country (merge.Merger
documents who meets whom).

Imported lazily by `Merger`: numba takes a second or two to import, which the CLI should not pay.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from borderwatch import merge as rules

_GROW = 1.5
# Columns of Features.ints (int32). PREV_DOC and EVENT are written by merge_row.
(DAY0, DAY1, PREC, COUNTRY, ADMIN1, ADMIN2, PLACE, TYPE, SUB_TYPE, ACTOR1, ACTOR2, WORDS_AT, WORDS_N,
 KILLED_AT, KILLED_N, DOC, PREV_DOC, EVENT) = range(18)
_N_INTS = 18
# Precision codes, in the order of Precision (finest first).
DAY, WEEK, MONTH, SEASON, YEAR = range(5)
_PRECISION_CODE = {p: i for i, p in enumerate(rules.Precision)}
# "UNKNOWN" is the first actor interned: the actor part compares it with a constant.
UNKNOWN_ACTOR = 0
# Codes that go into block keys must fit their bits (see _lo).
_KEY_CODE_LIMIT = 1 << 14

# Columns of EventIndex.events (int64): the sort key (the event id's hash as a number, so events are tried
# in the order of their ids), the last lookup that met it, how many members are scored, their rows.
KEY, STAMP, N_SCORED, SCORED = 0, 1, 2, 3
_N_EVENT_COLS = SCORED + rules.MAX_MEMBERS_SCORED
# Columns of EventIndex.nodes (int32) and EventIndex.table (int64; an empty slot has HI == -1).
NODE_EVENT, NODE_ADMIN1, NODE_ADMIN2, NODE_NEXT = range(4)
HI, LO, HEAD = range(3)
# EventIndex.counts.
N_EVENTS, N_NODES, N_KEYS, GENERATION = range(4)
# Block kinds (part of the key). DAY_PROVINCES lists the provinces of a (country, type, day) in NODE_ADMIN1.
BY_DAY, BY_DISTRICT_MONTH, BY_DISTRICT_YEAR, BY_PROVINCE_MONTH, DAY_PROVINCES = range(5)
# merge_row's answers when an array must grow first (nothing was changed; call again after growing).
NEED_EVENTS, NEED_NODES, NEED_KEYS, NEED_FOUND = -1, -2, -3, -4


class Codes(dict):
    """Each distinct string its int, given in order of first sight; None is -1."""

    def __init__(self, *first: str) -> None:
        super().__init__({None: -1})
        for value in first:
            self[value]  # noqa: B018 (interns it)

    def __missing__(self, value: str) -> int:
        code = self[value] = len(self) - 1
        return code


class KeyCodes(Codes):
    """Codes that go into block keys, where they have 14 bits."""

    def __missing__(self, value: str) -> int:
        code = super().__missing__(value)
        if code >= _KEY_CODE_LIMIT:
            raise OverflowError(f"more than {_KEY_CODE_LIMIT} distinct countries or event types")
        return code


class Features:
    """One row per profile: its fields as ints (each column its own `Codes`), its content words as sorted
    ids in a shared pool, its death counts (low, high) likewise, its coordinates (nan when unknown).

    `put` writes a profile into the next row without counting it; `commit` counts it. So a profile can be
    looked up (`Merger.candidates`) without being added."""

    def __init__(self, capacity: int = 1024) -> None:
        self.n = 0
        self.ints = np.empty((capacity, _N_INTS), dtype=np.int32)
        self.coords = np.empty((capacity, 2), dtype=np.float64)
        self.words = np.empty(capacity * 8, dtype=np.int32)
        self.n_words = 0
        self.killed = np.empty((capacity, 2), dtype=np.int64)  # (low, high) of each count
        self.n_killed = 0
        self._pending = (0, 0)  # the words and counts of the row `put` wrote
        self._countries, self._types = KeyCodes(), KeyCodes()
        self._admin1, self._admin2, self._places, self._sub_types = Codes(), Codes(), Codes(), Codes()
        self._actors, self._word_ids = Codes("UNKNOWN"), Codes()

    def put(self, p: rules.Profile, doc: int) -> int:
        """Write `p` into the next row (not yet counted); its row number."""
        row = self.n
        if row == self.ints.shape[0]:
            size = int(row * _GROW) + 1
            self.ints, self.coords = _grown(self.ints, size), _grown(self.coords, size)
        word_ids = self._word_ids
        words = sorted([word_ids[w] for w in p.words])
        at_words, n_words = self.n_words, len(words)
        if at_words + n_words > self.words.shape[0]:
            self.words = _grown(self.words, int((at_words + n_words) * _GROW) + 16)
        self.words[at_words:at_words + n_words] = words
        at_killed, n_killed = self.n_killed, len(p.killed)
        if n_killed:
            if at_killed + n_killed > self.killed.shape[0]:
                self.killed = _grown(self.killed, int((at_killed + n_killed) * _GROW) + 16)
            self.killed[at_killed:at_killed + n_killed] = p.killed
        actors = self._actors
        self.ints[row] = (
            p.start.toordinal(), p.end.toordinal(), _PRECISION_CODE[p.precision], self._countries[p.country],
            self._admin1[p.admin1], self._admin2[p.admin2], self._places[p.place_id],
            self._types[p.event_type], self._sub_types[p.sub_event_type], actors[p.actor1], actors[p.actor2],
            at_words, n_words, at_killed, n_killed, doc, -1, -1)
        self.coords[row] = (math.nan if p.lat is None else p.lat, math.nan if p.lon is None else p.lon)
        self._pending = (n_words, n_killed)
        return row

    def commit(self, row: int) -> None:
        """Count the row `put` wrote last."""
        self.n = row + 1
        n_words, n_killed = self._pending
        self.n_words += n_words
        self.n_killed += n_killed


class EventIndex:
    """The events (their sort keys and scored members), the documents' last rows, and the block index:
    arrays that grow when `merge_row` asks."""

    def __init__(self, capacity: int = 1024) -> None:
        self.events = np.empty((capacity, _N_EVENT_COLS), dtype=np.int64)
        self.nodes = np.empty((capacity * 4, 4), dtype=np.int32)
        self.table = np.full((_power_of_two(capacity * 8), 3), -1, dtype=np.int64)
        self.docs = np.full(capacity, -1, dtype=np.int32)  # document number -> its last row
        self.found = np.empty(min(64, max(1, capacity)), dtype=np.int64)  # scratch: one lookup's candidates
        self.counts = np.zeros(4, dtype=np.int64)

    def make_room(self, need: int) -> None:
        """Grow what `merge_row` or `gather` said was full."""
        if need == NEED_EVENTS:
            self.events = _grown(self.events, int(self.events.shape[0] * _GROW) + 1)
        elif need == NEED_NODES:
            self.nodes = _grown(self.nodes, int(self.nodes.shape[0] * _GROW) + 64)
        elif need == NEED_KEYS:
            table = np.full((self.table.shape[0] * 2, 3), -1, dtype=np.int64)
            rehash(self.table, table)
            self.table = table
        elif need == NEED_FOUND:
            self.found = np.empty(self.found.shape[0] * 2, dtype=np.int64)
        else:
            raise ValueError(f"not a request to grow: {need}")

    def doc_room(self, doc: int) -> None:
        """Make document number `doc` fit."""
        if doc >= self.docs.shape[0]:
            docs = np.full(int(doc * _GROW) + 1, -1, dtype=np.int32)
            docs[:self.docs.shape[0]] = self.docs
            self.docs = docs


def _grown(array: np.ndarray, size: int) -> np.ndarray:
    out = np.empty((size, *array.shape[1:]), dtype=array.dtype)
    out[:array.shape[0]] = array
    return out


def _power_of_two(n: int) -> int:
    return 1 << max(4, (n - 1).bit_length())


# ------------------------------------------------------------------------------------------ kernels
# The constants of merge.py, bound at compile time.
_DAY_LAG = rules.DAY_LAG
_FINE_SPAN_DAYS = rules.FINE_SPAN_DAYS
_PROVINCE_ONLY = rules.PROVINCE_ONLY_PLACE
_NUMBER_CLASH = rules.NUMBER_CLASH
_WORD_SCALE = rules.WORD_SCALE
_NEAR_KM = rules.NEAR_KM
_NEAR_DEGREES = rules.NEAR_KM / 100
_THRESHOLD = rules.MERGE_THRESHOLD
_VAGUE_THRESHOLD = rules.MERGE_THRESHOLD + rules.VAGUE_MARGIN
_THIN_THRESHOLD = rules.THIN_THRESHOLD
_MAX_SCORED = rules.MAX_MEMBERS_SCORED
_W = tuple(rules.WEIGHTS[name] for name in ("date", "place", "type", "actors", "numbers", "words"))
_W0, _W1, _W2, _W3, _W4, _W5 = _W
# Multipliers of the block-key hash (odd 64-bit constants, as signed ints: numba's int64 arithmetic wraps).
_MIX1 = -7046029254386353131
_MIX2 = -4417276706812531889


@numba.njit(cache=True)
def month_of(ordinal):
    """The month number (year * 12 + month - 1) of a proleptic Gregorian ordinal (date.toordinal())."""
    z = ordinal - 719163 + 719468  # days since 0000-03-01
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    month = mp + 3 if mp < 10 else mp - 9
    year = yoe + era * 400 + (1 if month <= 2 else 0)
    return year * 12 + month - 1


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
    if ints[a, PREC] == DAY and ints[b, PREC] == DAY:
        if abs(ints[a, DAY0] - ints[b, DAY0]) > _DAY_LAG:
            return True
    elif not (ints[a, DAY0] - _DAY_LAG <= ints[b, DAY1] and ints[b, DAY0] - _DAY_LAG <= ints[a, DAY1]):
        return True
    if ints[a, PLACE] >= 0 and ints[a, PLACE] == ints[b, PLACE]:
        return False
    if ints[a, ADMIN1] < 0 or ints[b, ADMIN1] < 0:
        return False
    if ints[a, ADMIN1] != ints[b, ADMIN1]:
        return not _near(coords, a, b)
    if ints[a, ADMIN2] >= 0 and ints[b, ADMIN2] >= 0 and ints[a, ADMIN2] != ints[b, ADMIN2]:
        return not _near(coords, a, b)
    return False


@numba.njit(cache=True)
def _parts(ints, coords, words, killed, a, b, out):
    """merge._parts(a, b) into out[0:6]."""
    # date
    if ints[a, PREC] == DAY and ints[b, PREC] == DAY:
        gap = abs(ints[a, DAY0] - ints[b, DAY0])
        out[0] = 1.0 if gap == 0 else (0.5 if gap <= _DAY_LAG else 0.0)
    elif ints[a, DAY0] - _DAY_LAG <= ints[b, DAY1] and ints[b, DAY0] - _DAY_LAG <= ints[a, DAY1]:
        width = max(ints[a, DAY1] - ints[a, DAY0], ints[b, DAY1] - ints[b, DAY0]) + 1
        if width <= _FINE_SPAN_DAYS:
            out[0] = 0.7
        else:
            out[0] = 0.5 if (ints[a, PREC] == DAY or ints[b, PREC] == DAY) else 0.4
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
            total += 1.0 if x == y else (0.3 if (x == UNKNOWN_ACTOR or y == UNKNOWN_ACTOR) else -0.5)
    out[3] = total / known if known else 0.0
    # numbers
    na, nb = ints[a, KILLED_N], ints[b, KILLED_N]
    if na == 0 or nb == 0:
        out[4] = 0.0
    else:
        out[4] = _NUMBER_CLASH
        ka, kb = ints[a, KILLED_AT], ints[b, KILLED_AT]
        for i in range(ka, ka + na):
            lo1, hi1 = killed[i, 0], killed[i, 1]
            for j in range(kb, kb + nb):
                lo2, hi2 = killed[j, 0], killed[j, 1]
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
def _choose(ints, coords, words, killed, events, p, found, n):
    """merge.choose_event over rows: `found[:n]` are event numbers in the order to try them (without the
    events that hold a mention of p's document). Returns (index into found or -1, mean); when p names no
    province and more than one event reaches its threshold, (-1, how many did), as choose_event decides."""
    best, best_mean, passed = -1, 0.0, 0
    parts = np.empty(6)
    for c in range(n):
        e = found[c]
        k = events[e, N_SCORED]
        if k == 0:
            continue
        vetoed = False
        for t in range(k):
            if _vetoed(ints, coords, p, events[e, SCORED + t]):
                vetoed = True
                break
        if vetoed:
            continue
        total = 0.0
        vague = ints[p, ADMIN1] < 0
        all_thin = True
        for t in range(k):
            m = events[e, SCORED + t]
            _parts(ints, coords, words, killed, p, m, parts)
            total += _weighted(parts)
            if ints[m, ADMIN1] < 0:
                vague = True
            if all_thin and not _thin(ints, p, m):
                all_thin = False
        mean = total / k
        threshold = _VAGUE_THRESHOLD if vague else (_THIN_THRESHOLD if all_thin else _THRESHOLD)
        if mean >= threshold:
            passed += 1
            if best < 0 or mean > best_mean:
                best, best_mean = c, mean
    if passed > 1 and (ints[p, ADMIN1] < 0 or best_mean < _THRESHOLD):
        return -1, float(passed)  # a report naming no province, or a thin one, that fits two events joins neither
    return best, best_mean


@numba.njit(cache=True)
def _thin(ints, a, b):
    """merge.thin(a, b)."""
    if ints[a, TYPE] != ints[b, TYPE] or (ints[a, KILLED_N] > 0 and ints[b, KILLED_N] > 0):
        return False
    if (ints[a, ACTOR1] >= 0 and ints[b, ACTOR1] >= 0) or (ints[a, ACTOR2] >= 0 and ints[b, ACTOR2] >= 0):
        return False
    if ints[a, PLACE] >= 0 and ints[a, PLACE] == ints[b, PLACE]:
        return True
    return ints[a, ADMIN1] >= 0 and ints[a, ADMIN1] == ints[b, ADMIN1] and ints[a, ADMIN2] >= 0 and \
        ints[a, ADMIN2] == ints[b, ADMIN2]


@numba.njit(cache=True)
def why_of(ints, coords, words, killed, events, p, e, out):
    """The closest scored member's six parts and total (into out[0:7]) when row `p` joined event `e`;
    returns how many members were scored (those of its first members that came before p)."""
    parts = np.empty(6)
    top = -1e300
    k = 0
    for t in range(events[e, N_SCORED]):
        m = events[e, SCORED + t]
        if m >= p:
            break
        k += 1
        _parts(ints, coords, words, killed, p, m, parts)
        value = _weighted(parts)
        if value > top:
            top = value
            out[:6] = parts
    out[6] = top
    return k


# ------------------------------------------------------------------------------------- block index


@numba.njit(cache=True)
def _hi(admin1, admin2):
    return (np.int64(admin1 + 1) << 32) | np.int64(admin2 + 1)


@numba.njit(cache=True)
def _lo(kind, country, event_type, period):
    return ((np.int64(period) << 32) | np.int64(kind << 28) | (np.int64(country + 1) << 14)
            | np.int64(event_type + 1))


@numba.njit(cache=True)
def _slot(table, hi, lo):
    """The slot of key (hi, lo): where it is, or the empty slot where it goes (linear probing)."""
    mask = table.shape[0] - 1
    h = hi * _MIX1 + lo * _MIX2
    i = (h ^ (h >> 29)) & mask
    while True:
        if table[i, HI] == -1 or (table[i, HI] == hi and table[i, LO] == lo):
            return i
        i = (i + 1) & mask


@numba.njit(cache=True)
def rehash(old, new):
    """Move every key of table `old` into the larger empty table `new`."""
    for i in range(old.shape[0]):
        if old[i, HI] != -1:
            s = _slot(new, old[i, HI], old[i, LO])
            new[s, HI], new[s, LO], new[s, HEAD] = old[i, HI], old[i, LO], old[i, HEAD]


@numba.njit(cache=True)
def _head(table, hi, lo):
    s = _slot(table, hi, lo)
    return table[s, HEAD] if table[s, HI] != -1 else -1


@numba.njit(cache=True)
def _add_node(table, nodes, counts, hi, lo, e, admin1, admin2):
    """Add event e to block (hi, lo), once for each (admin1, admin2) it is named with; whether the block
    is new."""
    s = _slot(table, hi, lo)
    new = table[s, HI] == -1
    if new:
        table[s, HI], table[s, LO], table[s, HEAD] = hi, lo, -1
        counts[N_KEYS] += 1
    node = table[s, HEAD]
    while node >= 0:
        if (nodes[node, NODE_EVENT] == e and nodes[node, NODE_ADMIN1] == admin1
                and nodes[node, NODE_ADMIN2] == admin2):
            return new
        node = nodes[node, NODE_NEXT]
    at = counts[N_NODES]
    nodes[at, NODE_EVENT], nodes[at, NODE_ADMIN1], nodes[at, NODE_ADMIN2] = e, admin1, admin2
    nodes[at, NODE_NEXT] = table[s, HEAD]
    table[s, HEAD] = at
    counts[N_NODES] = at + 1
    return new


@numba.njit(cache=True)
def _index_bound(ints, p):
    """At most how many nodes (and keys) indexing row p adds."""
    d0, d1 = ints[p, DAY0], ints[p, DAY1]
    months = month_of(d1) - month_of(d0) + 1
    days = 2 * (d1 - d0 + 1) if ints[p, PREC] <= WEEK else 0  # a day block and its province
    return days + 2 * months + months // 12 + 2


@numba.njit(cache=True)
def _index(ints, table, nodes, counts, p, e):
    """merge.Merger's blocks for row p, now a member of event e."""
    d0, d1, prec = ints[p, DAY0], ints[p, DAY1], ints[p, PREC]
    c, a1, a2, t = ints[p, COUNTRY], ints[p, ADMIN1], ints[p, ADMIN2], ints[p, TYPE]
    if prec <= WEEK:
        day_a2 = a2 if a1 >= 0 else -1
        hi = _hi(a1, -1)
        for day in range(d0, d1 + 1):
            if _add_node(table, nodes, counts, hi, _lo(BY_DAY, c, t, day), e, a1, day_a2) and a1 >= 0:
                _add_node(table, nodes, counts, 0, _lo(DAY_PROVINCES, c, t, day), -1, a1, -1)
    if a1 >= 0 and a2 >= 0:
        hi = _hi(a1, a2)
        for month in range(month_of(d0), month_of(d1) + 1):
            _add_node(table, nodes, counts, hi, _lo(BY_DISTRICT_MONTH, c, t, month), e, -1, -1)
        if prec > WEEK:
            for year in range(month_of(d0) // 12, month_of(d1) // 12 + 1):
                _add_node(table, nodes, counts, hi, _lo(BY_DISTRICT_YEAR, c, t, year), e, -1, -1)
    if a1 >= 0 and prec != YEAR:
        hi = _hi(a1, -1)
        for month in range(month_of(d0), month_of(d1) + 1):
            _add_node(table, nodes, counts, hi, _lo(BY_PROVINCE_MONTH, c, t, month), e, -1, -1)


@numba.njit(cache=True)
def _meet(events, found, n, gen, e):
    """Add event e to found[:n] unless this lookup met it already; the new n, or -1 when found is full."""
    if events[e, STAMP] == gen:
        return n
    events[e, STAMP] = gen
    if n == found.shape[0]:
        return -1
    found[n] = e
    return n + 1


@numba.njit(cache=True)
def _walk(table, nodes, events, found, n, gen, hi, lo):
    node = _head(table, hi, lo)
    while node >= 0 and n >= 0:
        n = _meet(events, found, n, gen, nodes[node, NODE_EVENT])
        node = nodes[node, NODE_NEXT]
    return n


@numba.njit(cache=True)
def gather(ints, events, counts, docs, table, nodes, found, p, skip_document):
    """The candidate events of row p (merge.Merger.candidates) into found[:n], in the order of their ids;
    returns n, or NEED_FOUND when `found` is too small. With `skip_document`, without the events that
    hold a mention of p's document."""
    gen = counts[GENERATION] + 1
    counts[GENERATION] = gen
    if skip_document:
        r = docs[ints[p, DOC]]
        while r >= 0:
            events[ints[r, EVENT], STAMP] = gen
            r = ints[r, PREV_DOC]
    d0, d1, prec = ints[p, DAY0], ints[p, DAY1], ints[p, PREC]
    c, a1, a2, t = ints[p, COUNTRY], ints[p, ADMIN1], ints[p, ADMIN2], ints[p, TYPE]
    n = 0
    if prec <= WEEK:
        # the day index: a district meets its own, its province's and its country's reports; a province
        # all of its own and the country's; a country everything of its own
        for day in range(d0 - _DAY_LAG, d1 + _DAY_LAG + 1):
            lo = _lo(BY_DAY, c, t, day)
            n = _walk(table, nodes, events, found, n, gen, 0, lo)  # the reports naming only the country
            if a1 >= 0:  # its province's: all of them, or those of its district and none
                node = _head(table, _hi(a1, -1), lo)
                while node >= 0 and n >= 0:
                    if a2 < 0 or nodes[node, NODE_ADMIN2] < 0 or nodes[node, NODE_ADMIN2] == a2:
                        n = _meet(events, found, n, gen, nodes[node, NODE_EVENT])
                    node = nodes[node, NODE_NEXT]
            else:  # every province's
                province = _head(table, 0, _lo(DAY_PROVINCES, c, t, day))
                while province >= 0:
                    n = _walk(table, nodes, events, found, n, gen, _hi(nodes[province, NODE_ADMIN1], -1), lo)
                    province = nodes[province, NODE_NEXT]
    first, last = month_of(d0 - _DAY_LAG), month_of(d1 + _DAY_LAG)
    if a1 >= 0 and a2 >= 0:
        hi = _hi(a1, a2)
        if prec <= WEEK:  # fine events came through the day index; here only the district's coarse ones
            for year in range(first // 12, last // 12 + 1):
                n = _walk(table, nodes, events, found, n, gen, hi, _lo(BY_DISTRICT_YEAR, c, t, year))
        else:
            for month in range(first, last + 1):
                n = _walk(table, nodes, events, found, n, gen, hi, _lo(BY_DISTRICT_MONTH, c, t, month))
    if a1 >= 0 and (prec == MONTH or prec == SEASON):
        hi = _hi(a1, -1)
        for month in range(first, last + 1):
            n = _walk(table, nodes, events, found, n, gen, hi, _lo(BY_PROVINCE_MONTH, c, t, month))
    if n < 0:
        return NEED_FOUND
    # in the order of the events' ids (few candidates: an insertion sort)
    for i in range(1, n):
        e = found[i]
        j = i - 1
        while j >= 0 and (events[found[j], KEY] > events[e, KEY]
                          or (events[found[j], KEY] == events[e, KEY] and found[j] > e)):
            found[j + 1] = found[j]
            j -= 1
        found[j + 1] = e
    return n


@numba.njit(cache=True)
def merge_row(ints, coords, words, killed, events, counts, docs, table, nodes, found, p):
    """Merge row p: gather its candidates, choose its event (merge.choose_event's rules), make it a member
    and index it. Returns (event number, mean score); the event is new when its number is counts'
    N_EVENTS - 1 after the call, and its KEY must then be set; the second value is then 0, or how many
    events an ambiguous report (no province, fits several) fitted. A negative number
    (NEED_...) says which array to grow first; nothing was changed then."""
    n_events = counts[N_EVENTS]
    if n_events == events.shape[0]:
        return NEED_EVENTS, 0.0
    bound = _index_bound(ints, p)
    if counts[N_NODES] + bound > nodes.shape[0]:
        return NEED_NODES, 0.0
    if 2 * (counts[N_KEYS] + bound) > table.shape[0]:
        return NEED_KEYS, 0.0
    n = gather(ints, events, counts, docs, table, nodes, found, p, True)
    if n < 0:
        return n, 0.0
    at, mean = _choose(ints, coords, words, killed, events, p, found, n)
    if at < 0:  # a new event; `mean` is 0.0, or how many events an ambiguous report fitted
        e = n_events
        counts[N_EVENTS] = n_events + 1
        events[e, KEY], events[e, STAMP], events[e, N_SCORED] = -1, 0, 0
    else:
        e = found[at]
    k = events[e, N_SCORED]
    if k < _MAX_SCORED:
        events[e, SCORED + k] = p
        events[e, N_SCORED] = k + 1
    ints[p, EVENT] = e
    doc = ints[p, DOC]
    ints[p, PREV_DOC] = docs[doc]
    docs[doc] = p
    _index(ints, table, nodes, counts, p, e)
    return e, mean
