"""`borderwatch report`: one self-contained HTML file (and its Markdown twin) an analyst can send.

Sections: what the data holds, the timeline by actor series, the map, fatality ranges with contested
figures marked, stated retaliation chains and response times, the escalation index, the excitation
matrix of the self-exciting model, and scenario fan charts. Each section says in plain words what its
numbers mean and what they do not. The HTML has no script and loads nothing: its charts are inline SVG
(`charts.py`), its styles inline, and a Content-Security-Policy forbids anything else; every text that
came from an article or a dataset is escaped.
"""

from __future__ import annotations

import base64
import html
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np

from borderwatch import charts
from borderwatch.analyse import contagion, indicators, retaliation, statistics
from borderwatch.analyse.series import EventPoint, load_series, series_of
from borderwatch.errors import AnalysisError, BorderwatchError
from borderwatch.model import EventSource

# The fatality-range chart shows this many events, the ones with the highest high figure.
TOP_EVENTS = 15
# The response-time table shows the dyads with the most events.
TOP_DYADS = 12
# Stated retaliation chains listed.
TOP_CHAINS = 10
# Scenario simulation: futures per scenario, and their horizon.
SCENARIO_PATHS = 300
SCENARIO_DAYS = 180
# Bootstrap refits for the excitation intervals when the Wald intervals are not available.
REPORT_BOOTSTRAP = 50
# Observed 30-day periods drawn before each fan.
FAN_HISTORY_PERIODS = 12


@dataclass(slots=True)
class Section:
    """One part of the report: a heading, a plain-language explanation, and a body in both formats."""

    title: str
    explain: str
    html: str = ""
    markdown: str = ""


@dataclass(slots=True)
class Report:
    title: str
    generated: str
    sections: list[Section] = field(default_factory=list)

    def to_html(self) -> str:
        body = "\n".join(
            f"<section><h2>{_e(s.title)}</h2><p class=\"explain\">{_e(s.explain)}</p>\n{s.html}</section>"
            for s in self.sections)
        return _PAGE.format(title=_e(self.title), generated=_e(self.generated), body=body, style=_STYLE,
                            toc="".join(f"<li>{_e(s.title)}</li>" for s in self.sections))

    def to_markdown(self) -> str:
        parts = [f"# {self.title}", f"_{self.generated}_"]
        for s in self.sections:
            parts += [f"## {s.title}", s.explain, s.markdown]
        return "\n\n".join(p for p in parts if p) + "\n"


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;
color:#222;line-height:1.45}h1{font-size:1.6em}h2{font-size:1.25em;margin-top:2em;border-bottom:1px solid #ccc}
.explain{color:#444;max-width:75ch}table{border-collapse:collapse;margin:.8em 0;font-size:.9em}
th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}th{background:#f3f3f3}
td.n{text-align:right;font-variant-numeric:tabular-nums}.contested{color:#b34700;font-weight:600}
svg{max-width:100%;height:auto}ul.notes{color:#555;font-size:.9em}nav ol{columns:2}
"""

_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title><style>{style}</style></head>
<body><header><h1>{title}</h1><p>{generated}</p><nav><ol>{toc}</ol></nav></header>
{body}
</body></html>
"""


# ------------------------------------------------------------------------------------------ tables


def _table(columns: Sequence[str], rows: Sequence[Sequence[object]]) -> tuple[str, str]:
    """A table as HTML and as Markdown; numbers right-aligned in HTML."""
    head = "".join(f"<th>{_e(c)}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(f"<td class=\"n\">{_e(statistics.cell(v))}</td>" if isinstance(v, int | float)
                         else f"<td>{_e(statistics.cell(v))}</td>" for v in row) + "</tr>" for row in rows)
    md = ["| " + " | ".join(_md(c) for c in columns) + " |", "|" + "---|" * len(columns)]
    md += ["| " + " | ".join(_md(statistics.cell(v)) for v in row) + " |" for row in rows]
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>", "\n".join(md)


def _md(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ").replace("<", "&lt;")


def _figure(svg: str, title: str) -> tuple[str, str]:
    """An SVG chart inline in HTML, and as a data-URI image in Markdown (self-contained too)."""
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return f"<figure>{svg}</figure>", f"![{_md(title)}](data:image/svg+xml;base64,{data})"


def _notes(notes: Sequence[str]) -> tuple[str, str]:
    if not notes:
        return "", ""
    return ("<ul class=\"notes\">" + "".join(f"<li>{_e(n)}</li>" for n in notes) + "</ul>",
            "\n".join(f"- {n}" for n in notes))


def _add(section: Section, *parts: tuple[str, str]) -> Section:
    section.html += "\n".join(h for h, _ in parts)
    section.markdown += "\n\n".join(m for _, m in parts if m)
    return section


# ---------------------------------------------------------------------------------------- sections


def overview_section(points: Sequence[EventPoint]) -> Section:
    sources = Counter(p.source.value for p in points)
    first, last = min(p.day for p in points), max(p.day for p in points)
    section = Section(
        "What the data holds",
        f"{len(points):,} dated events from {first} to {last}: "
        + ", ".join(f"{n:,} {name}" for name, n in sorted(sources.items()))
        + ". News-coded events are merged reports; UCDP and ACLED events are imported as published and never "
          "merged with them, so the same incident can appear once from each source. Fatalities are UCDP-style "
          "low / best / high figures; 'contested' means the claimants' figures differ materially.")
    years = statistics.change_table(points, ("source",), "year")
    columns = ("year", "source", "events", "change %", "killed (best)", "change %")
    rows = [(r[0], r[1], r[2], r[4], r[5], r[7]) for r in years.rows]
    return _add(section, _table(columns, rows), _notes(years.notes))


def timeline_section(points: Sequence[EventPoint]) -> Section:
    specs = load_series()
    first, last = min(p.day for p in points), max(p.day for p in points)
    period = indicators.Period.MONTH if (last - first).days > 2 * 365 else indicators.Period.WEEK
    labels, index = _period_axis(first, last, period)
    counts = {s.name: [0] * len(labels) for s in specs}
    for p in points:
        if not indicators.fits(p.precision, period):
            continue
        slot = index.get(indicators.period_label(p.day, period))
        for name in series_of(p, specs):
            if slot is not None:
                counts[name][slot] += 1
    counts = {k: v for k, v in counts.items() if any(v)}
    section = Section(
        f"Timeline by actor series, per {period.value}",
        "Events per period in each named series of the theatre (series.yaml): who acted, and where. An event "
        "can belong to two series. Events dated only to a month or a year are left out of weekly bars.")
    title = f"Events per {period.value} by series"
    return _add(section, _figure(charts.timeline(labels, counts, title=title), title))


def _period_axis(first: date, last: date, period: indicators.Period) -> tuple[list[str], dict[str, int]]:
    labels = []
    day = indicators.period_start(first, period)
    while day <= last:
        labels.append(indicators.period_label(day, period))
        day = indicators.next_period_start(day, period)
    return labels, {label: i for i, label in enumerate(labels)}


def map_section(points: Sequence[EventPoint]) -> Section:
    located = [p for p in points if p.lat is not None and p.lon is not None]
    marks = [charts.MapPoint(p.lon, p.lat, p.event_type, float(p.fatalities_best or 0),
                             f"{p.day} {p.sub_event_type}, {p.admin2 or p.admin1 or p.country or ''}"
                             f" ({p.source.value}; best {p.fatalities_best if p.fatalities_best is not None else '?'})")
             for p in located]
    section = Section(
        "Map of events",
        f"{len(located):,} of {len(points):,} events have coordinates: the place the sources name, at the precision "
        "they give (a town, else a district or province centre). Circle area follows the best fatality figure; "
        "colour is the ACLED event type. Borders are Natural Earth's de facto lines.")
    return _add(section, _figure(charts.event_map(charts.load_outlines(), marks, title="Events"), "Events"))


def fatalities_section(points: Sequence[EventPoint], store) -> Section:
    ranked = sorted((p for p in points if p.fatalities_high is not None),
                    key=lambda p: (-(p.fatalities_high or 0), p.day, p.id))[:TOP_EVENTS]
    rows = [charts.RangeRow(f"{p.day} {p.sub_event_type}, {p.admin2 or p.admin1 or p.country or ''}",
                            p.fatalities_low, p.fatalities_best, p.fatalities_high, p.contested) for p in ranked]
    section = Section(
        "Fatality ranges",
        "The deadliest events by their high figure, each as a low–high bar with the best figure marked. Low is "
        "the lowest credible count, high the highest claimed, best the figure of sources that are not a party "
        "(docs/merging.md). Contested events are those whose claimants differ materially: the bar shows the "
        "dispute, not uncertainty about the count.")
    parts = [_figure(charts.range_bars(rows, title="Deadliest events"), "Deadliest events")]
    contested = [p for p in points if p.contested][-TOP_EVENTS:]
    if contested and store is not None:
        claim_rows = []
        for p in reversed(contested):
            for record in store.claims(event_id=p.id):
                c = record.claim
                claim_rows.append((p.day, p.id, c.kind.value, _count_text(c.count), c.victim_group or "",
                                   c.claimant or "(no source named)", record.outlet or record.doc_id))
        parts.append(_table(("date", "event", "claim", "count", "victims", "claimed by", "in"), claim_rows))
    return _add(section, *parts)


def _count_text(count) -> str:
    if count is None:
        return ""
    if count.count is not None:
        return str(count.count)
    return f"{count.min}–{count.max}" if count.max is not None else f"at least {count.min}"


def retaliation_section(points: Sequence[EventPoint]) -> Section:
    links = retaliation.stated_links(points)
    chains = retaliation.response_chains(links)[:TOP_CHAINS]
    by_id = {p.id: p for p in points}
    section = Section(
        "Retaliation: stated chains and response times",
        "Stated chains are events the reports themselves call a response to an earlier one ('in retaliation "
        "for', 'came two days after'). Response times are measured for every pair of sides: from each A→B "
        "event to the next B→A event; that only says an answer came, not that it was meant as one.")
    parts = []
    if chains:
        items = [" → ".join(_event_label(by_id.get(e), e) for e in chain) for chain in chains]
        parts.append(("<ol>" + "".join(f"<li>{_e(i)}</li>" for i in items) + "</ol>",
                      "\n".join(f"{n}. {_md(i)}" for n, i in enumerate(items, 1))))
    else:
        parts.append(("<p>No stated response links between stored events.</p>",
                      "No stated response links between stored events."))
    table = statistics.retaliation_table(points, "actor")
    rows = sorted(table.rows, key=lambda r: -r[2])[:TOP_DYADS]
    parts += [_table(table.columns, rows), _notes(table.notes)]
    return _add(section, *parts)


def _event_label(p: EventPoint | None, event_id: str) -> str:
    if p is None:
        return event_id
    return f"{p.day} {p.actor1 or '?'} {p.sub_event_type.lower()} in {p.admin2 or p.admin1 or p.country or '?'}"


def escalation_section(points: Sequence[EventPoint]) -> Section:
    rows = indicators.escalation_index(points, "month")
    section = Section(
        "Escalation index, monthly",
        "Each event is placed on a ladder: militant attack (1) < border fire (2) < shelling (3) < air or drone "
        "strike inside the other country (4) < ground incursion (5). The monthly index adds up the rungs of the "
        "month's events, so it rises with both how much happened and how high up the ladder. It does not weigh "
        "deaths, and it measures what was reported.")
    if not rows:
        return _add(section, ("<p>No events on the ladder.</p>", "No events on the ladder."))
    labels = [r.period for r in rows]
    stacked = {rung.name.lower().replace("_", " "): [r.by_rung[rung - 1] * int(rung) for r in rows]
               for rung in indicators.Rung if rung}
    title = "Escalation index per month (stacked by rung)"
    top = sorted(rows, key=lambda r: -r.index)[:5]
    table = _table(("month", "index", "highest rung", "events"),
                   [(r.period, r.index, r.max_rung.name.lower().replace("_", " "), r.events) for r in top])
    return _add(section, _figure(charts.timeline(labels, stacked, title=title), title), table)


def model_section(run: contagion.ModelRun, seed: int = 0) -> Section:
    p = run.fit.params
    section = Section(
        "Self-exciting model: who sets off whom",
        "A multivariate Hawkes process fitted to the day-precise events of the named series. Each cell is the "
        "expected number of events in the row series directly set off by one event in the column series, with "
        "its 95% interval; the branching ratio is the share of all events the model attributes to earlier "
        "events rather than to the background. It is an association in timing, not proof of cause.")
    low = run.low.alpha.tolist() if run.low is not None else None
    high = run.high.alpha.tolist() if run.high is not None else None
    interval_note = "intervals: Wald, 95%"
    if low is None:  # an excitation at its bound of zero makes the information singular: bootstrap instead
        boot = contagion.bootstrap_intervals(run, REPORT_BOOTSTRAP, seed)
        low, high = boot.low.alpha.tolist(), boot.high.alpha.tolist()
        interval_note = f"intervals: 95% percentile intervals from {REPORT_BOOTSTRAP} parametric bootstrap refits"
    title = "Excitation (row = target, column = source)"
    figure = _figure(charts.matrix(run.names, p.alpha.tolist(), low, high, title=title), title)
    follow = p.follow_on()
    rows = [(name, int(run.data.counts()[j]), 1 / p.beta[j], float(follow[:, j].sum()),
             run.goodness[j].p_value) for j, name in enumerate(run.names)]
    table = _table(("series", "events", "mean lag (days)", "follow-on events per shock", "KS p (fit)"), rows)
    notes = [interval_note, f"branching ratio {p.branching_ratio():.2f} with regime backgrounds, "
             f"{run.flat.params.branching_ratio():.2f} with a constant one", *run.notes,
             *(f"left out (too few events): {x}" for x in run.left_out)]
    return _add(section, figure, table, _notes(notes))


def scenario_fan_svg(run: contagion.ModelRun, result: contagion.ScenarioRun) -> str:
    """The fan charts of a scenario run, one per series, baseline and scenario, as one SVG document per
    chart concatenated in an HTML-free wrapper (for `simulate --out`)."""
    svgs = _fans(run, result)
    return "\n".join(svg for svg, _ in svgs)


def _fans(run: contagion.ModelRun, result: contagion.ScenarioRun) -> list[tuple[str, str]]:
    out = []
    history = _history_counts(run, result.baseline.period_days)
    for j, name in enumerate(run.names):
        for label, fan in (("baseline", result.baseline), ("scenario", result.scenario)):
            bands = {q: fan.per_period[k, :, j].tolist() for k, q in enumerate(fan.quantiles)}
            observed = history[:, j].tolist()
            periods = [f"-{len(observed) - i}" for i in range(len(observed))] + \
                      [f"+{int(e)}d" for e in fan.period_ends]
            title = f"{name}: events per {fan.period_days} days, {label}"
            out.append((charts.fan_chart(periods, bands, observed=observed, title=title), title))
    return out


def _history_counts(run: contagion.ModelRun, period_days: int) -> np.ndarray:
    """(periods, D) observed counts in the last FAN_HISTORY_PERIODS periods before the data ends."""
    end = run.data.end
    counts = np.zeros((FAN_HISTORY_PERIODS, run.data.n_series), dtype=int)
    for t, m in zip(run.data.times, run.data.marks, strict=True):
        back = int((end - t) // period_days)
        if back < FAN_HISTORY_PERIODS:
            counts[FAN_HISTORY_PERIODS - 1 - back, m] += 1
    return counts


def scenario_section(run: contagion.ModelRun, results: Sequence[tuple[str, contagion.ScenarioRun]]) -> Section:
    section = Section(
        "Scenarios",
        f"Each scenario edits the fitted model (for example 'Pakistan answers every TTP attack'), then "
        f"{SCENARIO_PATHS} futures of {SCENARIO_DAYS} days are simulated from the edited and the unedited model, "
        "both starting from the observed history. The fans show the 5–95% and 25–75% ranges of events per 30 "
        "days and the median; the table compares the totals. These are what the model implies, not forecasts "
        "of what will happen: the model knows only the timing of past reported events.")
    parts = []
    for name, result in results:
        rows = [(c.name, c.baseline_median, f"{c.baseline_range[0]:.0f}–{c.baseline_range[1]:.0f}",
                 c.scenario_median, f"{c.scenario_range[0]:.0f}–{c.scenario_range[1]:.0f}", c.difference)
                for c in result.comparison.series]
        heading = f"{name}: {'; '.join(result.edits)}"
        parts.append((f"<h3>{_e(heading)}</h3>", f"### {_md(heading)}"))
        parts.append(_table(("series", "baseline median", "90% range", "scenario median", "90% range", "change"),
                            rows))
        if result.comparison.explosive:
            parts.append(_notes(["explosive: the edited model feeds on itself; paths stopped at a cap, counts are "
                                 "lower bounds"]))
        parts += [_figure(svg, title) for svg, title in _fans(run, result) if title.endswith("scenario")]
    return _add(section, *parts)


def caveats_section() -> Section:
    notes = [
        "Every figure counts reported events. Coverage changes (more outlets, a news blackout, a dataset's "
        "rules) change the counts as much as the fighting does.",
        "Imported UCDP events code the government as side A of every state-based event, whoever attacked; "
        "response times between sides read from UCDP are therefore one-sided.",
        "News-coded events are extracted by rules from articles and checked against hand-coded gold data "
        "(docs/accuracy.md); individual events can be wrong, and `borderwatch show EVENT` shows the evidence.",
        "Model figures (excitation, branching, scenarios) describe timing patterns in reported events; they are "
        "not causal estimates.",
    ]
    section = Section("What these numbers do not say", "Read every section with these limits in mind.")
    return _add(section, _notes(notes))


# ------------------------------------------------------------------------------------------ builder


def build_report(store, *, sources: Sequence[EventSource] | None = None, since: date | None = None,
                 until: date | None = None, model: bool = True, scenarios: bool = True, seed: int = 0,
                 title: str = "borderwatch report") -> Report:
    """The report of the store's events (filtered by source and date). A section whose analysis cannot run
    on this data (too few events for the model, say) says why instead of failing the whole report."""
    points = statistics.select_points(store, sources=sources, since=since, until=until)
    if not points:
        raise AnalysisError("no dated events to report on: ingest or import some first, or widen the filters")
    generated = f"Generated {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by borderwatch from {len(points):,} events."
    report = Report(title, generated)
    builders = [lambda: overview_section(points), lambda: timeline_section(points), lambda: map_section(points),
                lambda: fatalities_section(points, store), lambda: retaliation_section(points),
                lambda: escalation_section(points)]
    for build in builders:
        report.sections.append(_guarded(build))
    if model:
        try:
            run = contagion.run_model(points, seed=seed)
        except (AnalysisError, ValueError) as e:
            report.sections.append(Section("Self-exciting model", f"Not fitted: {e}"))
        else:
            report.sections.append(model_section(run, seed))
            if scenarios:
                report.sections.append(_guarded(lambda: scenario_section(run, _run_presets(run, seed))))
    report.sections.append(caveats_section())
    return report


def _run_presets(run: contagion.ModelRun, seed: int) -> list[tuple[str, contagion.ScenarioRun]]:
    presets = contagion.preset_edits(run.names)
    if not presets:
        raise AnalysisError("no named scenario fits the modelled series")
    return [(name, contagion.run_scenario(run, edits, days=SCENARIO_DAYS, paths=SCENARIO_PATHS, seed=seed))
            for name, edits in presets.items()]


def _guarded(build) -> Section:
    try:
        return build()
    except (BorderwatchError, ValueError) as e:
        return Section("(section not available)", f"This section could not be built from the data: {e}")


def write_report(report: Report, out: str | Path) -> tuple[Path, Path]:
    """Write the HTML to `out` and the Markdown beside it (same name, .md); both paths."""
    html_path = Path(out)
    md_path = html_path.with_suffix(".md")
    html_path.write_text(report.to_html(), encoding="utf-8")
    md_path.write_text(report.to_markdown(), encoding="utf-8")
    return html_path, md_path
