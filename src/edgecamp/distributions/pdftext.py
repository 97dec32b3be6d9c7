"""Text on the ration cards in any script the interface speaks, Arabic included.

ReportLab's standard fonts (Helvetica) hold Latin-1 only, and ReportLab does not order
right-to-left text by itself. Text that Latin-1 cannot hold is drawn with a Unicode TrueType
font from the system (fonts-dejavu-core or fonts-noto-core, embedded as a subset); Arabic is
shaped by HarfBuzz (`uharfbuzz`, which ReportLab uses when it is installed) into its joined
letter forms, and the runs of a line are put in visual order: Arabic runs right to left,
numbers and Latin runs left to right inside them (enough for labels and names; not the
full Unicode bidirectional algorithm). Without the font, or without HarfBuzz for Arabic, the
English label is printed instead, and a warning is logged once."""

from __future__ import annotations

import logging
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

log = logging.getLogger(__name__)

LATIN = ("Helvetica", "Helvetica-Bold")
UNICODE = ("EdgecampSans", "EdgecampSans-Bold")
# (regular, bold) from the Debian packages fonts-dejavu-core and fonts-noto-core.
FONT_FILES = (
    (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    ),
    (
        "/usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf",
        "/usr/share/fonts/truetype/noto/NotoSansArabic-Bold.ttf",
    ),
)
_RTL_BIDI = frozenset({"R", "AL"})
_STRONG_LTR = frozenset({"L", "EN", "AN"})


@dataclass(frozen=True)
class Run:
    text: str
    rtl: bool


@cache
def unicode_fonts() -> bool:
    """Register the Unicode font (once); False when no font file is installed."""
    for regular, bold in FONT_FILES:
        if Path(regular).is_file() and Path(bold).is_file():
            pdfmetrics.registerFont(TTFont(UNICODE[0], regular))
            pdfmetrics.registerFont(TTFont(UNICODE[1], bold))
            return True
    log.warning("no Unicode TrueType font found (install fonts-dejavu-core): cards print Latin-1")
    return False


@cache
def can_shape() -> bool:
    try:
        import uharfbuzz  # noqa: F401 - ReportLab shapes with it when it is importable
    except ImportError:
        log.warning("uharfbuzz is not installed: Arabic labels on cards print in English")
        return False
    return unicode_fonts()


def has_rtl(text: str) -> bool:
    return any(unicodedata.bidirectional(ch) in _RTL_BIDI for ch in text)


def visual_runs(text: str) -> list[Run]:
    """The line's runs, left to right as printed. The base direction is that of the first
    strong character; a neutral character (space, punctuation) between two characters of one
    direction takes it, otherwise the base direction's; digits stay left to right."""
    kinds = []
    for ch in text:
        bidi = unicodedata.bidirectional(ch)
        kinds.append("R" if bidi in _RTL_BIDI else "L" if bidi in _STRONG_LTR else "N")
    base = next((k for k in kinds if k != "N"), "L")
    resolved = list(kinds)
    for index, kind in enumerate(kinds):
        if kind != "N":
            continue
        before = next((k for k in reversed(kinds[:index]) if k != "N"), base)
        after = next((k for k in kinds[index + 1 :] if k != "N"), base)
        resolved[index] = before if before == after else base
    runs: list[Run] = []
    for ch, kind in zip(text, resolved, strict=True):
        rtl = kind == "R"
        if runs and runs[-1].rtl == rtl:
            runs[-1] = Run(runs[-1].text + ch, rtl)
        else:
            runs.append(Run(ch, rtl))
    return runs[::-1] if base == "R" else runs


def draw_text(
    canvas: Canvas,
    x: float,
    y: float,
    text: str,
    size: float,
    *,
    bold: bool = False,
    fallback: str | None = None,
) -> None:
    """Draw one line from x (its left edge) in the script it is written in."""
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        pass
    else:
        canvas.setFont(LATIN[bold], size)
        canvas.drawString(x, y, text)
        return
    if not unicode_fonts() or (has_rtl(text) and not can_shape()):
        if fallback is not None:
            draw_text(canvas, x, y, fallback, size, bold=bold)
            return
        canvas.setFont(LATIN[bold], size)
        canvas.drawString(x, y, text)
        return
    font = UNICODE[bold]
    canvas.setFont(font, size)
    for run in visual_runs(text):
        if run.rtl:
            from reportlab.pdfbase.ttfonts import shapeStr

            shaped = shapeStr(run.text, font, size, force=True)
            canvas.drawString(x, y, shaped)
            x += sum(glyph.x_advance for glyph in shaped.__shapeData__) * size / 1000
        else:
            canvas.drawString(x, y, run.text)
            x += pdfmetrics.stringWidth(run.text, font, size)


def shaped_visual(text: str, size: float = 10) -> str:
    """The characters as printed, left to right (presentation forms for Arabic): what a
    reader of the PDF sees; for tests."""
    assert can_shape()
    from reportlab.pdfbase.ttfonts import shapeStr

    return "".join(
        str(shapeStr(run.text, UNICODE[0], size, force=True)) if run.rtl else run.text
        for run in visual_runs(text)
    )
