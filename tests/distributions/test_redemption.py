"""Redemption: each entitlement is handed out exactly once, with its stock movements in the
same transaction; replayed, forged and altered cards; proxies; too little stock. The
threaded test needs PostgreSQL's row locks and is skipped on SQLite."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.db.models import Sum
from django.test import override_settings

from edgecamp.distributions.cards import InvalidCard, card_code, read_card_code
from edgecamp.distributions.models import Redemption
from edgecamp.distributions.queries import already_collected_message
from edgecamp.distributions.services import RedeemInput, close_cycle, redeem, start_cycle
from edgecamp.stock.models import Movement, StockBalance
from edgecamp.stock.services import SupplyError
from tests.distributions.factories import make_cycle, per_household, per_person
from tests.registry.factories import make_household
from tests.stock.factories import make_item, make_warehouse, stock_up


@pytest.fixture
def open_cycle(site):
    warehouse = make_warehouse(site)
    maize = make_item(name="Maize", code="maize")
    soap = make_item(name="Soap", code="soap", unit="bar", category="wash")
    stock_up(warehouse, maize, 100)
    stock_up(warehouse, soap, 50)
    household = make_household(site)  # two members
    cycle = make_cycle(site, warehouse, [per_person(maize, "12.5"), per_household(soap, "4")])
    start_cycle(cycle.pk)
    return cycle, household, maize, soap


def _tampered(code: str) -> str:
    return code[:-1] + ("A" if code[-1] != "A" else "B")


def _stock(item) -> Decimal:
    return StockBalance.objects.filter(item=item).aggregate(q=Sum("quantity"))["q"]


# --- Card codes --------------------------------------------------------------------------------


def test_card_code_round_trip_and_tampering(settings):
    code = card_code("EDG-000123")
    assert code.startswith("EC1:EDG-000123:")
    assert read_card_code(code) == "EDG-000123"
    assert read_card_code(f"  {code.lower().replace('ec1', 'EC1')} ") in (
        "EDG-000123",
        "edg-000123",
    )
    forged = [
        code.replace("EDG-000123", "EDG-000124"),  # another household's number
        code[:-1] + ("A" if code[-1] != "A" else "B"),  # one character of the signature
        "EC1:EDG-000123:",
        "EDG-000123",
        "EC2" + code[3:],
        "",
    ]
    for text in forged:
        with pytest.raises(InvalidCard):
            read_card_code(text)
    # A card signed under another operation's key is forged here.
    with override_settings(SECRET_KEY="another-operation-" + "x" * 40):
        foreign = card_code("EDG-000123")
    assert foreign != code
    with pytest.raises(InvalidCard):
        read_card_code(foreign)


# --- Redemption --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_redeem_moves_stock_out_in_the_same_transaction(open_cycle, admin_user):
    cycle, household, maize, soap = open_cycle

    outcome = redeem(
        cycle.pk,
        RedeemInput(code=card_code(household.number), desk="desk-2"),
        redeemed_by=admin_user,
    )

    assert outcome.created
    redemption = outcome.redemption
    assert redemption.collector == "focal_point"
    assert (_stock(maize), _stock(soap)) == (Decimal(75), Decimal(46))
    moved = {m.item.code: m.quantity for m in redemption.movements.select_related("item")}
    assert moved == {"maize": Decimal(-25), "soap": Decimal(-4)}
    assert set(
        Movement.objects.filter(kind="distribution").values_list("reference", flat=True)
    ) == {f"redemption:{redemption.pk}"}


@pytest.mark.django_db
def test_replayed_scan_is_answered_with_the_earlier_collection(open_cycle, admin_user):
    cycle, household, maize, _soap = open_cycle
    code = card_code(household.number)
    first = redeem(cycle.pk, RedeemInput(code=code, desk="desk-1"), redeemed_by=admin_user)

    again = redeem(cycle.pk, RedeemInput(code=code, desk="desk-2"))

    assert not again.created
    assert again.redemption.pk == first.redemption.pk
    message = already_collected_message(again.redemption)
    assert message.startswith("Already collected on ")
    assert "by the focal point, served by manager at desk-1" in message
    assert Redemption.objects.count() == 1
    assert _stock(maize) == Decimal(75)


@pytest.mark.django_db
def test_proxy_is_recorded_and_required_fields_checked(open_cycle):
    cycle, household, _maize, _soap = open_cycle
    code = card_code(household.number)
    with pytest.raises(SupplyError) as caught:
        redeem(cycle.pk, RedeemInput(code=code, collector="proxy"))
    assert set(caught.value.errors) == {"proxy_name", "proxy_relationship"}

    outcome = redeem(
        cycle.pk,
        RedeemInput(
            code=code, collector="proxy", proxy_name="Halima Idriss", proxy_relationship="sister"
        ),
    )
    assert (outcome.redemption.proxy_name, outcome.redemption.proxy_relationship) == (
        "Halima Idriss",
        "sister",
    )
    assert "Halima Idriss (sister, proxy)" in already_collected_message(outcome.redemption)


@pytest.mark.django_db
def test_forged_and_foreign_cards_are_refused(open_cycle, site):
    cycle, household, maize, _soap = open_cycle
    outsider = make_household(site)  # registered after the cycle started
    for code, fragment in [
        (_tampered(card_code(household.number)), "not a valid ration card"),
        (card_code(household.number).replace(household.number, outsider.number), "not a valid"),
        (card_code(outsider.number), "not on the list"),
    ]:
        with pytest.raises(SupplyError) as caught:
            redeem(cycle.pk, RedeemInput(code=code))
        assert fragment in caught.value.errors["code"][0]
    assert not Redemption.objects.exists()
    assert _stock(maize) == Decimal(100)


@pytest.mark.django_db
def test_insufficient_stock_refuses_and_writes_nothing(site):
    warehouse = make_warehouse(site)
    maize = make_item(name="Maize")
    soap = make_item(name="Soap", unit="bar")
    stock_up(warehouse, maize, 100)
    stock_up(warehouse, soap, 3)
    household = make_household(site)
    cycle = make_cycle(site, warehouse, [per_person(maize, "10"), per_household(soap, "4")])
    # Started knowingly short of soap (the desk then refuses what it cannot hand out).
    start_cycle(cycle.pk, shortfall_reason="Soap arrives next week")
    cycle.refresh_from_db()
    assert [(line["name"], line["short"]) for line in cycle.shortfall] == [("Soap", "1")]
    movements_before = Movement.objects.count()

    with pytest.raises(SupplyError) as caught:
        redeem(cycle.pk, RedeemInput(code=card_code(household.number)))

    [message] = [m for messages in caught.value.errors.values() for m in messages]
    assert "Not enough Soap" in message
    assert "nothing was handed out" in message
    assert not Redemption.objects.exists()
    assert Movement.objects.count() == movements_before
    assert (_stock(maize), _stock(soap)) == (Decimal(100), Decimal(3))


@pytest.mark.django_db
def test_closed_cycle_refuses(open_cycle):
    cycle, household, _maize, _soap = open_cycle
    close_cycle(cycle.pk)
    with pytest.raises(SupplyError) as caught:
        redeem(cycle.pk, RedeemInput(code=card_code(household.number)))
    assert "closed" in caught.value.errors["cycle"][0]


@pytest.mark.django_db(transaction=True)
def test_many_desks_scanning_one_card_at_once_redeem_it_once(site):
    if connection.vendor != "postgresql":
        pytest.skip("real row-lock concurrency is exercised in the PostgreSQL run")
    warehouse = make_warehouse(site)
    maize = make_item(name="Maize")
    stock_up(warehouse, maize, 1000)
    households = [make_household(site) for _ in range(3)]
    cycle = make_cycle(site, warehouse, [per_person(maize, "10")])
    start_cycle(cycle.pk)
    desks = 12
    barrier = threading.Barrier(desks)
    results: list[object] = []

    def desk(index: int) -> None:
        try:
            barrier.wait()
            # Every desk scans all three cards, starting at a different one.
            for offset in range(3):
                household = households[(index + offset) % 3]
                outcome = redeem(
                    cycle.pk, RedeemInput(code=card_code(household.number), desk=f"d{index}")
                )
                results.append((household.number, outcome.created))
        except BaseException as exc:  # reported by the assertion below
            results.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=desk, args=(i,)) for i in range(desks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert all(isinstance(r, tuple) for r in results), results
    assert len(results) == desks * 3
    for household in households:
        created = [c for number, c in results if number == household.number]  # type: ignore[misc]
        assert created.count(True) == 1
        assert created.count(False) == desks - 1
    assert Redemption.objects.count() == 3
    assert _stock(maize) == Decimal(1000 - 3 * 20)
    assert Movement.objects.filter(kind="distribution").aggregate(q=Sum("quantity"))["q"] == -60


# --- The balance rows are locked last -----------------------------------------------------------


@pytest.mark.django_db
def test_stock_taken_between_plan_and_lock_is_planned_again_under_the_lock(site, monkeypatch):
    """A redemption plans from the balances without locking them; if another desk takes from a
    planned lot before the rows are locked, the redemption is rolled back and redone with the
    balances locked from the start, still first-expiry first."""
    from datetime import date

    from edgecamp.distributions import services
    from edgecamp.stock.services import LossInput, record_loss

    warehouse = make_warehouse(site)
    oil = make_item(name="Oil", unit="l", tracks_expiry=True)
    soon = date.today().replace(day=1)
    stock_up(warehouse, oil, 25, lot_code="EARLY", expires_on=soon.replace(year=soon.year + 2))
    stock_up(warehouse, oil, 100, lot_code="LATE", expires_on=soon.replace(year=soon.year + 3))
    household = make_household(site)
    cycle = make_cycle(site, warehouse, [per_household(oil, "20")])
    start_cycle(cycle.pk)
    real_plan = services.plan_issue
    plans: list[bool] = []

    def plan_then_another_desk_takes(*args, lock=False, **kwargs):
        plan = real_plan(*args, lock=lock, **kwargs)
        plans.append(lock)
        if not lock:  # another desk takes 10 l from the lot planned from
            record_loss(LossInput(warehouse.pk, oil.pk, Decimal(10), "spilt", lot_code="EARLY"))
        return plan

    monkeypatch.setattr(services, "plan_issue", plan_then_another_desk_takes)
    outcome = redeem(cycle.pk, RedeemInput(code=card_code(household.number)))

    assert outcome.created
    assert plans == [False, True]
    taken = {m.lot.code: m.quantity for m in Movement.objects.filter(kind="distribution")}
    assert taken == {"EARLY": Decimal(-15), "LATE": Decimal(-5)}
    by_lot = dict(StockBalance.objects.values_list("lot__code", "quantity"))
    assert by_lot == {"EARLY": Decimal(0), "LATE": Decimal(95)}
    assert Redemption.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_many_desks_sharing_scarce_stock_never_overdraw_it(site):
    """Desks redeeming different cards at once from a warehouse that holds too little for all
    of them: exactly as many are served as the stock allows, each with its stock, and the
    balances equal the ledger."""
    if connection.vendor != "postgresql":
        pytest.skip("real row-lock concurrency is exercised in the PostgreSQL run")
    warehouse = make_warehouse(site)
    maize = make_item(name="Maize")
    stock_up(warehouse, maize, 90)  # nine households of two at 5 kg a person
    households = [make_household(site) for _ in range(14)]
    cycle = make_cycle(site, warehouse, [per_person(maize, "5")])
    # Scarce on purpose: 140 kg entitled, 90 kg held, so it starts only with a reason.
    start_cycle(cycle.pk, shortfall_reason="Testing scarce stock")
    barrier = threading.Barrier(len(households))
    results: list[object] = []

    def desk(household) -> None:
        try:
            barrier.wait()
            redeem(cycle.pk, RedeemInput(code=card_code(household.number)))
            results.append("served")
        except SupplyError as refused:
            results.append(" ".join(m for ms in refused.errors.values() for m in ms))
        except BaseException as exc:  # reported by the assertion below
            results.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=desk, args=(h,)) for h in households]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert results.count("served") == 9, results
    assert all(r == "served" or "Not enough Maize" in str(r) for r in results), results
    assert Redemption.objects.count() == 9
    assert _stock(maize) == Decimal(0)
    ledger = Movement.objects.filter(item=maize).aggregate(q=Sum("quantity"))["q"]
    assert ledger == Decimal(0)
