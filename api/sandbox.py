"""/sandbox/v1/tokens: the sandbox's public tokenizer, the stand-in for a processor's browser library."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Request
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from api.auth import RateLimited
from api.errors import problem, problems
from api.rate_limit import TokenBuckets
from api.trusted_proxies import client_ip
from api.v1.fields import RequestModel
from domain.errors import ErrorCode

router = APIRouter(prefix="/sandbox/v1", tags=["sandbox"])

RATE_PER_SECOND = 10
BURST = 30
# Kept on app.state (created on first use), so each app has its own budget per client address.
BUCKETS_ATTRIBUTE = "sandbox_token_buckets"

Number = Annotated[str, StringConstraints(min_length=1, max_length=32)]
ShortDigits = Annotated[str, StringConstraints(min_length=1, max_length=16)]
StrictInt = Annotated[int, Field(strict=True)]


class SandboxCardIn(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"type": "card", "number": "4242 4242 4242 4242", "exp_month": 12, "exp_year": 2030, "cvc": "123"}
            ]
        }
    )
    type: Literal["card"]
    number: Number = Field(description="A published test card number; spaces and dashes are ignored.")
    exp_month: StrictInt = Field(description="1 to 12.")
    exp_year: StrictInt = Field(description="Four digits; not in the past.")
    cvc: Annotated[str, StringConstraints(min_length=1, max_length=8)] = Field(description="3 digits, 4 for amex.")


class SandboxUsBankAccountIn(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "type": "us_bank_account",
                    "routing_number": "110000000",
                    "account_number": "000123456789",
                    "account_holder_name": "Jenny Rosen",
                }
            ]
        }
    )
    type: Literal["us_bank_account"]
    routing_number: ShortDigits = Field(description="The sandbox's routing number, 110000000.")
    account_number: Number = Field(description="A published test account number.")
    account_holder_name: Annotated[str, StringConstraints(max_length=200)]
    account_type: Literal["checking", "savings"] = Field(
        default="checking", description="ACH debits a checking and a savings account differently."
    )


class SandboxCaBankAccountIn(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "type": "ca_bank_account",
                    "institution_number": "000",
                    "transit_number": "11000",
                    "account_number": "000123456789",
                    "account_holder_name": "Jenny Rosen",
                }
            ]
        }
    )
    type: Literal["ca_bank_account"]
    institution_number: ShortDigits = Field(description="The sandbox's institution number, 000.")
    transit_number: ShortDigits = Field(description="The sandbox's transit number, 11000.")
    account_number: Number = Field(description="A published test account number.")
    account_holder_name: Annotated[str, StringConstraints(max_length=200)]


TokenCreate = Annotated[SandboxCardIn | SandboxUsBankAccountIn | SandboxCaBankAccountIn, Field(discriminator="type")]


class SandboxCardOut(BaseModel):
    brand: str
    last4: str
    exp_month: int
    exp_year: int
    funding: str
    country: str


class SandboxUsBankAccountOut(BaseModel):
    bank_name: str
    last4: str
    routing_number: str
    account_type: Literal["checking", "savings"]


class SandboxCaBankAccountOut(BaseModel):
    bank_name: str
    last4: str
    institution_number: str
    transit_number: str


class SandboxCardToken(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "tok_01JD3M5Q8Z0000000000000000",
                    "object": "token",
                    "type": "card",
                    "card": {
                        "brand": "visa",
                        "last4": "4242",
                        "exp_month": 12,
                        "exp_year": 2030,
                        "funding": "credit",
                        "country": "US",
                    },
                    "created": 1795252800,
                }
            ]
        }
    )
    id: str
    object: Literal["token"]
    type: Literal["card"]
    card: SandboxCardOut
    created: int = Field(description="Unix seconds.")


class SandboxUsBankAccountToken(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "tok_01JD3M5Q8Z0000000000000000",
                    "object": "token",
                    "type": "us_bank_account",
                    "us_bank_account": {
                        "bank_name": "Sandbox Bank (US)",
                        "last4": "6789",
                        "routing_number": "110000000",
                        "account_type": "checking",
                    },
                    "created": 1795252800,
                }
            ]
        }
    )
    id: str
    object: Literal["token"]
    type: Literal["us_bank_account"]
    us_bank_account: SandboxUsBankAccountOut
    created: int = Field(description="Unix seconds.")


class SandboxCaBankAccountToken(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "tok_01JD3M5Q8Z0000000000000000",
                    "object": "token",
                    "type": "ca_bank_account",
                    "ca_bank_account": {
                        "bank_name": "Sandbox Bank (Canada)",
                        "last4": "6789",
                        "institution_number": "000",
                        "transit_number": "11000",
                    },
                    "created": 1795252800,
                }
            ]
        }
    )
    id: str
    object: Literal["token"]
    type: Literal["ca_bank_account"]
    ca_bank_account: SandboxCaBankAccountOut
    created: int = Field(description="Unix seconds.")


Token = Annotated[SandboxCardToken | SandboxUsBankAccountToken | SandboxCaBankAccountToken, Field(discriminator="type")]


def _buckets(request: Request) -> TokenBuckets:
    buckets: TokenBuckets | None = getattr(request.app.state, BUCKETS_ATTRIBUTE, None)
    if buckets is None:
        buckets = TokenBuckets(RATE_PER_SECOND, BURST)
        setattr(request.app.state, BUCKETS_ATTRIBUTE, buckets)
    return buckets


@router.post(
    "/tokens",
    operation_id="sandbox_tokens_create",
    summary="Tokenize a sandbox test card or bank account",
    description="Public (no API key), like a processor's browser library. Only the published test numbers are "
    "accepted; the full number and cvc are never stored. A token is single use: attach it to a customer.",
    status_code=201,
    response_model=Token,
    responses=problems(400, 404, 422, 429),
)
async def create_token(request: Request, body: Annotated[TokenCreate, Body()]) -> Any:
    if wait := _buckets(request).take(client_ip(request)):
        raise RateLimited(wait, "Too many sandbox token requests from this address.")
    processor = getattr(request.app.state.container, "processors", {}).get("sandbox")
    if processor is None:
        return problem(404, ErrorCode.SANDBOX_NOT_ENABLED, "The sandbox processor is not enabled on this server.")
    return await processor.tokenize(body.model_dump())
