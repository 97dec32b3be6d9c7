"""Shelter allocation benchmark: the optimiser against the first-fit baseline, same run.

    .venv/bin/python bench/allocation/run.py [--households 100000] [--shelters 30000]

Prints a Markdown table (docs/benchmarks.md, section "Shelter allocation").
"""

from __future__ import annotations

import argparse
import platform
import time
from collections import Counter

from edgecamp.allocation import (
    AllocationConfig,
    allocate,
    check_plan,
    greedy_first_fit,
    plan_metrics,
)
from edgecamp.allocation.sample import synthetic_site


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--shelters", type=int, default=30_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    started = time.perf_counter()
    shelters, households = synthetic_site(args.households, args.shelters, seed=args.seed)
    generated = time.perf_counter() - started
    config = AllocationConfig()
    people = sum(h.size for h in households)
    print(
        f"site: {len(shelters)} shelters, {len(households)} households ({people} people), "
        f"seed {args.seed}, generated in {generated:.1f} s; Python {platform.python_version()}"
    )

    rows: dict[str, list[float]] = {}
    for solver in (allocate, greedy_first_fit):
        started = time.perf_counter()
        plan = solver(shelters, households, config)
        seconds = time.perf_counter() - started
        metrics = plan_metrics(shelters, households, plan, config)
        violations = check_plan(shelters, households, plan, config)
        bound = plan.bound if plan.bound is not None else float("nan")
        gap = (bound - metrics.objective) / abs(bound) * 100 if plan.bound else float("nan")
        values = {
            "wall time (s)": seconds,
            "objective": metrics.objective,
            "LP bound": bound,
            "gap to bound (%)": gap,
            "households housed": metrics.households_housed,
            "households unhoused": metrics.households_unhoused,
            "people housed": metrics.people_housed,
            "people below 3.5 m²": metrics.people_below_standard,
            "priority needs unmet (households)": metrics.needs_unmet,
            "community cohesion": metrics.community_cohesion,
            "split households": metrics.split_households,
            "checker violations": len(violations),
        }
        for name, value in values.items():
            rows.setdefault(name, []).append(float(value))
        if violations:
            print(f"{plan.method}: {dict(Counter(v.rule for v in violations))}")

    print("\n| measure | ours (LP on classes) | greedy first fit | ours / greedy |")
    print("|---|---:|---:|---:|")
    for name, (ours, greedy) in rows.items():
        ratio = f"{ours / greedy:.3f}" if greedy and greedy == greedy else "-"
        print(f"| {name} | {_fmt(ours)} | {_fmt(greedy)} | {ratio} |")


def _fmt(value: float) -> str:
    if value != value:  # NaN: the baseline has no bound
        return "-"
    if value.is_integer():
        return f"{int(value):,}"
    return f"{value:,.3f}" if abs(value) < 100 else f"{value:,.0f}"


if __name__ == "__main__":
    main()
