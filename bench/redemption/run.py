"""Redemption benchmark: many desks redeeming ration cards at once, through the real API.

    .venv/bin/python bench/redemption/run.py [--households 20000] [--clients 32]
        [--duplicates 0.05] [--workers 4] [--threads 4]

Creates a dedicated PostgreSQL database (dropped at the end), loads a camp of N households,
starts a distribution cycle for all of them, serves the API with gunicorn (gthread workers)
on the loopback interface and lets C client threads (one desk session each) redeem every
card, plus a share of duplicate scans: half sent right after the original (two desks scanning
the same card at the same moment), half later. Every request is bounded (30 s socket
timeout, 40 min overall). Then it checks the database: no entitlement served twice, none
lost, and stock == start - issued, per item, in the balances and in the ledger.

Prints a Markdown table (docs/benchmarks.md, section "Redemption").
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import queue
import random
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

SERVER = "postgres://postgres@127.0.0.1:5432"
HOST = "127.0.0.1"
DEADLINE_SECONDS = 40 * 60
SIZES = [1, 2, 3, 4, 5, 6, 7, 8, 9]
SIZE_WEIGHTS = [8, 12, 14, 15, 15, 13, 10, 7, 6]  # mean about 4.7 people, as in the demo camp


@dataclass
class Result:
    code: str
    status: int  # 0: the request failed (connection error, timeout)
    seconds: float


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--households", type=int, default=20_000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument(
        "--cards",
        type=int,
        default=0,
        help="present only this many of the cycle's cards (a random sample); 0: all",
    )
    parser.add_argument("--duplicates", type=float, default=0.05)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--port", type=int, default=0, help="0: a free port")
    parser.add_argument("--database", default="edgecamp_bench")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    # Ctrl+C or a kill still drops the database and stops the server (the finally below).
    signal.signal(signal.SIGTERM, lambda *_args: sys.exit(143))
    data_dir = tempfile.mkdtemp(prefix="edgecamp-bench-")
    env = {
        **os.environ,
        "DATABASE_URL": f"{SERVER}/{args.database}",
        "EDGECAMP_DATA_DIR": data_dir,
        "EDGECAMP_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_SETTINGS_MODULE": "edgecamp.settings",
    }
    os.environ.update(env)
    _admin_sql(f'DROP DATABASE IF EXISTS "{args.database}"')
    _admin_sql(f'CREATE DATABASE "{args.database}"')
    server: subprocess.Popen[bytes] | None = None
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connections

        call_command("migrate", verbosity=0)
        setup = _seed(args.households, args.seed)
        sessions = _desk_sessions(args.clients)
        connections.close_all()

        port = args.port or _free_port()
        server = _start_server(port, args.workers, args.threads, env)
        rng = random.Random(args.seed)
        codes: list[str] = setup["codes"]  # type: ignore[assignment]
        presented = rng.sample(codes, args.cards) if 0 < args.cards < len(codes) else codes
        setup["presented"] = presented
        jobs = _jobs(presented, args.duplicates, rng)
        results, wall = _run_clients(port, setup["cycle_id"], jobs, sessions)
        _stop_server(server)
        server = None

        checks = _verify(setup, results)
        _report(args, setup, results, wall, checks)
        return 0 if checks["ok"] else 1
    finally:
        if server is not None:
            _stop_server(server)
        from django.db import connections

        connections.close_all()
        _admin_sql(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
        shutil.rmtree(data_dir, ignore_errors=True)


# --- Setup ------------------------------------------------------------------------------------


def _admin_sql(statement: str) -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as connection:
        connection.execute(statement)  # type: ignore[arg-type]


def _seed(households: int, seed: int) -> dict[str, object]:
    """A camp of N households (bulk-loaded: registration speed is not measured here), three
    items, a cycle for everyone, started, and exactly enough stock plus a margin."""
    from django.db import transaction
    from django.db.models import Sum
    from django.utils import timezone

    from edgecamp.distributions.cards import card_code
    from edgecamp.distributions.models import Entitlement, EntitlementLine
    from edgecamp.distributions.services import CycleInput, RuleInput, create_cycle, start_cycle
    from edgecamp.registry.models import Household, Individual
    from edgecamp.registry.services import reserve_household_numbers
    from edgecamp.sites.models import Site
    from edgecamp.stock.models import Item, StockBalance, Warehouse
    from edgecamp.stock.services import ReceiptInput, receive_stock

    rng = random.Random(seed)
    today = timezone.localdate()
    began = time.perf_counter()
    with transaction.atomic():
        site = Site.objects.create(name="Bench camp", code="bench", type="planned_camp")
        numbers = reserve_household_numbers(households)
        created = Household.objects.bulk_create(
            (Household(number=n, site=site, registration_date=today) for n in numbers),
            batch_size=5000,
        )
        people = []
        for household in created:
            for index in range(rng.choices(SIZES, SIZE_WEIGHTS)[0]):
                name = f"P{household.pk}-{index}"
                people.append(
                    Individual(
                        household=household,
                        given_name=name,
                        family_name="Bench",
                        sex="female" if index % 2 else "male",
                        relationship="focal_point" if index == 0 else "child",
                        search_text=f"{name.lower()} bench",
                    )
                )
        Individual.objects.bulk_create(people, batch_size=5000)
    loaded = time.perf_counter() - began

    warehouse = Warehouse.objects.create(site=site, code="bench-main", name="Main store")
    maize = Item.objects.create(code="maize", name="Maize", unit="kg", category="food")
    soap = Item.objects.create(code="soap", name="Soap", unit="bar", category="wash")
    kit = Item.objects.create(code="hygiene-kit", name="Hygiene kit", unit="kit", category="wash")
    cycle = create_cycle(
        CycleInput(
            name="Bench cycle",
            site_id=site.pk,
            warehouse_id=warehouse.pk,
            starts_on=today,
            ends_on=today,
            rules=[
                RuleInput(maize.pk, "per_person", quantity=Decimal("12.5"), cap=Decimal(75)),
                RuleInput(soap.pk, "per_household", quantity=Decimal(4)),
                RuleInput(
                    kit.pk,
                    "size_bands",
                    size_bands=[
                        {"min": 1, "max": 4, "quantity": 1},
                        {"min": 5, "max": None, "quantity": 2},
                    ],
                ),
            ],
        )
    )
    began = time.perf_counter()
    eligible = start_cycle(cycle.pk)
    snapshot = time.perf_counter() - began

    entitled = dict(
        EntitlementLine.objects.filter(entitlement__cycle=cycle)
        .values_list("item")
        .annotate(total=Sum("quantity"))
    )
    for item in (maize, soap, kit):
        receive_stock(
            ReceiptInput(
                warehouse_id=warehouse.pk, item_id=item.pk, quantity=entitled[item.pk] + 100
            )
        )
    start_stock = dict(StockBalance.objects.values_list("item", "quantity"))
    codes = [
        card_code(number)
        for number in Entitlement.objects.filter(cycle=cycle).values_list(
            "household_number", flat=True
        )
    ]
    return {
        "cycle_id": cycle.pk,
        "codes": codes,
        "eligible": eligible,
        "people": len(people),
        "start_stock": start_stock,
        "items": {maize.pk: "maize", soap.pk: "soap", kit.pk: "hygiene-kit"},
        "load_seconds": loaded,
        "snapshot_seconds": snapshot,
    }


def _desk_sessions(clients: int) -> list[tuple[str, str]]:
    """One signed-in session per desk (its own user), with a CSRF cookie and token."""
    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore

    cookies = []
    for index in range(clients):
        user = get_user_model().objects.create_user(f"desk{index}", password=None)
        _make_distribution_staff(user)
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        cookies.append((str(session.session_key), secrets.token_hex(16)))
    return cookies


def _make_distribution_staff(user: object) -> None:
    """The role a distribution desk has: distribution staff at every site."""
    try:
        from edgecamp.accounts.models import StaffProfile
    except ImportError:  # a checkout from before roles: any signed-in user may redeem
        return
    StaffProfile.objects.create(user=user, role="distribution_staff", all_sites=True)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def _start_server(
    port: int, workers: int, threads: int, env: dict[str, str]
) -> subprocess.Popen[bytes]:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
        [
            str(gunicorn),
            "edgecamp.wsgi:application",
            "--bind",
            f"{HOST}:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "gthread",
            "--threads",
            str(threads),
            "--keep-alive",
            "30",
            "--log-level",
            "warning",
        ],
        env=env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((HOST, port), timeout=1):
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError("gunicorn did not start within 30 s")


def _stop_server(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=10)


# --- Load -------------------------------------------------------------------------------------


def _jobs(codes: list[str], share: float, rng: random.Random) -> list[str]:
    """Every card once, in random order, plus `share` duplicate scans: half right behind the
    original (another desk scans it at the same moment), half at a random later point."""
    order = codes[:]
    rng.shuffle(order)
    duplicates = rng.sample(order, round(len(order) * share))
    together = set(duplicates[: len(duplicates) // 2])
    jobs: list[str] = []
    for code in order:
        jobs.append(code)
        if code in together:
            jobs.append(code)
    for code in duplicates[len(duplicates) // 2 :]:
        at = jobs.index(code)
        jobs.insert(rng.randint(at + 1, len(jobs)), code)
    return jobs


def _run_clients(
    port: int, cycle_id: int, jobs: list[str], sessions: list[tuple[str, str]]
) -> tuple[list[Result], float]:
    """The answers, and the seconds from the end of the warm-up to the last answer."""
    work: queue.SimpleQueue[str] = queue.SimpleQueue()
    for code in jobs:
        work.put(code)
    results: list[Result] = []
    surprises: list[str] = []
    began: list[float] = []
    ready = threading.Barrier(len(sessions), action=lambda: began.append(time.perf_counter()))
    lock = threading.Lock()
    deadline = time.monotonic() + DEADLINE_SECONDS
    path = f"/api/v1/cycles/{cycle_id}/redemptions"

    def desk(index: int) -> None:
        session, token = sessions[index]
        headers = {
            "Content-Type": "application/json",
            "Cookie": f"sessionid={session}; csrftoken={token}",
            "X-CSRFToken": token,
            "Host": f"{HOST}:{port}",
        }
        connection = http.client.HTTPConnection(HOST, port, timeout=30)
        # Warm-up, not measured: each worker imports the URL configuration on its first
        # request; every desk reads the cycle once, all at the same time.
        connection.request("GET", f"/api/v1/cycles/{cycle_id}", headers=headers)
        connection.getresponse().read()
        ready.wait(timeout=120)
        mine: list[Result] = []
        while time.monotonic() < deadline:
            try:
                code = work.get_nowait()
            except queue.Empty:
                break
            body = json.dumps({"code": code, "desk": f"desk-{index}"})
            began = time.perf_counter()
            try:
                connection.request("POST", path, body, headers)
                response = connection.getresponse()
                answer = response.read()
                status = response.status
                if status not in (201, 409) and len(surprises) < 3:
                    surprises.append(f"{status} {answer[:300]!r}")
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection(HOST, port, timeout=30)
                status = 0
            mine.append(Result(code, status, time.perf_counter() - began))
        connection.close()
        with lock:
            results.extend(mine)

    threads = [threading.Thread(target=desk, args=(i,)) for i in range(len(sessions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=DEADLINE_SECONDS + 60)
    ended = time.perf_counter()
    for surprise in surprises:
        print(f"unexpected answer: {surprise}", file=sys.stderr)
    return results, ended - (began[0] if began else ended)


# --- Checks and report ------------------------------------------------------------------------


def _verify(setup: dict[str, object], results: list[Result]) -> dict[str, object]:
    from django.db.models import Count, Sum

    from edgecamp.distributions.models import Entitlement, EntitlementLine, Redemption
    from edgecamp.stock.models import Movement, StockBalance

    cycle_id = setup["cycle_id"]
    created = Counter(r.code for r in results if r.status == 201)
    double_responses = sum(1 for n in created.values() if n > 1)
    redemptions = Redemption.objects.filter(entitlement__cycle_id=cycle_id).count()
    double_rows = (
        Redemption.objects.values("entitlement").annotate(n=Count("id")).filter(n__gt=1).count()
    )
    issued = dict(
        EntitlementLine.objects.filter(
            entitlement__cycle_id=cycle_id, entitlement__redemption__isnull=False
        )
        .values_list("item")
        .annotate(total=Sum("quantity"))
    )
    moved = dict(
        Movement.objects.filter(kind="distribution")
        .values_list("item")
        .annotate(total=Sum("quantity"))
    )
    balances = dict(StockBalance.objects.values_list("item").annotate(total=Sum("quantity")))
    ledger = dict(Movement.objects.values_list("item").annotate(total=Sum("quantity")))
    start: dict[int, Decimal] = setup["start_stock"]  # type: ignore[assignment]
    stock_ok = all(
        balances[item] == start[item] - issued.get(item, 0) == ledger[item]
        and -moved.get(item, 0) == issued.get(item, 0)
        for item in start
    )
    from edgecamp.distributions.cards import read_card_code

    answered = {r.code for r in results if r.status in (201, 409)}
    presented: list[str] = setup["presented"]  # type: ignore[assignment]
    redeemed_numbers = set(
        Redemption.objects.filter(entitlement__cycle_id=cycle_id).values_list(
            "entitlement__household_number", flat=True
        )
    )
    # Lost: a card the server answered (201 or 409) whose household holds no redemption.
    lost = sum(1 for code in answered if read_card_code(code) not in redeemed_numbers)
    not_presented = len(set(presented) - answered)  # time limit or failed requests
    eligible = Entitlement.objects.filter(cycle_id=cycle_id).count()
    unanswered = len(created) - redemptions  # a 201 the database does not hold
    failed = sum(1 for r in results if r.status not in (201, 409))
    ok = (
        double_responses == 0
        and double_rows == 0
        and lost == 0
        and unanswered == 0
        and not_presented == 0
        and redemptions == len(presented)
    )
    return {
        "ok": ok and stock_ok and failed == 0,
        "double_responses": double_responses,
        "double_rows": double_rows,
        "lost": lost,
        "not_presented": not_presented,
        "eligible": eligible,
        "unanswered": unanswered,
        "failed": failed,
        "stock_ok": stock_ok,
        "redemptions": redemptions,
        "issued": issued,
        "balances": balances,
        "start": start,
    }


def _report(
    args: argparse.Namespace,
    setup: dict[str, object],
    results: list[Result],
    wall: float,
    checks: dict[str, object],
) -> None:
    latencies = sorted(r.seconds * 1000 for r in results)
    statuses = Counter(r.status for r in results)
    quantiles = statistics.quantiles(latencies, n=100)
    items: dict[int, str] = setup["items"]  # type: ignore[assignment]
    presented: list[str] = setup["presented"]  # type: ignore[assignment]
    start: dict[int, Decimal] = checks["start"]  # type: ignore[assignment]
    issued: dict[int, Decimal] = checks["issued"]  # type: ignore[assignment]
    balances: dict[int, Decimal] = checks["balances"]  # type: ignore[assignment]
    print(
        f"\nPython {platform.python_version()}, {os.cpu_count()} cores; households "
        f"{setup['eligible']:,} ({setup['people']:,} people) loaded in "
        f"{setup['load_seconds']:.1f} s; cycle started (snapshot) in "
        f"{setup['snapshot_seconds']:.1f} s; gunicorn {args.workers} workers x "
        f"{args.threads} threads; {args.clients} clients\n"
    )
    rows = [
        ("cards presented (of the cycle's)", f"{len(presented):,} of {checks['eligible']:,}"),
        ("requests", f"{len(results):,}"),
        ("of which duplicate scans", f"{len(results) - len(presented):,}"),
        ("201 redeemed", f"{statuses[201]:,}"),
        ("409 already collected", f"{statuses[409]:,}"),
        ("other answers or failures", f"{checks['failed']:,}"),
        ("wall time (s)", f"{wall:.1f}"),
        ("throughput (requests/s)", f"{len(results) / wall:.0f}"),
        ("throughput (redemptions/s)", f"{statuses[201] / wall:.0f}"),
        ("latency p50 (ms)", f"{quantiles[49]:.1f}"),
        ("latency p95 (ms)", f"{quantiles[94]:.1f}"),
        ("latency p99 (ms)", f"{quantiles[98]:.1f}"),
        ("latency max (ms)", f"{latencies[-1]:.1f}"),
        (
            "double redemptions",
            f"{checks['double_responses']} (responses), {checks['double_rows']} (rows)",
        ),
        (
            "lost redemptions",
            f"{checks['lost']} (+ {checks['unanswered']} 201s not in the database, "
            f"{checks['not_presented']} cards never answered)",
        ),
        ("final stock == start - issued", "yes" if checks["stock_ok"] else "NO"),
    ]
    print("| measure | value |\n|---|---:|")
    for name, value in rows:
        print(f"| {name} | {value} |")
    print("\n| item | start | issued | final |\n|---|---:|---:|---:|")
    for item, name in items.items():
        print(f"| {name} | {start[item]:,} | {issued.get(item, 0):,} | {balances[item]:,} |")
    print("\nall checks passed" if checks["ok"] else "\nCHECKS FAILED")


if __name__ == "__main__":
    raise SystemExit(main())
