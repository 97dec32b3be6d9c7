"""Shelter allocation: `edgecamp allocate-file` (from CSV files, no database) and `edgecamp
allocate` (a plan for a site of the registry, stored for review or confirmed)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from edgecamp.cli._base import (
    DEFAULT_HOST,
    DEFAULT_PORT,
    _positive_decimal,
    _positive_number,
    add_encoding_argument,
    console,
    print_refusal,
    progress,
    red,
    setup_django,
)
from edgecamp.terminal import Terminal

if TYPE_CHECKING:
    from edgecamp.cli._base import Commands


def add_allocation_commands(commands: Commands) -> None:
    allocate = commands.add_parser(
        "allocate-file",
        help="allocate households to shelters from CSV files and write the plan as CSV",
    )
    allocate.add_argument("shelters", metavar="SHELTERS.csv")
    allocate.add_argument("households", metavar="HOUSEHOLDS.csv")
    allocate.add_argument("--out", required=True, metavar="PLAN.csv")
    allocate.add_argument(
        "--rebalance", action="store_true", help="also move households that already have a shelter"
    )
    allocate.add_argument(
        "--space-standard", type=_positive_number, default=3.5, metavar="M2_PER_PERSON"
    )
    allocate.add_argument(
        "--emergency-minimum", type=_positive_number, default=2.5, metavar="M2_PER_PERSON"
    )
    add_encoding_argument(allocate)
    allocate.set_defaults(handler=_allocate_file)

    plan = commands.add_parser(
        "allocate",
        help="propose a shelter allocation plan for a site from the registry; confirm it",
    )
    plan.add_argument("--site", required=True, metavar="NAME_OR_CODE")
    plan.add_argument(
        "--rebalance", action="store_true", help="also move households that already have a shelter"
    )
    plan.add_argument(
        "--space-standard", type=_positive_decimal, default="3.5", metavar="M2_PER_PERSON"
    )
    plan.add_argument(
        "--emergency-minimum", type=_positive_decimal, default="2.5", metavar="M2_PER_PERSON"
    )
    decision = plan.add_mutually_exclusive_group()
    decision.add_argument("--dry-run", action="store_true", help="show the plan and store nothing")
    decision.add_argument(
        "--confirm", action="store_true", help="confirm the plan at once (no review in the UI)"
    )
    plan.set_defaults(handler=_allocate)


def _allocate_file(args: argparse.Namespace) -> int:
    # Framework-free: no Django needed to allocate from files.
    from edgecamp.allocation import AllocationConfig, AllocationInputError
    from edgecamp.allocation.files import AllocationFileError, allocate_files

    out = console()
    try:
        config = AllocationConfig(
            space_standard_m2=args.space_standard,
            emergency_minimum_m2=args.emergency_minimum,
            rebalance=args.rebalance,
        )
        with progress("Allocating") as report:
            result = allocate_files(
                args.shelters, args.households, args.out, config, report, encoding=args.encoding
            )
    except (AllocationFileError, AllocationInputError, ValueError) as error:
        out.print(red("Nothing written."), error)
        return 1
    metrics = result.metrics
    out.print(
        f"Wrote {args.out}: {metrics.households_housed} households housed "
        f"({metrics.people_housed} people), {metrics.households_unhoused} unhoused "
        f"({metrics.people_unhoused} people), {metrics.people_below_standard} people below "
        f"{args.space_standard:g} m²/person, {metrics.needs_unmet} households with a priority "
        f"need unmet, in {result.seconds:.1f} s.",
    )
    return 0


def _allocate(args: argparse.Namespace) -> int:
    # This command has no --user: the audit log records what it writes as the system's.
    setup_django()
    from django.urls import reverse

    from edgecamp.shelters import services

    out = console()
    site = services.find_site(args.site)
    if site is None:
        names = ", ".join(f"{name} ({code})" for name, code in services.site_names()) or "none"
        out.print(red(f"No site is named or coded “{args.site}”."), f"Sites: {names}.")
        return 1
    settings = services.ProposalSettings(
        rebalance=args.rebalance,
        space_standard_m2=args.space_standard,
        emergency_minimum_m2=args.emergency_minimum,
    )
    try:
        with out.status(f"Allocating the shelters of {site.name}…"):
            plan = services.propose_plan(site, settings, store=not args.dry_run)
    except services.AllocationError as error:
        print_refusal(out, error, "No plan stored.")
        return 1
    _print_plan(out, plan)
    if args.dry_run:
        out.print("Dry run: nothing was stored and nothing changed.")
        return 0
    if args.confirm:
        try:
            outcome = services.confirm_plan(plan)
        except services.PlanConflict as conflict:
            out.print(red(f"Plan {plan.pk} not confirmed."), conflict)
            return 1
        out.print(
            f"Plan {plan.pk} confirmed: {outcome.newly_housed} households newly housed, "
            f"{outcome.moved} moved, {outcome.unhoused} lost their shelter.",
        )
        return 0
    path = reverse("allocation-plan", args=[plan.pk])
    out.print(
        f"Plan {plan.pk} proposed; nothing has changed yet. Review and confirm it at {path} "
        f"(e.g. http://{DEFAULT_HOST}:{DEFAULT_PORT}{path}), or run again with --confirm.",
    )
    return 0


def _print_plan(out: Terminal, plan: Any) -> None:
    from rich.table import Table

    metrics = plan.metrics
    standard = f"{plan.space_standard_m2:g}"
    table = Table(title=f"Allocation plan for {plan.site.name}", title_justify="left")
    for heading in ("block", "households", "people", "m²/person", f"below {standard} m²"):
        table.add_column(heading, justify="left" if heading == "block" else "right")
    table.add_column("needs unmet", justify="right")
    for block in plan.blocks:
        per_person = block["m2_per_person"]
        table.add_row(
            block["block"],
            str(block["households"]),
            str(block["people"]),
            "-" if per_person is None else f"{per_person:.1f}",
            str(block["people_below_standard"]),
            str(block["needs_unmet"]),
        )
    table.add_section()
    table.add_row(
        "unhoused",
        str(metrics["households_unhoused"]),
        str(metrics["people_unhoused"]),
        "",
        "",
        str(metrics["needs_unmet"] - sum(b["needs_unmet"] for b in plan.blocks)),
    )
    out.print(table)
    gap = metrics.get("gap")
    out.print(
        f"{metrics['households_housed']} of {metrics['households']} households housed "
        f"({metrics['people_housed']} people), {metrics['people_below_standard']} people below "
        f"{standard} m²/person, {metrics['needs_unmet']} households with a priority need unmet"
        + (
            f", {metrics['households_kept_overcrowded']} kept in overcrowded shelters"
            if metrics.get("households_kept_overcrowded")
            else ""
        )
        + (f", gap to the bound {gap:.2%}" if gap is not None else "")
        + f"; {metrics['seconds']:.1f} s."
    )
