"""Server time of the corrections API (PATCH with If-Match) on a large registry.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_corr \\
        .venv/bin/python bench/pages_patch.py [--people 1000000] [--requests 200]

An empty database is first filled with a synthetic camp of `--people` (`edgecamp generate`);
a database holding a camp is used as it is (its size is printed). Writes: one staff account
`bench-registration-clerk` (created once, at the first site) and the corrections timed, on
households of the first site (each request a different household, each correction a real
change: a phone, a language, a given name). Every request goes through the whole stack with
Django's test client (session, access policy, ninja, the service's transaction and row lock,
the audit log) in this process: the time is the server's, without a network.

The desk duplicate index is built once before timing (its build time is printed: a process
pays it once, at its first desk check); a correction of a field the desk compares (phone,
names) then replaces the corrected records in it and checks them for the review queue.
Measured: GET (the ETag), PATCH of a field the desk does not compare (language), of one it
does (the household's phone: every member re-indexed), of a person's given name, and a stale
PATCH answered 412. Target (issue 12): PATCH p95 <= 50 ms at 1M people on PostgreSQL.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--no-migrate",
        action="store_true",
        help="use the database's schema as it is (a database shared with other checkouts)",
    )
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        print("Set DATABASE_URL to the database to use (or fill).", file=sys.stderr)
        return 2
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edgecamp.settings")
    os.environ.setdefault("EDGECAMP_DATA_DIR", str(Path("var").resolve()))
    hosts = os.environ.get("EDGECAMP_ALLOWED_HOSTS", "127.0.0.1,localhost")
    os.environ["EDGECAMP_ALLOWED_HOSTS"] = hosts + ",testserver"

    import logging

    import django

    django.setup()
    logging.disable(logging.WARNING)  # one line per correction and per 412 otherwise
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    if not args.no_migrate:
        call_command("migrate", verbosity=0)
    from edgecamp.demo.camp import camp_is_empty, load_synthetic_camp

    if camp_is_empty():
        started = time.perf_counter()
        load_synthetic_camp(people=args.people, seed=args.seed)
        print(f"# loaded {args.people:,} people in {time.perf_counter() - started:.0f} s")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM registry_individual")
        people = cursor.fetchone()[0]
    print(f"# {people:,} individual records; {connection.vendor}")
    print(
        f"# {platform.node()} {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at start"
    )

    clerk = _clerk()
    client = Client()
    client.force_login(clerk)
    households = _sample_households(args.requests * 5 + 15, args.seed)
    print(f"# desk index built in {_build_desk_index(clerk):.1f} s (once per process)")
    print()
    print("| request | n | p50 ms | p95 ms | max ms | status |")
    print("|---|---:|---:|---:|---:|---|")

    def household_url(number: str) -> str:
        return f"/api/v1/households/{number}"

    changes = random.Random(time.time_ns())

    def get(index: int, number: str) -> tuple[float, int]:
        return _timed(lambda: client.get(household_url(number)))

    def patch_language(index: int, number: str) -> tuple[float, int]:
        read = client.get(household_url(number))
        etag = read["ETag"]
        # Always a real change, however often the bench ran on this database.
        language = "so" if read.json()["language"] == "fr" else "fr"
        body = {"language": language, "reason": "data_error"}
        return _timed(lambda: _patch(client, household_url(number), body, etag))

    def patch_phone(index: int, number: str) -> tuple[float, int]:
        etag = client.get(household_url(number))["ETag"]
        body = {"phone": f"+249 9{changes.randrange(10**8):08d}", "reason": "new_information"}
        return _timed(lambda: _patch(client, household_url(number), body, etag))

    def patch_name(index: int, number: str) -> tuple[float, int]:
        detail = client.get(household_url(number))
        person = detail.json()["members"][0]
        url = f"/api/v1/individuals/{person['id']}"
        etag = client.get(url)["ETag"]
        name = person["given_name"] + ("a" if not person["given_name"].endswith("a") else "h")
        body = {"given_name": name, "reason": "data_error"}
        return _timed(lambda: _patch(client, url, body, etag))

    def patch_stale(index: int, number: str) -> tuple[float, int]:
        body = {"registration_desk": f"bench-{index}", "reason": "data_error"}
        return _timed(lambda: _patch(client, household_url(number), body, '"stale"'))

    rounds: list[tuple[str, Callable[[int, str], tuple[float, int]]]] = [
        ("GET household (ETag)", get),
        ("PATCH household language", patch_language),
        ("PATCH household phone (desk field)", patch_phone),
        ("PATCH individual given name (desk field)", patch_name),
        ("PATCH stale If-Match (412)", patch_stale),
    ]
    for label, request in rounds:
        for number in households[:3]:
            request(0, number)  # warm-up
        sample = households[3 : args.requests + 3]
        households = households[args.requests + 3 :] or households
        results = [request(i, number) for i, number in enumerate(sample)]
        times = [t for t, _status in results]
        statuses = sorted({status for _t, status in results})
        print(
            f"| {label} | {len(times)} | {_p(times, 50):.1f} | {_p(times, 95):.1f} | "
            f"{max(times):.1f} | {', '.join(map(str, statuses))} |",
            flush=True,
        )
    print()
    print(f"# load average {os.getloadavg()[0]:.2f} at end")
    return 0


def _patch(client: object, url: str, body: dict[str, object], etag: str) -> object:
    return client.patch(  # type: ignore[attr-defined]
        url, json.dumps(body), content_type="application/json", HTTP_IF_MATCH=etag
    )


def _timed(request: Callable[[], object]) -> tuple[float, int]:
    started = time.perf_counter()
    response = request()
    return (time.perf_counter() - started) * 1000, response.status_code  # type: ignore[attr-defined]


def _p(values: list[float], percent: int) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[percent - 1]


def _clerk() -> object:
    from django.contrib.auth import get_user_model

    from edgecamp.accounts.models import StaffProfile
    from edgecamp.sites.models import Site

    user, created = get_user_model().objects.get_or_create(username="bench-registration-clerk")
    if created:
        profile = StaffProfile.objects.create(user=user, role="registration_clerk")
        profile.sites.set([Site.objects.order_by("pk").first()])
    return user


def _sample_households(count: int, seed: int) -> list[str]:
    from edgecamp.registry.models import Household
    from edgecamp.sites.models import Site

    site = Site.objects.order_by("pk").first()
    numbers = list(
        Household.objects.filter(site=site, status="active").values_list("number", flat=True)
    )
    random.Random(seed).shuffle(numbers)
    return numbers[:count]


def _build_desk_index(clerk: object) -> float:
    from edgecamp.core.access import scope_for
    from edgecamp.registry.duplicates import likely_matches
    from edgecamp.registry.services import MemberInput

    started = time.perf_counter()
    likely_matches(
        MemberInput(relationship="focal_point", sex="female", given_name="Bench", family_name="X"),
        scope=scope_for(clerk),
    )
    return time.perf_counter() - started


if __name__ == "__main__":
    sys.exit(main())
