"""The sandbox keeps the PaymentProcessor contract: test numbers, single-use tokens, idempotent money calls."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from sqlalchemy import func, select

from adapters.bootstrap import Container
from adapters.processors.sandbox import SandboxBankConnector, SandboxFaults, SandboxProcessor, SimulatedCrash
from adapters.processors.sandbox.tables import SandboxMethodRow
from domain.clock import FixedClock
from domain.errors import Conflict, InvalidRequest, NotFound
from domain.payments.model import MethodType
from domain.payments.processing import (
    ChargeStatus,
    Funding,
    ProcessorUnavailable,
    RefundRequest,
    RefundStatus,
)
from tests.contract.conftest import attached, ca_bank, card, charge, charge_count, refund_count, us_bank

CARD_OUTCOMES = [
    ("4242424242424242", "visa", Funding.CREDIT, ChargeStatus.SUCCEEDED, None),
    ("4000056655665556", "visa", Funding.DEBIT, ChargeStatus.SUCCEEDED, None),
    ("5555555555554444", "mastercard", Funding.CREDIT, ChargeStatus.SUCCEEDED, None),
    ("378282246310005", "amex", Funding.CREDIT, ChargeStatus.SUCCEEDED, None),
    ("4000000000000002", "visa", Funding.CREDIT, ChargeStatus.FAILED, "card_declined"),
    ("4000000000009995", "visa", Funding.CREDIT, ChargeStatus.FAILED, "insufficient_funds"),
    ("4000000000000259", "visa", Funding.CREDIT, ChargeStatus.SUCCEEDED, None),
]
BANK_OUTCOMES = [
    ("000123456789", ChargeStatus.PENDING, None),
    ("000111111116", ChargeStatus.PENDING, None),
    ("000111111113", ChargeStatus.PENDING, None),
    ("000222222227", ChargeStatus.FAILED, "account_closed"),
]
ALL_NUMBERS = [n for n, *_ in CARD_OUTCOMES] + [n for n, *_ in BANK_OUTCOMES]


def _cvc(number: str) -> str:
    return "1234" if number.startswith("37") else "123"


# Test numbers


@pytest.mark.parametrize(("number", "brand", "funding", "status", "failure_code"), CARD_OUTCOMES)
async def test_each_test_card_behaves_as_published(
    sandbox: SandboxProcessor,
    account: str,
    number: str,
    brand: str,
    funding: Funding,
    status: ChargeStatus,
    failure_code: str | None,
) -> None:
    method = await attached(sandbox, account, card(number, cvc=_cvc(number)))
    assert (method.type, method.brand, method.funding, method.last4) == (MethodType.CARD, brand, funding, number[-4:])

    result = await charge(sandbox, account, method)

    assert (result.status, result.failure_code) == (status, failure_code)
    if failure_code == "card_declined":
        assert result.failure_message == "The card was declined."
    assert result.processor_payment_id.startswith("ch_sbx_")
    assert (result.amount, result.currency, result.dispute) == (5_000, "USD", None)


@pytest.mark.parametrize(("number", "status", "failure_code"), BANK_OUTCOMES)
@pytest.mark.parametrize(("details", "currency"), [(us_bank, "USD"), (ca_bank, "CAD")])
async def test_each_test_bank_account_behaves_as_published(
    sandbox: SandboxProcessor,
    account: str,
    details: object,
    currency: str,
    number: str,
    status: ChargeStatus,
    failure_code: str | None,
) -> None:
    assert callable(details)
    method = await attached(sandbox, account, details(number))
    assert method.last4 == number[-4:]

    result = await charge(sandbox, account, method, currency=currency)

    assert (result.status, result.failure_code, result.currency) == (status, failure_code, currency)


async def test_a_card_number_that_is_not_published_is_refused_and_nothing_stored(
    sandbox: SandboxProcessor, container: Container
) -> None:
    before = await _method_count(container)
    with pytest.raises(InvalidRequest) as refused:
        await sandbox.tokenize(card("4111111111111111"))
    assert refused.value.code == "not_a_test_number"
    assert "4242424242424242" in refused.value.detail
    assert "4111111111111111" not in refused.value.detail  # never echo what may be a real card
    assert await _method_count(container) == before


@pytest.mark.parametrize(
    "details",
    [
        us_bank("000999999999"),
        us_bank("000123456789", routing_number="021000021"),
        ca_bank("000123456789", institution_number="001"),
        ca_bank("000123456789", transit_number="12345"),
    ],
)
async def test_bank_details_that_are_not_published_are_refused(
    sandbox: SandboxProcessor, container: Container, details: dict[str, object]
) -> None:
    before = await _method_count(container)
    with pytest.raises(InvalidRequest) as refused:
        await sandbox.tokenize(details)
    assert refused.value.code == "not_a_test_number"
    assert await _method_count(container) == before


async def test_spaces_and_dashes_in_numbers_are_ignored(sandbox: SandboxProcessor) -> None:
    token = await sandbox.tokenize(card("4242 4242-4242 4242"))
    assert token["card"]["last4"] == "4242"
    bank = await sandbox.tokenize(us_bank("000-123-456-789", routing_number="110 000 000"))
    assert bank["us_bank_account"]["last4"] == "6789"


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"exp_month": 13}, "invalid_expiry_month", "exp_month"),
        ({"exp_month": 0}, "invalid_expiry_month", "exp_month"),
        ({"exp_month": 10, "exp_year": 2026}, "expired_card", "exp_year"),  # the clock says November 2026
        ({"exp_year": 2025}, "expired_card", "exp_year"),
        ({"exp_year": 2200}, "invalid_expiry_year", "exp_year"),
        ({"cvc": "12"}, "invalid_cvc", "cvc"),
        ({"cvc": "1234"}, "invalid_cvc", "cvc"),
        ({"cvc": "12a"}, "invalid_cvc", "cvc"),
        ({"exp_month": "12"}, "missing_field", "exp_month"),
    ],
)
async def test_card_details_are_validated(
    sandbox: SandboxProcessor, overrides: dict[str, object], code: str, field: str
) -> None:
    with pytest.raises(InvalidRequest) as invalid:
        await sandbox.tokenize(card("4242424242424242", **overrides))
    assert (invalid.value.code, invalid.value.field) == (code, field)


async def test_expiry_this_month_is_accepted_and_amex_needs_four_cvc_digits(sandbox: SandboxProcessor) -> None:
    await sandbox.tokenize(card("4242424242424242", exp_month=11, exp_year=2026))
    with pytest.raises(InvalidRequest) as invalid:
        await sandbox.tokenize(card("378282246310005", cvc="123"))
    assert invalid.value.code == "invalid_cvc"
    await sandbox.tokenize(card("378282246310005", cvc="1234"))


async def test_bank_accounts_need_a_holder_name_and_a_known_type(sandbox: SandboxProcessor) -> None:
    with pytest.raises(InvalidRequest) as invalid:
        await sandbox.tokenize(us_bank("000123456789", account_holder_name="  "))
    assert invalid.value.field == "account_holder_name"
    with pytest.raises(InvalidRequest) as unknown:
        await sandbox.tokenize({"type": "sepa_debit", "iban": "DE89370400440532013000"})
    assert unknown.value.field == "type"


async def test_tokens_are_shaped_like_stripe(sandbox: SandboxProcessor, clock: FixedClock) -> None:
    token = await sandbox.tokenize(card("5555555555554444", exp_month=3, exp_year=2031))
    assert token["id"].startswith("tok_")
    assert token == {
        "id": token["id"],
        "object": "token",
        "type": "card",
        "card": {
            "brand": "mastercard",
            "last4": "4444",
            "exp_month": 3,
            "exp_year": 2031,
            "funding": "credit",
            "country": "US",
        },
        "created": int(clock.now().timestamp()),
    }
    us = await sandbox.tokenize(us_bank("000123456789"))
    assert us["us_bank_account"] == {
        "bank_name": "Sandbox Bank (US)",
        "last4": "6789",
        "routing_number": "110000000",
        "account_type": "checking",  # Stripe's default when none is given
    }
    ca = await sandbox.tokenize(ca_bank("000123456789"))
    assert ca["ca_bank_account"] == {
        "bank_name": "Sandbox Bank (Canada)",
        "last4": "6789",
        "institution_number": "000",
        "transit_number": "11000",
    }


async def test_full_numbers_and_cvc_are_never_stored(sandbox: SandboxProcessor, container: Container) -> None:
    ids = []
    for number in ALL_NUMBERS:
        details = card(number, cvc=_cvc(number)) if len(number) > 12 else us_bank(number)
        ids.append((await sandbox.tokenize(details))["id"])
    async with container.sessions() as session:
        rows = (await session.execute(select(SandboxMethodRow).where(SandboxMethodRow.id.in_(ids)))).scalars().all()
    assert len(rows) == len(ALL_NUMBERS)
    stored = " ".join(str(getattr(row, c.key)) for row in rows for c in SandboxMethodRow.__mapper__.column_attrs)
    for number in ALL_NUMBERS:
        assert number not in stored
    assert not any("cvc" in c.key for c in SandboxMethodRow.__mapper__.column_attrs)


async def test_the_same_card_has_the_same_fingerprint_and_another_secret_another(
    sandbox: SandboxProcessor, container: Container, clock: FixedClock
) -> None:
    first = await sandbox.tokenize(card("4242424242424242"))
    again = await sandbox.tokenize(card("4242 4242 4242 4242", exp_year=2031))
    other = SandboxProcessor(container.sessions, clock=clock, webhook_secret="whsec_other")
    elsewhere = await other.tokenize(card("4242424242424242"))
    prints = {}
    async with container.sessions() as session:
        for token in (first, again, elsewhere):
            prints[token["id"]] = await session.scalar(
                select(SandboxMethodRow.fingerprint).where(SandboxMethodRow.id == token["id"])
            )
    assert prints[first["id"]] == prints[again["id"]] != prints[elsewhere["id"]]
    assert len(prints[first["id"]]) == 32


# Methods


async def test_a_token_attaches_once(sandbox: SandboxProcessor, account: str) -> None:
    token = await sandbox.tokenize(card("4242424242424242"))
    method = await sandbox.attach_method(account=account, token=token["id"], customer_id="cus_1")
    assert method.processor_method_id.startswith("pm_sbx_")
    assert (method.exp_month, method.exp_year, method.country) == (12, 2030, "US")
    assert method.raw["customer"] == "cus_1" and method.raw["last4"] == "4242"

    with pytest.raises(InvalidRequest) as used:
        await sandbox.attach_method(account=account, token=token["id"], customer_id="cus_2")
    assert (used.value.code, used.value.field) == ("token_already_used", "token")
    with pytest.raises(InvalidRequest) as unknown:
        await sandbox.attach_method(account=account, token="tok_nope", customer_id="cus_1")
    assert (unknown.value.code, unknown.value.field) == ("invalid_token", "token")


async def test_concurrent_attaches_of_one_token_give_one_method(sandbox: SandboxProcessor, account: str) -> None:
    token = await sandbox.tokenize(us_bank("000123456789"))
    results = await asyncio.gather(
        *(sandbox.attach_method(account=account, token=token["id"], customer_id="cus_1") for _ in range(10)),
        return_exceptions=True,
    )
    attached_ok = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, InvalidRequest)]
    assert len(attached_ok) == 1
    assert len(refused) == 9 and {r.code for r in refused} == {"token_already_used"}


async def test_a_detached_method_cannot_be_charged(sandbox: SandboxProcessor, account: str) -> None:
    method = await attached(sandbox, account, card("4242424242424242"))
    await sandbox.detach_method(account=account, processor_method_id=method.processor_method_id)
    await sandbox.detach_method(account=account, processor_method_id=method.processor_method_id)  # idempotent
    with pytest.raises(InvalidRequest) as refused:
        await charge(sandbox, account, method)
    assert refused.value.code == "invalid_payment_method"


async def test_methods_belong_to_their_account(sandbox: SandboxProcessor, account: str) -> None:
    method = await attached(sandbox, account, card("4242424242424242"))
    with pytest.raises(InvalidRequest) as refused:
        await charge(sandbox, "acct_someone_else", method)
    assert refused.value.code == "invalid_payment_method"
    with pytest.raises(NotFound):
        await sandbox.detach_method(account="acct_someone_else", processor_method_id=method.processor_method_id)
    with pytest.raises(NotFound):
        await sandbox.detach_method(account=account, processor_method_id="pm_sbx_unknown")


# Charges


async def test_the_same_key_returns_the_first_charge(
    sandbox: SandboxProcessor, account: str, container: Container
) -> None:
    method = await attached(sandbox, account, us_bank("000123456789"))
    first = await charge(sandbox, account, method, key="k-1")
    again = await charge(sandbox, account, method, key="k-1")
    assert again.processor_payment_id == first.processor_payment_id
    assert again.idempotency_key == "k-1"
    assert await charge_count(container, account) == 1

    with pytest.raises(InvalidRequest) as reused:
        await charge(sandbox, account, method, key="k-1", amount=6_000)
    assert reused.value.code == "idempotency_key_reused"


async def test_twenty_concurrent_calls_with_one_key_make_one_charge(
    sandbox: SandboxProcessor, account: str, container: Container
) -> None:
    method = await attached(sandbox, account, card("4242424242424242"))
    results = await asyncio.gather(*(charge(sandbox, account, method, key="race") for _ in range(20)))
    assert len({r.processor_payment_id for r in results}) == 1
    assert await charge_count(container, account) == 1


async def test_bank_debits_run_in_their_network_currency(sandbox: SandboxProcessor, account: str) -> None:
    us = await attached(sandbox, account, us_bank("000123456789"))
    ca = await attached(sandbox, account, ca_bank("000123456789"))
    visa = await attached(sandbox, account, card("4242424242424242"))
    for method, currency in ((us, "CAD"), (ca, "USD"), (visa, "XYZ")):
        with pytest.raises(InvalidRequest) as refused:
            await charge(sandbox, account, method, currency=currency)
        assert refused.value.code == "currency_not_supported"
    assert (await charge(sandbox, account, visa, currency="eur")).currency == "EUR"


async def test_charges_are_found_only_in_their_account(sandbox: SandboxProcessor, account: str) -> None:
    method = await attached(sandbox, account, card("4242424242424242"))
    made = await charge(sandbox, account, method)
    found = await sandbox.retrieve_charge(account=account, processor_payment_id=made.processor_payment_id)
    assert found == made
    for other, charge_id in (("acct_someone_else", made.processor_payment_id), (account, "ch_sbx_unknown")):
        with pytest.raises(NotFound):
            await sandbox.retrieve_charge(account=other, processor_payment_id=charge_id)


async def test_only_a_pending_debit_can_be_canceled(sandbox: SandboxProcessor, account: str) -> None:
    debit = await charge(sandbox, account, await attached(sandbox, account, us_bank("000123456789")))
    canceled = await sandbox.cancel_charge(account=account, processor_payment_id=debit.processor_payment_id)
    assert canceled.status is ChargeStatus.CANCELED
    again = await sandbox.cancel_charge(account=account, processor_payment_id=debit.processor_payment_id)
    assert again.status is ChargeStatus.CANCELED
    assert await sandbox.advance(account, 10) == []  # a canceled debit never settles

    captured = await charge(sandbox, account, await attached(sandbox, account, card("4242424242424242")))
    with pytest.raises(Conflict) as refused:
        await sandbox.cancel_charge(account=account, processor_payment_id=captured.processor_payment_id)
    assert refused.value.code == "charge_not_cancelable"


# Refunds


def _refund(account: str, charge_id: str, amount: int, key: str | None = None) -> RefundRequest:
    return RefundRequest(
        account=account,
        idempotency_key=key or uuid.uuid4().hex,
        processor_payment_id=charge_id,
        amount=amount,
        currency="USD",
    )


async def test_partial_refunds_up_to_the_charge(sandbox: SandboxProcessor, account: str) -> None:
    made = await charge(sandbox, account, await attached(sandbox, account, card("4242424242424242")))
    first = await sandbox.refund(_refund(account, made.processor_payment_id, 2_000, key="r-1"))
    assert (first.status, first.amount) == (RefundStatus.SUCCEEDED, 2_000)
    assert first.processor_refund_id.startswith("re_sbx_")
    replay = await sandbox.refund(_refund(account, made.processor_payment_id, 2_000, key="r-1"))
    assert replay.processor_refund_id == first.processor_refund_id

    with pytest.raises(Conflict) as exceeding:
        await sandbox.refund(_refund(account, made.processor_payment_id, 3_001))
    assert exceeding.value.code == "refund_exceeds_captured"
    with pytest.raises(InvalidRequest) as reused:
        await sandbox.refund(_refund(account, made.processor_payment_id, 1_000, key="r-1"))
    assert reused.value.code == "idempotency_key_reused"

    await sandbox.refund(_refund(account, made.processor_payment_id, 3_000))
    after = await sandbox.retrieve_charge(account=account, processor_payment_id=made.processor_payment_id)
    assert after.raw["amount_refunded"] == 5_000


async def test_only_captured_or_settled_money_is_refunded(sandbox: SandboxProcessor, account: str) -> None:
    debit = await charge(sandbox, account, await attached(sandbox, account, us_bank("000123456789")))
    with pytest.raises(Conflict) as pending:
        await sandbox.refund(_refund(account, debit.processor_payment_id, 1_000))
    assert pending.value.code == "charge_not_refundable"
    declined = await charge(sandbox, account, await attached(sandbox, account, card("4000000000000002")))
    with pytest.raises(Conflict) as failed:
        await sandbox.refund(_refund(account, declined.processor_payment_id, 1_000))
    assert failed.value.code == "charge_not_refundable"

    await sandbox.advance(account, 2)  # settled
    refund = await sandbox.refund(_refund(account, debit.processor_payment_id, 1_000))
    assert refund.status is RefundStatus.SUCCEEDED


async def test_ten_concurrent_refunds_never_exceed_the_charge(
    sandbox: SandboxProcessor, account: str, container: Container
) -> None:
    made = await charge(sandbox, account, await attached(sandbox, account, card("4242424242424242")))
    results = await asyncio.gather(
        *(sandbox.refund(_refund(account, made.processor_payment_id, 1_000)) for _ in range(10)),
        return_exceptions=True,
    )
    succeeded = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, Conflict)]
    assert (len(succeeded), len(refused)) == (5, 5), results
    assert {r.code for r in refused} == {"refund_exceeds_captured"}
    assert await refund_count(container, account) == 5
    after = await sandbox.retrieve_charge(account=account, processor_payment_id=made.processor_payment_id)
    assert after.raw["amount_refunded"] == 5_000


# Faults


async def test_a_timeout_does_nothing(
    sandbox: SandboxProcessor, faults: SandboxFaults, account: str, container: Container
) -> None:
    method = await attached(sandbox, account, card("4242424242424242"))
    faults.inject("charge", "timeout")
    with pytest.raises(ProcessorUnavailable):
        await charge(sandbox, account, method, key="k")
    assert await charge_count(container, account) == 0
    assert (await charge(sandbox, account, method, key="k")).status is ChargeStatus.SUCCEEDED


async def test_a_lost_response_charged_once_and_the_retry_finds_it(
    sandbox: SandboxProcessor, faults: SandboxFaults, account: str, container: Container
) -> None:
    method = await attached(sandbox, account, card("4242424242424242"))
    faults.inject("charge", "lost_response")
    with pytest.raises(ProcessorUnavailable):
        await charge(sandbox, account, method, key="k")
    assert await charge_count(container, account) == 1
    retried = await charge(sandbox, account, method, key="k")
    assert retried.status is ChargeStatus.SUCCEEDED
    assert await charge_count(container, account) == 1


async def test_crash_after_and_errors_on_other_operations(
    sandbox: SandboxProcessor, faults: SandboxFaults, account: str, container: Container
) -> None:
    method = await attached(sandbox, account, card("4242424242424242"))
    faults.inject("charge", "crash_after")
    with pytest.raises(SimulatedCrash):
        await charge(sandbox, account, method, key="k")
    made = await charge(sandbox, account, method, key="k")

    faults.inject("refund", "error", times=2)
    for _ in range(2):
        with pytest.raises(ProcessorUnavailable):
            await sandbox.refund(_refund(account, made.processor_payment_id, 1_000))
    assert await refund_count(container, account) == 0
    faults.inject("retrieve", "timeout")
    with pytest.raises(ProcessorUnavailable):
        await sandbox.retrieve_charge(account=account, processor_payment_id=made.processor_payment_id)
    faults.inject("cancel", "error")
    faults.clear()
    with pytest.raises(Conflict):
        await sandbox.cancel_charge(account=account, processor_payment_id=made.processor_payment_id)
    with pytest.raises(ValueError):
        faults.inject("charge", "explode")  # type: ignore[arg-type]


# Bank connection


async def test_the_bank_connector_links_the_test_accounts(sandbox: SandboxProcessor, account: str) -> None:
    connector = SandboxBankConnector(sandbox)
    assert (await connector.create_link_token(account=account, customer_id="cus_1")).startswith("link-sandbox-")
    link = await connector.exchange(account=account, public_token="public-sandbox-000111111116")
    assert (link.institution_name, link.last4) == ("Sandbox Bank (US)", "1116")
    method = await sandbox.attach_method(account=account, token=link.token, customer_id="cus_1")
    assert method.type is MethodType.US_BANK_ACCOUNT
    for bad in ("public-sandbox-000999999999", "public-production-000123456789", ""):
        with pytest.raises(InvalidRequest) as refused:
            await connector.exchange(account=account, public_token=bad)
        assert refused.value.code == "invalid_public_token"


async def _method_count(container: Container) -> int:
    async with container.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(SandboxMethodRow)) or 0)
