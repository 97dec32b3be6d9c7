"""Two desks recording on one household at the same moment are served one after the other:
the household row is locked first (PostgreSQL), so the second sees what the first wrote and is
refused instead of writing a second death or a second household into one tent.

Needs real concurrent connections: run in the PostgreSQL half of the suite (SQLite serialises
writers at BEGIN IMMEDIATE, settings.py)."""

import threading

import pytest
from django.db import connection, connections

from edgecamp.registry import events
from edgecamp.registry.models import Household, LifeEvent
from edgecamp.registry.services import register_household
from tests.concurrency import failures_at_once
from tests.registry.factories import household_input, member
from tests.sites.factories import make_shelter

DESKS = 4


def _race(work) -> tuple[list[object], list[BaseException]]:
    barrier = threading.Barrier(DESKS)
    done: list[object] = []
    refused: list[BaseException] = []

    def desk(index: int) -> None:
        try:
            barrier.wait()
            done.append(work(index))
        except BaseException as exc:  # reported by the test, with its type
            refused.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=desk, args=(i,)) for i in range(DESKS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return done, refused


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("real row-lock concurrency is exercised in the PostgreSQL run")


@pytest.mark.django_db(transaction=True)
def test_two_desks_recording_one_death_write_it_once(postgres_only, site):
    household = register_household(
        household_input(site, members=[member(), member(relationship="child", given_name="Ali")])
    )
    child = household.members.get(given_name="Ali")
    done, refused = _race(
        lambda _i: events.record_event(
            household.number, events.DeathInput(members=[child.pk]), scope=None
        )
    )
    assert len(done) == 1
    assert len(refused) == DESKS - 1
    assert all(isinstance(exc, events.EventError) for exc in refused), refused
    assert LifeEvent.objects.filter(kind="death").count() == 1


@pytest.mark.django_db(transaction=True)
def test_households_moving_into_the_last_tent_at_once_get_it_once(postgres_only, site):
    tent = make_shelter(site)
    households = [
        register_household(household_input(site, members=[member()])) for _ in range(DESKS)
    ]
    done, refused = _race(
        lambda i: events.record_event(
            households[i].number, events.MoveInput(shelter=tent.pk), scope=None
        )
    )
    assert len(done) == 1, refused
    assert all(isinstance(exc, events.EventError) for exc in refused), refused
    assert Household.objects.filter(shelter=tent).count() == 1


@pytest.mark.django_db(transaction=True)
def test_an_event_and_a_merge_on_one_household_at_once_do_not_deadlock(postgres_only, site):
    from edgecamp.core.access import Scope
    from edgecamp.registry import merge
    from edgecamp.registry.models import DuplicateCandidate, MergeRecord

    everywhere = Scope(role="administrator", all_sites=True)
    home = register_household(
        household_input(
            site,
            members=[member(), member(relationship="spouse", given_name="Mohammed", sex="male")],
        )
    )
    twice = register_household(
        household_input(
            site,
            members=[member(given_name="Muhammad", sex="male")],
            duplicate_override_reason="test",
        )
    )
    duplicate, survivor = home.members.get(given_name="Mohammed"), twice.members.get()
    for _round in range(3):
        low, high = sorted((duplicate, survivor), key=lambda p: p.pk)
        candidate = DuplicateCandidate.objects.create(
            individual_l=low, individual_r=high, probability=0.97, evidence=[]
        )
        failures = failures_at_once(
            lambda c=candidate: merge.merge_candidate(c.pk, survivor.pk, scope=everywhere),
            lambda: events.record_event(
                home.number, events.BirthInput(sex="male", names_unknown=True), scope=None
            ),
        )
        assert not failures, failures  # a deadlock would land here
        merge.unmerge(MergeRecord.objects.get(state="merged").pk, scope=everywhere)
        DuplicateCandidate.objects.all().delete()
