"""A payment's status in the words its payer reads, the same on every screen, receipt and email, in both languages.

The API keeps the processor's distinctions (a card `succeeded`, a bank debit `settled`); a payer only needs to know
whether the money was taken, is on its way, or was not taken at all:

| API status                | standing        | money taken? |
|---------------------------|-----------------|--------------|
| processing                | `processing`    | not yet      |
| pending                   | `pending`       | on its way   |
| succeeded, settled        | `paid`          | yes          |
| failed                    | `not_charged`   | no           |
| returned                  | `returned`      | no (given back by the bank) |
| canceled                  | `canceled`      | no           |
| partially_refunded        | `partly_refunded` | yes, part given back |
| refunded                  | `refunded`      | given back   |
| disputed                  | `disputed`      | yes, contested |
"""

from __future__ import annotations

from enum import StrEnum

from domain.payments.model import PaymentStatus


class PaymentStanding(StrEnum):
    PROCESSING = "processing"
    PENDING = "pending"
    PAID = "paid"
    NOT_CHARGED = "not_charged"
    RETURNED = "returned"
    CANCELED = "canceled"
    PARTLY_REFUNDED = "partly_refunded"
    REFUNDED = "refunded"
    DISPUTED = "disputed"


_STANDINGS = {
    PaymentStatus.PROCESSING: PaymentStanding.PROCESSING,
    PaymentStatus.PENDING: PaymentStanding.PENDING,
    PaymentStatus.SUCCEEDED: PaymentStanding.PAID,
    PaymentStatus.SETTLED: PaymentStanding.PAID,
    PaymentStatus.FAILED: PaymentStanding.NOT_CHARGED,
    PaymentStatus.RETURNED: PaymentStanding.RETURNED,
    PaymentStatus.CANCELED: PaymentStanding.CANCELED,
    PaymentStatus.PARTIALLY_REFUNDED: PaymentStanding.PARTLY_REFUNDED,
    PaymentStatus.REFUNDED: PaymentStanding.REFUNDED,
    PaymentStatus.DISPUTED: PaymentStanding.DISPUTED,
}

# Standings under which no money moved: listed as secondary, with no fee and no "paid" amounts.
NOTHING_TAKEN = frozenset({PaymentStanding.NOT_CHARGED, PaymentStanding.CANCELED})


def payment_standing(status: PaymentStatus) -> PaymentStanding:
    return _STANDINGS[status]


# The portal's messages (web-portal/src/payments/messages.ts) use the same words; tests/unit/test_status_vocabulary.py
# holds them together.
PAYMENT_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "processing": "Processing",
        "pending": "Pending",
        "paid": "Paid",
        "not_charged": "Failed, not charged",
        "returned": "Returned by the bank",
        "canceled": "Canceled",
        "partly_refunded": "Partly refunded",
        "refunded": "Refunded",
        "disputed": "Disputed",
    },
    "fr": {
        "processing": "En traitement",
        "pending": "En attente",
        "paid": "Payé",
        "not_charged": "Échoué, non débité",
        "returned": "Retourné par la banque",
        "canceled": "Annulé",
        "partly_refunded": "Remboursé en partie",
        "refunded": "Remboursé",
        "disputed": "Contesté",
    },
}


def payment_words(status: PaymentStatus, language: str = "en") -> str:
    return PAYMENT_WORDS.get(language, PAYMENT_WORDS["en"])[payment_standing(status).value]
