"""/v1/sandbox/clock: move the sandbox's simulated banking days forward and watch debits settle or return."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from api.deps import Read, ReadContext, WriteSandbox, get_container, json_response
from api.errors import problems
from api.v1.fields import RequestModel
from domain.errors import NotFound
from domain.payments.processor_events import ReceiveEvent, receive_event

router = APIRouter(prefix="/v1/sandbox", tags=["sandbox"])


class ClockAdvance(RequestModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"days": 3}]})
    days: Annotated[int, Field(ge=1, le=366, strict=True)]


class SandboxEventOut(BaseModel):
    id: str
    type: str
    outcome: str


class ClockOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "object": "sandbox_clock",
                    "date": "2026-11-24",
                    "events": [{"id": "evt_sbx_3ME0", "type": "charge.succeeded", "outcome": "applied"}],
                }
            ]
        }
    )
    object: str = "sandbox_clock"
    date: date
    events: list[SandboxEventOut] = Field(description="What fell due and was delivered, in order.")


async def _sandbox_only(ctx: ReadContext) -> None:
    settings = await ctx.uow.payment_settings.get()
    if ctx.principal.livemode or settings.processor != "sandbox":
        raise NotFound("sandbox clock", "live")


@router.get(
    "/clock",
    operation_id="sandbox_clock_retrieve",
    summary="Read the sandbox date",
    description="Test-mode keys of partners on the sandbox processor only; 404 otherwise.",
    response_model=ClockOut,
    responses=problems(401, 404),
)
async def retrieve(ctx: Read, request: Request) -> Response:
    await _sandbox_only(ctx)
    # The sandbox keeps its own books in its own transaction; on SQLite ours holds the one write lock it needs.
    await ctx.uow.commit()
    today = await get_container(request).sandbox.today(ctx.uow.partner_id)
    return json_response(ClockOut(date=today, events=[]))


@router.post(
    "/clock/advance",
    operation_id="sandbox_clock_advance",
    summary="Advance the sandbox clock",
    description="Moves the sandbox forward by whole days and runs what falls due (bank debits settle or return, "
    "disputes open and close); each resulting event is delivered as a webhook would be. Test-mode keys of "
    "partners on the sandbox processor only; 404 otherwise.",
    response_model=ClockOut,
    responses=problems(401, 404, 409, 422),
)
async def advance(body: ClockAdvance, ctx: WriteSandbox, request: Request) -> Response:
    await _sandbox_only(ctx)
    container = get_container(request)
    partner_id = ctx.uow.partner_id
    await ctx.uow.commit()  # the sandbox writes its own books; hold nothing open meanwhile
    delivered: list[SandboxEventOut] = []
    for event_body, _signed in await container.sandbox.advance(partner_id, body.days):
        # Signed as it is delivered, as a webhook sender would: a long advance must not outlive the 300 s tolerance.
        headers = container.sandbox.sign(event_body, at=container.clock.now())
        async with container.uow() as uow:
            received = await receive_event(
                ReceiveEvent("sandbox", event_body, headers),
                uow,
                processors=container.processors,
                clock=container.clock,
            )
            await uow.commit()
        delivered.append(SandboxEventOut(id=received.event_id, type=received.type, outcome=received.outcome))
    today = await container.sandbox.today(partner_id)
    return await ctx.respond(200, ClockOut(date=today, events=delivered))
