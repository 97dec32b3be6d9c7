"""The kinds of background job, filled by the apps above in their `AppConfig.ready()`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from edgecamp.jobs.tasks import JobRun


class JobFailed(Exception):
    """Raised by a job's work to stop with a message the user reads (translated, plain words,
    saying what to do)."""


@dataclass(frozen=True)
class JobKind:
    name: str
    label: Any  # a lazy translated string
    run: Callable[[JobRun], str]


_KINDS: dict[str, JobKind] = {}


def register_kind(kind: JobKind) -> None:
    known = _KINDS.get(kind.name)
    if known is not None and known != kind:
        raise ValueError(f"a kind of job named {kind.name!r} is registered already")
    _KINDS[kind.name] = kind


def get_kind(name: str) -> JobKind | None:
    return _KINDS.get(name)


def label_of(name: str) -> str:
    kind = _KINDS.get(name)
    return str(kind.label) if kind is not None else name
