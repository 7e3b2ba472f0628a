"""A payment receipt as a PDF: the transaction id, when and how it was paid, which invoices it paid and any
card fee, in the partner's colours."""

from __future__ import annotations

from fpdf.fonts import FontFace

from adapters.pdf.document import FONT, MUTED, RULE, BrandedPdf, amount, long_date, pdf_text
from domain.payments.model import Payment, PaymentStatus
from domain.portal.settings import PortalSettings

S = PaymentStatus
STATUS_LABELS = {
    S.PROCESSING: "Processing: the payment has not been confirmed yet",
    S.PENDING: "Pending: bank debit not yet settled",
    S.SUCCEEDED: "Paid",
    S.SETTLED: "Paid (bank debit settled)",
    S.FAILED: "Failed: no money was taken",
    S.RETURNED: "Returned by the bank",
    S.CANCELED: "Canceled",
    S.PARTIALLY_REFUNDED: "Paid, partly refunded",
    S.REFUNDED: "Refunded",
    S.DISPUTED: "Disputed",
}


def render_receipt_pdf(
    *,
    partner_name: str,
    branding: PortalSettings,
    customer_name: str,
    payment: Payment,
    method_label: str,
    invoice_numbers: dict[str, str],
    compress: bool = True,
) -> bytes:
    title = "PAYMENT RECEIPT" if payment.status is not S.PENDING else "PAYMENT (PENDING)"
    pdf = BrandedPdf(partner_name=partner_name, branding=branding, title=title, compress=compress)
    currency = payment.currency

    pdf.set_font(FONT, "", 9)
    pdf.set_text_color(*MUTED)
    pdf.cell(w=pdf.epw, h=5, text="RECEIVED FROM", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(17, 24, 39)
    pdf.set_font(FONT, "B", 12)
    pdf.multi_cell(w=pdf.epw, h=6, text=pdf_text(customer_name), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)

    facts = [
        ("Transaction ID", payment.transaction_id),
        ("Date", long_date(payment.received_on)),
        ("Status", STATUS_LABELS.get(payment.status, payment.status.value)),
        ("Paid with", method_label),
        ("Amount", amount(payment.amount, currency)),
    ]
    if payment.reference:
        facts.append(("Reference", payment.reference))
    pdf.facts(facts, x=pdf.l_margin, width=pdf.epw, label_width=36)
    pdf.ln(6)

    pdf.set_draw_color(*RULE)
    headings = FontFace(emphasis="BOLD", color=pdf.band_text, fill_color=pdf.band_colour)
    with pdf.table(
        col_widths=(130, 50),
        text_align=("LEFT", "RIGHT"),
        headings_style=headings,
        borders_layout="HORIZONTAL_LINES",
        line_height=5,
        padding=(1, 2),
    ) as table:
        pdf.set_font(FONT, "", 10)
        table.row(("Applied to", "Amount"))
        for allocation in payment.allocations:
            number = invoice_numbers.get(allocation.invoice_id, allocation.invoice_id)
            table.row((pdf_text(f"Invoice {number}"), amount(allocation.amount, currency)))
        if payment.fee:
            table.row(("Card fee", amount(payment.fee, currency)))

    pdf.ln(3)
    pdf.total_row("Total", amount(payment.amount, currency), bold=True)
    if payment.status is S.PENDING:
        pdf.ln(4)
        pdf.paragraph(
            "This bank debit has been submitted and is not settled yet. It normally clears within a few business "
            "days; until then the invoices above show it as pending.",
            colour=MUTED,
        )
    return pdf.done()
