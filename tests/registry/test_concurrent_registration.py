"""Several desks registering at the same moment must never get the same household number.

Needs real concurrent connections; PostgreSQL row locks are what production relies on. The
SQLite half of the suite serialises writers at BEGIN IMMEDIATE and is covered by the
sequential tests.
"""

import contextlib
import threading

import pytest
from django.db import connection, connections

from edgecamp.registry.models import Household, HouseholdNumberSequence
from edgecamp.registry.services import RegistrationError, register_household
from tests.registry.factories import household_input, member

DESKS = 8
PER_DESK = 5


@pytest.mark.django_db(transaction=True)
def test_concurrent_desks_get_distinct_consecutive_numbers(site):
    if connection.vendor != "postgresql":
        pytest.skip("real row-lock concurrency is exercised in the PostgreSQL run")
    barrier = threading.Barrier(DESKS)
    failures: list[BaseException] = []

    def desk(index: int) -> None:
        try:
            barrier.wait()
            for n in range(PER_DESK):
                if n == 2:
                    # A rejected registration in the middle must not burn a number.
                    with contextlib.suppress(RegistrationError):
                        register_household(household_input(site, members=[]))
                register_household(
                    household_input(
                        site, members=[member(given_name=f"D{index}"), member(relationship="child")]
                    )
                )
        except BaseException as exc:  # reported below, with the thread's own traceback
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=desk, args=(i,)) for i in range(DESKS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not failures, failures
    numbers = sorted(Household.objects.values_list("number", flat=True))
    expected = [f"EDG-{n:06d}" for n in range(1, DESKS * PER_DESK + 1)]
    assert numbers == expected
    assert HouseholdNumberSequence.objects.get(prefix="EDG").last_value == DESKS * PER_DESK
