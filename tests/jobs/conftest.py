from tests.jobs import kinds  # noqa: F401 - registers the test kinds
