"""Duplicate registrations: the desk check at registration (form and API), its scoping, and the
review queue the dedupe job fills."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from edgecamp.accounts.roles import Role
from edgecamp.core.access import scope_for
from edgecamp.registry.duplicates import (
    likely_matches,
    mark_not_same,
    repeated_members,
    reset_desk_index,
    run_dedupe_job,
)
from edgecamp.registry.models import DuplicateCandidate, Household, Individual, NotSamePerson
from edgecamp.registry.services import DocumentInput
from tests.accounts.factories import make_user
from tests.registry.factories import make_household, member
from tests.registry.test_pages import _post_data
from tests.sites.factories import make_site

pytestmark = pytest.mark.django_db

MOHAMMED = {
    "given_name": "Muhammad",
    "family_name": "Haroun",
    "sex": "male",
    "date_of_birth": "1980-05-02",
    "relationship": "focal_point",
    "nationality": "SDN",
}


@pytest.fixture(autouse=True)
def _fresh_index():
    reset_desk_index()
    yield
    reset_desk_index()


@pytest.fixture
def home(site):
    return make_household(
        site,
        members=[
            member(
                given_name="Mohammed",
                family_name="Haroun",
                sex="male",
                date_of_birth=date(1980, 5, 2),
            ),
            member(
                relationship="spouse",
                given_name="Amina",
                family_name="Haroun",
                date_of_birth=date(1985, 1, 9),
                specific_needs=["SP"],
            ),
        ],
        place_of_origin="Nyala",
    )


@pytest.fixture
def clerk(site):
    return make_user("desk-clerk", role=Role.REGISTRATION_CLERK, sites=[site])


def _counts() -> tuple[int, int]:
    return Household.objects.count(), Individual.objects.count()


def _html(response: Any) -> str:
    return response.content.decode()


# --- Desk check: the service -----------------------------------------------------------------


def test_spelling_variant_is_a_likely_match(home, clerk):
    found = likely_matches(
        member(
            given_name="Muhammad", family_name="Haroun", sex="male", date_of_birth=date(1980, 5, 2)
        ),
        scope=scope_for(clerk),
    )
    assert [m.household_number for m in found] == [home.number]
    assert found[0].individual.given_name == "Mohammed"
    assert found[0].probability >= 0.8
    agreed = {e["comparison"] for e in found[0].evidence if e["weight"] > 0}
    assert {"family_name", "date_of_birth"} <= agreed
    assert all("SP" not in str(e) for e in found[0].evidence)


def test_a_new_person_has_no_match(home, clerk):
    found = likely_matches(
        member(given_name="Khadija", family_name="Ousmane", date_of_birth=date(1999, 11, 3)),
        scope=scope_for(clerk),
    )
    assert found == []


def test_people_registered_after_the_index_was_built_are_found(home, clerk, site):
    scope = scope_for(clerk)
    assert likely_matches(member(given_name="Zainab", family_name="Idriss"), scope=scope) == []
    later = make_household(site, members=[member(given_name="Zainab", family_name="Idriss")])
    found = likely_matches(member(given_name="Zeinab", family_name="Idriss"), scope=scope)
    assert [m.household_number for m in found] == [later.number]


# --- Desk check: the form ----------------------------------------------------------------------


def test_form_warns_of_a_re_registration_and_writes_nothing(client, clerk, site, home):
    client.force_login(clerk)
    before = _counts()
    response = client.post(reverse("household-register"), _post_data(site, [MOHAMMED]))
    assert response.status_code == 200
    html = _html(response)
    assert "Possible duplicates" in html
    assert reverse("household-detail", kwargs={"number": home.number}) in html
    assert "Mohammed Haroun" in html
    assert "1980-05-02" in html
    assert _counts() == before


def test_confirming_without_a_reason_still_writes_nothing(client, clerk, site, home):
    client.force_login(clerk)
    before = _counts()
    data = _post_data(site, [MOHAMMED], duplicates_confirmed="1", duplicate_override_reason=" ")
    html = _html(client.post(reverse("household-register"), data))
    assert "Give the reason" in html
    assert _counts() == before


def test_saving_anyway_with_a_reason_records_it(client, clerk, site, home):
    client.force_login(clerk)
    data = _post_data(
        site, [MOHAMMED], duplicates_confirmed="1", duplicate_override_reason="Cousin, same name"
    )
    response = client.post(reverse("household-register"), data)
    assert response.status_code == 302
    created = Household.objects.exclude(pk=home.pk).get()
    assert created.duplicate_override_reason == "Cousin, same name"


def test_a_genuinely_new_person_sees_no_warning(client, clerk, site, home):
    client.force_login(clerk)
    newcomer = {**MOHAMMED, "given_name": "Khadija", "family_name": "Ousmane", "sex": "female",
                "date_of_birth": "1999-11-03"}  # fmt: skip
    response = client.post(reverse("household-register"), _post_data(site, [newcomer]))
    assert response.status_code == 302
    assert Household.objects.exclude(pk=home.pk).get().duplicate_override_reason == ""


def test_people_of_other_sites_are_never_shown(client, site, home):
    elsewhere = make_site(name="Other camp", code="other")
    clerk = make_user("other-clerk", role=Role.REGISTRATION_CLERK, sites=[elsewhere])
    client.force_login(clerk)
    body = client.post(
        "/api/v1/households/check-duplicates",
        {"members": [MOHAMMED]},
        content_type="application/json",
    ).json()
    assert body == {"members": [], "repeated": []}
    response = client.post(reverse("household-register"), _post_data(elsewhere, [MOHAMMED]))
    assert response.status_code == 302
    assert "Mohammed" not in _html(client.get(response.url))


# --- Desk check: the API -----------------------------------------------------------------------


def _api_body(site, **extra: Any) -> dict[str, Any]:
    return {"site": site.pk, "place_of_origin": "Nyala", "members": [MOHAMMED], **extra}


def test_api_answers_409_with_the_matches_and_writes_nothing(client, clerk, site, home):
    client.force_login(clerk)
    before = _counts()
    response = client.post("/api/v1/households", _api_body(site), content_type="application/json")
    assert response.status_code == 409
    body = response.json()
    assert body["members"][0]["member"] == 0
    match = body["members"][0]["matches"][0]
    assert match["household_number"] == home.number
    assert match["given_name"] == "Mohammed"
    assert match["probability"] >= 0.8
    assert "SP" not in response.content.decode()
    assert _counts() == before


def test_api_registers_when_the_duplicates_are_confirmed(client, clerk, site, home):
    client.force_login(clerk)
    body = _api_body(site, duplicates_confirmed_reason="Checked papers: different person")
    response = client.post("/api/v1/households", body, content_type="application/json")
    assert response.status_code == 201
    created = Household.objects.get(number=response.json()["number"])
    assert created.duplicate_override_reason == "Checked papers: different person"


def test_api_check_duplicates(client, clerk, site, home):
    client.force_login(clerk)
    newcomer = {**MOHAMMED, "given_name": "Khadija", "family_name": "Ousmane", "sex": "female"}
    response = client.post(
        "/api/v1/households/check-duplicates",
        {"members": [newcomer, {**MOHAMMED, "relationship": "spouse"}]},
        content_type="application/json",
    )
    assert response.status_code == 200
    found = response.json()["members"]
    assert [m["member"] for m in found] == [1]
    assert found[0]["matches"][0]["household_number"] == home.number
    assert _counts() == (1, 2)


# --- Review queue ------------------------------------------------------------------------------


@pytest.fixture
def registered_twice(site, home):
    return make_household(
        site,
        members=[
            member(
                given_name="Muhammad",
                family_name="Haroun",
                sex="male",
                date_of_birth=date(1980, 5, 2),
            ),
            member(
                relationship="spouse",
                given_name="Aminah",
                family_name="Haroun",
                date_of_birth=date(1985, 1, 9),
            ),
        ],
        place_of_origin="Nyala",
        duplicate_override_reason="test",
    )


def test_the_job_fills_the_queue_and_remembers_not_the_same(site, home, registered_twice):
    summary = run_dedupe_job()
    assert summary.proposed >= 1
    candidates = list(DuplicateCandidate.objects.select_related("individual_l", "individual_r"))
    names = {(c.individual_l.given_name, c.individual_r.given_name) for c in candidates}
    assert ("Mohammed", "Muhammad") in names
    # Running again proposes nothing new while the candidates are open.
    assert run_dedupe_job().proposed == 0
    assert DuplicateCandidate.objects.count() == len(candidates)

    for candidate in candidates:
        mark_not_same(candidate)
    assert NotSamePerson.objects.count() == len(candidates)
    again = run_dedupe_job()
    assert again.proposed == 0
    assert again.skipped_not_same == len(candidates)
    assert not DuplicateCandidate.objects.filter(status="open").exists()


def test_review_page_lists_candidates_and_marks_not_the_same(client, site, home, registered_twice):
    run_dedupe_job()
    manager = make_user("manager-1", role=Role.CAMP_MANAGER, sites=[site])
    client.force_login(manager)
    html = _html(client.get(reverse("duplicate-review")))
    assert "Mohammed Haroun" in html
    assert "Muhammad Haroun" in html
    candidate = DuplicateCandidate.objects.filter(status="open").first()
    response = client.post(reverse("duplicate-not-same", kwargs={"candidate_id": candidate.pk}))
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.status == "not_same"
    assert candidate.decided_by == manager


def test_review_page_hides_pairs_of_other_sites(client, site, home, registered_twice):
    run_dedupe_job()
    elsewhere = make_site(name="Other camp", code="other")
    manager = make_user("manager-2", role=Role.CAMP_MANAGER, sites=[elsewhere])
    client.force_login(manager)
    html = _html(client.get(reverse("duplicate-review")))
    assert "Haroun" not in html
    candidate = DuplicateCandidate.objects.first()
    url = reverse("duplicate-not-same", kwargs={"candidate_id": candidate.pk})
    assert client.post(url).status_code == 404


def test_dedupe_registry_command(site, home, registered_twice, capsys):
    from edgecamp import cli

    assert cli.main(["dedupe-registry"]) == 0
    assert "new for review" in capsys.readouterr().err
    assert DuplicateCandidate.objects.filter(status="open").exists()


def test_an_edited_person_is_found_under_the_new_name(home, clerk):
    scope = scope_for(clerk)
    amina = Individual.objects.get(given_name="Amina")
    assert likely_matches(member(given_name="Halima", family_name="Haroun"), scope=scope) == []
    amina.given_name = "Halima"
    amina.save()
    found = likely_matches(
        member(given_name="Halima", family_name="Haroun", date_of_birth=date(1985, 1, 9)),
        scope=scope,
    )
    assert [m.individual.pk for m in found] == [amina.pk]


# --- At the desk: "this is the same household" -------------------------------------------------

CHILD = {
    "given_name": "Yusuf",
    "family_name": "Haroun",
    "sex": "male",
    "date_of_birth": "2016-02-11",
    "relationship": "child",
    "nationality": "SDN",
}


def test_the_panel_offers_to_open_the_matched_household(client, clerk, site, home):
    client.force_login(clerk)
    html = _html(client.post(reverse("household-register"), _post_data(site, [MOHAMMED])))
    assert f'name="link_household" value="{home.number}"' in html
    assert "Same people: open household" in html


def test_linking_a_person_already_there_registers_nothing(client, clerk, site, home):
    client.force_login(clerk)
    before = _counts()
    data = _post_data(site, [MOHAMMED], link_household=home.number)
    response = client.post(reverse("household-register"), data, follow=True)
    assert response.redirect_chain[-1][0] == reverse("household-detail", args=[home.number])
    assert "Nothing registered" in _html(response)
    assert _counts() == before


def test_linking_adds_the_new_members_to_the_matched_household(client, clerk, site, home):
    client.force_login(clerk)
    first = client.post(reverse("household-register"), _post_data(site, [MOHAMMED, CHILD]))
    assert "Same household: add the others to" in _html(first)
    data = _post_data(site, [MOHAMMED, CHILD], link_household=home.number)
    response = client.post(reverse("household-register"), data, follow=True)
    assert "1 member added to household" in _html(response)
    assert Household.objects.count() == 1
    yusuf = home.members.get(given_name="Yusuf")
    assert yusuf.relationship == "child"
    assert yusuf.memberships.get().ended_on is None
    assert home.members.count() == 3
    # The addition is an event of the household, naming who was added and by whom.
    added = home.life_events.get(reason="added_at_desk")
    assert (added.kind, added.recorded_by) == ("registration", clerk)
    assert list(added.individuals.all()) == [yusuf]
    assert not added.changes_status


def test_linking_refuses_a_second_focal_point(client, clerk, site, home):
    client.force_login(clerk)
    # Typed with the child as focal point: the household already has Mohammed as one.
    rows = [{**CHILD, "relationship": "focal_point"}, {**MOHAMMED, "relationship": "spouse"}]
    data = _post_data(site, rows, link_household=home.number)
    html = _html(client.post(reverse("household-register"), data))
    assert "already has a focal point" in html
    assert _counts() == (1, 2)


def test_linking_to_a_household_nobody_matches_is_refused(client, clerk, site, home):
    other = make_household(site, members=[member(given_name="Zainab", family_name="Idriss")])
    client.force_login(clerk)
    data = _post_data(site, [MOHAMMED], link_household=other.number)
    html = _html(client.post(reverse("household-register"), data))
    assert "Nobody you are registering matches" in html
    assert other.members.count() == 1


def test_api_link_to_adds_the_new_members(client, clerk, site, home):
    client.force_login(clerk)
    body = _api_body(site, members=[MOHAMMED, CHILD], link_to=home.number)
    response = client.post("/api/v1/households", body, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["number"] == home.number
    assert sorted(m["given_name"] for m in response.json()["members"]) == [
        "Amina",
        "Mohammed",
        "Yusuf",
    ]
    assert Household.objects.count() == 1


# --- The same person typed twice in one registration -------------------------------------------


def test_repeated_members_finds_a_person_typed_twice_but_not_twins():
    born = date(2016, 2, 11)
    rows = [
        member(given_name="Amina", family_name="Haroun", date_of_birth=date(1985, 1, 9)),
        member(relationship="child", given_name="Hassan", sex="male", date_of_birth=born),
        member(relationship="child", given_name="Hussein", sex="male", date_of_birth=born),
        # Amina again, names reordered and spelt differently, day and month swapped.
        member(relationship="sibling", given_name="Haroun", family_name="Aminah",
               date_of_birth=date(1985, 9, 1)),
        member(relationship="child", given_name="Other", family_name="Child",
               documents=[DocumentInput(type="birth_certificate", number="BC 9")]),
        member(relationship="child", given_name="Different", family_name="Name",
               documents=[DocumentInput(type="birth_certificate", number="bc-9")]),
    ]  # fmt: skip
    assert repeated_members(rows) == [(0, 3), (4, 5)]


def test_form_flags_a_member_typed_twice(client, clerk, site):
    client.force_login(clerk)
    newcomer = {**MOHAMMED, "given_name": "Khadija", "family_name": "Ousmane", "sex": "female",
                "date_of_birth": "1999-11-03"}  # fmt: skip
    data = _post_data(site, [newcomer, {**newcomer, "relationship": "sibling"}])
    html = _html(client.post(reverse("household-register"), data))
    assert "Member 2 looks like member 1 typed twice" in html
    assert _counts() == (0, 0)
    confirmed = _post_data(
        site,
        [newcomer, {**newcomer, "relationship": "sibling"}],
        duplicates_confirmed="1",
        duplicate_override_reason="Two sisters with the same name",
    )
    assert client.post(reverse("household-register"), confirmed).status_code == 302
    assert _counts() == (1, 2)


def test_api_flags_a_member_typed_twice(client, clerk, site):
    client.force_login(clerk)
    newcomer = {**MOHAMMED, "given_name": "Khadija", "family_name": "Ousmane", "sex": "female"}
    twice = [newcomer, {**newcomer, "relationship": "sibling"}]
    check = client.post(
        "/api/v1/households/check-duplicates", {"members": twice}, content_type="application/json"
    )
    assert check.json()["repeated"] == [{"member": 1, "same_as": 0}]
    response = client.post(
        "/api/v1/households", _api_body(site, members=twice), content_type="application/json"
    )
    assert response.status_code == 409
    assert response.json()["repeated"] == [{"member": 1, "same_as": 0}]
    assert _counts() == (0, 0)


def _pair(site, probability, *, status="open", evidence=None):
    left = make_household(site, members=[member(given_name="Kaltouma")]).members.get()
    right = make_household(site, members=[member(given_name="Kaltuma")]).members.get()
    return DuplicateCandidate.objects.create(
        individual_l=left,
        individual_r=right,
        probability=probability,
        status=status,
        evidence=evidence or [],
    )


def test_the_review_queue_filters_sorts_and_says_the_evidence_in_words(client_as, site):
    other_site = make_site(name="Other", code="other")
    certain = _pair(
        site,
        0.995,
        evidence=[
            {"comparison": "given_name", "level": "phonetic", "weight": 6.1},
            {"comparison": "date_of_birth", "level": "within_2_years", "weight": 1.2},
            {"comparison": "household", "level": "members_match", "weight": 9.0},
        ],
    )
    high = _pair(site, 0.96)
    low = _pair(site, 0.85)
    closed = _pair(site, 0.97, status=DuplicateCandidate.Status.NOT_SAME)
    elsewhere = _pair(other_site, 0.9)
    client = client_as(Role.CAMP_MANAGER)

    def listed(**params) -> list[int]:
        response = client.get(reverse("duplicate-review"), params)
        assert response.status_code == 200
        return [c.pk for c, _words in response.context["candidates"]]

    assert listed() == [certain.pk, high.pk, elsewhere.pk, low.pk]  # open, most likely first
    assert listed(order="score_low") == [low.pk, elsewhere.pk, high.pk, certain.pk]
    assert listed(order="newest")[0] == elsewhere.pk
    assert listed(site=site.pk) == [certain.pk, high.pk, low.pk]
    assert listed(band="certain") == [certain.pk]
    assert listed(band="high") == [high.pk]
    assert listed(band="review") == [elsewhere.pk, low.pk]
    assert listed(status="not_same") == [closed.pk]

    html = client.get(reverse("duplicate-review")).content.decode()
    assert "given name: sounds the same" in html
    assert "date of birth: within two years" in html
    assert "household: other members match" in html
    assert "phonetic" not in html  # no engine codes
    compare = client.get(reverse("duplicate-compare", args=[certain.pk])).content.decode()
    assert "sounds the same" in compare
