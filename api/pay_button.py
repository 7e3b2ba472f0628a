"""The Pay button partners embed on their own sites: `/pay-button.js` (web-portal/pay-button/, no build step) and a
demo page at `/pay-button/demo` that shows it for a partner and pay link and explains the snippet."""

from __future__ import annotations

import hashlib
import re
import secrets
from functools import lru_cache
from html import escape
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import get_container

SCRIPT = Path(__file__).resolve().parents[1] / "web-portal" / "pay-button" / "pay-button.js"

router = APIRouter(include_in_schema=False)

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
TOKEN = re.compile(r"^[\w.-]{1,256}$")


@lru_cache(maxsize=1)
def _script() -> tuple[bytes, str]:
    body = SCRIPT.read_bytes()
    return body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


@router.api_route("/pay-button.js", methods=["GET", "HEAD"])
async def script(request: Request) -> Response:
    if not SCRIPT.is_file():  # an image built without web-portal/pay-button/
        return Response("pay-button.js is not part of this installation.", status_code=404, media_type="text/plain")
    body, etag = _script()
    headers = {
        # The URL is not versioned: browsers keep it five minutes, then revalidate cheaply with the ETag.
        "Cache-Control": "public, max-age=300, stale-while-revalidate=86400",
        "ETag": etag,
        "Cross-Origin-Resource-Policy": "cross-origin",  # loadable by sites that require CORP (COEP)
        "Access-Control-Allow-Origin": "*",  # and with <script crossorigin integrity=…>
        "X-Content-Type-Options": "nosniff",
    }
    if etag in [t.strip() for t in request.headers.get("if-none-match", "").split(",")]:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="text/javascript; charset=utf-8", headers=headers)


def _choice(value: str | None, allowed: tuple[str, ...]) -> str:
    return value if value in allowed else allowed[0]


@router.get("/pay-button/demo")
async def demo(
    request: Request,
    partner: str = "",
    invoice: str = "",
    label: str = "Pay invoice",
    theme: str = "light",
    mode: str = "tab",
) -> HTMLResponse:
    base = get_container(request).settings.base_url
    partner = partner.strip().lower()
    invoice = invoice.strip()
    label = " ".join(label.split())[:60] or "Pay invoice"
    theme = _choice(theme, ("light", "dark"))
    mode = _choice(mode, ("tab", "overlay"))
    valid = bool(SLUG.match(partner)) and (not invoice or bool(TOKEN.match(invoice)))
    attrs = (
        f'data-partner="{escape(partner)}"'
        + (f' data-invoice="{escape(invoice)}"' if invoice else "")
        + f' data-label="{escape(label)}" data-theme="{theme}"'
    )
    overlay = ' data-mode="overlay"' if mode == "overlay" else ""
    snippet = f'<script src="{base}/pay-button.js" {attrs}{overlay}></script>'
    if valid:
        live = f"""<section class="stage {theme}" aria-labelledby="try">
  <h2 id="try">Try it</h2>
  <p>In a new tab:</p>
  <p><script src="/pay-button.js" {attrs}></script></p>
  <p>In an overlay on this page{"" if invoice else " (needs a pay-link token; without one it opens a tab)"}:</p>
  <p><script src="/pay-button.js" {attrs} data-mode="overlay"></script></p>
</section>"""
    else:
        live = (
            '<p class="note">Give a partner slug (and, to open one invoice, its pay-link token) to see the button.</p>'
            if not partner
            else '<p class="note" role="alert">That is not a partner slug or a pay-link token.</p>'
        )
    nonce = secrets.token_urlsafe(16)
    page = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Pay button demo - Remit</title>
<style nonce="{nonce}">
body{{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:46rem;margin:2rem auto;
padding:0 1rem;color:#111827}}
code,pre{{font:14px/1.45 ui-monospace,SFMono-Regular,Menlo,monospace}}
pre{{background:#f3f4f6;padding:1rem;border-radius:8px;overflow-x:auto;white-space:pre-wrap;word-break:break-all}}
.stage{{padding:1rem 1.5rem;border-radius:12px;border:1px solid #d1d5db}}
.stage.dark{{background:#111827;color:#f9fafb;border-color:#111827}}
form{{display:grid;gap:.75rem;grid-template-columns:repeat(auto-fit,minmax(12rem,1fr));align-items:end}}
label{{display:grid;gap:.25rem;font-weight:600}}
input,select,button{{font:inherit;padding:.5rem;border:1px solid #6b7280;border-radius:6px}}
button{{background:#111827;color:#fff;cursor:pointer}}
.sr{{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}}
.note{{padding:.75rem 1rem;background:#fef3c7;border-radius:8px}}
table{{border-collapse:collapse}} td,th{{text-align:left;vertical-align:top;padding:.35rem .75rem .35rem 0}}
th{{white-space:nowrap}}
</style>
</head>
<body>
<main>
<h1>The Pay button</h1>
<p>Put a button on your own website that lets a customer pay an invoice in your Remit portal. Paste this where the
button should appear (it works on any site and needs nothing else):</p>
<pre><code>{escape(snippet)}</code></pre>
<table>
<caption class="sr">Attributes</caption>
<tr><th scope="row"><code>data-partner</code></th>
<td>your portal's slug (the <code>/pay/…</code> part of your billing link)</td></tr>
<tr><th scope="row"><code>data-invoice</code></th><td>the invoice's pay-link token (the last part of its pay link,
from <code>POST /v1/invoices/{{id}}/pay-link</code>); without it the button opens your portal's sign-in</td></tr>
<tr><th scope="row"><code>data-label</code></th><td>the button's text (default “Pay invoice”)</td></tr>
<tr><th scope="row"><code>data-theme</code></th>
<td><code>light</code> or <code>dark</code>: the background the button sits on</td></tr>
<tr><th scope="row"><code>data-mode</code></th><td><code>overlay</code> opens the payment page in a dialog on your
page instead of a new tab (Escape closes it)</td></tr>
<tr><th scope="row"><code>data-target</code></th><td>optional CSS selector of the element to put the button in</td></tr>
</table>
<p>The button uses your portal's primary colour with the text colour that reads best on it. When the invoice is
paid in the overlay, the page gets a <code>remit:paid</code> event. If your site sends a Content-Security-Policy,
allow <code>{escape(base)}</code> in <code>script-src</code> and <code>connect-src</code>, and for the overlay in
<code>frame-src</code>.</p>
<h2>Preview</h2>
<form method="get" action="/pay-button/demo">
<label>Partner slug <input name="partner" value="{escape(partner)}" autocomplete="off" required></label>
<label>Pay-link token <input name="invoice" value="{escape(invoice)}" autocomplete="off"></label>
<label>Label <input name="label" value="{escape(label)}" maxlength="60"></label>
<label>Theme <select name="theme">{
        "".join(f'<option value="{t}"{" selected" if t == theme else ""}>{t}</option>' for t in ("light", "dark"))
    }</select></label>
<label>Snippet mode <select name="mode">{
        "".join(f'<option value="{m}"{" selected" if m == mode else ""}>{m}</option>' for m in ("tab", "overlay"))
    }</select></label>
<button type="submit">Show</button>
</form>
{live}
</main>
</body>
</html>"""
    return HTMLResponse(
        page,
        headers={
            "Content-Security-Policy": f"default-src 'self'; script-src 'self'; style-src 'self' 'nonce-{nonce}'; "
            "img-src 'self' data:; frame-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
            "form-action 'self'; frame-ancestors 'none'",
            "Cache-Control": "no-cache",
            "Referrer-Policy": "no-referrer",  # the pay-link token is in this page's URL
            "X-Content-Type-Options": "nosniff",
        },
    )
