"""Buttons and links follow the policy table: a page never offers a role a link or a form it
would be refused (a distributor saw "New cycle" and got a 403)."""

from __future__ import annotations

import re

import pytest
from django.urls import Resolver404, resolve, reverse

from edgecamp.accounts import policy
from edgecamp.core.access import Role
from edgecamp.distributions.services import start_cycle
from tests.distributions.factories import make_cycle, per_household
from tests.registry.factories import make_household
from tests.stock.factories import make_item, make_warehouse, stock_up
from tests.verification.factories import make_round

pytestmark = pytest.mark.django_db

PAGES = [
    ("dashboard", ()),
    ("household-list", ()),
    ("household-register", ()),
    ("household-detail", ("household",)),
    ("duplicate-review", ()),
    ("stock-position", ()),
    ("warehouse-ledger", ("warehouse",)),
    ("pledge-list", ()),
    ("shipment-list", ()),
    ("cycle-list", ()),
    ("cycle-detail", ("cycle",)),
    ("ration-card", ()),
    ("shelter-sites", ()),
    ("protection-tracing-list", ()),
    ("audit-log", ()),
    ("token-list", ()),
    ("verification-rounds", ()),
    ("verification-report", ("round",)),
    ("verification-desk", ("round",)),
    ("verification-round-close", ("round",)),
]
LINK = re.compile(r'<(?:a[^>]*\shref|form[^>]*\saction)="(/[^"#?]*)')


@pytest.fixture
def camp(site):
    household = make_household(site)
    item = make_item()
    warehouse = make_warehouse(site)
    stock_up(warehouse, item, "100")
    cycle = make_cycle(site, warehouse, [per_household(item, "1")])
    start_cycle(cycle.pk)
    return {
        "household": household.number,
        "warehouse": warehouse.pk,
        "cycle": cycle.pk,
        "round": make_round(site).pk,
    }


@pytest.mark.parametrize("role", [r for r in Role if r != Role.ADMINISTRATOR])
def test_pages_offer_only_links_the_role_may_follow(client_as, site, camp, role):
    client = client_as(role, [site])
    offered: dict[str, str] = {}
    for name, arguments in PAGES:
        access = policy.web_access(name)
        if access is None or not access.allows(role):
            continue
        url = reverse(name, args=[camp[a] for a in arguments])
        response = client.get(url)
        assert response.status_code == 200, url
        for target in LINK.findall(response.content.decode()):
            if target.startswith(("/static/", "/api/v1/docs")):
                continue
            try:
                match = resolve(target)
            except Resolver404:
                continue
            offered.setdefault(match.view_name, url)
    refused = {
        view: page
        for view, page in offered.items()
        if not (policy.web_access(view) or policy.Access()).allows(role)
    }
    assert refused == {}, f"{role} is offered links it would be refused (link: page)"
