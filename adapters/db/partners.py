"""Partners and their API keys: platform-level rows, read before a tenant scope exists; also which partner a
public name (a billing-link slug, a custom domain) or a link found by its token belongs to."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.statements import Record, Statements
from adapters.db.tables import (
    ApiKeyRow,
    PartnerRow,
    PartnerSlugRow,
    PayLinkRow,
    PortalLinkRow,
    PortalSettingsRow,
    core,
)
from domain.api_keys.model import ApiKey, KeyScope
from domain.errors import NotFound
from domain.partners.model import Partner


def _partner(row: PartnerRow) -> Partner:
    return Partner(
        id=row.id, name=row.name, slug=row.slug, created_at=row.created_at, require_mfa=bool(row.require_mfa)
    )


def _key(row: Record) -> ApiKey:
    return ApiKey(
        id=row["id"],
        partner_id=row["partner_id"],
        livemode=row["livemode"],
        secret_hash=row["secret_hash"],
        display=row["display"],
        name=row["name"],
        created_at=row["created_at"],
        revoked_at=row["revoked_at"],
        last_used_at=row["last_used_at"],
        scope=KeyScope(row["scope"]),
    )


class SqlPartners(Statements):
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, partner: Partner) -> None:
        self.session.add(
            PartnerRow(
                id=partner.id,
                name=partner.name,
                slug=partner.slug,
                created_at=partner.created_at,
                invoice_sequence=0,
                require_mfa=partner.require_mfa,
            )
        )
        await self.session.flush()

    async def by_slug(self, slug: str) -> Partner:
        partner = await self.find_by_slug(slug)
        if partner is None:
            raise NotFound("partner", slug)
        return partner

    async def find_by_slug(self, slug: str) -> Partner | None:
        row = await self.session.scalar(select(PartnerRow).where(PartnerRow.slug == slug))
        return None if row is None else _partner(row)

    async def get(self, partner_id: str) -> Partner:
        partner = await self.find_by_id(partner_id)
        if partner is None:
            raise NotFound("partner", partner_id)
        return partner

    async def find_by_id(self, partner_id: str) -> Partner | None:
        row = await self.session.get(PartnerRow, partner_id)
        return None if row is None else _partner(row)

    async def set_require_mfa(self, partner_id: str, required: bool) -> None:
        row = await self.session.get(PartnerRow, partner_id)
        if row is None:
            raise NotFound("partner", partner_id)
        row.require_mfa = required
        await self.session.flush()

    async def change_slug(self, partner: Partner, new: str, *, at: datetime) -> None:
        """Move the partner to a new slug; the old one is retired (billing links naming it redirect). A slug the
        partner retired before is taken back."""
        await self.session.execute(
            delete(PartnerSlugRow).where(PartnerSlugRow.partner_id == partner.id, PartnerSlugRow.slug == new)
        )
        await self.session.execute(
            self.dialect_insert(PartnerSlugRow)
            .values(slug=partner.slug, partner_id=partner.id, retired_at=at)
            .on_conflict_do_nothing(index_elements=["slug"])
        )
        await self.session.execute(update(PartnerRow).where(PartnerRow.id == partner.id).values(slug=new))

    # Which partner something belongs to, read before the unit of work is scoped to it.

    async def id_for_retired_slug(self, slug: str) -> str | None:
        return await self.session.scalar(select(PartnerSlugRow.partner_id).where(PartnerSlugRow.slug == slug))

    async def id_for_domain(self, host: str) -> str | None:
        """The partner whose custom domain this is, if any."""
        return await self.session.scalar(
            select(PortalSettingsRow.partner_id).where(PortalSettingsRow.custom_domain == host.lower())
        )

    async def id_for_portal_link(self, token_hash: str) -> str | None:
        return await self.session.scalar(select(PortalLinkRow.partner_id).where(PortalLinkRow.token_hash == token_hash))

    async def id_for_pay_link(self, link_id: str) -> str | None:
        return await self.session.scalar(select(PayLinkRow.partner_id).where(PayLinkRow.id == link_id))


class SqlPartnerSequences:
    """The per-partner invoice number counter; the UPDATE row-locks the partner until commit."""

    def __init__(self, session: AsyncSession, partner_id: str) -> None:
        self.session = session
        self.partner_id = partner_id

    async def next_invoice_sequence(self) -> int:
        value = await self.session.scalar(
            update(PartnerRow)
            .where(PartnerRow.id == self.partner_id)
            .values(invoice_sequence=PartnerRow.invoice_sequence + 1)
            .returning(PartnerRow.invoice_sequence)
        )
        if value is None:
            raise NotFound("partner", self.partner_id)
        return int(value)


_KEY_BY_HASH = select(core(ApiKeyRow)).where(core(ApiKeyRow).c.secret_hash == bindparam("secret_hash"))
_TOUCH = update(core(ApiKeyRow)).where(core(ApiKeyRow).c.id == bindparam("key_id")).values(last_used_at=bindparam("at"))


class SqlApiKeys(Statements):
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, key: ApiKey) -> None:
        self.session.add(
            ApiKeyRow(
                id=key.id,
                partner_id=key.partner_id,
                livemode=key.livemode,
                secret_hash=key.secret_hash,
                display=key.display,
                name=key.name,
                scope=key.scope.value,
                created_at=key.created_at,
            )
        )
        await self.session.flush()

    async def by_hash(self, secret_hash: str) -> ApiKey | None:
        record = await self._fetch_one(_KEY_BY_HASH, {"secret_hash": secret_hash})  # on every request: a Core read
        return None if record is None else _key(record)

    async def get(self, key_id: str) -> ApiKey:
        row = (await self.session.execute(select(core(ApiKeyRow)).where(core(ApiKeyRow).c.id == key_id))).first()
        if row is None:
            raise NotFound("api key", key_id)
        return _key(row._mapping)

    async def for_partner(self, partner_id: str) -> list[ApiKey]:
        table = core(ApiKeyRow)
        rows = await self.session.execute(
            select(table).where(table.c.partner_id == partner_id).order_by(table.c.created_at)
        )
        return [_key(r._mapping) for r in rows]

    async def revoke(self, key_id: str, at: datetime) -> None:
        await self.session.execute(
            update(ApiKeyRow).where(ApiKeyRow.id == key_id, ApiKeyRow.revoked_at.is_(None)).values(revoked_at=at)
        )

    async def touch(self, key_id: str, at: datetime) -> None:
        await self._execute(_TOUCH, {"key_id": key_id, "at": at})
