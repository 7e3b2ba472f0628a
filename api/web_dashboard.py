"""The partner dashboard's web app: `/dashboard` and every page under it answer the SPA's index.html (deep links and
the emailed `/dashboard/accept-invitation#token=…` and `/dashboard/reset-password#token=…` survive a reload); its
hashed files are served from `/dashboard-assets/` for a year. Pages get a strict CSP and may never be framed (the
dashboard is where money is refunded and keys are made: no clickjacking). A missing build answers a page saying how
to build it, not a 500."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import HTMLResponse, Response

from api.web_portal import ImmutableFiles, IndexFile

ASSETS = "dashboard-assets"

_HEADERS = {
    "Cache-Control": "no-cache",
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'none'"
    ),
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}

NOT_BUILT = """<!doctype html><html lang="en"><meta charset="utf-8"><title>Dashboard not built</title>
<body style="font-family:system-ui;max-width:40rem;margin:3rem auto;padding:0 1rem">
<h1>The partner dashboard is not built</h1>
<p>Run <code>make web</code> (or <code>make run</code>) to build it into <code>web-partner/dist</code>,
or point <code>REMIT_WEB_PARTNER_DIR</code> at a built copy.
The API itself works: see <a href="/docs">/docs</a>.</p>
</body></html>"""

# Who is signed in: every page asks first (web-partner/src/main.tsx), so the browser fetches it with the page.
PRELOAD = '<link rel="preload" as="fetch" crossorigin="anonymous" href="/v1/me">'


def install(app: FastAPI, dist: Path) -> None:
    """Serve the built dashboard from `dist`, or a page saying how to build it."""
    index = IndexFile(dist / "index.html")
    assets = dist / ASSETS
    if assets.is_dir():
        app.mount(f"/{ASSETS}", ImmutableFiles(directory=assets), name=ASSETS)
    router = APIRouter(include_in_schema=False)

    async def page() -> Response:
        built = index.text()
        if built is None:
            return HTMLResponse(NOT_BUILT, status_code=503, headers=_HEADERS)
        return HTMLResponse(built.replace("</head>", PRELOAD + "</head>", 1), headers=_HEADERS)

    router.add_api_route("/dashboard", page, methods=["GET", "HEAD"])
    router.add_api_route("/dashboard/{rest:path}", page, methods=["GET", "HEAD"])
    app.include_router(router)
