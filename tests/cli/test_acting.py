"""`edgecamp.cli._acting`: the one way a command acts as its `--user` (`as_user`, `run_as`), and
the one printer of a refusal every such command shares (`_base.print_refusal`)."""

from __future__ import annotations

import argparse
import io
import subprocess
import sys

import pytest

from edgecamp.audit.models import AuditEntry
from edgecamp.cli import main
from edgecamp.cli._acting import Done, as_user, run_as
from edgecamp.cli._base import CommandRefused, print_refusal
from edgecamp.core.errors import Refused
from edgecamp.distributions.models import Cycle, Redemption
from edgecamp.stock.files import FileError
from edgecamp.stock.models import Movement, Pledge
from edgecamp.terminal import Terminal
from tests.accounts.factories import make_user
from tests.distributions.factories import make_cycle, per_person
from tests.partners.factories import make_organisation
from tests.sites.factories import make_site
from tests.stock.factories import make_item, make_warehouse, stock_up


def _printed(error: Exception, headline: str | None = "Nothing written.") -> str:
    buffer = io.StringIO()
    print_refusal(Terminal(file=buffer, width=200), error, headline)
    return buffer.getvalue()


# --- The printer (no database) -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "headline", "printed"),
    [
        (
            Refused({"quantity": ["Only 28 kg left."], "lot_code": ["Give the lot."]}),
            "Nothing written.",
            "Nothing written.\n  --quantity: Only 28 kg left.\n  --lot: Give the lot.\n",
        ),
        (
            Refused({"__all__": ["The site cannot be allocated."], "rules": ["Add one."]}),
            "No plan stored.",
            "No plan stored.\n  The site cannot be allocated.\n  rules: Add one.\n",
        ),
        (
            Refused({"code": ["Not a card.", "Scan again."]}),
            "Nothing handed out.",
            "Nothing handed out.\n  --code: Not a card.\n  --code: Scan again.\n",
        ),
        (
            CommandRefused("--item: no item “rice”."),
            "Nothing written.",
            "Nothing written. --item: no item “rice”.\n",
        ),
        (
            CommandRefused("No cycle has the id 9.", hint="See GET /api/v1/cycles."),
            None,
            "No cycle has the id 9. See GET /api/v1/cycles.\n",
        ),
        (
            FileError("lines.csv", ["line 3: no item “rice”", "line 4: quantity “ten”"]),
            "Nothing written.",
            "Nothing written. Fix the file and run again:\n"
            "  lines.csv: line 3: no item “rice”\n  lines.csv: line 4: quantity “ten”\n",
        ),
    ],
    ids=["fields by option", "whole request unnamed", "each message", "lookup", "hint", "file"],
)
def test_every_refusal_is_printed_one_way(error, headline, printed):
    assert _printed(error, headline) == printed


def test_a_value_in_a_refusal_is_printed_as_text():
    printed = _printed(Refused({"donor": ["“[/x] [link=https://evil.example/]y[/link]\x1b[2J”"]}))
    assert "  --donor: “[/x] [link=https://evil.example/]y[/link]\\x1b[2J”" in printed


def test_an_error_that_is_not_a_refusal_is_not_swallowed():
    with pytest.raises(KeyError):
        _printed(KeyError("bug"))


# --- as_user -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_as_user_gives_the_user_and_its_scope(site):
    make_user("clerk", role="distribution_staff", sites=[site])
    acting = as_user("clerk", "stock-receive")
    assert acting.user.username == "clerk"
    assert acting.scope.includes(site.pk)
    assert not acting.scope.includes(make_site(name="Far", code="far").pk)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("username", "message"),
    [
        ("nobody", "No active user is named “nobody”: check --user."),
        ("gone", "No active user is named “gone”: check --user."),
        ("registrar", "registrar (registration_clerk) may not do this: it needs one of the roles"),
        ("plain", "plain (no role) may not do this"),
    ],
)
def test_as_user_refuses_who_may_not_act(site, username, message):
    make_user("registrar", role="registration_clerk", sites=[site])
    make_user("plain")
    gone = make_user("gone", role="distribution_staff", sites=[site])
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    with pytest.raises(CommandRefused) as refused:
        as_user(username, "stock-receive")
    assert str(refused.value).startswith(message)


# --- run_as ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_run_as_names_the_user_in_the_audit_log_and_prints_the_summary(site, capsys):
    warehouse = make_warehouse(site, code="main")
    item = make_item(code="maize")
    make_user("clerk", role="distribution_staff", sites=[site])

    def work(acting) -> Done:
        stock_up(warehouse, item, 5)
        return Done(f"done as {acting.user.username}", code=3)

    assert run_as(argparse.Namespace(user="clerk"), "stock-receive", work) == 3
    assert capsys.readouterr().err == "done as clerk\n"
    entry = AuditEntry.objects.filter(model="stock.movement").latest("id")
    assert (entry.actor_name, entry.source) == ("clerk", "cli")


@pytest.mark.django_db
def test_run_as_does_not_run_the_work_of_a_user_who_may_not(site, capsys):
    make_user("registrar", role="registration_clerk", sites=[site])
    ran = []
    code = run_as(argparse.Namespace(user="registrar"), "stock-receive", ran.append)
    assert (code, ran) == (1, [])
    assert capsys.readouterr().err.startswith("Nothing written. registrar (registration_clerk)")


# --- Commands that write: refused by a service, nothing written, exit 1 --------------------------


@pytest.fixture
def store(site):
    warehouse = make_warehouse(site, code="main", name="Main store")
    make_item(name="Oil", code="oil", unit="l", tracks_expiry=True)
    maize = make_item(name="Maize", code="maize")
    make_organisation(name="Donor Agency", acronym="DA")
    make_user("clerk", role="distribution_staff", sites=[site])
    make_user("manager", role="camp_manager", sites=[site])
    return warehouse, maize


@pytest.mark.django_db
def test_a_refused_receipt_prints_each_field_by_its_option_and_writes_nothing(store, capsys):
    receive = ["stock", "receive", "--user", "clerk", "--warehouse", "main", "--item", "oil"]
    assert main([*receive, "--quantity", "5"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Nothing written.\n  --lot: ")
    assert "\n  --expires: " in err
    assert Movement.objects.count() == 0


@pytest.mark.django_db
def test_a_refused_pledge_writes_none_of_its_lines(store, capsys):
    pledge = [
        "stock", "pledge", "--user", "clerk", "--donor", "DA", "--destination", "main",
        "--pledged-on", "2026-03-01", "--line", "maize=500", "--line", "oil=0",
    ]  # fmt: skip
    assert main(pledge) == 1
    assert "Nothing written.\n" in capsys.readouterr().err
    assert Pledge.objects.count() == 0


@pytest.mark.django_db
def test_cycle_commands_print_a_refusal_like_the_stock_commands(site, store, capsys):
    warehouse, maize = store
    stock_up(warehouse, maize, 100)
    cycle = make_cycle(site, warehouse, [per_person(maize, "5")])
    redeem = ["redeem", "--cycle", str(cycle.pk), "--code", "EC1:EDG-1:X", "--user", "manager"]

    assert main(redeem) == 1  # the cycle is a draft: nothing to collect yet
    assert capsys.readouterr().err.startswith("Nothing handed out.\n  --cycle: ")
    assert main(["start-cycle", "--cycle", str(cycle.pk), "--user", "manager"]) == 0
    capsys.readouterr()
    assert main(["start-cycle", "--cycle", str(cycle.pk), "--user", "manager"]) == 1
    assert capsys.readouterr().err.startswith("Not started.\n  --cycle: ")
    assert main(redeem) == 1
    assert capsys.readouterr().err.startswith("Nothing handed out.\n  --code: ")
    assert Redemption.objects.count() == 0
    assert Cycle.objects.get().status == Cycle.Status.OPEN


def test_python_m_edgecamp_cli_is_the_command():
    result = subprocess.run(
        [sys.executable, "-m", "edgecamp.cli", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    assert "stock operations" in result.stdout
