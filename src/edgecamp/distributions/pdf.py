"""Printable ration cards: A4 sheets of eight cards, each with the household number, the focal
point's name (its Latin transliteration and, when it was written down, the name in the
person's own script: Arabic shaped and right to left, see `pdftext`), its size at the
snapshot, its block and shelter, the cycle, a box per distribution and the QR code of
`cards.card_code` (which holds no name). A cycle's cards come in block and shelter order,
the whole list or one block's.

A household whose card was reissued gets its current card (its number printed on it); a
household whose card is revoked gets none."""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass, replace

import numpy as np
import zxingcpp
from django.utils.translation import gettext as _
from django.utils.translation import override
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from edgecamp.distributions.cards import card_code
from edgecamp.distributions.models import Cycle, RationCard
from edgecamp.distributions.pdftext import draw_text
from edgecamp.registry.photos import photos_of

COLUMNS, ROWS = 2, 4
CARD_W, CARD_H = 90 * mm, 64 * mm
GUTTER = 5 * mm
QR_SIZE = 30 * mm
# The photo: under the QR (clear of its quiet zone), above the distribution boxes.
PHOTO_W, PHOTO_H = 12.5 * mm, 15.5 * mm
CARDS_PER_PAGE = COLUMNS * ROWS


@dataclass(frozen=True)
class Card:
    household_number: str
    household_size: int
    issue: int = 1  # which of the household's cards: 1 the first, 2 its first replacement...
    name: str = ""  # the focal point's
    local_name: str = ""  # the focal point's in their own script (Arabic...)
    block: str = ""
    shelter: str = ""
    photo: bytes | None = None  # the household's photo (a JPEG), when asked for and taken


def cycle_cards(cycle: Cycle, block: str | None = None, *, photos: bool = False) -> list[Card]:
    """One card per household on the cycle's list (of one block, if given), in block and
    shelter order: its current card; none if revoked. `photos`: with the households' photos
    (registry.photos), for those that have one."""
    listed = _listed_cards(cycle, block)
    if not photos:
        return [card for _household_id, card in listed]
    taken = photos_of([household_id for household_id, _card in listed])
    return [replace(card, photo=taken.get(household_id)) for household_id, card in listed]


def _listed_cards(cycle: Cycle, block: str | None) -> list[tuple[int, Card]]:
    current: dict[int, RationCard] = {}
    for card in RationCard.objects.filter(household__entitlements__cycle=cycle).order_by(
        "household_id", "issue"
    ):
        current[card.household_id] = card
    listed = cycle.entitlements.all()
    if block is not None:
        listed = listed.filter(household__shelter__block__code=block)
    cards: list[tuple[int, Card]] = []
    for (
        household_id,
        number,
        size,
        given,
        family,
        given_local,
        family_local,
        shelter,
        block_code,
    ) in listed.order_by(
        "household__shelter__block__code", "household__shelter__code", "household_number"
    ).values_list(
        "household_id",
        "household_number",
        "household_size",
        "household__focal_point__given_name",
        "household__focal_point__family_name",
        "household__focal_point__given_name_local",
        "household__focal_point__family_name_local",
        "household__shelter__code",
        "household__shelter__block__code",
    ):
        card = current.get(household_id)
        if card is not None and card.status == RationCard.Status.REVOKED:
            continue
        cards.append(
            (
                household_id,
                Card(
                    number,
                    size,
                    card.issue if card is not None else 1,
                    name=" ".join(part for part in (given, family) if part),
                    local_name=" ".join(part for part in (given_local, family_local) if part),
                    block=block_code or "",
                    shelter=shelter or "",
                ),
            )
        )
    return cards


def ration_cards_pdf(
    cycle: Cycle,
    cards: Iterable[Card] | None = None,
    *,
    block: str | None = None,
    photos: bool = False,
) -> bytes:
    """The cycle's cards (all its households, or one block's, unless `cards` is given) as
    one PDF; `photos`: with the households' photos."""
    return cards_pdf(
        cards if cards is not None else cycle_cards(cycle, block, photos=photos),
        title=_("Ration cards: %(cycle)s") % {"cycle": cycle.name},
        site_name=f"{cycle.site.name} · {cycle.name}",
        boxes=cycle.card_boxes,
    )


def cards_pdf(cards: Iterable[Card], *, title: str, site_name: str, boxes: int = 12) -> bytes:
    """Cards of one site as one PDF, eight to an A4 sheet."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle(title)
    canvas.setCreator("edgecamp")
    page_w, page_h = A4
    left = (page_w - COLUMNS * CARD_W - (COLUMNS - 1) * GUTTER) / 2
    top = page_h - (page_h - ROWS * CARD_H - (ROWS - 1) * GUTTER) / 2
    labels = _labels()
    with override("en"):
        # Printed instead of a label that cannot be drawn (Arabic without a shaping engine).
        english = _labels()
    labels["site"] = english["site"] = site_name
    count = 0
    for card in cards:
        slot = count % CARDS_PER_PAGE
        if count and slot == 0:
            canvas.showPage()
        column, row = slot % COLUMNS, slot // COLUMNS
        x = left + column * (CARD_W + GUTTER)
        y = top - (row + 1) * CARD_H - row * GUTTER
        _draw_card(canvas, x, y, card, boxes, labels, english)
        count += 1
    if count == 0:
        draw_text(canvas, 20 * mm, page_h - 30 * mm, labels["empty"], 12, fallback=english["empty"])
    canvas.save()
    return buffer.getvalue()


def _labels() -> dict[str, str]:
    return {
        "title": _("RATION CARD"),
        "size": _("Household size"),
        "boxes": _("Distributions"),
        "issue": _("Card no. %(issue)d"),
        "where": _("Block %(block)s, shelter %(shelter)s"),
        "empty": _("This cycle has no households yet."),
    }


def _draw_card(
    canvas: Canvas,
    x: float,
    y: float,
    card: Card,
    boxes: int,
    labels: dict[str, str],
    english: dict[str, str],
) -> None:
    pad = 4 * mm
    canvas.setLineWidth(0.6)
    canvas.roundRect(x, y, CARD_W, CARD_H, 3 * mm)
    text_x, line_y = x + pad, y + CARD_H - pad - 3 * mm
    draw_text(canvas, text_x, line_y, labels["title"], 9, bold=True, fallback=english["title"])
    draw_text(canvas, text_x, line_y - 5 * mm, labels["site"][:34], 7)
    canvas.setFont("Helvetica-Bold", 16)
    canvas.drawString(text_x, line_y - 13 * mm, card.household_number)
    if card.name:
        # Left of the QR: about 28 characters at this size.
        draw_text(canvas, text_x, line_y - 17.5 * mm, card.name[:28], 9, bold=True)
    if card.local_name:
        draw_text(canvas, text_x, line_y - 21.5 * mm, card.local_name[:28], 9, bold=True)
    draw_text(
        canvas,
        text_x,
        line_y - 25 * mm,
        f"{labels['size']}: {card.household_size}",
        8,
        fallback=f"{english['size']}: {card.household_size}",
    )
    if card.block:
        where = {"block": card.block, "shelter": card.shelter or "—"}
        draw_text(
            canvas,
            text_x,
            line_y - 28.5 * mm,
            (labels["where"] % where)[:34],
            7,
            fallback=(english["where"] % where)[:34],
        )
    if card.issue > 1:
        draw_text(
            canvas,
            text_x,
            line_y - 32 * mm,
            labels["issue"] % {"issue": card.issue},
            8,
            bold=True,
            fallback=english["issue"] % {"issue": card.issue},
        )

    code = card_code(card.household_number, card.issue)
    _draw_qr(
        canvas, qr_modules(code), x + CARD_W - QR_SIZE - pad / 2, y + CARD_H - QR_SIZE - pad / 2
    )

    if card.photo is not None:
        canvas.drawImage(
            ImageReader(io.BytesIO(card.photo)),
            x + CARD_W - PHOTO_W - pad / 2,
            y + 13 * mm,
            PHOTO_W,
            PHOTO_H,
            preserveAspectRatio=True,
            anchor="n",
        )

    # The code in print, so a desk can type it when the QR is damaged.
    canvas.setFont("Courier", 6.5)
    canvas.drawString(text_x, y + 17 * mm, code)

    draw_text(canvas, text_x, y + 12.5 * mm, labels["boxes"], 6, fallback=english["boxes"])
    canvas.setFont("Helvetica", 6)
    box = (CARD_W - 2 * pad) / boxes
    side = min(box - 1 * mm, 8 * mm)
    for index in range(boxes):
        bx = text_x + index * box
        canvas.rect(bx, y + pad, side, side)
        canvas.drawString(bx + 0.8 * mm, y + pad + side - 2.5 * mm, str(index + 1))


def qr_modules(text: str) -> np.ndarray:
    """The QR code of `text` (error correction M, the mask the encoder judges best) as a square
    boolean array, True for a dark module, without the quiet zone. Encoded by zxing-cpp (C++):
    about 0.2 ms a code, where reportlab's widget took 15 ms to encode and draw one."""
    barcode = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    image = np.asarray(zxingcpp.write_barcode_to_image(barcode, scale=1, add_quiet_zones=False))
    return image < 128


def qr_runs(modules: np.ndarray) -> list[tuple[int, int, int]]:
    """The dark modules as horizontal runs (row, first column, column after the last)."""
    size = modules.shape[0]
    padded = np.zeros((size, modules.shape[1] + 2), dtype=np.int8)
    padded[:, 1:-1] = modules
    rows, columns = np.nonzero(np.diff(padded, axis=1))
    # Per row, the edges alternate: a run of dark modules starts, then ends.
    return list(zip(rows[::2].tolist(), columns[::2].tolist(), columns[1::2].tolist(), strict=True))


def _draw_qr(canvas: Canvas, modules: np.ndarray, x: float, y: float) -> None:
    """The modules as one filled path of horizontal runs, QR_SIZE square with its lower left
    corner at (x, y); the card's white margin around it is the quiet zone. Drawn in module
    units (whole numbers: short to write, exact to print), top row first."""
    size = modules.shape[0]
    canvas.saveState()
    canvas.translate(x, y + QR_SIZE)
    canvas.scale(QR_SIZE / size, -QR_SIZE / size)
    path = canvas.beginPath()
    for row, start, end in qr_runs(modules):
        path.rect(start, row, end - start, 1)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()
