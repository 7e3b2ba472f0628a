"""A partner's logo: uploaded as the file itself, cleaned (PNG/JPEG encoded again, SVG stripped to drawing), served
to anyone by its content hash with a year-long cache, and used by the portal's branding."""

from __future__ import annotations

import hashlib
import io
import secrets

import httpx
import pytest
from PIL import Image

from tests.conftest import Tenant

URL = "/v1/settings/branding/logo"


def png(
    size: tuple[int, int] = (120, 40), *, trailer: bytes = b"", colour: tuple[int, int, int] = (31, 79, 209)
) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG", pnginfo=_comment())
    return out.getvalue() + trailer


def _comment() -> object:
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", "taken at 10 Secret Street")
    return info


ENTITY_SVG = b'<!DOCTYPE svg [<!ENTITY x "y">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>'
HOSTILE_SVG = b"""<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 9 9" onload="a()">
  <script>alert(2)</script>
  <style>@import url(https://evil.example/x.css);</style>
  <foreignObject><iframe src="https://evil.example"/></foreignObject>
  <a href="javascript:alert(3)"><rect width="10" height="10"/></a>
  <image href="https://evil.example/track.png"/>
  <use xlink:href="https://evil.example/sprite.svg#x"/>
  <circle cx="5" cy="5" r="4" fill="url(#g)" stroke="url(https://evil.example/p)" onclick="alert(4)"/>
  <linearGradient id="g"><stop offset="0" stop-color="#1F4FD1"/></linearGradient>
</svg>"""


async def test_a_png_is_cleaned_stored_and_served_by_its_hash(client: httpx.AsyncClient) -> None:
    original = png(trailer=b"<script>appended</script>")
    r = await client.put(URL, content=original, headers={"Content-Type": "image/png"})
    assert r.status_code == 200, r.text
    logo = r.json()
    assert (logo["content_type"], logo["width"], logo["height"]) == ("image/png", 120, 40)
    assert logo["url"].endswith(f"/branding/logos/{logo['sha256']}.png")

    served = await client.get(logo["url"].split("remit.test")[-1] if "remit.test" in logo["url"] else logo["url"])
    assert served.status_code == 200 and served.headers["content-type"] == "image/png"
    assert served.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert hashlib.sha256(served.content).hexdigest() == logo["sha256"] and len(served.content) == logo["size"]
    assert b"appended" not in served.content and b"Secret Street" not in served.content  # encoded again
    assert Image.open(io.BytesIO(served.content)).size == (120, 40)

    again = (await client.get(URL)).json()
    assert again == logo


async def test_an_svg_keeps_only_its_drawing(client: httpx.AsyncClient) -> None:
    r = await client.put(URL, content=HOSTILE_SVG, headers={"Content-Type": "image/svg+xml"})
    assert r.status_code == 200, r.text
    path = "/branding/logos/" + r.json()["url"].rsplit("/", 1)[-1]
    served = await client.get(path)
    body = served.content.decode()
    for gone in ("script", "onload", "onclick", "foreignObject", "iframe", "style", "javascript:", "evil.example"):
        assert gone not in body, gone
    assert "<circle" in body and 'fill="url(#g)"' in body and "linearGradient" in body  # the drawing stays
    assert "sandbox" in served.headers["content-security-policy"]


@pytest.mark.parametrize(
    ("body", "content_type", "status", "code"),
    [
        (b"<html>hi</html>", "text/html", 415, "unsupported_media_type"),
        (b"not a png at all", "image/png", 400, "invalid_logo"),
        (b"", "image/png", 400, "invalid_logo"),
        (b"<svg", "image/svg+xml", 400, "invalid_logo"),
        (
            b'<!DOCTYPE svg [<!ENTITY x "y">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>',
            "image/svg+xml",
            400,
            "invalid_logo",
        ),
        (png((5000, 10)), "image/png", 400, "invalid_logo"),
        (b"\x89PNG" + b"\0" * (600 * 1024), "image/png", 413, "logo_too_large"),
    ],
)
async def test_bad_files_are_refused_and_change_nothing(
    client: httpx.AsyncClient, body: bytes, content_type: str, status: int, code: str
) -> None:
    r = await client.put(URL, content=body, headers={"Content-Type": content_type})
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json") and r.json()["code"] == code
    assert (await client.get(URL)).status_code == 404


async def test_the_portal_uses_the_uploaded_logo_and_falls_back_when_removed(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await client.patch("/v1/settings/portal", json={"logo_url": "https://cdn.example/logo.png"})
    own = png(colour=tuple(secrets.token_bytes(3)))  # type: ignore[arg-type]  # no other partner has these bytes
    uploaded = (await client.put(URL, content=own, headers={"Content-Type": "image/png"})).json()
    branding = (await client.get(f"/portal/v1/partners/{tenant.slug}")).json()
    assert branding["logo_url"] == uploaded["url"]

    assert (await client.delete(URL)).status_code == 204
    assert (await client.get(f"/portal/v1/partners/{tenant.slug}")).json()["logo_url"] == "https://cdn.example/logo.png"
    assert (await client.get("/branding/logos/" + uploaded["url"].rsplit("/", 1)[-1])).status_code == 404
    assert (await client.delete(URL)).status_code == 404


async def test_unknown_names_are_404(client: httpx.AsyncClient) -> None:
    for name in ("0" * 64 + ".png", "../etc/passwd", "abc.png", "0" * 64 + ".exe"):
        assert (await client.get(f"/branding/logos/{name}")).status_code == 404, name
