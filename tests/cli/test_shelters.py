"""`edgecamp shelters list` and `edgecamp shelters status`, run in-process against the test
database as a staff account."""

from __future__ import annotations

import pytest

from edgecamp.cli import main
from edgecamp.cli.shelters import CONDITIONS
from edgecamp.sites.models import Condition, Shelter, ShelterStatusChange
from tests.accounts.factories import make_user
from tests.registry.factories import make_household
from tests.sites.factories import make_shelter, make_site

pytestmark = pytest.mark.django_db


def test_the_choices_are_the_models():
    assert list(Condition.values) == CONDITIONS


def test_list_and_mark_from_the_command_line(site, capsys):
    make_user("manager", role="camp_manager", sites=[site])
    lived = make_shelter(site, code="T1", block_code="A")
    make_shelter(site, code="T2", block_code="A")
    household = make_household(site, shelter_id=lived.pk)

    assert main(["shelters", "list", "--site", site.code, "--user", "manager"]) == 0
    listing = capsys.readouterr().err
    assert "A/T1" in listing
    assert "A/T2" in listing

    command = ["shelters", "status", "--site", site.code, "--user", "manager"]
    assert main([*command, "--shelter", "A/T1", "--status", "damaged", "--reason", "storm"]) == 0
    out = capsys.readouterr().err
    assert "marked damaged" in out
    assert household.number in out  # still living there
    lived.refresh_from_db()
    assert lived.status == Shelter.Status.DAMAGED

    refused = [*command, "--shelter", "A/T1", "--status", "decommissioned", "--reason", "x"]
    assert main(refused) == 1
    err = capsys.readouterr()
    assert "--status" in err.err
    assert household.number in err.err
    assert ShelterStatusChange.objects.count() == 1

    assert (
        main(["shelters", "list", "--site", site.code, "--status", "damaged", "--user", "manager"])
        == 0
    )
    listing = capsys.readouterr().err
    assert "A/T1" in listing
    assert "A/T2" not in listing


def test_other_sites_and_roles_are_refused(site, capsys):
    make_shelter(site, code="T1", block_code="A")
    make_user("far", role="camp_manager", sites=[make_site()])
    make_user("clerk", role="registration_clerk", sites=[site])
    args = ["shelters", "status", "--site", site.code, "--shelter", "A/T1"]
    args += ["--status", "damaged", "--reason", "storm"]
    assert main([*args, "--user", "far"]) == 1
    assert main([*args, "--user", "clerk"]) == 1
    assert main([*args[:5], "A/T9", *args[6:], "--user", "far"]) == 1
    assert not ShelterStatusChange.objects.exists()
