"""A payment's receipt as a PDF: the transaction id, when and how it was made, where it stands (paid, pending or not
charged, in the one payment vocabulary), each invoice it is for with what that invoice received and what it still
owes, and any card fee, in the partner's colours and the reader's language."""

from __future__ import annotations

from adapters.pdf.content import InvoiceNow, PartnerContact
from adapters.pdf.document import FONT, INK, MUTED, BrandedPdf, pdf_text
from adapters.pdf.words import words
from domain.invoices.standing import STANDING_WORDS
from domain.money import display_amount
from domain.payments.model import Payment
from domain.payments.standing import NOTHING_TAKEN, PaymentStanding, payment_standing, payment_words
from domain.portal.settings import PortalSettings

P = PaymentStanding
ON_ITS_WAY = frozenset({P.PENDING, P.PROCESSING})


def render_receipt_pdf(
    *,
    partner: PartnerContact,
    branding: PortalSettings,
    customer_name: str,
    payment: Payment,
    method_label: str,
    invoices: dict[str, InvoiceNow],
    language: str = "en",
    compress: bool = True,
) -> bytes:
    t = words(language)
    standing = payment_standing(payment.status)
    currency = payment.currency
    taken = standing not in NOTHING_TAKEN
    shown_total = payment.amount if taken else payment.allocated
    heading = t["receipt_title"]
    heading_for = t["applied_to"]
    if standing in ON_ITS_WAY:
        heading, heading_for = t["pending_title"], t["invoices_it_is_for"]
    elif not taken:
        heading, heading_for = t["attempt_title"], t["invoices_it_was_for"]
    elif standing is P.RETURNED:
        heading, heading_for = t["returned_title"], t["invoices_it_was_for"]
    pdf = BrandedPdf(
        partner=partner,
        branding=branding,
        heading=heading,
        doc_title=t["receipt_doc_title"].format(transaction=payment.transaction_id, partner=partner.name),
        subject=t["receipt_subject"].format(
            transaction=payment.transaction_id,
            customer=customer_name,
            partner=partner.name,
            amount=display_amount(shown_total, currency, language),
        ),
        language=language,
        compress=compress,
    )

    with pdf.tagged("P"):
        pdf.set_font(FONT, "", 9)
        pdf.set_text_color(*MUTED)
        pdf.cell(w=pdf.epw, h=5, text=pdf_text(t["received_from"]), new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(*INK)
        pdf.set_font(FONT, "B", 12)
        pdf.multi_cell(w=pdf.epw, h=6, text=pdf_text(customer_name), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)

    amount_label = _amount_label(standing, t)
    facts = [
        (t["transaction_id"], payment.transaction_id),
        (t["date"], pdf.date(payment.received_on)),
        (t["status"], payment_words(payment.status, language)),
        (t["method"], method_label),
        (amount_label, pdf.money(shown_total, currency)),
    ]
    if payment.reference:
        facts.append((t["reference"], payment.reference))
    pdf.facts(facts, x=pdf.l_margin, width=pdf.epw, label_width=44)
    pdf.ln(6)

    rows = []
    for allocation in payment.allocations:
        now = invoices.get(allocation.invoice_id)
        number = now.number if now else allocation.invoice_id
        rows.append(
            (
                t["invoice_number"].format(number=number),
                pdf.money(allocation.amount, currency),
                _still_due(pdf, now, currency) if now else "",
            )
        )
    if payment.fee and taken and standing is not P.RETURNED:
        rows.append((t["card_fee"], pdf.money(payment.fee, currency), ""))
    pdf.grid(
        (heading_for, t["this_payment"], t["still_due"]),
        rows,
        widths=(90, 45, 45),
        right=(False, True, True),
        size=10,
    )

    pdf.ln(3)
    pdf.total_row(amount_label, pdf.money(shown_total, currency), bold=True, width=90)
    note = {P.PENDING: "pending_note", P.PROCESSING: "processing_note", P.RETURNED: "returned_note"}.get(standing)
    if not taken:
        note = "not_charged_note"
    if note:
        pdf.ln(4)
        pdf.paragraph(t[note], colour=MUTED)
    return pdf.done()


def _amount_label(standing: PaymentStanding, t: dict[str, str]) -> str:
    if standing in ON_ITS_WAY:
        return t["amount_pending"]
    if standing in NOTHING_TAKEN:
        return t["amount_not_charged"]
    if standing is P.RETURNED:
        return t["amount_returned"]
    return t["amount_paid"]


def _still_due(pdf: BrandedPdf, invoice: InvoiceNow, currency: str) -> str:
    """What the invoice still owes; at zero, "Paid", or "Payment pending" while money is on its way."""
    if invoice.amount_due > 0:
        return pdf.money(invoice.amount_due, currency)
    vocabulary = STANDING_WORDS.get(pdf.language, STANDING_WORDS["en"])
    return pdf_text(vocabulary["payment_pending" if invoice.amount_pending > 0 else "paid"])
