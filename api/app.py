"""The FastAPI application: routers, error table, OpenAPI document, health checks."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import unquote

from fastapi import FastAPI, Request
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from sqlalchemy import text
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from adapters.bootstrap import Container, build
from adapters.settings import load_settings
from api import dev_mailbox, errors, pay_button, processor_webhooks, sandbox, web_dashboard, web_portal
from api.auth import Limits, RateLimited
from api.idempotency import Replay
from api.portal import routes as portal_routes
from api.portal.deps import PartnerMoved, problem_redirect
from api.portal.sign_in import portal_limits
from api.rate_limit import TokenBuckets, retry_after
from api.trusted_proxies import TrustedProxies
from api.v1 import (
    access_requests,
    api_keys,
    approvals,
    audit_events,
    auth,
    branding,
    customers,
    disputes,
    exports,
    imports,
    insights,
    invoice_questions,
    invoices,
    ledger,
    me,
    payment_methods,
    payment_settings,
    payments,
    portal_settings,
    portal_users,
    refunds,
    sandbox_clock,
    scheduled_payments,
    security_settings,
    team,
)
from api.v1 import pay_links as invoice_pay_links
from domain.errors import ErrorCode
from workers.queue import ArqQueue, InProcessQueue, run_cron

MAX_BODY_BYTES = 1_000_000

DESCRIPTION = """
The Remit partner API. Authenticate with a partner API key as a bearer token
(`Authorization: Bearer rk_test_…`). Amounts are integers in minor units (cents) with an
ISO 4217 currency. Every POST takes an `Idempotency-Key`. Lists are newest first and paged with
`limit` and `cursor`. Errors are RFC 9457 `application/problem+json` with a stable `code`.
"""


class RequestGuard:
    """Pure ASGI: refuses NUL characters in the URL and bodies over the limit (chunked ones too, by reading
    the body before the app does)."""

    def __init__(self, app: ASGIApp, max_bytes: int, larger: dict[str, int] | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.larger = larger or {}  # path prefix -> its own limit (file uploads)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raw_url = unquote(scope.get("path", "")) + unquote(scope.get("query_string", b"").decode("latin-1"))
        if "\x00" in raw_url:
            await errors.problem(400, ErrorCode.INVALID_CHARACTERS, "The URL contains a NUL character.")(
                scope, receive, send
            )
            return
        path = scope.get("path", "")
        limit = next((n for prefix, n in self.larger.items() if path.startswith(prefix)), self.max_bytes)
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, _replay([message]), send)
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > limit:
                response = errors.problem(
                    413, ErrorCode.PAYLOAD_TOO_LARGE, f"Request bodies are limited to {limit} bytes."
                )
                await response(scope, receive, send)
                return
            if not message.get("more_body", False):
                break
        await self.app(
            scope, _replay([{"type": "http.request", "body": b"".join(chunks), "more_body": False}], then=receive), send
        )


def _replay(messages: list[Message], then: Receive | None = None) -> Receive:
    pending = list(messages)

    async def receive() -> Message:
        if pending:
            return pending.pop(0)
        if then is not None:
            return await then()
        return {"type": "http.disconnect"}

    return receive


async def _arq_queue(redis_url: str) -> ArqQueue | None:
    """The API's handle on the workers' queue. Redis being down does not stop the API: what it would enqueue
    stays in the database and the workers' sweeps pick it up."""
    from arq import create_pool
    from arq.connections import RedisSettings

    try:
        return ArqQueue(await create_pool(RedisSettings.from_dsn(redis_url), retry=0))
    except Exception:
        logging.getLogger("remit.api").warning("Redis is unreachable; jobs wait for the worker sweeps")
        return None


class Health(BaseModel):
    status: str


def create_app(container: Container | None = None) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = container is None
        current: Container = container or build(settings)
        app.state.container = current
        stop = asyncio.Event()
        cron: asyncio.Task[None] | None = None
        if owned and current.settings.redis_url is None:
            # Embedded default: no Redis, so the jobs run inside this process on the same job functions.
            queue = InProcessQueue(current)
            current.queue = queue
            cron = asyncio.create_task(run_cron(queue, now=current.clock.now, stop=stop))
        elif owned and current.settings.redis_url is not None:
            current.queue = await _arq_queue(current.settings.redis_url)
        try:
            yield
        finally:
            stop.set()
            if cron is not None:
                await cron
            arq_pool = getattr(current.queue, "pool", None)
            if owned and arq_pool is not None:
                await arq_pool.aclose()
            if owned:
                await current.close()

    app = FastAPI(
        title="Remit API",
        version="1.0.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        openapi_tags=[
            {"name": "customers", "description": "Companies that owe you money."},
            {"name": "invoices", "description": "What they owe, with figures derived from the ledger."},
            {"name": "payments", "description": "Money received and applied to invoices."},
            {"name": "ledger", "description": "The double-entry journal behind every figure."},
            {"name": "health", "description": "Liveness and readiness probes."},
        ],
    )
    if container is not None:
        app.state.container = container
    settings = container.settings if container is not None else load_settings()
    app.state.limits = Limits(
        per_key=TokenBuckets(settings.rate_limit_per_second, settings.rate_limit_burst),
        failures_per_client=TokenBuckets(settings.auth_failures_per_minute / 60, settings.auth_failures_per_minute),
    )
    app.state.portal_limits = portal_limits()
    app.state.dashboard_limits = auth.dashboard_limits()
    errors.install(app)

    @app.exception_handler(RateLimited)
    async def _limited(_: Request, exc: RateLimited) -> Response:
        return errors.problem(
            429, ErrorCode.RATE_LIMITED, exc.detail, headers={"Retry-After": retry_after(exc.wait_seconds)}
        )

    @app.exception_handler(Replay)
    async def _replay(_: Request, exc: Replay) -> Response:
        return exc.response()

    app.add_middleware(RequestGuard, max_bytes=MAX_BODY_BYTES, larger={"/v1/imports/": imports.MAX_UPLOAD_BYTES})
    app.add_middleware(TrustedProxies, proxies=settings.trusted_proxies)  # outermost: who is asking, first

    for module in (
        customers,
        invoices,
        payments,
        refunds,
        payment_methods,
        disputes,
        payment_settings,
        ledger,
        sandbox_clock,
        processor_webhooks,
        sandbox,
        access_requests,
        portal_users,
        portal_settings,
        invoice_pay_links,
        scheduled_payments,
        invoice_questions,
        insights,
        exports,
        imports,
        audit_events,
        approvals,
        auth,
        me,
        team,
        api_keys,
        security_settings,
    ):
        app.include_router(module.router)
    if settings.env != "production":
        app.include_router(dev_mailbox.router)  # emails readable in the browser; never in production
    for router in portal_routes.ROUTERS:
        app.include_router(router)
    app.include_router(pay_button.router)  # /pay-button.js and its demo page, for partners' own sites
    app.include_router(branding.router)
    app.include_router(branding.public)  # /branding/logos/{hash}: partners' logos, for anyone
    web_portal.install(app, settings.web_portal_dir)
    web_dashboard.install(app, settings.web_partner_dir)  # /dashboard: the partners' SPA

    @app.exception_handler(PartnerMoved)
    async def _moved(_: Request, exc: PartnerMoved) -> Response:
        return problem_redirect(exc)

    @app.get("/health", operation_id="health_live", summary="Liveness", tags=["health"], response_model=Health)
    async def health() -> Health:
        return Health(status="ok")

    @app.get(
        "/ready",
        operation_id="health_ready",
        summary="Readiness: the database answers",
        tags=["health"],
        response_model=Health,
        responses={503: {"model": Health, "description": "The database is unreachable."}},
    )
    async def ready(request: Request) -> Any:
        try:
            async with request.app.state.container.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except Exception:
            return JSONResponse({"status": "unavailable"}, status_code=503)
        return Health(status="ok")

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
                tags=app.openapi_tags,
            )
            schema.setdefault("components", {}).setdefault("schemas", {}).update(errors.problem_schemas())
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app
