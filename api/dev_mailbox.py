"""/dev/mailbox: the emails the app queued and sent, readable in a browser. Mounted outside production only.

Rows still queued are rendered when viewed (adapters/mail/mailbox.py), so a person (or an end-to-end test reading
/dev/mailbox.json) sees the content before delivery has run. Bodies of sign-in codes and account links sent
through SMTP were blanked after delivery; those show their subject only.
"""

from __future__ import annotations

from html import escape
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse

from adapters.mail.mailbox import Shown, newest, one
from api.deps import get_container

router = APIRouter(prefix="/dev", include_in_schema=False)

NEWEST = 100
REDACTED = "(Removed after delivery: this email held a sign-in code or a link that opens an account.)"


async def _newest(request: Request, to: str | None) -> list[Shown]:
    return await newest(get_container(request).sessions, to, limit=NEWEST)


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(
        status_code=status,
        content=f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<style>
body {{ font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, sans-serif; margin: 24px; color: #111827; }}
table {{ border-collapse: collapse; width: 100%; font-size: 14px; }}
th, td {{ text-align: left; padding: 6px 10px; border-bottom: 1px solid #e5e7eb; vertical-align: top; }}
th {{ background: #f9fafb; }}
.status-failed {{ color: #b91c1c; }} .status-queued {{ color: #92400e; }}
pre {{ white-space: pre-wrap; background: #f9fafb; padding: 12px; border: 1px solid #e5e7eb; }}
iframe {{ width: 100%; height: 720px; border: 1px solid #e5e7eb; }}
.muted {{ color: #6b7280; }}
</style></head><body>{body}</body></html>""",
    )


@router.get("/mailbox", response_class=HTMLResponse)
async def mailbox(request: Request, to: str | None = None) -> HTMLResponse:
    emails = await _newest(request, to)
    rows = "".join(
        f"<tr><td>{escape(e.created_at.strftime('%Y-%m-%d %H:%M:%S'))}</td><td>{escape(e.to)}</td>"
        f"<td>{escape(e.template)}</td>"
        f'<td><a href="/dev/mailbox/{quote(e.id)}">{escape(e.subject)}</a></td>'
        f'<td class="status-{escape(e.status)}">{escape(e.status)}</td></tr>'
        for e in emails
    )
    filtered = f" to {escape(to)} (<a href='/dev/mailbox'>show all</a>)" if to else ""
    json_link = "/dev/mailbox.json" + (f"?to={quote(to)}" if to else "")
    body = f"""<h1>Mailbox</h1>
<p class="muted">The newest {NEWEST} emails{filtered}, newest first. Nothing here left this machine unless its
status is <em>sent</em>. <a href="{escape(json_link)}">JSON</a></p>
<form method="get"><label>To <input name="to" type="email" value="{escape(to or "")}"></label>
<button>Filter</button></form>
<table><thead><tr><th>Queued (UTC)</th><th>To</th><th>Template</th><th>Subject</th><th>Status</th></tr></thead>
<tbody>{rows or '<tr><td colspan="5" class="muted">No emails yet.</td></tr>'}</tbody></table>"""
    return _page("Mailbox", body)


@router.get("/mailbox.json")
async def mailbox_json(request: Request, to: str | None = None) -> JSONResponse:
    return JSONResponse([e.as_json() for e in await _newest(request, to)])


def _with_links_opening_outside(html: str) -> str:
    """Links in the preview open in a new tab instead of inside the sandboxed frame."""
    base = '<base target="_blank">'
    return html.replace("<head>", "<head>" + base, 1) if "<head>" in html else base + html


@router.get("/mailbox/{email_id}", response_class=HTMLResponse)
async def message(request: Request, email_id: str) -> HTMLResponse:
    e = await one(get_container(request).sessions, email_id)
    if e is None:
        return _page("Not found", "<h1>No such email</h1><p><a href='/dev/mailbox'>Back to the mailbox</a></p>", 404)
    facts = [
        ("To", e.to),
        ("Template", e.template),
        ("Status", e.status),
        ("Queued", e.created_at.isoformat()),
        ("Sent", e.sent_at.isoformat() if e.sent_at else "-"),
    ]
    if e.error:
        facts.append(("Error", e.error))
    table = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in facts)
    if e.html:
        # srcdoc holds the whole document as an attribute, so quotes are escaped too; without allow-scripts the
        # sandbox runs no script the email might carry.
        srcdoc = escape(_with_links_opening_outside(e.html), quote=True)
        frame = (
            f'<iframe title="HTML body" sandbox="allow-popups allow-popups-to-escape-sandbox" '
            f'srcdoc="{srcdoc}"></iframe>'
        )
    else:
        frame = f'<p class="muted">{escape(REDACTED if e.status == "sent" else "No HTML body.")}</p>'
    text = e.text if e.text is not None else REDACTED
    body = f"""<p><a href="/dev/mailbox">&larr; Mailbox</a></p>
<h1>{escape(e.subject)}</h1>
<table>{table}</table>
<h2>HTML</h2>{frame}
<h2>Plain text</h2><pre>{escape(text)}</pre>"""
    return _page(e.subject, body)
