"""The invoice PDF is a document its reader can pay from: the partner's contact, how to pay (the pay link, also as a
QR code), the payments applied, the amount due; in English or French; with one status vocabulary; tagged with a
title, subject, author and language. Read back with pypdf, as a reader (or a screen reader) would."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import segno
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.pdf.document import PartnerContact
from adapters.pdf.invoice import AppliedPayment, HowToPay, render_invoice_pdf
from domain.errors import InvalidRequest
from domain.invoices.model import Invoice, InvoiceLine, InvoiceStatus
from domain.ledger.balances import InvoiceBalance
from domain.payments.model import PaymentStatus
from domain.portal.settings import PortalSettings
from tests.pdf_reading import ReadPdf

NOW = datetime(2026, 11, 21, 15, 0, tzinfo=UTC)
TODAY = date(2026, 11, 21)
BRANDING = PortalSettings(
    primary_color="#0E7C66",
    support_email="billing@northwind.example",
    support_phone="+1 555 0199",
    support_url="https://help.northwind.example",
)
NORTHWIND = PartnerContact.of("Northwind IT", BRANDING)
PAY_URL = "https://remit.example/pay/northwind/invoice/pl_01JD3M9W4E0000000000000000.0123456789abcdef0123456789abcdef"


def _invoice(**overrides: object) -> Invoice:
    fields: dict[str, object] = {
        "partner_id": "ptr_1",
        "customer_id": "cus_1",
        "number": "INV-000042",
        "currency": "CAD",
        "issue_date": date(2026, 11, 1),
        "due_date": date(2026, 12, 1),
        "lines": [InvoiceLine("Managed services", 2, 49_000)],  # CA$980.00
        "created_at": NOW,
        **overrides,
    }
    return Invoice(**fields)  # type: ignore[arg-type]


def _render(invoice: Invoice | None = None, **overrides: object) -> ReadPdf:
    invoice = invoice or _invoice()
    fields: dict[str, object] = {
        "partner": NORTHWIND,
        "branding": BRANDING,
        "customer_name": "Acme Dental",
        "customer_email": "ap@acme.example",
        "invoice": invoice,
        "balance": InvoiceBalance(98_000, 30_000, 20_000, 48_000),
        "today": TODAY,
        "payments": [
            AppliedPayment(date(2026, 11, 5), "Check", 30_000, PaymentStatus.SUCCEEDED),
            AppliedPayment(date(2026, 11, 20), "Sandbox Bank •••• 6789", 20_000, PaymentStatus.PENDING),
            AppliedPayment(date(2026, 11, 19), "Visa •••• 0002", 48_000, PaymentStatus.FAILED),
        ],
        "how_to_pay": HowToPay(PAY_URL),
        **overrides,
    }
    return ReadPdf(render_invoice_pdf(**fields))  # type: ignore[arg-type]


def test_the_partner_can_be_reached_from_the_invoice() -> None:
    pdf = _render()
    for words in (
        "FROM",
        "Northwind IT",
        "Email: billing@northwind.example",
        "Phone: +1 555 0199",
        "https://help.northwind.example",
        "BILL TO",
        "Acme Dental",
        "ap@acme.example",
    ):
        assert words in pdf.text, words


def test_without_support_details_the_partner_is_reached_where_it_is_notified() -> None:
    contact = PartnerContact.of("Northwind IT", PortalSettings(notification_emails=("ar@northwind.example",)))
    assert (contact.email, contact.phone, contact.url) == ("ar@northwind.example", None, None)
    pdf = _render(partner=contact)
    assert "Email: ar@northwind.example" in pdf.text
    assert "Questions? Contact Northwind IT at ar@northwind.example." in pdf.text
    assert PartnerContact.of("Northwind IT", PortalSettings()).ways() == []  # then no "contact" line at all
    assert "Questions?" not in _render(partner=PartnerContact("Northwind IT")).text


def test_how_to_pay_with_the_pay_link_and_its_qr_code() -> None:
    pdf = _render()
    assert "How to pay" in pdf.text
    assert "Pay CA$480.00 online at this address, or scan the QR code" in pdf.text
    assert PAY_URL in pdf.text.replace("\n", "")
    assert PAY_URL in pdf.link_uris()  # the address and the QR code are links too
    [qr] = pdf.images()
    assert _modules(qr.image) == segno.make(PAY_URL, error="m", micro=False).matrix  # it encodes the pay link
    assert pdf.figures_alt_text() == [f"QR code that opens {PAY_URL}, where invoice INV-000042 can be paid"]


def test_the_address_is_written_beside_the_qr_code_not_over_it() -> None:
    page = _render().reader.pages[0]
    qr, *text_lines = sorted(([float(v) for v in a.get_object()["/Rect"]] for a in page["/Annots"]), key=lambda r: r[0])
    assert qr[2] - qr[0] == pytest.approx(qr[3] - qr[1], abs=0.1)  # the square QR code, at the left margin
    assert text_lines and all(left > qr[2] for left, *_ in text_lines)


def test_a_signed_in_address_when_the_pay_link_expired() -> None:
    url = "https://remit.example/pay/northwind/invoices/inv_1"
    pdf = _render(how_to_pay=HowToPay(url, guest=False))
    assert "sign in to your account at this address" in pdf.text
    assert url in pdf.link_uris()


def test_the_payments_applied_and_the_amount_due() -> None:
    lines = _render().text.splitlines()
    assert "Total CA$980.00" in lines
    assert "Paid CA$300.00" in lines
    assert "Pending (bank debits not yet settled) CA$200.00" in lines
    assert "Amount due CA$480.00" in lines
    assert "Payments applied" in lines
    assert "Date Method Status Amount" in lines
    assert "November 5, 2026 Check Paid CA$300.00" in lines
    assert "November 20, 2026 Sandbox Bank •••• 6789 Pending CA$200.00" in lines
    assert not any("0002" in line for line in lines)  # a declined attempt took nothing: not a payment applied


def test_a_debit_pending_alone_is_due_and_pending_never_partly_paid() -> None:
    pdf = _render(
        balance=InvoiceBalance(98_000, 0, 98_000, 0),
        payments=[AppliedPayment(date(2026, 11, 20), "Sandbox Bank •••• 6789", 98_000, PaymentStatus.PENDING)],
        invoice=_invoice(status=InvoiceStatus.PARTIALLY_PAID),
    )
    assert "Status Payment pending" in pdf.text
    assert "Partially paid" not in pdf.text and "Partly paid" not in pdf.text
    assert "How to pay" not in pdf.text and pdf.images() == []  # nothing is due: nothing to pay

    some_pending = _render(
        balance=InvoiceBalance(98_000, 0, 20_000, 78_000),
        payments=[AppliedPayment(date(2026, 11, 20), "Sandbox Bank •••• 6789", 20_000, PaymentStatus.PENDING)],
        invoice=_invoice(status=InvoiceStatus.PARTIALLY_PAID),
    )
    assert "Status Due · Payment pending" in some_pending.text
    assert "Partially paid" not in some_pending.text and "Partly paid" not in some_pending.text


def test_overdue_and_partly_paid_says_both() -> None:
    pdf = _render(invoice=_invoice(status=InvoiceStatus.PARTIALLY_PAID, due_date=date(2026, 11, 10)))
    assert "Status Overdue · Partly paid · Payment pending" in pdf.text
    french = _render(invoice=_invoice(status=InvoiceStatus.PARTIALLY_PAID, due_date=date(2026, 11, 10)), language="fr")
    assert "Statut En retard · Payée en partie · Paiement en attente" in " ".join(french.text.split())


def test_paid_and_void_invoices_have_no_way_to_pay() -> None:
    paid = _render(invoice=_invoice(status=InvoiceStatus.PAID), balance=InvoiceBalance(98_000, 98_000, 0, 0))
    assert "Status Paid" in paid.text and "How to pay" not in paid.text and paid.images() == []
    assert paid.reader.metadata is not None
    assert paid.reader.metadata.subject == "Invoice INV-000042 from Northwind IT to Acme Dental"  # nothing due
    void = _render(invoice=_invoice(status=InvoiceStatus.VOID), balance=InvoiceBalance(98_000, 0, 0, 0))
    assert "Status Void" in void.text and "This invoice was voided" in void.text and "How to pay" not in void.text


def test_in_french_every_label_amount_and_date() -> None:
    pdf = _render(language="fr")
    lines = pdf.text.splitlines()
    for line in (
        "DE",
        "Courriel : billing@northwind.example",
        "Téléphone : +1 555 0199",
        "FACTURER À",
        "Facture INV-000042",
        "Émise le 1 novembre 2026",
        "Échéance 1 décembre 2026",
        "Statut Payée en partie · Paiement en attente",
        "Description Quantité Prix unitaire Montant",
        "Managed services 2 490,00 $ 980,00 $",
        "Total 980,00 $",
        "Payé 300,00 $",
        "En attente (prélèvements pas encore réglés) 200,00 $",
        "Montant dû 480,00 $",
        "Comment payer",
        "Paiements appliqués",
        "Date Moyen de paiement Statut Montant",
        "5 novembre 2026 Check Payé 300,00 $",
        "20 novembre 2026 Sandbox Bank •••• 6789 En attente 200,00 $",
    ):
        assert line in lines, line
    assert "Payez 480,00 $ en ligne" in pdf.text
    assert "Des questions? Communiquez avec Northwind IT : billing@northwind.example ou +1 555 0199." in pdf.text
    assert "Page 1 de 1" in pdf.text
    assert "CA$" not in pdf.text and "Amount" not in pdf.text and "Paid" not in pdf.text
    assert pdf.figures_alt_text() == [f"Code QR qui ouvre {PAY_URL}, où la facture INV-000042 peut être payée"]


def test_french_amounts_are_the_portals() -> None:
    """What the portal shows with Intl fr-CA: a no-break space between thousands and before the symbol."""
    big = _invoice(lines=[InvoiceLine("Migration", 1, 123_456_78)], currency="USD")
    pdf = _render(big, balance=InvoiceBalance(123_456_78, 0, 0, 123_456_78), payments=[], language="fr")
    assert "123 456,78 $ US" in pdf.text
    raw = "\n".join(pdf.pages)
    assert "123\u00a0456,78\u00a0$\u00a0US" in raw


def test_tagged_with_title_subject_author_and_language() -> None:
    pdf = _render()
    meta = pdf.reader.metadata
    assert meta is not None
    assert meta.title == "Invoice INV-000042 - Northwind IT"
    assert meta.author == "Northwind IT"
    assert meta.subject == "Invoice INV-000042 from Northwind IT to Acme Dental: CA$480.00 due by December 1, 2026"
    assert pdf.lang == "en"
    assert bool(pdf.catalog["/ViewerPreferences"]["/DisplayDocTitle"])  # the title, not the file name, is shown
    assert bool(pdf.catalog["/MarkInfo"]["/Marked"])
    assert [o.title for o in pdf.reader.outline] == ["How to pay", "Payments applied"]  # bookmarks

    french = _render(language="fr")
    assert french.lang == "fr-CA"
    assert french.title == "Facture INV-000042 - Northwind IT"
    assert french.reader.metadata is not None
    assert french.reader.metadata.subject == (
        "Facture INV-000042 de Northwind IT à Acme Dental : 480,00\u00a0$ à payer d'ici le 1 décembre 2026"
    )


def _modules(image: object) -> tuple[bytearray, ...]:
    """The dark/light modules of a QR code drawn by `qr_png` (8 pixels a module, 4 modules of quiet zone)."""
    from PIL import Image

    assert isinstance(image, Image.Image)
    grey = image.convert("L")
    scale, border = 8, 4
    count = grey.width // scale - 2 * border
    return tuple(
        bytearray(
            1 if grey.getpixel(((border + x) * scale + scale // 2, (border + y) * scale + scale // 2)) < 128 else 0  # type: ignore[operator]
            for x in range(count)
        )
        for y in range(count)
    )


def test_every_word_is_tagged_in_reading_order_and_decoration_is_an_artifact() -> None:
    pdf = _render(invoice=_invoice(memo="Thank you.\n" * 120))  # a memo that runs over the next page
    assert len(pdf.reader.pages) == 4
    assert pdf.text_outside_marked_content() == []
    kinds = pdf.structure()
    assert kinds[:3] == ["H1", "P", "P"]  # the band's heading, then who bills and who is billed
    assert kinds.count("H1") == 1  # the band on the next page is furniture
    assert [k for k in kinds if k in ("H2", "Figure")] == [
        "H2",
        "Figure",
        "H2",
        "H2",
    ]  # How to pay (QR), Payments, Memo
    assert kinds.count("P") > 15


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    lines=st.lists(st.text(min_size=1, max_size=500).filter(str.strip), min_size=1, max_size=40),
    memo=st.one_of(st.none(), st.text(max_size=3000)),
    payments=st.integers(min_value=0, max_value=40),
    language=st.sampled_from(["en", "fr"]),
)
def test_any_invoice_is_fully_tagged_page_by_page(
    lines: list[str], memo: str | None, payments: int, language: str
) -> None:
    invoice = _invoice(lines=[InvoiceLine(text, 1, 1_000) for text in lines], memo=memo)
    balance = InvoiceBalance(invoice.total, 0, 0, invoice.total)
    applied = [AppliedPayment(date(2026, 11, 5), "Check", 1, PaymentStatus.SUCCEEDED) for _ in range(payments)]
    pdf = _render(invoice, balance=balance, payments=applied, language=language)
    assert pdf.text_outside_marked_content() == []
    assert pdf.structure().count("H1") == 1


def test_the_partners_postal_address_is_printed_line_by_line() -> None:
    settings = PortalSettings(
        support_email="billing@northwind.example", business_address="200 Bay Street, Suite 400\n\nToronto ON M5J 2J2"
    )
    pdf = _render(partner=PartnerContact.of("Northwind IT", settings))
    lines = pdf.text.splitlines()
    street = lines.index("200 Bay Street, Suite 400")
    assert lines[street + 1] == "Toronto ON M5J 2J2"  # blank lines dropped, the order kept
    assert "Northwind IT" in lines[:street] and "Email: billing@northwind.example" in lines[street:]


def test_a_business_address_longer_than_six_lines_is_refused() -> None:
    with pytest.raises(InvalidRequest) as refused:
        PortalSettings().changed(business_address="\n".join(f"line {n}" for n in range(7)))
    assert refused.value.field == "business_address"
