"""/dev/mailbox: every queued email readable in the browser and as JSON outside production, absent in it."""

from __future__ import annotations

import html
import uuid

import httpx

from adapters.bootstrap import Container, build
from adapters.settings import Settings
from api.app import create_app
from domain.mail import Email, Template
from tests.conftest import Tenant
from tests.mail_server import queue_emails
from workers.emails import deliver_emails
from workers.queue import InProcessQueue


def _address() -> str:
    return f"mailbox-{uuid.uuid4().hex[:10]}@acme.example"


async def test_a_queued_email_is_readable_before_delivery(
    app_client: httpx.AsyncClient, container: Container, tenant: Tenant
) -> None:
    to = _address()
    [ident] = await queue_emails(
        container,
        Email(
            to=to,
            template=Template.SIGN_IN_CODE,
            context={"code": "731842", "minutes": 10},
            partner_id=tenant.partner_id,
        ),
    )

    listing = await app_client.get("/dev/mailbox")
    assert listing.status_code == 200 and listing.headers["content-type"].startswith("text/html")
    assert to in listing.text and "Your sign-in code for Partner" in listing.text and "queued" in listing.text
    assert f"/dev/mailbox/{ident}" in listing.text

    filtered = await app_client.get("/dev/mailbox", params={"to": to.upper()})
    assert filtered.status_code == 200 and to in filtered.text
    other = await app_client.get("/dev/mailbox", params={"to": "nobody@acme.example"})
    assert to not in other.text and "No emails yet" in other.text

    page = await app_client.get(f"/dev/mailbox/{ident}")
    assert page.status_code == 200
    assert "731842" in page.text  # in the plain-text part, rendered on view
    assert 'sandbox="allow-popups allow-popups-to-escape-sandbox"' in page.text and "srcdoc=" in page.text

    data = await app_client.get("/dev/mailbox.json", params={"to": to})
    assert data.status_code == 200
    [email] = data.json()
    assert set(email) == {"id", "to", "template", "subject", "status", "text", "html", "created_at"}
    assert (email["id"], email["to"], email["template"], email["status"]) == (ident, to, "sign_in_code", "queued")
    assert "731842" in email["text"] and "731842" in email["html"]

    await deliver_emails(InProcessQueue(container).context, ids=[ident])  # the outbox mailer: stored, kept
    [stored] = (await app_client.get("/dev/mailbox.json", params={"to": to})).json()
    assert stored["status"] == "stored" and "731842" in stored["text"]


async def test_newest_first(app_client: httpx.AsyncClient, container: Container, tenant: Tenant) -> None:
    to = _address()
    first = await queue_emails(
        container, Email(to=to, template=Template.PASSWORD_CHANGED, partner_id=tenant.partner_id)
    )
    second = await queue_emails(
        container,
        Email(to=to, template=Template.PASSWORD_RESET, context={"reset_url": "https://x.example/r", "minutes": 60}),
    )
    listed = (await app_client.get("/dev/mailbox.json", params={"to": to})).json()
    assert [e["id"] for e in listed] == second + first


async def test_the_html_body_cannot_escape_its_frame(
    app_client: httpx.AsyncClient, container: Container, tenant: Tenant
) -> None:
    to = _address()
    attack = '"><script>alert(1)</script>'
    [ident] = await queue_emails(
        container,
        Email(
            to=to,
            template=Template.ACCESS_REQUEST_PENDING,
            context={"contact_name": attack, "company_name": attack},
            partner_id=tenant.partner_id,
        ),
    )
    page = await app_client.get(f"/dev/mailbox/{ident}")
    assert "<script>" not in page.text
    start = page.text.index('srcdoc="') + len('srcdoc="')
    srcdoc = html.unescape(page.text[start : page.text.index('"', start)])
    assert srcdoc.startswith("<!DOCTYPE html>") and '<base target="_blank">' in srcdoc
    assert "&lt;script&gt;" in srcdoc and "<script>" not in srcdoc  # escaped once by the template, kept so
    assert attack in page.text.replace("&quot;", '"').replace("&gt;", ">").replace("&lt;", "<")  # the text part


async def test_an_email_that_cannot_render_says_why(
    app_client: httpx.AsyncClient, container: Container, tenant: Tenant
) -> None:
    to = _address()
    [ident] = await queue_emails(container, Email(to=to, template=Template.PORTAL_INVITE, partner_id=tenant.partner_id))
    page = await app_client.get(f"/dev/mailbox/{ident}")
    assert page.status_code == 200 and "cannot be rendered" in page.text
    assert (await app_client.get("/dev/mailbox/eml_nothing")).status_code == 404


async def test_no_mailbox_in_production(db_url: str) -> None:
    settings = Settings(database_url=db_url, env="production", secret_key="p" * 40)
    container = build(settings)
    try:
        app = create_app(container)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://remit.test") as client:
            for path in ("/dev/mailbox", "/dev/mailbox.json", "/dev/mailbox/eml_x"):
                assert (await client.get(path)).status_code == 404, path
            assert (await client.get("/health")).status_code == 200
        assert not any(getattr(r, "path", "").startswith("/dev") for r in app.routes)
    finally:
        await container.close()
