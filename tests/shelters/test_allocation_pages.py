"""Shelter allocation in the staff UI and the API: propose, review, confirm or discard, through
Django's test client. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from edgecamp.registry.models import Household
from edgecamp.shelters.models import AllocationPlan, ShelterChange
from edgecamp.shelters.services import propose_plan
from edgecamp.sites.models import Shelter
from tests.shelters.test_allocation_plans import household, tent

pytestmark = pytest.mark.django_db


def _html(response: Any) -> str:
    return response.content.decode()


@pytest.fixture
def camp(site):
    """Two tents in two blocks, three households: the last one waits."""
    tent(site, "T1", block="A")
    tent(site, "T2", block="B", accessible=True, near_facilities=True)
    return [household(site, 4, day=0), household(site, 3, day=1), household(site, 5, day=2)]


# --- Web UI ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("shelter-sites", {}),
        ("site-allocation", {"site_code": "kalma-n"}),
        ("allocation-plan", {"plan_id": 1}),
    ],
)
def test_allocation_pages_require_login(client, site, name, kwargs):
    url = reverse(name, kwargs=kwargs)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_site_list_shows_occupancy(logged_in_client, site, camp):
    Shelter.objects.filter(code="T1").update(status=Shelter.Status.DAMAGED)
    html = _html(logged_in_client.get(reverse("shelter-sites")))
    assert reverse("site-allocation", args=["kalma-n"]) in html
    assert "Kalma North" in html
    assert 'href="/shelters/"' in html  # the main navigation links here


def test_propose_review_confirm(logged_in_client, site, camp):
    page = logged_in_client.get(reverse("site-allocation", args=["kalma-n"]))
    assert page.status_code == 200
    assert "Propose plan" in _html(page)

    response = logged_in_client.post(
        reverse("site-allocation", args=["kalma-n"]),
        {"space_standard": "3.5", "emergency_minimum": "2.5"},
        follow=True,
    )
    plan = AllocationPlan.objects.get()
    assert response.redirect_chain[-1][0] == reverse("allocation-plan", args=[plan.pk])
    assert Household.objects.filter(shelter__isnull=False).count() == 0  # nothing yet
    html = _html(response)
    assert "nothing has changed yet" in html
    start = html.index('id="plan-blocks"')
    blocks = html[start : html.index("</table>", start)]
    assert ">A</bdi>" in blocks
    assert ">B</bdi>" in blocks
    for family in camp:
        assert reverse("household-detail", args=[family.number]) in html
    assert "Confirm plan" in html
    for inline in ("<script>", "style=", "onclick"):
        assert inline not in html

    confirmed = logged_in_client.post(
        reverse("allocation-plan-confirm", args=[plan.pk]), follow=True
    )
    assert "Plan confirmed: 2 households changed shelter." in _html(confirmed)
    assert "Confirm plan" not in _html(confirmed)
    assert Household.objects.filter(shelter__isnull=False).count() == 2
    assert ShelterChange.objects.filter(plan=plan).count() == 2

    again = logged_in_client.post(reverse("allocation-plan-confirm", args=[plan.pk]), follow=True)
    assert "already been confirmed" in _html(again)


def test_propose_with_invalid_settings_shows_the_error(logged_in_client, site, camp):
    response = logged_in_client.post(
        reverse("site-allocation", args=["kalma-n"]),
        {"space_standard": "3", "emergency_minimum": "4"},
    )
    assert response.status_code == 200
    assert "not above the" in _html(response)
    assert AllocationPlan.objects.count() == 0


def test_discard(logged_in_client, site, camp):
    plan = propose_plan(site)
    response = logged_in_client.post(
        reverse("allocation-plan-discard", args=[plan.pk]), follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("site-allocation", args=["kalma-n"])
    assert "Plan discarded" in _html(response)
    assert AllocationPlan.objects.get().status == AllocationPlan.Status.DISCARDED


def test_stale_plan_is_refused_in_the_ui(logged_in_client, site, camp):
    plan = propose_plan(site)
    household(site, 2, day=9)
    response = logged_in_client.post(
        reverse("allocation-plan-confirm", args=[plan.pk]), follow=True
    )
    assert "Propose again" in _html(response)
    assert Household.objects.filter(shelter__isnull=False).count() == 0


def test_plan_lines_filter_and_paginate(logged_in_client, site, camp):
    plan = propose_plan(site)
    url = reverse("allocation-plan", args=[plan.pk])
    waiting = logged_in_client.get(url, {"change": "waiting"})
    rows = re.findall(r'href="/households/(EDG-\d+)/"', _html(waiting))
    assert rows == [camp[2].number]

    fragment = logged_in_client.get(url, {"block": "B"}, HTTP_HX_REQUEST="true")
    html = _html(fragment)
    assert "<html" not in html
    assert "1 household" in html
    assert "HX-Request" in fragment["Vary"]

    assert logged_in_client.get(url, {"change": "bogus", "page": "99"}).status_code == 200


def test_unknown_site_and_plan_are_404(logged_in_client, site):
    assert logged_in_client.get(reverse("site-allocation", args=["nowhere"])).status_code == 404
    assert logged_in_client.get(reverse("allocation-plan", args=[999])).status_code == 404
    assert logged_in_client.post(reverse("allocation-plan-confirm", args=[999])).status_code == 404
    assert logged_in_client.get(reverse("allocation-plan-confirm", args=[1])).status_code == 405


# --- API ---------------------------------------------------------------------------------------


def test_api_propose_get_lines_confirm(logged_in_client, site, camp):
    proposed = logged_in_client.post(
        f"/api/v1/sites/{site.pk}/allocation-plans",
        {"rebalance": False},
        content_type="application/json",
    )
    assert proposed.status_code == 201, proposed.json()
    body = proposed.json()
    plan_id = body["id"]
    assert body["status"] == "proposed"
    assert body["metrics"]["households_housed"] == 2
    assert body["metrics"]["households_unhoused"] == 1
    assert [b["block"] for b in body["blocks"]] == ["A", "B"]
    assert body["changes"]["new"] == 2
    assert body["space_standard"] == "3.5" or Decimal(body["space_standard"]) == Decimal("3.5")

    got = logged_in_client.get(f"/api/v1/allocation-plans/{plan_id}")
    assert got.status_code == 200
    assert got.json()["id"] == plan_id

    lines = logged_in_client.get(f"/api/v1/allocation-plans/{plan_id}/lines?page_size=2")
    assert lines.status_code == 200
    page = lines.json()
    assert page["count"] == 3
    assert len(page["items"]) == 2
    first = page["items"][0]
    assert first["household"] == camp[0].number
    assert first["explanation"]
    assert first["change"] == "new"
    waiting = logged_in_client.get(f"/api/v1/allocation-plans/{plan_id}/lines?change=waiting")
    assert [line["household"] for line in waiting.json()["items"]] == [camp[2].number]

    confirmed = logged_in_client.post(f"/api/v1/allocation-plans/{plan_id}/confirm")
    assert confirmed.status_code == 200, confirmed.json()
    assert confirmed.json()["newly_housed"] == 2
    assert confirmed.json()["plan"]["status"] == "confirmed"
    assert Household.objects.filter(shelter__isnull=False).count() == 2

    twice = logged_in_client.post(f"/api/v1/allocation-plans/{plan_id}/confirm")
    assert twice.status_code == 409
    assert "already been confirmed" in twice.json()["detail"]


def test_api_discard_and_conflicts(logged_in_client, site, camp):
    plan = propose_plan(site)
    discarded = logged_in_client.post(f"/api/v1/allocation-plans/{plan.pk}/discard")
    assert discarded.status_code == 200
    assert discarded.json()["status"] == "discarded"
    assert logged_in_client.post(f"/api/v1/allocation-plans/{plan.pk}/discard").status_code == 409
    assert logged_in_client.post(f"/api/v1/allocation-plans/{plan.pk}/confirm").status_code == 409

    stale = propose_plan(site)
    household(site, 1, day=7)
    refused = logged_in_client.post(f"/api/v1/allocation-plans/{stale.pk}/confirm")
    assert refused.status_code == 409
    assert "Propose again" in refused.json()["detail"]


def test_api_404_and_422(logged_in_client, site):
    for method, url in [
        ("post", "/api/v1/sites/999/allocation-plans"),
        ("get", "/api/v1/allocation-plans/999"),
        ("get", "/api/v1/allocation-plans/999/lines"),
        ("post", "/api/v1/allocation-plans/999/confirm"),
        ("post", "/api/v1/allocation-plans/999/discard"),
    ]:
        response = getattr(logged_in_client, method)(url, {}, content_type="application/json")
        assert response.status_code == 404, url
        assert "detail" in response.json()

    refused = logged_in_client.post(
        f"/api/v1/sites/{site.pk}/allocation-plans",
        {"space_standard": 3, "emergency_minimum": 4},
        content_type="application/json",
    )
    assert refused.status_code == 422
    assert "emergency_minimum" in refused.json()["errors"]

    typo = logged_in_client.post(
        f"/api/v1/sites/{site.pk}/allocation-plans",
        {"rebalance": "perhaps", "spacestandard": 3},
        content_type="application/json",
    )
    assert typo.status_code == 422
    assert set(typo.json()["errors"]) == {"rebalance", "spacestandard"}
    assert AllocationPlan.objects.count() == 0


def test_api_needs_a_session(client, site):
    response = client.post(f"/api/v1/sites/{site.pk}/allocation-plans", {}, "application/json")
    assert response.status_code == 401


def test_explanations_are_given_in_the_readers_language(logged_in_client, site, camp):
    """The engine wrote its explanations in English only; they are now sentences by code,
    translated on the page and in the API, the English kept for the file interface."""
    plan = propose_plan(site)
    line = plan.lines.filter(change="waiting").first() or plan.lines.first()
    assert line.explanation_parts  # stored as sentences, not only as English text
    english = line.explanation
    assert english.startswith(("Unhoused:", "Priority need", "Waiting order", "Kept"))

    logged_in_client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    html = _html(logged_in_client.get(reverse("allocation-plan", args=[plan.pk])))
    assert "Sans abri :" in html
    assert "Rang " in html
    assert "Unhoused:" not in html
    logged_in_client.post("/i18n/setlang/", {"language": "ar", "next": "/"})
    rows = logged_in_client.get(f"/api/v1/allocation-plans/{plan.pk}/lines").json()["items"]
    unhoused = [row for row in rows if not row["shelters"]]
    assert unhoused
    assert unhoused[0]["explanation"].startswith("بلا مأوى")
