"""Invoice and receipt PDFs: real documents, itemized, branded, paginated, and never undone by a character the
built-in fonts lack. Rendered uncompressed here so the text can be found in the bytes."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import UTC, date, datetime

import pytest

from adapters.pdf.document import PartnerContact, local_logo, pdf_text
from adapters.pdf.invoice import render_invoice_pdf
from adapters.pdf.receipt import InvoiceNow, render_receipt_pdf
from domain.invoices.model import Invoice, InvoiceLine, InvoiceStatus
from domain.ledger.balances import InvoiceBalance
from domain.payments.model import Allocation, MethodType, Payment, PaymentStatus
from domain.portal.settings import PortalSettings
from tests.pdf_reading import ReadPdf

NOW = datetime(2026, 11, 21, 15, 0, tzinfo=UTC)
BRANDING = PortalSettings(
    primary_color="#0E7C66", support_email="billing@northwind.example", support_phone="+1 555 0199"
)
NORTHWIND = PartnerContact.of("Northwind IT", BRANDING)


def _invoice(lines: int = 3, **overrides: object) -> Invoice:
    fields: dict[str, object] = {
        "partner_id": "ptr_1",
        "customer_id": "cus_1",
        "number": "INV-000042",
        "currency": "USD",
        "issue_date": date(2026, 11, 1),
        "due_date": date(2026, 12, 1),
        "lines": [InvoiceLine(f"Managed services, seat {i + 1}", i + 1, 12_345) for i in range(lines)],
        "created_at": NOW,
        "memo": "Thank you for your business. Net 30.",
        **overrides,
    }
    return Invoice(**fields)  # type: ignore[arg-type]


def _payment(**overrides: object) -> Payment:
    fields: dict[str, object] = {
        "partner_id": "ptr_1",
        "customer_id": "cus_1",
        "method": MethodType.CARD,
        "currency": "USD",
        "allocations": [Allocation("inv_a", 100_000), Allocation("inv_b", 2_500)],
        "fee": 2_930,
        "created_at": NOW,
        "received_on": date(2026, 11, 21),
        "status": PaymentStatus.SUCCEEDED,
        **overrides,
    }
    return Payment(**fields)  # type: ignore[arg-type]


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type /Page\b", pdf))


def _invoice_pdf(invoice: Invoice, *, compress: bool = False, **overrides: object) -> bytes:
    fields: dict[str, object] = {
        "partner": NORTHWIND,
        "branding": BRANDING,
        "customer_name": "Acme Dental",
        "customer_email": "ap@acme.example",
        "invoice": invoice,
        "balance": InvoiceBalance(invoice.total, 10_000, 5_000, invoice.total - 15_000),
        "today": date(2026, 11, 21),
        **overrides,
    }
    return render_invoice_pdf(**fields, compress=compress)  # type: ignore[arg-type]


def test_an_invoice_pdf_is_itemized_and_branded() -> None:
    invoice = _invoice()
    pdf = _invoice_pdf(invoice)
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    for needle in (
        b"INV-000042",
        b"Northwind IT",
        b"Acme Dental",
        b"ap@acme.example",
        b"November 1, 2026",
        b"December 1, 2026",
        b"Managed services, seat 3",
        b"$370.35",  # 3 x 123.45
        b"$740.70",  # the total
        b"$100.00",  # paid
        b"$50.00",  # pending
        b"$590.70",  # due
        b"Net 30",
        b"billing@northwind.example",
        "Partly paid · Payment pending".encode("cp1252"),
    ):
        assert needle in pdf, needle
    assert b"0.0549 0.4863 0.4 rg" in pdf  # the band and headings in the partner's colour (#0E7C66)
    assert _pages(pdf) == 1


def test_no_pending_line_when_nothing_is_pending() -> None:
    total = _invoice().total
    pdf = _invoice_pdf(_invoice(), balance=InvoiceBalance(total, 10_000, 0, total - 10_000))
    assert b"Pending" not in pdf


def test_two_hundred_lines_break_across_pages_with_headings_repeated() -> None:
    invoice = _invoice(lines=200, memo=None)
    pdf = _invoice_pdf(invoice)
    pages = _pages(pdf)
    assert pages >= 4
    read = ReadPdf(pdf)
    assert read.text_outside_marked_content() == []  # every row is tagged on the page it is drawn on
    texts = read.pages
    with_lines = [text for text in texts if "Managed services" in text]
    assert len(with_lines) >= pages - 1
    assert all(text.index("Description") < text.index("Managed services") for text in with_lines)  # headings repeat
    assert b"Managed services, seat 200" in pdf
    assert f"(Page {pages} of ) Tj ({pages})".encode() in pdf  # "Page 5 of 5" on the last page
    compressed = _invoice_pdf(invoice, compress=True)
    assert compressed.startswith(b"%PDF-") and len(compressed) < len(pdf) and _pages(compressed) == pages


def test_text_outside_the_built_in_fonts_does_not_break_the_pdf() -> None:
    invoice = _invoice(lines=1, number="INV-ÆØÅ-1", memo="Zahlung — danke • Łódź, Ελλάδα, 東京 🎉\tok\x00.")
    pdf = _invoice_pdf(invoice, partner=PartnerContact("Société Générale ✓"), customer_name="Ça\u011fr\u0131 Öztürk")
    assert pdf.startswith(b"%PDF-")
    assert "INV-ÆØÅ-1".encode("cp1252") in pdf
    assert "Société Générale".encode("cp1252") in pdf
    assert "Çagri Öztürk".encode("cp1252") in pdf  # g with breve and dotless i: their plain letters
    assert "Zahlung — danke • Lódz".encode("cp1252") in pdf


def test_pdf_text() -> None:
    assert pdf_text("Visa •••• 4242") == "Visa •••• 4242"  # Windows-1252 has the bullet
    assert pdf_text("Łódź — €5") == "Lódz — €5"
    assert pdf_text("東京") == "??"
    assert pdf_text("done ✓ 🎉") == "done  "
    assert pdf_text("a\tb\x00c\nd") == "a bc\nd"
    for sample in ("Ελλάδα", "日本語", "🎉", "Ω≈ç√∫", "\u200b\u202e"):
        pdf_text(sample).encode("cp1252")


def test_logos_are_only_read_from_local_files(tmp_path: pytest.TempPathFactory) -> None:
    assert local_logo("https://cdn.example/logo.png") is None
    assert local_logo(None) is None
    assert local_logo("/no/such/logo.png") is None
    logo = tmp_path / "logo.png"  # type: ignore[operator]
    logo.write_bytes(b"not really a png")
    assert local_logo(str(logo)) == str(logo)
    assert local_logo(f"file://{logo}") == str(logo)
    # An unreadable local logo is left out rather than breaking the document.
    pdf = _invoice_pdf(_invoice(), branding=PortalSettings(logo_url=str(logo)))
    assert pdf.startswith(b"%PDF-") and b"INV-000042" in pdf


def test_a_receipt_lists_each_invoice_and_the_card_fee() -> None:
    payment = _payment()
    pdf = render_receipt_pdf(
        partner=NORTHWIND,
        branding=BRANDING,
        customer_name="Acme Dental",
        payment=payment,
        method_label="Visa •••• 4242",
        invoices={"inv_a": InvoiceNow("INV-000042", 0), "inv_b": InvoiceNow("INV-000043", 1_000)},
        compress=False,
    )
    assert pdf.startswith(b"%PDF-")
    for needle in (
        payment.transaction_id.encode(),
        b"Invoice INV-000042",
        b"Invoice INV-000043",
        b"$1,000.00",
        b"$25.00",
        b"Card fee",
        b"$29.30",
        b"$1,054.30",
        b"November 21, 2026",
        b"(Paid) Tj",
        "Visa •••• 4242".encode("cp1252"),
        b"Acme Dental",
    ):
        assert needle in pdf, needle
    assert b"Pending" not in pdf


def test_a_pending_debit_receipt_says_it_is_not_settled() -> None:
    payment = _payment(
        method=MethodType.US_BANK_ACCOUNT,
        fee=0,
        status=PaymentStatus.PENDING,
        allocations=[Allocation("inv_gone", 7_500)],
        reference="Auto-pay",
    )
    pdf = render_receipt_pdf(
        partner=PartnerContact("Northwind IT"),
        branding=PortalSettings(),
        customer_name="Acme Dental",
        payment=payment,
        method_label="Sandbox Bank (US) •••• 6789",
        invoices={},
        compress=False,
    )
    assert b"(Pending) Tj" in pdf and b"Amount pending" in pdf and b"not settled yet" in pdf
    assert b"Invoice inv_gone" in pdf  # an unknown number falls back to the id
    assert b"Card fee" not in pdf and b"$75.00" in pdf and b"Auto-pay" in pdf
    assert payment.transaction_id.encode() in pdf


def test_compressed_by_default() -> None:
    payment = _payment(status=PaymentStatus.SETTLED, method=MethodType.CA_BANK_ACCOUNT, currency="CAD", fee=0)
    pdf = render_receipt_pdf(
        partner=NORTHWIND,
        branding=BRANDING,
        customer_name="Acme Dental",
        payment=payment,
        method_label="Bank •••• 1234",
        invoices={},
    )
    assert pdf.startswith(b"%PDF-") and b"/FlateDecode" in pdf and b"(Transaction ID) Tj" not in pdf
    assert _invoice_pdf(_invoice(status=InvoiceStatus.PAID), compress=True).startswith(b"%PDF-")


def test_starting_the_app_loads_no_pdf_or_image_library() -> None:
    """fpdf with its fonts and Pillow add about 25 MB to every process: they load with the first PDF or logo."""
    code = "import sys, api.main; print(sorted(m for m in ('fpdf', 'fontTools', 'PIL') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert out.stdout.strip() == "[]"
