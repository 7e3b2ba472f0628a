"""/v1/api-keys: a partner's API keys, managed by its admins from the dashboard (never by another key)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import BaseModel, Field

from api.deps import ReadApiKeys, WriteApiKeys, json_response
from api.errors import problems
from api.v1.fields import Flag, Name, RequestModel
from domain.api_keys.model import ApiKey, KeyScope
from domain.partners.use_cases import CreateApiKey, RevokeApiKey, create_api_key, revoke_api_key

router = APIRouter(prefix="/v1/api-keys", tags=["api_keys"])


class ApiKeyOut(BaseModel):
    object: str = "api_key"
    id: str
    name: str | None
    display: str = Field(description="The prefix and last 4 characters: enough to recognise the key.")
    scope: KeyScope
    livemode: bool
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    @classmethod
    def of(cls, key: ApiKey) -> ApiKeyOut:
        return cls(
            id=key.id,
            name=key.name,
            display=key.display,
            scope=key.scope,
            livemode=key.livemode,
            created_at=key.created_at,
            last_used_at=key.last_used_at,
            revoked_at=key.revoked_at,
        )


class ApiKeyCreated(ApiKeyOut):
    secret: str = Field(description="The key itself, shown this once: it is stored only as a hash.")


class ApiKeyList(BaseModel):
    object: str = "list"
    data: list[ApiKeyOut]


class ApiKeyIn(RequestModel):
    name: Name
    scope: KeyScope = KeyScope.FULL
    livemode: Flag = False


@router.get(
    "",
    operation_id="api_keys_list",
    summary="List API keys",
    description="Admins signed in to the dashboard only. Secrets are never shown again after creation.",
    response_model=ApiKeyList,
    responses=problems(401, 403),
)
async def list_keys(ctx: ReadApiKeys) -> Response:
    keys = await ctx.uow.api_keys.for_partner(ctx.principal.partner_id)
    return json_response(ApiKeyList(data=[ApiKeyOut.of(k) for k in reversed(keys)]))


@router.post(
    "",
    operation_id="api_keys_create",
    summary="Create an API key",
    description="Returns the secret once (a replay with the same Idempotency-Key answers without it). "
    "`read_only` keys read everything and change nothing. Audited.",
    status_code=201,
    response_model=ApiKeyCreated,
    responses=problems(401, 403, 409, 422),
)
async def create(body: ApiKeyIn, ctx: WriteApiKeys) -> Response:
    partner = await ctx.uow.partners.get(ctx.principal.partner_id)
    cmd = CreateApiKey(
        partner.slug, livemode=body.livemode, name=body.name, scope=body.scope, actor=ctx.principal.actor
    )
    key, secret = await create_api_key(cmd, ctx.uow, clock=ctx.clock)
    await ctx.respond(201, ApiKeyOut.of(key))  # a replay gets the key without its secret: it is never stored
    return json_response(ApiKeyCreated(**ApiKeyOut.of(key).model_dump(), secret=secret), 201)


@router.post(
    "/{key_id}/revoke",
    operation_id="api_keys_revoke",
    summary="Revoke an API key",
    description="Effective at once; revoking a revoked key changes nothing. Audited.",
    response_model=ApiKeyOut,
    responses=problems(401, 403, 404, 409),
)
async def revoke(key_id: str, ctx: WriteApiKeys) -> Response:
    cmd = RevokeApiKey(key_id, partner_id=ctx.principal.partner_id, actor=ctx.principal.actor)
    key = await revoke_api_key(cmd, ctx.uow, clock=ctx.clock)
    return await ctx.respond(200, ApiKeyOut.of(key))
