"""/pay-button.js and /pay-button/demo: served for other sites, small, cacheable; the branding it reads is CORS-open."""

from __future__ import annotations

import gzip
import shutil
import subprocess
from collections.abc import AsyncIterator

import httpx
import pytest

from adapters.bootstrap import build
from adapters.settings import Settings
from api.app import create_app
from api.pay_button import SCRIPT
from tests.conftest import Tenant, make_tenant

BUDGET = 5 * 1024  # bytes, gzipped


@pytest.fixture
async def web(sqlite_url: str) -> AsyncIterator[tuple[httpx.AsyncClient, Tenant]]:
    container = build(Settings(database_url=sqlite_url, env="test", base_url="https://billing.remit.example"))
    try:
        tenant = await make_tenant(container)
        transport = httpx.ASGITransport(app=create_app(container))
        async with httpx.AsyncClient(transport=transport, base_url="http://remit.test") as client:
            yield client, tenant
    finally:
        await container.close()


async def test_the_script_is_served_for_other_sites(web: tuple[httpx.AsyncClient, Tenant]) -> None:
    client, _ = web
    r = await client.get("/pay-button.js")
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/javascript; charset=utf-8"
    assert r.headers["cross-origin-resource-policy"] == "cross-origin"
    assert r.headers["access-control-allow-origin"] == "*"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["cache-control"].startswith("public, max-age=")
    assert r.content == SCRIPT.read_bytes()
    again = await client.get("/pay-button.js", headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    head = await client.head("/pay-button.js")
    assert head.status_code == 200 and head.headers["etag"] == r.headers["etag"]


def test_the_script_is_small_and_has_no_dependencies() -> None:
    body = SCRIPT.read_bytes()
    size = len(gzip.compress(body, compresslevel=9))
    assert size <= BUDGET, f"pay-button.js is {size} bytes gzipped; the budget is {BUDGET}"
    text = body.decode()
    assert "import " not in text and "require(" not in text and "<script" not in text.split("*/", 1)[1]


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_the_script_parses() -> None:
    done = subprocess.run(["node", "--check", str(SCRIPT)], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr


async def test_the_routes_are_not_api_operations(web: tuple[httpx.AsyncClient, Tenant]) -> None:
    client, _ = web
    paths = (await client.get("/openapi.json")).json()["paths"]
    assert not [p for p in paths if p.startswith("/pay-button")]


async def test_the_demo_page_shows_the_button_and_the_snippet(web: tuple[httpx.AsyncClient, Tenant]) -> None:
    client, tenant = web
    r = await client.get(
        "/pay-button/demo",
        params={
            "partner": tenant.slug,
            "invoice": "pl_01AB.Xy-9_z",
            "label": "Pay now",
            "theme": "dark",
            "mode": "overlay",
        },
    )
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    page = r.text
    attrs = f'data-partner="{tenant.slug}" data-invoice="pl_01AB.Xy-9_z" data-label="Pay now" data-theme="dark"'
    assert f'<script src="/pay-button.js" {attrs}></script>' in page
    assert f'<script src="/pay-button.js" {attrs} data-mode="overlay"></script>' in page
    # The snippet to copy names the public URL and is shown as text.
    assert (
        f"&lt;script src=&quot;https://billing.remit.example/pay-button.js&quot; "
        f"{attrs.replace(chr(34), '&quot;')} data-mode=&quot;overlay&quot;&gt;&lt;/script&gt;" in page
    )
    csp = r.headers["content-security-policy"]
    assert "script-src 'self';" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert r.headers["referrer-policy"] == "no-referrer"


async def test_the_demo_page_explains_itself_and_reflects_nothing_raw(web: tuple[httpx.AsyncClient, Tenant]) -> None:
    client, _ = web
    bare = await client.get("/pay-button/demo")
    assert bare.status_code == 200 and "Give a partner slug" in bare.text and 'src="/pay-button.js"' not in bare.text
    evil = '"><script>alert(1)</script>'
    r = await client.get("/pay-button/demo", params={"partner": evil, "invoice": evil, "label": evil})
    assert r.status_code == 200
    assert "<script>alert(1)" not in r.text and 'src="/pay-button.js"' not in r.text
    assert "not a partner slug" in r.text


async def test_the_branding_the_button_reads_is_open_to_other_sites(web: tuple[httpx.AsyncClient, Tenant]) -> None:
    client, tenant = web
    r = await client.get(f"/portal/v1/partners/{tenant.slug}", headers={"Origin": "https://shop.example"})
    assert r.status_code == 200
    assert r.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in r.headers
    assert {"name", "primary_color", "primary_text_color"} <= set(r.json())
