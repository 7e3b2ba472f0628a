"""The customer portal's web app: `/pay/{slug}` and every page under it answer the SPA's index.html (deep links
survive a reload); its hashed files are served from `/portal-assets/` for a year. Pages get a strict CSP and may
not be framed, except a pay link's page, which the Pay button opens in an overlay on the partner's own site.

The page arrives already in the partner's colours, with its name in the title and a header band, so the first
paint is the partner's and not a blank page with a spinner; the app replaces the band when it starts."""

from __future__ import annotations

import html
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from domain.portal.settings import readable_text_color

ASSETS = "portal-assets"
log = logging.getLogger("remit.web_portal")

_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' https: data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors {ancestors}"
)

NOT_BUILT = """<!doctype html><html lang="en"><meta charset="utf-8"><title>Portal not built</title>
<body style="font-family:system-ui;max-width:40rem;margin:3rem auto;padding:0 1rem">
<h1>The customer portal is not built</h1>
<p>Run <code>make web</code> (or <code>make run</code>) to build it into <code>web-portal/dist</code>,
or point <code>REMIT_WEB_PORTAL_DIR</code> at a built copy.
The portal API itself works: see <a href="/docs">/docs</a>.</p>
</body></html>"""


class ImmutableFiles(StaticFiles):
    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code == 200:
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return response


def _page_headers(*, frameable: bool) -> dict[str, str]:
    return {
        "Cache-Control": "no-cache",
        "Content-Security-Policy": _CSP.format(ancestors="*" if frameable else "'none'"),
        # A pay link's token is in its path: never send it on to another site.
        "Referrer-Policy": "no-referrer" if frameable else "same-origin",
        "X-Content-Type-Options": "nosniff",
        **({} if frameable else {"X-Frame-Options": "DENY"}),
    }


# What the invoice list asks for first (web-portal/src/invoices/firstPage.ts), so the browser can fetch it with
# the page instead of after the app's code has run.
FIRST_INVOICE_PAGE = "/portal/v1/invoices?status=open&sort=due_date&limit=20"
OWED_SUMMARY = "/portal/v1/invoices/summary"  # what the list opens with (web-portal/src/invoices/OwedSummary.tsx)


def preloads(path: str) -> str:
    """`<link rel=preload>` for the API answers the page will need at once: the partner's branding, the session, and
    on the invoice list its first page and what is owed in all. Same URL, mode and credentials as the app's own
    fetch, so it is reused. (Preloading the screen's code as well made no measurable difference: bench/README.md.)"""
    parts = path.split("/")
    slug = quote(parts[2], safe="") if len(parts) > 2 else ""
    if not slug:
        return ""
    urls = [f"/portal/v1/partners/{slug}"]
    rest = [p for p in parts[3:] if p]
    if rest[:1] != ["invoice"]:  # a pay link's page has no session to ask about
        urls.append("/portal/v1/me")
    if rest == ["invoices"]:
        urls += [FIRST_INVOICE_PAGE, OWED_SUMMARY]
    return "".join(f'<link rel="preload" as="fetch" crossorigin="anonymous" href="{html.escape(url)}">' for url in urls)


_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


@dataclass(frozen=True, slots=True)
class FirstPaint:
    """What the page shows before the app runs: the partner's name and colours (as the branding API gives them)."""

    name: str
    brand: str
    on_brand: str
    accent: str


def branded(page_html: str, paint: FirstPaint | None) -> str:
    """index.html with the partner's title, colours (the CSS variables the app's styles use) and a header band in
    the root element, which React replaces on its first render. `data-partner-name` is what page titles read."""
    if paint is None:
        return page_html
    name = html.escape(paint.name, quote=True)
    colors = {"brand": paint.brand, "on-brand": paint.on_brand, "accent": paint.accent}
    style = ";".join(f"--{var}:{value}" for var, value in colors.items() if _HEX.match(value))
    head = f"<style>:root{{{style}}}</style>" + (
        f'<meta name="theme-color" content="{paint.brand}">' if _HEX.match(paint.brand) else ""
    )
    band = (
        '<div id="root"><div class="first-paint" aria-busy="true"><div class="first-paint-band">'
        f'<span class="first-paint-name">{name}</span></div></div></div>'
    )
    page_html = re.sub(r"<html\b", lambda _: f'<html data-partner-name="{name}"', page_html, count=1)
    page_html = re.sub(r"<title>[^<]*</title>", lambda _: f"<title>{name}</title>", page_html, count=1)
    return page_html.replace("</head>", head + "</head>", 1).replace('<div id="root"></div>', band, 1)


async def first_paint(request: Request, path: str) -> FirstPaint | None:
    """The partner a page's slug names, from the same tables as its branding API; none for an unknown slug (the app
    says what to do) or when the app runs without its container (tests of this module)."""
    container = getattr(request.app.state, "container", None)
    parts = path.split("/")
    if container is None or len(parts) < 3 or not parts[2]:
        return None
    try:
        async with container.uow() as uow:
            partner = await uow.partners.find_by_slug(parts[2].strip().lower())
            if partner is None:
                return None
            uow.scope_to(partner.id)
            portal = await uow.portal_settings.get()
    except Exception:  # the colours are a nicety: a page without them still works, so never fail the page
        log.exception("first paint: could not read the branding of %r", parts[2])
        return None
    return FirstPaint(
        partner.name, portal.primary_color, readable_text_color(portal.primary_color), portal.accent_color
    )


class IndexFile:
    """index.html, read again only when a rebuild changed it (so `make web` needs no restart)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._seen: tuple[int, str] | None = None

    def text(self) -> str | None:
        try:
            changed = self.path.stat().st_mtime_ns
        except FileNotFoundError:
            return None
        if self._seen is None or self._seen[0] != changed:
            self._seen = (changed, self.path.read_text(encoding="utf-8"))
        return self._seen[1]


def install(app: FastAPI, dist: Path) -> None:
    """Serve the built app from `dist`, or a page saying how to build it."""
    index = IndexFile(dist / "index.html")
    assets = dist / ASSETS
    if assets.is_dir():
        app.mount(f"/{ASSETS}", ImmutableFiles(directory=assets), name=ASSETS)
    router = APIRouter(include_in_schema=False)

    async def page(request: Request) -> Response:
        frameable = request.url.path.split("/")[3:4] == ["invoice"]
        built = index.text()
        if built is None:
            return HTMLResponse(NOT_BUILT, status_code=503, headers=_page_headers(frameable=False))
        page_html = branded(built, await first_paint(request, request.url.path))
        page_html = page_html.replace("</head>", preloads(request.url.path) + "</head>", 1)
        return HTMLResponse(page_html, headers=_page_headers(frameable=frameable))

    router.add_api_route("/pay/{slug}", page, methods=["GET", "HEAD"])
    router.add_api_route("/pay/{slug}/{rest:path}", page, methods=["GET", "HEAD"])
    app.include_router(router)
