"""SandboxBankConnector: instant bank connection, where `public-sandbox-<account number>` links a test account."""

from __future__ import annotations

import secrets

from adapters.processors.sandbox import test_numbers as numbers
from adapters.processors.sandbox.processor import SandboxProcessor
from domain.errors import ErrorCode, InvalidRequest
from domain.payments.processing import BankLink

PUBLIC_TOKEN_PREFIX = "public-sandbox-"
HOLDER_NAME = "Sandbox Account Holder"


class SandboxBankConnector:
    def __init__(self, processor: SandboxProcessor) -> None:
        self._processor = processor

    async def create_link_token(self, *, account: str, customer_id: str) -> str:
        return f"link-sandbox-{secrets.token_hex(16)}"

    async def exchange(self, *, account: str, public_token: str) -> BankLink:
        number = public_token.removeprefix(PUBLIC_TOKEN_PREFIX)
        if not public_token.startswith(PUBLIC_TOKEN_PREFIX) or number not in numbers.BANK_ACCOUNTS:
            listing = ", ".join(PUBLIC_TOKEN_PREFIX + n for n in numbers.BANK_ACCOUNTS)
            raise InvalidRequest(
                f"Not a sandbox public token; use one of: {listing}.",
                code=ErrorCode.INVALID_PUBLIC_TOKEN,
                field="public_token",
            )
        token = await self._processor.tokenize(
            {
                "type": "us_bank_account",
                "routing_number": numbers.US_ROUTING_NUMBER,
                "account_number": number,
                "account_holder_name": HOLDER_NAME,
            }
        )
        details = token["us_bank_account"]
        return BankLink(token=token["id"], institution_name=details["bank_name"], last4=details["last4"], raw=token)
