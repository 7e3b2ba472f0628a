"""The customer portal's web app: `/pay/{slug}` and every page under it answer the SPA's index.html (deep links
survive a reload); its hashed files are served from `/portal-assets/` for a year. Pages get a strict CSP and may
not be framed, except a pay link's page, which the Pay button opens in an overlay on the partner's own site."""

from __future__ import annotations

import html
from pathlib import Path
from urllib.parse import quote

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

ASSETS = "portal-assets"

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


class _ImmutableFiles(StaticFiles):
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


def preloads(path: str) -> str:
    """`<link rel=preload>` for the API answers the page will need at once: the partner's branding, the session, and
    on the invoice list its first page. Same URL, mode and credentials as the app's own fetch, so it is reused.
    (Preloading the screen's code as well made no measurable difference: bench/README.md.)"""
    parts = path.split("/")
    slug = quote(parts[2], safe="") if len(parts) > 2 else ""
    if not slug:
        return ""
    urls = [f"/portal/v1/partners/{slug}"]
    rest = [p for p in parts[3:] if p]
    if rest[:1] != ["invoice"]:  # a pay link's page has no session to ask about
        urls.append("/portal/v1/me")
    if rest == ["invoices"]:
        urls.append(FIRST_INVOICE_PAGE)
    return "".join(f'<link rel="preload" as="fetch" crossorigin="anonymous" href="{html.escape(url)}">' for url in urls)


class _Index:
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
    index = _Index(dist / "index.html")
    assets = dist / ASSETS
    if assets.is_dir():
        app.mount(f"/{ASSETS}", _ImmutableFiles(directory=assets), name=ASSETS)
    router = APIRouter(include_in_schema=False)

    async def page(request: Request) -> Response:
        frameable = request.url.path.split("/")[3:4] == ["invoice"]
        built = index.text()
        if built is None:
            return HTMLResponse(NOT_BUILT, status_code=503, headers=_page_headers(frameable=False))
        page_html = built.replace("</head>", preloads(request.url.path) + "</head>", 1)
        return HTMLResponse(page_html, headers=_page_headers(frameable=frameable))

    router.add_api_route("/pay/{slug}", page, methods=["GET", "HEAD"])
    router.add_api_route("/pay/{slug}/{rest:path}", page, methods=["GET", "HEAD"])
    app.include_router(router)
