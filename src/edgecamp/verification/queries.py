"""Read side of verification rounds, shared by the pages, the API and the distributions desk:
the rounds a user may see (by `scope`, as everywhere), the households a desk finds, a round's
report by block, and whether a household was verified (for cycles that require it)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from edgecamp.core.access import Scope
from edgecamp.registry import queries as registry_queries
from edgecamp.registry import search as registry_search
from edgecamp.registry.models import Household, Individual
from edgecamp.verification.models import Confirmation, NotSeen, Round

DESK_RESULTS = 20
NO_BLOCK = "—"


def visible_rounds(scope: Scope | None) -> QuerySet[Round]:
    rounds = Round.objects.select_related("site", "opened_by", "closed_by")
    return rounds if scope is None else rounds.filter(scope.sites_q("site_id"))


def rounds(scope: Scope | None, *, site_id: int | None = None) -> QuerySet[Round]:
    found = visible_rounds(scope).annotate(confirmed=Count("confirmations"))
    return found if site_id is None else found.filter(site_id=site_id)


def round_detail(round_id: int, *, scope: Scope | None) -> Round | None:
    return visible_rounds(scope).filter(pk=round_id).first()


def latest_round(site_id: int) -> Round | None:
    """The site's open round, or else its last closed one."""
    rounds = current_rounds(site_id)
    return rounds[0] if rounds else None


def current_rounds(site_id: int) -> list[Round]:
    """The rounds a household of the site counts as verified in when a cycle names none: the
    open round (if any), then the last closed one. Both, so that a household verified in the
    last round keeps collecting while the next one is under way."""
    open_round = Round.objects.filter(site_id=site_id, status=Round.Status.OPEN).first()
    closed = (
        Round.objects.filter(site_id=site_id, status=Round.Status.CLOSED)
        .order_by("-closed_at", "-id")
        .first()
    )
    return [r for r in (open_round, closed) if r is not None]


def find_households(round_: Round, text: str, *, scope: Scope | None) -> list[Household]:
    """The households of the round's site a desk looks for: by a ration card's code (the one
    household), else by number, document or names (the registry's search)."""
    text = text.strip()
    if not text:
        return []
    # A ration card's code, read as at a desk: a card not to accept is refused with why.
    number = registry_search.household_number_of_code(text, strict=True)
    if number is not None:
        return list(
            registry_queries.visible_households(scope).filter(
                site_id=round_.site_id, number__iexact=number
            )
        )
    return list(
        registry_queries.search_households(text, site_id=round_.site_id, scope=scope)[:DESK_RESULTS]
    )


def desk_household(round_: Round, number: str, *, scope: Scope | None) -> Household | None:
    """The household as the desk confirms it: its active members, and whether (and when) it
    was confirmed in this round already."""
    household = (
        registry_queries.visible_households(scope)
        .select_related("shelter__block", "focal_point")
        .filter(site_id=round_.site_id, number__iexact=number.strip())
        .first()
    )
    if household is None:
        return None
    household.active_members = list(  # type: ignore[attr-defined]
        Individual.objects.filter(household=household, status=Individual.Status.ACTIVE)
    )
    household.confirmation = (  # type: ignore[attr-defined]
        Confirmation.objects.select_related("confirmed_by")
        .filter(round=round_, household=household)
        .first()
    )
    return household


def confirmations(round_: Round) -> QuerySet[Confirmation]:
    return Confirmation.objects.filter(round=round_).select_related(
        "household", "confirmed_by", "event"
    )


@dataclass
class BlockLine:
    block: str
    verified: int = 0
    changed: int = 0
    not_seen: int = 0
    late: int = 0

    @property
    def households(self) -> int:
        return self.verified - self.late + self.not_seen


@dataclass
class Report:
    round: Round
    blocks: list[BlockLine] = field(default_factory=list)
    # The people the desks found living with a household and registered as its members.
    new_members: list[Individual] = field(default_factory=list)

    @property
    def total(self) -> BlockLine:
        total = BlockLine(_("All blocks"))
        for line in self.blocks:
            total.verified += line.verified
            total.changed += line.changed
            total.not_seen += line.not_seen
            total.late += line.late
        return total


def report(round_: Round) -> Report:
    """Verified, changed and not seen households by block (the block of the household's
    shelter today). For an open round "not seen" means not seen yet: the active households
    registered before it opened that no desk confirmed; for a closed one, those its close set
    inactive, whichever came back late (counted in `late` too, and among the verified)."""
    block = "household__shelter__block__code"
    lines: dict[str, BlockLine] = {}

    def line(code: str | None) -> BlockLine:
        key = code or NO_BLOCK
        return lines.setdefault(key, BlockLine(key))

    for row in (
        Confirmation.objects.filter(round=round_)
        .values(block)
        .annotate(
            verified=Count("pk"),
            changed=Count("pk", filter=Q(changed=True)),
            late=Count("pk", filter=Q(late=True)),
        )
        .order_by()
    ):
        found = line(row[block])
        found.verified, found.changed, found.late = row["verified"], row["changed"], row["late"]
    if round_.is_open:
        unseen = (
            not_seen_yet(round_).values("shelter__block__code").annotate(n=Count("pk")).order_by()
        )
        for row in unseen:
            line(row["shelter__block__code"]).not_seen = row["n"]
    else:
        for row in (
            NotSeen.objects.filter(round=round_).values(block).annotate(n=Count("pk")).order_by()
        ):
            line(row[block]).not_seen = row["n"]
    ordered = sorted(lines.values(), key=lambda b: (b.block == NO_BLOCK, b.block))
    return Report(round_, ordered, new_members_found(round_))


def new_members_found(round_: Round) -> list[Individual]:
    """The people the round's desks registered as new members, by household number."""
    ids = [
        pk
        for data in Confirmation.objects.filter(round=round_, new_people__gt=0).values_list(
            "event__data", flat=True
        )
        for pk in (data or {}).get("new_members", [])
    ]
    return list(
        Individual.objects.filter(pk__in=ids)
        .select_related("household")
        .order_by("household__number", "pk")
    )


def not_seen_yet(round_: Round) -> QuerySet[Household]:
    """The households an open round's close would set inactive now."""
    return Household.objects.filter(
        site_id=round_.site_id,
        status=Household.Status.ACTIVE,
        created_at__lt=round_.opened_at,
    ).exclude(verifications__round=round_)


def report_rows(report_: Report) -> list[list[object]]:
    """The report as CSV rows, with its header."""
    header = [
        _("Block"),
        _("Households"),
        _("Verified"),
        _("Changed"),
        _("Not seen"),
        _("Verified after the close"),
    ]
    return [header] + [
        [line.block, line.households, line.verified, line.changed, line.not_seen, line.late]
        for line in [*report_.blocks, report_.total]
    ]


PANEL_CONFIRMATIONS = 5


def household_panel(household: Household, scope: Scope) -> dict[str, object] | None:
    """The household page's section: its latest confirmations and the site's open round (the
    desk to confirm it in); nothing when it was never verified and no round is open."""
    if not scope.includes(household.site_id):
        return None
    latest = list(
        Confirmation.objects.filter(household=household)
        .select_related("round", "confirmed_by")
        .order_by("-confirmed_at")[:PANEL_CONFIRMATIONS]
    )
    open_round = Round.objects.filter(site_id=household.site_id, status=Round.Status.OPEN).first()
    if not latest and open_round is None:
        return None
    confirmed_in_open = open_round is not None and any(c.round_id == open_round.pk for c in latest)
    return {"confirmations": latest, "open_round": open_round, "done": confirmed_in_open}


def verification_of(household_id: int, round_: Round) -> Confirmation | None:
    return Confirmation.objects.filter(round=round_, household_id=household_id).first()


def verified_in_any(household_id: int, rounds: list[Round]) -> bool:
    return Confirmation.objects.filter(round__in=rounds, household_id=household_id).exists()
