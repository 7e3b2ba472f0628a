"""Keyset pagination over time-ordered ids: newest first, `id < cursor`, one extra row to know if more exist."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.pagination import Page, PageRequest


async def fetch_page(session: AsyncSession, stmt: Select[Any], id_column: Any, page: PageRequest) -> Page[Any]:
    if page.before_id is not None:
        stmt = stmt.where(id_column < page.before_id)
    rows = list((await session.scalars(stmt.order_by(id_column.desc()).limit(page.limit + 1))).all())
    return Page(items=rows[: page.limit], has_more=len(rows) > page.limit)
