"""A saved method is a processor token plus what a person needs to recognise it; never a full number."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from domain.ids import new_id
from domain.payments.model import BANK_DEBITS, MethodType
from domain.payments.processing import Funding, MethodDetails

# The debit authorization texts customers accept, in each language the portal speaks; the version and the
# language are stored with every mandate. Canadian PADs are also agreed in French (Payments Canada Rule H1).
MANDATE_LANGUAGES = ("en", "fr")
MANDATE_TEXTS: dict[MethodType, tuple[str, dict[str, str]]] = {
    MethodType.US_BANK_ACCOUNT: (
        "ach-2026-11",
        {
            "en": "I authorize {partner} to debit the bank account above for the amounts I approve, by ACH, and if "
            "necessary to credit it to correct an erroneous debit. I can revoke this authorization at any time "
            "by notifying {partner}.",
            "fr": "J'autorise {partner} à débiter le compte bancaire ci-dessus des montants que j'approuve, par ACH, "
            "et au besoin à le créditer pour corriger un débit erroné. Je peux révoquer cette autorisation en tout "
            "temps en avisant {partner}.",
        },
    ),
    MethodType.CA_BANK_ACCOUNT: (
        "pad-2026-11",
        {
            "en": "Business PAD agreement: I authorize {partner} to debit the account above for the amounts I "
            "approve. I waive pre-notification of each debit except as the rules require, and I may cancel this "
            "agreement with 30 days' notice. I have recourse rights if a debit does not comply with this "
            "agreement; for more information, contact my financial institution or visit www.payments.ca.",
            "fr": "Accord de DPA d'entreprise : j'autorise {partner} à débiter le compte ci-dessus des montants que "
            "j'approuve. Je renonce au préavis de chaque débit, sauf lorsque les règles l'exigent, et je peux "
            "annuler cet accord moyennant un préavis de 30 jours. J'ai des droits de recours si un débit n'est pas "
            "conforme au présent accord; pour en savoir plus, je communique avec mon institution financière ou je "
            "visite www.paiements.ca.",
        },
    ),
}


def mandate_text(kind: MethodType, partner: str, language: str = "en") -> str:
    """The authorization as shown to the customer, in `language` (English when it has no such translation)."""
    texts = MANDATE_TEXTS[kind][1]
    return texts.get(language, texts["en"]).format(partner=partner)


@dataclass(frozen=True, slots=True)
class Mandate:
    """The customer's authorization to debit a bank account: which text, when, from where."""

    text_version: str
    accepted_at: datetime
    ip_address: str
    user_agent: str | None = None
    category: str = "business"  # PAD category; B2B debits are business PADs
    language: str = "en"  # the language of the text the customer accepted

    def as_dict(self) -> dict[str, Any]:
        return {
            "text_version": self.text_version,
            "language": self.language,
            "accepted_at": self.accepted_at.isoformat(),
            "ip_address": self.ip_address,
            "user_agent": self.user_agent,
            "category": self.category,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Mandate:
        return cls(
            text_version=data["text_version"],
            accepted_at=datetime.fromisoformat(data["accepted_at"]),
            ip_address=data["ip_address"],
            user_agent=data.get("user_agent"),
            category=data.get("category", "business"),
            language=data.get("language", "en"),
        )


ONE_OFF_REFUSAL = "Given for one payment only; not saved, not for automatic charges."


@dataclass(slots=True)
class PaymentMethod:
    partner_id: str
    customer_id: str
    type: MethodType
    processor: str
    processor_method_id: str
    last4: str
    country: str
    created_at: datetime
    brand: str | None = None
    bank_name: str | None = None
    exp_month: int | None = None
    exp_year: int | None = None
    funding: Funding | None = None
    fingerprint: str | None = None
    is_default: bool = False
    autopay_blocked_reason: str | None = None
    # Given for one payment (a guest's card, or one the payer chose not to keep): listed nowhere as saved, never a
    # default, never charged automatically, forgotten once charged.
    one_off: bool = False
    mandate: Mandate | None = None
    detached_at: datetime | None = None
    id: str = field(default_factory=lambda: new_id("pm"))

    @classmethod
    def from_details(
        cls, details: MethodDetails, *, partner_id: str, customer_id: str, processor: str, at: datetime
    ) -> PaymentMethod:
        return cls(
            partner_id=partner_id,
            customer_id=customer_id,
            type=details.type,
            processor=processor,
            processor_method_id=details.processor_method_id,
            last4=details.last4,
            country=details.country,
            brand=details.brand,
            bank_name=details.bank_name,
            exp_month=details.exp_month,
            exp_year=details.exp_year,
            funding=details.funding,
            fingerprint=details.fingerprint,
            created_at=at,
        )

    @property
    def is_bank_debit(self) -> bool:
        return self.type in BANK_DEBITS

    @property
    def usable(self) -> bool:
        return self.detached_at is None

    @property
    def autopay_refusal(self) -> str | None:
        """Why automatic charges may not use this method, or None when they may."""
        if self.one_off:
            return ONE_OFF_REFUSAL
        return self.autopay_blocked_reason

    def forget(self, at: datetime) -> None:
        """A one-off method leaves the customer's list once its payment is made: it cannot be charged again."""
        self.detached_at = at
        self.is_default = False

    def expired(self, year: int, month: int) -> bool:
        if self.exp_year is None or self.exp_month is None:
            return False
        return (self.exp_year, self.exp_month) < (year, month)
