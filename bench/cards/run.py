"""Ration-card sheets: the PDF of a cycle's cards, ours against reportlab's own QR widget (what
edgecamp drew with until issue 13) on the same cards in the same run.

    .venv/bin/python bench/cards/run.py [--cards 3000] [--peer-cards 3000]

Both draw the same A4 sheets of eight cards (labels, household number and size, boxes, the
printed code); they differ only in the QR code: ours is encoded by zxing-cpp and drawn as one
path of runs in module units; the peer is `reportlab.graphics.barcode.qr.QrCodeWidget`
rendered with `renderPDF.draw`, its best use (one widget per card, bounds computed once).
reportlab's C accelerator (rl_accel) is installed for both. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edgecamp.settings")
os.environ.setdefault("EDGECAMP_DATA_DIR", tempfile.mkdtemp(prefix="edgecamp-bench-cards-"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cards", type=int, default=3000)
    parser.add_argument("--peer-cards", type=int, default=3000)
    args = parser.parse_args()

    import django

    django.setup()
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing

    from edgecamp.distributions import pdf

    def timed(count: int) -> tuple[float, int]:
        cards = [pdf.Card(f"EDG-{n:06d}", 1 + n % 9) for n in range(1, count + 1)]
        start = time.perf_counter()
        data = pdf.cards_pdf(cards, title="bench", site_name="Kalma North")
        return time.perf_counter() - start, len(data)

    ours, our_bytes = timed(args.cards)

    def widget_qr(canvas, modules_unused, x, y, *, code):  # the peer: reportlab's widget
        widget = QrCodeWidget(code, barLevel="M")
        x0, y0, x1, y1 = widget.getBounds()
        size = pdf.QR_SIZE
        drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
        drawing.add(widget)
        renderPDF.draw(drawing, canvas, x, y)

    original_modules, original_draw = pdf.qr_modules, pdf._draw_qr
    pdf.qr_modules = lambda code: code  # hand the text through to the widget
    pdf._draw_qr = lambda canvas, code, x, y: widget_qr(canvas, None, x, y, code=code)
    try:
        peer, peer_bytes = timed(args.peer_cards)
    finally:
        pdf.qr_modules, pdf._draw_qr = original_modules, original_draw

    load = os.getloadavg()[0]
    python = platform.python_version()
    print(f"{platform.node()} {platform.machine()} Python {python}, load {load:.1f}")
    print()
    print("| cards | edgecamp s | reportlab QR widget s | ratio | PDF bytes (ours / peer) |")
    print("|---:|---:|---:|---:|---|")
    per_peer = peer / args.peer_cards * args.cards
    print(
        f"| {args.cards:,} | {ours:.2f} | {per_peer:.2f}"
        f"{'' if args.peer_cards == args.cards else ' (scaled)'} | {per_peer / ours:.1f} times "
        f"| {our_bytes:,} / {peer_bytes:,} |"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
