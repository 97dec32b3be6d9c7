"""`edgecamp start-cycle`, `edgecamp ration-cards` and `edgecamp redeem`, run in-process
against the test database."""

from __future__ import annotations

import re

import pytest

from edgecamp.cli import main
from edgecamp.distributions.cards import card_code
from edgecamp.distributions.models import Redemption
from tests.accounts.factories import make_user
from tests.distributions.factories import make_cycle, per_person
from tests.registry.factories import make_household
from tests.sites.factories import make_site
from tests.stock.factories import make_item, make_warehouse, stock_up

pytestmark = pytest.mark.django_db


def test_start_print_and_redeem_from_the_command_line(site, tmp_path, capsys):
    warehouse = make_warehouse(site)
    maize = make_item(name="Maize")
    stock_up(warehouse, maize, 100)
    households = [make_household(site) for _ in range(9)]
    cycle = make_cycle(site, warehouse, [per_person(maize, "5")])
    out = tmp_path / "cards.pdf"
    make_user("manager", role="camp_manager", sites=[site])

    assert (
        main(["ration-cards", "--cycle", str(cycle.pk), "--out", str(out), "--user", "manager"])
        == 1
    )
    assert "Start it first" in capsys.readouterr().err
    assert main(["start-cycle", "--cycle", str(cycle.pk), "--user", "manager"]) == 0
    assert (
        main(["ration-cards", "--cycle", str(cycle.pk), "--out", str(out), "--user", "manager"])
        == 0
    )

    pdf = out.read_bytes()
    assert pdf.startswith(b"%PDF-")
    assert len(re.findall(rb"/Type /Page\b(?!s)", pdf)) == 2  # 9 cards, 8 a sheet
    assert "Wrote" in capsys.readouterr().err

    code = card_code(households[0].number)
    args = ["redeem", "--cycle", str(cycle.pk), "--code", code, "--user", "manager"]
    assert main([*args, "--proxy-name", "Halima", "--proxy-relationship", "sister"]) == 0
    assert main(args) == 3
    assert "Already collected on" in capsys.readouterr().err
    assert main([*args[:-3], code + "X", "--user", "manager"]) == 1
    assert Redemption.objects.get().proxy_name == "Halima"
    assert main(["ration-cards", "--cycle", "999999", "--out", str(out), "--user", "manager"]) == 1


def test_cycle_commands_act_as_a_user_within_role_and_sites(site, tmp_path, capsys):
    from edgecamp.audit.models import AuditEntry
    from edgecamp.distributions.models import Cycle

    warehouse = make_warehouse(site)
    maize = make_item(name="Maize")
    stock_up(warehouse, maize, 100)
    make_household(site)
    cycle = make_cycle(site, warehouse, [per_person(maize, "5")])
    make_user("registrar", role="registration_clerk", sites=[site])
    make_user("elsewhere", role="camp_manager", sites=[make_site(name="Far Camp", code="far")])
    make_user("manager", role="camp_manager", sites=[site])
    start = ["start-cycle", "--cycle", str(cycle.pk), "--user"]

    assert main([*start, "registrar"]) == 1
    assert "may not do this" in capsys.readouterr().err
    assert main([*start, "elsewhere"]) == 1
    assert "No cycle has the id" in capsys.readouterr().err
    assert main([*start, "nobody"]) == 1
    cycle.refresh_from_db()
    assert cycle.status == Cycle.Status.DRAFT

    assert main([*start, "manager"]) == 0
    cycle.refresh_from_db()
    assert cycle.started_by.username == "manager"
    entry = AuditEntry.objects.filter(model="distributions.cycle").latest("id")
    assert (entry.actor_name, entry.source) == ("manager", "cli")
