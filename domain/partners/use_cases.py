"""Operator use cases: partners and API keys."""

from __future__ import annotations

from dataclasses import dataclass

from domain.api_keys.model import ApiKey, KeyScope
from domain.clock import Clock
from domain.errors import Conflict, ErrorCode, NotFound
from domain.partners.model import Partner, normalize_slug
from domain.ports import PlatformUnitOfWork


@dataclass(frozen=True, slots=True)
class CreatePartner:
    name: str
    slug: str


@dataclass(frozen=True, slots=True)
class CreateApiKey:
    partner_slug: str
    livemode: bool = False
    name: str | None = None
    body: str | None = None  # a fixed secret body (the demo's derived key); random when None
    scope: KeyScope = KeyScope.FULL
    actor: str = "operator"  # or the admin ("user:<id>") who made it in the dashboard


@dataclass(frozen=True, slots=True)
class RevokeApiKey:
    key_id: str
    partner_id: str | None = None  # when set, another partner's key reads as not found
    actor: str = "operator"


async def create_partner(cmd: CreatePartner, uow: PlatformUnitOfWork, *, clock: Clock) -> Partner:
    slug = normalize_slug(cmd.slug)
    if await uow.partners.find_by_slug(slug) is not None:
        raise Conflict(f"The slug '{slug}' is taken.", code=ErrorCode.SLUG_TAKEN, slug=slug)
    partner = Partner(name=cmd.name.strip(), slug=slug, created_at=clock.now())
    await uow.partners.add(partner)
    await uow.audit(actor="operator", action="partner.created", subject=partner.id, partner_id=partner.id)
    return partner


async def create_api_key(cmd: CreateApiKey, uow: PlatformUnitOfWork, *, clock: Clock) -> tuple[ApiKey, str]:
    """Returns the key record and its secret; the secret is never stored and cannot be shown again."""
    partner = await uow.partners.by_slug(normalize_slug(cmd.partner_slug))
    key, secret = ApiKey.issue(
        partner.id, livemode=cmd.livemode, at=clock.now(), name=cmd.name, body=cmd.body, scope=cmd.scope
    )
    await uow.api_keys.add(key)
    await uow.audit(
        actor=cmd.actor,
        action="api_key.created",
        subject=key.id,
        partner_id=partner.id,
        details={"livemode": cmd.livemode, "display": key.display, "scope": key.scope.value},
    )
    return key, secret


async def revoke_api_key(cmd: RevokeApiKey, uow: PlatformUnitOfWork, *, clock: Clock) -> ApiKey:
    key = await uow.api_keys.get(cmd.key_id)
    if cmd.partner_id is not None and key.partner_id != cmd.partner_id:
        raise NotFound("api key", cmd.key_id)
    if key.active:
        key.revoked_at = clock.now()
        await uow.api_keys.revoke(key.id, key.revoked_at)
        await uow.audit(actor=cmd.actor, action="api_key.revoked", subject=key.id, partner_id=key.partner_id)
    return key
