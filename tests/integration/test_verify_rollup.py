"""`remit ledger verify` proves the insights rollup: a row changed or lost behind the repository's back is named
by partner, table and key, on both databases; the rollup the journal writes kept verifies."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from adapters.bootstrap import build
from adapters.db.insights_rollup import FLOWS, PAID
from adapters.db.migrate import upgrade
from adapters.db.verify import verify_ledger
from adapters.settings import Settings
from api.app import create_app
from tests.conftest import make_tenant
from tests.factories import make_customer, make_invoice, pay
from tests.services import acreate_pg_database, adrop_pg_database


@pytest.fixture(params=["sqlite", "postgresql"])
async def url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A database of the test's own: verify judges all of it."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'verify.db'}"
        await upgrade(url)
        yield url
        return
    url = await acreate_pg_database()
    try:
        await upgrade(url)
        yield url
    finally:
        await adrop_pg_database(url)


async def _books(app: object, api_key: str, paid_in_full: bool) -> None:
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    headers = {"Authorization": f"Bearer {api_key}"}
    async with httpx.AsyncClient(transport=transport, base_url="http://t", headers=headers) as client:
        customer = (await make_customer(client))["id"]
        first = (await make_invoice(client, customer, amount=10_000))["id"]
        second = (await make_invoice(client, customer, amount=4_000, due_date="2026-12-15"))["id"]
        assert (await pay(client, customer, [(first, 10_000 if paid_in_full else 2_500)])).status_code == 201
        assert (await pay(client, customer, [(second, 1_000)], method="ach_debit_offline")).status_code in (201, 422)


async def test_a_tampered_rollup_fails_verify_naming_the_row(url: str) -> None:
    container = build(Settings(database_url=url, env="test"))
    try:
        app = create_app(container)
        ours, theirs = await make_tenant(container), await make_tenant(container, "Other")
        await _books(app, ours.api_key, paid_in_full=True)
        await _books(app, theirs.api_key, paid_in_full=False)
        async with container.sessions() as session:
            assert await verify_ledger(session) == []

        async with container.sessions() as session, session.begin():
            flow = (
                await session.execute(
                    select(FLOWS).where(FLOWS.c.partner_id == ours.partner_id, FLOWS.c.collected != 0).limit(1)
                )
            ).one()
            await session.execute(
                FLOWS.update()
                .where(
                    *(FLOWS.c[n] == flow._mapping[n] for n in ("partner_id", "currency", "day", "due_date", "method"))
                )
                .values(collected=FLOWS.c.collected + 1)
            )
            paid = (await session.execute(select(PAID).where(PAID.c.partner_id == ours.partner_id))).one()
            await session.execute(
                PAID.delete().where(
                    *(
                        PAID.c[n] == paid._mapping[n]
                        for n in ("partner_id", "currency", "paid_day", "day", "issue_date")
                    )
                )
            )

        async with container.sessions() as session:
            found = await verify_ledger(session)
        flow_key = "/".join(str(flow._mapping[n]) for n in ("currency", "day", "due_date", "method"))
        paid_key = "/".join(str(paid._mapping[n]) for n in ("currency", "paid_day", "day", "issue_date"))
        assert [(v.kind, v.subject) for v in found] == [
            ("rollup_mismatch", f"{ours.partner_id} insight_flows {flow_key}"),
            ("rollup_missing", f"{ours.partner_id} insight_paid {paid_key}"),
        ], found
        assert f"collected {flow.collected + 1}" in found[0].detail
        assert f"collected {flow.collected}" in found[0].detail
        assert "invoices 1" in found[1].detail
    finally:
        await container.close()
