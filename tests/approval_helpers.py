"""Approvals in tests: switch a partner's rules on and decide as a person, through the use cases (until people
can sign in over HTTP, API keys can only request)."""

from __future__ import annotations

from typing import Any

import httpx

from adapters.bootstrap import Container
from domain.approvals.model import Approval, ApprovalRules
from domain.approvals.use_cases import ApproveRequest, RejectRequest, approve_request, reject_request
from tests.conftest import Tenant
from tests.factories import charge_saved, make_customer, make_invoice, pay, save_test_method

ALICE = "user:usr_01JD3M00000000000000ALICE0"  # an admin
BOB = "user:usr_01JD3M000000000000000BOB00"  # a sub-admin


async def set_rules(container: Container, tenant: Tenant, **rules: Any) -> None:
    async with container.uow() as uow:
        uow.scope_to(tenant.partner_id)
        await uow.approval_rules.save(ApprovalRules(**rules))
        await uow.commit()


async def approve(container: Container, tenant: Tenant, approval_id: str, decider: str = ALICE) -> Approval:
    async with container.uow() as uow:
        uow.scope_to(tenant.partner_id)
        done = await approve_request(
            ApproveRequest(approval_id, decider),
            uow,
            processors=container.processors,
            clock=container.clock,
            checkpoint=uow.checkpoint,
        )
        await uow.commit()
    return done


async def reject(container: Container, tenant: Tenant, approval_id: str, reason: str, decider: str = ALICE) -> Approval:
    async with container.uow() as uow:
        uow.scope_to(tenant.partner_id)
        done = await reject_request(RejectRequest(approval_id, decider, reason), uow, clock=container.clock)
        await uow.commit()
    return done


async def card_payment(client: httpx.AsyncClient, amount: int) -> dict[str, Any]:
    """A card payment the sandbox captured: refunds of it go through the processor."""
    customer = await make_customer(client)
    invoice = await make_invoice(client, customer["id"], amount=amount)
    method = await save_test_method(client, customer["id"], "visa")
    r = await charge_saved(client, customer["id"], method["id"], [(invoice["id"], amount)])
    assert r.status_code == 201 and r.json()["status"] == "succeeded", r.text
    return dict(r.json())


async def check_payment(client: httpx.AsyncClient, amount: int) -> dict[str, Any]:
    """A check recorded offline: refunds of it are done at once."""
    customer = await make_customer(client)
    invoice = await make_invoice(client, customer["id"], amount=amount)
    r = await pay(client, customer["id"], [(invoice["id"], amount)])
    assert r.status_code == 201, r.text
    return dict(r.json())
