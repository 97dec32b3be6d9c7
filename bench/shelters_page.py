"""The shelters page of the largest site, and its API, timed (issue 13, "Shelters").

    EDGECAMP_DATA_DIR=… [DATABASE_URL=…] edgecamp generate --people 20000 --seed 1
    EDGECAMP_DATA_DIR=… [DATABASE_URL=…] edgecamp manage shell \\
        -c "exec(open('bench/shelters_page.py').read())"

Creates a superuser `bench-admin` without a usable password in that database if there is none
(a benchmark database, never a real one)."""

import statistics
import time

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from edgecamp.shelters import queries
from edgecamp.sites.models import Site

User = get_user_model()
user = User.objects.filter(username="bench-admin").first() or User.objects.create_superuser(
    "bench-admin", password=None
)
site = max(Site.objects.all(), key=lambda s: s.blocks.count())
client = Client(SERVER_NAME="localhost")
client.force_login(user)
base = f"/shelters/{site.code}/shelters/"
for label, params in [
    ("all", ""),
    ("under standard", "?under_standard=on"),
    ("crowded", "?occupancy=crowded"),
    ("free", "?occupancy=free"),
    ("page 20", "?page=20"),
]:
    times = []
    for _ in range(7):
        started = time.perf_counter()
        response = client.get(base + params)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as captured:
        client.get(base + params)
    print(
        f"{label:15} median {statistics.median(times) * 1000:6.0f} ms, "
        f"max {max(times) * 1000:6.0f} ms, {len(captured)} queries"
    )
started = time.perf_counter()
response = client.get(f"/api/v1/sites/{site.code}/shelters?page_size=100")
print(
    "api, 100 rows",
    round((time.perf_counter() - started) * 1000),
    "ms of",
    response.json()["count"],
    "shelters",
)
print("site", site.code, site.blocks.count(), "blocks", queries.site_shelters(site).count())
