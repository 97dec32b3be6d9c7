"""The synthetic camp registry for the linkage benchmarks: a dedupe-input CSV built with
`edgecamp.synthetic` (deterministic by seed), cached on disk because generating 1M people
takes a minute.

    .venv/bin/python bench/linkage/camp_data.py [--people 1000000] [--seed 2026]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from edgecamp.synthetic import generate_camp, write_dedupe_csv

CACHE = Path(os.environ.get("EDGECAMP_BENCH_CACHE", Path(tempfile.gettempdir()) / "edgecamp-bench"))


def camp_csv(people: int, seed: int) -> Path:
    """The path of the dedupe CSV of a camp of `people` persons, generated if not cached."""
    path = CACHE / f"camp-{people}-{seed}.csv"
    if path.exists():
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    camp = generate_camp(people, seed)
    partial = path.with_suffix(".partial")
    rows = write_dedupe_csv(camp, partial)
    partial.replace(path)
    print(f"generated {rows} records in {time.perf_counter() - started:.1f} s -> {path}")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    print(camp_csv(args.people, args.seed))


if __name__ == "__main__":
    main()
