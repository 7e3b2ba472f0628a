"""/v1/payments request and response models: creating and quoting payments, and the payment as answered."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from api.v1.fields import Amount, Currency, Day, Email, EmailOut, RequestModel, ResourceId, ShortText
from domain.payments.model import MethodType, PaymentStatus


class AllocationIn(RequestModel):
    invoice_id: ResourceId
    amount: Amount


class AllocationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    invoice_id: str
    amount: int


class PaymentCreate(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "customer_id": "cus_01JD3M5Q8Z0000000000000000",
                    "method": "check",
                    "reference": "Check #1042",
                    "allocations": [
                        {"invoice_id": "inv_01JD3M7K2B0000000000000000", "amount": 100000},
                        {"invoice_id": "inv_01JD3M7K2C0000000000000000", "amount": 25000},
                    ],
                },
                {
                    "customer_id": "cus_01JD3M5Q8Z0000000000000000",
                    "payment_method_id": "pm_01JD3MB0000000000000000000",
                    "allocations": [{"invoice_id": "inv_01JD3M7K2B0000000000000000", "amount": 100000}],
                },
                {
                    "customer_id": "cus_01JD3M5Q8Z0000000000000000",
                    "payment_method_id": "pm_01JD3MB0000000000000000000",
                    "amount": 150000,
                },
            ]
        }
    )
    customer_id: ResourceId
    payment_method_id: ResourceId | None = Field(
        default=None, description="A saved card or bank account to charge. Omit it to record an offline payment."
    )
    method: MethodType | None = Field(
        default=None, description="For offline payments: check, cash, bank_transfer or other."
    )
    allocations: Annotated[list[AllocationIn], Field(min_length=1, max_length=100)] | None = Field(
        default=None, description="Which invoices to pay and how much of each."
    )
    amount: Amount | None = Field(
        default=None,
        description="Instead of allocations (saved methods only): one amount spread over `invoice_ids`, or over all "
        "the customer's open invoices, oldest due first.",
    )
    invoice_ids: Annotated[list[ResourceId], Field(max_length=100)] | None = None
    reference: ShortText | None = Field(default=None, description="Check number, transfer reference…")
    currency: Currency | None = Field(default=None, description="If given, every invoice must be in it.")
    received_on: Day | None = Field(default=None, description="When offline money arrived; defaults to today.")
    receipt_email: Email | None = Field(
        default=None,
        description="Where the receipt and the bank-debit outcome emails go; the customer's email otherwise.",
    )


class PaymentQuoteIn(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "customer_id": "cus_01JD3M5Q8Z0000000000000000",
                    "payment_method_id": "pm_01JD3MB0000000000000000000",
                    "amount": 150000,
                }
            ]
        }
    )
    customer_id: ResourceId
    payment_method_id: ResourceId
    allocations: Annotated[list[AllocationIn], Field(min_length=1, max_length=100)] | None = None
    amount: Amount | None = None
    invoice_ids: Annotated[list[ResourceId], Field(max_length=100)] | None = None
    currency: Currency | None = None


class PaymentQuoteOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "object": "payment_quote",
                    "customer_id": "cus_01JD3M5Q8Z0000000000000000",
                    "payment_method_id": "pm_01JD3MB0000000000000000000",
                    "method": "card",
                    "currency": "USD",
                    "allocations": [{"invoice_id": "inv_01JD3M7K2B0000000000000000", "amount": 100000}],
                    "subtotal": 100000,
                    "fee": 2930,
                    "total": 102930,
                }
            ]
        }
    )
    object: str = "payment_quote"
    customer_id: str
    payment_method_id: str
    method: MethodType
    currency: str
    allocations: list[AllocationOut]
    subtotal: int
    fee: int = Field(description="The card fee passed on to the customer; 0 for debit cards and bank debits.")
    total: int


class PaymentOut(BaseModel):
    # Read from a domain Payment's attributes: `PaymentOut.model_validate(payment)`.
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "id": "pay_01JD3M9W4E0000000000000000",
                    "object": "payment",
                    "transaction_id": "RM-7KQ2-M9P4-XZ3B",
                    "customer_id": "cus_01JD3M5Q8Z0000000000000000",
                    "method": "card",
                    "status": "succeeded",
                    "amount": 102930,
                    "fee": 2930,
                    "currency": "USD",
                    "reference": None,
                    "received_on": "2026-11-21",
                    "payment_method_id": "pm_01JD3MB0000000000000000000",
                    "processor": "sandbox",
                    "processor_payment_id": "ch_sbx_3MB0000000000000",
                    "failure_code": None,
                    "failure_message": None,
                    "return_code": None,
                    "retry_of": None,
                    "attempt": 1,
                    "allocations": [{"invoice_id": "inv_01JD3M7K2B0000000000000000", "amount": 100000}],
                    "created_at": "2026-11-21T09:05:00Z",
                    "settled_at": "2026-11-21T09:05:01Z",
                    "canceled_at": None,
                    "receipt_email": "ap@acme.example",
                }
            ]
        },
    )
    id: str
    object: str = "payment"
    transaction_id: str = Field(description="Human-readable, unique per partner; searchable with `transaction_id`.")
    customer_id: str
    method: MethodType
    status: PaymentStatus
    amount: int = Field(description="What the customer paid: the allocations plus `fee`.")
    fee: int
    currency: str
    reference: str | None
    received_on: date
    payment_method_id: str | None
    processor: str | None
    processor_payment_id: str | None
    failure_code: str | None
    failure_message: str | None
    return_code: str | None
    retry_of: str | None
    attempt: int
    allocations: list[AllocationOut]
    created_at: datetime
    settled_at: datetime | None
    canceled_at: datetime | None
    receipt_email: EmailOut | None
