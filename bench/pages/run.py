"""Server time of the staff pages on a large registry, as each role sees them.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ec1m \\
        .venv/bin/python bench/pages/run.py [--requests 20] [--only dashboard,search-name]

The database must already hold a camp (`edgecamp generate --people 1000000`); nothing of it
is changed except five staff accounts `bench-*` (created once, reused) and the audit entries
the page reads write (a protection officer reading sensitive needs). Each page is requested
through the whole middleware stack with Django's test client (session, CSRF, access policy,
template rendering), in this process: the time is the server's, without a network. Two
warm-up requests, then `--requests` timed ones; p50 and p95 per page and role, as Markdown.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from urllib.parse import quote

ROLES = ["administrator", "camp_manager", "registration_clerk", "protection_officer"]
PARTNER = "partner_viewer"


@dataclass(frozen=True)
class Page:
    key: str
    label: str
    url: str
    roles: list[str]


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--only", default="", help="comma-separated page keys")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        print("Set DATABASE_URL to the database holding the large camp.", file=sys.stderr)
        return 2
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edgecamp.settings")
    os.environ.setdefault("EDGECAMP_DATA_DIR", str(Path("var").resolve()))
    hosts = os.environ.get("EDGECAMP_ALLOWED_HOSTS", "127.0.0.1,localhost")
    os.environ["EDGECAMP_ALLOWED_HOSTS"] = hosts + ",testserver"

    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    users = _users()
    pages = _pages()
    if args.only:
        wanted = set(args.only.split(","))
        pages = [p for p in pages if p.key in wanted]
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM registry_individual")
        people = cursor.fetchone()[0]
    print(f"# {people:,} individual records; {connection.vendor}")
    print(
        f"# {platform.node()} {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at start"
    )
    print()
    print("| page | role | p50 ms | p95 ms | status |")
    print("|---|---|---:|---:|---|")
    for page in pages:
        for role in page.roles:
            client = Client()
            client.force_login(users[role])
            times, status = _time(partial(client.get, page.url), args.warmup, args.requests)
            print(
                f"| {page.label} | {role.replace('_', ' ')} | {_p(times, 50):.1f} | "
                f"{_p(times, 95):.1f} | {status} |",
                flush=True,
            )
    print()
    print(f"# load average {os.getloadavg()[0]:.2f} at end")
    return 0


def _time(request: Callable[[], object], warmup: int, count: int) -> tuple[list[float], int]:
    status = 0
    for _ in range(warmup):
        request()
    times = []
    for _ in range(count):
        started = time.perf_counter()
        response = request()
        times.append((time.perf_counter() - started) * 1000)
        status = response.status_code  # type: ignore[attr-defined]
    return times, status


def _p(values: list[float], percent: int) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[percent - 1]


def _users() -> dict[str, object]:
    """One account per role; the scoped ones work at the first site only."""
    from django.contrib.auth import get_user_model

    from edgecamp.accounts.models import StaffProfile
    from edgecamp.sites.models import Site

    first_site = Site.objects.order_by("pk").first()
    model = get_user_model()
    users = {}
    for role in [*ROLES, PARTNER]:
        user, created = model.objects.get_or_create(username=f"bench-{role.replace('_', '-')}")
        if created:
            all_sites = role in ("administrator", "camp_manager", PARTNER)
            profile = StaffProfile.objects.create(user=user, role=role, all_sites=all_sites)
            if not all_sites:
                profile.sites.set([first_site])
        users[role] = user
    return users


def _pages() -> list[Page]:
    """Pages and sample queries taken from the first site's data (which every role sees)."""
    from edgecamp.registry.models import Household, IdentityDocument, Individual
    from edgecamp.sites.models import Site

    site = Site.objects.order_by("pk").first()
    at_site = Household.objects.filter(site=site, status="active")
    household = at_site.order_by("number")[at_site.count() // 2 :].first()
    assert household is not None, "no household at the first site: load a camp first"
    person = Individual.objects.filter(household=household).order_by("pk").first()
    document = (
        IdentityDocument.objects.filter(individual__household__site=site).order_by("pk").first()
    )
    name_words = person.search_text.split() if person else ["a"]
    everyone = [*ROLES]
    pages = [
        Page("dashboard", "dashboard", "/", [*everyone, PARTNER]),
        Page("list", "household list, page 1", "/households/", everyone),
        Page("list-deep", "household list, page 2 000", "/households/?page=2000", everyone),
        Page(
            "search-name",
            "search one name",
            f"/households/?q={name_words[0]}",
            everyone,
        ),
        Page(
            "search-full-name",
            "search given + family name",
            f"/households/?q={'+'.join(name_words[:2])}",
            everyone,
        ),
        Page(
            "search-number",
            "search household number",
            f"/households/?q={household.number}",
            everyone,
        ),
    ]
    if document is not None:
        pages.append(
            Page(
                "search-document",
                "search document number",
                f"/households/?q={document.number}",
                everyone,
            )
        )
        # Issue 13: however it is written (separators dropped, lower case).
        typed = quote(document.number.replace("-", " ").lower())
        pages.append(
            Page(
                "search-document-typed",
                "search document number, other formatting",
                f"/households/?q={typed}",
                everyone,
            )
        )
    pages += _desk_searches(household, person, everyone)
    _protection_records(household)
    pages += [
        Page("household", "household page", f"/households/{household.number}/", everyone),
        Page("tracing", "tracing requests", "/protection/tracing/", ["protection_officer"]),
        Page("duplicates", "duplicate review", "/duplicates/", ["administrator", "camp_manager"]),
        Page("audit", "audit log", "/audit/", ["administrator", "camp_manager"]),
    ]
    return pages


def _misspelt(name: str) -> str:
    """The name as another clerk might write it: its first inner consonant doubled
    (Fatima → Fattima), or an "ou" for a "u" (Kaltuma → Kaltouma)."""
    for i, letter in enumerate(name[1:-1], start=1):
        if letter.lower() in "bcdfghjklmnpqrstvz":
            return name[: i + 1] + letter + name[i + 1 :]
    return name.replace("u", "ou", 1) if "u" in name else name + "e"


def _desk_searches(household: object, person: object, everyone: list[str]) -> list[Page]:
    """The searches of issue 13 (target p95 <= 150 ms at 1M): a misspelt name, a misspelt
    given + family name, a phone number written another way, a date of birth typed day first,
    an age, a fragment of the household number, and the API's search."""
    from edgecamp.registry.models import Household, Individual

    assert isinstance(household, Household)
    assert isinstance(person, Individual)
    given = _misspelt(person.given_name.split()[0])
    family = _misspelt(person.family_name.split()[0]) if person.family_name else ""
    pages = [
        Page(
            "search-misspelt",
            "search a misspelt given name",
            f"/households/?q={quote(given)}",
            everyone,
        ),
        Page(
            "search-misspelt-full",
            "search a misspelt given + family name",
            f"/households/?q={quote(f'{given} {family}'.strip())}",
            everyone,
        ),
        Page(
            "search-fragment",
            "search household number fragment",
            f"/households/?q={household.number[-5:]}",
            everyone,
        ),
        Page(
            "api-search",
            "API search, misspelt given + family name",
            f"/api/v1/households?q={quote(f'{given} {family}'.strip())}",
            everyone,
        ),
    ]
    phoned = Household.objects.filter(site_id=household.site_id).exclude(phone="").first()
    if phoned is not None:
        digits = "".join(c for c in phoned.phone if c.isdigit())
        typed = "-".join(digits[i : i + 3] for i in range(0, len(digits), 3))
        pages.append(
            Page(
                "search-phone",
                "search phone, other formatting",
                f"/households/?q={typed}",
                everyone,
            )
        )
    born = (
        Individual.objects.filter(
            household__site_id=household.site_id, date_of_birth_precision="exact"
        )
        .exclude(date_of_birth=None)
        .first()
    )
    if born is not None:
        day = born.date_of_birth.strftime("%d/%m/%Y")
        pages.append(
            Page(
                "search-dob",
                "search date of birth (day first)",
                f"/households/?q={quote(day)}",
                everyone,
            )
        )
    pages.append(
        Page(
            "search-age",
            "search an age (about 30)",
            f"/households/?q={quote('about 30')}",
            everyone,
        )
    )
    return pages


def _protection_records(household: object) -> None:
    """A note and a tracing request on the sample household, and 2 000 tracing requests at its
    site (once), so protection officers' pages read something."""
    from edgecamp.protection.models import ConfidentialNote, TracingRequest
    from edgecamp.registry.models import Household, Individual

    if TracingRequest.objects.exists():
        return
    assert isinstance(household, Household)
    requester = Individual.objects.filter(household=household).order_by("pk").first()
    ConfidentialNote.objects.create(household=household, text="Synthetic confidential note.")
    others = Household.objects.filter(site_id=household.site_id).order_by("pk")[:2000]
    TracingRequest.objects.bulk_create(
        TracingRequest(
            household=h,
            requester=h.focal_point or requester,
            sought_given_name=f"Sought {i}",
            relationship="sibling",
        )
        for i, h in enumerate([household, *others.select_related("focal_point")])
        if h.focal_point or h == household
    )


if __name__ == "__main__":
    sys.exit(main())
