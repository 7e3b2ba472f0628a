"""What invoices and receipts share: the branded page (a band in the partner's colour with its name, page
numbers, support contact in the footer), text made safe for the built-in fonts, and amounts.

The PDFs use the built-in Helvetica, so nothing depends on fonts installed on the machine. Built-in fonts only
cover Windows-1252 (Western European letters, •, €, curly quotes, dashes). Anything else becomes its closest
plain letter (Ł -> L, ő -> o), or a question mark for other scripts' letters; symbols such as emoji are left
out. Never an error.
"""

from __future__ import annotations

import unicodedata
from datetime import date
from pathlib import Path
from typing import Any

from fpdf import FPDF

from domain.money import display_amount
from domain.portal.settings import COLOR_RE, DEFAULT_PRIMARY_COLOR, PortalSettings, readable_text_color

FONT = "helvetica"
ENCODING = "cp1252"  # what the built-in fonts draw (PDF WinAnsiEncoding)
INK = (17, 24, 39)
MUTED = (75, 85, 99)
RULE = (209, 213, 219)
BAND_HEIGHT = 26.0
REPLACEMENTS = {
    "\u2212": "-",  # minus sign
    "\u2010": "-",
    "\u2011": "-",
    "\u2009": " ",
    "\u202f": " ",
    "\u2192": "->",
    "\u2190": "<-",
    "\u00ad": "",
    # Letters that do not decompose into a base letter and an accent.
    "\u0141": "L",
    "\u0142": "l",
    "\u0110": "D",
    "\u0111": "d",
    "\u0131": "i",
    "\u0126": "H",
    "\u0127": "h",
}


def pdf_text(value: object) -> str:
    """Text the built-in fonts can draw: kept as is when it can be, else the nearest plain character."""
    out: list[str] = []
    for ch in str(value):
        if ch == "\n":
            out.append(ch)
            continue
        if unicodedata.category(ch) in ("Cc", "Cf"):
            out.append(" " if ch == "\t" else "")
            continue
        if ch in REPLACEMENTS:
            out.append(REPLACEMENTS[ch])
            continue
        try:
            ch.encode(ENCODING)
            out.append(ch)
            continue
        except UnicodeEncodeError:
            pass
        plain = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        try:
            plain.encode(ENCODING)
            out.append(plain or "?")
        except UnicodeEncodeError:
            # A symbol (an emoji, a check mark) is left out; a letter shows that something is missing.
            out.append("" if unicodedata.category(ch).startswith("S") else "?")
    return "".join(out)


def amount(value: int, currency: str) -> str:
    return pdf_text(display_amount(value, currency))


def long_date(day: date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def local_logo(url: str | None) -> str | None:
    """A logo drawn only when it is a file on this machine: a PDF is never made by fetching a URL."""
    if not url:
        return None
    if url.startswith("file://"):
        path = url.removeprefix("file://")
    elif "://" in url:
        return None
    else:
        path = url
    return path if Path(path).is_file() else None


class BrandedPdf(FPDF):
    def __init__(self, *, partner_name: str, branding: PortalSettings, title: str, compress: bool = True) -> None:
        super().__init__(orientation="portrait", unit="mm", format="letter")
        self.core_fonts_encoding = ENCODING
        self.set_compression(compress)
        self.set_margins(18, 18, 18)
        self.set_auto_page_break(auto=True, margin=22)
        self.partner_name = pdf_text(partner_name)
        self.heading = pdf_text(title)
        primary = branding.primary_color if branding.primary_color and COLOR_RE.match(branding.primary_color) else None
        primary = primary or DEFAULT_PRIMARY_COLOR
        self.band_colour = rgb(primary)
        self.band_text = rgb(readable_text_color(primary))
        self.logo = local_logo(branding.logo_url)
        ways = [w for w in (branding.support_email, branding.support_phone) if w]
        self.contact = pdf_text(f"Questions? Contact {partner_name} at {' or '.join(ways)}.") if ways else ""
        self.set_title(f"{self.heading} - {self.partner_name}")
        self.set_author(self.partner_name)
        self.set_creator("Remit")
        self.add_page()

    def header(self) -> None:
        self.set_fill_color(*self.band_colour)
        self.rect(0, 0, self.w, BAND_HEIGHT, style="F")
        x = self.l_margin
        if self.logo:
            try:
                info: Any = self.image(self.logo, x=x, y=5, h=BAND_HEIGHT - 10)
                x += float(info.rendered_width) + 4
            except Exception:  # an unreadable logo is left out, never a broken document
                self.logo = None
        self.set_text_color(*self.band_text)
        self.set_font(FONT, "B", 12)
        title_width = self.get_string_width(self.heading) + 2
        self.set_xy(self.w - self.r_margin - title_width, 9)
        self.cell(w=title_width, h=8, text=self.heading, align="R")
        self.set_font(FONT, "B", 16)
        self.set_xy(x, 9)
        self.cell(w=self.w - self.r_margin - title_width - x - 4, h=8, text=self.partner_name)
        self.set_text_color(*INK)
        self.set_y(BAND_HEIGHT + 10)

    def footer(self) -> None:
        self.set_y(-16)
        self.set_draw_color(*RULE)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.set_font(FONT, "", 8)
        self.set_text_color(*MUTED)
        self.set_y(-14)
        self.cell(w=self.epw * 0.75, h=6, text=self.contact)
        self.cell(w=self.epw * 0.25, h=6, text=f"Page {self.page_no()} of {{nb}}", align="R")
        self.set_text_color(*INK)

    def facts(self, rows: list[tuple[str, str]], *, x: float, width: float, label_width: float = 32) -> None:
        """Label / value pairs, one per line, starting at the current y."""
        for label, value in rows:
            self.set_x(x)
            self.set_font(FONT, "", 10)
            self.set_text_color(*MUTED)
            self.cell(w=label_width, h=6, text=pdf_text(label))
            self.set_text_color(*INK)
            self.set_font(FONT, "B", 10)
            self.multi_cell(w=width - label_width, h=6, text=pdf_text(value), new_x="LMARGIN", new_y="NEXT")

    def total_row(self, label: str, value: str, *, bold: bool = False, width: float = 80) -> None:
        self.set_x(self.w - self.r_margin - width)
        self.set_font(FONT, "B" if bold else "", 11 if bold else 10)
        self.cell(w=width - 36, h=7, text=pdf_text(label))
        self.cell(w=36, h=7, text=value, align="R", new_x="LMARGIN", new_y="NEXT")

    def paragraph(self, text: str, *, size: float = 10, colour: tuple[int, int, int] = INK) -> None:
        self.set_font(FONT, "", size)
        self.set_text_color(*colour)
        self.multi_cell(w=self.epw, h=5.5, text=pdf_text(text), new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(*INK)

    def section(self, title: str) -> None:
        self.ln(4)
        self.set_font(FONT, "B", 11)
        self.cell(w=self.epw, h=7, text=pdf_text(title), new_x="LMARGIN", new_y="NEXT")

    def done(self) -> bytes:
        return bytes(self.output())
