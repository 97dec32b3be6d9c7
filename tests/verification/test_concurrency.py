"""Desks and the close at the same moment, on PostgreSQL's row locks (skipped on SQLite, whose
write transactions run one at a time): two desks confirming one household record it once; a
close racing the desks never sets a confirmed household inactive."""

from __future__ import annotations

import pytest
from django.db import connection

from edgecamp.registry import queries as registry_queries
from edgecamp.registry.models import Household
from edgecamp.verification.models import Confirmation, NotSeen
from edgecamp.verification.services import RoundConflict, close_round
from tests.concurrency import at_once
from tests.registry.factories import make_household
from tests.verification.factories import confirm, make_round

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("real row-lock concurrency is exercised in the PostgreSQL run")


def test_two_desks_confirming_one_household_record_it_once(site):
    household = make_household(site)
    round_ = make_round(site)
    results = at_once(*[lambda: confirm(round_, household) for _ in range(4)])
    assert sum(isinstance(r, Confirmation) for r in results) == 1, results
    assert sum(isinstance(r, RoundConflict) for r in results) == 3, results
    assert Confirmation.objects.count() == 1


def test_a_close_racing_the_desks_sets_no_confirmed_household_inactive(site):
    households = [make_household(site) for _ in range(6)]
    round_ = make_round(site)
    calls = [lambda h=h: confirm(round_, h) for h in households[:5]]
    results = at_once(*calls, lambda: close_round(round_.pk))
    confirmed = set(Confirmation.objects.values_list("household_id", flat=True))
    not_seen = set(NotSeen.objects.values_list("household_id", flat=True))
    # Each confirmation ran before the close, or after it as a late one (reactivating).
    assert confirmed | not_seen == {h.pk for h in households}, results
    for household in Household.objects.filter(pk__in=confirmed):
        assert household.status == "active"
    assert households[5].pk in not_seen
    assert registry_queries.population_counts_checked()
