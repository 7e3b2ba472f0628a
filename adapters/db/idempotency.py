"""Idempotency keys, claimed inside the request's own transaction.

The first request inserts the key row and stores its response before committing, in the same transaction as
its effects. A concurrent duplicate's insert waits on the unique index until the first commits (PostgreSQL) or
queues behind the writer lock (SQLite), then finds the finished row and replays it. A request that fails rolls
back its claim with everything else, so nothing is stored for it and a corrected retry works.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.statements import Statements
from adapters.db.tables import IdempotencyKeyRow
from domain.errors import Conflict, ErrorCode


@dataclass(frozen=True, slots=True)
class StoredResponse:
    request_hash: str
    status: int | None
    body: str | None
    resource_id: str | None = None
    row_id: int | None = None
    created_at: datetime | None = None


@cache
def _claim(dialect_insert: Callable[..., Any]) -> Any:
    """The insert that claims a key, built once per database (ON CONFLICT is in each dialect's own INSERT)."""
    names = ("partner_id", "api_key_id", "key", "request_hash", "created_at")
    return (
        dialect_insert(IdempotencyKeyRow)
        .values({name: bindparam(name) for name in names})
        .on_conflict_do_nothing(index_elements=["partner_id", "api_key_id", "key"])
        .returning(IdempotencyKeyRow.id)
    )


_COMPLETE = (
    update(IdempotencyKeyRow)
    .where(IdempotencyKeyRow.id == bindparam("row_id"))
    .values(response_status=bindparam("status"), response_body=bindparam("body"))
)


class SqlIdempotency(Statements):
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def claim(
        self, *, partner_id: str, api_key_id: str, key: str, request_hash: str, at: datetime
    ) -> tuple[int | None, StoredResponse | None]:
        """Returns (row id, None) when this request owns the key, or (None, stored) for a finished earlier one."""
        # On PostgreSQL a racing duplicate waits here for the first to commit (lock_timeout bounds the wait).
        row_id = await self._fetch_value(
            _claim(self.dialect_insert),
            {
                "partner_id": partner_id,
                "api_key_id": api_key_id,
                "key": key,
                "request_hash": request_hash,
                "created_at": at,
            },
        )
        if row_id is not None:
            return int(row_id), None
        row = await self.session.scalar(
            select(IdempotencyKeyRow).where(
                IdempotencyKeyRow.partner_id == partner_id,
                IdempotencyKeyRow.api_key_id == api_key_id,
                IdempotencyKeyRow.key == key,
            )
        )
        if row is None:  # purged between our insert and select; treat as in use rather than guess
            raise Conflict("Idempotency key is being recycled; retry.", code=ErrorCode.IDEMPOTENCY_KEY_IN_USE)
        return None, StoredResponse(
            row.request_hash, row.response_status, row.response_body, row.resource_id, row.id, row.created_at
        )

    async def release(self, row_id: int) -> None:
        """Forget a claim whose request failed after committing midway, unless it left a resource to resume."""
        await self.session.execute(
            delete(IdempotencyKeyRow).where(
                IdempotencyKeyRow.id == row_id,
                IdempotencyKeyRow.response_status.is_(None),
                IdempotencyKeyRow.resource_id.is_(None),
            )
        )

    async def link(self, row_id: int, resource_id: str) -> None:
        """Name the resource a request stored before calling out, so a retry after a crash can resume it."""
        await self.session.execute(
            update(IdempotencyKeyRow).where(IdempotencyKeyRow.id == row_id).values(resource_id=resource_id)
        )

    async def take_over(self, stored: StoredResponse, at: datetime) -> bool:
        """Claim an abandoned in-flight request; exactly one of several concurrent retries wins."""
        result = await self.session.execute(
            update(IdempotencyKeyRow)
            .where(
                IdempotencyKeyRow.id == stored.row_id,
                IdempotencyKeyRow.response_status.is_(None),
                IdempotencyKeyRow.created_at == stored.created_at,
            )
            .values(created_at=at)
        )
        return int(getattr(result, "rowcount", 0) or 0) == 1

    async def complete(self, row_id: int, status: int, body: str) -> None:
        await self._execute(_COMPLETE, {"row_id": row_id, "status": status, "body": body})

    async def purge_older_than(self, cutoff: datetime) -> int:
        result = await self.session.execute(delete(IdempotencyKeyRow).where(IdempotencyKeyRow.created_at < cutoff))
        return int(getattr(result, "rowcount", 0) or 0)
