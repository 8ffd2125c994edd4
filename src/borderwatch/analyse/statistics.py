"""The tables behind `borderwatch stats`: each view of the indicators as titled rows with notes.

The library half of the command (the CLI only prints): `select_points` reads and filters the store's
events, `compute(view, points, ...)` returns a `StatsTable`. The analyses themselves live in
`indicators`, `retaliation` and `granger`; this module only chooses, labels and explains.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from borderwatch.analyse import granger, indicators, retaliation
from borderwatch.analyse.series import EventPoint, daily_counts, load_points, load_series, weekly_counts
from borderwatch.errors import AnalysisError
from borderwatch.model import EventSource

VIEWS = ("tally", "change", "escalation", "retaliation", "lulls", "granger")


@dataclass(frozen=True, slots=True)
class StatsTable:
    """One view: a title, column names, rows of plain values, and notes on reading it."""

    title: str
    columns: tuple[str, ...]
    rows: list[tuple]
    notes: tuple[str, ...] = field(default_factory=tuple)

    def as_dict(self) -> dict:
        return {"title": self.title, "notes": list(self.notes),
                "rows": [dict(zip(self.columns, (_plain(v) for v in row), strict=True)) for row in self.rows]}


def _plain(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 4)
    return value


def cell(value: object) -> str:
    """A value as a table cell: '' for None, floats to two places."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def select_points(store, *, sources: Sequence[EventSource] | None = None, country: str | None = None,
                  since: date | None = None, until: date | None = None) -> list[EventPoint]:
    """The store's dated events as analysis records, filtered by source, country (where it happened) and
    date (by the event's coded day)."""
    points = load_points(store, sources)
    if country is not None:
        wanted = country.upper()
        points = [p for p in points if p.where == wanted]
    if since is not None:
        points = [p for p in points if p.day >= since]
    if until is not None:
        points = [p for p in points if p.day <= until]
    return points


def compute(view: str, points: Sequence[EventPoint], *, by: Sequence[str] = (), period: str | None = None,
            dyads: str = "actor", threshold: int = retaliation.DEFAULT_LULL_DAYS,
            frequency: str = "week") -> StatsTable:
    """The table of one view (`VIEWS`) over `points`."""
    if view not in VIEWS:
        raise AnalysisError(f"unknown view {view!r}: choose one of {', '.join(VIEWS)}")
    if not points:
        raise AnalysisError("no dated events match: widen the filters or ingest/import some events first")
    if view == "tally":
        return tally_table(points, by, period)
    if view == "change":
        return change_table(points, by, period or "year")
    if view == "escalation":
        return escalation_table(points, period or "month")
    if view == "retaliation":
        return retaliation_table(points, dyads)
    if view == "lulls":
        return lull_table(points, dyads, threshold)
    return granger_table(points, frequency)


_FATALITY_COLUMNS = ("events", "killed low", "best", "high", "no count", "contested")


def _bad_dimension(by: Sequence[str]) -> None:
    unknown = [b for b in by if b not in indicators.DIMENSIONS]
    if unknown:
        raise AnalysisError(f"cannot group by {', '.join(unknown)}: choose from {', '.join(indicators.DIMENSIONS)}")


def tally_table(points: Sequence[EventPoint], by: Sequence[str], period: str | None) -> StatsTable:
    _bad_dimension(by)
    rows = indicators.tally(points, by, period)
    columns = (*(("period",) if period else ()), *by, *_FATALITY_COLUMNS)
    return StatsTable(
        f"Events and fatalities{' by ' + period if period else ''}{' and ' + ', '.join(by) if by else ''}",
        columns,
        [(*((r.period,) if period else ()), *r.key, r.events, r.fatalities_low, r.fatalities_best,
          r.fatalities_high, r.no_count, r.contested) for r in rows],
        ("killed low / best / high are sums of each event's UCDP-style figures; an event with no figure "
         "counts 0 and is counted under 'no count' (docs/indicators.md)",
         "an event dated more coarsely than the period is listed under the finest period its date allows"))


def change_table(points: Sequence[EventPoint], by: Sequence[str], period: str) -> StatsTable:
    _bad_dimension(by)
    rows = indicators.year_on_year(indicators.tally(points, by, period))
    return StatsTable(
        f"Year-on-year change by {period}{' and ' + ', '.join(by) if by else ''}",
        ("period", *by, "events", "events a year before", "events change %", "killed (best)",
         "killed a year before", "killed change %"),
        [(c.row.period, *c.row.key, c.row.events, c.previous_events, c.events_pct, c.row.fatalities_best,
          c.previous_fatalities_best, c.fatalities_pct) for c in rows],
        ("each period is compared with the same period a year earlier; no % is given after a period with "
         "none", "a change in coverage (more outlets, a new dataset) also changes these counts"))


def escalation_table(points: Sequence[EventPoint], period: str) -> StatsTable:
    rows = indicators.escalation_index(points, period)
    names = [r.name.lower().replace("_", " ") for r in indicators.Rung if r]
    return StatsTable(
        f"Escalation index by {period}",
        ("period", "events on the ladder", "index", "highest rung", "events at it", *names),
        [(r.period, sum(r.by_rung), r.index, r.max_rung.name.lower().replace("_", " "), r.at_max, *r.by_rung)
         for r in rows],
        ("index = the sum of the rung numbers of the period's events (militant attack 1 … ground incursion 5); "
         "it grows with both the number of events and how high up the ladder they are",
         "it does not weigh deaths, and it measures what was reported, not what happened"))


def retaliation_table(points: Sequence[EventPoint], dyads: str) -> StatsTable:
    found = retaliation.response_times(points, dyads)
    windows = found[0].within if found else ()
    return StatsTable(
        f"Response times: from each A→B event to the next B→A event ({dyads} sides)",
        ("A", "B", "A→B events", "answered", "never answered (censored)", "same day", "median days",
         "quartiles", *(f"within {w.days} d" for w in windows)),
        [(r.side_a, r.side_b, r.events, r.answered, r.censored, r.same_day, r.quartiles[1],
          _quartiles(r.quartiles), *(_share(w) for w in r.within)) for r in found],
        ("day-precise violent events only; an answer comes at least a day later (same-day ones counted apart)",
         "median and quartiles are Kaplan–Meier estimates that count unanswered events as censored",
         "a B→A event after an A→B event is an answer in time only: the data cannot say it was meant as one"))


def _quartiles(q) -> str:
    return " / ".join("—" if v is None else f"{v:g}" for v in q)


def _share(window) -> str:
    share = window.share
    return "—" if share is None else f"{share:.0%} of {window.eligible}"


def lull_table(points: Sequence[EventPoint], dyads: str, threshold: int) -> StatsTable:
    found = retaliation.lulls(points, threshold, view=dyads)
    breakers = retaliation.lull_breakers(found)
    return StatsTable(
        f"Lulls of {threshold} days or more without a violent event, and who broke them",
        ("last event", "resumed", "quiet days", "broken by"),
        [(lull.last_event, lull.resumed, lull.quiet_days, ", ".join(a or "?" for a in lull.breakers))
         for lull in found],
        (f"who broke lulls most: {', '.join(f'{a or chr(63)} {n}' for a, n in breakers[:5])}" if breakers
         else "no lull was broken",
         "a lull can be a gap in reporting as much as in fighting"))


def granger_table(points: Sequence[EventPoint], frequency: str) -> StatsTable:
    if frequency not in ("day", "week"):
        raise AnalysisError(f"unknown frequency {frequency!r}; use 'day' or 'week'")
    specs = load_series()
    count = daily_counts if frequency == "day" else weekly_counts
    periods, counts = count(points, specs)
    keep = [i for i in range(len(specs)) if counts.shape[0] and counts[:, i].std() > 0]
    dropped = [specs[i].name for i in range(len(specs)) if i not in keep]
    if len(keep) < 2:
        raise AnalysisError(f"fewer than two named series have events that vary over time here "
                            f"(empty or constant: {', '.join(dropped)}); widen the data")
    result = granger.var_granger(counts[:, keep], [specs[i].name for i in keep], frequency,
                                 start=periods[0] if periods else None)
    left_out = (f"left out, no events or no variation: {', '.join(dropped)}",) if dropped else ()
    notes = (*left_out,
             f"VAR of order {result.lag_order} (AIC, cap {result.max_lags}) on {result.periods} "
             f"{frequency}ly counts",
             *(f"{s.series}: {'stationary' if s.stationary else 'NOT stationary'} (ADF p={s.p_value:.3f})"
               for s in result.stationarity),
             *result.notes, *result.caveats)
    return StatsTable(
        f"Granger causality between the named series, {frequency}ly counts",
        ("cause", "effect", "lags", "F", "p-value"),
        [(t.cause, t.effect, t.lags, t.f_statistic, t.p_value) for t in result.tests], notes)
