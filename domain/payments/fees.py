"""The card fee a partner passes on to its customer: a network-compliant surcharge, computed in integers."""

from __future__ import annotations

from dataclasses import dataclass

from domain.payments.model import MethodType
from domain.payments.processing import Funding
from domain.payments.settings import PaymentSettings


@dataclass(frozen=True, slots=True)
class FeeContext:
    method: MethodType
    brand: str | None = None
    funding: Funding | None = None
    customer_exempt: bool = False


def _bps_of(amount: int, bps: int) -> int:
    """amount * bps / 10 000, rounded half up, in integers."""
    return (amount * bps + 5_000) // 10_000


@dataclass(frozen=True, slots=True)
class FeeBasis:
    """The rate a card fee is computed from, so the payer can be told why ("2.9% + $0.30")."""

    bps: int
    fixed: int
    cap_bps: int


def fee_basis(ctx: FeeContext, settings: PaymentSettings) -> FeeBasis | None:
    """The rate that applies to this method, or None when it is never surcharged."""
    if not settings.card_fee_pass_through or ctx.customer_exempt:
        return None
    if ctx.method is not MethodType.CARD or ctx.funding is not Funding.CREDIT:
        return None  # card networks forbid surcharging debit and prepaid cards; banks are never surcharged
    if ctx.brand == "amex":
        return FeeBasis(settings.amex_fee_bps, settings.amex_fee_fixed, settings.card_fee_cap_bps)
    return FeeBasis(settings.card_fee_bps, settings.card_fee_fixed, settings.card_fee_cap_bps)


def card_fee(amount: int, ctx: FeeContext, settings: PaymentSettings) -> int:
    """The surcharge on `amount` (what goes to the invoices). Zero for anything but a credit card, for exempt
    customers, and when the partner absorbs fees; never above the cap share of the amount."""
    basis = fee_basis(ctx, settings)
    if amount <= 0 or basis is None:
        return 0
    fee = _bps_of(amount, basis.bps) + basis.fixed
    return min(fee, amount * basis.cap_bps // 10_000)
