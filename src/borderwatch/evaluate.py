"""Gold scoring: compare predicted event mentions with a gold set, as GOLD_FORMAT.md defines it.

`read_gold` / `read_gold_documents` read the two gold files; `score` matches predictions to gold lines
one-to-one per document and computes detection, field, claim and merge metrics; `format_scores` renders
them for the CLI. Every rule the format leaves open is decided in docs/evaluation.md.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from rich.table import Table

from borderwatch.errors import GoldFormatError
from borderwatch.model import VIOLENT_EVENT_TYPES, DateRange, Document, Precision

AdminLocator = Callable[[str, str], "tuple[float, float] | None"]

# GOLD_FORMAT.md: two admin1 names are the same unit when their centres lie within this distance.
SAME_UNIT_KM = 50.0
EARTH_RADIUS_KM = 6371.0088

# Words that name the kind of unit rather than the unit ("Khost Province", "Kurram Agency").
_ADMIN_KIND_WORDS = frozenset(
    {
        "province", "provincial", "district", "agency", "tribal", "division", "region", "territory",
        "capital", "wilayat", "woleswali", "tehsil", "city", "the", "of", "and",
    }
)
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
# Transliteration skeleton: Khowst/Khost, Paktiya/Paktia, Qandahar/Kandahar, Nooristan/Nuristan,
# Baluchestan/Balochistan all differ only in vowels, w/y glides, q/k, gh/g and dh/d.
_DIGRAPHS = re.compile(r"gh|dh|q")
_DIGRAPH_FOLD = {"gh": "g", "dh": "d", "q": "k"}
_VOWELS_AND_GLIDES = re.compile(r"[aeiouwy]")
_REPEATS = re.compile(r"(.)\1+")
_ISO_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_COUNTRY = re.compile(r"[A-Z]{2}")

_REQUIRED_GOLD_KEYS = ("doc", "event_type", "date", "date_precision", "country", "incident")
_NULLABLE_TEXT_KEYS = ("sub_event_type", "admin1", "admin2", "location", "actor1", "actor2")
_CLAIM_LIST_KEYS = ("fatalities", "injured")
# Fields whose agreement breaks ties between equally large matchings (GOLD_FORMAT.md, Scoring).
_TIE_BREAK_FIELDS = ("sub_event_type", "actor1", "actor2", "admin2")


# ---------------------------------------------------------------------------------------------------------
# Reading gold files


def read_gold(path: str | Path) -> list[dict]:
    """Read gold.jsonl, validating every line; returns the lines with absent optional keys filled in."""
    return [_validated_gold_line(record, f"{path}:{number}") for number, record in _json_lines(path)]


def read_gold_documents(path: str | Path) -> list[Document]:
    """Read documents.jsonl into `Document`s (`published` date or datetime → date, null → None)."""
    documents: list[Document] = []
    seen: set[str] = set()
    for number, record in _json_lines(path):
        where = f"{path}:{number}"
        document = _gold_document(record, where)
        if document.id in seen:
            raise GoldFormatError(f"{where}: duplicate document id {document.id!r}")
        seen.add(document.id)
        documents.append(document)
    return documents


def _json_lines(path: str | Path) -> Iterator[tuple[int, dict]]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise GoldFormatError(f"{path}: cannot read: {e}") from e
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as e:
            raise GoldFormatError(f"{path}:{number}: not valid JSON: {e.msg}") from e
        if not isinstance(record, dict):
            raise GoldFormatError(f"{path}:{number}: expected a JSON object, got {type(record).__name__}")
        yield number, record


def _gold_document(record: Mapping, where: str) -> Document:
    doc_id, text = record.get("id"), record.get("text")
    if not isinstance(doc_id, str) or not doc_id:
        raise GoldFormatError(f"{where}: 'id' must be a non-empty string")
    if not isinstance(text, str):
        raise GoldFormatError(f"{where}: 'text' must be a string")
    for key in ("url", "title"):
        if record.get(key) is not None and not isinstance(record[key], str):
            raise GoldFormatError(f"{where}: {key!r} must be a string or null")
    return Document(
        id=doc_id,
        text=text,
        url=record.get("url"),
        title=record.get("title"),
        published=_published_date(record.get("published"), where),
    )


def _published_date(value: object, where: str) -> date | None:
    if value is None:
        return None
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value).date()
        except ValueError:
            pass
    raise GoldFormatError(f"{where}: 'published' must be an ISO date, an ISO datetime or null, got {value!r}")


def _validated_gold_line(record: Mapping, where: str) -> dict:
    missing = [key for key in _REQUIRED_GOLD_KEYS if key not in record]
    if missing:
        raise GoldFormatError(f"{where}: missing required key(s): {', '.join(missing)}")
    for key in ("doc", "incident"):
        if not isinstance(record[key], str) or not record[key]:
            raise GoldFormatError(f"{where}: {key!r} must be a non-empty string")
    if record["event_type"] not in VIOLENT_EVENT_TYPES:
        allowed = ", ".join(sorted(VIOLENT_EVENT_TYPES))
        raise GoldFormatError(f"{where}: 'event_type' {record['event_type']!r} is not one of: {allowed}")
    if not isinstance(record["country"], str) or not _COUNTRY.fullmatch(record["country"]):
        country = record["country"]
        raise GoldFormatError(f"{where}: 'country' must be an ISO 3166-1 alpha-2 code, got {country!r}")
    try:
        _gold_date_range(record["date"], record["date_precision"])
    except ValueError as e:
        raise GoldFormatError(f"{where}: {e}") from e
    line = dict(record)
    for key in _NULLABLE_TEXT_KEYS:
        if line.setdefault(key, None) is not None and not isinstance(line[key], str):
            raise GoldFormatError(f"{where}: {key!r} must be a string or null")
    for key in _CLAIM_LIST_KEYS:
        _validate_claims(line.setdefault(key, []), f"{where}: {key!r}")
    if not isinstance(line.setdefault("optional", False), bool):
        raise GoldFormatError(f"{where}: 'optional' must be true or false")
    return line


def _validate_claims(claims: object, where: str) -> None:
    if not isinstance(claims, list):
        raise GoldFormatError(f"{where} must be a list")
    for claim in claims:
        if not isinstance(claim, dict):
            raise GoldFormatError(f"{where}: each claim must be an object, got {claim!r}")
        if claim.get("claimed_by") is not None and not isinstance(claim["claimed_by"], str):
            raise GoldFormatError(f"{where}: 'claimed_by' must be an actor id or null in {claim}")
        if "count" in claim:
            valid = _is_count(claim["count"]) and "min" not in claim and "max" not in claim
        else:
            low, high = claim.get("min"), claim.get("max")
            valid = _is_count(low) and (high is None or (_is_count(high) and high >= low))
        if not valid:
            needs = "'count', or 'min' and 'max' (≥ min or null)"
            raise GoldFormatError(f"{where}: a claim needs {needs}: {claim}")


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


# ---------------------------------------------------------------------------------------------------------
# Dates


def _gold_date_range(text: object, precision: object) -> DateRange:
    """The days a gold date covers: its first day widened by its precision."""
    try:
        precision = Precision(precision)
    except ValueError:
        allowed = [p.value for p in Precision]
        raise ValueError(f"'date_precision' must be one of {allowed}, got {precision!r}") from None
    match = _ISO_DATE.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise ValueError(f"'date' must be YYYY, YYYY-MM or YYYY-MM-DD, got {text!r}")
    year, month, day = match.groups()
    # A date may be written more precisely than its precision, never less ("2011" cannot be a day).
    needs_day = precision in (Precision.DAY, Precision.WEEK)
    needs_month = needs_day or precision in (Precision.MONTH, Precision.SEASON)
    if (needs_day and day is None) or (needs_month and month is None):
        raise ValueError(f"'date' {text!r} is less precise than its precision {precision.value!r}")
    try:
        start = date(int(year), int(month or 1), int(day or 1))
    except ValueError as e:
        raise ValueError(f"'date' {text!r} is not a calendar date: {e}") from e
    return widen_date(start, precision)


def widen_date(start: date, precision: Precision) -> DateRange:
    """The closed range of days a date of this precision stands for (GOLD_FORMAT.md)."""
    if precision is Precision.WEEK:
        end = start + timedelta(days=6)
    elif precision is Precision.MONTH:
        start = start.replace(day=1)
        end = _add_months(start, 1) - timedelta(days=1)
    elif precision is Precision.SEASON:
        end = _add_months(start, 3) - timedelta(days=1)
    elif precision is Precision.YEAR:
        start, end = date(start.year, 1, 1), date(start.year, 12, 31)
    else:
        end = start
    return DateRange(start, end, precision)


def _add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    first_of_next = date(year + (month == 12), month % 12 + 1, 1)
    return date(year, month, min(day.day, (first_of_next - timedelta(days=1)).day))


def _predicted_date_range(record: Mapping) -> DateRange | None:
    """`date_start`/`date_end` when the export gives them, else `date` widened by its precision."""
    precision = _precision_of(record)
    start, end = _iso_day(record.get("date_start")), _iso_day(record.get("date_end"))
    if start is not None and end is not None and start <= end:
        return DateRange(start, end, precision or Precision.DAY)
    text = record.get("date")
    match = _ISO_DATE.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        return None
    year, month, day = match.groups()
    implied = Precision.DAY if day else Precision.MONTH if month else Precision.YEAR
    # Never trust a precision finer than the written date ("2011" can't be read as a day).
    if precision is None or precision.rank < implied.rank:
        precision = implied
    try:
        return widen_date(date(int(year), int(month or 1), int(day or 1)), precision)
    except ValueError:
        return None


def _precision_of(record: Mapping) -> Precision | None:
    try:
        return Precision(record.get("date_precision"))
    except ValueError:
        return None


def _iso_day(value: object) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


# ---------------------------------------------------------------------------------------------------------
# Names and places


def fold_place_name(name: str | None) -> str | None:
    """A spelling-insensitive key for an admin unit name: "Khowst Province" and "Khost" give the same key.

    Accents, case, punctuation and unit-kind words go first; then the transliteration skeleton keeps
    consonants only, since romanisations of Pashto, Dari and Urdu names disagree mostly in vowels.
    """
    if name is None:
        return None
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    words = [w for w in _NON_ALNUM.split(plain) if w and w not in _ADMIN_KIND_WORDS]
    joined = "".join(words)
    skeleton = _DIGRAPHS.sub(lambda m: _DIGRAPH_FOLD[m.group()], joined)
    skeleton = _REPEATS.sub(r"\1", _VOWELS_AND_GLIDES.sub("", skeleton))
    # A name of vowels only ("Ai") would fold to nothing and equal every other such name.
    return skeleton or joined


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (lat, lon) points in kilometres."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


# ---------------------------------------------------------------------------------------------------------
# Typed records the scorer works on


ClaimKey = tuple[int, "int | None", "str | None"]  # (low, high, claimant); an exact count has low == high


@dataclass(frozen=True, slots=True)
class _Line:
    """One gold line or one predicted mention, reduced to what scoring compares."""

    index: int
    doc: str
    event_type: str
    sub_event_type: str | None
    dates: DateRange | None
    day: date | None  # the date when it is day-precise, for exact-date accuracy
    country: str | None
    admin1: str | None
    admin1_key: str | None
    admin2_key: str | None
    actor1: str | None
    actor2: str | None
    fatalities: tuple[ClaimKey, ...]
    injured: tuple[ClaimKey, ...]
    group: str  # gold incident or predicted event id
    optional: bool
    record: Mapping


def _gold_line(index: int, record: Mapping) -> _Line:
    try:
        dates = _gold_date_range(record.get("date"), record.get("date_precision"))
    except ValueError as e:
        raise GoldFormatError(f"gold line {index + 1} (doc {record.get('doc')!r}): {e}") from e
    optional = bool(record.get("optional"))
    return _line(index, record, dates, group=str(record.get("incident")), optional=optional)


def _predicted_line(index: int, record: Mapping) -> _Line:
    # A mention without an event id is its own event: it cannot merge with anything.
    event_id = record.get("event_id")
    group = str(event_id) if event_id is not None else f"\0unmerged:{index}"
    return _line(index, record, _predicted_date_range(record), group=group, optional=False)


def _line(index: int, record: Mapping, dates: DateRange | None, *, group: str, optional: bool) -> _Line:
    country = record.get("country")
    return _Line(
        index=index,
        doc=str(record.get("doc")),
        event_type=str(record.get("event_type")),
        sub_event_type=_folded_label(record.get("sub_event_type")),
        dates=dates,
        day=dates.start if dates is not None and dates.precision is Precision.DAY else None,
        country=country.upper() if isinstance(country, str) else None,
        admin1=record.get("admin1"),
        admin1_key=fold_place_name(record.get("admin1")),
        admin2_key=fold_place_name(record.get("admin2")),
        actor1=record.get("actor1"),
        actor2=record.get("actor2"),
        fatalities=_claim_keys(record.get("fatalities")),
        injured=_claim_keys(record.get("injured")),
        group=group,
        optional=optional,
        record=record,
    )


def _folded_label(value: object) -> str | None:
    return " ".join(value.casefold().split()) if isinstance(value, str) else None


def _claim_keys(claims: object) -> tuple[ClaimKey, ...]:
    keys: list[ClaimKey] = []
    for claim in claims if isinstance(claims, list) else ():
        if not isinstance(claim, Mapping):
            continue
        claimant = claim.get("claimed_by")
        if claim.get("count") is not None:
            keys.append((claim["count"], claim["count"], claimant))
        elif claim.get("min") is not None:
            keys.append((claim["min"], claim.get("max"), claimant))
    return tuple(keys)


# ---------------------------------------------------------------------------------------------------------
# Compatibility and agreement


@dataclass(slots=True)
class _SameUnit:
    """The admin1 same-unit rule, remembering each callback answer for the length of one `score` call."""

    locate: AdminLocator | None
    _located: dict[tuple[str, str], tuple[float, float] | None] = field(default_factory=dict)

    def __call__(self, predicted: _Line, gold: _Line) -> bool:
        if gold.admin1 is None:
            return True
        if predicted.admin1 is None:
            return False
        if predicted.admin1_key == gold.admin1_key:
            return True
        return self.within_distance(predicted, gold)

    def within_distance(self, predicted: _Line, gold: _Line) -> bool:
        if self.locate is None:
            return False
        here = self._location(predicted.admin1, predicted.country)
        there = self._location(gold.admin1, gold.country)
        return here is not None and there is not None and haversine_km(here, there) <= SAME_UNIT_KM

    def _location(self, name: str, country: str | None) -> tuple[float, float] | None:
        key = (name, country or "")
        if key not in self._located:
            self._located[key] = self.locate(name, country or "")
        return self._located[key]


def _compatible(predicted: _Line, gold: _Line, same_unit: _SameUnit) -> bool:
    return (
        predicted.event_type == gold.event_type
        and predicted.dates is not None
        and gold.dates is not None
        and predicted.dates.overlaps(gold.dates)
        and predicted.country is not None
        and predicted.country == gold.country
        and same_unit(predicted, gold)
    )


def _field_agrees(name: str, predicted: _Line, gold: _Line) -> bool:
    # null == null agrees: the text saying nothing and the system saying nothing is right.
    return getattr(predicted, _FIELD_ATTRIBUTE[name]) == getattr(gold, _FIELD_ATTRIBUTE[name])


_FIELD_ATTRIBUTE = {
    "sub_event_type": "sub_event_type",
    "actor1": "actor1",
    "actor2": "actor2",
    "admin2": "admin2_key",
}


def _agreements(predicted: _Line, gold: _Line) -> int:
    return sum(_field_agrees(name, predicted, gold) for name in _TIE_BREAK_FIELDS)


def _claims_met(predicted: tuple[ClaimKey, ...], gold: tuple[ClaimKey, ...]) -> int:
    # "Meets" is equality of (range, claimant), so counting equal keys is the maximum one-to-one pairing.
    return sum((Counter(predicted) & Counter(gold)).values())


# ---------------------------------------------------------------------------------------------------------
# Matching


def max_weight_assignment(weights: list[list[int | None]]) -> list[tuple[int, int]]:
    """Maximum-weight one-to-one matching of rows to columns; None marks a pair that may not match.

    The Hungarian algorithm (shortest augmenting paths with potentials, O(n²m)) on costs = -weight,
    where a forbidden pair costs 0 like leaving both sides unmatched. Weights must be positive.
    """
    if not weights or not weights[0]:
        return []
    transposed = len(weights) > len(weights[0])
    if transposed:
        weights = [list(column) for column in zip(*weights, strict=True)]
    cost = [[-w if w is not None else 0 for w in row] for row in weights]
    column_of_row = _hungarian(cost)
    pairs = [(r, c) for r, c in enumerate(column_of_row) if weights[r][c] is not None]
    return sorted((c, r) for r, c in pairs) if transposed else pairs


def _hungarian(cost: list[list[int]]) -> list[int]:
    """Minimum-cost assignment of every row (n ≤ m) to a distinct column; returns each row's column."""
    rows, columns = len(cost), len(cost[0])
    row_potential = [0] * (rows + 1)
    column_potential = [0] * (columns + 1)
    row_of_column = [0] * (columns + 1)  # 1-based rows; 0 = free column (also the virtual root)
    for row in range(1, rows + 1):
        row_of_column[0] = row
        slack = [math.inf] * (columns + 1)
        previous = [0] * (columns + 1)
        used = [False] * (columns + 1)
        column = 0
        while row_of_column[column] != 0:
            used[column] = True
            current_row, delta, next_column = row_of_column[column], math.inf, 0
            for j in range(1, columns + 1):
                if used[j]:
                    continue
                reduced = cost[current_row - 1][j - 1] - row_potential[current_row] - column_potential[j]
                if reduced < slack[j]:
                    slack[j], previous[j] = reduced, column
                if slack[j] < delta:
                    delta, next_column = slack[j], j
            for j in range(columns + 1):
                if used[j]:
                    row_potential[row_of_column[j]] += delta
                    column_potential[j] -= delta
                else:
                    slack[j] -= delta
            column = next_column
        while column:
            row_of_column[column] = row_of_column[previous[column]]
            column = previous[column]
    column_of_row = [0] * rows
    for j in range(1, columns + 1):
        if row_of_column[j]:
            column_of_row[row_of_column[j] - 1] = j - 1
    return column_of_row


def _match_document(
    predicted: list[_Line], gold: list[_Line], same_unit: _SameUnit
) -> list[tuple[_Line, _Line]]:
    """Most pairs first; among as many pairs, most agreements; then non-optional gold over optional."""
    if not predicted or not gold:
        return []
    ceiling = min(len(predicted), len(gold))
    # Weights are lexicographic: a non-optional bonus of 1 < one agreement (AGREE) < one more pair (PAIR).
    agree = ceiling + 1
    pair = agree * len(_TIE_BREAK_FIELDS) * ceiling + ceiling + 1
    weights: list[list[int | None]] = [
        [
            pair + agree * _agreements(p, g) + (not g.optional) if _compatible(p, g, same_unit) else None
            for g in gold
        ]
        for p in predicted
    ]
    return [(predicted[r], gold[c]) for r, c in max_weight_assignment(weights)]


# ---------------------------------------------------------------------------------------------------------
# Scores


@dataclass(frozen=True, slots=True)
class FieldAccuracy:
    """How many of `total` compared items agreed; `accuracy` is None when nothing was compared."""

    correct: int
    total: int

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.total if self.total else None

    def as_dict(self) -> dict:
        return {"correct": self.correct, "total": self.total, "accuracy": self.accuracy}


@dataclass(frozen=True, slots=True)
class PairwiseScores:
    """Pairwise merge scores: over unordered pairs of matched mentions, system events vs gold incidents."""

    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float | None:
        return _ratio(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float | None:
        return _ratio(self.tp, self.tp + self.fn)

    @property
    def f1(self) -> float | None:
        return _ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn)

    def as_dict(self) -> dict:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn,
                "precision": self.precision, "recall": self.recall, "f1": self.f1}


class _DetectionRatios:
    """Precision, recall and F1 from `tp`, `n_pred` and `n_gold` (None where a denominator is 0)."""

    __slots__ = ()
    tp: int
    n_pred: int
    n_gold: int

    @property
    def precision(self) -> float | None:
        return _ratio(self.tp, self.n_pred)

    @property
    def recall(self) -> float | None:
        return _ratio(self.tp, self.n_gold)

    @property
    def f1(self) -> float | None:
        return _ratio(2 * self.tp, self.n_pred + self.n_gold)


@dataclass(frozen=True, slots=True)
class DocumentScores(_DetectionRatios):
    """Detection counts for one document."""

    tp: int
    n_pred: int
    n_gold: int

    def as_dict(self) -> dict:
        return {"tp": self.tp, "n_pred": self.n_pred, "n_gold": self.n_gold,
                "precision": self.precision, "recall": self.recall, "f1": self.f1}


@dataclass(frozen=True, slots=True)
class MatchedPair:
    predicted: Mapping
    gold: Mapping


@dataclass(slots=True)
class Scores(_DetectionRatios):
    """Everything `borderwatch evaluate` reports. Ratios are None where their denominator is 0."""

    tp: int
    n_pred: int  # scored predictions, less those matched to optional gold
    n_gold: int  # non-optional gold lines
    dropped: int  # predictions matched to optional gold lines, left out of both counts
    n_optional_gold: int
    n_ignored: int  # predictions of non-violent types or of documents outside the gold set
    fields: dict[str, FieldAccuracy]
    merge: PairwiseScores
    duplicate_rate: float | None
    per_document: dict[str, DocumentScores]
    matched: list[MatchedPair]
    unmatched_gold: list[Mapping]
    unmatched_predicted: list[Mapping]

    def as_dict(self) -> dict:
        return {
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "tp": self.tp,
            "n_pred": self.n_pred,
            "n_gold": self.n_gold,
            "dropped": self.dropped,
            "n_optional_gold": self.n_optional_gold,
            "n_ignored": self.n_ignored,
            "fields": {name: accuracy.as_dict() for name, accuracy in self.fields.items()},
            "merge": self.merge.as_dict(),
            "duplicate_rate": self.duplicate_rate,
            "per_document": {doc: scores.as_dict() for doc, scores in self.per_document.items()},
            "matched": [{"predicted": dict(m.predicted), "gold": dict(m.gold)} for m in self.matched],
            "unmatched_gold": [dict(g) for g in self.unmatched_gold],
            "unmatched_predicted": [dict(p) for p in self.unmatched_predicted],
        }


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def score(
    predicted: Iterable[Mapping],
    gold: Iterable[Mapping],
    *,
    admin1_location: AdminLocator | None = None,
    documents: Collection[str] | None = None,
) -> Scores:
    """Score predicted mentions (export --mentions records) against gold lines, by GOLD_FORMAT.md.

    `admin1_location(name, country)` gives an admin1 unit's (lat, lon) for the 50 km same-unit rule.
    `documents`, when given, limits scoring to predictions of those document ids (the gold corpus), so a
    run over a larger corpus is not charged for documents nobody annotated.
    """
    gold_lines = [_gold_line(i, record) for i, record in enumerate(gold)]
    documents = frozenset(documents) if documents is not None else None
    predicted_records = list(predicted)
    scored = [
        _predicted_line(i, record)
        for i, record in enumerate(predicted_records)
        if record.get("event_type") in VIOLENT_EVENT_TYPES
        and (documents is None or record.get("doc") in documents)
    ]
    same_unit = _SameUnit(admin1_location)
    pairs = _match_all(scored, gold_lines, same_unit)
    kept = [(p, g) for p, g in pairs if not g.optional]
    dropped = {p.index for p, g in pairs if g.optional}
    matched_predicted = {p.index for p, _ in pairs}
    matched_gold = {g.index for _, g in pairs}
    return Scores(
        tp=len(kept),
        n_pred=len(scored) - len(dropped),
        n_gold=sum(not g.optional for g in gold_lines),
        dropped=len(dropped),
        n_optional_gold=sum(g.optional for g in gold_lines),
        n_ignored=len(predicted_records) - len(scored),
        fields=_field_accuracies(kept),
        merge=_merge_scores(kept),
        duplicate_rate=_duplicate_rate(kept),
        per_document=_per_document(scored, gold_lines, kept, dropped),
        matched=[MatchedPair(p.record, g.record) for p, g in kept],
        unmatched_gold=[g.record for g in gold_lines if not g.optional and g.index not in matched_gold],
        unmatched_predicted=[p.record for p in scored if p.index not in matched_predicted],
    )


def _match_all(predicted: list[_Line], gold: list[_Line], same_unit: _SameUnit) -> list[tuple[_Line, _Line]]:
    by_doc_predicted: dict[str, list[_Line]] = {}
    for line in predicted:
        by_doc_predicted.setdefault(line.doc, []).append(line)
    by_doc_gold: dict[str, list[_Line]] = {}
    for line in gold:
        by_doc_gold.setdefault(line.doc, []).append(line)
    pairs: list[tuple[_Line, _Line]] = []
    for doc, gold_of_doc in by_doc_gold.items():
        pairs.extend(_match_document(by_doc_predicted.get(doc, []), gold_of_doc, same_unit))
    return pairs


def _field_accuracies(pairs: list[tuple[_Line, _Line]]) -> dict[str, FieldAccuracy]:
    day_pairs = [(p, g) for p, g in pairs if p.day is not None and g.day is not None]
    return {
        "sub_event_type": _count_agreeing("sub_event_type", pairs),
        "actor1": _count_agreeing("actor1", pairs),
        "actor2": _count_agreeing("actor2", pairs),
        # Gold admin1 is already the same unit on every matched pair that names one, so this measures
        # mostly the pairs where gold has no admin1 and the system should have none either.
        "admin1": FieldAccuracy(sum(_admin1_agrees(p, g) for p, g in pairs), len(pairs)),
        "admin2": _count_agreeing("admin2", pairs),
        "date_exact": FieldAccuracy(sum(p.day == g.day for p, g in day_pairs), len(day_pairs)),
        "fatality_claims": _claim_accuracy("fatalities", pairs),
        "injured_claims": _claim_accuracy("injured", pairs),
    }


def _claim_accuracy(attribute: str, pairs: list[tuple[_Line, _Line]]) -> FieldAccuracy:
    met = sum(_claims_met(getattr(p, attribute), getattr(g, attribute)) for p, g in pairs)
    return FieldAccuracy(met, sum(len(getattr(g, attribute)) for _, g in pairs))


def _count_agreeing(name: str, pairs: list[tuple[_Line, _Line]]) -> FieldAccuracy:
    return FieldAccuracy(sum(_field_agrees(name, p, g) for p, g in pairs), len(pairs))


def _admin1_agrees(predicted: _Line, gold: _Line) -> bool:
    if gold.admin1 is None:
        return predicted.admin1 is None
    # Matching already required the same unit (by name or within 50 km) whenever gold names one.
    return True


def _merge_scores(pairs: list[tuple[_Line, _Line]]) -> PairwiseScores:
    # Counting pairs per cell avoids enumerating all n² mention pairs.
    both = _pair_count(Counter((p.group, g.group) for p, g in pairs))
    same_event = _pair_count(Counter(p.group for p, _ in pairs))
    same_incident = _pair_count(Counter(g.group for _, g in pairs))
    return PairwiseScores(tp=both, fp=same_event - both, fn=same_incident - both)


def _pair_count(sizes: Counter) -> int:
    return sum(n * (n - 1) // 2 for n in sizes.values())


def _duplicate_rate(pairs: list[tuple[_Line, _Line]]) -> float | None:
    events = len({p.group for p, _ in pairs})
    incidents = len({g.group for _, g in pairs})
    return max(0.0, (events - incidents) / events) if events else None


def _per_document(
    predicted: list[_Line], gold: list[_Line], kept: list[tuple[_Line, _Line]], dropped: set[int]
) -> dict[str, DocumentScores]:
    tp = Counter(g.doc for _, g in kept)
    n_pred = Counter(p.doc for p in predicted if p.index not in dropped)
    n_gold = Counter(g.doc for g in gold if not g.optional)
    docs = sorted({g.doc for g in gold} | set(n_pred))
    return {doc: DocumentScores(tp[doc], n_pred[doc], n_gold[doc]) for doc in docs}


# ---------------------------------------------------------------------------------------------------------
# Display


def format_scores(scores: Scores) -> Table:
    """The metrics table `borderwatch evaluate` prints."""
    table = Table(title="borderwatch evaluate")
    table.add_column("Metric")
    table.add_column("Value", justify="right")
    table.add_column("Counts", justify="right")
    table.add_row("precision", _percent(scores.precision), f"{scores.tp}/{scores.n_pred}")
    table.add_row("recall", _percent(scores.recall), f"{scores.tp}/{scores.n_gold}")
    table.add_row("F1", _percent(scores.f1), "")
    table.add_row("matched to optional gold (dropped)", str(scores.dropped), "")
    table.add_row("ignored predictions (non-violent / other docs)", str(scores.n_ignored), "")
    table.add_section()
    for name, accuracy in scores.fields.items():
        table.add_row(f"{name.replace('_', ' ')} accuracy", _percent(accuracy.accuracy),
                      f"{accuracy.correct}/{accuracy.total}")
    table.add_section()
    m = scores.merge
    table.add_row("merge precision (pairwise)", _percent(m.precision), f"{m.tp}/{m.tp + m.fp}")
    table.add_row("merge recall (pairwise)", _percent(m.recall), f"{m.tp}/{m.tp + m.fn}")
    table.add_row("merge F1 (pairwise)", _percent(m.f1), "")
    table.add_row("duplicate rate", _percent(scores.duplicate_rate), "")
    return table


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"
