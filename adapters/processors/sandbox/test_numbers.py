"""The published sandbox test cards and bank accounts, and how each behaves."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from domain.payments.processing import not_a_test_number


class Behavior(StrEnum):
    SUCCEED = "succeed"
    DECLINE = "decline"
    INSUFFICIENT_FUNDS = "insufficient_funds"
    DISPUTE = "dispute"  # succeeds, then the cardholder disputes it the next day
    SETTLE = "settle"
    SETTLE_THEN_RETURN_R01 = "settle_then_return_r01"
    RETURN_R02 = "return_r02"  # returned at settlement instead of settling
    ACCOUNT_CLOSED = "account_closed"  # refused at submission


@dataclass(frozen=True, slots=True)
class SandboxCard:
    number: str
    brand: str
    funding: str
    behavior: Behavior
    outcome: str  # for people, in the refusal message


@dataclass(frozen=True, slots=True)
class SandboxBankAccount:
    number: str
    behavior: Behavior
    outcome: str


CARDS = {
    card.number: card
    for card in (
        SandboxCard("4242424242424242", "visa", "credit", Behavior.SUCCEED, "succeeds"),
        SandboxCard("4000056655665556", "visa", "debit", Behavior.SUCCEED, "succeeds"),
        SandboxCard("5555555555554444", "mastercard", "credit", Behavior.SUCCEED, "succeeds"),
        SandboxCard("378282246310005", "amex", "credit", Behavior.SUCCEED, "succeeds"),
        SandboxCard("4000000000000002", "visa", "credit", Behavior.DECLINE, "declined"),
        SandboxCard("4000000000009995", "visa", "credit", Behavior.INSUFFICIENT_FUNDS, "declined, insufficient funds"),
        SandboxCard("4000000000000259", "visa", "credit", Behavior.DISPUTE, "succeeds, then a dispute opens"),
    )
}

BANK_ACCOUNTS = {
    account.number: account
    for account in (
        SandboxBankAccount("000123456789", Behavior.SETTLE, "settles"),
        SandboxBankAccount("000111111116", Behavior.SETTLE_THEN_RETURN_R01, "settles, then returns R01"),
        SandboxBankAccount("000111111113", Behavior.RETURN_R02, "returns R02"),
        SandboxBankAccount("000222222227", Behavior.ACCOUNT_CLOSED, "fails: account closed"),
    )
}

US_ROUTING_NUMBER = "110000000"
CA_INSTITUTION_NUMBER = "000"
CA_TRANSIT_NUMBER = "11000"
US_BANK_NAME = "Sandbox Bank (US)"
CA_BANK_NAME = "Sandbox Bank (Canada)"

# Behaviour -> (failure_code, failure_message) for charges refused at once.
REFUSALS = {
    Behavior.DECLINE: ("card_declined", "The card was declined."),
    Behavior.INSUFFICIENT_FUNDS: ("insufficient_funds", "The card has insufficient funds."),
    Behavior.ACCOUNT_CLOSED: ("account_closed", "The bank account is closed."),
}


def digits(value: str) -> str:
    """Numbers as people type them: spaces and dashes are ignored."""
    return value.replace(" ", "").replace("-", "")


def card(number: str) -> SandboxCard:
    found = CARDS.get(digits(number))
    if found is None:
        # Never echo the number: someone may have typed a real card.
        listing = "; ".join(f"{c.number} ({c.brand} {c.funding}, {c.outcome})" for c in CARDS.values())
        raise not_a_test_number(f"The sandbox accepts only its published test cards: {listing}.")
    return found


def bank_account(number: str) -> SandboxBankAccount:
    found = BANK_ACCOUNTS.get(digits(number))
    if found is None:
        listing = "; ".join(f"{a.number} ({a.outcome})" for a in BANK_ACCOUNTS.values())
        raise not_a_test_number(f"The sandbox accepts only its published test bank accounts: {listing}.")
    return found


def us_routing(routing_number: str) -> str:
    if digits(routing_number) != US_ROUTING_NUMBER:
        raise not_a_test_number(f"The sandbox's only US routing number is {US_ROUTING_NUMBER}.")
    return US_ROUTING_NUMBER


def ca_branch(institution_number: str, transit_number: str) -> tuple[str, str]:
    if (digits(institution_number), digits(transit_number)) != (CA_INSTITUTION_NUMBER, CA_TRANSIT_NUMBER):
        raise not_a_test_number(
            f"The sandbox's only Canadian branch is institution {CA_INSTITUTION_NUMBER}, transit {CA_TRANSIT_NUMBER}."
        )
    return CA_INSTITUTION_NUMBER, CA_TRANSIT_NUMBER


def cvc_length(brand: str) -> int:
    return 4 if brand == "amex" else 3
