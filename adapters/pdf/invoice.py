"""An invoice as a PDF: who bills whom, every line, what is paid, pending and due, in the partner's colours."""

from __future__ import annotations

from fpdf.fonts import FontFace

from adapters.pdf.document import FONT, MUTED, RULE, BrandedPdf, amount, long_date, pdf_text
from domain.invoices.model import Invoice, InvoiceStatus
from domain.portal.settings import PortalSettings

STATUS_LABELS = {
    InvoiceStatus.DRAFT: "Draft",
    InvoiceStatus.OPEN: "Open",
    InvoiceStatus.PARTIALLY_PAID: "Partially paid",
    InvoiceStatus.PAID: "Paid",
    InvoiceStatus.VOID: "Void",
    InvoiceStatus.ARCHIVED: "Archived",
}


def render_invoice_pdf(
    *,
    partner_name: str,
    branding: PortalSettings,
    customer_name: str,
    customer_email: str | None,
    invoice: Invoice,
    amount_paid: int,
    amount_pending: int,
    amount_due: int,
    compress: bool = True,
) -> bytes:
    pdf = BrandedPdf(partner_name=partner_name, branding=branding, title="INVOICE", compress=compress)
    currency = invoice.currency
    top = pdf.get_y()
    half = pdf.epw / 2

    pdf.set_font(FONT, "", 9)
    pdf.set_text_color(*MUTED)
    pdf.cell(w=half, h=5, text="BILL TO", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(17, 24, 39)
    pdf.set_font(FONT, "B", 12)
    pdf.multi_cell(w=half - 6, h=6, text=pdf_text(customer_name), new_x="LMARGIN", new_y="NEXT")
    if customer_email:
        pdf.set_font(FONT, "", 10)
        pdf.multi_cell(w=half - 6, h=5.5, text=pdf_text(customer_email), new_x="LMARGIN", new_y="NEXT")
    left_bottom = pdf.get_y()

    pdf.set_y(top)
    pdf.facts(
        [
            ("Invoice", invoice.number),
            ("Issued", long_date(invoice.issue_date)),
            ("Due", long_date(invoice.due_date)),
            ("Status", STATUS_LABELS.get(invoice.status, invoice.status.value)),
        ],
        x=pdf.l_margin + half,
        width=half,
        label_width=24,
    )
    pdf.set_y(max(left_bottom, pdf.get_y()) + 8)

    pdf.set_draw_color(*RULE)
    headings = FontFace(emphasis="BOLD", color=pdf.band_text, fill_color=pdf.band_colour)
    with pdf.table(
        col_widths=(94, 18, 32, 36),
        text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT"),
        headings_style=headings,
        borders_layout="HORIZONTAL_LINES",
        line_height=5,
        padding=(1, 2),
        repeat_headings=1,
    ) as table:
        pdf.set_font(FONT, "", 9.5)
        table.row(("Description", "Quantity", "Unit price", "Amount"))
        for line in invoice.lines:
            table.row(
                (
                    pdf_text(line.description),
                    f"{line.quantity:,}",
                    amount(line.unit_amount, currency),
                    amount(line.amount, currency),
                )
            )

    pdf.ln(4)
    pdf.set_text_color(17, 24, 39)
    pdf.total_row("Total", amount(invoice.total, currency))
    pdf.total_row("Paid", amount(amount_paid, currency))
    if amount_pending:
        pdf.total_row("Pending (bank debits not yet settled)", amount(amount_pending, currency), width=110)
    pdf.total_row("Amount due", amount(amount_due, currency), bold=True)

    if invoice.memo:
        pdf.section("Memo")
        pdf.paragraph(invoice.memo)
    if invoice.status is InvoiceStatus.VOID:
        pdf.section("This invoice was voided")
        pdf.paragraph("Nothing is owed on it.")
    return pdf.done()
