import pytest
from django.utils import translation

from tests.factories import make_site, make_user


@pytest.fixture
def site(db):
    return make_site(name="Kalma North", code="kalma-n")


@pytest.fixture
def admin_user(db):
    return make_user("manager", superuser=True)


@pytest.fixture
def logged_in_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """Django's LocaleMiddleware leaves the language of the last request active in the thread;
    a test after a French or Arabic request must not inherit it."""
    yield
    translation.deactivate()
