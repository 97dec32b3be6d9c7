"""Attacked: unbounded bulk work, the rest of issue 10 item 7 (test_unbounded_lists.py has the
line limits). Every list route of the API answers pages (`count`, `items`, `page_size` at most
100); every long list page of the staff UI is paged, and a `page` that is not a page number is
a 400 saying so; the CSV reader stops at a size and a row count it names; the API's list
inputs are bounded before their items are parsed, with a message on the field; a pledge's
status is summed by the database, not read line by line."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from edgecamp.api import api
from edgecamp.core.schemas import MAX_PAGE_SIZE
from edgecamp.csvio import CsvFileError, open_csv
from edgecamp.protection.models import TracingRequest
from edgecamp.registry.services import MAX_DOCUMENTS, MAX_MEMBERS, MAX_NEEDS
from edgecamp.stock import files, services
from edgecamp.stock.models import Pledge, PledgeLine, Shipment, Warehouse
from edgecamp.stock.quantities import MAX_LINES
from tests.partners.factories import make_organisation
from tests.registry.factories import make_household
from tests.stock.factories import make_item, make_warehouse

pytestmark = pytest.mark.django_db

TOO_BIG = "99999999999999999999"


# --- API: every list route answers pages -------------------------------------------------------


def _answer(operations: dict) -> dict:
    """The schema of a GET route's 200 answer (empty for other routes)."""
    responses = operations.get("get", {}).get("responses", {})
    answer = responses.get(200) or responses.get("200") or {}
    return answer.get("content", {}).get("application/json", {}).get("schema", {})


def _paged_routes(schema: dict) -> list[str]:
    """GET routes answering `{"count", "items"}`."""
    shapes = schema["components"]["schemas"]
    return [
        path
        for path, operations in schema["paths"].items()
        if "$ref" in _answer(operations)
        and set(shapes[_answer(operations)["$ref"].rsplit("/", 1)[-1]].get("properties", {}))
        == {"count", "items"}
    ]


def test_no_api_route_answers_an_unpaged_list():
    schema = api.get_openapi_schema()
    bare = [
        path
        for path, operations in schema["paths"].items()
        if _answer(operations).get("type") == "array"
    ]
    assert bare == []
    paged = _paged_routes(schema)
    for path in [
        "/api/v1/warehouses",
        "/api/v1/stock/position",
        "/api/v1/tracing-requests",
        "/api/v1/sites",
        "/api/v1/items",
        "/api/v1/pledges",
        "/api/v1/shipments",
        "/api/v1/cycles",
        "/api/v1/households",
        "/api/v1/duplicates",
        "/api/v1/stock/movements",
        "/api/v1/allocation-plans/{plan_id}/lines",
    ]:
        assert path in paged, path


def test_warehouses_come_in_pages_of_at_most_the_maximum(logged_in_client, site):
    Warehouse.objects.bulk_create(
        Warehouse(site=site, code=f"wh-{n}", name=f"Warehouse {n}")
        for n in range(MAX_PAGE_SIZE + 5)
    )
    body = logged_in_client.get("/api/v1/warehouses", {"page_size": 10_000}).json()
    assert body["count"] == MAX_PAGE_SIZE + 5
    assert len(body["items"]) == MAX_PAGE_SIZE
    last = logged_in_client.get("/api/v1/warehouses", {"page": 2, "page_size": 100}).json()
    assert len(last["items"]) == 5
    assert set(last["items"][0]) >= {"id", "uuid", "code", "name", "site"}


def test_the_stock_position_comes_in_pages(logged_in_client, site):
    warehouse = make_warehouse(site)
    donor = make_organisation()
    items = [make_item() for _n in range(3)]
    services.create_pledge(
        services.PledgeInput(
            donor.pk,
            warehouse.pk,
            date.today(),
            [services.PledgeLineInput(item.pk, Decimal(5)) for item in items],
        )
    )
    body = logged_in_client.get("/api/v1/stock/position", {"page_size": 2}).json()
    assert body["count"] == 3
    assert len(body["items"]) == 2
    assert body["items"][0]["in_pipeline"] == "5.000"


def test_tracing_requests_come_in_pages_and_only_the_page_is_audited_as_read(client_as, site):
    from edgecamp.audit.models import AuditEntry
    from edgecamp.protection.services import TracingInput, open_tracing_request

    household = make_household(site)
    requester = household.members.first()
    for n in range(3):
        open_tracing_request(
            household,
            TracingInput(requester.pk, f"Sought {n}", "brother"),
            opened_by=None,
        )
    client = client_as("protection_officer", [site])
    reads_before = AuditEntry.objects.filter(action=AuditEntry.Action.READ).count()
    body = client.get("/api/v1/tracing-requests", {"page_size": 1}).json()
    assert body["count"] == TracingRequest.objects.count() == 3
    assert len(body["items"]) == 1
    assert AuditEntry.objects.filter(action=AuditEntry.Action.READ).count() == reads_before + 1


@pytest.mark.parametrize(
    "path", ["/api/v1/warehouses", "/api/v1/stock/position", "/api/v1/tracing-requests"]
)
def test_a_page_beyond_any_list_is_a_422_naming_page(client_as, site, path):
    client = client_as("protection_officer" if "tracing" in path else "administrator")
    response = client.get(path, {"page": TOO_BIG})
    assert response.status_code == 422
    assert "page" in response.json()["errors"]


# --- Pages of the staff UI ---------------------------------------------------------------------


@pytest.fixture
def list_pages(site):
    warehouse = make_warehouse(site)
    return [
        reverse("household-list"),
        reverse("pledge-list"),
        reverse("shipment-list"),
        reverse("cycle-list"),
        reverse("stock-position"),
        reverse("duplicate-review"),
        reverse("warehouse-ledger", args=[warehouse.pk]),
        reverse("shelter-sites"),
    ]


@pytest.mark.parametrize("value", ["x", "0", "-1", TOO_BIG])
def test_a_page_that_is_not_a_page_number_is_a_400_saying_so(logged_in_client, list_pages, value):
    for url in list_pages:
        response = logged_in_client.get(url, {"page": value})
        assert response.status_code == 400, url
        assert "There is no page" in response.content.decode(), url


def test_the_tracing_page_refuses_a_page_that_is_not_a_page_number(client_as, site):
    client = client_as("protection_officer", [site])
    response = client.get(reverse("protection-tracing-list"), {"page": TOO_BIG})
    assert response.status_code == 400
    assert "There is no page" in response.content.decode()


def test_a_page_past_the_last_shows_the_last(logged_in_client, site):
    response = logged_in_client.get(reverse("cycle-list"), {"page": "7"})
    assert response.status_code == 200


def test_the_shipment_page_is_paged(logged_in_client, site):
    warehouse = make_warehouse(site)
    sender = make_organisation()
    Shipment.objects.bulk_create(
        Shipment(
            sender=sender,
            destination=warehouse,
            waybill=f"WB-{n:03}",
            dispatched_on=date(2026, 11, 1) - timedelta(days=n),
        )
        for n in range(55)
    )
    first = logged_in_client.get(reverse("shipment-list")).content.decode()
    second = logged_in_client.get(reverse("shipment-list"), {"page": 2}).content.decode()
    assert first.count("WB-0") == 50
    assert second.count("WB-0") == 5
    assert "Page 2 of 2" in second


def test_paged_lists_keep_their_filters_in_the_page_links(logged_in_client, site):
    warehouse, donor = make_warehouse(site), make_organisation()
    Pledge.objects.bulk_create(
        Pledge(donor=donor, destination=warehouse, pledged_on=date(2026, 11, 1)) for _n in range(55)
    )
    page = logged_in_client.get(reverse("pledge-list"), {"status": "pledged"}).content.decode()
    assert "?status=pledged&amp;page=2" in page


# --- The CSV reader ----------------------------------------------------------------------------


def test_the_reader_stops_at_the_row_limit_it_names(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text("a\n" + "1\n" * 4, encoding="utf-8")
    with open_csv(path, max_rows=3) as table, pytest.raises(CsvFileError) as refused:
        list(table)
    assert refused.value.row == 5
    assert "more than 3 data rows" in str(refused.value)


def test_the_reader_refuses_a_file_over_the_size_limit_before_reading_it(tmp_path):
    path = tmp_path / "big.csv"
    path.write_text("a\n" + "1\n" * 1000, encoding="utf-8")
    with pytest.raises(CsvFileError) as refused, open_csv(path, max_bytes=1000):
        pass
    assert "may be at most 1,000 bytes" in str(refused.value)


def test_a_pledge_file_of_200_000_rows_is_refused_at_the_limit(tmp_path):
    make_item(code="maize", name="Maize")
    path = tmp_path / "pledge.csv"
    path.write_text("item,quantity\n" + "maize,1\n" * (MAX_LINES + 1), encoding="utf-8")
    with pytest.raises(files.FileError) as refused:
        files.read_pledge_lines(path)
    assert refused.value.problems == [
        f"line {MAX_LINES + 2}: more than {MAX_LINES} data rows; a file of this kind holds at "
        f"most {MAX_LINES}: split it into several"
    ]
    huge = tmp_path / "huge.csv"
    huge.write_text("item,quantity\n" + "maize,1\n" * 200_000, encoding="utf-8")
    with pytest.raises(files.FileError) as refused:
        files.read_pledge_lines(huge)
    assert "may be at most" in str(refused.value)


# --- Bounded list inputs of the API ------------------------------------------------------------


def test_a_body_larger_than_the_limit_is_a_json_413_saying_so(logged_in_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = {"lines": [{"item": 1, "quantity": 1}] * 1000}
    response = logged_in_client.post("/api/v1/pledges", body, content_type="application/json")
    assert response.status_code == 413
    assert "larger than" in response.json()["detail"]
    assert not Pledge.objects.exists()


def _member(**fields):
    return {"relationship": "focal_point", "sex": "female", "given_name": "Amina", **fields}


def _register(client, site, members):
    body = {"site": site.pk, "members": members, "duplicates_confirmed_reason": "tested"}
    return client.post("/api/v1/households", body, content_type="application/json")


def test_too_many_members_are_refused_before_any_is_read(logged_in_client, site):
    response = _register(logged_in_client, site, [{}] * (MAX_MEMBERS + 1))
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "members": [f"A household has at most {MAX_MEMBERS} members; split larger groups."]
    }


def test_the_duplicate_check_takes_at_most_a_household(logged_in_client, site):
    body = {"members": [_member()] * (MAX_MEMBERS + 1)}
    response = logged_in_client.post(
        "/api/v1/households/check-duplicates", body, content_type="application/json"
    )
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["members"]


def test_too_many_documents_are_refused_on_the_field(logged_in_client, site):
    documents = [{"type": "national_id", "number": f"N-{n}"} for n in range(MAX_DOCUMENTS + 1)]
    response = _register(logged_in_client, site, [_member(documents=documents)])
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "members.0.documents": [f"Record at most {MAX_DOCUMENTS} identity documents per person."]
    }


def test_too_many_specific_needs_are_refused_on_the_field(logged_in_client, site):
    response = _register(logged_in_client, site, [_member(specific_needs=["DS"] * (MAX_NEEDS + 1))])
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "members.0.specific_needs": [
            f"Give each specific need once: at most {MAX_NEEDS} per person."
        ]
    }


def test_the_service_bounds_documents_and_needs_for_the_forms_and_the_cli(site):
    from edgecamp.registry.services import DocumentInput, RegistrationError, register_household
    from tests.registry.factories import household_input, member

    crowded = member(
        specific_needs=[f"X{n}" for n in range(MAX_NEEDS + 1)],
        documents=[
            DocumentInput(type="national_id", number=f"N-{n}") for n in range(MAX_DOCUMENTS + 1)
        ],
    )
    with pytest.raises(RegistrationError) as refused:
        register_household(household_input(site, [crowded]))
    assert set(refused.value.errors) == {"members.0.specific_needs", "members.0.documents"}


def test_cycle_targets_are_bounded(logged_in_client, site):
    warehouse = make_warehouse(site)
    body = {
        "name": "Food",
        "site": site.pk,
        "warehouse": warehouse.pk,
        "starts_on": date.today().isoformat(),
        "ends_on": (date.today() + timedelta(days=29)).isoformat(),
        "target_statuses": ["active"] * 50,
        "rules": [],
    }
    response = logged_in_client.post("/api/v1/cycles", body, content_type="application/json")
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["target_statuses"]


# --- A pledge's status, summed by the database -------------------------------------------------


def _pledge_with_a_shipment(site, pledged: list[int], shipped: int):
    warehouse = make_warehouse(site)
    donor = make_organisation()
    maize = make_item()
    pledge = services.create_pledge(
        services.PledgeInput(
            donor.pk,
            warehouse.pk,
            date.today(),
            [services.PledgeLineInput(maize.pk, Decimal(q)) for q in pledged],
        )
    )
    shipment = services.dispatch_shipment(
        services.ShipmentInput(
            donor.pk,
            warehouse.pk,
            "WB-1",
            date.today(),
            [services.ShipmentLineInput(maize.pk, Decimal(shipped))],
            pledge_id=pledge.pk,
        )
    )
    line = shipment.lines.get()
    return pledge, shipment, [services.ReceivedLineInput(line.pk, Decimal(shipped))]


def test_a_pledge_is_received_only_when_each_item_arrived_in_full(site):
    # Two lines of 10 maize are 20 maize: 10 received is half of it (each line was checked
    # alone, so 10 >= 10 made the pledge received).
    pledge, shipment, received = _pledge_with_a_shipment(site, [10, 10], 10)
    services.receive_shipment(shipment.pk, received)
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.IN_TRANSIT


def test_a_pledge_in_full_is_received(site):
    pledge, shipment, received = _pledge_with_a_shipment(site, [10, 10], 20)
    services.receive_shipment(shipment.pk, received)
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.RECEIVED


def test_a_pledge_status_reads_no_line_of_it(site, monkeypatch):
    pledge, shipment, received = _pledge_with_a_shipment(site, [1] * 5, 5)
    PledgeLine.objects.bulk_create(
        PledgeLine(pledge=pledge, item_id=pledge.lines.first().item_id, quantity=Decimal(1))
        for _n in range(3000)
    )
    loaded = []
    original = PledgeLine.from_db.__func__

    def counting(cls, *args, **kwargs):
        loaded.append(1)
        return original(cls, *args, **kwargs)

    monkeypatch.setattr(PledgeLine, "from_db", classmethod(counting))
    services.receive_shipment(shipment.pk, received)
    assert loaded == []
