"""/v1/api-keys: admins signed in to the dashboard create, list and revoke their partner's keys. Both databases."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from adapters.bootstrap import Container
from api.app import create_app
from domain.team.roles import Role
from tests.conftest import Tenant, make_tenant
from tests.dashboard_helpers import audit_rows
from tests.team_helpers import signed_in


@pytest.fixture
def app(container: Container) -> FastAPI:
    return create_app(container)


async def test_an_admin_creates_lists_and_revokes_keys(
    app: FastAPI, client: httpx.AsyncClient, container: Container, tenant: Tenant
) -> None:
    async with signed_in(app, container, tenant, Role.ADMIN) as admin:
        body = {"name": "Accounting sync", "scope": "read_only"}
        created = await admin.client.post("/v1/api-keys", json=body, headers={"Idempotency-Key": "key-1"})
        assert created.status_code == 201, created.text
        key = created.json()
        assert key["secret"].startswith("rk_test_") and key["scope"] == "read_only" and key["livemode"] is False
        assert key["display"] != key["secret"] and key["secret"].endswith(key["display"][-4:])

        replay = await admin.client.post("/v1/api-keys", json=body, headers={"Idempotency-Key": "key-1"})
        assert replay.status_code == 201 and replay.headers.get("idempotent-replayed") == "true"
        assert replay.json()["id"] == key["id"] and "secret" not in replay.json(), "the secret is shown once"

        listed = (await admin.client.get("/v1/api-keys")).json()["data"]
        assert {k["id"] for k in listed} == {key["id"], tenant.api_key_id}
        assert all("secret" not in k for k in listed)
        assert all(key["secret"] not in repr(k) for k in listed)

        headers = {"Authorization": f"Bearer {key['secret']}"}
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://remit.test") as program:
            assert (await program.get("/v1/customers", headers=headers)).status_code == 200
            refused = await program.post("/v1/customers", json={"name": "x"}, headers=headers)
            assert refused.status_code == 403, "a read-only key changes nothing"

            revoked = await admin.client.post(f"/v1/api-keys/{key['id']}/revoke")
            assert revoked.status_code == 200 and revoked.json()["revoked_at"] is not None, revoked.text
            r = await program.get("/v1/customers", headers=headers)
            assert r.status_code == 401, r.text
            again = await admin.client.post(f"/v1/api-keys/{key['id']}/revoke")
            assert again.status_code == 200 and again.json()["revoked_at"] == revoked.json()["revoked_at"]
        assert (await client.get("/v1/customers")).status_code == 200, "the other key still works"

        rows = await audit_rows(container, tenant.partner_id)
        mine = [(r.action, r.actor) for r in rows if r.subject == key["id"]]
        assert mine == [("api_key.created", f"user:{admin.user_id}"), ("api_key.revoked", f"user:{admin.user_id}")]
        for row in rows:
            assert key["secret"] not in repr(row.details)


async def test_only_admins_manage_keys(
    app: FastAPI, client: httpx.AsyncClient, container: Container, tenant: Tenant
) -> None:
    for role in (Role.SUB_ADMIN, Role.MEMBER, Role.READ_ONLY):
        async with signed_in(app, container, tenant, role) as person:
            for method, path in [
                ("GET", "/v1/api-keys"),
                ("POST", "/v1/api-keys"),
                ("POST", f"/v1/api-keys/{tenant.api_key_id}/revoke"),
            ]:
                r = await person.client.request(method, path, json={"name": "Mine"} if method == "POST" else None)
                assert r.status_code == 403 and r.json()["code"] == "forbidden_for_role", (role, path, r.text)
    for method, path in [("GET", "/v1/api-keys"), ("POST", "/v1/api-keys")]:
        r = await client.request(method, path, json={"name": "By a key"} if method == "POST" else None)
        assert r.status_code == 403 and r.json()["code"] == "forbidden_for_role", "a key never manages keys"
    r = await client.post(f"/v1/api-keys/{tenant.api_key_id}/revoke")
    assert r.status_code == 403
    assert (await client.get("/v1/customers")).status_code == 200, "nothing was revoked"


async def test_another_partners_key_is_not_found(app: FastAPI, container: Container, tenant: Tenant) -> None:
    other = await make_tenant(container, "Other")
    async with signed_in(app, container, tenant, Role.ADMIN) as admin:
        r = await admin.client.post(f"/v1/api-keys/{other.api_key_id}/revoke")
        assert r.status_code == 404, r.text
        assert other.api_key_id not in {k["id"] for k in (await admin.client.get("/v1/api-keys")).json()["data"]}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://remit.test") as program:
        r = await program.get("/v1/customers", headers={"Authorization": f"Bearer {other.api_key}"})
        assert r.status_code == 200, "the other partner's key is untouched"
