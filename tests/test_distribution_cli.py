"""`edgecamp start-cycle`, `edgecamp ration-cards` and `edgecamp redeem`, run in-process
against the test database."""

from __future__ import annotations

import re

import pytest

from edgecamp.cli import main
from edgecamp.distributions.cards import card_code
from edgecamp.distributions.models import Redemption
from tests.factories import make_household
from tests.supply_factories import make_cycle, make_item, make_warehouse, per_person, stock_up

pytestmark = pytest.mark.django_db


def test_start_print_and_redeem_from_the_command_line(site, tmp_path, capsys):
    warehouse = make_warehouse(site)
    maize = make_item(name="Maize")
    stock_up(warehouse, maize, 100)
    households = [make_household(site) for _ in range(9)]
    cycle = make_cycle(site, warehouse, [per_person(maize, "5")])
    out = tmp_path / "cards.pdf"

    assert main(["ration-cards", "--cycle", str(cycle.pk), "--out", str(out)]) == 1
    assert "Start it first" in capsys.readouterr().err
    assert main(["start-cycle", "--cycle", str(cycle.pk)]) == 0
    assert main(["ration-cards", "--cycle", str(cycle.pk), "--out", str(out)]) == 0

    pdf = out.read_bytes()
    assert pdf.startswith(b"%PDF-")
    assert len(re.findall(rb"/Type /Page\b(?!s)", pdf)) == 2  # 9 cards, 8 a sheet
    assert "Wrote" in capsys.readouterr().err

    code = card_code(households[0].number)
    args = ["redeem", "--cycle", str(cycle.pk), "--code", code]
    assert main([*args, "--proxy-name", "Halima", "--proxy-relationship", "sister"]) == 0
    assert main(args) == 3
    assert "Already collected on" in capsys.readouterr().err
    assert main(["redeem", "--cycle", str(cycle.pk), "--code", code + "X"]) == 1
    assert Redemption.objects.get().proxy_name == "Halima"
    assert main(["ration-cards", "--cycle", "999999", "--out", str(out)]) == 1
