"""Registering a household: one transaction, clear field errors, nothing half-saved.
Runs on SQLite and PostgreSQL (scripts/test runs the suite against both)."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from edgecamp.registry.models import (
    Household,
    HouseholdNumberSequence,
    IdentityDocument,
    Individual,
    LifeEvent,
    Membership,
    SpecificNeedRecord,
)
from edgecamp.registry.services import (
    DocumentInput,
    RegistrationError,
    move_individual,
    register_household,
    set_household_status,
    set_individual_status,
)
from edgecamp.sites.models import Shelter, Site
from tests.registry.factories import household_input, make_household, member
from tests.sites.factories import make_shelter

pytestmark = pytest.mark.django_db


def _row_counts() -> dict[str, int]:
    models = [Household, Individual, Membership, SpecificNeedRecord, IdentityDocument, LifeEvent]
    return {m.__name__: m.objects.count() for m in models}


def test_registers_household_with_members_history_and_number(site):
    data = household_input(site)
    household = register_household(data)

    assert household.number == "EDG-000001"
    members = list(household.members.order_by("id"))
    assert [m.given_name for m in members] == ["Amina", "Yusuf"]
    assert household.focal_point == members[0]
    assert members[1].specific_needs.get().code == "DS"
    assert members[1].documents.get().number == data.members[1].documents[0].number
    assert Membership.objects.filter(household=household, ended_on__isnull=True).count() == 2
    change = household.life_events.get()
    assert (change.kind, change.old_status, change.new_status) == ("registration", "", "active")
    assert not change.individuals.exists()
    assert household.registration_date == timezone.localdate()


def test_numbers_are_consecutive_and_unique(site):
    numbers = [make_household(site).number for _ in range(3)]
    assert numbers == ["EDG-000001", "EDG-000002", "EDG-000003"]


def test_failed_registration_does_not_burn_a_number(site):
    make_household(site)
    with pytest.raises(RegistrationError):
        register_household(household_input(site, members=[]))
    assert make_household(site).number == "EDG-000002"


def test_search_text_folds_accents_and_aliases(site):
    household = register_household(
        household_input(
            site,
            members=[member(given_name="Éloïse", family_name="N'Diaye", other_names=["Lola"])],
        )
    )
    assert household.members.get().search_text == "eloise n'diaye lola"


def test_year_only_birth_dates_are_stored_as_first_of_january(site):
    household = register_household(
        household_input(
            site,
            members=[member(date_of_birth=date(1970, 6, 30), date_of_birth_precision="year")],
        )
    )
    assert household.members.get().date_of_birth == date(1970, 1, 1)


@pytest.mark.parametrize(
    ("members", "overrides", "path", "fragment"),
    [
        ([], {}, "members", "at least one member"),
        ([member(relationship="spouse")], {}, "members", "exactly one member"),
        ([member(), member()], {}, "members", "found 2"),
        ([member(given_name="", family_name="")], {}, "members.0.given_name", "names unknown"),
        ([member(sex="f")], {}, "members.0.sex", "female, male"),
        ([member(relationship="cousin")], {}, "members.0.relationship", "relationship"),
        (
            [member(date_of_birth=date.today() + timedelta(days=2))],
            {},
            "members.0.date_of_birth",
            "future",
        ),
        ([member(date_of_birth=date(1850, 1, 1))], {}, "members.0.date_of_birth", "plausible"),
        ([member(date_of_birth_precision="guess")], {}, "members.0.date_of_birth_precision", ""),
        ([member(nationality="XYZ")], {}, "members.0.nationality", "ISO 3166"),
        ([member(specific_needs=["ZZ"])], {}, "members.0.specific_needs", "“ZZ”"),
        (
            [member(documents=[DocumentInput(type="passport", number=" ")])],
            {},
            "members.0.documents.0.number",
            "document number",
        ),
        (
            [member(documents=[DocumentInput(type="visa", number="1")])],
            {},
            "members.0.documents.0.type",
            "document type",
        ),
        ([member()], {"phone": "call me"}, "phone", "digits"),
        ([member()], {"language": "klingon"}, "language", "ISO 639"),
        ([member()], {"registration_desk": "d" * 41}, "registration_desk", "40 characters"),
        ([member()], {"place_of_origin": "p" * 121}, "place_of_origin", "120 characters"),
        ([member(given_name="g" * 101)], {}, "members.0.given_name", "100 characters"),
        ([member(other_names=["x"] * 11)], {}, "members.0.other_names", "at most 10"),
        (
            [member()],
            {"registration_date": date.today() + timedelta(days=3)},
            "registration_date",
            "future",
        ),
    ],
)
def test_invalid_input_names_the_field_and_writes_nothing(site, members, overrides, path, fragment):
    before = _row_counts()
    with pytest.raises(RegistrationError) as caught:
        register_household(household_input(site, members=members, **overrides))
    assert path in caught.value.errors, caught.value.errors
    assert fragment in " ".join(caught.value.errors[path])
    assert _row_counts() == before
    assert not HouseholdNumberSequence.objects.filter(last_value__gt=0).exists()


def test_every_error_is_reported_at_once(site):
    with pytest.raises(RegistrationError) as caught:
        register_household(
            household_input(
                site,
                members=[member(sex="x"), member(relationship="child", nationality="QQQ")],
                phone="??",
            )
        )
    assert set(caught.value.errors) == {"members.0.sex", "members.1.nationality", "phone"}


def test_names_may_be_blank_when_explicitly_unknown(site):
    household = register_household(
        household_input(site, members=[member(given_name="", family_name="", names_unknown=True)])
    )
    assert str(household.members.get()) == "(name unknown)"


def test_unknown_site_closed_site_and_foreign_shelter_are_refused(site):
    with pytest.raises(RegistrationError) as caught:
        register_household(household_input(site, site_id=999_999))
    assert "site" in caught.value.errors

    closed = Site.objects.create(name="Old", code="old", type="planned_camp", status="closed")
    with pytest.raises(RegistrationError) as caught:
        register_household(household_input(closed))
    assert "closed" in caught.value.errors["site"][0]

    elsewhere = make_shelter()
    with pytest.raises(RegistrationError) as caught:
        register_household(household_input(site, shelter_id=elsewhere.pk))
    assert "another site" in caught.value.errors["shelter"][0]

    damaged = make_shelter(site, status=Shelter.Status.DAMAGED)
    with pytest.raises(RegistrationError) as caught:
        register_household(household_input(site, shelter_id=damaged.pk))
    assert "damaged" in caught.value.errors["shelter"][0]


def test_database_failure_midway_rolls_back_everything(site, monkeypatch):
    """A failure after the household row was written (here: the second member's needs) must
    leave no household, member or number behind."""
    from edgecamp.registry import services

    calls = {"n": 0}
    real = services._create_member

    def failing(household, data, started_on):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return real(household, data, started_on)

    monkeypatch.setattr(services, "_create_member", failing)
    before = _row_counts()
    with pytest.raises(RuntimeError):
        register_household(household_input(site))
    assert _row_counts() == before
    monkeypatch.undo()
    assert make_household(site).number == "EDG-000001"


def test_database_constraints_back_the_validation(site):
    """Even code that bypasses the service cannot store a nameless person."""
    from django.db import IntegrityError, transaction

    household = make_household(site)
    with pytest.raises(IntegrityError), transaction.atomic():
        Individual.objects.create(household=household, sex="male", relationship="child")
    assert connection.vendor in {"sqlite", "postgresql"}


def test_status_changes_are_recorded(site, admin_user):
    household = make_household(site)
    set_household_status(household, "relocated", reason="moved to site B", changed_by=admin_user)
    person = household.members.first()
    set_individual_status(person, "missing", reason="not seen since Tuesday")

    household.refresh_from_db()
    assert household.status == "relocated"
    latest = household.life_events.filter(individuals=None).last()
    assert (latest.old_status, latest.new_status, latest.recorded_by) == (
        "active",
        "relocated",
        admin_user,
    )
    assert (latest.kind, latest.note) == ("status_change", "moved to site B")
    assert person.life_events.get().new_status == "missing"
    with pytest.raises(RegistrationError):
        set_household_status(household, "vanished", reason="")


def test_moving_a_person_keeps_membership_history(site):
    first = make_household(site)
    second = make_household(site)
    child = first.members.get(given_name="Yusuf")
    move_individual(child, second, relationship="foster_child", reason="joined aunt")

    history = list(child.memberships.order_by("id"))
    assert [m.household for m in history] == [first, second]
    assert history[0].ended_on is not None
    assert history[1].ended_on is None
    child.refresh_from_db()
    assert (child.household, child.relationship) == (second, "foster_child")


def test_registering_into_a_family_shelter_occupies_it(site):
    tent = make_shelter(site, capacity=5)
    make_household(site, shelter_id=tent.pk)
    tent.refresh_from_db()
    assert tent.status == Shelter.Status.OCCUPIED

    with pytest.raises(RegistrationError) as caught:
        register_household(household_input(site, shelter_id=tent.pk))
    assert "already houses a household" in caught.value.errors["shelter"][0]


def test_collective_hall_takes_households_up_to_capacity(site):
    hall = make_shelter(site, type=Shelter.Type.COLLECTIVE_HALL, capacity=5, covered_m2=60)
    make_household(site, shelter_id=hall.pk)  # 2 people
    make_household(site, shelter_id=hall.pk)  # 4 people
    hall.refresh_from_db()
    assert hall.status == Shelter.Status.AVAILABLE
    with pytest.raises(RegistrationError) as caught:
        make_household(site, shelter_id=hall.pk)  # would be 6
    assert "holds 5 people and 4 already live there" in caught.value.errors["shelter"][0]
    register_household(household_input(site, members=[member()], shelter_id=hall.pk))
    hall.refresh_from_db()
    assert hall.status == Shelter.Status.OCCUPIED


def test_an_inactive_household_keeps_its_place_in_a_hall(site):
    # Room checks and the "full" mark count the same people: an inactive household still lives
    # there until it is verified as departed; a departed one frees its places.
    hall = make_shelter(site, type=Shelter.Type.COLLECTIVE_HALL, capacity=5, covered_m2=60)
    first = make_household(site, shelter_id=hall.pk)  # 2 people
    make_household(site, shelter_id=hall.pk)  # 4 people
    set_household_status(first, "inactive", reason="not seen at two distributions")
    register_household(household_input(site, members=[member()], shelter_id=hall.pk))
    hall.refresh_from_db()
    assert hall.status == Shelter.Status.OCCUPIED  # 2 inactive + 2 + 1 = 5 of 5

    hall.status = Shelter.Status.AVAILABLE
    hall.save()
    set_household_status(first, "departed", reason="left the camp")
    register_household(household_input(site, members=[member()], shelter_id=hall.pk))
    hall.refresh_from_db()
    assert hall.status == Shelter.Status.AVAILABLE  # 2 + 1 + 1 = 4 of 5


def test_household_larger_than_the_shelter_is_refused(site):
    tent = make_shelter(site, capacity=1)
    with pytest.raises(RegistrationError) as caught:
        make_household(site, shelter_id=tent.pk)
    assert "holds 1 people" in caught.value.errors["shelter"][0]
