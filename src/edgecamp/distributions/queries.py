"""Read-side queries of supply, shared by the web UI, the API and the CLI: eligible
households, coverage of a cycle, distributed quantities, the HXL export and the stock
position with days of cover and pipeline breaks.

Row-level access lives here too: entry points pass the user's `scope`
(`edgecamp.core.access.scope_for(request.user)`), which keeps to the cycles, warehouses and
stock of its sites. `scope` None is unrestricted, for internal callers (commands, services),
never for a request."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from edgecamp.audit.capture import record_sensitive_read
from edgecamp.core.access import Scope
from edgecamp.distributions import rules
from edgecamp.distributions.models import (
    Cycle,
    Entitlement,
    EntitlementLine,
    EntitlementRule,
    RationCard,
    Redemption,
)
from edgecamp.registry.models import Household, Individual, SpecificNeedRecord
from edgecamp.sites.models import Site
from edgecamp.stock.models import (
    Item,
    Movement,
    Pledge,
    PledgeLine,
    Shipment,
    ShipmentLine,
    StockBalance,
)
from edgecamp.stock.pipeline import expected_by
from edgecamp.stock.quantities import QuantitySum
from edgecamp.stock.queries import usable_on_hand

ZERO = Decimal(0)


def as_rule(rule: EntitlementRule) -> rules.Rule:
    return rules.Rule(
        basis=rule.basis,
        quantity=rule.quantity,
        bands=rules.parse_bands(rule.size_bands) if rule.basis == rules.SIZE_BANDS else (),
        cap=rule.cap,
    )


def eligible_households(cycle: Cycle) -> Iterator[tuple[int, str, int]]:
    """(household id, number, size) of the households a cycle serves now: at its site, with
    one of its statuses, with at least one active member (and one of its specific needs, if
    it targets some). Size counts active members."""
    households = Household.objects.filter(
        site_id=cycle.site_id, status__in=cycle.target_statuses
    ).annotate(
        size=Count("members", filter=Q(members__status=Individual.Status.ACTIVE), distinct=True)
    )
    if cycle.target_needs:
        households = households.filter(
            pk__in=SpecificNeedRecord.objects.filter(
                code__in=cycle.target_needs, individual__status=Individual.Status.ACTIVE
            ).values("individual__household_id")
        )
    rows = households.filter(size__gt=0).order_by("number").values_list("id", "number", "size")
    yield from rows.iterator(chunk_size=2000)


def visible_cycles(scope: Scope | None) -> QuerySet[Cycle]:
    """The cycles of the scope's sites."""
    if scope is None:
        return Cycle.objects.all()
    return Cycle.objects.filter(scope.sites_q("site_id"))


def cycles(scope: Scope | None = None) -> QuerySet[Cycle]:
    return (
        visible_cycles(scope)
        .select_related("site", "warehouse", "organisation")
        .annotate(
            households_eligible=Count("entitlements", distinct=True),
            households_served=Count("entitlements__redemption", distinct=True),
        )
        .order_by("-starts_on", "-id")  # an aggregate drops Meta.ordering
    )


def cycle_exists(cycle_id: int, *, scope: Scope | None = None) -> bool:
    return visible_cycles(scope).filter(pk=cycle_id).exists()


def cycle_detail(cycle_id: int, *, scope: Scope | None = None) -> Cycle | None:
    """The cycle, for a page, an API answer or a command about it. The households of a
    protection-targeted cycle are a list decided by protection-sensitive data: every such
    read is audited as a sensitive read."""
    cycle = (
        visible_cycles(scope)
        .select_related("site", "warehouse", "organisation", "started_by")
        .prefetch_related("rules__item")
        .filter(pk=cycle_id)
        .first()
    )
    if cycle is not None and scope is not None and cycle.protection_targeted:
        record_sensitive_read(cycle, PROTECTION_TARGETED_READ)
    return cycle


# What a read of a protection-targeted cycle's list is called in the audit log.
PROTECTION_TARGETED_READ = "households of a protection-targeted cycle"


def shown_target_needs(cycle: Cycle, scope: Scope | None) -> list[str]:
    """The needs the cycle targets, as the scope may read them: none at all to anyone but a
    protection officer of its site when one is protection-sensitive (any code shown would
    tell why the other households are on the list). `Cycle.protection_targeted` says that
    the list was chosen by protection staff."""
    if scope is None or not cycle.protection_targeted or scope.sees_sensitive(cycle.site_id):
        return list(cycle.target_needs)
    return []


@dataclass(frozen=True)
class ItemCoverage:
    item: Item
    entitled: Decimal
    distributed: Decimal


@dataclass(frozen=True)
class Coverage:
    households_eligible: int
    people_eligible: int
    households_served: int
    people_served: int
    collected_by_proxy: int
    items: list[ItemCoverage] = field(default_factory=list)

    @property
    def households_percent(self) -> float:
        return _percent(self.households_served, self.households_eligible)

    @property
    def people_percent(self) -> float:
        return _percent(self.people_served, self.people_eligible)


def coverage(cycle: Cycle) -> Coverage:
    entitlements = Entitlement.objects.filter(cycle=cycle)
    eligible = entitlements.aggregate(n=Count("id"), people=Sum("household_size"))
    served = entitlements.filter(redemption__isnull=False).aggregate(
        n=Count("id"),
        people=Sum("household_size"),
        proxy=Count("id", filter=Q(redemption__collector=Redemption.Collector.PROXY)),
    )
    lines = EntitlementLine.objects.filter(entitlement__cycle=cycle)
    entitled = dict(lines.values_list("item").annotate(total=QuantitySum("quantity")))
    distributed = dict(
        lines.filter(entitlement__redemption__isnull=False)
        .values_list("item")
        .annotate(total=QuantitySum("quantity"))
    )
    items = [
        ItemCoverage(item, entitled.get(item.pk, ZERO), distributed.get(item.pk, ZERO))
        for item in Item.objects.filter(pk__in=entitled.keys()).order_by("name")
    ]
    return Coverage(
        households_eligible=eligible["n"] or 0,
        people_eligible=eligible["people"] or 0,
        households_served=served["n"] or 0,
        people_served=served["people"] or 0,
        collected_by_proxy=served["proxy"] or 0,
        items=items,
    )


@dataclass(frozen=True)
class DistributedRow:
    site: str
    item: str
    unit: str
    quantity: Decimal


def distributed_by_item_and_site(scope: Scope | None = None) -> list[DistributedRow]:
    """What left the warehouses in distributions, by item and site (from the ledger)."""
    movements = Movement.objects.filter(kind=Movement.Kind.DISTRIBUTION)
    if scope is not None:
        movements = movements.filter(scope.sites_q("warehouse__site_id"))
    rows = (
        movements.values_list("warehouse__site__name", "item__name", "item__unit")
        .annotate(total=QuantitySum("quantity"))
        .order_by("warehouse__site__name", "item__name")
    )
    return [DistributedRow(site, item, unit, -total) for site, item, unit, total in rows]


# HXL 1.1 hashtags: quantities are outputs (`#value` is HXL's money tag), counted with `+num`
# and their unit with `+unit`; households reached are `#reached +hh`; the cycle's first day
# `#date +start`.
HXL_HEADERS = [
    ("Organisation", "#org +impl"),
    ("Item", "#item +name"),
    ("Item code", "#item +code"),
    ("Quantity distributed", "#output +num"),
    ("Unit", "#output +unit"),
    ("Households reached", "#reached +hh +num"),
    ("Site", "#loc +name"),
    ("Date", "#date +start"),
]


def hxl_rows(cycle: Cycle | None = None, *, scope: Scope | None = None) -> Iterator[list[str]]:
    """Distributed quantities and households reached per cycle and item, HXL-tagged: a
    header row, a hashtag row, then the data. Holds no personal data."""
    yield [label for label, _tag in HXL_HEADERS]
    yield [tag for _label, tag in HXL_HEADERS]
    lines = EntitlementLine.objects.filter(entitlement__redemption__isnull=False)
    if scope is not None:
        lines = lines.filter(scope.sites_q("entitlement__cycle__site_id"))
    if cycle is not None:
        lines = lines.filter(entitlement__cycle=cycle)
    grouped = (
        lines.values_list(
            "entitlement__cycle__organisation__name",
            "item__name",
            "item__code",
            "item__unit",
            "entitlement__cycle__site__name",
            "entitlement__cycle__starts_on",
        )
        .annotate(total=QuantitySum("quantity"), reached=Count("entitlement", distinct=True))
        .order_by("entitlement__cycle__starts_on", "entitlement__cycle__site__name", "item__name")
    )
    for organisation, item, code, unit, site, starts_on, total, reached in grouped:
        yield [
            organisation or "",
            item,
            code,
            _plain(total),
            unit,
            str(reached),
            site,
            starts_on.isoformat(),
        ]


@dataclass(frozen=True)
class EntitlementSummary:
    """What a desk sees after a scan."""

    entitlement: Entitlement
    lines: list[EntitlementLine]
    redemption: Redemption | None

    @property
    def household_number(self) -> str:
        return self.entitlement.household_number

    @property
    def household_size(self) -> int:
        return self.entitlement.household_size

    @property
    def focal_point(self) -> str | None:
        person = self.entitlement.household.focal_point
        return (person.full_name or None) if person is not None else None

    @property
    def status(self) -> str:
        return "collected" if self.redemption is not None else "due"

    @property
    def message(self) -> str:
        if self.redemption is not None:
            return already_collected_message(self.redemption)
        return str(_("Due: check the card holder, then confirm to hand out."))


def entitlement_summary(entitlement: Entitlement) -> EntitlementSummary:
    lines = list(entitlement.lines.select_related("item").order_by("item__name"))
    redemption = (
        Redemption.objects.select_related("redeemed_by", "entitlement")
        .filter(entitlement=entitlement)
        .first()
    )
    return EntitlementSummary(entitlement, lines, redemption)


def already_collected_message(redemption: Redemption) -> str:
    when = timezone.localtime(redemption.redeemed_at)
    if redemption.collector == Redemption.Collector.PROXY:
        who = _("%(name)s (%(relationship)s, proxy)") % {
            "name": redemption.proxy_name,
            "relationship": redemption.proxy_relationship,
        }
    else:
        who = _("the focal point")
    message = _(
        "Already collected on %(date)s at %(time)s by %(who)s, served by %(clerk)s at "
        "%(desk)s. Nothing more is due in this cycle."
    ) % {
        "date": f"{when:%Y-%m-%d}",
        "time": f"{when:%H:%M}",
        "who": who,
        "clerk": redemption.redeemed_by.get_username() if redemption.redeemed_by else "—",
        "desk": redemption.desk or "—",
    }
    return str(message)


# --- Stock position ----------------------------------------------------------------------------


@dataclass
class PositionRow:
    site: Site
    item: Item
    on_hand: Decimal = ZERO  # usable: expired lots left out
    in_pipeline: Decimal = ZERO  # in transit, plus pledged but not yet shipped
    requirement: Decimal = ZERO  # still to hand out in open cycles and draft ones to come
    daily_consumption: Decimal = ZERO

    @property
    def days_of_cover(self) -> int | None:
        if self.daily_consumption <= 0:
            return None
        return int(self.on_hand / self.daily_consumption)

    @property
    def shortfall(self) -> Decimal:
        return max(ZERO, self.requirement - self.on_hand - self.in_pipeline)

    @property
    def pipeline_break(self) -> bool:
        return self.shortfall > 0


def stock_position(
    site_id: int | None = None, today: date | None = None, *, scope: Scope | None = None
) -> list[PositionRow]:
    """Per site and item (of the scope's sites): on hand, pipeline, requirement, cover.

    Every figure is summed by the database, per site and item (or per pledge, or cycle, and
    item), over the scope's sites only: a pledge of 200 000 lines costs one aggregate, not
    200 000 rows, and a user of one site does not pay for every site's stock."""
    day = today or timezone.localdate()
    rows: dict[tuple[int, int], PositionRow] = {}
    sites = {s.pk: s for s in Site.objects.all()}
    items = {i.pk: i for i in Item.objects.all()}

    def at_sites(found: QuerySet[Any], path: str) -> QuerySet[Any]:
        if site_id is not None:
            found = found.filter(**{path: site_id})
        return found.filter(scope.sites_q(path)) if scope is not None else found

    def row(site: int, item: int) -> PositionRow:
        key = (site, item)
        if key not in rows:
            rows[key] = PositionRow(sites[site], items[item])
        return rows[key]

    balances = StockBalance.objects.filter(quantity__gt=0).exclude(lot__expires_on__lt=day)
    for site, item, total in (
        at_sites(balances, "warehouse__site_id")
        .values_list("warehouse__site", "item")
        .annotate(total=QuantitySum("quantity"))
        .order_by()
    ):
        row(site, item).on_hand += total

    in_transit = ShipmentLine.objects.filter(shipment__status=Shipment.Status.IN_TRANSIT)
    for site, item, total in (
        at_sites(in_transit, "shipment__destination__site_id")
        .values_list("shipment__destination__site", "item")
        .annotate(total=QuantitySum("manifest_quantity"))
        .order_by()
    ):
        row(site, item).in_pipeline += total
    open_pledges = at_sites(
        Pledge.objects.filter(status__in=[Pledge.Status.PLEDGED, Pledge.Status.IN_TRANSIT]),
        "destination__site_id",
    )
    shipped: dict[tuple[int, int], Decimal] = defaultdict(lambda: ZERO)
    for pledge, item, total in (
        ShipmentLine.objects.filter(shipment__pledge__in=open_pledges)
        .values_list("shipment__pledge", "item")
        .annotate(total=QuantitySum("manifest_quantity"))
        .order_by()
    ):
        shipped[pledge, item] += total
    for pledge, site, item, total in (
        PledgeLine.objects.filter(pledge__in=open_pledges)
        .values_list("pledge", "pledge__destination__site", "item")
        .annotate(total=QuantitySum("quantity"))
        .order_by()
    ):
        outstanding = total - shipped[pledge, item]
        if outstanding > 0:
            row(site, item).in_pipeline += outstanding

    running = {
        cycle.pk: cycle
        for cycle in at_sites(
            Cycle.objects.filter(ends_on__gte=day, status=Cycle.Status.OPEN), "site_id"
        )
    }
    for cycle_id, item, total, outstanding in (
        EntitlementLine.objects.filter(entitlement__cycle__in=list(running))
        .values_list("entitlement__cycle", "item")
        .annotate(
            total=QuantitySum("quantity"),
            outstanding=QuantitySum("quantity", filter=Q(entitlement__redemption__isnull=True)),
        )
        .order_by()
    ):
        cycle = running[cycle_id]
        position = row(cycle.site_id, item)
        position.requirement += outstanding or ZERO
        position.daily_consumption += total / cycle.days
    drafts = Cycle.objects.filter(ends_on__gte=day, status=Cycle.Status.DRAFT)
    for cycle in at_sites(drafts, "site_id"):
        for item, total in planned_requirement(cycle).items():
            position = row(cycle.site_id, item)
            position.requirement += total
            position.daily_consumption += total / cycle.days

    return sorted(rows.values(), key=lambda r: (r.site.name, r.item.name))


def planned_requirement(cycle: Cycle) -> dict[int, Decimal]:
    """What a draft cycle would hand out if it started now: per item id."""
    cycle_rules = [(rule.item_id, as_rule(rule)) for rule in cycle.rules.all()]
    totals: dict[int, Decimal] = defaultdict(lambda: ZERO)
    sizes: dict[int, int] = defaultdict(int)
    for _hid, _number, size in eligible_households(cycle):
        sizes[size] += 1
    for size, count in sizes.items():
        for item_id, rule in cycle_rules:
            totals[item_id] += rules.entitled_quantity(rule, size) * count
    return dict(totals)


@dataclass(frozen=True)
class ShortfallLine:
    """An item a cycle would hand out more of than its warehouse will hold by the
    distribution date."""

    item: Item
    required: Decimal  # the cycle's entitlements
    on_hand: Decimal  # usable on the distribution date (expired lots left out)
    in_pipeline: Decimal  # shipments and pledges expected by then
    committed: Decimal  # still owed by the warehouse's other open cycles

    @property
    def name(self) -> str:
        return self.item.name

    @property
    def unit(self) -> str:
        return self.item.unit

    @property
    def available(self) -> Decimal:
        return max(ZERO, self.on_hand + self.in_pipeline - self.committed)

    @property
    def short(self) -> Decimal:
        return self.required - self.available

    def as_record(self) -> dict[str, Any]:
        """As kept on the cycle (Cycle.shortfall): exact quantities as text."""
        return {
            "item": self.item.pk,
            "name": self.item.name,
            "unit": self.item.unit,
            "required": _plain(self.required),
            "available": _plain(self.available),
            "short": _plain(self.short),
        }


@dataclass(frozen=True)
class RecordedShortfall:
    """A line of Cycle.shortfall, as the cycle was started."""

    name: str
    unit: str
    required: Decimal
    available: Decimal
    short: Decimal


def recorded_shortfall(cycle: Cycle) -> list[RecordedShortfall]:
    return [
        RecordedShortfall(
            str(line.get("name", "")),
            str(line.get("unit", "")),
            Decimal(str(line.get("required", 0))),
            Decimal(str(line.get("available", 0))),
            Decimal(str(line.get("short", 0))),
        )
        for line in cycle.shortfall or []
    ]


def stock_shortfall(cycle: Cycle, required: dict[int, Decimal]) -> list[ShortfallLine]:
    """The items of `required` (per item id: what the cycle hands out) that the cycle's
    warehouse cannot cover on the cycle's first day: stock usable then, plus the pipeline
    expected by then (stock.pipeline.expected_by), less what its other open cycles still owe.
    By item name. The page's warning and the start of the cycle (services.start_cycle) both
    use this."""
    day = cycle.starts_on
    on_hand = usable_on_hand(cycle.warehouse_id, day)
    pipeline = expected_by(cycle.warehouse_id, day)
    owed: dict[int, Decimal] = dict(
        EntitlementLine.objects.filter(
            entitlement__cycle__warehouse_id=cycle.warehouse_id,
            entitlement__cycle__status=Cycle.Status.OPEN,
            entitlement__redemption__isnull=True,
        )
        .exclude(entitlement__cycle=cycle)
        .values_list("item")
        .annotate(total=QuantitySum("quantity"))
        .order_by()
    )
    items = {i.pk: i for i in Item.objects.filter(pk__in=list(required))}
    lines = [
        ShortfallLine(
            items[item_id],
            quantity,
            on_hand.get(item_id, ZERO),
            pipeline.get(item_id, ZERO),
            owed.get(item_id, ZERO),
        )
        for item_id, quantity in required.items()
    ]
    return sorted((line for line in lines if line.short > 0), key=lambda line: line.item.name)


def _percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def _plain(quantity: Decimal) -> str:
    text = f"{quantity:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


# --- Ration cards ------------------------------------------------------------------------------


def card_household(number: str, *, scope: Scope | None = None) -> Household | None:
    """The household a ration card belongs to, by its number (any case), if it is at one of
    the scope's sites: another site's household is not found, as one that does not exist."""
    found = Household.objects.select_related("site").filter(number__iexact=number.strip())
    if scope is not None:
        found = found.filter(scope.sites_q("site_id"))
    return found.first()


def card_history(household: Household) -> list[RationCard]:
    """The household's cards, newest first (empty: it holds its first card)."""
    return list(
        RationCard.objects.filter(household=household)
        .select_related("issued_by", "ended_by")
        .order_by("-issue")
    )


def household_size_now(household: Household) -> int:
    return household.members.filter(status=Individual.Status.ACTIVE).count()
