"""Lists that must stay fast after bulk work: a pledge of 200 000 lines (recorded before lines
were limited), then the pages and API lists that read it.

    .venv/bin/python bench/bulk/run.py [--lines 200000] [--pledges 120] [--requests 5]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_bulk .venv/bin/python bench/bulk/run.py

Without DATABASE_URL it builds a fresh SQLite database in a temporary directory (removed at
the end); with one, that database is migrated and filled, so give it an empty database of its
own. The huge pledge is written with `bulk_create` (the services refuse more than 500 lines
since issue 10); `--pledges` small pledges come with it so the lists have pages. Each page and
API list is requested through the whole middleware stack with Django's test client, signed in
as an administrator: two warm-up requests, then `--requests` timed ones. Also timed: receiving
a shipment against the huge pledge (its status is recomputed), and reading a pledge CSV file
of `--lines` rows with the CLI's reader (refused or not). Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--lines", type=int, default=200_000)
    parser.add_argument("--pledges", type=int, default=120)
    parser.add_argument("--requests", type=int, default=5)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="edgecamp-bench-bulk-"))
    try:
        return _run(args, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _run(args: argparse.Namespace, workdir: Path) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edgecamp.settings")
    os.environ["EDGECAMP_DATA_DIR"] = str(workdir)
    hosts = os.environ.get("EDGECAMP_ALLOWED_HOSTS", "127.0.0.1,localhost")
    os.environ["EDGECAMP_ALLOWED_HOSTS"] = hosts + ",testserver"

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    admin, shipment_id = _load(args.lines, args.pledges)
    load_seconds = time.perf_counter() - started
    client = Client()
    client.force_login(admin)

    print(f"# {args.lines:,}-line pledge and {args.pledges} small ones; {connection.vendor}")
    print(
        f"# {platform.node()} {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at start; "
        f"loaded in {load_seconds:.1f} s"
    )
    print()
    print("| request | p50 ms | max ms | status | bytes |")
    print("|---|---:|---:|---|---:|")
    for label, url in [
        ("pledge page", "/supply/pledges/"),
        ("pledge page 2", "/supply/pledges/?page=2"),
        ("shipment page", "/supply/shipments/"),
        ("stock position page", "/supply/stock/"),
        ("GET /api/v1/pledges", "/api/v1/pledges"),
        ("GET /api/v1/stock/position", "/api/v1/stock/position"),
        ("GET /api/v1/shipments", "/api/v1/shipments"),
    ]:
        times, response = _time(lambda url=url: client.get(url), args.requests)
        _row(label, times, response.status_code, len(response.content))

    from edgecamp.stock import services
    from edgecamp.stock.models import Shipment

    shipment = Shipment.objects.get(pk=shipment_id)
    received = [
        services.ReceivedLineInput(line_id=line.pk, received_quantity=line.manifest_quantity)
        for line in shipment.lines.all()
    ]
    times, _result = _time(lambda: services.receive_shipment(shipment_id, received), 1, warmup=0)
    _row("receive a shipment of the huge pledge", times, 200, 0)

    csv_path = workdir / "pledge.csv"
    with csv_path.open("w", encoding="utf-8") as handle:
        handle.write("item,quantity\n")
        handle.writelines("maize,1\n" for _n in range(args.lines))
    from edgecamp.stock import files

    def read() -> object:
        try:
            return files.read_pledge_lines(csv_path)
        except files.FileError as refused:
            return refused

    times, outcome = _time(read, 1, warmup=0)
    status = "refused" if isinstance(outcome, files.FileError) else f"{len(outcome)} lines"  # type: ignore[arg-type]
    _row(f"read a {args.lines:,}-row pledge CSV ({status})", times, 0, csv_path.stat().st_size)
    print()
    print(f"# load average {os.getloadavg()[0]:.2f} at end")
    return 0


def _load(lines: int, pledges: int) -> tuple[Any, int]:
    from datetime import date, timedelta
    from decimal import Decimal

    from django.contrib.auth import get_user_model

    from edgecamp.partners.models import Organisation
    from edgecamp.sites.models import Site
    from edgecamp.stock.models import Item, Pledge, PledgeLine, Shipment, ShipmentLine, Warehouse

    admin = get_user_model().objects.create_superuser("bench-admin", password=None)
    site = Site.objects.create(name="Bench site", code="bench")
    warehouse = Warehouse.objects.create(site=site, code="WH-B", name="Bench warehouse")
    items = [
        Item.objects.create(code=code, name=code.title(), unit="kg")
        for code in ("maize", "beans", "oil", "salt")
    ]
    donor = Organisation.objects.create(name="Bench donor")
    huge = Pledge.objects.create(
        donor=donor, destination=warehouse, pledged_on=date(2026, 11, 1), reference="HUGE"
    )
    batch = 10_000
    for start in range(0, lines, batch):
        PledgeLine.objects.bulk_create(
            PledgeLine(pledge=huge, item=items[n % len(items)], quantity=Decimal(1))
            for n in range(start, min(lines, start + batch))
        )
    for n in range(pledges):
        small = Pledge.objects.create(
            donor=donor,
            destination=warehouse,
            pledged_on=date(2026, 10, 1) - timedelta(days=n),
            reference=f"P-{n:04}",
        )
        PledgeLine.objects.bulk_create(
            PledgeLine(pledge=small, item=item, quantity=Decimal(10)) for item in items
        )
    shipment = Shipment.objects.create(
        sender=donor,
        destination=warehouse,
        pledge=huge,
        waybill="WB-HUGE",
        dispatched_on=date(2026, 11, 2),
    )
    ShipmentLine.objects.bulk_create(
        ShipmentLine(shipment=shipment, item=item, manifest_quantity=Decimal(100)) for item in items
    )
    Pledge.objects.filter(pk=huge.pk).update(status=Pledge.Status.IN_TRANSIT)
    return admin, shipment.pk


def _time(request: Callable[[], Any], count: int, *, warmup: int = 2) -> tuple[list[float], Any]:
    for _ in range(warmup):
        request()
    times = []
    result = None
    for _ in range(count):
        started = time.perf_counter()
        result = request()
        times.append((time.perf_counter() - started) * 1000)
    return times, result


def _row(label: str, times: list[float], status: int, size: int) -> None:
    print(
        f"| {label} | {statistics.median(times):.0f} | {max(times):.0f} | "
        f"{status or '-'} | {size:,} |",
        flush=True,
    )


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))
    sys.exit(main())
