"""The worked analysis in docs/analysis-ucdp-pakistan.md, reproducible: imports UCDP GED Pakistan
(../shared/data/ucdp/ged_pakistan_1989_2019.csv, or the file given) into a temporary store and prints
every figure the document quotes.

    python scripts/analyse_ucdp_pakistan.py [GED_CSV] [--bootstrap 200] [--seed 0]
"""

from __future__ import annotations

import argparse
import tempfile
from datetime import date
from pathlib import Path

import numpy as np

from borderwatch.analyse import contagion, hawkes, indicators, statistics
from borderwatch.analyse.series import read_series_file
from borderwatch.pipeline import import_dataset
from borderwatch.store import open_store

HERE = Path(__file__).resolve().parent
DEFAULT_FILE = HERE.parent.parent / "shared" / "data" / "ucdp" / "ged_pakistan_1989_2019.csv"
SERIES = HERE / "ucdp_pakistan_series.yaml"
# The TTP is founded in December 2007; Operation Zarb-e-Azb begins on 15 June 2014.
FIRST_DAY, LAST_DAY = date(2007, 12, 14), date(2019, 12, 31)
BREAKS = (date(2014, 6, 15),)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--bootstrap", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, open_store(Path(tmp) / "ucdp.db") as store:
        print(import_dataset("ucdp", args.file, store).line())
        points = statistics.select_points(store)
    specs = read_series_file(SERIES).series
    gop_ttp = [p for p in points if {p.actor1, p.actor2} == {"PAK-MIL", "TTP"} or p.actor1 == "TTP"]
    print("\nGovernment of Pakistan vs TTP, and TTP one-sided violence, by year")
    for change in indicators.year_on_year(indicators.tally(gop_ttp, (), "year")):
        r = change.row
        pct = "" if change.events_pct is None else f"{change.events_pct:+.0f}%"
        print(f"  {r.period}: {r.events:4d} events ({pct:>5}), killed {r.fatalities_low}-{r.fatalities_high}"
              f" (best {r.fatalities_best})")
    window = [p for p in points if FIRST_DAY <= p.day <= LAST_DAY]
    for label, breaks in (("regime background (break 2014-06-15)", BREAKS), ("constant background", ())):
        run = contagion.run_model(window, specs, breaks=breaks, seed=args.seed)
        report(label, run, args.bootstrap if breaks else 0, args.seed)


def report(label: str, run: contagion.ModelRun, n_boot: int, seed: int) -> None:
    p = run.fit.params
    print(f"\n== {label}: {run.data.times.size} day-precise events, {run.first_day} to {run.last_day}")
    print(f"   left out: {', '.join(run.left_out) or 'none'}; converged {run.fit.converged}")
    print(f"   branching ratio {p.branching_ratio():.3f}")
    for i, target in enumerate(run.names):
        for j, source in enumerate(run.names):
            ci = f" [{run.low.alpha[i, j]:.3f}, {run.high.alpha[i, j]:.3f}]" if run.low is not None else ""
            print(f"   alpha[{target} <- {source}] = {p.alpha[i, j]:.3f}{ci}")
    for j, name in enumerate(run.names):
        mu = ", ".join(f"{m:.3f}" for m in p.mu[:, j])
        print(f"   {name}: mean lag {1 / p.beta[j]:.1f} days; background/day by regime {mu}; "
              f"follow-on per shock {p.follow_on()[:, j].sum():.2f}; KS p {run.goodness[j].p_value:.3g}")
    if run.out_of_sample is not None:
        o = run.out_of_sample
        print(f"   out of sample: {o.gain_per_event:+.3f} log-likelihood per event vs Poisson ({o.n_events} events)")
    if n_boot:
        boot = hawkes.bootstrap(run.fit, run.data, n=n_boot, seed=seed)
        iv = boot.intervals()
        print(f"   bootstrap ({n_boot} refits) 95% branching ratio [{iv.branching_ratio[0]:.3f}, "
              f"{iv.branching_ratio[1]:.3f}]")
        for i, target in enumerate(run.names):
            for j, source in enumerate(run.names):
                print(f"   bootstrap alpha[{target} <- {source}] [{iv.low.alpha[i, j]:.3f}, {iv.high.alpha[i, j]:.3f}]")
    trig = hawkes.triggering_probabilities(p, run.data)
    share = 1 - float(np.mean(trig.background))
    print(f"   share of events the model attributes to earlier events: {share:.2f}")


if __name__ == "__main__":
    main()
