"""Ration cards replaced and revoked: a lost card is reissued (the next card number, a new
code) and the old card is then refused with the date it was replaced; a revoked card is
refused until a new one is issued. Through the services, the web UI, the API and the CLI."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from edgecamp.cli import main
from edgecamp.distributions.cards import InvalidCard, card_code, read_card
from edgecamp.distributions.models import RationCard, Redemption
from edgecamp.distributions.pdf import cycle_cards
from edgecamp.distributions.services import (
    RedeemInput,
    find_entitlement,
    redeem,
    reissue_card,
    revoke_card,
    start_cycle,
)
from edgecamp.stock.services import SupplyError
from tests.accounts.factories import make_user
from tests.distributions.factories import make_cycle, per_household
from tests.registry.factories import make_household, member
from tests.sites.factories import make_site
from tests.stock.factories import make_item, make_warehouse, stock_up

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle(site):
    warehouse = make_warehouse(site)
    soap = make_item(name="Soap", code="soap", unit="bar")
    stock_up(warehouse, soap, 100)
    households = [make_household(site) for _ in range(3)]
    cycle = make_cycle(site, warehouse, [per_household(soap, "2")])
    start_cycle(cycle.pk)
    return cycle, households


def _refusal(cycle, code: str) -> str:
    with pytest.raises(SupplyError) as refused:
        redeem(cycle.pk, RedeemInput(code=code))
    return " ".join(refused.value.errors["code"])


def test_reissued_card_codes_are_signed_with_their_number():
    code = card_code("EDG-000123", 2)
    assert code.startswith("EC2:EDG-000123:2:")
    assert read_card(code).issue == 2
    assert read_card(card_code("EDG-000123")).issue == 1
    for forged in (
        code.replace(":2:", ":3:"),  # another card number under the same signature
        code.replace(":2:", ":1:"),
        "EC2:EDG-000123:" + card_code("EDG-000123").split(":")[-1],
    ):
        with pytest.raises(InvalidCard):
            read_card(forged)


def test_a_reissued_card_replaces_the_old_one(cycle, admin_user):
    cycle, (household, *_others) = cycle
    old = card_code(household.number)
    card = reissue_card(household.pk, "lost at the market", issued_by=admin_user)
    assert (card.issue, card.status, card.issue_reason) == (2, "active", "lost at the market")
    first = RationCard.objects.get(household=household, issue=1)
    assert (first.status, first.end_reason) == ("replaced", "lost at the market")

    today = f"{timezone.localdate():%Y-%m-%d}"
    message = _refusal(cycle, old)
    assert f"This card was replaced on {today} by card no. 2" in message
    assert "lost at the market" in message
    with pytest.raises(SupplyError, match="replaced"):
        find_entitlement(cycle, old)  # the desk's scan step refuses it too

    outcome = redeem(cycle.pk, RedeemInput(code=card_code(household.number, 2)))
    assert outcome.created
    # A second replacement: card 2 is refused in turn, card 3 is the one.
    reissue_card(household.pk, "torn", issued_by=admin_user)
    assert "replaced on" in _refusal(cycle, card_code(household.number, 2))
    assert not redeem(cycle.pk, RedeemInput(code=card_code(household.number, 3))).created


def test_a_card_never_issued_is_refused(cycle):
    cycle, (household, *_others) = cycle
    assert "No such card was issued" in _refusal(cycle, card_code(household.number, 2))


def test_a_revoked_card_is_refused_until_a_new_one_is_issued(cycle, admin_user):
    cycle, (household, *_others) = cycle
    with pytest.raises(SupplyError, match="Give the reason"):
        revoke_card(household.pk, "  ")
    revoke_card(household.pk, "sold the card", revoked_by=admin_user)
    assert "This card was revoked on" in _refusal(cycle, card_code(household.number))
    assert "sold the card" in _refusal(cycle, card_code(household.number))
    with pytest.raises(SupplyError, match="already revoked"):
        revoke_card(household.pk, "again")
    assert not Redemption.objects.exists()

    card = reissue_card(household.pk, "checked by the protection desk")
    assert card.issue == 2
    assert redeem(cycle.pk, RedeemInput(code=card_code(household.number, 2))).created
    assert RationCard.objects.get(household=household, issue=1).status == "revoked"


def test_cycle_cards_print_the_current_card_and_none_for_a_revoked_one(cycle):
    cycle, (first, second, third) = cycle
    reissue_card(first.pk, "lost")
    revoke_card(second.pk, "left the camp")
    cards = {card.household_number: card.issue for card in cycle_cards(cycle)}
    assert cards == {first.number: 2, third.number: 1}


# --- Web UI ------------------------------------------------------------------------------------


def test_card_page_reissue_and_revoke(client_as, cycle, site):
    cycle, (household, *_others) = cycle
    clerk = client_as("distribution_staff", [site])
    page = clerk.get(f"/supply/cards/?household={household.number.lower()}")
    assert page.status_code == 200
    assert "holds its first card" in page.content.decode()
    # A scanned card finds its household too.
    assert (
        household.number
        in clerk.get("/supply/cards/", {"household": card_code(household.number)}).content.decode()
    )

    refused = clerk.post(f"/supply/cards/{household.number}/reissue/", {"reissue-reason": ""})
    assert refused.status_code == 422
    assert "This field is required" in refused.content.decode()
    assert not RationCard.objects.exists()

    done = clerk.post(
        f"/supply/cards/{household.number}/reissue/", {"reissue-reason": "lost"}, follow=True
    )
    html = done.content.decode()
    assert "Card no. 2 issued" in html
    assert re.search(r"<th scope=\"row\">2</th>\s*<td>Active</td>", html)
    pdf = clerk.get(f"/supply/cards/{household.number}/card.pdf")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF-")
    assert "ration-card-" + household.number + "-2.pdf" in pdf["Content-Disposition"]

    # Revoking is a manager's decision.
    assert (
        clerk.post(
            f"/supply/cards/{household.number}/revoke/", {"revoke-reason": "fraud"}
        ).status_code
        == 403
    )
    manager = client_as("camp_manager", [site])
    manager.post(f"/supply/cards/{household.number}/revoke/", {"revoke-reason": "fraud"})
    assert RationCard.objects.get(household=household, issue=2).status == "revoked"
    again = manager.post(f"/supply/cards/{household.number}/revoke/", {"revoke-reason": "x"})
    assert again.status_code == 422
    assert "already revoked" in again.content.decode()
    assert clerk.get(f"/supply/cards/{household.number}/card.pdf").status_code == 302


def test_card_of_another_site_is_not_found(client_as, cycle):
    _cycle, (household, *_others) = cycle
    other = client_as("camp_manager", [make_site(name="Elsewhere", code="else")])
    page = other.get(f"/supply/cards/?household={household.number}")
    assert "No household has this number at your sites" in page.content.decode()
    assert (
        other.post(
            f"/supply/cards/{household.number}/reissue/", {"reissue-reason": "lost"}
        ).status_code
        == 404
    )
    assert (
        other.post(f"/supply/cards/{household.number}/revoke/", {"revoke-reason": "x"}).status_code
        == 404
    )
    assert other.get(f"/supply/cards/{household.number}/card.pdf").status_code == 404
    assert not RationCard.objects.exists()


# --- API ---------------------------------------------------------------------------------------


def test_api_reissue_revoke_and_scoping(client_as, cycle, site):
    cycle, (household, *_others) = cycle
    clerk = client_as("distribution_staff", [site])
    state = clerk.get(f"/api/v1/cards/{household.number}").json()
    assert state["current"]["issue"] == 1
    assert state["history"] == []
    assert state["code"] == card_code(household.number)

    missing = clerk.post(
        f"/api/v1/cards/{household.number}/reissue",
        {"reason": " "},
        content_type="application/json",
    )
    assert missing.status_code == 422
    created = clerk.post(
        f"/api/v1/cards/{household.number}/reissue",
        {"reason": "damaged by rain"},
        content_type="application/json",
    )
    assert created.status_code == 201
    body = created.json()
    assert body["current"]["issue"] == 2
    assert body["code"] == card_code(household.number, 2)
    assert [card["status"] for card in body["history"]] == ["active", "replaced"]

    old = clerk.post(
        f"/api/v1/cycles/{cycle.pk}/redemptions",
        {"code": card_code(household.number)},
        content_type="application/json",
    )
    assert old.status_code == 422
    assert "This card was replaced on" in str(old.json())

    assert (
        clerk.post(
            f"/api/v1/cards/{household.number}/revoke",
            {"reason": "x"},
            content_type="application/json",
        ).status_code
        == 403
    )
    manager = client_as("camp_manager", [site])
    revoked = manager.post(
        f"/api/v1/cards/{household.number}/revoke",
        {"reason": "fraud"},
        content_type="application/json",
    )
    assert revoked.status_code == 200
    assert revoked.json()["code"] is None
    other = client_as("camp_manager", [make_site(name="Elsewhere", code="else")])
    assert other.get(f"/api/v1/cards/{household.number}").status_code == 404


# --- CLI ---------------------------------------------------------------------------------------


def test_cli_card_reissue_revoke_show(cycle, site, tmp_path, capsys):
    cycle, (household, *_others) = cycle
    make_user("desk", role="distribution_staff", sites=[site])
    make_user("boss", role="camp_manager", sites=[site])
    out = tmp_path / "card.pdf"
    args = ["--household", household.number]
    assert (
        main(["card", "reissue", "--user", "desk", *args, "--reason", "lost", "--out", str(out)])
        == 0
    )
    assert out.read_bytes().startswith(b"%PDF-")
    assert "Card no. 2 issued" in capsys.readouterr().err
    assert main(["card", "revoke", "--user", "desk", *args, "--reason", "fraud"]) == 1
    assert "may not do this" in capsys.readouterr().err
    assert main(["card", "revoke", "--user", "boss", *args, "--reason", "fraud"]) == 0
    assert main(["card", "show", "--user", "desk", *args]) == 0
    shown = capsys.readouterr().err
    assert "card no. 2, revoked" in shown
    assert "card 1: first card, replaced" in shown
    assert main(["card", "show", "--user", "desk", "--household", "EDG-999999"]) == 1
    assert "no household EDG-999999 at your sites" in capsys.readouterr().err


# --- Arabic on the card ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "runs"),
    [
        ("Household size: 12", [("Household size: 12", False)]),
        ("حجم الأسرة: 12", [("12", False), ("حجم الأسرة: ", True)]),
        ("مخيم Kalma الشمالي", [(" الشمالي", True), ("Kalma", False), ("مخيم ", True)]),
        ("Site: مخيم", [("Site: ", False), ("مخيم", True)]),
    ],
)
def test_lines_are_split_into_runs_in_printed_order(text, runs):
    from edgecamp.distributions.pdftext import visual_runs

    assert [(run.text, run.rtl) for run in visual_runs(text)] == runs


def test_arabic_labels_are_shaped_and_embedded(site):
    # Both are requirements (pyproject and .ci/run install them): a missing one fails here.
    import uharfbuzz  # noqa: F401
    from django.utils import translation

    from edgecamp.distributions import pdftext
    from edgecamp.distributions.pdf import Card, cards_pdf

    assert pdftext.unicode_fonts(), "no Unicode TrueType font: apt-get install fonts-dejavu-core"
    # Joined letter forms, right to left as printed (lam-alef is one ligature).
    assert pdftext.shaped_visual("بطاقة التموين") == "ﻦﻳﻮﻤﺘﻟا ﺔﻗﺎﻄﺑ"
    assert pdftext.shaped_visual("حجم الأسرة: 12") == "12 :ةﺮﺳﻷا ﻢﺠﺣ"

    card = Card("EDG-000001", 5, 2)
    with translation.override("ar"):
        arabic = cards_pdf([card], title="t", site_name="مخيم الشمال")
    english = cards_pdf([card], title="t", site_name="Kalma North")
    assert re.search(rb"/BaseFont /[A-Z]{6}\+DejaVuSans", arabic)
    assert b"DejaVuSans" not in english  # Latin text keeps the standard fonts


def test_arabic_falls_back_to_english_without_a_shaping_engine(site, monkeypatch):
    from django.utils import translation

    from edgecamp.distributions import pdftext
    from edgecamp.distributions.pdf import Card, cards_pdf

    class Recorder:
        def __init__(self) -> None:
            self.texts: list[str] = []

        def setFont(self, name, size) -> None:
            pass

        def drawString(self, x, y, text) -> None:
            self.texts.append(str(text))

    monkeypatch.setattr(pdftext, "can_shape", lambda: False)
    canvas = Recorder()
    pdftext.draw_text(canvas, 0, 0, "بطاقة التموين", 9, fallback="RATION CARD")
    assert canvas.texts == ["RATION CARD"]  # never letters unjoined and left to right
    with translation.override("ar"):
        pdf = cards_pdf([Card("EDG-000001", 5)], title="t", site_name="Kalma")
    assert pdf.startswith(b"%PDF-")
    assert b"DejaVuSans" not in pdf  # every label fell back to English in Helvetica


def _decoded(modules) -> str:
    """What a scanner reads from the modules: drawn 8 pixels a module with a quiet zone."""
    import numpy as np
    import zxingcpp

    image = np.where(np.kron(modules, np.ones((8, 8), dtype=bool)), 0, 255).astype(np.uint8)
    image = np.pad(image, 32, constant_values=255)
    found = zxingcpp.read_barcode(image, formats=zxingcpp.BarcodeFormat.QRCode)
    assert found is not None
    return found.text


def test_the_printed_qr_reads_back_as_the_card_code():
    import numpy as np

    from edgecamp.distributions.pdf import qr_modules, qr_runs

    for code in (card_code("EDG-000001"), card_code("EDG-123456", 3)):
        modules = qr_modules(code)
        assert modules.shape[0] == modules.shape[1] >= 21
        assert _decoded(modules) == code
        # The runs the card draws cover exactly the dark modules.
        painted = np.zeros_like(modules)
        for row, start, end in qr_runs(modules):
            assert not painted[row, start:end].any()
            painted[row, start:end] = True
        assert (painted == modules).all()
        assert _decoded(painted) == code


def test_a_sheet_of_many_cards_is_a_valid_pdf_with_one_page_per_eight():
    from edgecamp.distributions.pdf import Card, cards_pdf

    pdf = cards_pdf(
        [Card(f"EDG-{n:06d}", 1 + n % 7) for n in range(1, 18)], title="t", site_name="Kalma"
    )
    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip().endswith(b"%%EOF")
    assert re.search(rb"/Count 3\b", pdf)  # 17 cards, eight to a sheet


def test_cycle_cards_name_the_focal_point_and_come_by_block(site, client_as):
    """Cards printed only a number and a size; the desk of a block wants that block's cards,
    in shelter order, with the name it can check against the person in front of it."""
    from edgecamp.core.access import Role
    from edgecamp.distributions.pdf import cards_pdf
    from tests.sites.factories import make_shelter

    warehouse = make_warehouse(site)
    soap = make_item(name="Soap", code="soap-b", unit="bar")
    stock_up(warehouse, soap, 100)
    in_b = make_household(
        site,
        shelter_id=make_shelter(site, code="B-2", block_code="B").pk,
        members=[member(given_name="حليمة", family_name="آدم")],
    )
    in_a = make_household(
        site,
        shelter_id=make_shelter(site, code="A-7", block_code="A").pk,
        members=[member(given_name="Kaltouma", family_name="Abakar")],
    )
    cycle = make_cycle(site, warehouse, [per_household(soap, "1")])
    start_cycle(cycle.pk)

    cards = cycle_cards(cycle)
    assert [(c.household_number, c.name, c.block, c.shelter) for c in cards] == [
        (in_a.number, "Kaltouma Abakar", "A", "A-7"),
        (in_b.number, "حليمة آدم", "B", "B-2"),
    ]
    assert [c.household_number for c in cycle_cards(cycle, "B")] == [in_b.number]
    # Both scripts draw (Arabic is shaped), one sheet.
    pdf = cards_pdf(cards, title="t", site_name="Kalma · December")
    assert re.search(rb"/Count 1\b", pdf)

    client = client_as(Role.DISTRIBUTION_STAFF, [site])
    page = client.get(f"/supply/cycles/{cycle.pk}/").content.decode()
    assert f"/supply/cycles/{cycle.pk}/cards.pdf?block=B" in page
    one_block = client.get(f"/supply/cycles/{cycle.pk}/cards.pdf", {"block": "B"})
    assert one_block.status_code == 200
    assert "block-b" in one_block["Content-Disposition"]


def test_cards_name_the_focal_point_in_both_scripts(site, monkeypatch):
    """Issue 13: each card shows the focal point's name in both scripts; the Arabic one is
    shaped (joined letter forms) and put right to left."""
    from edgecamp.distributions import pdf as pdf_module
    from edgecamp.distributions.pdftext import shaped_visual

    warehouse = make_warehouse(site)
    soap = make_item(name="Soap", code="soap-s", unit="bar")
    stock_up(warehouse, soap, 100)
    household = make_household(
        site,
        members=[
            member(
                given_name="Halima",
                family_name="Adam",
                given_name_local="حليمة",
                family_name_local="آدم",
            )
        ],
    )
    cycle = make_cycle(site, warehouse, [per_household(soap, "1")])
    start_cycle(cycle.pk)
    [card] = cycle_cards(cycle)
    assert (card.household_number, card.name, card.local_name) == (
        household.number,
        "Halima Adam",
        "حليمة آدم",
    )
    drawn: list[str] = []
    original = pdf_module.draw_text

    def recording(canvas, x, y, text, size, **kwargs):
        drawn.append(text)
        original(canvas, x, y, text, size, **kwargs)

    monkeypatch.setattr(pdf_module, "draw_text", recording)
    pdf = pdf_module.ration_cards_pdf(cycle)
    assert "Halima Adam" in drawn
    assert "حليمة آدم" in drawn
    assert re.search(rb"/BaseFont /[A-Z]{6}\+DejaVuSans", pdf)  # the Arabic font, embedded
    # As printed: the family name left of the given name, each in joined forms.
    assert shaped_visual("حليمة آدم") == "مدآ ﺔﻤﻴﻠﺣ"
