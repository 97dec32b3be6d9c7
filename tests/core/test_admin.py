"""Every model registered in the Django admin opens for an administrator: its list, and the
page of a record where one exists (with a registered household, a merge and a duplicate pair
in the database), so a broken list_display or a missing field fails here."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from edgecamp.core.access import scope_for
from edgecamp.registry import merge
from edgecamp.registry.models import DuplicateCandidate
from tests.registry.factories import make_household, member

pytestmark = pytest.mark.django_db


def test_every_admin_list_and_record_page_opens(logged_in_client, site, admin_user):
    home = make_household(
        site, members=[member(), member(relationship="child", given_name="Musa", sex="male")]
    )
    other = make_household(site, members=[member()])
    first, second = home.members.order_by("id")[0], other.members.get()
    candidate = DuplicateCandidate.objects.create(
        individual_l=first, individual_r=second, probability=0.99, evidence=[]
    )
    merge.merge_candidate(candidate.pk, first.pk, scope=scope_for(admin_user), merged_by=admin_user)

    opened = []
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        response = logged_in_client.get(changelist)
        assert response.status_code == 200, changelist
        record = model_admin.get_queryset(response.wsgi_request).first()
        if record is not None:
            page = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[record.pk])
            assert logged_in_client.get(page).status_code == 200, page
            opened.append(meta.label_lower)
    assert {"registry.household", "registry.mergerecord", "registry.duplicatecandidate"} <= set(
        opened
    )


def test_registry_records_are_read_only_in_the_admin(logged_in_client, site):
    """Households and people change through the services, which record why in the life
    events; a superuser could change a status in the admin with no history."""
    from edgecamp.registry.models import Household, Individual, LifeEvent

    home = make_household(site)
    person = home.members.first()
    events = LifeEvent.objects.count()
    household_page = reverse("admin:registry_household_change", args=[home.pk])
    page = logged_in_client.get(household_page)
    assert page.status_code == 200
    assert b'name="status"' not in page.content  # shown, not offered to change
    changed = logged_in_client.post(household_page, {"status": "inactive"})
    assert changed.status_code == 403
    home.refresh_from_db()
    assert home.status == Household.Status.ACTIVE
    assert LifeEvent.objects.count() == events

    individual_page = logged_in_client.get(
        reverse("admin:registry_individual_change", args=[person.pk])
    )
    assert individual_page.status_code == 200
    # No select of every person in the registry for "merged into" (20 000 options, 6 s).
    assert b'name="merged_into"' not in individual_page.content
    for model in (Household, Individual):
        meta = model._meta
        add = reverse(f"admin:{meta.app_label}_{meta.model_name}_add")
        assert logged_in_client.get(add).status_code == 403
