"""Closing a verification round of 50 000 households on PostgreSQL (issue 12: ≤ 30 s).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_verify \\
        .venv/bin/python bench/verification_close.py [--confirm 200] [--households 50000]

The database must hold a camp whose largest site has at least --households active households
(`edgecamp generate --people 320000` gives about 50 000 at Al Amal Camp). Everything runs in
one transaction that is rolled back at the end, so the database is left as it was and the
bench can be run again: a round is opened at the largest site, --confirm households are
confirmed through the service (timed one by one: p50 and p95), then the round is closed (timed:
every household of the site not confirmed is set inactive with its life event, the site-count
triggers following), the slowest statements of the close are listed, and the site counts are
checked against a full recount. Printed as Markdown.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--confirm", type=int, default=200, help="households confirmed first")
    parser.add_argument("--households", type=int, default=50_000, help="at least this many")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("Set DATABASE_URL to the PostgreSQL database holding the camp.", file=sys.stderr)
        return 2
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edgecamp.settings")
    os.environ.setdefault("EDGECAMP_DATA_DIR", str(Path("var").resolve()))

    import django

    django.setup()
    from django.db import connection, transaction
    from django.db.models import Count, Q

    from edgecamp.registry.models import Household, Individual, LifeEvent
    from edgecamp.registry.queries import population_counts_checked
    from edgecamp.sites.models import Site
    from edgecamp.verification.services import (
        ConfirmInput,
        OpenInput,
        close_round,
        confirm_household,
        open_round,
    )

    largest = (
        Site.objects.annotate(active=Count("households", filter=Q(households__status="active")))
        .order_by("-active")
        .first()
    )
    if largest is None or largest.active < args.households:
        found = largest.active if largest is not None else 0
        print(
            f"The largest site holds {found:,} active households, fewer than "
            f"{args.households:,}: generate a larger camp (edgecamp generate --people 320000).",
            file=sys.stderr,
        )
        return 2
    people = Individual.objects.filter(
        household__site=largest, household__status="active", status="active"
    ).count()
    print(f"# {largest.name}: {largest.active:,} active households, {people:,} active people")
    print(f"# {Household.objects.count():,} households in the database; {connection.vendor}")
    print(
        f"# {platform.node()} {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at start"
    )
    print()

    with transaction.atomic():
        round_ = open_round(OpenInput(site_id=largest.pk, name="bench"))
        sample = list(
            Household.objects.filter(site=largest, status="active")
            .order_by("?")[: args.confirm]
            .values_list("pk", "number")
        )
        members: dict[int, list[int]] = {}
        for household_id, person in Individual.objects.filter(
            household_id__in=[pk for pk, _ in sample], status="active"
        ).values_list("household_id", "pk"):
            members.setdefault(household_id, []).append(person)
        confirm_times = []
        for household_id, number in sample:
            present = members.get(household_id, [])
            if not present:
                continue
            confirm_times.append(
                _timed(
                    lambda n=number, p=present: confirm_household(
                        round_.pk, ConfirmInput(household_number=n, present=p)
                    )
                )
            )
        events_before = LifeEvent.objects.count()
        statements: list[tuple[float, str]] = []
        with connection.execute_wrapper(_StatementTimer(statements)):
            started = time.perf_counter()
            outcome = close_round(round_.pk)
            close_seconds = time.perf_counter() - started
        written = LifeEvent.objects.count() - events_before
        exact = population_counts_checked()
        transaction.set_rollback(True)

    print("| step | figure |")
    print("|---|---:|")
    if confirm_times:
        print(f"| confirm a household, p50 | {statistics.median(confirm_times) * 1000:.1f} ms |")
        print(f"| confirm a household, p95 | {_p95(confirm_times) * 1000:.1f} ms |")
    print(f"| households confirmed | {outcome.verified:,} |")
    print(f"| households set inactive by the close | {outcome.not_seen:,} |")
    print(f"| life events written by the close | {written:,} |")
    print(f"| **close** (target ≤ 30 s) | **{close_seconds:.2f} s** |")
    print(f"| site counts equal a recount after the close | {'yes' if exact else 'NO'} |")
    print()
    print("Slowest statements of the close:")
    print()
    for seconds, sql in sorted(statements, reverse=True)[:4]:
        print(f"- {seconds:.2f} s: `{' '.join(sql.split())[:110]}…`")
    return 0 if exact and close_seconds <= 30 else 1


class _StatementTimer:
    def __init__(self, into: list[tuple[float, str]]) -> None:
        self.into = into

    def __call__(self, execute: Callable[..., Any], sql: str, *args: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, *args)
        finally:
            self.into.append((time.perf_counter() - started, sql))


def _timed(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


if __name__ == "__main__":
    raise SystemExit(main())
