"""Bearer API-key authentication: checksum first, then a hash look-up; revocation is effective at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from adapters.db.unit_of_work import SqlUnitOfWork
from api.errors import AuthError
from api.rate_limit import TokenBuckets
from domain.api_keys.model import KeyScope, hash_secret, looks_valid
from domain.errors import ErrorCode, PermissionDenied
from domain.team.roles import Permission, Role, refusal, role_allows, scope_allows

# last_used_at is refreshed at most this often, so reads do not all become writes.
TOUCH_INTERVAL = timedelta(seconds=60)


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is asking: an API key (software) or a person signed in to the dashboard, acting for one partner."""

    partner_id: str
    livemode: bool
    api_key_id: str | None = None
    scope: KeyScope = KeyScope.FULL
    user_id: str | None = None
    role: Role | None = None
    session_id: str | None = None

    @property
    def actor(self) -> str:
        """How the audit log names them."""
        return f"user:{self.user_id}" if self.user_id is not None else f"api_key:{self.api_key_id}"

    @property
    def writer(self) -> str:
        """Whose idempotency keys these are: a key's, or a person's (the same key from two people is two keys)."""
        writer = self.user_id if self.user_id is not None else self.api_key_id
        assert writer is not None
        return writer

    def allows(self, permission: Permission) -> bool:
        if self.role is not None:
            return role_allows(self.role, permission)
        return self.api_key_id is not None and scope_allows(self.scope, permission)

    def authorize(self, permission: Permission) -> None:
        if not self.allows(permission):
            detail = refusal(permission, role=self.role, scope=None if self.role else self.scope)
            raise PermissionDenied(detail, code=ErrorCode.FORBIDDEN_FOR_ROLE, permission=permission.value)


@dataclass
class Limits:
    per_key: TokenBuckets
    failures_per_client: TokenBuckets


class RateLimited(Exception):
    def __init__(self, wait_seconds: float, detail: str) -> None:
        super().__init__(detail)
        self.wait_seconds = wait_seconds
        self.detail = detail


async def authenticate(
    uow: SqlUnitOfWork, authorization: str | None, *, limits: Limits | None = None, client: str = "?"
) -> Principal:
    try:
        principal = await _check(uow, authorization)
    except AuthError:
        if limits is not None and (wait := limits.failures_per_client.take(client)):
            raise RateLimited(wait, "Too many failed authentication attempts from this address.") from None
        raise
    if limits is not None and (wait := limits.per_key.take(principal.writer)):
        raise RateLimited(wait, "Too many requests for this API key.")
    return principal


async def _check(uow: SqlUnitOfWork, authorization: str | None) -> Principal:
    if not authorization:
        raise AuthError("Send your API key as `Authorization: Bearer rk_test_…`.")
    scheme, _, secret = authorization.partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret:
        raise AuthError("Use the Bearer scheme: `Authorization: Bearer rk_test_…`.", code=ErrorCode.INVALID_API_KEY)
    if not looks_valid(secret):
        raise AuthError("That is not a valid Remit API key.", code=ErrorCode.INVALID_API_KEY)
    key = await uow.api_keys.by_hash(hash_secret(secret))
    if key is None:
        raise AuthError("That is not a valid Remit API key.", code=ErrorCode.INVALID_API_KEY)
    if not key.active:
        raise AuthError("This API key has been revoked.", code=ErrorCode.API_KEY_REVOKED)
    now = uow.clock.now()
    if key.last_used_at is None or now - key.last_used_at > TOUCH_INTERVAL:
        await uow.api_keys.touch(key.id, now)
    uow.scope_to(key.partner_id)
    return Principal(partner_id=key.partner_id, api_key_id=key.id, livemode=key.livemode, scope=key.scope)
