"""`make bench`: incremental merging of a million generated mentions on one core; speed, memory, quality.

    python benchmarks/bench_merge.py [--mentions 1000000] [--seed 7] [--profile]

1. Streams labelled profiles from benchmarks/merge_corpus.py (seeded; 2005–2024, Pakistan and
   Afghanistan, 1–6 reports per event, look-alike events on purpose) in arrival order.
2. Feeds each to `borderwatch.merge.Merger.add`, as ingest does. Only the `add` calls are timed, in
   wall time and in CPU time (`process_time`: on a shared machine other jobs stretch the wall time, not
   the CPU time): the stream is generated on the fly, between the calls, so generation never counts (it
   is reported apart, as the rest of the wall time).
3. Records the RSS at 20 %, 40 % ... 100 % of the stream and prints MB per 100k mentions above the
   baseline at each step: flat figures mean memory linear in the mentions.
4. Scores the events formed against the generator's truth: pairwise precision / recall / F1 (pairs
   counted from cluster sizes, never enumerated) and the duplicate rate.
5. Prints a VERDICT: PASS when 1,000,000 mentions merge in at most 60 s and MB per 100k mentions at the
   last step is at most 1.3 times that at the first. Exit status 0 either way: the figures are the result.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import os
import pstats
import resource
import sys
import time
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # run as a script: `merge_corpus` sits beside us

from merge_corpus import LabelledProfile, build_world, generate_mentions  # noqa: E402

from borderwatch.merge import Merger, Profile  # noqa: E402
from borderwatch.theatre import load_theatre  # noqa: E402

TARGET_MENTIONS = 1_000_000
TARGET_SECONDS = 60.0
# MB per 100k mentions at the last step over that at the first. Python's dicts and lists grow in jumps,
# so the figure wobbles by a few percent; a leak or a quadratic index grows it steadily.
MAX_MEMORY_GROWTH = 1.3
STEPS = 5
PER = 100_000
PROFILE_TOP = 12


@dataclass(frozen=True, slots=True)
class Step:
    """The state of the run after `mentions` adds."""

    mentions: int
    add_seconds: float
    add_cpu_seconds: float
    wall_seconds: float
    rss_kib: int
    events: int


@dataclass(frozen=True, slots=True)
class Quality:
    precision: float
    recall: float
    f1: float
    true_events: int
    events: int

    @property
    def duplicate_rate(self) -> float:
        """Events formed beyond the true ones, over events formed (0 when merging over-merged)."""
        return max(0, self.events - self.true_events) / self.events if self.events else 0.0


def rss_kib() -> int:
    """The resident set size now (not the peak): /proc/self/statm on Linux, the peak elsewhere."""
    try:
        with open("/proc/self/statm", encoding="ascii") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
    except OSError:
        return peak_rss_kib()


def peak_rss_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux


def step_marks(count: int) -> list[int]:
    return [count * k // STEPS for k in range(1, STEPS + 1)]


def run_merge(stream: Iterator[LabelledProfile], count: int, merger: Merger, truth: array,
              kinds: array) -> Iterator[Step]:
    """Add every profile to `merger`, timing only the `add` calls, and yield a Step at each mark; the true
    event numbers go to `truth` (8 bytes a mention, in add order, which is also `merger.event_of`'s) and
    each mention's (date precision, place level) code to `kinds` (1 byte), for the report on surplus
    events (the merger keeps mention ids, not profiles)."""
    marks = iter(step_marks(count))
    mark = next(marks)
    add_seconds = add_cpu_seconds = 0.0
    clock, cpu = time.perf_counter, time.process_time
    started = clock()
    n = 0
    for n, item in enumerate(stream, start=1):
        c, t = cpu(), clock()
        merger.add(item.profile)
        add_seconds += clock() - t
        add_cpu_seconds += cpu() - c
        truth.append(item.event)
        kinds.append(KIND_CODES[(item.profile.precision.value, place_level(item.profile))])
        if n == mark:
            yield Step(n, add_seconds, add_cpu_seconds, clock() - started, rss_kib(), len(merger.members))
            mark = next(marks, -1)
    if mark != -1 and n:  # the generator fell short of `count`: close the run where it ended
        yield Step(n, add_seconds, add_cpu_seconds, clock() - started, rss_kib(), len(merger.members))


def pairs(sizes: Iterable[int]) -> int:
    return sum(n * (n - 1) // 2 for n in sizes)


def pair_quality(predicted: Sequence[str], truth: Sequence[int]) -> Quality:
    """Pairwise merge precision / recall / F1: a pair of mentions is right when both sides put them in one
    event. Pairs are counted from the sizes of predicted, true and shared clusters."""
    together = pairs(Counter(zip(predicted, truth, strict=True)).values())
    predicted_pairs = pairs(Counter(predicted).values())
    true_counts = Counter(truth)
    true_pairs = pairs(true_counts.values())
    precision = together / predicted_pairs if predicted_pairs else 1.0
    recall = together / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Quality(precision, recall, f1, len(true_counts), len(set(predicted)))


def place_level(p: Profile) -> str:
    if p.admin1 is None:
        return "country"
    if p.admin2 is None:
        return "province"
    return "town" if p.place_precision == 1 else "district"


def split_causes(merger: Merger, truth_of: dict[str, int], kinds: Sequence[int]) -> Counter:
    """What the first mention of each surplus event looked like (date precision, place level): an event
    is surplus when an earlier-formed event already holds a mention of the same true event."""
    position = {mention_id: i for i, mention_id in enumerate(merger.event_of)}
    seen: set[int] = set()
    causes: Counter = Counter()
    for members in merger.members.values():  # insertion order: the order events were formed
        first = members[0]
        label = truth_of[first]
        if label in seen:
            causes[KINDS[kinds[position[first]]]] += 1
        seen.add(label)
    return causes


def wrong_merges(merger: Merger, truth_of: dict[str, int]) -> tuple[int, int]:
    """Events formed that hold more than one true event, and the mentions in them not of the majority."""
    mixed = strays = 0
    for members in merger.members.values():
        labels = Counter(truth_of[m] for m in members)
        if len(labels) > 1:
            mixed += 1
            strays += len(members) - max(labels.values())
    return mixed, strays


KINDS = [(precision, level) for precision in ("day", "week", "month", "season", "year")
         for level in ("town", "district", "province", "country")]
KIND_CODES = {kind: i for i, kind in enumerate(KINDS)}


def warm_up() -> None:
    """Load (or compile, on a first run) the merge kernels before the clock starts, as bench_hawkes does."""
    started = time.perf_counter()
    sample = [item.profile for item in generate_mentions(200, 1, build_world(load_theatre().gazetteer))]
    merger = Merger()
    for p in sample:
        merger.add(p)
    print(f"merge kernels loaded or compiled in {time.perf_counter() - started:.1f} s (not timed)")


STEP_HEADER = (f"  {'mentions':>9} {'add s':>7} {'cpu s':>7} {'step /s':>8} {'events':>8} {'RSS MB':>7} "
               f"{'MB/100k':>8}")


def print_step(step: Step, previous: Step, baseline_kib: int) -> float:
    """One line for a step (printed as it comes: a full run takes a while); returns MB per 100k mentions
    above the baseline."""
    rate = (step.mentions - previous.mentions) / (step.add_seconds - previous.add_seconds or 1e-9)
    mb = (step.rss_kib - baseline_kib) / 1024 / (step.mentions / PER)
    print(f"  {step.mentions:>9,} {step.add_seconds:>7.1f} {step.add_cpu_seconds:>7.1f} {rate:>8,.0f} "
          f"{step.events:>8,} "
          f"{step.rss_kib / 1024:>7.0f} {mb:>8.1f}", flush=True)
    return mb


def verdict(count: int, seconds: float, cpu_seconds: float, per_100k: Sequence[float]) -> str:
    """PASS or FAIL on the wall time of the `add` calls (the CPU time is printed beside it)."""
    target = TARGET_SECONDS * count / TARGET_MENTIONS
    growth = per_100k[-1] / per_100k[0] if per_100k and per_100k[0] > 0 else float("inf")
    fast, flat = seconds <= target, growth <= MAX_MEMORY_GROWTH
    scaled = "" if count == TARGET_MENTIONS else f" (scaled to {count:,} mentions from 1,000,000)"
    word = "PASS" if fast and flat else "FAIL"
    return (f"VERDICT: {word}: {seconds:.1f} s (CPU {cpu_seconds:.1f} s) {'<=' if fast else '>'} "
            f"{target:.1f} s{scaled}; memory per mention last/first step {growth:.2f} "
            f"{'<=' if flat else '>'} {MAX_MEMORY_GROWTH}")


def print_quality(merger: Merger, truth: Sequence[int], kinds: Sequence[int]) -> None:
    q = pair_quality(list(merger.event_of.values()), truth)
    print(f"quality against the truth: pairwise precision {q.precision:.3f}, recall {q.recall:.3f}, "
          f"F1 {q.f1:.3f}; {q.events:,} events formed for {q.true_events:,} true ones "
          f"(duplicate rate {q.duplicate_rate:.1%})")
    truth_of = dict(zip(merger.event_of, truth, strict=True))
    mixed, strays = wrong_merges(merger, truth_of)
    print(f"wrong merges: {mixed:,} events hold more than one true event ({strays:,} stray mentions)")
    causes = split_causes(merger, truth_of, kinds)
    surplus = sum(causes.values())
    print(f"surplus events: {surplus:,}; their first mention was (date precision, place level):")
    for (precision, level), n in causes.most_common(8):
        print(f"  {precision:>5} {level:<9} {n:>8,} ({n / surplus:.0%})")


def print_profile(profiler: cProfile.Profile) -> None:
    print(f"\nprofile of the merge (top {PROFILE_TOP} by own time; cProfile slows the run):")
    stats = pstats.Stats(profiler)
    stats.sort_stats("tottime").print_stats(PROFILE_TOP)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentions", type=int, default=TARGET_MENTIONS)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--profile", action="store_true", help="run under cProfile and list hot functions")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    world = build_world(load_theatre().gazetteer)
    setup_seconds = time.perf_counter() - started
    stream = generate_mentions(args.mentions, args.seed, world)
    merger, truth, kinds = Merger(), array("q"), array("b")
    warm_up()
    gc.collect()
    baseline = rss_kib()
    print(f"merge benchmark: {args.mentions:,} mentions, seed {args.seed}, one process "
          f"(theatre and generator set-up {setup_seconds:.1f} s, baseline RSS {baseline / 1024:.0f} MB)")
    profiler = cProfile.Profile() if args.profile else None
    if profiler is not None:
        profiler.enable()
    print(STEP_HEADER, flush=True)
    steps, per_100k = [Step(0, 0.0, 0.0, 0.0, baseline, 0)], []
    for step in run_merge(stream, args.mentions, merger, truth, kinds):
        per_100k.append(print_step(step, steps[-1], baseline))
        steps.append(step)
    if profiler is not None:
        profiler.disable()
    peak = peak_rss_kib()
    if not per_100k:
        print("the generator yielded too few mentions for a first step; nothing to report")
        return 0
    count = len(truth)
    last = steps[-1]
    seconds = last.add_seconds
    print(f"merged {count:,} mentions into {len(merger.members):,} events in {seconds:.1f} s "
          f"({count / seconds:,.0f} mentions/s, {seconds / count * 1e6:.0f} µs each; CPU time "
          f"{last.add_cpu_seconds:.1f} s, {last.add_cpu_seconds / count * 1e6:.0f} µs each); generating the "
          f"stream took the other {last.wall_seconds - seconds:.1f} s of {last.wall_seconds:.1f} s")
    print(f"peak RSS {peak / 1024:.0f} MB ({(peak - baseline) / 1024:.0f} MB above the baseline, "
          f"{(peak - baseline) / count:.2f} KiB a mention)")

    print_quality(merger, truth, kinds)
    if profiler is not None:
        print_profile(profiler)
    print(verdict(count, seconds, last.add_cpu_seconds, per_100k))
    return 0


if __name__ == "__main__":
    sys.exit(main())
