"""Paying from the portal: only the customer's own methods and invoices, and a refusal told in words a customer
can act on."""

from __future__ import annotations

from domain.errors import NotFound
from domain.payment_methods.model import PaymentMethod
from domain.payments.model import BANK_DEBITS, MethodType
from domain.ports import PaymentMethodRepository

NOTHING_TAKEN = "Nothing was charged."
# Marks a method given for one payment only ("don't save it"): hidden from the saved list, never auto-charged,
# forgotten once it has been charged.
ADVICE = {
    "card_declined": "Your card was declined. " + NOTHING_TAKEN + " Try another card or a bank account, or ask your "
    "bank why it refused the payment.",
    "insufficient_funds": "Your card was declined for insufficient funds. " + NOTHING_TAKEN + " Try another card or "
    "a bank account.",
    "expired_card": "Your card has expired. " + NOTHING_TAKEN + " Add a current card and try again.",
    "incorrect_cvc": "The card's security code was not accepted. " + NOTHING_TAKEN + " Check it, or use another card.",
    "account_closed": "Your bank says this account is closed, so nothing was debited. Remove it and pay with another "
    "account or a card.",
}


def decline_advice(failure_code: str | None, method: MethodType, processor_message: str | None) -> str:
    """What to tell the customer when a payment is refused: what happened, that nothing was taken, what to do."""
    if failure_code in ADVICE:
        return ADVICE[failure_code]
    what = "Your bank refused the debit" if method in BANK_DEBITS else "The payment did not go through"
    reason = f" ({processor_message.rstrip('.')})" if processor_message else ""
    return f"{what}{reason}. {NOTHING_TAKEN} Try again, or use another payment method."


async def method_of(methods: PaymentMethodRepository, method_id: str, customer_id: str) -> PaymentMethod:
    """One of the customer's saved methods; another customer's, or one removed, is simply not there."""
    method = await methods.get(method_id)
    if method.customer_id != customer_id or not method.usable:
        raise NotFound("payment method", method_id)
    return method


def mark_one_off(method: PaymentMethod) -> None:
    """A method the payer chose not to keep: usable by id for its one payment, listed nowhere as saved."""
    method.one_off = True
    method.is_default = False


def is_one_off(method: PaymentMethod) -> bool:
    return method.one_off
