"""The correction pages: the links on the household page, a correction saved and shown on the
timeline, errors on their fields, two clerks at once (the second refused with both values shown,
then resolved), sensitive needs per role. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.urls import reverse

from edgecamp.core.access import Role
from edgecamp.registry import corrections
from edgecamp.registry.models import Household, LifeEvent
from tests.registry.factories import make_household

pytestmark = pytest.mark.django_db


def _html(response: Any) -> str:
    return response.content.decode()


def _form_data(html: str) -> dict[str, Any]:
    """The values a browser would post from the page's correction form."""
    form = html[html.index('class="correction-form"') :]
    form = form[: form.index("</form>")]
    data: dict[str, Any] = {}
    for tag in re.findall(r"<input[^>]*>", form):
        name = re.search(r'name="([^"]*)"', tag)
        if name is None:
            continue
        kind = re.search(r'type="([^"]*)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        text = _unescape(value.group(1)) if value else ""
        if kind and kind.group(1) in ("checkbox", "radio"):
            if "checked" in tag:
                data.setdefault(name.group(1), []).append(text or "on")
            continue
        data[name.group(1)] = text
    for name, body in re.findall(r'<select name="([^"]*)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', body)
        data[name] = _unescape(chosen.group(1)) if chosen else ""
    for name, body in re.findall(r'<textarea name="([^"]*)"[^>]*>(.*?)</textarea>', form, re.S):
        data[name] = _unescape(body.strip("\n"))
    return data


def _unescape(text: str) -> str:
    import html

    return html.unescape(text)


@pytest.fixture
def household(site) -> Household:
    return make_household(site)


def _url(household: Household) -> str:
    return reverse("household-correct", kwargs={"number": household.number})


def _person_url(household: Household, person: Any) -> str:
    return reverse(
        "individual-correct", kwargs={"number": household.number, "individual_id": person.pk}
    )


def test_household_page_links_to_the_corrections(client_as, site, household):
    clerk = client_as(Role.REGISTRATION_CLERK, [site])
    page = _html(clerk.get(reverse("household-detail", kwargs={"number": household.number})))
    assert _url(household) in page
    for person in household.members.all():
        assert _person_url(household, person) in page
    viewer = client_as(Role.DISTRIBUTION_STAFF, [site])
    page = _html(viewer.get(reverse("household-detail", kwargs={"number": household.number})))
    assert _url(household) not in page
    assert viewer.get(_url(household)).status_code == 403


def test_a_household_correction_is_saved_and_shown_on_the_timeline(client_as, site, household):
    clerk = client_as(Role.REGISTRATION_CLERK, [site], username="clerk-a")
    data = _form_data(_html(clerk.get(_url(household))))
    data.update(phone="+249 900 111 222", reason="data_error", note="Typo at the desk")
    answer = clerk.post(_url(household), data)
    assert answer.status_code == 302, _html(answer)
    household.refresh_from_db()
    assert household.phone == "+249 900 111 222"
    event = LifeEvent.objects.get(kind="correction")
    assert event.data["changes"] == [
        {"field": "phone", "before": "+249 912 345 678", "after": "+249 900 111 222"}
    ]
    assert event.recorded_by.username == "clerk-a"
    page = _html(clerk.get(reverse("household-detail", kwargs={"number": household.number})))
    assert "Phone: +249 912 345 678 → +249 900 111 222" in page
    assert "Typo at the desk" in page


def test_errors_land_on_their_fields_and_nothing_is_written(client_as, site, household):
    clerk = client_as(Role.REGISTRATION_CLERK, [site])
    data = _form_data(_html(clerk.get(_url(household))))
    data.update(phone="call me maybe", reason="other", note="")
    page = _html(clerk.post(_url(household), data))
    assert 'id="error-summary"' in page
    assert "Enter a phone number" in page
    assert "say in the note" in page
    household.refresh_from_db()
    assert household.phone == "+249 912 345 678"
    assert not LifeEvent.objects.filter(kind="correction").exists()


def test_two_clerks_the_second_sees_both_values_then_saves(client_as, site, household):
    first = client_as(Role.REGISTRATION_CLERK, [site], username="clerk-a")
    second = client_as(Role.REGISTRATION_CLERK, [site], username="clerk-b")
    form_a = _form_data(_html(first.get(_url(household))))
    form_b = _form_data(_html(second.get(_url(household))))
    form_a.update(phone="+249 900 000 001", reason="data_error")
    assert first.post(_url(household), form_a).status_code == 302
    form_b.update(phone="+249 900 000 002", place_of_origin="Nyala", reason="data_error")
    refused = second.post(_url(household), form_b)
    assert refused.status_code == 200
    page = _html(refused)
    household.refresh_from_db()
    assert household.phone == "+249 900 000 001"  # nothing of the second save was written
    assert household.place_of_origin == "Al Fashir"
    conflict = page[page.index('id="edit-conflict"') :]
    assert "clerk-a" in conflict
    assert "+249 900 000 001" in conflict
    assert "+249 900 000 002" in conflict
    # The clerk keeps their own phone: saving again works, with their other change too.
    again = _form_data(page)
    assert again["choose-phone"] == ["mine"]
    assert json.loads(again["original"])["phone"] == "+249 900 000 001"
    assert second.post(_url(household), again).status_code == 302
    household.refresh_from_db()
    assert (household.phone, household.place_of_origin) == ("+249 900 000 002", "Nyala")
    assert LifeEvent.objects.filter(kind="correction").count() == 2


def test_choosing_the_other_clerks_value_keeps_it(client_as, site, household):
    first = client_as(Role.REGISTRATION_CLERK, [site])
    second = client_as(Role.REGISTRATION_CLERK, [site])
    form_a = _form_data(_html(first.get(_url(household))))
    form_b = _form_data(_html(second.get(_url(household))))
    form_a.update(phone="+249 900 000 001", reason="data_error")
    first.post(_url(household), form_a)
    form_b.update(phone="+249 900 000 002", reason="data_error")
    again = _form_data(_html(second.post(_url(household), form_b)))
    again["choose-phone"] = ["theirs"]
    answer = second.post(_url(household), again)
    assert answer.status_code == 302
    household.refresh_from_db()
    assert household.phone == "+249 900 000 001"
    assert LifeEvent.objects.filter(kind="correction").count() == 1


def test_an_individual_correction_by_the_form(client_as, site, household):
    clerk = client_as(Role.REGISTRATION_CLERK, [site])
    child = household.members.get(relationship="child")
    url = _person_url(household, child)
    data = _form_data(_html(clerk.get(url)))
    document = child.documents.get()
    data.update(
        {
            "given_name": "Youssef",
            "other_names": "Yusuf\nYoussouf",
            "date_of_birth": "2015-06-02",
            "date_of_birth_precision": "exact",
            "relationship": "stepchild",
            "specific_needs": ["SM"],
            f"document-{document.pk}-number": "BC-NEW-77",
            "new_document-type": "passport",
            "new_document-number": "P-123456",
            "reason": "new_information",
        }
    )
    answer = clerk.post(url, data)
    assert answer.status_code == 302, _html(answer)
    child.refresh_from_db()
    assert child.given_name == "Youssef"
    assert child.other_names == ["Yusuf", "Youssouf"]
    assert child.relationship == "stepchild"
    assert sorted(child.specific_needs.values_list("code", flat=True)) == ["SM"]
    assert sorted(child.documents.values_list("number", flat=True)) == ["BC-NEW-77", "P-123456"]
    page = _html(clerk.get(reverse("household-detail", kwargs={"number": household.number})))
    assert "Given name: Yusuf → Youssef" in page
    assert "Specific needs: DS Disability → SM Serious medical condition" in page


def test_individual_errors_name_the_document_field(client_as, site, household):
    clerk = client_as(Role.REGISTRATION_CLERK, [site])
    child = household.members.get(relationship="child")
    url = _person_url(household, child)
    data = _form_data(_html(clerk.get(url)))
    data.update(
        {"new_document-type": "passport", "new_document-number": "", "reason": "data_error"}
    )
    page = _html(clerk.post(url, data))
    assert "Enter the document number." in page
    assert 'href="#id_new_document-number"' in page


def test_sensitive_needs_on_the_form_per_role(client_as, site, household):
    child = household.members.get(relationship="child")
    url = _person_url(household, child)
    clerk = client_as(Role.REGISTRATION_CLERK, [site])
    data = _form_data(_html(clerk.get(url)))
    data.update({"protection_needs_added": ["SV"], "reason": "new_information"})
    assert clerk.post(url, data).status_code == 302
    assert child.specific_needs.filter(code="SV").exists()
    detail = reverse("household-detail", kwargs={"number": household.number})
    clerk_page = _html(clerk.get(detail))
    assert "SGBV" not in clerk_page
    assert "SV" not in re.sub(r"<[^>]+>", " ", clerk_page).split()
    manager_page = _html(client_as(Role.CAMP_MANAGER, [site]).get(detail))
    assert "SGBV" not in manager_page
    officer = client_as(Role.PROTECTION_OFFICER, [site])
    officer_page = _html(officer.get(detail))
    assert "Specific needs: — → SV SGBV" in officer_page
    # The officer closes it on the form; opening the form is a read of sensitive data.
    from edgecamp.audit.models import AuditEntry

    reads = AuditEntry.objects.filter(action="read", model="registry.individual")
    before = reads.count()
    data = _form_data(_html(officer.get(url)))
    assert reads.count() == before + 1
    assert "SV" in data["specific_needs"]
    data.update({"specific_needs": ["DS"], "reason": "data_error"})
    assert officer.post(url, data).status_code == 302
    assert not child.specific_needs.filter(code="SV").exists()
    assert "SGBV" not in _html(clerk.get(detail))


def test_individual_values_are_what_the_form_shows(site, household):
    child = household.members.get(relationship="child")
    values = corrections.individual_values(child, None)
    assert values["specific_needs"] == "DS"
    assert values["date_of_birth_precision"] == "estimated"
