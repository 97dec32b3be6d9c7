"""Two clerks correcting one household at the same moment, both holding the same ETag: the row
lock serialises them and the second is answered 412, never a silent overwrite. Needs real
concurrent connections (PostgreSQL); SQLite serialises writers at BEGIN IMMEDIATE and is covered
by the sequential tests."""

from __future__ import annotations

import json
import threading

import pytest
from django.db import connection, connections
from django.test import Client

from edgecamp.core.access import Role
from edgecamp.registry.models import LifeEvent
from tests.accounts.factories import make_user
from tests.concurrency import failures_at_once
from tests.registry.factories import make_household

CLERKS = 4


@pytest.mark.django_db(transaction=True)
def test_one_of_several_simultaneous_patches_wins(site):
    if connection.vendor != "postgresql":
        pytest.skip("real row-lock concurrency is exercised in the PostgreSQL run")
    household = make_household(site)
    url = f"/api/v1/households/{household.number}"
    clients = []
    for index in range(CLERKS):
        client = Client()
        client.force_login(make_user(f"clerk-{index}", role=Role.REGISTRATION_CLERK, sites=[site]))
        clients.append(client)
    etag = clients[0].get(url)["ETag"]
    barrier = threading.Barrier(CLERKS)
    statuses: list[int] = []
    failures: list[BaseException] = []

    def clerk(index: int) -> None:
        try:
            barrier.wait()
            body = {"phone": f"+249 900 000 00{index}", "reason": "data_error"}
            answer = clients[index].patch(
                url, json.dumps(body), content_type="application/json", HTTP_IF_MATCH=etag
            )
            statuses.append(answer.status_code)
        except BaseException as exc:  # reported below
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=clerk, args=(i,)) for i in range(CLERKS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not failures, failures
    assert sorted(statuses) == [200] + [412] * (CLERKS - 1)
    assert LifeEvent.objects.filter(kind="correction").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_correction_and_a_merge_on_one_household_at_once_do_not_deadlock(site):
    if connection.vendor != "postgresql":
        pytest.skip("real row-lock concurrency is exercised in the PostgreSQL run")
    from edgecamp.core.access import Scope
    from edgecamp.registry import corrections, merge
    from edgecamp.registry.models import DuplicateCandidate, MergeRecord
    from tests.registry.factories import member

    everywhere = Scope(role="administrator", all_sites=True)
    home = make_household(
        site, members=[member(), member(relationship="spouse", given_name="Mohammed", sex="male")]
    )
    twice = make_household(
        site, members=[member(given_name="Muhammad", sex="male")], duplicate_override_reason="t"
    )
    duplicate, survivor = home.members.get(given_name="Mohammed"), twice.members.get()
    focal = home.members.get(given_name="Amina")
    for round_ in range(3):
        low, high = sorted((duplicate, survivor), key=lambda p: p.pk)
        candidate = DuplicateCandidate.objects.create(
            individual_l=low, individual_r=high, probability=0.97, evidence=[]
        )
        correction = corrections.IndividualCorrection(
            reason="data_error", values={"family_name": f"Haroun {round_}"}
        )
        failures = failures_at_once(
            lambda c=candidate: merge.merge_candidate(c.pk, survivor.pk, scope=everywhere),
            lambda c=correction: corrections.correct_individual(focal.pk, c, scope=None),
        )
        assert not failures, failures  # a deadlock would land here
        merge.unmerge(MergeRecord.objects.get(state="merged").pk, scope=everywhere)
        DuplicateCandidate.objects.all().delete()
