"""The household page's life-event actions: a form per kind, recorded through the service,
refusals shown on their fields, the history in words, and the undo link."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from edgecamp.accounts.roles import Role
from edgecamp.registry.event_forms import KINDS
from edgecamp.registry.models import Household
from edgecamp.registry.services import register_household
from tests.registry.factories import household_input, member
from tests.sites.factories import make_shelter

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _family(site, **overrides):
    return register_household(
        household_input(
            site,
            members=[member(), member(relationship="spouse", given_name="Adam", sex="male")],
            registration_date=TODAY - timedelta(days=10),
            **overrides,
        )
    )


def _url(household, kind):
    return reverse("household-event", args=[household.number, kind])


def test_every_kind_has_a_form_and_the_page_links_to_them(site, client_as):
    household = _family(site)
    clerk = client_as(Role.REGISTRATION_CLERK, [site])
    page = clerk.get(reverse("household-detail", args=[household.number])).content.decode()
    for kind in KINDS:
        # Return and found are offered once somebody left or is missing.
        assert (_url(household, kind) in page) == (kind not in ("return", "found"))
        assert clerk.get(_url(household, kind)).status_code == 200
    assert clerk.get(_url(household, "wedding")).status_code == 404
    reader = client_as(Role.DISTRIBUTION_STAFF, [site])
    page = reader.get(reverse("household-detail", args=[household.number])).content.decode()
    assert _url(household, "birth") not in page
    assert reader.get(_url(household, "birth")).status_code == 403


def test_a_birth_from_the_page(site, client_as):
    household = _family(site)
    clerk = client_as(Role.REGISTRATION_CLERK, [site])
    response = clerk.post(
        _url(household, "birth"),
        {
            "date": TODAY.isoformat(),
            "names_unknown": "on",
            "sex": "female",
            "relationship": "child",
            "reason": "other",
        },
    )
    assert response.status_code == 302
    assert household.members.count() == 3
    page = clerk.get(reverse("household-detail", args=[household.number])).content.decode()
    assert "Birth" in page


def test_a_refusal_is_shown_on_its_field_and_writes_nothing(site, client_as):
    household = _family(site)
    focal = household.focal_point
    clerk = client_as(Role.REGISTRATION_CLERK, [site])
    response = clerk.post(
        _url(household, "death"),
        {
            "date": TODAY.isoformat(),
            "date_precision": "exact",
            "members": [focal.pk],
            "reason": "other",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "choose who becomes the focal point" in html
    focal.refresh_from_db()
    assert focal.status == "active"


def test_a_departure_then_its_undo_from_the_history(site, client_as):
    shelter = make_shelter(site)
    household = _family(site, shelter_id=shelter.pk)
    clerk = client_as(Role.REGISTRATION_CLERK, [site])
    response = clerk.post(
        _url(household, "departure"),
        {"date": TODAY.isoformat(), "reason": "resettlement", "destination": "Norway"},
    )
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.status == Household.Status.DEPARTED
    page = clerk.get(reverse("household-detail", args=[household.number])).content.decode()
    assert "Destination: Norway" in page
    assert f"Shelter: A/{shelter.code} → —" in page
    event = household.life_events.get(kind="departure")
    assert f"?corrects={event.uuid}" in page
    response = clerk.post(
        _url(household, "correction"),
        {"corrects": str(event.uuid), "reason": "event_recorded_wrongly"},
    )
    assert response.status_code == 302
    household.refresh_from_db()
    assert (household.status, household.shelter) == ("active", shelter)


def test_a_join_shows_in_the_history_of_both_households(site, client_as):
    household = _family(site)
    other = _family(site)
    spouse = household.members.get(given_name="Adam")
    clerk = client_as(Role.REGISTRATION_CLERK, [site])
    response = clerk.post(
        _url(household, "join"),
        {
            "date": TODAY.isoformat(),
            "members": [spouse.pk],
            "to_household": other.number,
            "relationship": "spouse",
            "reason": "marriage",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    line = f"From household {household.number} to household {other.number}"
    for shown in (household, other):
        page = clerk.get(reverse("household-detail", args=[shown.number])).content.decode()
        assert line in page


def test_the_relocation_form_offers_free_shelters_of_the_users_other_sites(site, client_as):
    from tests.sites.factories import make_shelter, make_site

    other, elsewhere = make_site(name="Otash"), make_site(name="Far away")
    household = _family(site)
    tent, far_tent, home_tent = make_shelter(other), make_shelter(elsewhere), make_shelter(site)
    clerk = client_as(Role.REGISTRATION_CLERK, [site, other])
    shelter = clerk.get(_url(household, "relocation")).context["form"]["shelter"]
    offered = {int(option.data["value"]) for option in shelter if option.data["value"]}
    assert tent.pk in offered
    assert far_tent.pk not in offered  # a site the clerk does not work at
    assert home_tent.pk not in offered  # the site left
    assert "Otash" in str(shelter)  # grouped by site
    body = {"date": TODAY.isoformat(), "site": other.pk, "reason": "site_closure"}
    refused = clerk.post(_url(household, "relocation"), {**body, "shelter": home_tent.pk})
    assert refused.status_code == 200
    assert "shelter" in refused.context["form"].errors
    response = clerk.post(_url(household, "relocation"), {**body, "shelter": tent.pk})
    assert response.status_code == 302
    household.refresh_from_db()
    assert (household.site, household.shelter) == (other, tent)
