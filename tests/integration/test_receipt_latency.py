"""A payment's confirmation reaches a real SMTP server within seconds of the API's answer, in the in-process runner
and through arq on a real Redis: the commit hands its outbox events to the job queue at once, and the minute
sweep is only the safety net (no cron runs here)."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from arq import create_pool
from arq.connections import RedisSettings
from arq.worker import Worker

from adapters.bootstrap import Container, build
from adapters.settings import Settings
from api.app import create_app
from tests.conftest import Tenant, make_tenant
from tests.factories import charge_saved, make_customer, make_invoice, save_test_method
from tests.mail_server import MailServer, smtp_server
from workers.arq_worker import worker_settings
from workers.queue import ArqQueue, InProcessQueue

RECEIPT_WITHIN = 5.0  # seconds from the payment's 201 to the email in the SMTP server


@pytest.fixture
async def mail() -> AsyncIterator[MailServer]:
    async with smtp_server() as server:
        yield server


@pytest.fixture(params=["in_process", "arq"])
async def api(request: pytest.FixtureRequest, db_url: str, mail: MailServer) -> AsyncIterator[Container]:
    """The API's container with its job runner, as `remit serve` sets it up, sending mail to the test server."""
    settings = Settings(database_url=db_url, env="test", smtp_url=f"smtp://127.0.0.1:{mail.port}")
    container = build(settings)
    if request.param == "in_process":
        queue = InProcessQueue(container)
        container.queue = queue
        try:
            yield container
        finally:
            await queue.drain()
            await container.close()
        return
    redis_url = str(request.getfixturevalue("redis_url"))
    queue_name = f"remit-test-{uuid.uuid4().hex}"
    pool = await create_pool(RedisSettings.from_dsn(redis_url))
    container.queue = ArqQueue(pool, queue_name=queue_name)
    worker_side = settings.model_copy(update={"redis_url": redis_url})  # the worker builds its own container
    worker = Worker(**worker_settings(worker_side, handle_signals=False, queue_name=queue_name, cron_jobs=[]))
    running = asyncio.create_task(worker.async_run())
    try:
        yield container
    finally:
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)
        await worker.close()
        await pool.aclose()
        await container.close()


async def test_a_card_payments_receipt_arrives_within_seconds(api: Container, mail: MailServer) -> None:
    tenant: Tenant = await make_tenant(api)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(api)),
        base_url="http://remit.test",
        headers={"Authorization": f"Bearer {tenant.api_key}"},
    ) as client:
        to = f"ap-{uuid.uuid4().hex[:10]}@acme.example"
        customer = await make_customer(client, email=to)
        invoice = await make_invoice(client, customer["id"], amount=25_000)
        card = await save_test_method(client, customer["id"], "visa")
        r = await charge_saved(client, customer["id"], card["id"], [(invoice["id"], 25_000)])
        assert r.status_code == 201, r.text
        answered = time.monotonic()
        message = await mail.wait_for(to, timeout=RECEIPT_WITHIN + 10)
        took = time.monotonic() - answered

    assert message["Subject"].startswith("Payment received")
    assert r.json()["transaction_id"] in message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert took < RECEIPT_WITHIN, f"the receipt took {took:.1f} s"
    assert len(mail.to(to)) == 1
