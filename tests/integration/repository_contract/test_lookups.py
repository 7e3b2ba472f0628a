"""What the API reads before a unit of work is scoped: which partner a custom domain, a portal link or a pay link
belongs to; and, for a team list, who ever opened a session of their own.

The fake holds none of these rows (portal settings, links, sessions), so this module runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.identity.tokens import hash_token
from domain.pay_links.model import PayLink
from domain.portal.links import LinkPurpose, PortalLink
from domain.portal.sessions import PortalSession, SessionState
from domain.portal.settings import PortalSettings
from domain.portal.users import PortalUser
from tests.integration.repository_contract.harness import AT, Store, customer, invoice, unique


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest) -> tuple[str, str | None]:
    return request.param, str(request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url"))


async def test_a_custom_domain_names_its_partner(store: Store) -> None:
    domain = unique("billing").replace("_", "-") + ".acme.example"
    async with store.open() as uow:
        await uow.portal_settings.save(PortalSettings(custom_domain=domain))
        await uow.commit()
    async with store.open() as uow:
        assert await uow.partners.id_for_domain(domain.upper()) == store.partner_id
        assert await uow.partners.id_for_domain("x" + domain) is None


async def test_portal_and_pay_links_name_their_partner(store: Store) -> None:
    token_hash = hash_token(unique("token"))
    async with store.open() as uow:
        buyer = customer(store.partner_id)
        await uow.customers.add(buyer)
        inv = invoice(store.partner_id, buyer.id)
        await uow.invoices.add(inv)
        portal_link = PortalLink(store.partner_id, LinkPurpose.SIGN_IN, token_hash, "test", AT, AT + timedelta(days=1))
        await uow.portal_links.add(portal_link)
        pay_link = PayLink(store.partner_id, inv.id, AT, AT + timedelta(days=30))
        await uow.pay_links.add(pay_link)
        await uow.commit()
    async with store.open() as uow:
        assert await uow.partners.id_for_portal_link(token_hash) == store.partner_id
        assert await uow.partners.id_for_portal_link(hash_token(unique("token"))) is None
        assert await uow.partners.id_for_pay_link(pay_link.id) == store.partner_id
        assert await uow.partners.id_for_pay_link("pl_missing") is None


async def test_who_ever_signed_in_counts_only_their_own_active_sessions(store: Store) -> None:
    people = [PortalUser(store.partner_id, f"{unique('p')}@acme.example", AT, AT) for _ in range(4)]
    active, impersonated, pending, _never_signed_in = people

    def session(user: PortalUser, state: SessionState, impersonator: str | None = None) -> PortalSession:
        return PortalSession(
            store.partner_id,
            user.email,
            state,
            hash_token(unique("token")),
            AT,
            user_id=user.id,
            impersonator=impersonator,
        )

    async with store.open() as uow:
        for person in people:
            await uow.portal_users.add(person)
        await uow.portal_sessions.add(session(active, SessionState.ACTIVE))
        await uow.portal_sessions.add(session(impersonated, SessionState.ACTIVE, impersonator="staff@partner.example"))
        await uow.portal_sessions.add(session(pending, SessionState.MFA_PENDING))
        await uow.commit()
    async with store.open() as uow:
        assert await uow.portal_users.ever_signed_in([p.id for p in people]) == {active.id}
        assert await uow.portal_users.ever_signed_in([]) == set()
