"""The portal's emails through a real SMTP server: codes and links are read from the received mail."""

from __future__ import annotations

import dataclasses
import re
from email.message import EmailMessage

import httpx

from adapters.bootstrap import Container
from adapters.mail.smtp import SmtpMailer
from api.app import create_app
from tests.conftest import Tenant
from tests.factories import make_customer
from tests.mail_server import smtp_server
from workers.queue import InProcessQueue


def _text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


async def test_code_sign_in_access_request_and_approval_through_smtp(
    client: httpx.AsyncClient, container: Container, tenant: Tenant
) -> None:
    async with smtp_server() as mail:
        live = dataclasses.replace(
            container,
            mailer=SmtpMailer.from_url(f"smtp://127.0.0.1:{mail.port}", mail_from="Remit <no-reply@remit.test>"),
        )
        queue = InProcessQueue(live)
        live.queue = queue
        app = create_app(live)
        transport = httpx.ASGITransport(app=app)
        await make_customer(client, email="ap@acme.example")
        r = await client.patch("/v1/settings/portal", json={"notification_emails": ["ar@partner.example"]})
        assert r.status_code == 200
        async with httpx.AsyncClient(transport=transport, base_url="http://remit.test") as b:
            await b.post(f"/portal/v1/partners/{tenant.slug}/sign-in/code", json={"email": "ap@acme.example"})
            code = re.search(r"\b(\d{6})\b", _text(await mail.wait_for("ap@acme.example")))
            assert code is not None
            r = await b.post(
                f"/portal/v1/partners/{tenant.slug}/sign-in/verify",
                json={"email": "ap@acme.example", "code": code.group(1)},
            )
            assert r.status_code == 200 and r.json()["status"] == "signed_in", r.text
        async with httpx.AsyncClient(transport=transport, base_url="http://remit.test") as stranger:
            await stranger.post(f"/portal/v1/partners/{tenant.slug}/sign-in/code", json={"email": "new@buyer.example"})
            code = re.search(r"\b(\d{6})\b", _text(await mail.wait_for("new@buyer.example")))
            assert code is not None
            r = await stranger.post(
                f"/portal/v1/partners/{tenant.slug}/sign-in/verify",
                json={"email": "new@buyer.example", "code": code.group(1)},
            )
            stranger.headers["X-CSRF-Token"] = r.json()["csrf_token"]
            info = {"company_name": "Buyer Co", "contact_name": "Nina", "phone": "555-0101", "address": "1 Main St"}
            filed = await stranger.post("/portal/v1/access-requests", json=info)
            assert filed.status_code == 201, filed.text
            assert "Buyer Co" in _text(await mail.wait_for("ar@partner.example"))
            async with httpx.AsyncClient(
                transport=transport, base_url="http://remit.test", headers={"Authorization": f"Bearer {tenant.api_key}"}
            ) as partner:
                approved = await partner.post(
                    f"/v1/access-requests/{filed.json()['id']}/approve", json={"new_customer": {"name": "Buyer Co"}}
                )
            assert approved.status_code == 200
            await queue.drain()
            link_mail = [m for m in mail.to("new@buyer.example") if "#token=" in _text(m)]
            assert link_mail, [m["Subject"] for m in mail.to("new@buyer.example")]
            token = re.search(r"#token=([A-Za-z0-9_\-]+)", _text(link_mail[-1]))
            assert token is not None
            r = await stranger.post("/portal/v1/sign-in/link", json={"token": token.group(1)})
            assert r.status_code == 200 and r.json()["status"] == "signed_in", r.text
        await queue.drain()
