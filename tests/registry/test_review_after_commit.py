"""A correction's review check runs after its commit on the process's review thread: the
correction returns without waiting for the desk check of every person concerned, and the pair the
correction makes still reaches the review queue (in the corrector's name in the audit log).
Real commits and the real worker thread, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest

from edgecamp.audit.models import AuditEntry
from edgecamp.core import context
from edgecamp.core.access import Role, scope_for
from edgecamp.registry import corrections, duplicates
from edgecamp.registry.models import DuplicateCandidate
from tests.accounts.factories import make_user
from tests.registry.factories import make_household, member

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.review_worker]


def _household(site, given_name, phone):
    return make_household(
        site,
        members=[
            member(
                given_name=given_name,
                family_name="Idriss",
                sex="male",
                date_of_birth=date(1979, 4, 4),
            )
        ],
        place_of_origin="Nyala",
        phone=phone,
    )


def test_a_phone_correction_queues_the_pair_it_makes_after_its_commit(site):
    duplicates.reset_desk_index()
    first = _household(site, "Mohamed", "+249 933 444 555")
    twin = _household(site, "Muhammad", "+249 911 222 333")
    clerk = make_user("desk-clerk", role=Role.REGISTRATION_CLERK, sites=[site])
    with context.acting_as(clerk, "cli"):
        corrections.correct_household(
            twin.pk,
            corrections.HouseholdCorrection(
                reason="new_information", values={"phone": "+249 933 444 555"}
            ),
            scope=scope_for(clerk),
            corrected_by=clerk,
        )
    duplicates.REVIEW_WORKER.drain()
    candidate = DuplicateCandidate.objects.get()
    assert {candidate.individual_l_id, candidate.individual_r_id} == {
        first.members.get().pk,
        twin.members.get().pk,
    }
    entry = AuditEntry.objects.filter(model="registry.duplicatecandidate").get()
    assert (entry.actor_name, entry.source) == ("desk-clerk", "cli")
