"""POST /webhooks/{processor}: inbound processor events, verified, kept once, applied once."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel

from api.deps import get_container, json_response
from api.errors import problems
from domain.errors import NotFound
from domain.payments.processor_events import ReceiveEvent, receive_event

router = APIRouter(tags=["webhooks"])


class WebhookAck(BaseModel):
    received: bool = True
    duplicate: bool


@router.post(
    "/webhooks/{processor}",
    operation_id="webhooks_receive",
    summary="Receive a processor event",
    description="Called by the payment processor, not by integrators. The signature is checked (with a 300 s "
    "tolerance) before anything is stored; an event delivered again is acknowledged and ignored.",
    response_model=WebhookAck,
    responses=problems(400, 404, 409),
)
async def receive(processor: str, request: Request) -> Response:
    container = get_container(request)
    if processor not in container.processors:
        raise NotFound("processor", processor)
    body = await request.body()
    async with container.uow() as uow:
        received = await receive_event(
            ReceiveEvent(processor, body, request.headers), uow, processors=container.processors, clock=container.clock
        )
        await uow.commit()
    return json_response(WebhookAck(duplicate=received.duplicate))
