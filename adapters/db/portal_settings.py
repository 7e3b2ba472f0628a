"""A partner's portal settings: one row, written on the first change; defaults until then."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.statements import Statements
from adapters.db.tables import PortalSettingsRow
from domain.clock import Clock
from domain.portal.settings import PortalSettings

_PLAIN = (
    "logo_url",
    "primary_color",
    "accent_color",
    "support_email",
    "support_phone",
    "support_url",
    "help_text",
    "business_address",
    "custom_domain",
    "guest_checkout",
    "team_invites",
    "self_enrolled_autopay",
    "pay_link_days_after_due",
)


async def load_portal_settings(session: AsyncSession, partner_id: str) -> PortalSettings:
    row = await session.scalar(select(PortalSettingsRow).where(PortalSettingsRow.partner_id == partner_id))
    if row is None:
        return PortalSettings()
    return PortalSettings(
        **{name: getattr(row, name) for name in _PLAIN}, notification_emails=tuple(row.notification_emails)
    )


class SqlPortalSettings(Statements):
    def __init__(self, session: AsyncSession, partner_id: str, clock: Clock) -> None:
        self.session = session
        self.partner_id = partner_id
        self.clock = clock
        self._cached: PortalSettings | None = None

    async def get(self) -> PortalSettings:
        if self._cached is None:
            self._cached = await load_portal_settings(self.session, self.partner_id)
        return self._cached

    async def save(self, settings: PortalSettings) -> None:
        values: dict[str, Any] = {name: getattr(settings, name) for name in _PLAIN}
        values["notification_emails"] = list(settings.notification_emails)
        values["updated_at"] = self.clock.now()
        stmt = self.dialect_insert(PortalSettingsRow).values(partner_id=self.partner_id, **values)
        await self.session.execute(stmt.on_conflict_do_update(index_elements=["partner_id"], set_=values))
        self._cached = settings
