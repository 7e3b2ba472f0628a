"""How payments are named to the people who made them: "Visa •••• 4242", "Check", what a bank return code means."""

from __future__ import annotations

from domain.payments.model import BANK_DEBITS, MethodType

OFFLINE_LABELS = {
    MethodType.CHECK: "Check",
    MethodType.CASH: "Cash",
    MethodType.BANK_TRANSFER: "Bank transfer",
    MethodType.OTHER: "Other",
}
# The same in French, for emails and PDFs (the portal has them in web-portal/src/payments/methodLabel.ts).
FRENCH_OFFLINE_LABELS = {
    MethodType.CHECK: "Chèque",
    MethodType.CASH: "Comptant",
    MethodType.BANK_TRANSFER: "Virement bancaire",
    MethodType.OTHER: "Autre",
}
CARD_BRANDS = {
    "visa": "Visa",
    "mastercard": "Mastercard",
    "amex": "American Express",
    "discover": "Discover",
    "diners": "Diners Club",
    "jcb": "JCB",
    "unionpay": "UnionPay",
}
# Business days a debit takes to clear, as told to the customer (the network's days plus a margin).
DEBIT_BUSINESS_DAYS = {MethodType.US_BANK_ACCOUNT: 4, MethodType.CA_BANK_ACCOUNT: 5}

# ACH return codes in words a customer can act on.
RETURN_REASONS = {
    "R01": "The account did not have enough funds.",
    "R02": "The bank account is closed.",
    "R03": "The bank found no account with these details.",
    "R04": "The account number is not valid.",
    "R05": "The bank refused a business debit on this account.",
    "R07": "The account holder withdrew the authorization for this debit.",
    "R08": "The account holder stopped this payment.",
    "R09": "The funds in the account were not available yet.",
    "R10": "The account holder told the bank this debit was not authorized.",
    "R11": "The account holder told the bank this debit did not match what was authorized.",
    "R16": "The account is frozen.",
    "R20": "The account does not allow debits.",
    "R29": "The business that owns the account told the bank this debit was not authorized.",
}


def method_label(
    method: MethodType | str, *, brand: str | None = None, bank_name: str | None = None, last4: str | None = None
) -> str:
    """`Visa •••• 4242`, `Sandbox Bank (US) •••• 6789`, `Check`."""
    kind = MethodType(method)
    if kind in OFFLINE_LABELS:
        return OFFLINE_LABELS[kind]
    if kind is MethodType.CARD:
        name = CARD_BRANDS.get((brand or "").lower(), brand.title() if brand else "Card")
    else:
        name = bank_name or "Bank account"
    return f"{name} •••• {last4}" if last4 else name


def return_reason(code: str | None, fallback: str | None = None) -> str:
    if code and code in RETURN_REASONS:
        return RETURN_REASONS[code]
    return fallback or "Your bank did not pay the debit."


def is_bank_debit(method: MethodType | str) -> bool:
    return MethodType(method) in BANK_DEBITS


def offline_label(method: MethodType, language: str = "en") -> str | None:
    """`Chèque` for a check the partner recorded, read in French; None for card and bank payments."""
    return (FRENCH_OFFLINE_LABELS if language == "fr" else OFFLINE_LABELS).get(method)
