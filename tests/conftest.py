import itertools

import pytest
from django.db import transaction
from django.test import Client, override_settings
from django.utils import translation

from edgecamp.core.access import Role
from tests.accounts.factories import make_user
from tests.sites.factories import make_site


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


@pytest.fixture
def client_as(db):
    """`client_as(role, sites=None, username=None)`: a new client signed in as a staff user of
    `role` at `sites` (at every site when none are given; an administrator is also a
    superuser, as `createadmin` makes one). `client_as(None)` is an anonymous client."""
    numbers = itertools.count(1)

    def signed_in(role, sites=None, *, username=None):
        client = Client()
        if role is None:
            return client
        user = make_user(
            username or f"{role}-{next(numbers)}",
            role=role,
            sites=sites or (),
            all_sites=sites is None,
            superuser=role == Role.ADMINISTRATOR,
        )
        client.force_login(user)
        return client

    return signed_in


@pytest.fixture(autouse=True)
def _job_files(settings, tmp_path):
    """Each test's background-job result files in its own directory."""
    settings.EDGECAMP_JOB_FILES_DIR = tmp_path / "job-files"


@pytest.fixture
def run_queued():
    """`run_queued()`: run every queued background job as the worker does (claim, then the
    worker's `run_task`), without the worker's loop, which closes the connection a test's
    transaction cannot lose (tests/jobs/test_worker.py runs the loop itself, in transaction
    tests and in a subprocess). Returns how many ran."""
    from django_tasks_db.models import DBTaskResult

    from edgecamp.jobs.worker import JobWorker

    def run() -> int:
        worker = JobWorker(heartbeat=False, worker_id="test-worker")
        ran = 0
        for result in DBTaskResult.objects.ready().order_by("enqueued_at"):
            result.claim(worker.worker_id)
            worker.run_task(result)
            ran += 1
        return ran

    return run


FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def module_db(django_db_setup, django_db_blocker):
    """One transaction held open for a whole module, for data loaded once and read by many
    tests (a demo camp): a module-scoped fixture that requests `module_db` writes into it; each
    test runs in a savepoint inside it (so its own changes roll back as usual), and the module's
    data rolls back after its last test. Not for `transaction=True` tests."""
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHERS),
        transaction.atomic(),
    ):
        yield
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _fast_password_hasher(request, settings):
    """Argon2 (the production hasher) costs ~0.1 s and 100 MB per password; tests that only need
    a user with a password use MD5. Tests about hashing itself are marked
    `real_password_hashing`."""
    if request.node.get_closest_marker("real_password_hashing") is None:
        settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """Django's LocaleMiddleware leaves the language of the last request active in the thread;
    a test after a French or Arabic request must not inherit it."""
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _review_checks_inline(request, monkeypatch):
    """A committed correction's review check runs on the process's worker thread, whose own
    connection cannot see a test's uncommitted rows: tests run it in their own thread (when
    the callbacks of the commit run: `django_capture_on_commit_callbacks(execute=True)`, or a
    transactional test). Tests of the worker itself are marked `review_worker`."""
    if request.node.get_closest_marker("review_worker") is None:
        from edgecamp.registry import duplicates

        monkeypatch.setattr(duplicates, "run_review", lambda job: job())
