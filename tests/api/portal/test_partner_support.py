"""The portal's branding names a way to reach the partner even when it set no support details (the footer and the
"contact …" lines read it)."""

from __future__ import annotations

import httpx

from tests.conftest import Tenant


async def _branding(client: httpx.AsyncClient, tenant: Tenant) -> dict[str, object]:
    r = await client.get(f"/portal/v1/partners/{tenant.slug}")
    assert r.status_code == 200, r.text
    return dict(r.json())


async def test_without_a_support_address_the_notification_address_is_given(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    patched = await client.patch(
        "/v1/settings/portal", json={"notification_emails": ["ar@partner.example", "cfo@partner.example"]}
    )
    assert patched.status_code == 200, patched.text
    assert (await _branding(client, tenant))["support_email"] == "ar@partner.example"


async def test_the_partners_own_support_details_come_first(client: httpx.AsyncClient, tenant: Tenant) -> None:
    patched = await client.patch(
        "/v1/settings/portal",
        json={
            "notification_emails": ["ar@partner.example"],
            "support_email": "help@partner.example",
            "support_phone": "+1 555 0100",
        },
    )
    assert patched.status_code == 200, patched.text
    branding = await _branding(client, tenant)
    assert (branding["support_email"], branding["support_phone"]) == ("help@partner.example", "+1 555 0100")


async def test_nothing_set_gives_nothing_invented(client: httpx.AsyncClient, tenant: Tenant) -> None:
    branding = await _branding(client, tenant)
    assert branding["support_email"] is None and branding["support_phone"] is None


async def test_the_business_address_is_a_portal_setting(client: httpx.AsyncClient) -> None:
    r = await client.patch("/v1/settings/portal", json={"business_address": "200 Bay Street\nToronto ON M5J 2J2"})
    assert r.status_code == 200, r.text
    assert (await client.get("/v1/settings/portal")).json()["business_address"] == "200 Bay Street\nToronto ON M5J 2J2"
    too_long = await client.patch("/v1/settings/portal", json={"business_address": "\n".join("x" * 7)})
    assert too_long.status_code in (400, 422) and too_long.json()["errors"][0]["field"] == "business_address"
    r = await client.patch("/v1/settings/portal", json={"business_address": None})
    assert r.status_code == 200 and r.json()["business_address"] is None
