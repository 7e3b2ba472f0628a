"""Rows and domain dataclasses that share field names: `values` and `build` convert between them, `add_row` and
`save_row` write them."""

from __future__ import annotations

import dataclasses
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.tables import (
    Base,
)

T = TypeVar("T")


def values(entity: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in dataclasses.fields(entity):
        value = getattr(entity, f.name)
        if isinstance(value, StrEnum):
            value = value.value
        elif isinstance(value, frozenset):
            value = sorted(v.value if isinstance(v, StrEnum) else v for v in value)
        elif isinstance(value, list):
            value = [v.value if isinstance(v, StrEnum) else v for v in value]
        out[f.name] = value
    return out


def build(cls: type[T], row: Base, **converted: Any) -> T:
    names = [f.name for f in dataclasses.fields(cls)]  # type: ignore[arg-type]
    raw = {name: getattr(row, name) for name in names if name not in converted}
    return cls(**raw, **converted)


async def add_row(session: AsyncSession, model: type[Base], entity: Any) -> None:
    session.add(model(**values(entity)))
    await session.flush()


async def save_row(session: AsyncSession, model: Any, entity: Any, *, partner_id: str) -> None:
    """Write an entity's fields over its row, which must be this partner's (the caller's scope)."""
    changed = values(entity)
    ident = changed.pop("id")
    changed.pop("partner_id", None)
    await session.execute(
        update(model)
        .where(model.partner_id == partner_id, model.id == ident)
        .values(**changed)
        .execution_options(synchronize_session=False)
    )
