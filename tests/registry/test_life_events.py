"""Life events (registry.models.LifeEvent): every registration, status change, merge and undone
merge is one, written with the change it records; they cannot be changed or deleted, by the
ORM or in the database; the household page reads its history from them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from edgecamp.accounts.roles import Role
from edgecamp.core.access import scope_for
from edgecamp.registry import merge
from edgecamp.registry.codes import EventKind, EventReason
from edgecamp.registry.models import (
    DuplicateCandidate,
    Household,
    LifeEvent,
    LifeEventIndividual,
)
from edgecamp.registry.services import (
    move_individual,
    set_household_status,
    set_individual_status,
)
from tests.accounts.factories import make_user
from tests.registry.factories import household_input, make_household, member

pytestmark = pytest.mark.django_db


def test_a_registration_is_an_event_of_the_whole_household_on_its_registration_date(
    site, admin_user
):
    from edgecamp.registry.services import register_household

    registered_on = timezone.localdate() - timedelta(days=3)
    household = register_household(
        household_input(site, registration_date=registered_on), registered_by=admin_user
    )
    event = household.life_events.get()
    assert (event.kind, event.reason, event.occurred_on) == (
        EventKind.REGISTRATION,
        EventReason.REGISTERED,
        registered_on,
    )
    assert (event.old_status, event.new_status, event.recorded_by) == ("", "active", admin_user)
    assert not event.individuals.exists()
    assert event.recorded_at.date() >= registered_on
    assert event.uuid.version == 4


def test_a_status_change_keeps_the_status_before_and_the_clerks_words(site, admin_user):
    household = make_household(site)
    person = household.members.get(given_name="Yusuf")
    set_individual_status(person, "missing", reason="not seen since Tuesday", changed_by=admin_user)
    set_individual_status(person, "missing", reason="again")  # unchanged: nothing recorded

    event = person.life_events.get()
    assert event.household == household
    assert (event.kind, event.reason, event.note) == ("status_change", "", "not seen since Tuesday")
    assert event.data == {"old_status": "active", "new_status": "missing"}
    assert event.occurred_on == timezone.localdate()
    assert event.recorded_by == admin_user
    assert household.life_events.count() == 2  # the registration and this one


def test_a_merge_and_its_undoing_are_events_of_both_records(site):
    manager = make_user("camp-manager", role=Role.CAMP_MANAGER, sites=[site])
    home = make_household(site, members=[member(given_name="Mohammed", family_name="Haroun")])
    twice = make_household(
        site,
        members=[member(given_name="Muhammad", family_name="Harun")],
        duplicate_override_reason="test",
    )
    kept, dropped = home.members.get(), twice.members.get()
    candidate = DuplicateCandidate.objects.create(
        individual_l=kept, individual_r=dropped, probability=0.97, evidence=[]
    )
    record = merge.merge_candidate(
        candidate.pk, kept.pk, scope=scope_for(manager), merged_by=manager
    )

    person, closed = twice.life_events.filter(kind="merge").order_by("id")
    assert list(person.individuals.all()) == [dropped]
    assert (person.reason, person.old_status, person.new_status) == ("merged", "active", "merged")
    assert person.data["merge"] == closed.data["merge"] == record.pk
    assert person.data["survivor"] == kept.pk
    assert (closed.reason, closed.new_status) == ("all_members_merged", "merged")
    assert not closed.individuals.exists()
    assert {person.recorded_by, closed.recorded_by} == {manager}

    merge.unmerge(record.pk, scope=scope_for(manager), undone_by=manager)
    undone = twice.life_events.filter(kind="unmerge")
    assert sorted((e.old_status, e.new_status, e.reason) for e in undone) == [
        ("merged", "active", "merge_undone"),
        ("merged", "active", "merge_undone"),
    ]
    assert [list(e.individuals.all()) for e in undone.order_by("id")] == [[], [dropped]]


def test_events_cannot_be_changed_or_deleted(site):
    household = make_household(site)
    set_individual_status(household.members.first(), "missing", reason="not seen")
    event = LifeEvent.objects.filter(individuals__isnull=False).get()
    subject = LifeEventIndividual.objects.get()

    event.note = "rewritten"
    with pytest.raises(PermissionDenied):
        event.save()
    with pytest.raises(PermissionDenied):
        event.delete()
    with pytest.raises(PermissionDenied):
        LifeEvent.objects.filter(pk=event.pk).update(note="rewritten")
    with pytest.raises(PermissionDenied):
        household.life_events.all().delete()
    with pytest.raises(PermissionDenied):
        subject.delete()
    # Below the ORM, the database refuses too (DELETE on PostgreSQL: see core.dbguards).
    for table in ("registry_lifeevent", "registry_lifeeventindividual"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET id = id")  # noqa: S608
        if connection.vendor == "postgresql":
            with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as c:
                c.execute(f"DELETE FROM {table}")  # noqa: S608
    assert LifeEvent.objects.get(pk=event.pk).note == "not seen"


def test_a_correction_points_to_the_event_it_corrects(site):
    from edgecamp.registry import life_events

    household = make_household(site)
    wrong = household.life_events.get()
    with transaction.atomic():
        fixed = life_events.record(
            EventKind.STATUS_CHANGE,
            household,
            occurred_on=date(2026, 1, 1),
            precision="year",
            note="registered earlier than written",
            corrects=wrong,
        )
    assert list(wrong.corrections.all()) == [fixed]
    assert fixed.occurred_on_precision == "year"


def test_the_household_page_shows_the_history(logged_in_client, site, admin_user):
    household = make_household(site)
    set_household_status(household, "inactive", reason="not seen at two distributions")
    set_individual_status(household.members.get(given_name="Yusuf"), "missing", reason="lost")

    html = logged_in_client.get(reverse("household-detail", args=[household.number])).content
    page = html.decode()
    assert "History" in page
    assert "Registration" in page
    assert "Registered" in page
    assert "Active → Inactive" in page
    assert "not seen at two distributions" in page
    assert "Active → Missing" in page
    assert "Whole household" in page
    # Oldest first: registration, the household's change, then Yusuf's.
    assert page.index("Registration") < page.index("Active → Inactive") < page.index("lost")


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("fr", ["Historique", "Enregistrement", "Tout le ménage", "Actif"]),
        ("ar", ["السجل التاريخي", "التسجيل", "الأسرة كلها"]),
    ],
)
def test_the_history_is_translated(logged_in_client, site, language, words):
    household = make_household(site)
    logged_in_client.post("/i18n/setlang/", {"language": language, "next": "/"})
    page = logged_in_client.get(reverse("household-detail", args=[household.number]))
    page = page.content.decode()
    for word in words:
        assert word in page


def test_a_move_to_another_household_is_a_join_and_the_persons_events_follow(
    logged_in_client, site
):
    first, second = make_household(site), make_household(site)
    child = first.members.get(given_name="Yusuf")
    set_individual_status(child, "missing", reason="lost at the market")
    set_individual_status(child, "active", reason="found")
    move_individual(child, second, relationship="foster_child", reason="joined aunt")

    joined = second.life_events.get(kind="join")
    assert list(joined.individuals.all()) == [child]
    assert (joined.note, joined.occurred_on) == ("joined aunt", timezone.localdate())
    assert joined.data == {
        "from_household": first.pk,
        "old_relationship": "child",
        "relationship": "foster_child",
    }
    assert not joined.changes_status
    page = logged_in_client.get(reverse("household-detail", args=[second.number]))
    html = page.content.decode()
    assert "lost at the market" in html
    assert "Joined from another household" in html
    # Not a status change: the API's status history leaves it out.
    body = logged_in_client.get(f"/api/v1/individuals/{child.pk}").json()
    assert [c["new_status"] for c in body["status_history"]] == ["missing", "active"]


def test_the_api_gives_status_history_from_the_events(logged_in_client, site):
    household = make_household(site)
    set_household_status(household, Household.Status.INACTIVE, reason="not seen")
    person = household.members.get(given_name="Yusuf")
    set_individual_status(person, "missing", reason="lost")

    body = logged_in_client.get(f"/api/v1/households/{household.number}").json()
    history = body["status_history"]
    assert [(c["kind"], c["old_status"], c["new_status"], c["reason"]) for c in history] == [
        ("registration", "", "active", "registered"),
        ("status_change", "active", "inactive", "not seen"),
    ]
    events = household.life_events.filter(individuals=None).order_by("id")
    assert [c["uuid"] for c in history] == [str(e.uuid) for e in events]
    assert history[1]["occurred_on"] == timezone.localdate().isoformat()
    person_body = logged_in_client.get(f"/api/v1/individuals/{person.pk}").json()
    assert [(c["new_status"], c["reason"]) for c in person_body["status_history"]] == [
        ("missing", "lost")
    ]
