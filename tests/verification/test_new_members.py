"""A verification desk records the new people found living with a household: names (or
unknown), sex, date of birth or age, relationship; each becomes a member through the
registry (a registration life event, the desk duplicate check, site counts exact), and the
round's report lists them. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from edgecamp.core.access import Role
from edgecamp.core.errors import Refused
from edgecamp.registry import queries as registry_queries
from edgecamp.registry.codes import EventKind, EventReason
from edgecamp.registry.models import Individual, LifeEvent
from edgecamp.registry.services import MemberInput
from edgecamp.verification import queries
from tests.registry.factories import make_household, member
from tests.verification.factories import confirm, make_round

pytestmark = pytest.mark.django_db

BABY = MemberInput(
    relationship="child", sex="female", names_unknown=True, date_of_birth=date(2026, 1, 5)
)


def test_new_people_become_members_with_their_event_and_the_report_lists_them(site):
    household = make_household(site)
    round_ = make_round(site)
    people = registry_queries.population_by_site(timezone.localdate())[0].total
    cousin = MemberInput(
        relationship="other_relative",
        sex="male",
        given_name="Idriss",
        family_name="Kamil",
        date_of_birth=date(2001, 1, 1),
        date_of_birth_precision="estimated",
    )
    confirmation = confirm(round_, household, new_members=[BABY, cousin], new_people=1)
    assert confirmation.new_people == 3  # two recorded, one counted only
    added = list(household.members.order_by("pk"))[-2:]
    assert [(p.names_unknown, p.given_name, p.relationship) for p in added] == [
        (True, "", "child"),
        (False, "Idriss", "other_relative"),
    ]
    registration = LifeEvent.objects.get(household=household, reason="found_in_verification")
    assert registration.kind == EventKind.REGISTRATION
    assert set(registration.individuals.all()) == set(added)
    assert confirmation.event.data["new_members"] == [p.pk for p in added]
    assert registry_queries.population_by_site(timezone.localdate())[0].total == people + 2
    assert registry_queries.population_counts_checked()
    assert queries.report(round_).new_members == added


def test_a_bad_new_person_is_refused_by_row_and_field_and_nothing_is_written(site):
    household = make_household(site)
    round_ = make_round(site)
    before = Individual.objects.count()
    nameless = MemberInput(relationship="child", sex="female")
    second_head = MemberInput(relationship="focal_point", sex="male", given_name="Omar")
    with pytest.raises(Refused) as refused:
        confirm(round_, household, new_members=[BABY, nameless, second_head])
    assert {"new_members.1.given_name", "new_members.2.relationship"} <= set(refused.value.errors)
    assert Individual.objects.count() == before
    assert not round_.confirmations.exists()


def test_the_desk_duplicate_check_refuses_someone_registered_elsewhere(site):
    household = make_household(
        site,
        members=[member(given_name="Khadija", family_name="Osman", date_of_birth=date(1979, 2, 2))],
    )
    elsewhere = make_household(site)
    round_ = make_round(site)
    known = elsewhere.members.order_by("pk").first()
    again = MemberInput(
        relationship="other_relative",
        sex=known.sex,
        given_name=known.given_name,
        family_name=known.family_name,
        date_of_birth=known.date_of_birth,
    )
    with pytest.raises(Refused) as refused:
        confirm(round_, household, new_members=[again])
    assert elsewhere.number in refused.value.errors["new_members.0"][0]
    confirmation = confirm(
        round_, household, new_members=[again], duplicate_reason="Twin, same name"
    )
    assert confirmation.new_people == 1
    event = LifeEvent.objects.get(reason=EventReason.FOUND_IN_VERIFICATION)
    assert event.note == "Twin, same name"


def test_the_api_records_new_members_with_an_age(client_as, site):
    household = make_household(site)
    round_ = make_round(site)
    clerk = client_as(Role.REGISTRATION_CLERK, [site])
    members = list(household.members.order_by("pk").values_list("pk", flat=True))
    body = {
        "household": household.number,
        "present": members,
        "new_members": [
            {"names_unknown": True, "sex": "male", "age": 40, "relationship": "spouse"}
        ],
    }
    url = f"/api/v1/verification-rounds/{round_.pk}/confirmations"
    bad = clerk.post(
        url,
        {**body, "new_members": [{"sex": "male", "relationship": "spouse"}]},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert "new_members.0.given_name" in bad.json()["errors"]
    done = clerk.post(url, body, content_type="application/json")
    assert done.status_code == 201, done.json()
    (new_id,) = done.json()["new_members"]
    person = Individual.objects.get(pk=new_id)
    assert (person.date_of_birth.year, person.date_of_birth_precision) == (
        timezone.localdate().year - 40,
        "estimated",
    )
    report = clerk.get(f"/api/v1/verification-rounds/{round_.pk}/report").json()
    assert [p["id"] for p in report["new_members"]] == [new_id]


def test_the_desk_page_records_a_new_person_and_the_report_shows_them(client_as, site):
    household = make_household(site)
    round_ = make_round(site)
    clerk = client_as(Role.REGISTRATION_CLERK, [site])
    desk = reverse("verification-desk", args=[round_.pk])
    page = clerk.get(desk, {"household": household.number})
    assert "new-0-given_name" in page.content.decode()
    members = list(household.members.order_by("pk").values_list("pk", flat=True))
    body = {
        "household": household.number,
        "new_people": "0",
        "new-TOTAL_FORMS": "1",
        "new-INITIAL_FORMS": "0",
        **{f"member_{pk}": "present" for pk in members},
    }
    more = clerk.post(desk, {**body, "add_new_member": "1"})
    assert "new-1-given_name" in more.content.decode()
    refused = clerk.post(desk, {**body, "new-0-sex": "female", "new-0-relationship": "child"})
    assert refused.status_code == 422
    assert refused.context["new_members"].forms[0].errors["given_name"]
    done = clerk.post(
        desk,
        {
            **body,
            "new-0-given_name": "Mariam",
            "new-0-sex": "female",
            "new-0-date_of_birth": "about 3",
            "new-0-relationship": "grandchild",
        },
    )
    assert done.status_code == 302
    mariam = household.members.get(given_name="Mariam")
    assert mariam.date_of_birth_precision == "estimated"
    report = clerk.get(reverse("verification-report", args=[round_.pk])).content.decode()
    assert "Mariam" in report
