"""Shelter allocation: `edgecamp allocate-file` (from CSV files, no database) and `edgecamp
allocate` (a plan for a site of the registry, stored for review or confirmed); the shelters
of a site: `edgecamp shelters list` and `edgecamp shelters status` (as `--user`, the shelters
page's filters and status change)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from edgecamp.cli._acting import Acting, run_as
from edgecamp.cli._base import (
    DEFAULT_HOST,
    DEFAULT_PORT,
    CommandRefused,
    _positive_decimal,
    _positive_number,
    add_encoding_argument,
    add_user_argument,
    console,
    print_refusal,
    progress,
    red,
    setup_django,
)
from edgecamp.terminal import Terminal

if TYPE_CHECKING:
    from edgecamp.cli._base import Commands

# sites.models.Condition's values (the CLI's parser is built before Django is set up).
CONDITIONS = ["habitable", "damaged", "under_repair", "decommissioned"]


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

    shelters = commands.add_parser(
        "shelters", help="the shelters of a site: list them, mark one damaged or habitable"
    )
    actions = shelters.add_subparsers(title="shelters commands", metavar="ACTION")
    listing = actions.add_parser(
        "list",
        help="the site's shelters with capacity, occupants, m² per person and status",
        description="The same list and filters as the shelters page.",
    )
    listing.add_argument("--site", required=True, metavar="CODE")
    listing.add_argument("--block", default="", metavar="CODE")
    listing.add_argument("--status", default="", choices=CONDITIONS)
    listing.add_argument("--occupancy", default="", choices=["crowded", "free"])
    listing.add_argument("--under-standard", action="store_true")
    add_user_argument(listing, "the staff account reading")
    listing.set_defaults(handler=_shelters_list)
    status = actions.add_parser(
        "status",
        help="mark a shelter damaged, under repair, decommissioned or habitable again",
        description=(
            "A shelter out of use takes nobody new. Decommissioning one people live in is "
            "refused: move its households first."
        ),
    )
    status.add_argument("--site", required=True, metavar="CODE")
    status.add_argument("--shelter", required=True, metavar="BLOCK/CODE")
    status.add_argument("--status", required=True, choices=CONDITIONS)
    status.add_argument("--reason", required=True)
    status.add_argument("--date", type=_date_argument, default=None, metavar="YYYY-MM-DD")
    add_user_argument(status, "the staff account acting")
    status.set_defaults(handler=_shelters_status)


def _date_argument(text: str) -> Any:
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError("must be a date written YYYY-MM-DD") from None


def _site_of(args: argparse.Namespace, acting: Acting) -> Any:
    from edgecamp.sites.queries import site_by_code

    site = site_by_code(args.site, scope=acting.scope)
    if site is None:
        raise CommandRefused(f"--site: no site has the code “{args.site}” at your sites.")
    return site


def _shelters_list(args: argparse.Namespace) -> int:
    def work(acting: Acting) -> str:
        from edgecamp.shelters import queries

        site = _site_of(args, acting)
        filters = queries.ShelterFilters(
            block=args.block,
            status=args.status,
            occupancy=args.occupancy,
            under_standard=args.under_standard,
        )
        lines = [f"{'shelter':<14} {'places':>6} {'people':>6} {'m²/pers.':>8}  status"]
        for shelter in queries.site_shelters(site, filters):
            per_person = queries.per_person_m2(shelter)
            flags = [
                flag
                for flag, on in (
                    ("crowded", shelter.occupants > shelter.capacity),
                    ("under standard", queries.under_standard(shelter)),
                )
                if on
            ]
            lines.append(
                f"{shelter.label:<14} {shelter.capacity:>6} {shelter.occupants:>6} "
                f"{'-' if per_person is None else per_person:>8}  {shelter.condition}"
                + (f" ({', '.join(flags)})" if flags else "")
            )
        return "\n".join(lines)

    return run_as(args, "site-shelters", work, lookup_headline=None)


def _shelters_status(args: argparse.Namespace) -> int:
    def work(acting: Acting) -> str:
        from edgecamp.shelters import condition, queries

        site = _site_of(args, acting)
        block, _slash, code = args.shelter.partition("/")
        shelter = (
            queries.site_shelters(site, queries.ShelterFilters(block=block))
            .filter(code=code)
            .first()
        )
        if shelter is None:
            raise CommandRefused(
                f"--shelter: {site.code} has no shelter {args.shelter}.",
                hint="Write it BLOCK/CODE; `edgecamp shelters list --site …` lists them.",
            )
        outcome = condition.change_condition(
            shelter.pk,
            condition.ConditionInput(args.status, args.reason, args.date),
            scope=acting.scope,
            by=acting.user,
        )
        marked = outcome.change.get_condition_display().lower()
        summary = f"Shelter {shelter.label} marked {marked}."
        if outcome.to_move:
            summary += f" Still living there, to move: {', '.join(outcome.to_move)}."
        return summary

    return run_as(
        args, "shelter-status", work, headline="Status not changed.", lookup_headline=None
    )


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
