"""Every word the invoice and receipt PDFs print, in English and French (dates: `domain.written_dates`).

Statuses are not here: they come from the one vocabulary every screen and email uses (`domain.invoices.standing`,
`domain.payments.standing`). Amounts come from `domain.money.display_amount`, as the portal shows them.
"""

from __future__ import annotations

from domain.money import LANGUAGES

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "invoice_title": "INVOICE",
        "from": "FROM",
        "bill_to": "BILL TO",
        "email": "Email",
        "phone": "Phone",
        "web": "Web",
        "invoice": "Invoice",
        "issued": "Issued",
        "due": "Due",
        "status": "Status",
        "description": "Description",
        "quantity": "Quantity",
        "unit_price": "Unit price",
        "amount": "Amount",
        "total": "Total",
        "paid": "Paid",
        "pending_total": "Pending (bank debits not yet settled)",
        "amount_due": "Amount due",
        "how_to_pay": "How to pay",
        "pay_online": "Pay {amount} online at this address, or scan the QR code with your phone's camera:",
        "pay_signed_in": "Pay {amount} online: sign in to your account at this address, or scan the QR code:",
        "qr_alt": "QR code that opens {url}, where invoice {number} can be paid",
        "payments_applied": "Payments applied",
        "date": "Date",
        "method": "Method",
        "memo": "Memo",
        "voided": "This invoice was voided",
        "nothing_owed": "Nothing is owed on it.",
        "contact": "Questions? Contact {name} at {ways}.",
        "or": " or ",
        "page": "Page {page} of {pages}",
        "invoice_doc_title": "Invoice {number} - {partner}",
        "invoice_subject": "Invoice {number} from {partner} to {customer}",
        "subject_due": ": {due} due by {due_date}",
        "receipt_title": "PAYMENT RECEIPT",
        "pending_title": "PAYMENT (PENDING)",
        "attempt_title": "PAYMENT ATTEMPT",
        "returned_title": "PAYMENT (RETURNED)",
        "received_from": "FROM",
        "transaction_id": "Transaction ID",
        "amount_paid": "Amount paid",
        "amount_pending": "Amount pending",
        "amount_not_charged": "Amount not charged",
        "amount_returned": "Amount returned",
        "reference": "Reference",
        "applied_to": "Applied to",
        "invoices_it_is_for": "Invoices it is for",
        "invoices_it_was_for": "Invoices it was for",
        "this_payment": "This payment",
        "still_due": "Still due",
        "invoice_number": "Invoice {number}",
        "card_fee": "Card fee",
        "pending_note": (
            "This bank debit has been submitted and is not settled yet. It normally clears within a few business "
            "days; until then the invoices above show it as pending."
        ),
        "processing_note": "This payment has not been confirmed yet; the invoices above show it as pending.",
        "not_charged_note": "No money was taken: the invoices above still have the amounts shown as due.",
        "returned_note": "The bank returned this debit: the money went back and the invoices are due again.",
        "receipt_doc_title": "Payment {transaction} - {partner}",
        "receipt_subject": "Payment {transaction} from {customer} to {partner}: {amount}",
    },
    "fr": {
        "invoice_title": "FACTURE",
        "from": "DE",
        "bill_to": "FACTURER À",
        "email": "Courriel",
        "phone": "Téléphone",
        "web": "Site Web",
        "invoice": "Facture",
        "issued": "Émise le",
        "due": "Échéance",
        "status": "Statut",
        "description": "Description",
        "quantity": "Quantité",
        "unit_price": "Prix unitaire",
        "amount": "Montant",
        "total": "Total",
        "paid": "Payé",
        "pending_total": "En attente (prélèvements pas encore réglés)",
        "amount_due": "Montant dû",
        "how_to_pay": "Comment payer",
        "pay_online": (
            "Payez {amount} en ligne à cette adresse, ou balayez le code QR avec l'appareil photo de votre téléphone :"
        ),
        "pay_signed_in": (
            "Payez {amount} en ligne : connectez-vous à votre compte à cette adresse, ou balayez le code QR :"
        ),
        "qr_alt": "Code QR qui ouvre {url}, où la facture {number} peut être payée",
        "payments_applied": "Paiements appliqués",
        "date": "Date",
        "method": "Moyen de paiement",
        "memo": "Note",
        "voided": "Cette facture a été annulée",
        "nothing_owed": "Rien n'est dû sur cette facture.",
        "contact": "Des questions? Communiquez avec {name} : {ways}.",
        "or": " ou ",
        "page": "Page {page} de {pages}",
        "invoice_doc_title": "Facture {number} - {partner}",
        "invoice_subject": "Facture {number} de {partner} à {customer}",
        "subject_due": " : {due} à payer d'ici le {due_date}",
        "receipt_title": "REÇU DE PAIEMENT",
        "pending_title": "PAIEMENT (EN ATTENTE)",
        "attempt_title": "TENTATIVE DE PAIEMENT",
        "returned_title": "PAIEMENT (RETOURNÉ)",
        "received_from": "DE",
        "transaction_id": "N° de transaction",
        "amount_paid": "Montant payé",
        "amount_pending": "Montant en attente",
        "amount_not_charged": "Montant non débité",
        "amount_returned": "Montant retourné",
        "reference": "Référence",
        "applied_to": "Appliqué à",
        "invoices_it_is_for": "Factures visées",
        "invoices_it_was_for": "Factures visées",
        "this_payment": "Ce paiement",
        "still_due": "Reste à payer",
        "invoice_number": "Facture {number}",
        "card_fee": "Frais de carte",
        "pending_note": (
            "Ce prélèvement bancaire a été soumis et n'est pas encore réglé. Il l'est normalement en quelques jours "
            "ouvrables; d'ici là, les factures ci-dessus l'indiquent comme en attente."
        ),
        "processing_note": (
            "Ce paiement n'est pas encore confirmé; les factures ci-dessus l'indiquent comme en attente."
        ),
        "not_charged_note": "Aucun montant n'a été débité : les factures ci-dessus restent dues comme indiqué.",
        "returned_note": (
            "La banque a retourné ce prélèvement : l'argent a été rendu et les factures sont de nouveau dues."
        ),
        "receipt_doc_title": "Paiement {transaction} - {partner}",
        "receipt_subject": "Paiement {transaction} de {customer} à {partner} : {amount}",
    },
}

# The document's natural language, as a PDF reader (and a screen reader) is told it.
PDF_LANG = {"en": "en", "fr": "fr-CA"}


def words(language: str) -> dict[str, str]:
    return WORDS[language if language in LANGUAGES else "en"]
