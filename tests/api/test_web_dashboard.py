"""The partner dashboard is served at /dashboard: every page under it (the emailed links' pages too) answers
index.html, its assets are cached for a year, it may never be framed, and a missing build says how to build it."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from adapters.settings import WEB_PARTNER_DIST, Settings
from api import web_dashboard

INDEX = (
    '<!doctype html><html><head><script type="module" src="/dashboard-assets/index-abc.js"></script></head>'
    '<body><div id="root"></div></body></html>'
)


def _client(dist: Path) -> httpx.AsyncClient:
    app = FastAPI()
    web_dashboard.install(app, dist)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://remit.test")


@pytest.fixture
async def built(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    (tmp_path / "dashboard-assets").mkdir()
    (tmp_path / "index.html").write_text(INDEX)
    (tmp_path / "dashboard-assets" / "index-abc.js").write_text("console.log('dashboard')")
    async with _client(tmp_path) as client:
        yield client


@pytest.mark.parametrize(
    "path",
    [
        "/dashboard",
        "/dashboard/",
        "/dashboard/customers",
        "/dashboard/customers/cus_1?tag=vip&page=abc",
        "/dashboard/settings/team",
        "/dashboard/accept-invitation",
        "/dashboard/reset-password",
        "/dashboard/no/such/page",
    ],
)
async def test_every_dashboard_page_answers_the_app(built: httpx.AsyncClient, path: str) -> None:
    response = await built.get(path)
    assert response.status_code == 200
    assert response.text == INDEX.replace("</head>", web_dashboard.PRELOAD + "</head>")
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["cache-control"] == "no-cache"


async def test_a_head_request_answers_too(built: httpx.AsyncClient) -> None:
    assert (await built.head("/dashboard/customers")).status_code == 200


async def test_pages_refuse_framing_and_scripts_from_elsewhere(built: httpx.AsyncClient) -> None:
    response = await built.get("/dashboard/settings/api-keys")
    csp = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp
    assert "connect-src 'self'" in csp
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "same-origin"
    assert response.headers["x-content-type-options"] == "nosniff"


async def test_assets_are_cached_for_a_year(built: httpx.AsyncClient) -> None:
    response = await built.get("/dashboard-assets/index-abc.js")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert (await built.get("/dashboard-assets/missing.js")).status_code == 404


async def test_a_rebuild_is_served_without_a_restart(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text(INDEX)
    async with _client(tmp_path) as client:
        assert "index-abc.js" in (await client.get("/dashboard")).text
        newer = INDEX.replace("index-abc.js", "index-def.js")
        (tmp_path / "index.html").write_text(newer)
        stat = (tmp_path / "index.html").stat()
        os.utime(tmp_path / "index.html", ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
        assert "index-def.js" in (await client.get("/dashboard/customers")).text


async def test_a_missing_build_says_how_to_build_it(tmp_path: Path) -> None:
    async with _client(tmp_path / "nothing-here") as client:
        response = await client.get("/dashboard/customers")
    assert response.status_code == 503
    assert "make web" in response.text
    assert "REMIT_WEB_PARTNER_DIR" in response.text
    assert response.headers["x-frame-options"] == "DENY"


def test_the_setting_defaults_to_the_build_and_can_be_pointed_elsewhere(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings().web_partner_dir == WEB_PARTNER_DIST
    assert WEB_PARTNER_DIST.parts[-2:] == ("web-partner", "dist")
    monkeypatch.setenv("REMIT_WEB_PARTNER_DIR", "/srv/dashboard")
    assert Settings().web_partner_dir == Path("/srv/dashboard")


async def test_the_app_serves_the_dashboard(app_client: httpx.AsyncClient) -> None:
    """The real app (with or without a build): /dashboard pages are never a 404 or a 500."""
    response = await app_client.get("/dashboard/settings/team")
    assert response.status_code in (200, 503)
    assert response.headers["x-frame-options"] == "DENY"


async def test_the_app_serves_the_real_build_when_present() -> None:
    """The built dashboard (make web): its page names only scripts that are served, as JavaScript."""
    if not (WEB_PARTNER_DIST / "index.html").is_file():
        pytest.skip("web-partner/dist is not built (make web)")
    async with _client(WEB_PARTNER_DIST) as client:
        page = await client.get("/dashboard/customers")
        assert page.status_code == 200
        scripts = [part.split('"')[1] for part in page.text.split("src=")[1:]]
        assert any(src.startswith("/dashboard-assets/") for src in scripts)
        for src in scripts:
            if src.startswith("/dashboard-assets/"):
                asset = await client.get(src)
                assert asset.status_code == 200, src
                assert "javascript" in asset.headers["content-type"]
