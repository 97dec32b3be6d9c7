"""No names or identifiers of registered people in the logs."""

import logging

import pytest

from tests.registry.factories import make_household, member

pytestmark = pytest.mark.django_db


def _captured_output(caplog_records) -> str:
    assert caplog_records, "nothing was logged: the test would pass vacuously"
    formatter = logging.Formatter("%(name)s %(message)s %(request)s")
    return "\n".join(
        formatter.format(record) if hasattr(record, "request") else record.getMessage()
        for record in caplog_records
    )


def test_request_logs_do_not_carry_household_numbers(logged_in_client, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        logged_in_client.get("/households/EDG-424242/")
        logged_in_client.get("/households/?q=Haroun")
    text = _captured_output(caplog.records)
    assert "EDG-424242" not in text
    assert "Haroun" not in text


def test_registration_logs_no_names_or_numbers(site, caplog):
    with caplog.at_level(logging.DEBUG, logger="edgecamp"):
        household = make_household(site, members=[member(given_name="Zeinab")])
    text = _captured_output(caplog.records)
    assert "registered" in text
    assert "Zeinab" not in text
    assert household.number not in text
