"""Behind a load balancer: X-Forwarded-For and X-Forwarded-Proto are believed only from REMIT_TRUSTED_PROXIES, and
then the right-most address that is not a trusted proxy is the client (never the left-most, which it wrote)."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from ipaddress import ip_network
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from adapters.bootstrap import Container
from adapters.settings import ConfigError, Settings, load_settings
from api.app import create_app
from api.trusted_proxies import forwarded
from tests.conftest import Tenant
from tests.factories import make_customer, make_invoice, token_for
from tests.portal_helpers import emailed_code

LOAD_BALANCER = ("10.0.0.5", 41_000)
BAD_KEY = {"Authorization": "Bearer rk_test_guessing"}


def _app(container: Container, proxies: str, **settings: Any) -> FastAPI:
    """The app with REMIT_TRUSTED_PROXIES=`proxies` (parsed as the variable is) and other settings changed."""
    changed = Settings(**{**container.settings.model_dump(), "trusted_proxies": proxies, **settings})
    return create_app(dataclasses.replace(container, settings=changed))


@asynccontextmanager
async def _from(app: FastAPI, peer: tuple[str, int], **headers: str) -> AsyncIterator[httpx.AsyncClient]:
    """A client whose connections come from `peer`."""
    transport = httpx.ASGITransport(app=app, client=peer)
    async with httpx.AsyncClient(transport=transport, base_url="http://remit.test", headers=headers) as c:
        yield c


async def _bad_logins(c: httpx.AsyncClient, *forwarded_for: str) -> list[int]:
    return [
        (await c.get("/v1/customers", headers={**BAD_KEY, "X-Forwarded-For": xff})).status_code for xff in forwarded_for
    ]


async def test_behind_a_trusted_proxy_each_forwarded_client_has_its_own_budget(container: Container) -> None:
    app = _app(container, "10.0.0.0/24", auth_failures_per_minute=2)
    async with _from(app, LOAD_BALANCER) as lb:
        assert await _bad_logins(lb, "198.51.100.1", "198.51.100.1", "198.51.100.1") == [401, 401, 429]
        assert await _bad_logins(lb, "198.51.100.2", "198.51.100.3") == [401, 401], "others are not locked out"
        # What the client wrote itself (to the left) is never believed; trusted hops (to the right) are walked past.
        assert await _bad_logins(lb, "203.0.113.77, 198.51.100.1", "198.51.100.1, 10.0.0.9") == [429, 429]
        assert await _bad_logins(lb, "198.51.100.2") == [401]
        r = await lb.get("/v1/customers", headers=BAD_KEY)  # no header: the proxy's own address
        assert r.status_code == 401


@pytest.mark.parametrize(
    ("proxies", "peer"),
    [("", ("127.0.0.1", 41_000)), ("", LOAD_BALANCER), ("10.0.0.0/24", ("192.0.2.50", 41_000))],
    ids=["localhost-not-configured", "nothing-trusted", "peer-not-trusted"],
)
async def test_a_forged_forwarded_for_from_an_untrusted_peer_is_ignored(
    container: Container, proxies: str, peer: tuple[str, int]
) -> None:
    app = _app(container, proxies, auth_failures_per_minute=2)
    async with _from(app, peer) as c:
        assert await _bad_logins(c, "198.51.100.1", "198.51.100.2", "198.51.100.3") == [401, 401, 429]


async def test_sign_in_codes_are_limited_per_forwarded_client_only_behind_a_trusted_proxy(
    container: Container, tenant: Tenant
) -> None:
    app = _app(container, "10.0.0.0/24")

    async def codes(c: httpx.AsyncClient, *forwarded_for: str) -> list[int]:
        path = f"/portal/v1/partners/{tenant.slug}/sign-in/code"
        return [  # a new address each time: the per-email limit (5 an hour) stays out of the way
            (await c.post(path, json={"email": f"ap{i}@acme.example"}, headers={"X-Forwarded-For": xff})).status_code
            for i, xff in enumerate(forwarded_for)
        ]

    async with _from(app, LOAD_BALANCER) as lb:
        assert await codes(lb, *["198.51.100.1"] * 21) == [202] * 20 + [429]
        assert await codes(lb, "198.51.100.2") == [202], "one client's codes do not lock out everyone behind the proxy"
    async with _from(app, ("127.0.0.1", 41_000)) as local:
        forged = await codes(local, *[f"198.51.100.{i}" for i in range(3, 24)])
        assert forged == [202] * 20 + [429], "a forged X-Forwarded-For does not reset the limit"


async def _signed_in_cookie(c: httpx.AsyncClient, container: Container, slug: str, email: str) -> str:
    r = await c.post(f"/portal/v1/partners/{slug}/sign-in/code", json={"email": email})
    assert r.status_code == 202, r.text
    code = await emailed_code(container, email)
    r = await c.post(f"/portal/v1/partners/{slug}/sign-in/verify", json={"email": email, "code": code})
    assert r.status_code == 200, r.text
    return r.headers["set-cookie"]


async def test_https_at_a_trusted_proxy_gives_the_secure_cookie_and_origin(
    container: Container, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await make_customer(client, email="ap@acme.example")
    app = _app(container, "10.0.0.0/24")
    forwarded_https = {"X-Forwarded-For": "198.51.100.1", "X-Forwarded-Proto": "https"}
    async with _from(app, LOAD_BALANCER, **forwarded_https) as lb:
        cookie = await _signed_in_cookie(lb, container, tenant.slug, "ap@acme.example")
        assert cookie.startswith("__Host-remit_portal=") and "Secure" in cookie, cookie
        token = cookie.split("=", 1)[1].split(";", 1)[0]
        me = await lb.get("/portal/v1/me", headers={"Cookie": f"__Host-remit_portal={token}"})
        assert me.status_code == 200, me.text
        ours = await lb.post(
            f"/portal/v1/partners/{tenant.slug}/sign-in/code",
            json={"email": "ap@acme.example"},
            headers={"Origin": "https://remit.test"},
        )
        assert ours.status_code == 202, "the page's https origin is our own"
    async with _from(app, ("192.0.2.50", 41_000), **forwarded_https) as direct:
        cookie = await _signed_in_cookie(direct, container, tenant.slug, "ap@acme.example")
        assert cookie.startswith("remit_portal=") and "Secure" not in cookie, "a forged X-Forwarded-Proto is ignored"
        r = await direct.post(
            f"/portal/v1/partners/{tenant.slug}/sign-in/code",
            json={"email": "ap@acme.example"},
            headers={"Origin": "https://remit.test"},
        )
        assert (r.status_code, r.json()["code"]) == (403, "bad_origin")


async def test_a_mandate_records_the_forwarded_client(
    container: Container, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    customer = await make_customer(client, email="ap@acme.example")
    invoice = await make_invoice(client, customer["id"], amount=5_000)
    link = (await client.post(f"/v1/invoices/{invoice['id']}/pay-link")).json()["token"]
    bank = await token_for(client, "settles")
    app = _app(container, "10.0.0.0/24")
    async with _from(app, LOAD_BALANCER, **{"X-Forwarded-For": "203.0.113.9, 198.51.100.7"}) as lb:
        r = await lb.post(f"/portal/v1/pay-links/{link}/quote", json={"token": bank, "accept_mandate": True})
        assert r.status_code == 200, r.text
    methods = (await client.get(f"/v1/customers/{customer['id']}/payment-methods")).json()["data"]
    assert [m["mandate"]["ip_address"] for m in methods if m["mandate"]] == ["198.51.100.7"]


def _scope(peer: tuple[str, int] | None, *headers: tuple[str, str], kind: str = "http") -> dict[str, Any]:
    return {
        "type": kind,
        "scheme": "http" if kind == "http" else "ws",
        "client": peer,
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers],
    }


PROXIES = (ip_network("10.0.0.0/8"), ip_network("2001:db8::/32"))


@pytest.mark.parametrize(
    ("peer", "headers", "client", "scheme"),
    [
        (LOAD_BALANCER, [], LOAD_BALANCER, "http"),
        (LOAD_BALANCER, [("X-Forwarded-For", "198.51.100.1:5123")], ("198.51.100.1", 0), "http"),
        (LOAD_BALANCER, [("X-Forwarded-For", "[2001:db9::1]:443")], ("2001:db9::1", 0), "http"),
        (("::ffff:10.0.0.5", 1), [("X-Forwarded-For", "198.51.100.1")], ("198.51.100.1", 0), "http"),
        (("2001:db8::7", 1), [("X-Forwarded-For", "1.1.1.1"), ("X-Forwarded-For", "10.1.1.1")], ("1.1.1.1", 0), "http"),
        (LOAD_BALANCER, [("X-Forwarded-For", "1.1.1.1, unknown, 10.0.0.7")], ("10.0.0.7", 0), "http"),
        (LOAD_BALANCER, [("X-Forwarded-For", "10.0.0.8, 10.0.0.7")], ("10.0.0.8", 0), "http"),
        (LOAD_BALANCER, [("X-Forwarded-Proto", "HTTPS")], LOAD_BALANCER, "https"),
        (LOAD_BALANCER, [("X-Forwarded-Proto", "gopher")], LOAD_BALANCER, "http"),
        # The proxy the client spoke to appended the first value it wrote; the client's own claim is to its left.
        (LOAD_BALANCER, [("X-Forwarded-For", "1.1.1.1"), ("X-Forwarded-Proto", "https, http")], ("1.1.1.1", 0), "http"),
        (
            LOAD_BALANCER,
            [("X-Forwarded-For", "1.1.1.1, 10.0.0.7"), ("X-Forwarded-Proto", "http, https, http")],
            ("1.1.1.1", 0),
            "https",
        ),
        (("192.0.2.1", 9), [("X-Forwarded-For", "1.1.1.1"), ("X-Forwarded-Proto", "https")], ("192.0.2.1", 9), "http"),
        (None, [("X-Forwarded-For", "1.1.1.1")], None, "http"),
    ],
)
def test_the_client_and_scheme_read_through_trusted_proxies(
    peer: tuple[str, int] | None, headers: list[tuple[str, str]], client: tuple[str, int] | None, scheme: str
) -> None:
    resolved = forwarded(_scope(peer, *headers), PROXIES)
    assert (resolved["client"], resolved["scheme"]) == (client, scheme)


def test_websockets_get_their_own_scheme() -> None:
    resolved = forwarded(_scope(LOAD_BALANCER, ("X-Forwarded-Proto", "https"), kind="websocket"), PROXIES)
    assert resolved["scheme"] == "wss"


def test_the_setting_is_comma_separated_addresses_and_networks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REMIT_TRUSTED_PROXIES", raising=False)
    assert Settings().trusted_proxies == ()
    monkeypatch.setenv("REMIT_TRUSTED_PROXIES", "10.0.0.0/8, 127.0.0.1,2001:db8::/32")
    expected = (ip_network("10.0.0.0/8"), ip_network("127.0.0.1/32"), ip_network("2001:db8::/32"))
    assert Settings().trusted_proxies == expected
    for wrong in ("10.0.0.1/8", "lb.internal"):
        monkeypatch.setenv("REMIT_TRUSTED_PROXIES", wrong)
        with pytest.raises(ConfigError, match=r"^Invalid configuration: REMIT_TRUSTED_PROXIES must list IP"):
            load_settings()
