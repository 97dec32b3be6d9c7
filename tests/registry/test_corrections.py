"""The correction service (registry.corrections): history with values before and after,
nothing half-written, the desk index taking a corrected record at once (no rebuild), the
review queue, focal point rules, the audit log. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest

from edgecamp.accounts.roles import Role
from edgecamp.audit.models import AuditEntry
from edgecamp.core.access import scope_for
from edgecamp.registry import corrections, duplicates
from edgecamp.registry.corrections import (
    CorrectionError,
    DocumentChange,
    EditConflict,
    HouseholdCorrection,
    IndividualCorrection,
)
from edgecamp.registry.models import (
    DuplicateCandidate,
    Household,
    IdentityDocument,
    Individual,
    LifeEvent,
    NotSamePerson,
)
from edgecamp.registry.services import DocumentInput
from tests.accounts.factories import make_user
from tests.registry.factories import make_household, member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_index():
    duplicates.reset_desk_index()
    yield
    duplicates.reset_desk_index()


@pytest.fixture
def clerk(site):
    return make_user("desk-clerk", role=Role.REGISTRATION_CLERK, sites=[site])


@pytest.fixture
def household(site) -> Household:
    return make_household(site)


def _correct(person: Individual, clerk, **values) -> Individual:
    return corrections.correct_individual(
        person.pk,
        IndividualCorrection(reason="data_error", values=values),
        scope=scope_for(clerk),
        corrected_by=clerk,
    )


def test_every_household_field_keeps_its_value_before(household, clerk):
    child = household.members.get(relationship="child")
    focal = household.focal_point
    corrections.correct_household(
        household.pk,
        HouseholdCorrection(
            reason="new_information",
            note="New phone",
            values={
                "phone": "+249 900 000 001",
                "language": "FR",
                "place_of_origin": "Nyala",
                "registration_desk": "desk-9",
                "focal_point": child.pk,
            },
            previous_focal_point_relationship="parent",
        ),
        scope=scope_for(clerk),
        corrected_by=clerk,
    )
    household.refresh_from_db()
    assert (household.phone, household.language, household.place_of_origin) == (
        "+249 900 000 001",
        "fr",
        "Nyala",
    )
    assert (household.registration_desk, household.focal_point_id) == ("desk-9", child.pk)
    event = LifeEvent.objects.get(kind="correction")
    changes = {c["field"]: (c["before"], c["after"]) for c in event.data["changes"]}
    assert changes == {
        "phone": ("+249 912 345 678", "+249 900 000 001"),
        "language": ("ar", "fr"),
        "place_of_origin": ("Al Fashir", "Nyala"),
        "registration_desk": ("desk-1", "desk-9"),
        "focal_point": (focal.pk, child.pk),
        f"members.{focal.pk}.relationship": ("focal_point", "parent"),
        f"members.{child.pk}.relationship": ("child", "focal_point"),
    }
    assert (event.reason, event.note, event.recorded_by) == ("new_information", "New phone", clerk)
    readable = corrections.readable_changes(event, {focal.pk: "Amina", child.pk: "Yusuf"})
    assert ("Focal point", "Amina", "Yusuf") in [(r.label, r.before, r.after) for r in readable]


def test_a_correction_changing_nothing_records_nothing(household, clerk):
    corrections.correct_household(
        household.pk,
        HouseholdCorrection(reason="data_error", values={"phone": household.phone}),
        scope=scope_for(clerk),
    )
    assert not LifeEvent.objects.filter(kind="correction").exists()


def test_a_refused_correction_writes_nothing(household, clerk):
    child = household.members.get(relationship="child")
    before = Individual.objects.get(pk=child.pk)
    with pytest.raises(CorrectionError) as refused:
        corrections.correct_individual(
            child.pk,
            IndividualCorrection(
                reason="data_error",
                values={"given_name": "Youssef", "date_of_birth": date(2999, 1, 1)},
                documents=[DocumentChange(values={"type": "passport", "number": "P-1"})],
                needs_added=["SM"],
            ),
            scope=scope_for(clerk),
        )
    assert set(refused.value.errors) == {"date_of_birth"}
    child.refresh_from_db()
    assert child.given_name == before.given_name
    assert not IdentityDocument.objects.filter(number="P-1").exists()
    assert not child.specific_needs.filter(code="SM").exists()
    assert not LifeEvent.objects.filter(kind="correction").exists()


def test_the_web_form_is_refused_when_the_record_changed(household, clerk):
    drawn = corrections.household_values(household)
    corrections.correct_household(
        household.pk,
        HouseholdCorrection(reason="data_error", values={"phone": "+249 900 000 001"}),
        scope=scope_for(clerk),
        corrected_by=clerk,
    )
    with pytest.raises(EditConflict) as conflict:
        corrections.correct_household(
            household.pk,
            HouseholdCorrection(
                reason="data_error", values={"phone": "+249 900 000 002"}, expected=drawn
            ),
            scope=scope_for(clerk),
        )
    assert conflict.value.differing == ["phone"]
    assert conflict.value.current["phone"] == "+249 900 000 001"
    assert conflict.value.changed_by == "desk-clerk"


def test_a_merged_record_is_not_corrected(household, clerk):
    child = household.members.get(relationship="child")
    Individual.objects.filter(pk=child.pk).update(status=Individual.Status.MERGED)
    with pytest.raises(CorrectionError) as refused:
        _correct(child, clerk, given_name="Other")
    assert "__all__" in refused.value.errors


def test_relationship_to_focal_point_only_through_the_household(household, clerk):
    child = household.members.get(relationship="child")
    with pytest.raises(CorrectionError) as refused:
        _correct(child, clerk, relationship="focal_point")
    assert "relationship" in refused.value.errors
    with pytest.raises(CorrectionError):
        _correct(household.focal_point, clerk, relationship="spouse")


def test_year_only_date_is_stored_on_the_first_of_january(household, clerk):
    child = household.members.get(relationship="child")
    _correct(child, clerk, date_of_birth=date(2014, 7, 9), date_of_birth_precision="year")
    child.refresh_from_db()
    assert child.date_of_birth == date(2014, 1, 1)


def test_a_withdrawn_document_frees_its_number(site, household, clerk):
    child = household.members.get(relationship="child")
    document = child.documents.get()
    corrections.correct_individual(
        child.pk,
        IndividualCorrection(
            reason="data_error", documents=[DocumentChange(id=document.pk, withdraw=True)]
        ),
        scope=scope_for(clerk),
    )
    document.refresh_from_db()
    assert document.active is False
    other = make_household(
        site,
        members=[member(documents=[DocumentInput(type=document.type, number=document.number)])],
    )
    assert other.members.get().documents.get().number == document.number


# --- The desk index and the review queue ---------------------------------------------------------


def _likely(clerk, **person):
    return duplicates.likely_matches(member(**person), scope=scope_for(clerk))


def test_the_desk_sees_a_corrected_name_at_once_without_a_rebuild(household, clerk, monkeypatch):
    child = household.members.get(relationship="child")
    _likely(clerk, given_name="Nobody", family_name="Here")  # builds the index
    builds = []
    original = duplicates._DeskCache._build
    monkeypatch.setattr(
        duplicates._DeskCache, "_build", lambda self: (builds.append(1), original(self))
    )
    _correct(child, clerk, given_name="Ibrahim")
    found = _likely(
        clerk,
        given_name="Ibrahim",
        family_name="Haroun",
        sex="male",
        date_of_birth=date(2015, 1, 1),
        date_of_birth_precision="estimated",
    )
    assert [m.individual.pk for m in found] == [child.pk]
    assert found[0].individual.given_name == "Ibrahim"
    # The old name no longer finds the person.
    old = _likely(
        clerk,
        given_name="Yusuf",
        family_name="Haroun",
        sex="male",
        date_of_birth=date(2015, 1, 1),
    )
    assert child.pk not in [m.individual.pk for m in old]
    assert builds == []


def test_a_corrected_phone_reaches_the_index(household, clerk):
    _likely(clerk, given_name="Nobody", family_name="Here")
    corrections.correct_household(
        household.pk,
        HouseholdCorrection(reason="data_error", values={"phone": "+249 955 111 222"}),
        scope=scope_for(clerk),
    )
    found = duplicates.likely_matches(
        member(given_name="Amina", family_name="Haroun", date_of_birth=date(1988, 3, 14)),
        scope=scope_for(clerk),
        phone="+249 955 111 222",
    )
    assert found
    evidence = {e["comparison"]: e["level"] for e in found[0].evidence}
    assert evidence.get("phone") not in (None, "different")


def test_a_correction_making_two_records_alike_queues_the_pair(
    site, household, clerk, django_capture_on_commit_callbacks
):
    other = make_household(
        site,
        members=[
            member(
                given_name="Mohamed",
                family_name="Idriss",
                sex="male",
                date_of_birth=date(1979, 4, 4),
            )
        ],
        place_of_origin="Nyala",
        phone="+249 933 444 555",
    )
    twin = make_household(
        site,
        members=[
            member(
                given_name="Muhammad",
                family_name="Osman",
                sex="male",
                date_of_birth=date(1979, 4, 4),
            )
        ],
        place_of_origin="Nyala",
        phone="+249 933 444 555",
    )
    person = twin.members.get()
    assert not DuplicateCandidate.objects.exists()
    with django_capture_on_commit_callbacks(execute=True) as after_commit:
        _correct(person, clerk, family_name="Idriss")
        # Queued for once the correction commits, not checked inside it.
        assert not DuplicateCandidate.objects.exists()
    assert len(after_commit) == 1
    candidate = DuplicateCandidate.objects.get()
    first = other.members.get()
    assert (candidate.individual_l_id, candidate.individual_r_id) == (first.pk, person.pk)
    assert candidate.status == "open"
    assert candidate.probability >= duplicates.REVIEW_THRESHOLD
    # Again: the pair is open already; judged different, it is never proposed again.
    with django_capture_on_commit_callbacks(execute=True):
        _correct(person, clerk, given_name="Muhammed")
    assert DuplicateCandidate.objects.count() == 1
    duplicates.mark_not_same(candidate)
    assert NotSamePerson.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        _correct(person, clerk, given_name="Muhammad")
    assert DuplicateCandidate.objects.filter(status="open").count() == 0


# --- Audit -------------------------------------------------------------------------------------


def test_corrections_are_audited_with_who(household, clerk):
    from edgecamp.core import context

    child = household.members.get(relationship="child")
    with context.acting_as(clerk, "web"):
        _correct(child, clerk, given_name="Youssef")
    entries = AuditEntry.objects.filter(actor_id=clerk.pk)
    models = {e.model for e in entries}
    assert {"registry.individual", "registry.lifeevent"} <= models
    row = entries.get(model="registry.individual")
    assert row.changes["given_name"] == ["Yusuf", "Youssef"]


@pytest.mark.parametrize(
    ("change", "shown"),
    [
        ({"field": "phone", "before": "+249 1", "after": "+249 2"}, ("Phone", "+249 1", "+249 2")),
        ({"field": "sex", "before": "male", "after": "female"}, ("Sex", "Male", "Female")),
        (
            {"field": "date_of_birth", "before": None, "after": "2015-06-02"},
            ("Date of birth", "—", "2015-06-02"),
        ),
        (
            {"field": "names_unknown", "before": False, "after": True},
            ("Names unknown", "no", "yes"),
        ),
        (
            {"field": "other_names", "before": [], "after": ["Yusuf", "Youssef"]},
            ("Other names", "—", "Yusuf, Youssef"),
        ),
        (
            {"field": "specific_needs", "before": ["DS"], "after": []},
            ("Specific needs", "DS Disability", "—"),
        ),
        (
            {"field": "documents.7", "before": None, "after": {"type": "passport", "number": "P1"}},
            ("Document", "—", "Passport P1"),
        ),
        (
            {"field": "documents.7.number", "before": "P1", "after": "P2"},
            ("Document number", "P1", "P2"),
        ),
        (
            {"field": "members.3.relationship", "before": "child", "after": "focal_point"},
            ("Relationship of Yusuf", "Child", "Focal point"),
        ),
    ],
)
def test_readable_changes(change, shown):
    event = LifeEvent(kind="correction", data={"changes": [change]})
    (row,) = corrections.readable_changes(event, {3: "Yusuf"})
    assert (row.label, row.before, row.after) == shown
