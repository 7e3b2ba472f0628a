"""A payment's receipt says where the payment stands in the one payment vocabulary (a card that succeeded and a debit
that settled are both "Paid"; a pending debit is pending, never "charged" or "paid"; a declined attempt took
nothing), and per invoice what this payment gave it and what it still owes; in English or French."""

from __future__ import annotations

from datetime import UTC, date, datetime

from adapters.pdf.document import PartnerContact
from adapters.pdf.receipt import InvoiceNow, render_receipt_pdf
from domain.payments.model import Allocation, MethodType, Payment, PaymentStatus
from domain.portal.settings import PortalSettings
from tests.pdf_reading import ReadPdf

NOW = datetime(2026, 11, 21, 15, 0, tzinfo=UTC)
BRANDING = PortalSettings(support_email="billing@northwind.example")
INVOICES = {
    "inv_a": InvoiceNow("INV-000001", amount_due=0),
    "inv_b": InvoiceNow("INV-000002", amount_due=100_000),
}


def _payment(**overrides: object) -> Payment:
    fields: dict[str, object] = {
        "partner_id": "ptr_1",
        "customer_id": "cus_1",
        "method": MethodType.CARD,
        "currency": "USD",
        "allocations": [Allocation("inv_a", 100_000), Allocation("inv_b", 50_000)],
        "fee": 2_930,
        "created_at": NOW,
        "received_on": date(2026, 12, 1),
        "status": PaymentStatus.SUCCEEDED,
        **overrides,
    }
    return Payment(**fields)  # type: ignore[arg-type]


def _render(payment: Payment, *, language: str = "en", invoices: dict[str, InvoiceNow] = INVOICES) -> ReadPdf:
    return ReadPdf(
        render_receipt_pdf(
            partner=PartnerContact.of("Northwind IT", BRANDING),
            branding=BRANDING,
            customer_name="Acme Dental",
            payment=payment,
            method_label="Visa •••• 4242" if payment.method is MethodType.CARD else "Sandbox Bank •••• 6789",
            invoices=invoices,
            language=language,
        )
    )


def test_a_card_payment_is_paid_and_says_what_each_invoice_still_owes() -> None:
    payment = _payment()
    pdf = _render(payment)
    lines = pdf.text.splitlines()
    assert "PAYMENT RECEIPT" in pdf.text
    for line in (
        f"Transaction ID {payment.transaction_id}",
        "Date December 1, 2026",
        "Status Paid",
        "Method Visa •••• 4242",
        "Amount paid $1,529.30",
        "Applied to This payment Still due",
        "Invoice INV-000001 $1,000.00 Paid",  # paid only where nothing is left to pay
        "Invoice INV-000002 $500.00 $1,000.00",
        "Card fee $29.30",
    ):
        assert line in lines, line
    assert "charged" not in pdf.text.lower() and "Invoices paid" not in pdf.text


def test_a_settled_debit_is_paid_as_a_card_is() -> None:
    payment = _payment(method=MethodType.US_BANK_ACCOUNT, fee=0, status=PaymentStatus.SETTLED)
    pdf = _render(payment)
    assert "Status Paid" in pdf.text and "Settled" not in pdf.text and "Card fee" not in pdf.text
    assert "Amount paid $1,500.00" in pdf.text


def test_a_pending_debit_is_pending_never_charged_or_paid() -> None:
    payment = _payment(method=MethodType.US_BANK_ACCOUNT, fee=0, status=PaymentStatus.PENDING)
    invoices = {
        "inv_a": InvoiceNow("INV-000001", amount_due=0, amount_pending=100_000),
        "inv_b": InvoiceNow("INV-000002", amount_due=100_000, amount_pending=50_000),
    }
    pdf = _render(payment, invoices=invoices)
    lines = pdf.text.splitlines()
    assert "PAYMENT (PENDING)" in pdf.text
    for line in (
        "Status Pending",
        "Amount pending $1,500.00",
        "Invoices it is for This payment Still due",
        "Invoice INV-000001 $1,000.00 Payment pending",
        "Invoice INV-000002 $500.00 $1,000.00",
    ):
        assert line in lines, line
    assert "Amount charged" not in pdf.text and "Invoices paid" not in pdf.text and "Paid" not in pdf.text
    assert "not settled yet" in pdf.text


def test_a_declined_attempt_took_nothing() -> None:
    payment = _payment(status=PaymentStatus.FAILED)
    pdf = _render(payment)
    lines = pdf.text.splitlines()
    assert "PAYMENT ATTEMPT" in pdf.text and "RECEIPT" not in pdf.text
    for line in (
        "Status Failed, not charged",
        "Amount not charged $1,500.00",
        "Invoices it was for This payment Still due",
    ):
        assert line in lines, line
    assert "Card fee" not in pdf.text and "$29.30" not in pdf.text and "$1,529.30" not in pdf.text
    assert "No money was taken" in pdf.text


def test_a_returned_debit_was_for_the_invoices_which_are_due_again() -> None:
    payment = _payment(method=MethodType.US_BANK_ACCOUNT, fee=0, status=PaymentStatus.RETURNED)
    pdf = _render(
        payment, invoices={"inv_a": InvoiceNow("INV-000001", 100_000), "inv_b": InvoiceNow("INV-000002", 150_000)}
    )
    lines = pdf.text.splitlines()
    assert "PAYMENT (RETURNED)" in pdf.text and "RECEIPT" not in pdf.text
    for line in (
        "Status Returned by the bank",
        "Amount returned $1,500.00",
        "Invoices it was for This payment Still due",
        "Invoice INV-000001 $1,000.00 $1,000.00",
    ):
        assert line in lines, line
    assert "Paid" not in pdf.text and "Applied to" not in pdf.text and "due again" in pdf.text


def test_in_french() -> None:
    payment = _payment()
    pdf = _render(payment, language="fr")
    lines = pdf.text.splitlines()
    assert "REÇU DE PAIEMENT" in pdf.text
    for line in (
        f"N° de transaction {payment.transaction_id}",
        "Date 1 décembre 2026",
        "Statut Payé",
        "Moyen de paiement Visa •••• 4242",
        "Montant payé 1 529,30 $ US",
        "Appliqué à Ce paiement Reste à payer",
        "Facture INV-000001 1 000,00 $ US Payée",
        "Facture INV-000002 500,00 $ US 1 000,00 $ US",
        "Frais de carte 29,30 $ US",
    ):
        assert line in lines, line
    assert "Page 1 de 1" in pdf.text and "Paid" not in pdf.text and "Invoice " not in pdf.text
    assert pdf.lang == "fr-CA" and pdf.title == f"Paiement {payment.transaction_id} - Northwind IT"

    debit = _payment(method=MethodType.CA_BANK_ACCOUNT, currency="CAD", fee=0, status=PaymentStatus.PENDING)
    waiting = {"inv_a": InvoiceNow("INV-000001", 0, 100_000), "inv_b": InvoiceNow("INV-000002", 100_000, 50_000)}
    pending = _render(debit, language="fr", invoices=waiting)
    assert "PAIEMENT (EN ATTENTE)" in pending.text
    assert "Statut En attente" in pending.text and "Montant en attente 1 500,00 $" in pending.text
    assert "Factures visées" in pending.text and "Payé" not in pending.text
    assert "Facture INV-000001 1 000,00 $ Paiement en attente" in pending.text


def test_metadata_language_and_tags() -> None:
    payment = _payment()
    pdf = _render(payment)
    assert pdf.text_outside_marked_content() == []
    assert pdf.structure()[:2] == ["H1", "P"] and set(pdf.structure()) == {"H1", "P"}
    assert pdf.lang == "en"
    assert pdf.title == f"Payment {payment.transaction_id} - Northwind IT"
    assert pdf.reader.metadata is not None and pdf.reader.metadata.author == "Northwind IT"
    assert (
        pdf.reader.metadata.subject == f"Payment {payment.transaction_id} from Acme Dental to Northwind IT: $1,529.30"
    )
