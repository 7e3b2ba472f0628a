"""The portal web app is served at /pay/{slug}: deep links get index.html, assets are cached, framing is denied
except on pay-link pages, and a missing build says how to build it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from api import web_portal
from api.web_portal import FirstPaint, branded, preloads
from tests.conftest import Tenant

INDEX = '<!doctype html><html><head><script type="module" src="/portal-assets/app-abc.js"></script></head></html>'


def _client(dist: Path) -> httpx.AsyncClient:
    app = FastAPI()
    web_portal.install(app, dist)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://remit.test")


@pytest.fixture
async def built(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    (tmp_path / "portal-assets").mkdir()
    (tmp_path / "index.html").write_text(INDEX)
    (tmp_path / "portal-assets" / "app-abc.js").write_text("console.log('portal')")
    async with _client(tmp_path) as client:
        yield client


@pytest.mark.parametrize("path", ["/pay/acme", "/pay/acme/", "/pay/acme/invoices", "/pay/acme/invoices/inv_1"])
async def test_every_portal_page_answers_the_app(built: httpx.AsyncClient, path: str) -> None:
    response = await built.get(path)
    assert response.status_code == 200
    assert response.text.replace(preloads(path), "") == INDEX
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["cache-control"] == "no-cache"


async def test_pages_refuse_framing_and_scripts_from_elsewhere(built: httpx.AsyncClient) -> None:
    response = await built.get("/pay/acme/invoices")
    csp = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "same-origin"


async def test_a_pay_link_page_may_be_framed_and_never_leaks_its_token(built: httpx.AsyncClient) -> None:
    response = await built.get("/pay/acme/invoice/pl_123.abc", params={"embed": "1"})
    assert response.status_code == 200
    assert "frame-ancestors *" in response.headers["content-security-policy"]
    assert "x-frame-options" not in response.headers
    assert response.headers["referrer-policy"] == "no-referrer"


async def test_assets_are_cached_for_a_year_and_unknown_ones_are_404(built: httpx.AsyncClient) -> None:
    asset = await built.get("/portal-assets/app-abc.js")
    assert asset.status_code == 200
    assert asset.text == "console.log('portal')"
    assert "immutable" in asset.headers["cache-control"]
    missing = await built.get("/portal-assets/nope.js")
    assert missing.status_code == 404
    assert "immutable" not in missing.headers.get("cache-control", "")


async def test_an_unbuilt_app_says_how_to_build_it(tmp_path: Path) -> None:
    async with _client(tmp_path / "missing") as client:
        response = await client.get("/pay/acme/invoices")
    assert response.status_code == 503
    assert "make web" in response.text


async def test_the_app_serves_the_real_build_when_present() -> None:
    from adapters.settings import WEB_PORTAL_DIST

    if not (WEB_PORTAL_DIST / "index.html").is_file():
        pytest.skip("web-portal/dist is not built (make web)")
    async with _client(WEB_PORTAL_DIST) as client:
        page = await client.get("/pay/northwind/invoices")
        assert page.status_code == 200
        scripts = [part.split('"')[1] for part in page.text.split("src=")[1:]]
        assert any(src.startswith("/portal-assets/") for src in scripts)
        for src in scripts:
            if src.startswith("/portal-assets/"):
                asset = await client.get(src)
                assert asset.status_code == 200, src
                assert "javascript" in asset.headers["content-type"]


async def test_pages_preload_what_the_app_asks_for_first(built: httpx.AsyncClient) -> None:
    invoices = (await built.get("/pay/acme/invoices")).text
    assert '<link rel="preload" as="fetch" crossorigin="anonymous" href="/portal/v1/partners/acme">' in invoices
    assert 'href="/portal/v1/me"' in invoices
    assert 'href="/portal/v1/invoices?status=open&amp;sort=due_date&amp;limit=20"' in invoices
    assert 'href="/portal/v1/invoices/summary"' in invoices
    assert invoices.index("/portal/v1/me") < invoices.index("</head>")

    sign_in = (await built.get("/pay/acme/sign-in")).text
    assert 'href="/portal/v1/me"' in sign_in and "/portal/v1/invoices" not in sign_in

    pay_link = (await built.get("/pay/acme/invoice/pl_1.abc")).text
    assert 'href="/portal/v1/partners/acme"' in pay_link and "/portal/v1/me" not in pay_link


async def test_a_hostile_slug_cannot_write_into_the_page(built: httpx.AsyncClient) -> None:
    page = (await built.get('/pay/"><script>alert(1)<%2Fscript>/invoices')).text
    assert "<script>alert" not in page
    assert 'href="/portal/v1/partners/%22%3E%3Cscript%3Ealert%281%29%3C"' in page


SPA_INDEX = (
    '<!doctype html><html lang="en"><head><title>Pay</title></head>'
    '<body><div id="root"></div><noscript>JavaScript</noscript></body></html>'
)


def test_the_first_paint_carries_the_partners_name_and_colours() -> None:
    page = branded(SPA_INDEX, FirstPaint("Northwind IT", "#0B5FFF", "#FFFFFF", "#123456"))
    assert '<html data-partner-name="Northwind IT" lang="en">' in page
    assert "<title>Northwind IT</title>" in page
    assert "<style>:root{--brand:#0B5FFF;--on-brand:#FFFFFF;--accent:#123456}</style>" in page
    assert '<span class="first-paint-name">Northwind IT</span>' in page
    assert page.index("<style>") < page.index("</head>") < page.index('class="first-paint"')
    assert branded(SPA_INDEX, None) == SPA_INDEX


def test_a_hostile_partner_name_or_colour_cannot_write_into_the_page() -> None:
    page = branded(SPA_INDEX, FirstPaint('A"><script>x()</script>\\1 & Co', "red;}</style><b>", "#FFFFFF", "#000000"))
    assert "<script>x()" not in page and "<b>" not in page
    assert "<title>A&quot;&gt;&lt;script&gt;x()&lt;/script&gt;\\1 &amp; Co</title>" in page
    assert "--brand" not in page and "--on-brand:#FFFFFF" in page


async def test_the_served_page_is_painted_in_the_partners_colours(client: httpx.AsyncClient, tenant: Tenant) -> None:
    """The real app (with its database) knows the partner behind a slug; an unknown slug gets the plain page."""
    r = await client.patch("/v1/settings/portal", json={"primary_color": "#0B5FFF"})
    assert r.status_code == 200, r.text
    page = (await client.get(f"/pay/{tenant.slug}/sign-in")).text
    if 'id="root"' not in page:
        pytest.skip("the portal is not built")
    assert "--brand:#0B5FFF" in page and 'data-partner-name="Partner"' in page
    assert "first-paint" not in (await client.get("/pay/no-such-partner/sign-in")).text
