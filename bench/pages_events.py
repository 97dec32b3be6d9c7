"""Life events on a large registry: the household page with 50 events, and recording one.

    .venv/bin/python bench/pages_events.py [--people 1000000] [--requests 40] [--keep]

Creates the PostgreSQL database `edgecamp_bench_events` and loads a synthetic camp of
`--people` persons into it (`--keep`: reuse the database if it holds a camp already, and keep
it at the end; otherwise it is dropped). Then, through the whole middleware stack (Django's
test client, session and CSRF, access policy, templates), as a registration clerk of the
first site:

- household page: one household given 50 events through the service (people missing and
  found, moves between tents, a focal point change and back), then `--requests` GETs of its
  page, after two warm-up requests;
- an event: `--requests` POSTs of `/api/v1/households/{number}/events`, each on another
  household of the site (a birth, a member missing, a move to a free tent, in turn), so that
  no request finds the rows warm from the one before.

Prints p50 and p95 (targets, issue 12: page ≤ 100 ms, event ≤ 50 ms at 1M people) as Markdown.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from typing import Any

SERVER = "postgres://postgres@127.0.0.1:5432"
DATABASE = "edgecamp_bench_events"
PAGE_EVENTS = 50


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--database", default=DATABASE)
    parser.add_argument("--keep", action="store_true", help="reuse and keep the database")
    args = parser.parse_args()

    data_dir = tempfile.mkdtemp(prefix="edgecamp-bench-events-")
    os.environ.update(
        {
            "DATABASE_URL": f"{SERVER}/{args.database}",
            "EDGECAMP_DATA_DIR": data_dir,
            "EDGECAMP_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_SETTINGS_MODULE": "edgecamp.settings",
            "EDGECAMP_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        }
    )
    if not (args.keep and _database_exists(args.database)):
        _admin_sql(f'DROP DATABASE IF EXISTS "{args.database}"')
        _admin_sql(f'CREATE DATABASE "{args.database}"')
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0)
        from edgecamp.demo.camp import camp_is_empty, load_synthetic_camp

        if camp_is_empty():
            started = time.perf_counter()
            load_synthetic_camp(people=args.people, seed=2026)
            print(f"# loaded {args.people:,} people in {time.perf_counter() - started:.0f} s")
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM registry_individual")
            people = cursor.fetchone()[0]
        print(f"# {people:,} individual records; {connection.vendor}")
        print(
            f"# {platform.node()} {platform.processor() or platform.machine()}, "
            f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at start"
        )
        rows = [_page_with_events(args.requests), *_events(args.requests)]
        print()
        print("| measure | requests | p50 ms | p95 ms | target p95 ms |")
        print("|---|---:|---:|---:|---:|")
        for label, times, target in rows:
            print(
                f"| {label} | {len(times)} | {_p(times, 50):.1f} | {_p(times, 95):.1f} | {target} |"
            )
        return 0
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            _admin_sql(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
        shutil.rmtree(data_dir, ignore_errors=True)


def _clerk() -> Any:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from edgecamp.accounts.models import StaffProfile
    from edgecamp.sites.models import Site

    user, created = get_user_model().objects.get_or_create(username="bench-events-clerk")
    if created:
        profile = StaffProfile.objects.create(user=user, role="registration_clerk")
        profile.sites.set([Site.objects.order_by("pk").first()])
    client = Client(enforce_csrf_checks=False)
    client.force_login(user)
    return client


def _site_households() -> Any:
    from edgecamp.registry.models import Household
    from edgecamp.sites.models import Site

    site = Site.objects.order_by("pk").first()
    return Household.objects.filter(site=site, status="active", focal_point__isnull=False)


def _page_with_events(requests: int) -> tuple[str, list[float], int]:
    from django.utils import timezone

    from edgecamp.registry import events
    from edgecamp.registry.models import Individual
    from edgecamp.sites.models import Shelter

    households = _site_households()
    household = households.order_by("number")[households.count() // 2 :].first()
    assert household is not None, "no active household at the first site"
    members = list(Individual.objects.filter(household=household, status="active").order_by("pk"))
    focal = household.focal_point_id
    other = next((m for m in members if m.pk != focal), None)
    tents = list(
        Shelter.objects.filter(
            block__site_id=household.site_id,
            status="available",
            type="family_tent",
            capacity__gte=len(members),
        ).order_by("pk")[:2]
    )
    day = timezone.localdate()
    plan: list[events.EventInput] = []
    for index in range(PAGE_EVENTS - household.life_events.count()):
        if other is not None and (index % 5 != 4 or len(tents) < 2):
            missing = sum(isinstance(p, events.MissingInput) for p in plan) == sum(
                isinstance(p, events.FoundInput) for p in plan
            )
            plan.append(
                (events.MissingInput if missing else events.FoundInput)(on=day, members=[other.pk])
            )
        elif len(tents) == 2:
            plan.append(events.MoveInput(on=day, shelter=tents[index % 2].pk))
    for data in plan:
        events.record_event(household.number, data, scope=None)
    client = _clerk()
    url = f"/households/{household.number}/"
    shown = household.life_events.count()
    times = _time(lambda: client.get(url), 2, requests, 200)
    return (f"household page with {shown} events", times, 100)


def _events(requests: int) -> list[tuple[str, list[float], int]]:
    from django.utils import timezone

    from edgecamp.registry.models import Individual
    from edgecamp.sites.models import Shelter

    households = list(_site_households().order_by("?")[: requests + 2])
    tents = list(
        Shelter.objects.filter(
            block__site_id=households[0].site_id, status="available", type="family_tent"
        ).order_by("-capacity")[: requests + 2]
    )
    client = _clerk()
    today = timezone.localdate().isoformat()
    bodies: list[tuple[str, dict[str, Any]]] = []
    for index, household in enumerate(households):
        kind = index % 3
        child = (
            Individual.objects.filter(household=household, status="active")
            .exclude(pk=household.focal_point_id)
            .first()
        )
        if kind == 1 and child is not None:
            body = {"type": "missing", "date": today, "members": [child.pk]}
        elif kind == 2 and (tent := _tent_for(tents, household)) is not None:
            body = {"type": "move", "date": today, "shelter": tent.pk}
        else:
            body = {"type": "birth", "date": today, "sex": "female", "names_unknown": True}
        bodies.append((household.number, body))
    queue = iter(bodies)
    sent: list[str] = []

    def post() -> Any:
        number, body = next(queue)
        sent.append(body["type"])
        return client.post(
            f"/api/v1/households/{number}/events",
            json.dumps(body),
            content_type="application/json",
        )

    times = _time(post, 2, requests, 201)
    timed = sent[2:]
    rows = [("an event (POST …/events), all", times, 50)]
    for kind in sorted(set(timed)):
        of_kind = [t for t, k in zip(times, timed, strict=True) if k == kind]
        rows.append((f"… {kind}", of_kind, 50))
    return rows


def _tent_for(tents: list[Any], household: Any) -> Any:
    size = household.members.filter(status="active").count()
    tent = next((t for t in tents if t.capacity >= size), None)
    if tent is not None:
        tents.remove(tent)
    return tent


def _time(request: Any, warmup: int, count: int, expected: int) -> list[float]:
    for _ in range(warmup):
        request()
    times = []
    for _ in range(count):
        started = time.perf_counter()
        response = request()
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == expected, (response.status_code, response.content[:300])
    return times


def _p(values: list[float], percent: int) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[percent - 1]


def _admin_sql(statement: str) -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as connection:
        connection.execute(statement)  # type: ignore[arg-type]


def _database_exists(name: str) -> bool:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as connection:
        row = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    return row is not None


if __name__ == "__main__":
    sys.exit(main())
