import pytest
from django_tasks_db.models import DBTaskResult

from edgecamp.jobs.worker import JobWorker
from tests.jobs import kinds  # noqa: F401 - registers the test kinds


@pytest.fixture(autouse=True)
def _job_files(settings, tmp_path):
    """Each test's result files in its own directory."""
    settings.EDGECAMP_JOB_FILES_DIR = tmp_path / "job-files"


@pytest.fixture
def run_queued():
    """Run every queued job as the worker does (claim, then `Worker.run_task`), without the
    worker's loop: the loop closes the connection, which a test's transaction cannot survive
    (the loop itself runs in test_worker.py, in transaction tests and in a subprocess)."""

    def run() -> int:
        worker = JobWorker(heartbeat=False, worker_id="test-worker")
        ran = 0
        for result in DBTaskResult.objects.ready().order_by("enqueued_at"):
            result.claim(worker.worker_id)
            worker.run_task(result)
            ran += 1
        return ran

    return run
