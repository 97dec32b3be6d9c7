"""`edgecamp export`: the registry (households and members, XLSX, or a CSV of either) and the
population figures (CSV or XLSX) as the staff account `--user` may see them: its sites, and
protection-sensitive needs for a protection officer only. Streamed to the file: a million
people never sit in memory. The registry export is audited like a download from the page."""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import TYPE_CHECKING

from edgecamp.cli._acting import Acting, Done, run_as

if TYPE_CHECKING:
    from edgecamp.cli._base import Commands

WHAT = ("registry", "households", "members", "population")


def add_export_commands(commands: Commands) -> None:
    export = commands.add_parser(
        "export",
        help="write the registry (XLSX, or households / members CSV) or the population "
        "figures (CSV or XLSX), HXL-tagged, as --user may see them",
    )
    export.add_argument("what", choices=WHAT)
    export.add_argument(
        "--out",
        required=True,
        metavar="FILE",
        help="FILE.xlsx or FILE.csv (the registry: .xlsx only, with both sheets)",
    )
    export.add_argument("--user", required=True, metavar="USERNAME")
    export.set_defaults(handler=_export)


def _export(args: argparse.Namespace) -> int:
    out = Path(args.out)
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".xlsx") or (args.what == "registry" and suffix != ".xlsx"):
        allowed = ".xlsx" if args.what == "registry" else ".csv or .xlsx"
        print(f"Nothing written: --out must end in {allowed}.")
        return 2
    route = "export-population-csv" if args.what == "population" else "export-registry-xlsx"

    def work(acting: Acting) -> str | Done:
        from edgecamp.audit.capture import record_export
        from edgecamp.exports import population, registry
        from edgecamp.exports.sheets import write_csv, write_xlsx

        started = time.perf_counter()
        sheets = {
            "registry": [
                (registry.SHEETS[0], registry.households(acting.scope)),
                (registry.SHEETS[1], registry.members(acting.scope)),
            ],
            "households": [(registry.SHEETS[0], registry.households(acting.scope))],
            "members": [(registry.SHEETS[1], registry.members(acting.scope))],
            "population": [("population", population.rows(acting.scope))],
        }[args.what]
        if suffix == ".xlsx":
            counts = write_xlsx(out, sheets)
        else:
            name, rows = sheets[0]
            with out.open("w", encoding="utf-8-sig", newline="") as handle:
                counts = {name: write_csv(handle, rows)}
        if args.what != "population":
            record_export(f"registry {args.what} {suffix[1:].upper()}", acting.scope, counts)
        written = ", ".join(f"{n:,} {name}" for name, n in counts.items())
        return f"Wrote {out}: {written}, in {time.perf_counter() - started:.1f} s."

    return run_as(args, route, work, lookup_headline=None)
