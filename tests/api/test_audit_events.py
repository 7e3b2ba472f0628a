"""GET /v1/audit-events: newest first, keyset paged, tenant-scoped, filtered; before → after for settings changes;
refunds recorded; no secret ever answered; rows that cannot be changed or deleted."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import text

from adapters.bootstrap import Container
from tests.conftest import Tenant, make_tenant
from tests.factories import charge_saved, make_customer, make_invoice, save_test_method

PROBLEM = "application/problem+json"


async def _events(client: httpx.AsyncClient, **params: Any) -> list[dict[str, Any]]:
    r = await client.get("/v1/audit-events", params=params)
    assert r.status_code == 200, r.text
    return list(r.json()["data"])


async def test_settings_changes_record_before_and_after(client: httpx.AsyncClient, tenant: Tenant) -> None:
    r = await client.patch("/v1/settings/payments", json={"card_fee_bps": 300, "partial_payments": False})
    assert r.status_code == 200, r.text
    r = await client.patch("/v1/settings/portal", json={"primary_color": "#112233", "help_text": "Call us"})
    assert r.status_code == 200, r.text

    portal, payments = await _events(client, action="settings.")
    assert payments["action"] == "settings.payments.updated"
    assert payments["actor"] == f"api_key:{tenant.api_key_id}"
    assert payments["subject"] == tenant.partner_id
    assert payments["details"] == {
        "card_fee_bps": {"before": 290, "after": 300},
        "partial_payments": {"before": True, "after": False},
    }
    assert portal["action"] == "settings.portal.updated"
    assert portal["details"]["help_text"] == {"before": None, "after": "Call us"}
    assert portal["details"]["primary_color"]["after"] == "#112233"
    assert set(portal) == {"id", "object", "actor", "action", "subject", "details", "created_at"}


async def test_newest_first_in_keyset_pages_with_filters(client: httpx.AsyncClient, tenant: Tenant) -> None:
    for bps in (300, 310, 320):
        assert (await client.patch("/v1/settings/payments", json={"card_fee_bps": bps})).status_code == 200
    await client.patch("/v1/settings/portal", json={"help_text": "Hello"})

    first = (await client.get("/v1/audit-events", params={"limit": 2, "action": "settings."})).json()
    assert [e["action"] for e in first["data"]] == ["settings.portal.updated", "settings.payments.updated"]
    query = {"limit": 2, "action": "settings.", "cursor": first["next_cursor"]}
    second = (await client.get("/v1/audit-events", params=query)).json()
    afters = [e["details"]["card_fee_bps"]["after"] for e in first["data"][1:] + second["data"]]
    assert afters == [320, 310, 300]
    assert second["next_cursor"] is None

    only = await _events(client, action="settings.payments.updated")
    assert len(only) == 3
    assert await _events(client, actor=f"api_key:{tenant.api_key_id}", action="settings.portal.updated")
    assert await _events(client, actor="operator", action="settings.") == []
    newest = only[0]["created_at"]
    assert await _events(client, since="2000-01-01T00:00:00Z", until="2000-01-02T00:00:00Z") == []
    window = await _events(client, since=only[-1]["created_at"], action="settings.payments.updated")
    assert len(window) == 3
    assert all(e["created_at"] <= newest for e in window)


async def test_another_partners_events_are_not_listed(
    client: httpx.AsyncClient, container: Container, app_client: httpx.AsyncClient
) -> None:
    other = await make_tenant(container, "Other")
    r = await app_client.patch(
        "/v1/settings/payments", json={"card_fee_bps": 333}, headers={"Authorization": f"Bearer {other.api_key}"}
    )
    assert r.status_code == 200
    assert all(e["actor"] != f"api_key:{other.api_key_id}" for e in await _events(client, limit=100))


async def test_refunds_are_audited(client: httpx.AsyncClient, tenant: Tenant) -> None:
    customer = await make_customer(client)
    invoice = await make_invoice(client, customer["id"], amount=10_000)
    card = await save_test_method(client, customer["id"], "visa_debit")
    payment = (await charge_saved(client, customer["id"], card["id"], [(invoice["id"], 10_000)])).json()
    refund = await client.post(f"/v1/payments/{payment['id']}/refunds", json={"amount": 4_000, "reason": "Dup"})
    assert refund.status_code == 201, refund.text

    (event,) = await _events(client, action="refund.created")
    assert event["subject"] == refund.json()["id"]
    assert event["actor"] == f"api_key:{tenant.api_key_id}"
    assert event["details"] == {
        "payment_id": payment["id"],
        "amount": 4_000,
        "currency": "USD",
        "kind": "refund",
        "status": "succeeded",
        "reason": "Dup",
    }


async def test_nothing_secret_looking_is_answered(
    client: httpx.AsyncClient, container: Container, tenant: Tenant
) -> None:
    async with container.uow() as uow:
        uow.scope_to(tenant.partner_id)
        await uow.audit(
            actor="operator",
            action="test.secrets",
            subject=None,
            details={
                "password": "hunter2",
                "new_secret": "abc",
                "nested": {"api_key": "sk_test_abcdefgh1234", "otp": "123456", "ok": "visible"},
                "list": ["sk_live_0123456789abcdef", "fine"],
                "note": "Bearer abc.def",
                "display": "sk_test_…a1B2",
                "session": "Zk3vQ9xL2mN8pR4tW7yB1cD5fG6hJ0kA",
                "words": "x" * 60,
            },
        )
        await uow.commit()
    (event,) = await _events(client, action="test.secrets")
    assert event["details"] == {
        "password": "[redacted]",
        "new_secret": "[redacted]",
        "nested": {"api_key": "[redacted]", "otp": "[redacted]", "ok": "visible"},
        "list": ["[redacted]", "fine"],
        "note": "[redacted]",
        "display": "sk_test_…a1B2",
        "session": "[redacted]",
        "words": "x" * 60,
    }
    assert "hunter2" not in (await client.get("/v1/audit-events")).text


@pytest.mark.parametrize("statement", ["UPDATE audit_log SET action = 'x'", "DELETE FROM audit_log"])
async def test_the_audit_log_refuses_updates_and_deletes(
    client: httpx.AsyncClient, container: Container, statement: str
) -> None:
    assert (await client.patch("/v1/settings/payments", json={"card_fee_bps": 301})).status_code == 200
    with pytest.raises(Exception, match="append-only"):
        async with container.uow() as uow:
            await uow.session.execute(text(statement))
    assert len(await _events(client, action="settings.")) == 1


@pytest.mark.parametrize(
    "params",
    [
        {"cursor": "not-a-cursor"},
        {"limit": 0},
        {"limit": 101},
        {"since": "yesterday"},
        {"since": "2026-11-21T09:00:00"},
        {"since": "0"},
        {"since": "1700000000"},
        {"until": "2026-11-21"},
        {"since": "2026-11-22T00:00:00Z", "until": "2026-11-21T00:00:00Z"},
        {"action": "DROP TABLE"},
        {"actor": "x" * 101},
    ],
)
async def test_bad_queries_are_problems(client: httpx.AsyncClient, params: dict[str, Any]) -> None:
    r = await client.get("/v1/audit-events", params=params)
    assert r.status_code in (400, 422), r.text
    assert r.headers["content-type"].startswith(PROBLEM)


async def test_a_key_is_needed(app_client: httpx.AsyncClient) -> None:
    r = await app_client.get("/v1/audit-events")
    assert r.status_code == 401
