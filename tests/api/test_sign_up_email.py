"""The sign-up code email renders with what the use case queues (it failed to render when the context named the
partner differently from the template: the dashboard's sign-up then never received its code). Both databases."""

from __future__ import annotations

import httpx

from adapters.bootstrap import Container
from adapters.mail.render import Branding, render_template
from domain.mail import Template
from tests.dashboard_helpers import emails_to, fresh


async def test_the_sign_up_code_email_renders_in_both_languages(
    app_client: httpx.AsyncClient, container: Container
) -> None:
    email = fresh("founder")
    body = {"email": email, "password": "correct horse battery staple", "partner_name": "Second Venture"}
    r = await app_client.post("/v1/auth/sign-up", json={**body, "slug": email.split("@")[0]})
    assert r.status_code == 202, r.text
    [row] = await emails_to(container, email, "sign_up_code")
    for language, phrase in (("en", "open Second Venture on Remit"), ("fr", "ouvrir Second Venture sur Remit")):
        rendered = render_template(Template(row.template), row.context, Branding.platform(), language)
        assert phrase in rendered.subject
        assert "Second Venture" in rendered.text
