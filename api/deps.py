"""Dependencies routes declare by type: `Read` for GETs, `Write` for changes (with idempotency)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Header, Request
from fastapi.responses import Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel

from adapters.bootstrap import Container
from adapters.db.unit_of_work import SqlUnitOfWork
from api.auth import Principal, RateLimited, authenticate
from api.dashboard_session import DASHBOARD_COOKIE, session_principal
from api.errors import problem
from api.idempotency import IDEMPOTENCY_KEY_PATTERN, claim
from api.trusted_proxies import client_ip
from domain.clock import Clock
from domain.payments.model import Payment, PaymentStatus
from domain.ports import Checkpoint, CheckpointReason, PaymentProcessor
from domain.team.roles import Permission

bearer = HTTPBearer(auto_error=False, description="A partner API key: `rk_live_…` or `rk_test_…`.")


def get_container(request: Request) -> Container:
    container: Container = request.app.state.container
    return container


def processors_of(request: Request) -> dict[str, PaymentProcessor]:
    return get_container(request).processors


async def _unit_of_work(request: Request) -> AsyncIterator[SqlUnitOfWork]:
    """One transaction per request, committed after the route returns and before the response is sent."""
    container = get_container(request)
    async with container.uow() as uow:
        try:
            yield uow
        except Exception:
            claimed = getattr(request.state, "idempotency_row", None)
            if uow.commits and claimed is not None:
                await _release_claim(container, uow, claimed)
            raise
        await uow.commit()


async def _release_claim(container: Container, failed: SqlUnitOfWork, row_id: int) -> None:
    """A request that committed midway (before calling a processor) and then failed must not leave its
    idempotency key looking in flight: a corrected retry with the same key has to work."""
    await failed.rollback()
    async with container.uow() as uow:
        await uow.idempotency.release(row_id)
        await uow.commit()


UoW = Annotated[SqlUnitOfWork, Depends(_unit_of_work, scope="function")]


async def _principal(
    request: Request, uow: UoW, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> Principal:
    """A bearer API key when one is sent; else the dashboard's session cookie (api/dashboard_session.py)."""
    limits = request.app.state.limits
    if credentials is None and DASHBOARD_COOKIE.read(request) is not None:
        principal = await session_principal(request, uow, get_container(request))
        if wait := limits.per_key.take(principal.writer):
            raise RateLimited(wait, "Too many requests from this session.")
        return principal
    header = f"{credentials.scheme} {credentials.credentials}" if credentials else None
    return await authenticate(uow, header, limits=limits, client=client_ip(request))


ApiKeyPrincipal = Annotated[Principal, Depends(_principal, scope="function")]  # or a dashboard session


@dataclass
class ReadContext:
    uow: SqlUnitOfWork
    principal: Principal
    clock: Clock


def json_response(model: BaseModel, status: int = 200) -> Response:
    """Serialise once with pydantic's own encoder (the route's response_model still documents it)."""
    return Response(model.model_dump_json(), status_code=status, media_type="application/json")


@dataclass
class WriteContext(ReadContext):
    idempotency_row: int | None
    resume: str | None = None  # the resource an abandoned earlier attempt with this key left in flight

    async def respond(self, status: int, model: BaseModel) -> Response:
        """Serialise once, store for replays under the idempotency key, and answer."""
        return await self._store(json_response(model, status))

    async def respond_problem(self, status: int, code: str, detail: str, **extra: Any) -> Response:
        """A problem that is the request's final answer (a declined card): stored for replays like a success."""
        return await self._store(problem(status, code, detail, extra=extra))

    async def respond_payment(self, payment: Payment, view: BaseModel, *, declined: str | None = None) -> Response:
        """201 with the payment, or 402 with `declined` (its failure message by default) when it was declined: both
        stored for replays. Still processing (the processor's answer was lost) is not a final answer: answered 201
        but not stored, so the key stays in flight naming the payment, and a retry after the sweep (or after 60 s,
        by resuming) answers with how it really ended."""
        if payment.status is PaymentStatus.PROCESSING:
            return json_response(view, 201)
        if payment.status is PaymentStatus.FAILED:
            return await self.respond_problem(
                402,
                payment.failure_code or "payment_failed",
                declined or payment.failure_message or "The payment failed.",
                payment_id=payment.id,
                transaction_id=payment.transaction_id,
                decline_code=payment.failure_code,
            )
        return await self.respond(201, view)

    async def _store(self, response: Response) -> Response:
        if self.idempotency_row is not None:
            body = bytes(response.body).decode()
            await self.uow.idempotency.complete(self.idempotency_row, response.status_code, body)
        return response

    @property
    def checkpoint(self) -> Checkpoint:
        """What use cases call to make their work durable midway: it names the resource under the key too."""
        return KeyCheckpoint(self.uow, self.idempotency_row)


@dataclass(frozen=True, slots=True)
class KeyCheckpoint:
    """Commits what is stored so far; a named resource (the payment or refund about to be sent to a processor) is
    linked to the request's idempotency key first, so a retry of an abandoned attempt can resume it (decision 0002)."""

    uow: SqlUnitOfWork
    idempotency_row: int | None

    async def __call__(self, reason: CheckpointReason, resource_id: str | None = None) -> None:
        if self.idempotency_row is not None and resource_id is not None:
            await self.uow.idempotency.link(self.idempotency_row, resource_id)
        await self.uow.commit()

    async def discard(self, reason: CheckpointReason) -> None:
        await self.uow.rollback()


IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=255,
        pattern=IDEMPOTENCY_KEY_PATTERN,
        description="Any unique string (a UUID is ideal). Retrying with the same key and body replays the "
        "first response instead of acting twice; kept for at least 24 hours.",
    ),
]


class Reader:
    """A read route's one declaration of what it needs (most need only `read`)."""

    def __init__(self, permission: Permission) -> None:
        self.permission = permission

    async def __call__(self, uow: UoW, principal: ApiKeyPrincipal) -> ReadContext:
        principal.authorize(self.permission)
        return ReadContext(uow=uow, principal=principal, clock=uow.clock)


class Writer:
    """A change route's one declaration of the permission it needs; then its idempotency key is claimed."""

    def __init__(self, permission: Permission) -> None:
        self.permission = permission

    async def __call__(
        self, request: Request, uow: UoW, principal: ApiKeyPrincipal, idempotency_key: IdempotencyKey = None
    ) -> WriteContext:
        principal.authorize(self.permission)
        return await write_context(uow, request, idempotency_key, writer=principal)


async def write_context(
    uow: SqlUnitOfWork, request: Request, key: str | None, *, writer: Principal | str
) -> WriteContext:
    """Claims the idempotency key (none without one) for who is writing: an API key's principal, or the id of the
    portal user or pay link whose request it is. Keys are scoped to (partner, writer); raises Replay or Conflict
    for a used key (decision 0002)."""
    principal = (
        writer
        if isinstance(writer, Principal)
        else Principal(partner_id=uow.partner_id, api_key_id=writer, livemode=False)
    )
    claimed = await claim(uow, principal, key, request)
    request.state.idempotency_row = claimed.row_id  # released by _unit_of_work if the request fails after a commit
    return WriteContext(
        uow=uow, principal=principal, clock=uow.clock, idempotency_row=claimed.row_id, resume=claimed.resume
    )


# What routes take: the name says the permission (domain/team/roles.py has the table).
Read = Annotated[ReadContext, Depends(Reader(Permission.READ), scope="function")]
ReadAudit = Annotated[ReadContext, Depends(Reader(Permission.AUDIT), scope="function")]
WriteCustomers = Annotated[WriteContext, Depends(Writer(Permission.CUSTOMERS), scope="function")]
WriteInvoices = Annotated[WriteContext, Depends(Writer(Permission.INVOICES), scope="function")]
WritePayments = Annotated[WriteContext, Depends(Writer(Permission.PAYMENTS), scope="function")]
WriteImports = Annotated[WriteContext, Depends(Writer(Permission.IMPORTS), scope="function")]
WriteRefunds = Annotated[WriteContext, Depends(Writer(Permission.REFUNDS), scope="function")]
WriteDisputes = Annotated[WriteContext, Depends(Writer(Permission.DISPUTES), scope="function")]
WriteOffs = Annotated[WriteContext, Depends(Writer(Permission.WRITE_OFFS), scope="function")]
WriteAccessRequests = Annotated[WriteContext, Depends(Writer(Permission.ACCESS_REQUESTS), scope="function")]
WriteSettings = Annotated[WriteContext, Depends(Writer(Permission.SETTINGS), scope="function")]
WriteSandbox = Annotated[WriteContext, Depends(Writer(Permission.SANDBOX), scope="function")]
DecideApprovals = Annotated[WriteContext, Depends(Writer(Permission.APPROVALS), scope="function")]
WriteTeam = Annotated[WriteContext, Depends(Writer(Permission.TEAM), scope="function")]
WriteApiKeys = Annotated[WriteContext, Depends(Writer(Permission.API_KEYS), scope="function")]
ReadApiKeys = Annotated[ReadContext, Depends(Reader(Permission.API_KEYS), scope="function")]
WriteSecurity = Annotated[WriteContext, Depends(Writer(Permission.SECURITY), scope="function")]
