"""`edgecamp stock …`: every stock operation from the command line, acting as a named user
within its role and sites, one transaction per command; manifests and received quantities
from CSV files, whose mistakes are reported by line."""

from __future__ import annotations

from decimal import Decimal

import pytest

from edgecamp.cli import main
from edgecamp.stock.models import Movement, Pledge, Shipment, StockBalance
from tests.accounts.factories import make_user
from tests.partners.factories import make_organisation
from tests.sites.factories import make_site
from tests.stock.factories import make_item, make_warehouse

pytestmark = pytest.mark.django_db


@pytest.fixture
def depot(site):
    main_store = make_warehouse(site, code="main", name="Main store")
    annex = make_warehouse(site, code="annex", name="Annex")
    far = make_warehouse(make_site(name="Far Camp", code="far"), code="far", name="Far")
    maize = make_item(name="Maize", code="maize")
    oil = make_item(name="Oil", code="oil", unit="l", tracks_expiry=True)
    donor = make_organisation(name="Donor Agency", acronym="DA")
    make_user("clerk", role="distribution_staff", sites=[site])
    make_user("registrar", role="registration_clerk", sites=[site])
    return main_store, annex, far, maize, oil, donor


def _balance(warehouse, item) -> Decimal:
    return sum(
        (b.quantity for b in StockBalance.objects.filter(warehouse=warehouse, item=item)),
        Decimal(0),
    )


def _stock(*args: str) -> int:
    return main(["stock", *args, "--user", "clerk"])


def test_receive_transfer_loss_count(depot, capsys):
    main_store, annex, far, maize, oil, _donor = depot
    assert _stock("receive", "--warehouse", "main", "--item", "maize", "--quantity", "100") == 0
    assert "Receipt: 100 kg Maize in Main store" in capsys.readouterr().err
    assert (
        _stock(
            "receive",
            "--warehouse",
            "main",
            "--item",
            "oil",
            "--quantity",
            "20",
            "--lot",
            "OIL-1",
            "--expires",
            "2027-04-30",
        )
        == 0
    )
    assert (
        _stock(
            "transfer",
            "--from",
            "main",
            "--to",
            "annex",
            "--item",
            "maize",
            "--quantity",
            "30",
            "--reason",
            "stock the annex",
        )
        == 0
    )
    assert (
        _stock(
            "loss",
            "--warehouse",
            "annex",
            "--item",
            "maize",
            "--quantity",
            "2",
            "--reason",
            "torn bags",
        )
        == 0
    )
    assert (
        _stock(
            "count",
            "--warehouse",
            "main",
            "--item",
            "maize",
            "--counted",
            "69",
            "--reason",
            "count by Amina",
        )
        == 0
    )
    assert (_balance(main_store, maize), _balance(annex, maize)) == (69, 28)
    assert _balance(main_store, oil) == 20
    assert set(Movement.objects.values_list("recorded_by__username", flat=True)) == {"clerk"}
    capsys.readouterr()

    # Errors name the option; nothing is written.
    before = Movement.objects.count()
    assert (
        _stock(
            "loss", "--warehouse", "annex", "--item", "maize", "--quantity", "500", "--reason", "x"
        )
        == 1
    )
    assert "--quantity: Only 28 kg of Maize in Annex" in capsys.readouterr().err
    assert _stock("receive", "--warehouse", "main", "--item", "oil", "--quantity", "1") == 1
    err = capsys.readouterr().err
    assert "--lot: Oil is received in lots" in err
    assert "--expires:" in err
    assert _stock("receive", "--warehouse", "far", "--item", "maize", "--quantity", "1") == 1
    assert "--warehouse: no warehouse “far” at your sites" in capsys.readouterr().err
    assert _stock("receive", "--warehouse", "main", "--item", "rice", "--quantity", "1") == 1
    assert "--item: no item “rice”" in capsys.readouterr().err
    assert (
        main(
            [
                "stock",
                "receive",
                "--user",
                "registrar",
                "--warehouse",
                "main",
                "--item",
                "maize",
                "--quantity",
                "1",
            ]
        )
        == 1
    )
    assert "may not do this" in capsys.readouterr().err
    assert (
        main(
            [
                "stock",
                "receive",
                "--user",
                "nobody",
                "--warehouse",
                "main",
                "--item",
                "maize",
                "--quantity",
                "1",
            ]
        )
        == 1
    )
    assert Movement.objects.count() == before
    assert _balance(far, maize) == 0


def test_pledge_dispatch_and_receive_from_csv(depot, tmp_path, capsys):
    main_store, _annex, _far, maize, oil, _donor = depot
    assert (
        _stock(
            "pledge",
            "--donor",
            "DA",
            "--destination",
            "main",
            "--pledged-on",
            "2026-11-01",
            "--line",
            "maize=500",
            "--line",
            "oil=40",
        )
        == 0
    )
    pledge = Pledge.objects.get()
    assert pledge.lines.count() == 2

    manifest = tmp_path / "manifest.csv"
    manifest.write_text(
        "item,quantity,lot_code,expires_on\nmaize,500,,\noil,40,OIL-9,2027-06-30\n",
        encoding="utf-8",
    )
    assert (
        _stock(
            "dispatch",
            "--sender",
            "Donor Agency",
            "--destination",
            "main",
            "--waybill",
            "WB-1",
            "--dispatched-on",
            "2026-11-20",
            "--pledge",
            str(pledge.pk),
            "--csv",
            str(manifest),
        )
        == 0
    )
    shipment = Shipment.objects.get()
    pledge.refresh_from_db()
    assert pledge.status == "in_transit"
    capsys.readouterr()

    received = tmp_path / "received.csv"
    received.write_text(
        "item,received_quantity,discrepancy_reason\nmaize,480,\noil,40,\n", encoding="utf-8"
    )
    assert _stock("receive-shipment", "--shipment", "WB-1", "--csv", str(received)) == 1
    err = capsys.readouterr().err
    assert "line 2, discrepancy_reason: 480 received against 500" in err
    assert _balance(main_store, maize) == 0
    received.write_text(
        "item,received_quantity,discrepancy_reason\nmaize,480,2 bags torn\noil,40,\n",
        encoding="utf-8",
    )
    assert _stock("receive-shipment", "--shipment", "WB-1", "--csv", str(received)) == 0
    assert "1 with a difference" in capsys.readouterr().err
    shipment.refresh_from_db()
    pledge.refresh_from_db()
    assert (shipment.status, pledge.status) == ("received", "received")
    assert (_balance(main_store, maize), _balance(main_store, oil)) == (480, 40)


def test_bad_manifest_rows_are_named_and_nothing_is_written(depot, tmp_path, capsys):
    manifest = tmp_path / "manifest.csv"
    manifest.write_text(
        "item,quantity,lot_code,expires_on\n"
        "maize,500,,\n"
        "rice,10,,\n"  # line 3: not in the catalogue
        "maize,ten,,\n"  # line 4: not a number
        "oil,5,OIL-1,30/06/2027\n",  # line 5: not a date
        encoding="utf-8",
    )
    args = [
        "dispatch",
        "--sender",
        "DA",
        "--destination",
        "main",
        "--waybill",
        "WB-2",
        "--dispatched-on",
        "2026-11-20",
        "--csv",
        str(manifest),
    ]
    assert _stock(*args) == 1
    err = capsys.readouterr().err
    assert "line 3: no item “rice” in the catalogue" in err
    assert "line 4: quantity “ten” is not a number" in err
    assert "line 5: expires_on “30/06/2027” is not a date" in err
    # A row the service refuses is named by its line too.
    manifest.write_text(
        "item,quantity,lot_code,expires_on\nmaize,500,,\n\noil,5,,\n", encoding="utf-8"
    )
    assert _stock(*args) == 1
    err = capsys.readouterr().err
    assert "line 4, lot_code: Oil is received in lots" in err
    manifest.write_text("article,qty\nmaize,5\n", encoding="utf-8")
    assert _stock(*args) == 1
    # The missing columns are named (was: "the header needs the columns item, quantity").
    assert (
        "line 1, item, quantity: missing column; the header must name item, quantity"
        in capsys.readouterr().err
    )
    assert _stock(*args[:-1], str(tmp_path / "missing.csv")) == 1
    assert "cannot be read" in capsys.readouterr().err
    assert not Shipment.objects.exists()


def test_pledge_from_csv_with_a_bad_row(depot, tmp_path, capsys):
    lines = tmp_path / "pledge.csv"
    lines.write_text("item,quantity\nmaize,500\noil,-4\n", encoding="utf-8")
    args = [
        "pledge",
        "--donor",
        "DA",
        "--destination",
        "main",
        "--pledged-on",
        "2026-11-01",
        "--csv",
        str(lines),
    ]
    assert _stock(*args) == 1
    assert "line 3, quantity: Enter a quantity greater than zero." in capsys.readouterr().err
    assert not Pledge.objects.exists()


def test_receive_as_manifest_and_position(depot, tmp_path, capsys):
    main_store, _annex, _far, maize, _oil, _donor = depot
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("item,quantity\nmaize,250\n", encoding="utf-8")
    assert (
        _stock(
            "dispatch",
            "--sender",
            "DA",
            "--destination",
            "main",
            "--waybill",
            "WB-3",
            "--dispatched-on",
            "2026-11-20",
            "--csv",
            str(manifest),
        )
        == 0
    )
    assert _stock("position") == 0
    out = capsys.readouterr().out
    assert "Maize" in out
    assert "250" in out  # in the pipeline
    assert _stock("receive-shipment", "--shipment", "WB-3", "--as-manifest") == 0
    assert _stock("receive-shipment", "--shipment", "WB-3", "--as-manifest") == 1
    assert "already received" in capsys.readouterr().err
    assert _balance(main_store, maize) == 250
    assert _stock("position", "--site", "far") == 1


def test_cli_writes_are_audited_under_the_acting_user(depot):
    from edgecamp.audit.models import AuditEntry

    assert _stock("receive", "--warehouse", "main", "--item", "maize", "--quantity", "5") == 0
    entry = AuditEntry.objects.filter(model="stock.movement").latest("id")
    assert (entry.actor_name, entry.source) == ("clerk", "cli")
    # Nothing leaks to later writes of the same process.
    make_user("later", role="distribution_staff")
    assert AuditEntry.objects.filter(source="cli").latest("id").pk == entry.pk
