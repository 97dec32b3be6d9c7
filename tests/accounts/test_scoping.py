"""Row-level scoping: staff see only their sites' people, in the UI and the API alike, and
protection-sensitive needs only as protection officers of the site."""

from __future__ import annotations

import pytest

from edgecamp.registry.services import register_household
from tests.registry.factories import household_input, member
from tests.sites.factories import make_site

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_sites(db):
    north, south = make_site(name="North"), make_site(name="South")
    at_north = register_household(
        household_input(north, members=[member(given_name="Amina", specific_needs=["SV", "DS"])])
    )
    at_south = register_household(household_input(south, members=[member(given_name="Amina")]))
    return north, south, at_north, at_south


def test_search_and_detail_keep_to_the_users_sites(client_as, two_sites):
    north, _south, at_north, at_south = two_sites
    client = client_as("registration_clerk", [north])
    html = client.get("/households/?q=amina").content.decode()
    assert at_north.number in html
    assert at_south.number not in html
    assert client.get(f"/households/{at_south.number}/").status_code == 404
    api = client.get("/api/v1/households?q=amina").json()
    assert [h["number"] for h in api["items"]] == [at_north.number]
    assert client.get(f"/api/v1/households/{at_south.number}").status_code == 404
    south_member = at_south.members.first()
    assert client.get(f"/api/v1/individuals/{south_member.pk}").status_code == 404


def test_registering_at_another_site_is_refused(client_as, two_sites):
    north, south, _n, _s = two_sites
    client = client_as("registration_clerk", [north])
    payload = {
        "site": south.pk,
        "members": [
            {"relationship": "focal_point", "sex": "female", "given_name": "Hawa"},
        ],
    }
    response = client.post("/api/v1/households", payload, content_type="application/json")
    assert response.status_code == 422
    assert "site" in response.json()["errors"]
    form = client.get("/households/new/").content.decode()
    assert ">North</option>" in form
    assert ">South</option>" not in form


def test_sensitive_needs_only_for_protection_officers_of_the_site(client_as, two_sites):
    north, south, at_north, _s = two_sites
    for role, sites, sees in [
        ("camp_manager", [north], False),
        ("registration_clerk", [north], False),
        ("protection_officer", [south, north], True),
    ]:
        client = client_as(role, sites)
        body = client.get(f"/api/v1/households/{at_north.number}").json()
        needs = body["members"][0]["specific_needs"]
        assert ("SV" in needs) is sees, role
        assert "DS" in needs
        page = client.get(f"/households/{at_north.number}/").content.decode()
        assert ('<span class="code">SV</span>' in page) is sees, role
        client.logout()


def test_a_protection_officer_of_another_site_does_not_see_the_household(client_as, two_sites):
    _north, south, at_north, _s = two_sites
    client = client_as("protection_officer", [south])
    assert client.get(f"/api/v1/households/{at_north.number}").status_code == 404


def test_superuser_administrator_sees_everything_but_sensitive_needs(logged_in_client, two_sites):
    _n, _s, at_north, at_south = two_sites
    numbers = [h["number"] for h in logged_in_client.get("/api/v1/households").json()["items"]]
    assert set(numbers) == {at_north.number, at_south.number}
    needs = logged_in_client.get(f"/api/v1/households/{at_north.number}").json()["members"][0]
    assert needs["specific_needs"] == ["DS"]


def test_partner_viewer_sees_aggregates_of_their_sites_only(client_as, two_sites):
    north, _south, _n, _s = two_sites
    client = client_as("partner_viewer", [north])
    html = client.get("/").content.decode()
    assert "North" in html
    assert "South" not in html
    assert client.get("/households/").status_code == 403
    names = [s["name"] for s in client.get("/api/v1/sites").json()["items"]]
    assert "North" in names


def test_site_and_allocation_api_keep_to_the_users_sites(client_as, two_sites):
    from edgecamp.shelters.services import propose_plan
    from tests.sites.factories import make_shelter

    north, south, _at_north, _at_south = two_sites
    make_shelter(south)
    plan = propose_plan(south)
    manager = client_as("camp_manager", [north])

    listed = manager.get("/api/v1/sites").json()
    assert [item["name"] for item in listed["items"]] == ["North"]
    assert manager.get(f"/api/v1/sites/{north.pk}").status_code == 200
    assert manager.get(f"/api/v1/sites/{south.pk}").status_code == 404
    assert manager.get(f"/api/v1/allocation-plans/{plan.pk}").status_code == 404
    assert manager.get(f"/api/v1/allocation-plans/{plan.pk}/lines").status_code == 404
    refused = manager.post(
        f"/api/v1/sites/{south.pk}/allocation-plans", {}, content_type="application/json"
    )
    assert refused.status_code == 404
    assert manager.post(f"/api/v1/allocation-plans/{plan.pk}/confirm").status_code == 404
    plan.refresh_from_db()
    assert plan.status == "proposed"


@pytest.mark.parametrize(
    ("role", "shown", "hidden"),
    [
        ("distribution_staff", ["/supply/stock/"], ["/households/new/", "/audit/"]),
        ("registration_clerk", ["/households/new/"], ["/supply/stock/", "/audit/"]),
        ("partner_viewer", [], ["/households/", "/supply/stock/", "/shelters/"]),
    ],
)
def test_navigation_offers_only_what_the_role_may_open(client_as, two_sites, role, shown, hidden):
    north = two_sites[0]
    client = client_as(role, [north])
    page = client.get("/").content.decode()
    nav = page.split('class="main-nav"', 1)[1].split("</nav>", 1)[0]
    for href in shown:
        assert f'href="{href}"' in nav
        assert client.get(href).status_code == 200
    for href in hidden:
        assert f'href="{href}"' not in nav


def test_the_admin_hides_protection_sensitive_needs_from_administrators(
    logged_in_client, two_sites
):
    _n, _s, at_north, _as = two_sites
    person = at_north.members.get()
    sv = person.specific_needs.get(code="SV")
    listing = logged_in_client.get("/admin/registry/specificneedrecord/").content.decode()
    assert "Disability" in listing
    assert "SGBV" not in listing  # the label of SV: not listed, not offered as a filter
    opened = logged_in_client.get(f"/admin/registry/specificneedrecord/{sv.pk}/change/")
    assert opened.status_code == 302  # "does not exist", as for any hidden record
    change = logged_in_client.get(f"/admin/registry/individual/{person.pk}/change/")
    page = change.content.decode()
    assert change.status_code == 200
    # The admin shows registry records read-only: the needs it may show by their labels.
    assert "Disability" in page
    assert "SGBV" not in page
    assert 'value="SV"' not in page  # neither shown nor offered
    delete = logged_in_client.get(f"/admin/registry/individual/{person.pk}/delete/")
    assert delete.status_code == 403
