"""What a demo camp holds beyond the registry (edgecamp.demo.activity): accounts, supply, a
served cycle, the review queue and protection records. One camp is loaded for the module."""

from __future__ import annotations

import pytest

from edgecamp.demo.camp import load_synthetic_camp
from edgecamp.sites.models import Site

pytestmark = pytest.mark.django_db

PEOPLE = 500
SEED = 3

DEMO_PASSWORD = "demo-pw-for-tests-4"


@pytest.fixture(scope="module")
def demo_camp(module_db):
    """One demo camp for the module's tests (each sees it as loaded; their changes roll back)."""
    from edgecamp.demo.activity import create_staff_accounts, load_demo_activity

    load_synthetic_camp(people=PEOPLE, seed=SEED)
    accounts, kept = create_staff_accounts(DEMO_PASSWORD)
    assert kept == []
    steps = []
    summary = load_demo_activity(seed=SEED, progress=lambda step, d, t: steps.append(step))
    return accounts, summary, steps


def test_demo_stock_balances_equal_the_ledger(demo_camp):
    from django.db.models import Sum

    from edgecamp.stock.models import Item, KitComponent, Movement, StockBalance, Warehouse

    assert Warehouse.objects.count() == Site.objects.count() == 3
    assert set(Warehouse.objects.values_list("site", flat=True)) == set(
        Site.objects.values_list("pk", flat=True)
    )
    assert Item.objects.filter(tracks_expiry=True).exists()
    assert KitComponent.objects.filter(kit__code="hygiene-kit").count() == 3
    sums = {
        (row["warehouse"], row["item"], row["lot"]): row["total"]
        for row in Movement.objects.values("warehouse", "item", "lot").annotate(
            total=Sum("quantity")
        )
    }
    balances = {
        (b.warehouse_id, b.item_id, b.lot_id): b.quantity for b in StockBalance.objects.all()
    }
    assert balances == sums
    assert all(quantity >= 0 for quantity in balances.values())
    kinds = set(Movement.objects.values_list("kind", flat=True))
    assert kinds >= {"receipt", "transfer_out", "transfer_in", "loss", "distribution"}
    loss = Movement.objects.get(kind="loss")
    assert loss.reason
    assert loss.lot is not None
    assert loss.lot.expires_on is not None
    # Receipts into lots name the partner they came from.
    receipts = Movement.objects.filter(kind="receipt", lot__isnull=False)
    assert receipts.exists()
    assert all(m.reason.startswith(("Delivery from", "Shipment")) for m in receipts)


def test_demo_pipeline_has_pledges_in_each_state(demo_camp):
    from edgecamp.stock.models import Pledge, Shipment

    assert set(Pledge.objects.values_list("status", flat=True)) == {
        "pledged",
        "in_transit",
        "received",
    }
    on_the_way = Shipment.objects.get(status="in_transit")
    assert on_the_way.pledge.status == "in_transit"
    assert on_the_way.lines.count() == 2
    arrived = Shipment.objects.get(status="received")
    short = [line for line in arrived.lines.all() if line.discrepancy_reason]
    assert len(short) == 1
    assert short[0].received_quantity < short[0].manifest_quantity


def test_demo_cycle_was_started_and_served(demo_camp):
    from edgecamp.distributions.models import Cycle, EntitlementLine, Redemption
    from edgecamp.stock.models import Movement

    _accounts, summary, steps = demo_camp
    started = Cycle.objects.get(status="open")
    assert Cycle.objects.filter(status="draft").count() == 1
    assert started.entitlements.count() == summary.households_listed > 0
    assert {r.basis for r in started.rules.all()} == {"per_person", "size_bands"}
    redemptions = Redemption.objects.filter(entitlement__cycle=started)
    assert redemptions.count() == summary.redemptions > 0
    assert redemptions.filter(collector="proxy").exclude(proxy_relationship="").exists()
    assert set(redemptions.values_list("redeemed_by__username", flat=True)) == {"distributor"}
    # Each collection moved exactly its entitled quantities out of the cycle's warehouse.
    for redemption in redemptions[:20]:
        moved = {}
        for movement in redemption.movements.all():
            assert movement.kind == Movement.Kind.DISTRIBUTION
            assert movement.warehouse_id == started.warehouse_id
            moved[movement.item_id] = moved.get(movement.item_id, 0) - movement.quantity
        entitled = {
            line.item_id: line.quantity
            for line in EntitlementLine.objects.filter(entitlement=redemption.entitlement)
        }
        assert moved == entitled
    assert {"item catalogue", "distribution", "duplicate review queue", "protection"} <= set(steps)


def test_demo_has_a_review_queue_and_protection_records(demo_camp):
    from edgecamp.audit.models import AuditEntry
    from edgecamp.protection.models import ConfidentialNote, TracingRequest
    from edgecamp.registry.models import DuplicateCandidate

    assert DuplicateCandidate.objects.filter(status="open").exists()
    first_site = Site.objects.order_by("pk").first()
    notes = ConfidentialNote.objects.all()
    requests = TracingRequest.objects.all()
    assert notes.exists()
    assert requests.exists()
    for record in [*notes, *requests]:
        assert record.household.site_id == first_site.pk
    assert {n.written_by.username for n in notes} == {"protection"}
    assert {r.opened_by.username for r in requests} == {"protection"}
    assert len({r.status for r in requests}) > 1
    # The writes went through the services, so the audit trail names who made them.
    assert AuditEntry.objects.filter(
        model__icontains="redemption", actor_name="distributor"
    ).exists()
    assert AuditEntry.objects.filter(model__icontains="pledge", actor_name="manager").exists()


def test_demo_role_accounts_exist_and_sign_in(demo_camp, client):
    from django.urls import reverse

    from edgecamp.accounts.models import StaffProfile
    from edgecamp.demo.activity import STAFF, create_staff_accounts

    accounts, _summary, _steps = demo_camp
    first_site = Site.objects.order_by("pk").first()
    assert [a.username for a in accounts] == [username for username, _r, _w in STAFF]
    roles = {p.user.username: p for p in StaffProfile.objects.select_related("user")}
    assert {roles[u].role for u, _r, _w in STAFF} == {
        "camp_manager",
        "registration_clerk",
        "distribution_staff",
        "protection_officer",
        "partner_viewer",
    }
    assert list(roles["protection"].sites.all()) == [first_site]
    assert not roles["protection"].all_sites
    assert roles["manager"].all_sites
    for username, _role, _where in STAFF:
        response = client.post(
            reverse("login"), {"username": username, "password": DEMO_PASSWORD}, follow=True
        )
        assert response.redirect_chain, username
        assert response.redirect_chain[-1][0] != reverse("login"), username
        client.logout()

    # Asked again, it leaves every existing account as it is: password, role, sites.
    roles["clerk"].sites.set([])
    again, kept = create_staff_accounts("another-demo-pw-7")
    assert again == []
    assert kept == [username for username, _r, _w in STAFF]
    assert client.login(username="clerk", password=DEMO_PASSWORD)
    assert not client.login(username="clerk", password="another-demo-pw-7")
    assert not StaffProfile.objects.get(user__username="clerk").sites.exists()


def test_demo_camp_has_a_history_of_life_events(demo_camp):
    from edgecamp.registry import queries
    from edgecamp.registry.models import LifeEvent

    _accounts, summary, _steps = demo_camp
    kinds = set(LifeEvent.objects.values_list("kind", flat=True))
    assert {"birth", "death", "departure", "split", "correction", "missing", "found"} <= kinds
    assert (
        summary.life_events
        == LifeEvent.objects.exclude(
            # Verification events are the round's (the next test).
            kind__in=["registration", "status_change", "merge", "unmerge", "join", "verification"]
        )
        .exclude(kind="split", data__has_key="from_household")
        .count()
    )
    assert queries.population_counts_checked()


def test_the_readme_names_each_demo_account_with_its_role_and_sites():
    """The README said `manager` worked at the first site while the demo gave every site."""
    from pathlib import Path

    from edgecamp.demo.activity import ALL_SITES, STAFF

    readme = " ".join((Path(__file__).resolve().parents[2] / "README.md").read_text().split())
    for username, role, where in STAFF:
        sites = "every site" if where == ALL_SITES else "the first site"
        assert f"`{username}` ({role.label.lower()}, {sites})" in readme, username


def test_demo_has_a_closed_verification_round(demo_camp):
    from edgecamp.registry.models import Household, LifeEvent
    from edgecamp.verification.models import Round

    _accounts, summary, steps = demo_camp
    [closed] = Round.objects.filter(status=Round.Status.CLOSED)
    assert "verification round" in steps
    assert summary.verified_households > 0
    assert summary.not_seen_households > 0
    # Most households of the site were seen; the others were set inactive, never deleted.
    assert summary.verified_households > 5 * summary.not_seen_households
    verification = LifeEvent.objects.filter(kind="verification", household__site=closed.site)
    assert verification.count() == summary.verified_households + summary.not_seen_households
    assert (
        Household.objects.filter(site=closed.site, status=Household.Status.INACTIVE).count()
        >= summary.not_seen_households
    )
    from edgecamp.registry import queries

    assert queries.population_counts_checked()  # the dashboard's counts stayed exact
