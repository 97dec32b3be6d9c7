"""Distribution cycles: entitlement rules, the snapshot taken at start, coverage, the HXL
export and the printable ration cards. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from decimal import Decimal

import pytest

from edgecamp.distributions import queries, rules
from edgecamp.distributions.cards import card_code
from edgecamp.distributions.export import hxl_csv
from edgecamp.distributions.models import Entitlement, EntitlementLine
from edgecamp.distributions.pdf import CARDS_PER_PAGE, ration_cards_pdf
from edgecamp.distributions.services import (
    RedeemInput,
    RuleInput,
    redeem,
    start_cycle,
)
from edgecamp.registry.services import set_household_status
from edgecamp.stock.services import SupplyError
from tests.distributions.factories import make_cycle, per_household, per_person
from tests.partners.factories import make_organisation
from tests.registry.factories import make_household, member
from tests.stock.factories import make_item, make_warehouse, stock_up

BANDS = [
    rules.SizeBand(1, 3, Decimal(1)),
    rules.SizeBand(4, 6, Decimal(2)),
    rules.SizeBand(7, None, Decimal(3)),
]


@pytest.mark.parametrize(
    ("rule", "size", "expected"),
    [
        (rules.Rule(rules.PER_PERSON, Decimal("12.5")), 1, "12.5"),
        (rules.Rule(rules.PER_PERSON, Decimal("12.5")), 4, "50"),
        (rules.Rule(rules.PER_PERSON, Decimal("12.5"), cap=Decimal(60)), 7, "60"),
        (rules.Rule(rules.PER_PERSON, Decimal(1)), 0, "0"),
        (rules.Rule(rules.PER_HOUSEHOLD, Decimal(1)), 1, "1"),
        (rules.Rule(rules.PER_HOUSEHOLD, Decimal(1)), 12, "1"),
        (rules.Rule(rules.SIZE_BANDS, bands=BANDS), 3, "1"),
        (rules.Rule(rules.SIZE_BANDS, bands=BANDS), 4, "2"),
        (rules.Rule(rules.SIZE_BANDS, bands=BANDS), 6, "2"),
        (rules.Rule(rules.SIZE_BANDS, bands=BANDS), 15, "3"),
        (rules.Rule(rules.SIZE_BANDS, bands=BANDS, cap=Decimal(2)), 15, "2"),
        (rules.Rule(rules.SIZE_BANDS, bands=BANDS[1:]), 2, "0"),
    ],
)
def test_entitlement_rules(rule, size, expected):
    assert rules.entitled_quantity(rule, size) == Decimal(expected)


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ([{"min": 1, "max": 3, "quantity": 1}, {"min": 3, "max": None, "quantity": 2}], "overlap"),
        ([{"min": 4, "max": 2, "quantity": 1}], "max ≥ min"),
        ([{"max": 2, "quantity": 1}], "give min"),
    ],
)
def test_bad_size_bands_are_explained(raw, fragment):
    with pytest.raises(ValueError, match=fragment):
        rules.parse_bands(raw)


@pytest.fixture
def supply(site):
    warehouse = make_warehouse(site)
    maize = make_item(name="Maize", code="maize")
    kits = make_item(name="Hygiene kit", code="hygiene-kit", unit="kit", category="wash")
    # Enough for the cycles these tests start (a start short of stock needs a reason).
    stock_up(warehouse, maize, 1_000)
    stock_up(warehouse, kits, 100)
    return warehouse, maize, kits


def _household_of(site, size: int, **overrides):
    members = [member()] + [
        member(relationship="child", given_name=f"Child {n}", sex="male") for n in range(size - 1)
    ]
    return make_household(site, members=members, **overrides)


@pytest.mark.django_db
def test_start_snapshots_eligible_households_and_quantities(site, supply, admin_user):
    warehouse, maize, kits = supply
    small = _household_of(site, 2)
    large = _household_of(site, 7)
    departed = _household_of(site, 3)
    set_household_status(departed, "departed", reason="left")
    _household_of(make_warehouse(site).site, 1)  # same site, still eligible
    band_rule = RuleInput(
        item_id=kits.pk,
        basis="size_bands",
        size_bands=[{"min": 1, "max": 4, "quantity": 1}, {"min": 5, "max": None, "quantity": 2}],
    )
    cycle = make_cycle(site, warehouse, [per_person(maize, "12.5", cap="75"), band_rule])

    assert start_cycle(cycle.pk, started_by=admin_user) == 3
    lines = {
        (line.entitlement.household_number, line.item.code): line.quantity
        for line in EntitlementLine.objects.select_related("entitlement", "item")
    }
    assert lines[small.number, "maize"] == Decimal(25)
    assert lines[large.number, "maize"] == Decimal(75)  # 87.5, capped
    assert lines[small.number, "hygiene-kit"] == 1
    assert lines[large.number, "hygiene-kit"] == 2
    assert not Entitlement.objects.filter(household=departed).exists()

    # Later registry changes do not touch the running cycle.
    entitled_before = sorted(lines.items())
    set_household_status(small, "departed", reason="moved")
    large.members.filter(given_name="Child 0").update(status="deceased")
    _household_of(site, 4)
    refreshed = {
        (line.entitlement.household_number, line.item.code): line.quantity
        for line in EntitlementLine.objects.select_related("entitlement", "item")
    }
    assert sorted(refreshed.items()) == entitled_before
    assert Entitlement.objects.get(household=large).household_size == 7

    with pytest.raises(SupplyError, match="fixed"):
        start_cycle(cycle.pk)


@pytest.mark.django_db
def test_specific_needs_targeting(site, supply):
    warehouse, maize, _kits = supply
    _household_of(site, 2)
    needy = make_household(site)  # the factory's second member has DS
    cycle = make_cycle(site, warehouse, [per_household(maize, "5")], target_needs=["DS"])
    assert start_cycle(cycle.pk) == 1
    assert Entitlement.objects.get().household == needy


@pytest.mark.parametrize(
    ("overrides", "path"),
    [
        ({"name": " "}, "name"),
        ({"ends_on": date(2026, 10, 1)}, "ends_on"),
        ({"target_statuses": ["vanished"]}, "target_statuses"),
        ({"target_needs": ["ZZ"]}, "target_needs"),
        ({"rules": []}, "rules"),
        ({"card_boxes": 0}, "card_boxes"),
    ],
)
@pytest.mark.django_db
def test_cycle_validation_names_fields(site, supply, overrides, path):
    warehouse, maize, _kits = supply
    with pytest.raises(SupplyError) as caught:
        make_cycle(site, warehouse, [per_household(maize, "1")], **overrides)
    assert path in caught.value.errors


@pytest.mark.django_db
def test_rule_validation_names_fields(site, supply):
    warehouse, maize, _kits = supply
    with pytest.raises(SupplyError) as caught:
        make_cycle(
            site,
            warehouse,
            [
                RuleInput(item_id=maize.pk, basis="per_person"),
                RuleInput(item_id=maize.pk, basis="size_bands", size_bands=[{"min": 0}]),
                RuleInput(item_id=999_999, basis="monthly", quantity=Decimal(1)),
            ],
        )
    assert set(caught.value.errors) == {
        "rules.0.quantity",
        "rules.1.item",
        "rules.1.size_bands",
        "rules.2.item",
        "rules.2.basis",
    }


@pytest.mark.django_db
def test_coverage_and_hxl_export(site, supply, admin_user):
    warehouse, maize, _kits = supply
    stock_up(warehouse, maize, 1000)
    households = [_household_of(site, size) for size in (1, 2, 3, 4)]
    org = make_organisation(name="Relief Org")
    cycle = make_cycle(
        site, warehouse, [per_person(maize, "10")], organisation_id=org.pk, name="Food November"
    )
    start_cycle(cycle.pk)
    for household in households[:2]:
        redeem(cycle.pk, RedeemInput(code=card_code(household.number)), redeemed_by=admin_user)
    redeem(
        cycle.pk,
        RedeemInput(
            code=card_code(households[3].number),
            collector="proxy",
            proxy_name="Halima Idriss",
            proxy_relationship="neighbour",
        ),
    )

    coverage = queries.coverage(cycle)
    assert (coverage.households_eligible, coverage.households_served) == (4, 3)
    assert (coverage.people_eligible, coverage.people_served) == (10, 7)
    assert coverage.households_percent == 75.0
    assert coverage.collected_by_proxy == 1
    [item] = coverage.items
    assert (item.entitled, item.distributed) == (Decimal(100), Decimal(70))

    by_site = queries.distributed_by_item_and_site()
    assert [(r.site, r.item, r.quantity) for r in by_site] == [(site.name, "Maize", Decimal(70))]

    rows = list(csv.reader(io.StringIO(hxl_csv(cycle))))
    assert rows[1] == [
        "#org +impl",
        "#item +name",
        "#item +code",
        "#output +num",
        "#output +unit",
        "#reached +hh +num",
        "#loc +name",
        "#date +start",
    ]
    assert "#value" not in rows[1]  # HXL's money tag
    assert rows[2] == ["Relief Org", "Maize", maize.code, "70", "kg", "3", site.name, "2026-11-01"]
    assert len(rows) == 3


@pytest.mark.django_db
def test_ration_cards_pdf_has_a_page_per_eight_cards(site, supply):
    warehouse, maize, _kits = supply
    for _n in range(CARDS_PER_PAGE + 1):
        _household_of(site, 1)
    cycle = make_cycle(site, warehouse, [per_household(maize, "1")])
    start_cycle(cycle.pk)

    pdf = ration_cards_pdf(cycle)

    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip().endswith(b"%%EOF")
    assert len(re.findall(rb"/Type /Page\b(?!s)", pdf)) == 2
    # The QR holds the number and the signature, never a name.
    assert b"Amina" not in pdf
    assert b"Haroun" not in pdf


def test_coverage_and_position_sums_are_exact_decimals(site):
    """SQLite adds decimals as floating point: three entitlements of 0.1 summed to
    0.30000000000000004 (the API answered 23958.5999999999 for a real cycle)."""
    from edgecamp.stock.models import PledgeLine
    from edgecamp.stock.quantities import QuantitySum

    soap = make_item(code="soap", name="Soap")
    warehouse = make_warehouse(site)
    stock_up(warehouse, soap, "10")
    for _ in range(3):
        make_household(site)
    cycle = make_cycle(site, warehouse, [per_household(soap, "0.1")])
    start_cycle(cycle.pk)
    coverage = queries.coverage(cycle)
    assert [(row.entitled, row.distributed) for row in coverage.items] == [
        (Decimal("0.300"), Decimal("0.000"))
    ]
    assert str(coverage.items[0].entitled) == "0.300"
    # The aggregate itself, on any quantity column, and empty.
    assert PledgeLine.objects.aggregate(total=QuantitySum("quantity"))["total"] is None
