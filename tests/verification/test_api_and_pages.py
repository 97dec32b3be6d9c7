"""Verification rounds through the API and the pages: who may open, confirm and close (managers
open and close, desks confirm), scope by site (another site's round answers 404), the desk's
find and confirm, the close's confirmation page, the report and its formula-safe CSV. Runs on
SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from django.urls import reverse

from edgecamp.core.access import Role
from edgecamp.distributions.cards import card_code
from edgecamp.registry.models import Household
from edgecamp.verification.models import Confirmation, Round
from tests.registry.factories import make_household
from tests.sites.factories import make_shelter, make_site
from tests.verification.factories import make_round

pytestmark = pytest.mark.django_db


def _post(client, url, body=None):
    return client.post(url, body or {}, content_type="application/json")


def _members(household):
    return list(household.members.order_by("pk").values_list("pk", flat=True))


def test_api_round_from_open_to_report(client_as, site):
    manager = client_as(Role.CAMP_MANAGER, [site])
    clerk = client_as(Role.REGISTRATION_CLERK, [site])
    seen, unseen = make_household(site), make_household(site)

    assert _post(clerk, "/api/v1/verification-rounds", {"site": site.pk}).status_code == 403
    opened = _post(manager, "/api/v1/verification-rounds", {"site": site.pk, "name": "March"})
    assert opened.status_code == 201, opened.json()
    round_id = opened.json()["id"]
    again = _post(manager, "/api/v1/verification-rounds", {"site": site.pk})
    assert again.status_code == 409
    assert "March" in again.json()["errors"]["site"][0]

    focal, child = _members(seen)
    url = f"/api/v1/verification-rounds/{round_id}/confirmations"
    bad = _post(clerk, url, {"household": seen.number, "present": [focal]})
    assert bad.status_code == 422
    assert "Mark every member" in bad.json()["errors"]["present"][0]
    done = _post(clerk, url, {"household": seen.number, "present": [focal], "absent": [child]})
    assert done.status_code == 201, done.json()
    assert done.json()["household"] == seen.number
    assert done.json()["changed"] is True
    assert (
        _post(clerk, url, {"household": seen.number, "present": [focal, child]}).status_code == 409
    )

    report = manager.get(f"/api/v1/verification-rounds/{round_id}/report").json()
    assert report["total"]["verified"] == 1
    assert report["total"]["not_seen"] == 1
    assert report["round"]["status"] == "open"

    close_url = f"/api/v1/verification-rounds/{round_id}/close"
    assert _post(clerk, close_url).status_code == 403
    closed = _post(manager, close_url)
    assert closed.status_code == 200, closed.json()
    assert closed.json()["not_seen"] == 1
    assert closed.json()["round"]["status"] == "closed"
    unseen.refresh_from_db()
    assert unseen.status == Household.Status.INACTIVE
    assert _post(manager, close_url).status_code == 409

    listed = clerk.get("/api/v1/verification-rounds").json()
    assert [(r["id"], r["verified"], r["not_seen"]) for r in listed["items"]] == [(round_id, 1, 1)]


def test_api_keeps_to_the_callers_sites(client_as, site):
    other = make_site()
    theirs = make_round(other)
    household = make_household(other)
    manager = client_as(Role.CAMP_MANAGER, [site])
    clerk = client_as(Role.REGISTRATION_CLERK, [site])
    opened = _post(manager, "/api/v1/verification-rounds", {"site": other.pk})
    assert opened.status_code == 422
    assert "site" in opened.json()["errors"]
    assert manager.get(f"/api/v1/verification-rounds/{theirs.pk}/report").status_code == 404
    assert _post(manager, f"/api/v1/verification-rounds/{theirs.pk}/close").status_code == 404
    confirm = _post(
        clerk,
        f"/api/v1/verification-rounds/{theirs.pk}/confirmations",
        {"household": household.number, "present": _members(household)},
    )
    assert confirm.status_code == 404
    assert clerk.get("/api/v1/verification-rounds").json()["count"] == 0
    # A distribution clerk does not verify.
    staff = client_as(Role.DISTRIBUTION_STAFF, [other])
    assert staff.get("/api/v1/verification-rounds").status_code == 403
    # A round of my site: a household of another site is not found in it.
    mine = make_round(site)
    wrong = _post(
        clerk,
        f"/api/v1/verification-rounds/{mine.pk}/confirmations",
        {"household": household.number, "present": _members(household)},
    )
    assert wrong.status_code == 422
    assert "household" in wrong.json()["errors"]


def test_pages_open_confirm_close_report(client_as, site):
    manager = client_as(Role.CAMP_MANAGER, [site])
    clerk = client_as(Role.REGISTRATION_CLERK, [site])
    household = make_household(site, shelter_id=make_shelter(site, block_code="=1+2").pk)
    make_household(site)

    listing = clerk.get(reverse("verification-rounds"))
    assert listing.status_code == 200
    assert "Open round" not in listing.content.decode()  # a clerk does not open rounds
    assert clerk.post(reverse("verification-round-open"), {"site": site.pk}).status_code == 403
    opened = manager.post(reverse("verification-round-open"), {"site": site.pk, "name": "April"})
    round_ = Round.objects.get()
    assert opened.status_code == 302
    assert opened["Location"] == reverse("verification-desk", args=[round_.pk])
    refused = manager.post(reverse("verification-round-open"), {"site": site.pk})
    assert refused.status_code == 422
    assert "already open" in refused.content.decode()

    desk = reverse("verification-desk", args=[round_.pk])
    found = clerk.get(desk, {"q": card_code(household.number)})
    assert found.status_code == 302
    assert found["Location"] == f"{desk}?household={household.number}"
    page = clerk.get(desk, {"household": household.number}).content.decode()
    focal, child = _members(household)
    assert f'name="member_{focal}"' in page
    assert f'name="member_{child}"' in page
    by_name = clerk.get(desk, {"q": "Haroun"}).content.decode()
    assert "Households found" in by_name

    nobody = clerk.post(
        desk,
        {
            "household": household.number,
            f"member_{focal}": "absent",
            f"member_{child}": "absent",
            "new_people": 0,
        },
    )
    assert nobody.status_code == 422
    assert "Nobody present" in nobody.content.decode()
    confirmed = clerk.post(
        desk,
        {
            "household": household.number,
            f"member_{focal}": "present",
            f"member_{child}": "absent",
            "new_people": 1,
            "desk": "desk 3",
        },
        follow=True,
    )
    assert f"Household {household.number} confirmed." in confirmed.content.decode()
    assert Confirmation.objects.get().new_people == 1
    assert clerk.get(desk).wsgi_request.session["verification_desk"] == "desk 3"

    close = reverse("verification-round-close", args=[round_.pk])
    assert clerk.get(close).status_code == 403
    asked = manager.get(close).content.decode()
    assert "Closing sets 1 household of" in asked
    closed = manager.post(close, follow=True).content.decode()
    assert "Round closed: 1 household not seen was set inactive." in closed

    report = clerk.get(reverse("verification-report", args=[round_.pk])).content.decode()
    assert "By block" in report
    assert "=1+2" in report
    csv = clerk.get(reverse("verification-report-csv", args=[round_.pk]))
    assert csv["Content-Type"].startswith("text/csv")
    lines = csv.content.decode().splitlines()
    assert lines[0] == "Block,Households,Verified,Changed,Not seen,Verified after the close"
    assert "'=1+2,1,1,1,0,0" in lines
    assert lines[-1] == "All blocks,2,1,1,1,0"


def test_pages_of_another_site_answer_404(client_as, site):
    theirs = make_round(make_site())
    clerk = client_as(Role.REGISTRATION_CLERK, [site])
    manager = client_as(Role.CAMP_MANAGER, [site])
    assert clerk.get(reverse("verification-report", args=[theirs.pk])).status_code == 404
    assert clerk.get(reverse("verification-desk", args=[theirs.pk])).status_code == 404
    assert manager.post(reverse("verification-round-close", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.is_open


def test_the_household_page_shows_its_verification(client_as, site):
    clerk = client_as(Role.REGISTRATION_CLERK, [site])
    household = make_household(site)
    page = reverse("household-detail", args=[household.number])
    assert 'id="verification"' not in clerk.get(page).content.decode()
    round_ = make_round(site, "June")
    shown = clerk.get(page).content.decode()
    assert "Round “June” is open and this household is not confirmed in it yet." in shown
    assert f"/verification/{round_.pk}/desk/?household={household.number}" in shown
    from tests.verification.factories import confirm

    confirm(round_, household, absent=1)
    shown = clerk.get(page).content.decode()
    assert "not confirmed in it yet" not in shown
    assert "June: " in shown
    assert "1 present, 1 absent" in shown
