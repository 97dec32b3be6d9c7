"""Jobs run through the task framework: progress, success with a result file, failure in
plain words, one live job per exclusive key, and stalled jobs failed after their lease."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from edgecamp.audit.models import AuditEntry
from edgecamp.core.access import Role, scope_for
from edgecamp.jobs import services
from edgecamp.jobs.models import Job
from tests.accounts.factories import make_user
from tests.sites.factories import make_site

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager():
    return make_user("boss", role=Role.CAMP_MANAGER, all_sites=True)


def _start(user, kind="test-steps", **params):
    return services.start_job(kind, user=user, scope=scope_for(user), params=params)


def test_a_job_is_queued_with_its_task_and_runs_to_success(manager, run_queued):
    job = _start(manager, steps=4, file=True)
    assert job.state == Job.State.QUEUED
    assert job.all_sites
    assert DBTaskResult.objects.get(pk=job.task_id).status == "READY"

    assert run_queued() == 1
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED
    assert (job.done, job.total, job.percent) == (4, 4, 100)
    assert job.message == "counted 4 steps"
    assert job.started_at <= job.finished_at
    assert job.result_name == "counted.txt"
    with job.result_file.open("rb") as stored:
        assert stored.read() == b"4 steps\n"
    assert DBTaskResult.objects.get(pk=job.task_id).status == "SUCCESSFUL"
    # Its state changes are audited, as the user who started it (through "job"); its
    # progress is bookkeeping and is not.
    entries = AuditEntry.objects.filter(model="jobs.job", object_id=str(job.pk))
    assert entries.filter(source="job", actor_name="boss").exists()
    progress_only = [e.changes for e in entries if set(e.changes) <= {"done", "heartbeat_at"}]
    assert progress_only == [], [e.changes for e in entries]


def test_a_refused_job_fails_with_its_message(manager, run_queued):
    job = _start(manager, kind="test-refuses")
    run_queued()
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert job.error == "There is nothing to count: add people first."
    assert job.finished_at is not None


def test_an_unexpected_error_fails_the_job_in_plain_words(manager, run_queued):
    job = _start(manager, kind="test-crashes")
    run_queued()
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert "unexpected error (ZeroDivisionError)" in job.error
    assert "Traceback" not in job.error
    task = DBTaskResult.objects.get(pk=job.task_id)
    assert task.status == "FAILED"
    assert task.exception_class_path == "builtins.ZeroDivisionError"


def test_an_unknown_kind_is_refused_naming_the_field(manager):
    with pytest.raises(services.JobRefused) as refused:
        _start(manager, kind="no-such-kind")
    assert "kind" in refused.value.errors
    assert not Job.objects.exists()


def test_a_second_job_with_the_same_key_is_refused_while_one_is_live(manager, run_queued):
    def start():
        return services.start_job(
            "test-steps", user=manager, scope=scope_for(manager), exclusive_key="only-one"
        )

    first = start()
    with pytest.raises(services.JobAlreadyRunning) as refused:
        start()
    assert refused.value.job == first
    assert "already queued" in str(refused.value)
    assert Job.objects.count() == 1
    assert DBTaskResult.objects.count() == 1  # the refused one queued nothing

    run_queued()
    second = start()  # the first finished: a new one may start
    assert second.pk != first.pk


def test_the_database_refuses_two_live_jobs_with_one_key(manager):
    """The check in start_job can race; the partial unique constraint cannot."""
    from django.db import IntegrityError, transaction

    Job.objects.create(kind="test-steps", exclusive_key="k")
    with pytest.raises(IntegrityError), transaction.atomic():
        Job.objects.create(kind="test-steps", exclusive_key="k")
    Job.objects.create(kind="test-steps", exclusive_key="k", state=Job.State.FAILED)


def test_a_job_concerns_the_scope_sites_or_the_given_ones(db):
    north, south = make_site(), make_site()
    clerk = make_user("clerk-n", role=Role.REGISTRATION_CLERK, sites=[north, south])
    job = _start(clerk)
    assert not job.all_sites
    assert set(job.sites.values_list("site_id", flat=True)) == {north.pk, south.pk}
    only = services.start_job("test-steps", user=clerk, scope=scope_for(clerk), site_ids=[south.pk])
    assert list(only.sites.values_list("site_id", flat=True)) == [south.pk]


def test_a_running_job_whose_worker_stopped_beating_is_failed(manager, settings):
    settings.EDGECAMP_JOB_LEASE_SECONDS = 60
    stalled, beating = _start(manager), _start(manager)
    now = timezone.now()
    for job, beat in ((stalled, now - timedelta(seconds=61)), (beating, now)):
        DBTaskResult.objects.filter(pk=job.task_id).update(status="RUNNING")
        Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING, heartbeat_at=beat)

    assert services.fail_stalled_jobs() == [stalled.pk]
    stalled.refresh_from_db()
    beating.refresh_from_db()
    assert stalled.state == Job.State.FAILED
    assert "stopped before it finished" in stalled.error
    assert DBTaskResult.objects.get(pk=stalled.task_id).status == "FAILED"
    assert beating.state == Job.State.RUNNING
    assert DBTaskResult.objects.get(pk=beating.task_id).status == "RUNNING"


def test_a_job_failed_meanwhile_is_not_run(manager, run_queued):
    job = _start(manager, steps=2)
    Job.objects.filter(pk=job.pk).update(state=Job.State.FAILED, error="stopped")
    run_queued()
    job.refresh_from_db()
    assert (job.state, job.done, job.started_at) == (Job.State.FAILED, 0, None)
