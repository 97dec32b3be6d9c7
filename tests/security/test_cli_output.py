"""What the CLI prints after it committed: a donor named "Help [/x] Org" made `edgecamp stock
pledge` write the pledge and then die with rich's MarkupError and exit 1 (so an operator
retried and duplicated it); `[link=…]` in a name became a hidden hyperlink, and a raw ESC
sequence reached the terminal. Values are now printed as text, control characters escaped,
and a failure to print cannot turn committed work into a failed command."""

from __future__ import annotations

import pytest

from edgecamp.cli import main
from edgecamp.stock.models import Pledge
from edgecamp.terminal import shown
from tests.accounts.factories import make_user
from tests.partners.factories import make_organisation
from tests.stock.factories import make_item, make_warehouse, stock_up

pytestmark = pytest.mark.django_db

HOSTILE_NAMES = {
    "closing tag": "Help [/x] Org",
    "hidden link": "[link=https://evil.example/]Relief Org[/link]",
    "style": "[blink red]Relief[/] Org",
    "emoji code": "Relief :warning: Org",
    "terminal escape": "Relief \x1b]8;;https://evil.example/\x1b\\Org\x1b]8;;\x1b\\",
}


@pytest.fixture
def store(site):
    make_warehouse(site, code="main", name="Main store")
    make_item(name="Maize", code="maize")
    make_user("clerk", role="distribution_staff", sites=[site])


def _pledge(donor: str) -> int:
    return main(
        [
            "stock", "pledge", "--user", "clerk", "--donor", donor, "--destination", "main",
            "--pledged-on", "2026-03-01", "--line", "maize=500",
        ]
    )  # fmt: skip


@pytest.mark.parametrize("name", HOSTILE_NAMES.values(), ids=HOSTILE_NAMES.keys())
def test_a_name_is_printed_as_text_after_the_commit(store, capsys, name):
    make_organisation(name=name, acronym="HO")

    assert _pledge("HO") == 0

    assert Pledge.objects.filter(donor__name=name).count() == 1
    err = capsys.readouterr().err
    assert f"of {shown(name)} recorded" in err
    assert "\x1b" not in err


def test_a_value_in_an_error_is_printed_as_text(store, capsys):
    assert _pledge("[/x] [link=https://evil.example/]x[/link]") == 1
    err = capsys.readouterr().err
    assert "Nothing written." in err
    assert "“[/x] [link=https://evil.example/]x[/link]”" in err


def test_a_table_cell_is_printed_as_text(site, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "300")  # one line per row, to read the cells whole
    site.name = "Camp [/x] \x1b[2J"
    site.save(update_fields=["name"])
    warehouse = make_warehouse(site, code="main", name="Main store")
    maize = make_item(name="Maize [link=https://evil.example/]x[/link]", code="maize")
    make_user("clerk", role="distribution_staff", sites=[site])
    stock_up(warehouse, maize, 10)

    assert main(["stock", "position", "--user", "clerk"]) == 0
    out = capsys.readouterr().out
    assert "Camp [/x] \\x1b[2J" in out
    assert "[link=https://evil.example/]x[/link]" in out
    assert "\x1b" not in out


class _ClosedTerminal:
    encoding = "utf-8"

    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")

    def flush(self) -> None:
        raise BrokenPipeError(32, "Broken pipe")

    def isatty(self) -> bool:
        return False


def test_a_failure_to_print_does_not_fail_committed_work(store, monkeypatch):
    make_organisation(name="Relief Org", acronym="RO")
    monkeypatch.setattr("sys.stderr", _ClosedTerminal())

    assert _pledge("RO") == 0

    assert Pledge.objects.filter(donor__name="Relief Org").count() == 1
