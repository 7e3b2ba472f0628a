"""A partner's uploaded logo: at most one, replaced by the next upload; read publicly by its content hash."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.statements import Statements
from adapters.db.tables import PartnerLogoRow
from adapters.images.logos import TYPES, PreparedLogo
from domain.clock import Clock


@dataclass(frozen=True, slots=True)
class StoredLogo:
    content_type: str
    sha256: str
    size: int
    width: int | None
    height: int | None

    @property
    def path(self) -> str:
        """Where anyone can fetch it: the hash changes with the content, so it is cached for good."""
        return f"/branding/logos/{self.sha256}.{TYPES[self.content_type]}"


class SqlPartnerLogos(Statements):
    def __init__(self, session: AsyncSession, partner_id: str, clock: Clock) -> None:
        self.session = session
        self.partner_id = partner_id
        self.clock = clock

    async def current(self) -> StoredLogo | None:
        row = await self.session.scalar(select(PartnerLogoRow).where(PartnerLogoRow.partner_id == self.partner_id))
        return _stored(row) if row else None

    async def put(self, logo: PreparedLogo) -> StoredLogo:
        values = {
            "content_type": logo.content_type,
            "data": logo.data,
            "sha256": logo.sha256,
            "width": logo.width,
            "height": logo.height,
            "updated_at": self.clock.now(),
        }
        stmt = self.dialect_insert(PartnerLogoRow).values(partner_id=self.partner_id, **values)
        await self.session.execute(stmt.on_conflict_do_update(index_elements=["partner_id"], set_=values))
        return StoredLogo(logo.content_type, logo.sha256, len(logo.data), logo.width, logo.height)

    async def remove(self) -> bool:
        result = await self.session.execute(delete(PartnerLogoRow).where(PartnerLogoRow.partner_id == self.partner_id))
        return bool(getattr(result, "rowcount", 0))


async def logo_by_hash(session: AsyncSession, sha256: str) -> tuple[str, bytes] | None:
    """The content type and bytes of a logo with this hash (whichever partner uploaded it: the bytes are the same)."""
    row = (
        await session.execute(
            select(PartnerLogoRow.content_type, PartnerLogoRow.data).where(PartnerLogoRow.sha256 == sha256).limit(1)
        )
    ).first()
    return (row.content_type, row.data) if row else None


def _stored(row: PartnerLogoRow) -> StoredLogo:
    return StoredLogo(row.content_type, row.sha256, len(row.data), row.width, row.height)
