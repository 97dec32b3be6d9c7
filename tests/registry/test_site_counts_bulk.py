"""The site counts follow households changed in bulk: one UPDATE setting many households
inactive, moving others to another site, and back (on PostgreSQL counted once per statement
from its transition tables, migration registry 0013; on SQLite row by row)."""

from __future__ import annotations

import pytest
from django.db import models
from django.db.models import Case, F, Value, When

from edgecamp.registry import queries
from edgecamp.registry.models import Household
from tests.registry.factories import household_input, member
from tests.registry.factories import make_household as register
from tests.sites.factories import make_site

pytestmark = pytest.mark.django_db


def test_one_update_of_many_households_keeps_the_counts_exact(site):
    other = make_site()
    households = [register(site) for _ in range(6)]
    register(
        site,
        **{"members": household_input(site, members=[member(specific_needs=["ER"])]).members},
    )
    ids = [h.pk for h in households]
    assert queries.population_counts_checked()

    # Mixed in one statement: three set inactive, two moved to another site, one untouched
    # but for its timestamp.
    Household.objects.filter(pk__in=ids).update(
        status=Case(When(pk__in=ids[:3], then=Value("inactive")), default=F("status")),
        site_id=Case(
            When(pk__in=ids[3:5], then=Value(other.pk)),
            default=F("site_id"),
            output_field=models.BigIntegerField(),
        ),
    )
    assert queries.population_counts_checked()
    assert Household.objects.filter(site=other).count() == 2

    Household.objects.filter(pk__in=ids).update(status="active", site_id=site.pk)
    assert queries.population_counts_checked()
    Household.objects.filter(pk__in=ids).update(status="departed")
    assert queries.population_counts_checked()
