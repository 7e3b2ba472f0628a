"""What invoices and receipts share: the branded page (a band in the partner's colour with its name, page
numbers, support contact in the footer), the document's metadata (title, subject, author, language), text made safe
for the built-in fonts, amounts and dates in the reader's language, and QR codes.

Tagging: fpdf2 (2.8) writes a structure tree only for figures and links given an alternative text, plus the
document language and title; it does not tag text as paragraphs, headings or table cells. The PDFs set everything it
supports: /Lang, the title shown in the reader's title bar, subject, author, bookmarks for each section and the QR
code as a /Figure with its alternative text.

The PDFs use the built-in Helvetica, so nothing depends on fonts installed on the machine. Built-in fonts only
cover Windows-1252 (Western European letters, •, €, curly quotes, dashes). Anything else becomes its closest
plain letter (Ł -> L, ő -> o), or a question mark for other scripts' letters; symbols such as emoji are left
out. Never an error.
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import segno
from fpdf import FPDF, ViewerPreferences

from adapters.pdf import words as w
from domain.money import display_amount
from domain.portal.settings import COLOR_RE, DEFAULT_PRIMARY_COLOR, PortalSettings, readable_text_color
from domain.portal.support import support_contact

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


def amount(value: int, currency: str, language: str = "en") -> str:
    return pdf_text(display_amount(value, currency, language))


def long_date(day: date, language: str = "en") -> str:
    return w.long_date(day, language)


@dataclass(frozen=True, slots=True)
class PartnerContact:
    """How a customer reaches the partner, as printed on its documents. A partner has no postal address on file,
    so none is printed."""

    name: str
    email: str | None = None
    phone: str | None = None
    url: str | None = None

    @classmethod
    def of(cls, name: str, settings: PortalSettings) -> PartnerContact:
        """The same way to reach the partner its emails and the portal give (domain/portal/support.py): the support
        details it set, else the address it is notified at."""
        support = support_contact(settings)
        return cls(name=name, email=support.email, phone=support.phone, url=support.url)

    def ways(self) -> list[str]:
        return [way for way in (self.email, self.phone) if way]


def qr_png(data: str) -> io.BytesIO:
    """A QR code of `data` as a PNG, black on white with the standard quiet zone, medium error correction."""
    buffer = io.BytesIO()
    segno.make(data, error="m", micro=False).save(buffer, kind="png", scale=8, border=4)
    buffer.seek(0)
    return buffer


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
    def __init__(
        self,
        *,
        partner: PartnerContact,
        branding: PortalSettings,
        heading: str,
        doc_title: str,
        subject: str,
        language: str = "en",
        compress: bool = True,
    ) -> None:
        super().__init__(orientation="portrait", unit="mm", format="letter")
        self.core_fonts_encoding = ENCODING
        self.set_compression(compress)
        self.set_margins(18, 18, 18)
        self.set_auto_page_break(auto=True, margin=22)
        self.language = language
        self.words = w.words(language)
        self.partner = partner
        self.partner_name = pdf_text(partner.name)
        self.heading = pdf_text(heading)
        primary = branding.primary_color if branding.primary_color and COLOR_RE.match(branding.primary_color) else None
        primary = primary or DEFAULT_PRIMARY_COLOR
        self.band_colour = rgb(primary)
        self.band_text = rgb(readable_text_color(primary))
        self.logo = local_logo(branding.logo_url)
        ways = partner.ways()
        contact = self.words["contact"].format(name=partner.name, ways=self.words["or"].join(ways))
        self.contact = pdf_text(contact) if ways else ""
        # Metadata keeps the real characters (PDF text strings are Unicode); only drawn text is limited to cp1252.
        self.set_title(doc_title)
        self.set_subject(subject)
        self.set_author(partner.name)
        self.set_creator("Remit")
        self.set_lang(w.PDF_LANG.get(language, "en"))
        self.viewer_preferences = ViewerPreferences(display_doc_title=True)
        self.add_page()

    def money(self, value: int, currency: str) -> str:
        return amount(value, currency, self.language)

    def date(self, day: date) -> str:
        return pdf_text(long_date(day, self.language))

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
        page = self.words["page"].format(page=self.page_no(), pages="{nb}")
        self.cell(w=self.epw * 0.25, h=6, text=page, align="R")
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
        self.multi_cell(w=self.epw, h=5.5, text=pdf_text(text), align="L", new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(*INK)

    def section(self, title: str, *, keep_with: float = 20) -> None:
        """A section heading, also a bookmark; starts a new page unless `keep_with` mm fit below it."""
        self.ln(4)
        if self.will_page_break(7 + keep_with):
            self.add_page()
        self.start_section(pdf_text(title))
        self.set_font(FONT, "B", 11)
        self.cell(w=self.epw, h=7, text=pdf_text(title), new_x="LMARGIN", new_y="NEXT")

    def qr_code(self, url: str, *, x: float, y: float, size: float, alt_text: str) -> None:
        """A QR code of `url`, tagged as a figure with its alternative text, that is also a link to `url`."""
        self.image(qr_png(url), x=x, y=y, w=size, h=size, alt_text=alt_text, link=url)

    def done(self) -> bytes:
        return bytes(self.output())
