"""Profile one redemption request: every SQL query it sends, how long each took, and which
ran inside the transaction that holds the entitlement's row lock (the part two desks
scanning the same card, and every desk sharing the warehouse's balance rows, wait for).

    .venv/bin/python bench/redemption/profile.py [--households 300] [--requests 20]

Creates the PostgreSQL database `edgecamp_bench_profile` (dropped at the end), seeds it like
run.py, signs in one desk (distribution staff) and posts `--requests` redemptions through the
full middleware stack (Django's test client, session cookie and CSRF as a browser or script
would), then prints the query log of the last one and the mean per request.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--households", type=int, default=300)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--database", default="edgecamp_bench_profile")
    args = parser.parse_args()

    data_dir = tempfile.mkdtemp(prefix="edgecamp-profile-")
    os.environ.update(
        {
            "DATABASE_URL": f"{run.SERVER}/{args.database}",
            "EDGECAMP_DATA_DIR": data_dir,
            "EDGECAMP_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_SETTINGS_MODULE": "edgecamp.settings",
        }
    )
    run._admin_sql(f'DROP DATABASE IF EXISTS "{args.database}"')
    run._admin_sql(f'CREATE DATABASE "{args.database}"')
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client

        call_command("migrate", verbosity=0)
        setup = run._seed(args.households, 2026)
        session, token = run._desk_sessions(1)[0]
        client = Client(HTTP_HOST="127.0.0.1")
        client.cookies["sessionid"] = session
        client.cookies["csrftoken"] = token
        path = f"/api/v1/cycles/{setup['cycle_id']}/redemptions"
        client.get(f"/api/v1/cycles/{setup['cycle_id']}")  # warm-up: URL conf, caches

        codes: list[str] = setup["codes"]  # type: ignore[assignment]
        totals: list[tuple[float, int, int, float, int, float]] = []
        log: list[tuple[float, int, str]] = []
        for code in codes[: args.requests]:
            log = []
            began = time.perf_counter()
            with connection.execute_wrapper(_recorder(log)):
                response = client.post(
                    path,
                    json.dumps({"code": code, "desk": "profile"}),
                    content_type="application/json",
                    HTTP_X_CSRFTOKEN=token,
                )
            elapsed = time.perf_counter() - began
            assert response.status_code == 201, response.content
            locked = _locked_section(log)
            balances = _balance_section(locked)
            totals.append(
                (
                    elapsed * 1000,
                    len(log),
                    len(locked),
                    sum(d for d, _t, _s in locked) * 1000,
                    len(balances),
                    sum(d for d, _t, _s in balances) * 1000,
                )
            )

        print(f"\nLast request: {len(log)} queries")
        locked_ids = {id(entry) for entry in _locked_section(log)}
        for number, entry in enumerate(log, 1):
            duration, transaction, sql = entry
            mark = "L" if id(entry) in locked_ids else ("T" if transaction else " ")
            print(f"{number:3d} {mark} {duration * 1000:7.2f} ms  {sql[:150]}")
        print("\nL: inside the entitlement's row lock (to COMMIT); T: in another transaction\n")
        print("| measure (mean of requests 2..n) | value |\n|---|---:|")
        rest = totals[1:] or totals
        print(f"| request (ms) | {statistics.mean(t[0] for t in rest):.1f} |")
        print(f"| queries per request | {statistics.mean(t[1] for t in rest):.1f} |")
        print(f"| queries inside the lock | {statistics.mean(t[2] for t in rest):.1f} |")
        print(f"| time in those queries (ms) | {statistics.mean(t[3] for t in rest):.2f} |")
        print(f"| queries holding the balance rows | {statistics.mean(t[4] for t in rest):.1f} |")
        print(f"| time in those queries (ms) | {statistics.mean(t[5] for t in rest):.2f} |")
        return 0
    finally:
        from django.db import connections

        connections.close_all()
        run._admin_sql(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
        shutil.rmtree(data_dir, ignore_errors=True)


def _recorder(log: list[tuple[float, int, str]]) -> Callable[..., Any]:
    def record(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        began = time.perf_counter()
        blocks = context["connection"].atomic_blocks
        # Which transaction the query runs in: the outermost atomic block, by identity.
        transaction = id(blocks[0]) if blocks else 0
        try:
            return execute(sql, params, many, context)
        finally:
            log.append((time.perf_counter() - began, transaction, " ".join(sql.split())))

    return record


def _locked_section(log: list[tuple[float, int, str]]) -> list[tuple[float, int, str]]:
    """From the entitlement's SELECT … FOR UPDATE to the end of its transaction."""
    start = next(
        (
            i
            for i, (_d, _a, sql) in enumerate(log)
            if "FOR UPDATE" in sql and "distributions_entitlement" in sql.split("FROM")[1][:40]
        ),
        None,
    )
    if start is None:
        return []
    end = start
    while end + 1 < len(log) and log[end + 1][1] == log[start][1]:
        end += 1
    return log[start : end + 1]


def _balance_section(locked: list[tuple[float, int, str]]) -> list[tuple[float, int, str]]:
    """From the first lock on stock balance rows to the end of the transaction."""
    for index, (_d, _t, sql) in enumerate(locked):
        if "FOR UPDATE" in sql and '"stock_stockbalance"' in sql.split("WHERE")[0]:
            return locked[index:]
    return []


if __name__ == "__main__":
    raise SystemExit(main())
