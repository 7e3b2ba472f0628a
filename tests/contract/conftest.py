"""The sandbox processor on the real database (SQLite and PostgreSQL), with a fixed clock and a fresh account."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from adapters.bootstrap import Container
from adapters.db.migrate import upgrade
from adapters.processors.sandbox import SandboxFaults, SandboxProcessor
from adapters.processors.sandbox.tables import SandboxChargeRow, SandboxRefundRow
from domain.clock import FixedClock
from domain.payments.processing import ChargeRequest, ChargeState, MethodDetails
from tests.services import create_pg_database, drop_pg_database

SECRET = "whsec_test_sandbox_contract"
MONDAY = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def contract_sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('contract') / 'sandbox.db'}"
    asyncio.run(upgrade(url))
    return url


@pytest.fixture(scope="session")
def contract_pg_url() -> Iterator[str]:
    url = create_pg_database()
    try:
        asyncio.run(upgrade(url))
        yield url
    finally:
        drop_pg_database(url)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest) -> str:
    """Databases of their own: charges made straight on the sandbox have no payment behind them, which the
    whole-ledger check elsewhere would rightly report."""
    return str(request.getfixturevalue("contract_sqlite_url" if request.param == "sqlite" else "contract_pg_url"))


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(MONDAY)


@pytest.fixture
def faults() -> SandboxFaults:
    return SandboxFaults()


@pytest.fixture
def sandbox(container: Container, clock: FixedClock, faults: SandboxFaults) -> SandboxProcessor:
    return SandboxProcessor(container.sessions, clock=clock, webhook_secret=SECRET, faults=faults)


@pytest.fixture
def account() -> str:
    """Each test its own processor account: the sandbox tables are shared by the session's tests."""
    return f"acct_{uuid.uuid4().hex[:16]}"


def card(number: str, **overrides: Any) -> dict[str, Any]:
    return {"type": "card", "number": number, "exp_month": 12, "exp_year": 2030, "cvc": "123", **overrides}


def us_bank(account_number: str, **overrides: Any) -> dict[str, Any]:
    return {
        "type": "us_bank_account",
        "routing_number": "110000000",
        "account_number": account_number,
        "account_holder_name": "Jenny Rosen",
        **overrides,
    }


def ca_bank(account_number: str, **overrides: Any) -> dict[str, Any]:
    return {
        "type": "ca_bank_account",
        "institution_number": "000",
        "transit_number": "11000",
        "account_number": account_number,
        "account_holder_name": "Jenny Rosen",
        **overrides,
    }


async def attached(sandbox: SandboxProcessor, account: str, details: dict[str, Any]) -> MethodDetails:
    token = await sandbox.tokenize(details)
    return await sandbox.attach_method(account=account, token=token["id"], customer_id="cus_test")


async def charge(
    sandbox: SandboxProcessor,
    account: str,
    method: MethodDetails,
    *,
    amount: int = 5_000,
    currency: str = "USD",
    key: str | None = None,
) -> ChargeState:
    return await sandbox.charge(
        ChargeRequest(
            account=account,
            idempotency_key=key or uuid.uuid4().hex,
            processor_method_id=method.processor_method_id,
            amount=amount,
            currency=currency,
            description="Invoice INV-0001",
            metadata={"payment_id": "pay_test"},
        )
    )


async def charge_count(container: Container, account: str) -> int:
    async with container.sessions() as session:
        query = select(func.count()).select_from(SandboxChargeRow).where(SandboxChargeRow.account == account)
        return int(await session.scalar(query) or 0)


async def refund_count(container: Container, account: str) -> int:
    async with container.sessions() as session:
        query = select(func.count()).select_from(SandboxRefundRow).where(SandboxRefundRow.account == account)
        return int(await session.scalar(query) or 0)
