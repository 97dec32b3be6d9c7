"""The registry export on a large registry, and its XLSX writer against XlsxWriter's on the
same rows, in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ec1m \\
        .venv/bin/python bench/exports.py [--sample 200000] [--user bench-camp-manager]

The database must hold a camp (`edgecamp generate --people 1000000`). First the three exports
as a user runs them (`edgecamp export registry|households|members`, wall time and peak
memory of each command); then the first `--sample` members' rows are read once and written
by ours (rust_xlsxwriter's bindings, exports/sheets.py) and by XlsxWriter in its best
configuration for this (constant_memory, write_row per row: the fastest of its write paths
tried; per-cell typed writes were slower). Targets (issue 14): XLSX <= 90 s, CSV <= 30 s at
1M people, flat memory.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sample", type=int, default=200_000)
    parser.add_argument("--user", default="bench-camp-manager")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        print("Set DATABASE_URL to the database holding the large camp.", file=sys.stderr)
        return 2
    print(f"# {platform.node()}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f} at start")
    print("| export | wall s | peak MiB | printed |")
    print("|---|---:|---:|---|")
    work = Path(tempfile.mkdtemp())
    edgecamp = Path(sys.executable).with_name("edgecamp")
    for what, suffix in (("registry", "xlsx"), ("households", "csv"), ("members", "csv")):
        out = work / f"{what}.{suffix}"
        command = ["/usr/bin/time", "-v", str(edgecamp), "export", what, "--out", str(out)]
        started = time.perf_counter()
        done = subprocess.run(  # noqa: S603 - our own command, our own arguments
            [*command, "--user", args.user], capture_output=True, text=True, check=False
        )
        seconds = time.perf_counter() - started
        peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
        wrote = next((line for line in done.stderr.splitlines() if line.startswith("Wrote")), "")
        mib = int(peak.group(1)) / 1024 if peak else float("nan")
        print(f"| {what} {suffix} | {seconds:.1f} | {mib:.0f} | {wrote.split(': ', 1)[-1]} |")
    _writers(args.sample, work)
    print(f"# load {os.getloadavg()[0]:.2f} at end")
    return 0


def _writers(sample: int, work: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edgecamp.settings")
    import django

    django.setup()
    import itertools

    import xlsxwriter
    from django.db import transaction

    from edgecamp.core.access import Scope
    from edgecamp.exports import registry
    from edgecamp.exports.sheets import write_xlsx

    with transaction.atomic():
        rows = list(
            itertools.islice(
                registry.members(Scope(role="camp_manager", all_sites=True)), sample + 2
            )
        )
    started = time.perf_counter()
    write_xlsx(work / "ours.xlsx", [("members", rows)])
    ours = time.perf_counter() - started
    started = time.perf_counter()
    book = xlsxwriter.Workbook(
        str(work / "peer.xlsx"), {"constant_memory": True, "strings_to_formulas": False}
    )
    sheet = book.add_worksheet("members")
    for r, row in enumerate(rows):
        sheet.write_row(r, 0, row)
    book.close()
    peer = time.perf_counter() - started
    print()
    print(f"| writer, {len(rows) - 2:,} members' rows | s | ratio |")
    print("|---|---:|---:|")
    print(f"| ours (rustpy-xlsxwriter) | {ours:.1f} | 1.0 |")
    print(f"| XlsxWriter, constant_memory, write_row | {peer:.1f} | {peer / ours:.1f}x slower |")


if __name__ == "__main__":
    raise SystemExit(main())
