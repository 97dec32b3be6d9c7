"""Distribution cycles and ration cards: `edgecamp start-cycle`, `ration-cards`, `redeem`, and
`edgecamp card show|reissue|revoke`. Each acts as `--user` (`run_as`), at that user's sites."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from edgecamp.cli._acting import Acting, Done, run_as
from edgecamp.cli._base import CommandRefused, _positive_int, add_user_argument, console

if TYPE_CHECKING:
    from edgecamp.cli._base import Commands


def add_cycle_commands(commands: Commands) -> None:
    cards = commands.add_parser(
        "ration-cards", help="write the ration cards of a started cycle as a printable PDF"
    )
    cards.add_argument("--cycle", type=_positive_int, required=True, metavar="ID")
    cards.add_argument("--out", required=True, metavar="CARDS.pdf")
    add_user_argument(cards)
    cards.set_defaults(handler=_ration_cards)

    start = commands.add_parser(
        "start-cycle", help="start a distribution cycle: snapshot its households and entitlements"
    )
    start.add_argument("--cycle", type=_positive_int, required=True, metavar="ID")
    start.add_argument(
        "--shortfall-reason",
        default="",
        metavar="TEXT",
        help="start it although its entitlements exceed the stock on hand and expected by its "
        "first day, and why (refused with the shortfall per item otherwise)",
    )
    add_user_argument(start)
    start.set_defaults(handler=_start_cycle)

    redeem = commands.add_parser(
        "redeem", help="hand out a household's entitlement in a cycle (the code on its card)"
    )
    redeem.add_argument("--cycle", type=_positive_int, required=True, metavar="ID")
    redeem.add_argument("--code", required=True, help="the text of the card's QR code")
    redeem.add_argument("--proxy-name", default="", help="name of an authorised proxy collecting")
    redeem.add_argument("--proxy-relationship", default="", help="the proxy's relationship")
    redeem.add_argument("--desk", default="cli", help="distribution point")
    add_user_argument(redeem)
    redeem.set_defaults(handler=_redeem)


def _cycle(args: argparse.Namespace, acting: Acting) -> Any:
    """The cycle `--cycle` if it is at one of the acting user's sites."""
    from edgecamp.distributions import queries

    cycle = queries.cycle_detail(args.cycle, scope=acting.scope)
    if cycle is None:
        raise CommandRefused(
            f"No cycle has the id {args.cycle} at {args.user}'s sites.",
            hint="See GET /api/v1/cycles.",
        )
    return cycle


def _ration_cards(args: argparse.Namespace) -> int:
    def work(acting: Acting) -> str:
        from edgecamp.distributions.pdf import cycle_cards, ration_cards_pdf

        cycle = _cycle(args, acting)
        cards = cycle_cards(cycle)
        if not cards:
            raise CommandRefused(
                f"Cycle “{cycle.name}” has no households on its list.",
                hint=f"Start it first: `edgecamp start-cycle --cycle {cycle.pk} --user …`.",
            )
        with console().status(f"Drawing {len(cards)} cards…"):
            pdf = ration_cards_pdf(cycle, cards)
        with open(args.out, "wb") as out:
            out.write(pdf)
        return f"Wrote {args.out}: {len(cards)} ration cards for “{cycle.name}”."

    return run_as(args, "cycle-cards", work, lookup_headline=None)


def _start_cycle(args: argparse.Namespace) -> int:
    def work(acting: Acting) -> str:
        from edgecamp.distributions.services import start_cycle

        cycle = _cycle(args, acting)
        households = start_cycle(
            cycle.pk, started_by=acting.user, shortfall_reason=args.shortfall_reason
        )
        return f"Cycle {cycle.pk} started: {households} households on its list."

    return run_as(args, "cycle-start", work, headline="Not started.", lookup_headline=None)


def _redeem(args: argparse.Namespace) -> int:
    def work(acting: Acting) -> str | Done:
        from edgecamp.distributions.queries import already_collected_message
        from edgecamp.distributions.services import RedeemInput, redeem_in_cycle

        cycle = _cycle(args, acting)
        proxy = bool(args.proxy_name or args.proxy_relationship)
        outcome = redeem_in_cycle(
            cycle,
            RedeemInput(
                code=args.code,
                collector="proxy" if proxy else "focal_point",
                proxy_name=args.proxy_name,
                proxy_relationship=args.proxy_relationship,
                desk=args.desk,
            ),
            redeemed_by=acting.user,
        )
        if not outcome.created:
            return Done(str(already_collected_message(outcome.redemption)), code=3)
        number = outcome.redemption.entitlement.household_number
        return f"Handed out the entitlement of {number}."

    return run_as(
        args, "redemption-desk", work, headline="Nothing handed out.", lookup_headline=None
    )


# --- Ration cards: reissue and revocation ----------------------------------------------------


def add_card_commands(commands: Commands) -> None:
    card = commands.add_parser(
        "card", help="a household's ration card: show, reissue (lost card), revoke"
    )
    actions = card.add_subparsers(title="card commands", metavar="ACTION")
    for name, help_text, handler in (
        ("show", "show the household's current card and its history", _card_show),
        (
            "reissue",
            "issue a new card (lost, damaged): the old one is refused from now on",
            _card_reissue,
        ),
        (
            "revoke",
            "revoke the household's card: none is accepted until a new one is issued",
            _card_revoke,
        ),
    ):
        sub = actions.add_parser(name, help=help_text, description=help_text)
        add_user_argument(sub, "the staff account acting")
        sub.add_argument("--household", required=True, metavar="NUMBER")
        if name != "show":
            sub.add_argument("--reason", required=True)
        if name == "reissue":
            sub.add_argument("--out", metavar="CARD.pdf", help="also write the new card to print")
        sub.set_defaults(handler=handler)


def _card_household(args: argparse.Namespace, acting: Acting) -> Any:
    from edgecamp.distributions.queries import card_household

    household = card_household(args.household, scope=acting.scope)
    if household is None:
        raise CommandRefused(f"--household: no household {args.household} at your sites.")
    return household


def _card_show(args: argparse.Namespace) -> int:
    def work(acting: Acting) -> str:
        from edgecamp.distributions.queries import card_history

        household = _card_household(args, acting)
        history = card_history(household)
        if not history:
            return f"{household.number} holds its first card (card no. 1, active)."
        lines = [f"{household.number}: card no. {history[0].issue}, {history[0].status}."]
        for card in history:
            ended = (
                f", {card.status} {card.ended_at:%Y-%m-%d} ({card.end_reason})"
                if card.ended_at
                else ""
            )
            lines.append(f"  card {card.issue}: {card.issue_reason or 'first card'}{ended}")
        return "\n".join(lines)

    return run_as(args, "ration-card", work)


def _card_reissue(args: argparse.Namespace) -> int:
    def work(acting: Acting) -> str:
        from edgecamp.distributions import queries, services
        from edgecamp.distributions.pdf import Card, cards_pdf

        household = _card_household(args, acting)
        card = services.reissue_card(household.pk, args.reason, issued_by=acting.user)
        summary = (
            f"Card no. {card.issue} issued to {household.number}; the earlier card is refused "
            "from now on."
        )
        if args.out:
            pdf = cards_pdf(
                [Card(household.number, queries.household_size_now(household), card.issue)],
                title=f"Ration card {household.number}",
                site_name=household.site.name,
            )
            with open(args.out, "wb") as out:
                out.write(pdf)
            summary += f" Wrote {args.out}."
        return summary

    return run_as(args, "ration-card-reissue", work)


def _card_revoke(args: argparse.Namespace) -> int:
    def work(acting: Acting) -> str:
        from edgecamp.distributions import services

        household = _card_household(args, acting)
        card = services.revoke_card(household.pk, args.reason, revoked_by=acting.user)
        return (
            f"Card no. {card.issue} of {household.number} revoked: no card of the household "
            "is accepted until a new one is issued."
        )

    return run_as(args, "ration-card-revoke", work)
