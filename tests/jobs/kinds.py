"""Kinds of job for the tests, registered on import (the crash test's worker subprocess
imports this module too)."""

from __future__ import annotations

import time

from edgecamp.jobs.kinds import JobFailed, JobKind, register_kind


def _steps(run) -> str:
    steps = int(run.params.get("steps", 3))
    pause = float(run.params.get("sleep", 0))
    for done in range(steps):
        run.progress(done, steps, f"step {done + 1}")
        if pause:
            time.sleep(pause)
    if run.params.get("file"):
        run.save_result("counted.txt", f"{steps} steps\n".encode(), "text/plain")
    return f"counted {steps} steps"


def _refuses(run) -> str:
    run.progress(1, 4, "checking")
    raise JobFailed("There is nothing to count: add people first.")


def _crashes(run) -> str:
    return str(1 // int(run.params.get("zero", 0)))


STEPS = JobKind("test-steps", "Count steps", _steps)
REFUSES = JobKind("test-refuses", "Refuse", _refuses)
CRASHES = JobKind("test-crashes", "Crash", _crashes)
for _kind in (STEPS, REFUSES, CRASHES):
    register_kind(_kind)
