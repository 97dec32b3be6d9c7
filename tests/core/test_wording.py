"""Words a reader can read in every language: dates by the language's own format (never ISO
inside a sentence), codes by their labels, approximations that stay right in Arabic, and the
audit log's bulk entries and details in words rather than JSON."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import translation

from edgecamp.audit.capture import record_bulk_load
from edgecamp.core.access import Role
from edgecamp.core.dates import in_words
from edgecamp.registry import events
from tests.registry.factories import make_household

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "3 Mar 2026"), ("fr", "3 mars 2026"), ("ar", "3 مارس 2026")],
)
def test_a_day_in_words_in_each_language(language, expected):
    with translation.override(language):
        assert in_words(dt.date(2026, 3, 3)) == expected


def test_french_pages_give_french_months(client_as, site):
    household = make_household(site, registration_date=dt.date(2026, 11, 19))
    client = client_as(Role.CAMP_MANAGER, [site])
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    html = client.get(f"/households/{household.number}/").content.decode()
    assert "19 nov. 2026" in html
    assert "19 Nov 2026" not in html


def test_membership_reasons_are_words_not_codes(client_as, site):
    household = make_household(site)
    client = client_as(Role.CAMP_MANAGER, [site])
    html = client.get(f"/households/{household.number}/").content.decode()
    assert "<td>registered</td>" not in html
    assert "<td>Registered</td>" in html
    client.post("/i18n/setlang/", {"language": "ar", "next": "/"})
    html = client.get(f"/households/{household.number}/").content.decode()
    assert "<td>تم التسجيل</td>" in html


def test_an_approximate_age_reads_right_in_arabic(client_as, site):
    household = make_household(site)  # its child's date of birth is estimated
    client = client_as(Role.CAMP_MANAGER, [site])
    client.post("/i18n/setlang/", {"language": "ar", "next": "/"})
    html = client.get(f"/households/{household.number}/").content.decode()
    # “~30” in a right-to-left line shows as “30~”: Arabic says “about 30” in words.
    assert re.search(r"حوالي \d+", html)
    assert not re.search(r">~\d", html)


def test_bulk_entries_and_details_in_the_audit_log_read_as_words(client_as, site):
    record_bulk_load("demo camp loaded", {"registry.household": 12, "registry.individual": 40})
    household = make_household(site)
    child = household.members.exclude(pk=household.focal_point_id).get()
    events.record_event(household.number, events.MissingInput(members=[child.pk]), scope=None)
    client = client_as(Role.ADMINISTRATOR)
    html = client.get("/audit/").content.decode()
    assert ">bulk-load" not in html
    assert re.search(r'data-label="Record">Bulk load demo camp loaded', html)
    assert "Household: 12; Individual: 40" in html or "Household: 12; Person: 40" in html
    table = html[html.index("<table") :]
    assert '{"' not in table  # no JSON
    assert "{'" not in table  # no Python dict
    assert "Staffprofile-site relationship" not in html
