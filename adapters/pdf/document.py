"""What invoices and receipts share: the branded page (a band in the partner's colour with its name, page
numbers, support contact in the footer), the document's metadata (title, subject, author, language), text made safe
for the built-in fonts, amounts and dates in the reader's language, and QR codes.

Tagged PDF: fpdf2 (2.8) tags only images given an alternative text (a /Figure) and marks the document as tagged as
soon as it does. A screen reader then follows the structure tree alone, so everything else is tagged here too: every
piece of text belongs to one element (`tagged`: the band's H1 on the first page, H2 section headings, a P per
party, fact, table row, total and paragraph), in reading order, and decoration and page furniture are artifacts.
fpdf2 builds a flat tree (Document > elements), so a table's rows are paragraphs, not TR/TD. An element never runs
across a page break (`make_room`; long paragraphs are split per page). Also set: /Lang, the title shown in the
reader's title bar, subject, author, and a bookmark per section.

The PDFs use the built-in Helvetica, so nothing depends on fonts installed on the machine. Built-in fonts only
cover Windows-1252 (Western European letters, •, €, curly quotes, dashes). Anything else becomes its closest
plain letter (Ł -> L, ő -> o), or a question mark for other scripts' letters; symbols such as emoji are left
out. Never an error.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import segno
from fpdf import FPDF, ViewerPreferences

from adapters.pdf import words as w
from adapters.pdf.content import PartnerContact as PartnerContact  # re-exported for the renderers
from domain import written_dates
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


def amount(value: int, currency: str, language: str = "en") -> str:
    return pdf_text(display_amount(value, currency, language))


def long_date(day: date, language: str = "en") -> str:
    return written_dates.long_date(day, language)


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

    @contextmanager
    def tagged(self, kind: str) -> Iterator[None]:
        """What is drawn inside is one element of the structure tree (`P`, `H1`, `H2`), in reading order. It must
        not run across a page break: callers make room first."""
        page = self.page
        mcid = self.struct_builder.next_mcid_for_page(page)
        _, parents = self.struct_builder.add_marked_content(page_number=page, struct_type=f"/{kind}", mcid=mcid)
        self.pages[page].struct_parents = parents
        self._out(f"/{kind} <</MCID {mcid}>> BDC")
        yield
        self._out("EMC")
        if self.page != page:
            raise RuntimeError("a tagged element ran across a page break")

    @contextmanager
    def artifact(self) -> Iterator[None]:
        """Decoration and page furniture (the band on later pages, rules, page numbers): not read out."""
        self._out("/Artifact BMC")
        yield
        self._out("EMC")

    def make_room(self, height: float) -> None:
        if self.will_page_break(height):
            self.add_page()

    def header(self) -> None:
        with self.artifact():
            self.set_fill_color(*self.band_colour)
            self.rect(0, 0, self.w, BAND_HEIGHT, style="F")
        x = self.l_margin
        if self.logo:
            try:
                with self.artifact():
                    info: Any = self.image(self.logo, x=x, y=5, h=BAND_HEIGHT - 10)
                x += float(info.rendered_width) + 4
            except Exception:  # an unreadable logo is left out, never a broken document
                self.logo = None
        # The band names the document: its heading on the first page, repeated furniture on the others.
        with self.tagged("H1") if self.page == 1 else self.artifact():
            self.set_text_color(*self.band_text)
            self.set_font(FONT, "B", 16)
            title_width = self.get_string_width(self.heading) * 12 / 16 + 2
            self.set_xy(x, 9)
            self.cell(w=self.w - self.r_margin - title_width - x - 4, h=8, text=self.partner_name)
            self.set_font(FONT, "B", 12)
            self.set_xy(self.w - self.r_margin - title_width, 9)
            self.cell(w=title_width, h=8, text=self.heading, align="R")
        self.set_text_color(*INK)
        self.set_y(BAND_HEIGHT + 10)

    def footer(self) -> None:
        with self.artifact():
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
        """Label / value pairs, one per line, starting at the current y; each pair one paragraph."""
        for label, value in rows:
            self.set_font(FONT, "B", 10)
            lines = self._lines(pdf_text(value), width - label_width)
            self.make_room(6 * len(lines))
            with self.tagged("P"):
                self.set_x(x)
                self.set_font(FONT, "", 10)
                self.set_text_color(*MUTED)
                self.cell(w=label_width, h=6, text=pdf_text(label))
                self.set_text_color(*INK)
                self.set_font(FONT, "B", 10)
                self.multi_cell(w=width - label_width, h=6, text="\n".join(lines), new_x="LMARGIN", new_y="NEXT")

    def total_row(self, label: str, value: str, *, bold: bool = False, width: float = 80) -> None:
        self.make_room(7)
        with self.tagged("P"):
            self.set_x(self.w - self.r_margin - width)
            self.set_font(FONT, "B" if bold else "", 11 if bold else 10)
            self.cell(w=width - 36, h=7, text=pdf_text(label))
            self.cell(w=36, h=7, text=value, align="R", new_x="LMARGIN", new_y="NEXT")

    def paragraph(
        self, text: str, *, size: float = 10, colour: tuple[int, int, int] = INK, x: float | None = None
    ) -> None:
        """Left-aligned text, one tagged paragraph per page it runs over."""
        left = self.l_margin if x is None else x
        width = self.w - self.r_margin - left
        self.set_font(FONT, "", size)
        lines = self._lines(pdf_text(text), width)
        height = 5.5
        while lines:
            fits = int((self.page_break_trigger - self.get_y() - 0.01) // height)
            if fits < 1:
                self.add_page()
                continue
            chunk, lines = lines[:fits], lines[fits:]
            with self.tagged("P"):
                self.set_font(FONT, "", size)
                self.set_text_color(*colour)
                self.set_x(left)
                self.multi_cell(w=width, h=height, text="\n".join(chunk), align="L", new_x="LEFT", new_y="NEXT")
                self.set_text_color(*INK)
        self.set_x(self.l_margin)

    def section(self, title: str, *, keep_with: float = 20) -> None:
        """A section heading, also a bookmark; starts a new page unless `keep_with` mm fit below it."""
        self.ln(4)
        self.make_room(7 + keep_with)
        self.start_section(pdf_text(title))
        with self.tagged("H2"):
            self.set_font(FONT, "B", 11)
            self.cell(w=self.epw, h=7, text=pdf_text(title), new_x="LMARGIN", new_y="NEXT")

    def grid(
        self,
        headings: Sequence[str],
        rows: Sequence[Sequence[str]],
        *,
        widths: Sequence[float],
        right: Sequence[bool],
        size: float = 9.5,
    ) -> None:
        """Headings on the partner's colour, repeated at the top of every page the table runs to, then one row per
        line between rules. Each row is read as one paragraph, its cells in order."""
        line, pad = 5.0, 1.0

        def draw(cells: Sequence[str], *, heading: bool) -> None:
            self.set_font(FONT, "B" if heading else "", size)
            wrapped = [self._lines(pdf_text(c), wd - 4) for c, wd in zip(cells, widths, strict=True)]
            height = max(len(ls) for ls in wrapped) * line + 2 * pad
            if not heading and self.will_page_break(height):
                self.add_page()
                draw(headings, heading=True)
                self.set_font(FONT, "", size)
            top = self.get_y()
            if heading:
                with self.artifact():
                    self.set_fill_color(*self.band_colour)
                    self.rect(self.l_margin, top, sum(widths), height, style="F")
            with self.tagged("P"):
                self.set_text_color(*(self.band_text if heading else INK))
                x = self.l_margin
                for lines, wd, align_right in zip(wrapped, widths, right, strict=True):
                    self.set_xy(x + 2, top + pad)
                    self.multi_cell(w=wd - 4, h=line, text="\n".join(lines), align="R" if align_right else "L")
                    x += wd
                self.set_text_color(*INK)
            with self.artifact():
                self.set_draw_color(*RULE)
                self.line(self.l_margin, top + height, self.l_margin + sum(widths), top + height)
            self.set_xy(self.l_margin, top + height)

        self.make_room(4 * line + 4 * pad)
        draw(headings, heading=True)
        for row in rows:
            draw(row, heading=False)

    def _lines(self, text: str, width: float) -> list[str]:
        """`text` as the current font wraps it in `width` mm."""
        lines = self.multi_cell(w=width, h=5, text=text, dry_run=True, output="LINES")
        assert isinstance(lines, list)
        # fpdf2 hands the lines back as bytes of the core-font encoding read as Latin-1: read them as cp1252 again.
        return [str(line).encode("latin-1").decode(ENCODING) for line in lines] or [""]

    def qr_code(self, url: str, *, x: float, y: float, size: float, alt_text: str) -> None:
        """A QR code of `url`, tagged as a figure with its alternative text, that is also a link to `url`."""
        self.image(qr_png(url), x=x, y=y, w=size, h=size, alt_text=alt_text, link=url)

    def done(self) -> bytes:
        return bytes(self.output())
