"""Exports for partners (issue 14): the registry as XLSX and CSV (households and members
joined by number, HXL-tagged, kept to the user's sites, sensitive needs only for protection
officers, formulas neutralised, audited) and population figures with small cells suppressed."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from python_calamine import CalamineWorkbook

from edgecamp import cli
from edgecamp.audit.models import AuditEntry
from edgecamp.core.access import Role
from edgecamp.exports.population import suppressed
from tests.accounts.factories import make_user
from tests.registry.factories import make_household, member
from tests.sites.factories import make_site

pytestmark = pytest.mark.django_db


@pytest.fixture
def camp(site):
    other = make_site(name="Other Camp", code="other")
    ours = make_household(
        site,
        members=[
            member(given_name='=HYPERLINK("http://x")', family_name="Abakar"),
            member(
                relationship="child",
                given_name="Yusuf",
                sex="male",
                date_of_birth=date(2015, 1, 1),
                specific_needs=["DS", "SV"],  # disability; survivor of violence (sensitive)
            ),
        ],
        phone="+249 912 345 678",
    )
    theirs = make_household(other, members=[member(given_name="Halima", family_name="Issa")])
    return site, other, ours, theirs


def _csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_the_registry_csvs_keep_to_the_users_sites_with_hxl_and_no_sensitive_needs(client_as, camp):
    site, _other, ours, theirs = camp
    client = client_as(Role.CAMP_MANAGER, [site])
    households = _csv(client.get("/exports/households.csv"))
    assert households[0][0] == "household_number"
    assert households[1][0].startswith("#")  # the HXL hashtag row
    numbers = [row[0] for row in households[2:]]
    assert numbers == [ours.number]
    assert theirs.number not in numbers
    assert households[2][households[0].index("members_active")] == "2"

    people = _csv(client.get("/exports/members.csv"))
    header = people[0]
    rows = people[2:]
    assert {row[0] for row in rows} == {ours.number}  # joined by household number
    needs = {row[header.index("given_name")]: row[header.index("specific_needs")] for row in rows}
    assert needs["Yusuf"] == "DS"  # the survivor-of-violence code is not for a manager
    # A name that a spreadsheet would run as a formula is written as text.
    assert '\'=HYPERLINK("http://x")' in needs
    assert AuditEntry.objects.filter(action="export").count() == 2


def test_a_protection_officer_exports_sensitive_needs_of_their_sites(client_as, camp):
    site, *_ = camp
    people = _csv(client_as(Role.PROTECTION_OFFICER, [site]).get("/exports/members.csv"))
    header = people[0]
    assert any(row[header.index("specific_needs")] == "DS SV" for row in people[2:])


def test_partners_and_clerks_may_not_export_the_registry(client_as, camp):
    site, *_ = camp
    for role in (Role.PARTNER_VIEWER, Role.REGISTRATION_CLERK, Role.DISTRIBUTION_STAFF):
        client = client_as(role, [site])
        assert client.get("/exports/households.csv").status_code == 403
        assert client.get("/exports/registry.xlsx").status_code == 403
        assert client.get("/exports/population.csv").status_code == 200
        page = client.get("/exports/").content.decode()
        assert "/exports/registry.xlsx" not in page
        assert "/exports/population.xlsx" in page


def test_the_registry_xlsx_has_both_sheets(client_as, camp, tmp_path):
    site, _other, ours, _theirs = camp
    response = client_as(Role.CAMP_MANAGER, [site]).get("/exports/registry.xlsx")
    assert response.status_code == 200
    path = tmp_path / "registry.xlsx"
    path.write_bytes(b"".join(response.streaming_content))
    book = CalamineWorkbook.from_path(str(path))
    assert book.sheet_names == ["households", "members"]
    households = book.get_sheet_by_name("households").to_python()
    assert households[2][0] == ours.number
    members = book.get_sheet_by_name("members").to_python()
    assert len(members) == 2 + 2
    names = [row[3] for row in members[2:]]
    assert '=HYPERLINK("http://x")' in names  # a string cell, never a formula


def test_population_figures_suppress_small_cells(client_as, camp):
    site, *_ = camp
    for n in range(6):
        woman = member(given_name=f"W{n}", date_of_birth=date(1990, 1, n + 1))
        make_household(site, members=[woman])
    rows = _csv(client_as(Role.PARTNER_VIEWER).get("/exports/population.csv"))
    header, tags = rows[0], rows[1]
    assert tags[header.index("female_18-59")] == "#population+f+age18_59"
    ours = next(row for row in rows[2:] if row[1] == site.code)
    assert ours[header.index("female_18-59")] == "7"
    assert ours[header.index("male_5-11")] == "<5"  # one boy: never a 1 a partner can point at
    other = next(row for row in rows[2:] if row[1] == "other")
    assert set(other[2:]) == {"<5"}  # a site of one person says nothing about her
    assert not any("Halima" in cell for row in rows for cell in row)


def test_one_suppressed_cell_takes_another_with_it():
    assert suppressed([0, 3, 40, 12], 5) == [0, "<5", 40, "<5"]
    assert suppressed([2, 3, 40], 5) == ["<5", "<5", 40]
    assert suppressed([0, 0, 9], 5) == [0, 0, 9]


def test_the_export_command_writes_what_the_user_may_see(camp, tmp_path, capsys):
    site, *_ = camp
    make_user("manager", role=Role.CAMP_MANAGER, sites=[site])
    make_user("partner", role=Role.PARTNER_VIEWER, all_sites=True)
    out = tmp_path / "registry.xlsx"
    assert cli.main(["export", "registry", "--out", str(out), "--user", "manager"]) == 0
    assert "1 households, 2 members" in capsys.readouterr().err
    assert CalamineWorkbook.from_path(str(out)).sheet_names == ["households", "members"]
    people = tmp_path / "members.csv"
    assert cli.main(["export", "members", "--out", str(people), "--user", "manager"]) == 0
    assert people.read_text(encoding="utf-8-sig").count("\n") == 2 + 2
    assert cli.main(["export", "registry", "--out", str(out), "--user", "partner"]) == 1
    figures = tmp_path / "population.csv"
    assert cli.main(["export", "population", "--out", str(figures), "--user", "partner"]) == 0
    assert "#population+total" in figures.read_text(encoding="utf-8-sig")
