"""Running work at the same moment in several threads, each on its own database connection:
for the tests that PostgreSQL's row locks (or a deadlock) decide."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connections


def at_once(*calls: Callable[[], object]) -> list[object]:
    """Start every call at the same moment (a barrier), each in its own thread; what each
    returned, or the exception it raised, in the order of `calls`."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = calls[index]()
        except BaseException as exc:  # reported by the caller's assertions
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def failures_at_once(*calls: Callable[[], object]) -> list[BaseException]:
    """`at_once`, keeping only what was raised."""
    return [r for r in at_once(*calls) if isinstance(r, BaseException)]
