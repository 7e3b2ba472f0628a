"""Where an invoice stands, in the one vocabulary every customer-facing surface uses: the portal's list and detail,
the invoice PDF, the emails, in English and French.

The API's `status` is the ledger's view (`partially_paid` as soon as any money is applied or on its way). A customer
needs another cut: money on its way is *pending*, never *paid*; an overdue invoice that was partly paid is both.
So the standing is one primary word plus qualifiers:

| API status / figures                                   | standing         | qualifiers                        |
|--------------------------------------------------------|------------------|-----------------------------------|
| paid                                                   | `paid`           |                                   |
| void                                                   | `void`           |                                   |
| archived                                               | `archived`       |                                   |
| written_off (nothing due, some given up as bad debt)   | `written_off`    |                                   |
| open or partially_paid, nothing due, some pending      | `payment_pending`|                                   |
| open or partially_paid, due > 0, past its due date     | `overdue`        | `partly_paid` if settled > 0,     |
|                                                        |                  | `pending` if some is on its way   |
| open or partially_paid, due > 0, settled > 0           | `partly_paid`    | `pending` if some is on its way   |
| open or partially_paid, due > 0, nothing settled       | `open`           | `pending` if some is on its way   |
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from domain.invoices.model import InvoiceStatus
from domain.ledger.balances import InvoiceBalance


class Standing(StrEnum):
    OPEN = "open"
    PARTLY_PAID = "partly_paid"
    OVERDUE = "overdue"
    PAYMENT_PENDING = "payment_pending"
    PAID = "paid"
    VOID = "void"
    ARCHIVED = "archived"
    DRAFT = "draft"
    WRITTEN_OFF = "written_off"


class Qualifier(StrEnum):
    PARTLY_PAID = "partly_paid"  # some money has been received, some is still due
    PENDING = "pending"  # some money is on its way (a bank debit not settled yet)


@dataclass(frozen=True, slots=True)
class InvoiceStanding:
    standing: Standing
    qualifiers: tuple[Qualifier, ...] = ()

    def words(self, language: str = "en") -> str:
        """`Overdue · Partly paid` / `En retard · Payée en partie`: the status line of a PDF or an email."""
        labels = STANDING_WORDS.get(language, STANDING_WORDS["en"])
        parts = [labels[self.standing.value]] + [labels[f"+{q.value}"] for q in self.qualifiers]
        return " · ".join(parts)


_FIXED = {
    InvoiceStatus.PAID: Standing.PAID,
    InvoiceStatus.VOID: Standing.VOID,
    InvoiceStatus.ARCHIVED: Standing.ARCHIVED,
    InvoiceStatus.DRAFT: Standing.DRAFT,
    InvoiceStatus.WRITTEN_OFF: Standing.WRITTEN_OFF,
}


def standing_of(status: InvoiceStatus, balance: InvoiceBalance, *, due_date: date, today: date) -> InvoiceStanding:
    if status in _FIXED:
        return InvoiceStanding(_FIXED[status])
    pending = (Qualifier.PENDING,) if balance.amount_pending > 0 else ()
    if balance.amount_due <= 0:
        return InvoiceStanding(Standing.PAYMENT_PENDING if balance.amount_pending > 0 else Standing.PAID)
    if due_date < today:
        partly = (Qualifier.PARTLY_PAID,) if balance.amount_paid > 0 else ()
        return InvoiceStanding(Standing.OVERDUE, partly + pending)
    if balance.amount_paid > 0:
        return InvoiceStanding(Standing.PARTLY_PAID, pending)
    return InvoiceStanding(Standing.OPEN, pending)


# Keys are Standing values; "+<qualifier>" keys are the words a qualifier adds after the primary word. The portal's
# messages (web-portal/src/invoices/messages.ts) use the same words; tests/unit/test_status_vocabulary.py holds them
# together.
STANDING_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "open": "Due",
        "partly_paid": "Partly paid",
        "overdue": "Overdue",
        "payment_pending": "Payment pending",
        "paid": "Paid",
        "void": "Void",
        "archived": "Archived",
        "draft": "Draft",
        "written_off": "Written off",
        "+partly_paid": "Partly paid",
        "+pending": "Payment pending",
    },
    "fr": {
        "open": "À payer",
        "partly_paid": "Payée en partie",
        "overdue": "En retard",
        "payment_pending": "Paiement en attente",
        "paid": "Payée",
        "void": "Annulée",
        "archived": "Archivée",
        "draft": "Brouillon",
        "written_off": "Radiée",
        "+partly_paid": "Payée en partie",
        "+pending": "Paiement en attente",
    },
}
