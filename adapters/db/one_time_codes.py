"""One-time codes emailed for sign-in, step-up and email changes (hashed, counted, expiring)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.dataclass_rows import build, values
from adapters.db.tables import (
    OneTimeCodeRow,
)
from domain.identity.codes import CodePurpose, OneTimeCode


def _code(row: OneTimeCodeRow) -> OneTimeCode:
    return build(OneTimeCode, row, realm=row.partner_id, purpose=CodePurpose(row.purpose))


def _row(code: OneTimeCode) -> dict[str, object]:
    fields = values(code)
    fields["partner_id"] = fields.pop("realm")  # a portal code's realm is its partner
    return fields


class SqlOneTimeCodes:
    def __init__(self, session: AsyncSession, partner_id: str) -> None:
        self.session = session
        self.partner_id = partner_id

    async def replace(self, code: OneTimeCode) -> None:
        """Store a new code, voiding any earlier one for the same email, purpose and subject."""
        await self.session.execute(
            update(OneTimeCodeRow)
            .where(
                OneTimeCodeRow.partner_id == self.partner_id,
                OneTimeCodeRow.email == code.email,
                OneTimeCodeRow.purpose == code.purpose.value,
                OneTimeCodeRow.used_at.is_(None),
                OneTimeCodeRow.voided_at.is_(None),
            )
            .values(voided_at=code.created_at)
            .execution_options(synchronize_session=False)
        )
        self.session.add(OneTimeCodeRow(**_row(code)))
        await self.session.flush()

    async def sent_since(self, email: str, purpose: CodePurpose, since: datetime) -> int:
        count = await self.session.scalar(
            select(func.count()).where(
                OneTimeCodeRow.partner_id == self.partner_id,
                OneTimeCodeRow.email == email,
                OneTimeCodeRow.purpose == purpose.value,
                OneTimeCodeRow.created_at >= since,
            )
        )
        return int(count or 0)

    async def current(self, email: str, purpose: CodePurpose, *, lock: bool = True) -> OneTimeCode | None:
        stmt = (
            select(OneTimeCodeRow)
            .where(
                OneTimeCodeRow.partner_id == self.partner_id,
                OneTimeCodeRow.email == email,
                OneTimeCodeRow.purpose == purpose.value,
                OneTimeCodeRow.used_at.is_(None),
                OneTimeCodeRow.voided_at.is_(None),
            )
            .order_by(OneTimeCodeRow.created_at.desc())
            .limit(1)
        )
        row = await self.session.scalar(stmt.with_for_update() if lock else stmt)
        return None if row is None else _code(row)

    async def save(self, code: OneTimeCode) -> None:
        changed = _row(code)
        await self.session.execute(
            update(OneTimeCodeRow)
            .where(OneTimeCodeRow.partner_id == self.partner_id, OneTimeCodeRow.id == changed.pop("id"))
            .values(**{k: v for k, v in changed.items() if k != "partner_id"})
            .execution_options(synchronize_session=False)
        )
