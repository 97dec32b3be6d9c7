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
def _fast_password_hasher(request, settings):
    """Argon2 (the production hasher) costs ~0.1 s and 100 MB per password; tests that only need
    a user with a password use MD5. Tests about hashing itself are marked
    `real_password_hashing`."""
    if request.node.get_closest_marker("real_password_hashing") is None:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """Django's LocaleMiddleware leaves the language of the last request active in the thread;
    a test after a French or Arabic request must not inherit it."""
    yield
    translation.deactivate()
