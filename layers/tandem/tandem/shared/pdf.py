"""A4 documents with fpdf2 in bundled Unicode fonts, so every name prints (invoices, payslips).

Fonts (``fonts/``, licences beside them): DejaVu Sans (regular and bold) for Latin, Greek and Cyrillic,
and Droid Sans Fallback for what DejaVu lacks (Chinese, Japanese, Korean), loaded only by a document that
needs it (parsing it costs ~0.6 s); fpdf2 embeds only the glyphs a document uses. One copy of the fonts
for every context that renders (billing's invoices, payroll's payslips): ~4 MB that the layer ships once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

FONTS = Path(__file__).with_name("fonts")
FAMILY, FALLBACK = "DejaVu", "DroidFallback"


class UnicodeDocument:
    """One A4 page (more as the text needs) with DejaVu loaded; ``cell``/``text`` load the fallback on
    demand. Subclasses add what their document says."""

    def __init__(self) -> None:
        # Imported here: fpdf2 (with Pillow and fontTools) costs ~0.3 s of cold start, and most invocations
        # (API reads, consumers) never render a document.
        from fpdf import FPDF

        self.pdf = FPDF(format="A4")
        self.pdf.add_font(FAMILY, "", FONTS / "DejaVuSans.ttf")
        self.pdf.add_font(FAMILY, "B", FONTS / "DejaVuSans-Bold.ttf")
        self.covered: set[int] = set(getattr(self.pdf.fonts[FAMILY.lower()], "cmap", ()))  # what DejaVu prints
        self.pdf.set_auto_page_break(auto=True, margin=15)
        self.pdf.add_page()

    def cell(self, width: float, height: float, text: str, **options: Any) -> None:
        self._cover(text)
        self.pdf.cell(width, height, text, **options)

    def paragraph(self, text: str, height: float = 5) -> None:
        self._cover(text)
        self.pdf.multi_cell(0, height, text)

    def _cover(self, text: str) -> None:
        """Load the fallback font the first time ``text`` has a character DejaVu lacks."""
        if self.covered and any(ord(c) not in self.covered for c in text):
            self.pdf.add_font(FALLBACK, "", FONTS / "DroidSansFallback.ttf")
            self.pdf.set_fallback_fonts([FALLBACK], exact_match=False)
            self.covered = set()  # the fallback is in: nothing more to check

    def font(self, size: float, style: str = "") -> None:
        self.pdf.set_font(FAMILY, style, size)

    def output(self) -> bytes:
        return bytes(self.pdf.output())
