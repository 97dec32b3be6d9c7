"""What a demo camp holds beyond the registry: staff accounts (one per role), supply (item
catalogue, warehouses, receipts, a transfer, a loss, donor pledges and shipments), a started
distribution cycle with redemptions and a draft one, the duplicate review queue and a few
protection records.

Everything goes through the apps' own services, so the stock ledger, the audit trail and the
cycle snapshots hold as they would after real work; all of it is one transaction. Choices are
deterministic by the camp's seed; dates are counted from today, like the camp's own.
"""

from __future__ import annotations

import logging
import math
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from edgecamp.accounts.models import StaffProfile
from edgecamp.accounts.roles import Role
from edgecamp.core.context import acting_as
from edgecamp.demo.camp import Progress, no_progress
from edgecamp.demo.life_events import load_life_events
from edgecamp.demo.verification import load_verification_round
from edgecamp.distributions import queries as distribution_queries
from edgecamp.distributions import rules
from edgecamp.distributions.cards import card_code
from edgecamp.distributions.models import Cycle, Entitlement, Redemption
from edgecamp.distributions.services import (
    CycleInput,
    RedeemInput,
    RuleInput,
    create_cycle,
    redeem_in_cycle,
    start_cycle,
)
from edgecamp.partners.models import Organisation
from edgecamp.protection.services import (
    TracingInput,
    add_note,
    open_tracing_request,
    set_tracing_status,
)
from edgecamp.registry.duplicates import run_dedupe_job
from edgecamp.registry.models import Household, Individual
from edgecamp.sites.models import Site
from edgecamp.stock.models import Item, KitComponent, Movement, StockBalance, Warehouse
from edgecamp.stock.services import (
    LossInput,
    PledgeInput,
    PledgeLineInput,
    ReceiptInput,
    ReceivedLineInput,
    ShipmentInput,
    ShipmentLineInput,
    TransferInput,
    create_pledge,
    dispatch_shipment,
    receive_shipment,
    receive_stock,
    record_loss,
    transfer_stock,
)

log = logging.getLogger(__name__)

# Households served in the started cycle (fewer in a small camp: a third of its list).
REDEMPTIONS = 300
# One collection in this many is made by an authorised proxy.
PROXY_EVERY = 8

ALL_SITES = "all"
FIRST_SITE = "first"


@dataclass(frozen=True)
class StaffAccount:
    username: str
    role: str
    all_sites: bool
    sites: tuple[str, ...]


# username, role, where: one account per role besides `admin`.
STAFF: tuple[tuple[str, Role, str], ...] = (
    ("manager", Role.CAMP_MANAGER, ALL_SITES),
    ("clerk", Role.REGISTRATION_CLERK, FIRST_SITE),
    ("distributor", Role.DISTRIBUTION_STAFF, FIRST_SITE),
    ("protection", Role.PROTECTION_OFFICER, FIRST_SITE),
    ("partner", Role.PARTNER_VIEWER, ALL_SITES),
)


@dataclass(frozen=True)
class ActivitySummary:
    items: int
    warehouses: int
    movements: int
    pledges: int
    households_listed: int
    redemptions: int
    duplicate_candidates: int
    protection_records: int
    seconds: float
    life_events: int = 0
    verified_households: int = 0
    not_seen_households: int = 0

    def __str__(self) -> str:
        return (
            f"{self.items} items in {self.warehouses} warehouses, {self.pledges} pledges, "
            f"a cycle of {self.households_listed} households with {self.redemptions} "
            f"collections, {self.duplicate_candidates} possible duplicates, "
            f"{self.protection_records} protection records, {self.life_events} life events, "
            f"a closed verification round ({self.verified_households} households verified, "
            f"{self.not_seen_households} not seen)"
        )


# --- Staff accounts ------------------------------------------------------------------------------


def create_staff_accounts(password: str) -> tuple[list[StaffAccount], list[str]]:
    """Create the role accounts of STAFF that do not exist yet, all with `password`, each with
    its role and sites (the first site, or every site). Returns them and the usernames that
    already existed.

    An account that exists is left exactly as it is: its password, whether it is active, its
    role and sites. The demo calls this only in the run that loads the demo camp, so running
    it again on a database in use can never reset, reopen or recreate an account."""
    user_model = get_user_model()
    first_site = Site.objects.order_by("pk").first()
    encoded = make_password(password)  # one hash for one password: hashing is slow on purpose
    created: list[str] = []
    with transaction.atomic():
        existing = set(
            user_model.objects.filter(username__in=_usernames()).values_list("username", flat=True)
        )
        for username, role, where in STAFF:
            if username in existing:
                continue
            user = user_model.objects.create(username=username, password=encoded)
            profile = StaffProfile.objects.create(
                user=user, role=role, all_sites=where == ALL_SITES
            )
            if where == FIRST_SITE and first_site is not None:
                profile.sites.set([first_site])
            created.append(username)
    accounts = [account for account in staff_accounts() if account.username in created]
    return accounts, [username for username in _usernames() if username not in created]


def staff_accounts() -> list[StaffAccount]:
    """The demo's role accounts as they stand, in STAFF order."""
    usernames = _usernames()
    profiles = {
        p.user.username: p
        for p in StaffProfile.objects.filter(user__username__in=usernames)
        .select_related("user")
        .prefetch_related("sites")
    }
    return [
        StaffAccount(
            username=username,
            role=str(profiles[username].get_role_display()),
            all_sites=profiles[username].all_sites,
            sites=tuple(site.name for site in profiles[username].sites.all()),
        )
        for username in usernames
        if username in profiles
    ]


# --- Activity ------------------------------------------------------------------------------------


def load_demo_activity(seed: int, progress: Progress | None = None) -> ActivitySummary:
    """Add supply, distributions, the duplicate review queue and protection records to a camp
    that was just loaded. One transaction: all of it is there, or none."""
    report = progress or no_progress
    started = time.perf_counter()
    rng = random.Random(seed)
    today = timezone.localdate()
    sites = list(Site.objects.order_by("pk"))
    if not sites:
        raise ValueError("Load a camp first: the demo activity needs its sites.")
    staff = {u.username: u for u in get_user_model().objects.filter(username__in=_usernames())}
    manager = staff.get("manager")
    with transaction.atomic():
        report("item catalogue", 0, 1)
        items = _catalogue()
        warehouses = _warehouses(sites)
        organisations = list(Organisation.objects.order_by("pk"))
        report("stock", 0, 1)
        with acting_as(manager, "cli"):
            cycle = _draft_cycle("Monthly food and hygiene", sites[0], warehouses[0], items, today)
            _stock(cycle, warehouses, items, organisations, today)
            pledges = _pipeline(warehouses, items, organisations, today, seed)
        report("distribution", 0, 1)
        distributor = staff.get("distributor")
        with acting_as(distributor, "cli"):
            listed = start_cycle(cycle.pk, started_by=distributor)
            served = _redeem(cycle, rng, distributor, report)
        with acting_as(manager, "cli"):
            later = sites[1] if len(sites) > 1 else sites[0]
            _draft_cycle(
                "Shelter and hygiene top-up",
                later,
                warehouses[sites.index(later)],
                items,
                today + timedelta(days=30),
            )
        report("life events", 0, 1)
        clerk = staff.get("clerk")
        with acting_as(clerk, "cli"):
            life_events = load_life_events(sites[0], rng, clerk, today)
        report("verification round", 0, 1)
        with acting_as(manager, "cli"):
            verified, not_seen = load_verification_round(sites, rng, manager)
        report("duplicate review queue", 0, 1)
        duplicates = run_dedupe_job()
        report("protection", 0, 1)
        protection = _protection(sites[0], rng, staff.get("protection"), today)
        report("protection", 1, 1)
    summary = ActivitySummary(
        items=len(items),
        warehouses=len(warehouses),
        movements=_count_movements(),
        pledges=pledges,
        households_listed=listed,
        redemptions=served,
        duplicate_candidates=duplicates.proposed,
        protection_records=protection,
        seconds=time.perf_counter() - started,
        life_events=life_events,
        verified_households=verified,
        not_seen_households=not_seen,
    )
    log.info("demo activity added (seed %d) in %.1f s", seed, summary.seconds)
    return summary


def _usernames() -> list[str]:
    return [username for username, _role, _where in STAFF]


def _count_movements() -> int:
    return Movement.objects.count()


# code, name, unit, category, tracks expiry
_ITEMS: tuple[tuple[str, str, str, str, bool], ...] = (
    ("maize-grain", "Maize grain", Item.Unit.KG, Item.Category.FOOD, True),
    ("vegetable-oil", "Vegetable oil (fortified)", Item.Unit.LITRE, Item.Category.FOOD, True),
    ("pulses", "Pulses (red beans)", Item.Unit.KG, Item.Category.FOOD, True),
    ("soap-bar", "Soap, bar of 250 g", Item.Unit.BAR, Item.Category.WASH, False),
    ("jerrycan-20l", "Jerrycan, 20 l", Item.Unit.PIECE, Item.Category.WASH, False),
    ("sanitary-pads", "Sanitary pads, pack", Item.Unit.PIECE, Item.Category.WASH, False),
    ("hygiene-kit", "Family hygiene kit", Item.Unit.KIT, Item.Category.WASH, False),
    ("tarpaulin", "Tarpaulin, 4 x 6 m", Item.Unit.PIECE, Item.Category.SHELTER, False),
    ("blanket", "Blanket, thermal", Item.Unit.PIECE, Item.Category.NFI, False),
    ("ors", "Oral rehydration salts", Item.Unit.PIECE, Item.Category.MEDICINE, True),
)
_LOT_PREFIX = {"maize-grain": "MAIZE", "vegetable-oil": "OIL", "pulses": "PULSES"}
# What one hygiene kit holds.
_KIT = (("soap-bar", "4"), ("jerrycan-20l", "1"), ("sanitary-pads", "2"))


def _catalogue() -> dict[str, Item]:
    items = {}
    for code, name, unit, category, expires in _ITEMS:
        items[code], _created = Item.objects.get_or_create(
            code=code,
            defaults={"name": name, "unit": unit, "category": category, "tracks_expiry": expires},
        )
    for component, quantity in _KIT:
        KitComponent.objects.get_or_create(
            kit=items["hygiene-kit"],
            component=items[component],
            defaults={"quantity": Decimal(quantity)},
        )
    return items


def _warehouses(sites: Sequence[Site]) -> list[Warehouse]:
    return [
        Warehouse.objects.get_or_create(
            code=f"wh-{site.code}"[:30].lower(),
            defaults={"site": site, "name": f"{site.name} warehouse"},
        )[0]
        for site in sites
    ]


def _draft_cycle(
    name: str, site: Site, warehouse: Warehouse, items: dict[str, Item], starts_on: date
) -> Cycle:
    """A cycle with one rule of each basis: per person, per household and size bands."""
    soap_bands = [
        {"min": 1, "max": 3, "quantity": "2"},
        {"min": 4, "max": 6, "quantity": "4"},
        {"min": 7, "max": None, "quantity": "6"},
    ]
    food = name.startswith("Monthly")
    cycle_rules = (
        [
            RuleInput(items["maize-grain"].pk, rules.PER_PERSON, Decimal("12")),
            RuleInput(items["vegetable-oil"].pk, rules.PER_PERSON, Decimal("0.9")),
            RuleInput(items["pulses"].pk, rules.PER_PERSON, Decimal("1.8"), cap=Decimal("12")),
            RuleInput(items["soap-bar"].pk, rules.SIZE_BANDS, size_bands=soap_bands),
        ]
        if food
        else [
            RuleInput(items["hygiene-kit"].pk, rules.PER_HOUSEHOLD, Decimal("1")),
            RuleInput(items["tarpaulin"].pk, rules.PER_HOUSEHOLD, Decimal("1")),
        ]
    )
    return create_cycle(
        CycleInput(
            name=f"{name}, {starts_on:%B %Y}",
            site_id=site.pk,
            warehouse_id=warehouse.pk,
            starts_on=starts_on - timedelta(days=3) if food else starts_on,
            ends_on=starts_on + timedelta(days=25),
            rules=cycle_rules,
        )
    )


def _needs(cycle: Cycle) -> dict[int, Decimal]:
    """What the cycle would hand out if every listed household collected, by item id."""
    cycle_rules = [(rule.item_id, distribution_queries.as_rule(rule)) for rule in cycle.rules.all()]
    needs: dict[int, Decimal] = {item_id: Decimal(0) for item_id, _rule in cycle_rules}
    for _household, _number, size in distribution_queries.eligible_households(cycle):
        for item_id, rule in cycle_rules:
            needs[item_id] += rules.entitled_quantity(rule, size)
    return needs


def _stock(
    cycle: Cycle,
    warehouses: Sequence[Warehouse],
    items: dict[str, Item],
    organisations: Sequence[Organisation],
    today: date,
) -> None:
    """Receipts from the partners into every warehouse (enough at the first one for the whole
    cycle, and some to spare), then one transfer and one loss."""
    needs = _needs(cycle)
    first = warehouses[0]
    donor_names = [o.acronym or o.name for o in organisations] or ["partner"]
    lot_number = 0
    for index, warehouse in enumerate(warehouses):
        for position, (code, item) in enumerate(items.items()):
            if code == "ors":
                continue
            base = needs.get(item.pk, Decimal(0)) if warehouse == first else Decimal(0)
            # Cycle needs with a tenth spare, plus a buffer the transfer and loss draw on.
            quantity = Decimal(math.ceil(base * Decimal("1.1"))) + _buffer(item)
            donor = donor_names[(index + position) % len(donor_names)]
            reason = f"Delivery from {donor}"
            if not item.tracks_expiry:
                receive_stock(
                    ReceiptInput(warehouse.pk, item.pk, quantity, reason=reason),
                )
                continue
            # Two lots: the older one expires first and is issued first.
            older = (quantity * Decimal("0.4")).quantize(Decimal(1))
            for share, months in ((older, 4), (quantity - older, 10)):
                lot_number += 1
                receive_stock(
                    ReceiptInput(
                        warehouse.pk,
                        item.pk,
                        share,
                        lot_code=f"{_LOT_PREFIX.get(code, 'LOT')}-{today:%y}-{lot_number:03d}",
                        expires_on=today + timedelta(days=30 * months),
                        reason=reason,
                    )
                )
    ors = items["ors"]
    receive_stock(
        ReceiptInput(
            first.pk,
            ors.pk,
            Decimal(2000),
            lot_code=f"ORS-{today:%y}-001",
            expires_on=today + timedelta(days=540),
            reason=f"Delivery from {donor_names[-1]}",
        )
    )
    if len(warehouses) > 1:
        transfer_stock(
            TransferInput(
                first.pk,
                warehouses[1].pk,
                items["soap-bar"].pk,
                Decimal(200),
                reason="Rebalancing: the second site's hygiene promotion week",
            )
        )
    oil = items["vegetable-oil"]
    oldest_oil = (
        StockBalance.objects.filter(warehouse=first, item=oil, quantity__gt=0)
        .select_related("lot")
        .order_by("lot__expires_on", "lot__code")
        .first()
    )
    record_loss(
        LossInput(
            first.pk,
            oil.pk,
            Decimal(40),
            reason="Cans punctured while unloading in the rain; written off by the storekeeper",
            lot_code=oldest_oil.lot.code if oldest_oil and oldest_oil.lot else "",
        )
    )


def _buffer(item: Item) -> Decimal:
    return Decimal(
        {
            Item.Unit.KG: 500,
            Item.Unit.LITRE: 200,
            Item.Unit.BAR: 600,
            Item.Unit.KIT: 150,
        }.get(item.unit, 300)
    )


def _pipeline(
    warehouses: Sequence[Warehouse],
    items: dict[str, Item],
    organisations: Sequence[Organisation],
    today: date,
    seed: int,
) -> int:
    """Donor pledges in each state: pledged; in transit (a dispatched shipment and its
    manifest); received (the shipment received, one line short with its reason)."""
    if not organisations:
        return 0
    donors = [organisations[i % len(organisations)] for i in range(3)]
    last = warehouses[-1]
    # Pledged, nothing shipped yet.
    create_pledge(
        PledgeInput(
            donor_id=donors[0].pk,
            destination_id=warehouses[0].pk,
            pledged_on=today - timedelta(days=6),
            expected_by=today + timedelta(days=40),
            reference=f"PL-{seed}-003",
            lines=[
                PledgeLineInput(items["tarpaulin"].pk, Decimal(800)),
                PledgeLineInput(items["blanket"].pk, Decimal(1200)),
            ],
        )
    )
    # In transit.
    in_transit = create_pledge(
        PledgeInput(
            donor_id=donors[1].pk,
            destination_id=warehouses[0].pk,
            pledged_on=today - timedelta(days=20),
            expected_by=today + timedelta(days=7),
            reference=f"PL-{seed}-002",
            lines=[
                PledgeLineInput(items["maize-grain"].pk, Decimal(20000)),
                PledgeLineInput(items["vegetable-oil"].pk, Decimal(1500)),
            ],
        )
    )
    dispatch_shipment(
        ShipmentInput(
            sender_id=donors[1].pk,
            destination_id=warehouses[0].pk,
            waybill=f"WB-{seed}-0102",
            dispatched_on=today - timedelta(days=2),
            expected_on=today + timedelta(days=5),
            pledge_id=in_transit.pk,
            lines=[
                ShipmentLineInput(
                    items["maize-grain"].pk,
                    Decimal(20000),
                    lot_code=f"MAIZE-{today:%y}-T01",
                    expires_on=today + timedelta(days=365),
                ),
                ShipmentLineInput(
                    items["vegetable-oil"].pk,
                    Decimal(1500),
                    lot_code=f"OIL-{today:%y}-T01",
                    expires_on=today + timedelta(days=300),
                ),
            ],
        )
    )
    # Received, one line short.
    received = create_pledge(
        PledgeInput(
            donor_id=donors[2].pk,
            destination_id=last.pk,
            pledged_on=today - timedelta(days=45),
            expected_by=today - timedelta(days=10),
            reference=f"PL-{seed}-001",
            lines=[
                PledgeLineInput(items["hygiene-kit"].pk, Decimal(400)),
                PledgeLineInput(items["blanket"].pk, Decimal(600)),
            ],
        )
    )
    shipment = dispatch_shipment(
        ShipmentInput(
            sender_id=donors[2].pk,
            destination_id=last.pk,
            waybill=f"WB-{seed}-0101",
            dispatched_on=today - timedelta(days=16),
            expected_on=today - timedelta(days=12),
            pledge_id=received.pk,
            lines=[
                ShipmentLineInput(items["hygiene-kit"].pk, Decimal(400)),
                ShipmentLineInput(items["blanket"].pk, Decimal(600)),
            ],
        )
    )
    blanket = items["blanket"].pk
    receive_shipment(
        shipment.pk,
        [
            ReceivedLineInput(
                line.pk,
                line.manifest_quantity - (12 if line.item_id == blanket else 0),
                "12 blankets soaked and mouldy on arrival" if line.item_id == blanket else "",
            )
            for line in shipment.lines.all()
        ],
    )
    return 3


def _redeem(cycle: Cycle, rng: random.Random, distributor: Any, report: Progress) -> int:
    """Collections by a few hundred households of the cycle's list, some through a proxy."""
    cycle = Cycle.objects.select_related("warehouse").get(pk=cycle.pk)
    numbers = list(
        Entitlement.objects.filter(cycle=cycle)
        .order_by("household_number")
        .values_list("household_number", flat=True)
    )
    chosen = rng.sample(numbers, k=min(REDEMPTIONS, len(numbers) // 3))
    proxies = ("neighbour", "sister", "brother", "cousin", "aunt", "eldest son")
    for done, number in enumerate(chosen):
        proxy = done % PROXY_EVERY == PROXY_EVERY - 1
        redeem_in_cycle(
            cycle,
            RedeemInput(
                code=card_code(number),
                collector=Redemption.Collector.PROXY if proxy else Redemption.Collector.FOCAL_POINT,
                proxy_name=f"Proxy {done + 1:03d}" if proxy else "",
                proxy_relationship=rng.choice(proxies) if proxy else "",
                desk=f"desk-{done % 3 + 1}",
            ),
            redeemed_by=distributor,
        )
        if done % 50 == 0:
            report("distribution", done, len(chosen))
    report("distribution", len(chosen), len(chosen))
    return len(chosen)


# Synthetic, deliberately vague: what a protection officer might write.
_NOTES = (
    "Household referred by the block leader; follow-up visit planned next week.",
    "Focal point asked for a private interview; referred to the case management partner.",
    "Child in the household not attending school; family informed of the learning centre.",
    "Older member needs help collecting rations; a proxy was agreed with the family.",
)
_SOUGHT = (
    ("Amina", "", "female", 14, "daughter", "Bus station at the border crossing"),
    ("Yusuf", "", "male", 41, "brother", "Market of the home town"),
    ("Halima", "", "female", 67, "mother", "Transit centre"),
)


def _protection(site: Site, rng: random.Random, officer: Any, today: date) -> int:
    """A few confidential notes and tracing requests at one site, by the protection officer."""
    households = list(
        Household.objects.filter(site=site, status=Household.Status.ACTIVE)
        .exclude(focal_point=None)
        .order_by("number")
    )
    if not households:
        return 0
    chosen = rng.sample(households, k=min(len(households), len(_NOTES) + len(_SOUGHT)))
    written = 0
    with acting_as(officer, "cli"):
        for household, text in zip(chosen, _NOTES, strict=False):
            add_note(household, text=text, written_by=officer)
            written += 1
        statuses = ("open", "located", "open")
        for household, sought, status in zip(
            chosen[len(_NOTES) :], _SOUGHT, statuses, strict=False
        ):
            given, family, sex, age, relationship, place = sought
            requester = (
                Individual.objects.filter(household=household).order_by("pk").values("pk").first()
            )
            request = open_tracing_request(
                household,
                TracingInput(
                    requester_id=requester["pk"] if requester else None,
                    sought_given_name=given,
                    sought_family_name=family,
                    sought_sex=sex,
                    sought_age=age,
                    relationship=relationship,
                    last_seen_place=place,
                    last_seen_on=today - timedelta(days=rng.randint(60, 400)),
                ),
                opened_by=officer,
            )
            if status != "open":
                set_tracing_status(request, status)
            written += 1
    return written
