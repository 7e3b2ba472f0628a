"""An invoice as a PDF a customer can pay from: who bills whom and how to reach them, every line, what is paid,
pending and due, the payments applied, and how to pay (the pay link and its QR code), in the partner's colours and
the reader's language."""

from __future__ import annotations

from datetime import date

from adapters.pdf.content import AppliedPayment, HowToPay, PartnerContact
from adapters.pdf.document import FONT, INK, MUTED, BrandedPdf, pdf_text
from adapters.pdf.words import words
from domain.invoices.model import Invoice, InvoiceStatus
from domain.invoices.standing import standing_of
from domain.ledger.balances import InvoiceBalance
from domain.money import display_amount
from domain.payments.standing import NOTHING_TAKEN, payment_standing, payment_words
from domain.portal.settings import PortalSettings
from domain.written_dates import long_date

QR_SIZE = 34.0


def render_invoice_pdf(
    *,
    partner: PartnerContact,
    branding: PortalSettings,
    customer_name: str,
    customer_email: str | None,
    invoice: Invoice,
    balance: InvoiceBalance,
    today: date,
    payments: list[AppliedPayment] = [],  # noqa: B006 (never mutated)
    how_to_pay: HowToPay | None = None,
    language: str = "en",
    compress: bool = True,
) -> bytes:
    currency = invoice.currency
    t = words(language)
    pdf = BrandedPdf(
        partner=partner,
        branding=branding,
        heading=t["invoice_title"],
        doc_title=t["invoice_doc_title"].format(number=invoice.number, partner=partner.name),
        subject=_subject(t, invoice, partner.name, customer_name, balance.amount_due, language),
        language=language,
        compress=compress,
    )
    standing = standing_of(invoice.status, balance, due_date=invoice.due_date, today=today)

    top = pdf.get_y()
    left = pdf.epw * 0.45
    _party(pdf, t["from"], partner.name, _contact_lines(pdf, partner), width=left - 6)
    pdf.ln(3)
    _party(pdf, t["bill_to"], customer_name, [customer_email] if customer_email else [], width=left - 6)
    left_bottom = pdf.get_y()

    pdf.set_y(top)
    pdf.facts(
        [
            (t["invoice"], invoice.number),
            (t["issued"], pdf.date(invoice.issue_date)),
            (t["due"], pdf.date(invoice.due_date)),
            (t["status"], standing.words(language)),
        ],
        x=pdf.l_margin + left,
        width=pdf.epw - left,
        label_width=28,
    )
    pdf.set_y(max(left_bottom, pdf.get_y()) + 8)

    pdf.grid(
        (t["description"], t["quantity"], t["unit_price"], t["amount"]),
        [
            (
                line.description,
                f"{line.quantity:,}" if language == "en" else f"{line.quantity:,}".replace(",", "\u00a0"),
                pdf.money(line.unit_amount, currency),
                pdf.money(line.amount, currency),
            )
            for line in invoice.lines
        ],
        widths=(90, 22, 32, 36),
        right=(False, True, True, True),
    )
    pdf.ln(4)
    pdf.set_text_color(*INK)
    pdf.total_row(t["total"], pdf.money(invoice.total, currency))
    pdf.total_row(t["paid"], pdf.money(balance.amount_paid, currency))
    if balance.amount_pending:
        pdf.total_row(t["pending_total"], pdf.money(balance.amount_pending, currency), width=110)
    pdf.total_row(t["amount_due"], pdf.money(balance.amount_due, currency), bold=True)

    if how_to_pay is not None and balance.amount_due > 0:
        _how_to_pay(pdf, how_to_pay, invoice, pdf.money(balance.amount_due, currency))
    applied = [p for p in payments if payment_standing(p.status) not in NOTHING_TAKEN]
    if applied:
        _payments(pdf, applied, currency)
    if invoice.memo:
        pdf.section(t["memo"])
        pdf.paragraph(invoice.memo)
    if invoice.status is InvoiceStatus.VOID:
        pdf.section(t["voided"])
        pdf.paragraph(t["nothing_owed"])
    return pdf.done()


def _subject(t: dict[str, str], invoice: Invoice, partner: str, customer: str, due: int, language: str) -> str:
    subject = t["invoice_subject"].format(number=invoice.number, partner=partner, customer=customer)
    if due <= 0:
        return subject
    return subject + t["subject_due"].format(
        due=display_amount(due, invoice.currency, language), due_date=long_date(invoice.due_date, language)
    )


def _contact_lines(pdf: BrandedPdf, partner: PartnerContact) -> list[str]:
    t = pdf.words
    lines = list(partner.address)
    if partner.email:
        lines.append(f"{t['email']}: {partner.email}" if pdf.language == "en" else f"{t['email']} : {partner.email}")
    if partner.phone:
        lines.append(f"{t['phone']}: {partner.phone}" if pdf.language == "en" else f"{t['phone']} : {partner.phone}")
    if partner.url:
        lines.append(partner.url)
    return lines


def _party(pdf: BrandedPdf, label: str, name: str, lines: list[str], *, width: float) -> None:
    with pdf.tagged("P"):
        pdf.set_font(FONT, "", 9)
        pdf.set_text_color(*MUTED)
        pdf.cell(w=width, h=5, text=pdf_text(label), new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(*INK)
        pdf.set_font(FONT, "B", 12)
        pdf.multi_cell(w=width, h=6, text=pdf_text(name), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FONT, "", 10)
        for line in lines:
            pdf.multi_cell(w=width, h=5.5, text=pdf_text(line), new_x="LMARGIN", new_y="NEXT")


def _how_to_pay(pdf: BrandedPdf, how: HowToPay, invoice: Invoice, due: str) -> None:
    t = pdf.words
    pdf.section(t["how_to_pay"], keep_with=QR_SIZE + 2)
    top = pdf.get_y() + 1
    pdf.qr_code(
        how.url,
        x=pdf.l_margin,
        y=top,
        size=QR_SIZE,
        alt_text=t["qr_alt"].format(url=how.url, number=invoice.number),
    )
    text_x = pdf.l_margin + QR_SIZE + 6
    width = pdf.epw - QR_SIZE - 6
    pdf.set_y(top + 2)
    intro = t["pay_online" if how.guest else "pay_signed_in"].format(amount=due)
    pdf.paragraph(intro, x=text_x)
    pdf.set_xy(text_x, pdf.get_y() + 1)
    with pdf.tagged("P"):
        pdf.set_font(FONT, "U", 9)
        pdf.multi_cell(w=width, h=5, text=pdf_text(how.url), link=how.url, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(max(pdf.get_y(), top + QR_SIZE) + 2)


def _payments(pdf: BrandedPdf, applied: list[AppliedPayment], currency: str) -> None:
    t = pdf.words
    pdf.section(t["payments_applied"])
    pdf.ln(1)
    pdf.grid(
        (t["date"], t["method"], t["status"], t["amount"]),
        [
            (
                pdf.date(p.received_on),
                p.method_label,
                payment_words(p.status, pdf.language),
                pdf.money(p.amount, currency),
            )
            for p in sorted(applied, key=lambda p: p.received_on)
        ],
        widths=(40, 70, 36, 34),
        right=(False, False, False, True),
    )
