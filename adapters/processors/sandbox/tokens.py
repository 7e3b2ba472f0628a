"""Card and bank details read into a sandbox method: test numbers only, validated, never kept whole."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from datetime import date
from typing import Any

from adapters.processors.sandbox import test_numbers as numbers
from domain.errors import ErrorCode, InvalidRequest

METHOD_TYPES = ("card", "us_bank_account", "ca_bank_account")
ACCOUNT_TYPES = ("checking", "savings")  # ACH debits a checking and a savings account with different codes


def method_values(details: Mapping[str, Any], *, today: date, secret: str) -> dict[str, Any]:
    """The columns of a new sandbox method (without id and timestamps)."""
    kind = details.get("type")
    if kind == "card":
        return _card(details, today=today, secret=secret)
    if kind == "us_bank_account":
        routing = numbers.us_routing(_text(details, "routing_number"))
        return _bank(details, branch=routing, kind=kind, secret=secret)
    if kind == "ca_bank_account":
        institution, transit = numbers.ca_branch(_text(details, "institution_number"), _text(details, "transit_number"))
        return _bank(details, branch=institution + transit, kind=kind, secret=secret)
    raise InvalidRequest(
        f"type must be one of: {', '.join(METHOD_TYPES)}.", code=ErrorCode.INVALID_METHOD_TYPE, field="type"
    )


def token_object(values: Mapping[str, Any], *, token_id: str, created: int) -> dict[str, Any]:
    """The token as the endpoint answers it, shaped like Stripe's."""
    kind = values["type"]
    out: dict[str, Any] = {"id": token_id, "object": "token", "type": kind, "created": created}
    if kind == "card":
        out["card"] = {key: values[key] for key in ("brand", "last4", "exp_month", "exp_year", "funding", "country")}
    elif kind == "us_bank_account":
        out[kind] = {
            "bank_name": values["bank_name"],
            "last4": values["last4"],
            "routing_number": numbers.US_ROUTING_NUMBER,
            "account_type": values["account_type"],
        }
    else:
        out[kind] = {
            "bank_name": values["bank_name"],
            "last4": values["last4"],
            "institution_number": numbers.CA_INSTITUTION_NUMBER,
            "transit_number": numbers.CA_TRANSIT_NUMBER,
        }
    return out


def fingerprint(secret: str, full_number: str) -> str:
    return hmac.new(secret.encode(), full_number.encode(), hashlib.sha256).hexdigest()[:32]


def _card(details: Mapping[str, Any], *, today: date, secret: str) -> dict[str, Any]:
    card = numbers.card(_text(details, "number"))
    exp_month = _integer(details, "exp_month")
    exp_year = _integer(details, "exp_year")
    if not 1 <= exp_month <= 12:
        raise InvalidRequest(
            "exp_month must be between 1 and 12.", code=ErrorCode.INVALID_EXPIRY_MONTH, field="exp_month"
        )
    if (exp_year, exp_month) < (today.year, today.month):
        raise InvalidRequest("The card has expired.", code=ErrorCode.EXPIRED_CARD, field="exp_year")
    if exp_year > today.year + 50:
        raise InvalidRequest("exp_year is too far in the future.", code=ErrorCode.INVALID_EXPIRY_YEAR, field="exp_year")
    cvc = _text(details, "cvc")
    length = numbers.cvc_length(card.brand)
    if len(cvc) != length or not cvc.isascii() or not cvc.isdigit():
        raise InvalidRequest(f"cvc must be {length} digits for this card.", code=ErrorCode.INVALID_CVC, field="cvc")
    return {
        "type": "card",
        "behavior": card.behavior.value,
        "brand": card.brand,
        "funding": card.funding,
        "last4": card.number[-4:],
        "exp_month": exp_month,
        "exp_year": exp_year,
        "bank_name": None,
        "account_type": None,
        "country": "US",
        "fingerprint": fingerprint(secret, card.number),
    }


def _bank(details: Mapping[str, Any], *, branch: str, kind: str, secret: str) -> dict[str, Any]:
    account = numbers.bank_account(_text(details, "account_number"))
    if not _text(details, "account_holder_name").strip():
        raise InvalidRequest(
            "account_holder_name must not be empty.",
            code=ErrorCode.INVALID_ACCOUNT_HOLDER_NAME,
            field="account_holder_name",
        )
    us = kind == "us_bank_account"
    return {
        "type": kind,
        "behavior": account.behavior.value,
        "brand": None,
        "funding": None,
        "account_type": _account_type(details) if us else None,
        "last4": account.number[-4:],
        "exp_month": None,
        "exp_year": None,
        "bank_name": numbers.US_BANK_NAME if us else numbers.CA_BANK_NAME,
        "country": "US" if us else "CA",
        # The same account number at another branch is another account.
        "fingerprint": fingerprint(secret, branch + account.number),
    }


def _account_type(details: Mapping[str, Any]) -> str:
    value = details.get("account_type", "checking")
    if value not in ACCOUNT_TYPES:
        raise InvalidRequest(
            f"account_type must be one of: {', '.join(ACCOUNT_TYPES)}.",
            code=ErrorCode.INVALID_ACCOUNT_TYPE,
            field="account_type",
        )
    return str(value)


def _text(details: Mapping[str, Any], name: str) -> str:
    value = details.get(name)
    if not isinstance(value, str):
        raise InvalidRequest(f"{name} is required and must be a string.", code=ErrorCode.MISSING_FIELD, field=name)
    return value


def _integer(details: Mapping[str, Any], name: str) -> int:
    value = details.get(name)
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidRequest(f"{name} is required and must be an integer.", code=ErrorCode.MISSING_FIELD, field=name)
    return value
