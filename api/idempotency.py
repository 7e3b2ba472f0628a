"""Idempotency-Key handling for every POST: claim in the request's transaction, replay what was stored."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from fastapi import Request
from fastapi.responses import Response

from adapters.db.unit_of_work import SqlUnitOfWork
from api.auth import Principal
from domain.errors import Conflict, ErrorCode

REPLAY_HEADER = "Idempotent-Replayed"
# Visible ASCII, inner spaces allowed: what a UUID, a hash or "invoice-42-attempt-1" needs, and nothing ambiguous.
IDEMPOTENCY_KEY_PATTERN = r"^[!-~](?:[ -~]{0,253}[!-~])?$"


class Replay(Exception):
    """Raised from the dependency when an earlier identical request already answered."""

    def __init__(self, status: int, body: str) -> None:
        self.status = status
        self.body = body

    def response(self) -> Response:
        media_type = "application/problem+json" if self.status >= 400 else "application/json"
        return Response(self.body, status_code=self.status, media_type=media_type, headers={REPLAY_HEADER: "true"})


async def request_fingerprint(request: Request) -> str:
    digest = hashlib.sha256()
    digest.update(request.method.encode())
    digest.update(b"\0")
    digest.update(request.url.path.encode())
    digest.update(b"\0")
    digest.update(await request.body())
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class Claim:
    row_id: int | None
    resume: str | None = None  # a resource an earlier, abandoned attempt stored before calling out


# An attempt that stored its resource and then went silent this long is taken to have died.
ABANDONED_AFTER = timedelta(seconds=60)


async def claim(uow: SqlUnitOfWork, principal: Principal, key: str | None, request: Request) -> Claim:
    """Claims the key (no claim without one); raises Replay or Conflict for a used key."""
    if key is None:  # its format is checked by the header parameter (IDEMPOTENCY_KEY_PATTERN)
        return Claim(None)
    fingerprint = await request_fingerprint(request)
    row_id, stored = await uow.idempotency.claim(
        partner_id=principal.partner_id,
        api_key_id=principal.writer,
        key=key,
        request_hash=fingerprint,
        at=uow.clock.now(),
    )
    if stored is None:
        return Claim(row_id)
    if stored.request_hash != fingerprint:
        raise Conflict(
            "This idempotency key was already used with a different request.", code=ErrorCode.IDEMPOTENCY_KEY_REUSED
        )
    if stored.status is None or stored.body is None:
        now = uow.clock.now()
        abandoned = stored.created_at is not None and now - stored.created_at > ABANDONED_AFTER
        if stored.resource_id and stored.row_id and abandoned and await uow.idempotency.take_over(stored, now):
            return Claim(stored.row_id, resume=stored.resource_id)
        raise Conflict(
            "A request with this idempotency key is still in progress.",
            code=ErrorCode.IDEMPOTENCY_KEY_IN_USE,
            resource_id=stored.resource_id,
        )
    raise Replay(stored.status, stored.body)
