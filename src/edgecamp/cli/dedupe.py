"""Finding people registered twice: `edgecamp dedupe` (in a CSV file, no database) and `edgecamp
dedupe-registry` (in the registry, queued for review)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from edgecamp.cli._base import add_encoding_argument, console, progress, red, setup_django
from edgecamp.terminal import styled

if TYPE_CHECKING:
    from edgecamp.cli._base import Commands


def add_dedupe_commands(commands: Commands) -> None:
    dedupe = commands.add_parser(
        "dedupe",
        help="find people registered twice in a CSV file and write their clusters as CSV",
    )
    dedupe.add_argument("input", metavar="INPUT.csv")
    dedupe.add_argument("--out", required=True, metavar="CLUSTERS.csv")
    dedupe.add_argument("--pairs", metavar="PAIRS.csv", help="also write the linked pairs")
    dedupe.add_argument(
        "--threshold", type=_probability, default=0.9, metavar="P",
        help="match probability from which two records are the same person (default 0.9)",
    )  # fmt: skip
    dedupe.add_argument(
        "--map", default="", metavar="COLUMN=FIELD,...",
        help="rename input columns, e.g. id=record_id,dob=date_of_birth",
    )  # fmt: skip
    add_encoding_argument(dedupe)
    dedupe.set_defaults(handler=_dedupe)

    dedupe_registry = commands.add_parser(
        "dedupe-registry",
        help="find likely duplicate registrations in the registry and queue them for review",
    )
    dedupe_registry.set_defaults(handler=_dedupe_registry)


def _probability(text: str) -> float:
    value = float(text)
    if not 0.0 < value < 1.0:
        raise argparse.ArgumentTypeError("must be a probability between 0 and 1 (exclusive)")
    return value


def _dedupe(args: argparse.Namespace) -> int:
    # Framework-free: no Django needed to deduplicate a file.
    from edgecamp.linkage import LinkageInputError, dedupe_file
    from edgecamp.linkage.files import parse_mapping

    out = console()
    try:
        mapping = parse_mapping(args.map)
        with progress("Deduplicating") as report:
            summary = dedupe_file(
                args.input,
                args.out,
                pairs_out=args.pairs,
                threshold=args.threshold,
                mapping=mapping,
                progress=report,
                encoding=args.encoding,
            )
    except LinkageInputError as error:
        out.print(red("Nothing written."), error)
        return 1
    if summary.unparsable_dates:
        out.print(
            styled("Warning:", "yellow"),
            f"{summary.unparsable_dates} dates of birth could not be "
            f"read and were treated as missing (first: {summary.first_unparsable}); write "
            "them as YYYY-MM-DD or YYYYMMDD.",
        )
    out.print(
        f"Wrote {args.out}: {summary.records} records, {summary.clusters} people registered "
        f"more than once ({summary.duplicates} duplicate records), in "
        f"{summary.result.seconds:.1f} s.",
    )
    return 0


def _dedupe_registry(args: argparse.Namespace) -> int:
    setup_django()
    from edgecamp.registry.duplicates import run_dedupe_job

    summary = run_dedupe_job()
    console().print(
        f"{summary.individuals} active people compared: {summary.pairs} likely pairs, "
        f"{summary.proposed} new for review ({summary.skipped_open} already open, "
        f"{summary.skipped_not_same} marked not the same person)."
    )
    return 0
