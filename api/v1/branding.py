"""/v1/settings/branding/logo: the partner uploads its logo (PNG, JPEG or SVG, at most 512 KB); it is cleaned, stored
and served to anyone at /branding/logos/{sha256}.{ext} with a year-long cache (the name changes with the content).
The portal, its first paint and the emails use it in place of `logo_url` from the portal settings."""

from __future__ import annotations

import re

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from adapters.db.partner_logos import StoredLogo, logo_by_hash
from adapters.images.logos import MAX_LOGO_BYTES, prepare_logo
from api.deps import Read, UoW, WriteSettings, get_container, json_response
from api.errors import problems
from domain.errors import NotFound

router = APIRouter(prefix="/v1/settings/branding", tags=["settings"])
public = APIRouter(tags=["portal_access"])

HASHED_NAME = re.compile(r"^(?P<sha>[0-9a-f]{64})\.(?P<ext>png|jpg|svg)$")
# An SVG opened on its own must not run anything, whatever slipped past the cleaning.
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


class LogoOut(BaseModel):
    object: str = "logo"
    url: str = Field(description="Public, cached for a year: the address changes when the logo does.")
    content_type: str
    size: int = Field(description="Bytes, after cleaning.")
    width: int | None = Field(description="Pixels; null for SVG.")
    height: int | None
    sha256: str

    @classmethod
    def of(cls, logo: StoredLogo, base_url: str) -> LogoOut:
        return cls(
            url=base_url + logo.path,
            content_type=logo.content_type,
            size=logo.size,
            width=logo.width,
            height=logo.height,
            sha256=logo.sha256,
        )


@router.put(
    "/logo",
    operation_id="settings_branding_logo_upload",
    summary="Upload the logo",
    description=f"The request body is the file itself, with `Content-Type: image/png`, `image/jpeg` or "
    f"`image/svg+xml`, at most {MAX_LOGO_BYTES // 1024} KB. PNG and JPEG are decoded and encoded again (metadata "
    "is dropped); SVG keeps only drawing elements (no scripts, event handlers or outside links). Replaces the "
    "previous logo.",
    response_model=LogoOut,
    responses=problems(400, 401, 409, 413, 415, 422),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                t: {"schema": {"type": "string", "format": "binary"}}
                for t in ("image/png", "image/jpeg", "image/svg+xml")
            },
        }
    },
)
async def upload_logo(request: Request, ctx: WriteSettings) -> Response:
    logo = prepare_logo(await request.body(), request.headers.get("content-type", ""))
    stored = await ctx.uow.partner_logos.put(logo)
    await ctx.uow.audit(
        actor=ctx.principal.actor,
        action="settings.branding.logo_uploaded",
        subject=ctx.uow.partner_id,
        details={"content_type": stored.content_type, "size": stored.size},  # a hash would read as a secret
    )
    return json_response(LogoOut.of(stored, get_container(request).settings.base_url))


@router.get(
    "/logo",
    operation_id="settings_branding_logo_retrieve",
    summary="Retrieve the uploaded logo",
    response_model=LogoOut,
    responses=problems(401, 404),
)
async def retrieve_logo(request: Request, ctx: Read) -> Response:
    stored = await ctx.uow.partner_logos.current()
    if stored is None:
        raise NotFound("logo", "current")
    return json_response(LogoOut.of(stored, get_container(request).settings.base_url))


@router.delete(
    "/logo",
    operation_id="settings_branding_logo_delete",
    summary="Remove the uploaded logo",
    description="The portal falls back to `logo_url` from the portal settings, if any.",
    status_code=204,
    responses=problems(401, 404, 409),
)
async def delete_logo(ctx: WriteSettings) -> Response:
    if not await ctx.uow.partner_logos.remove():
        raise NotFound("logo", "current")
    await ctx.uow.audit(
        actor=ctx.principal.actor,
        action="settings.branding.logo_removed",
        subject=ctx.uow.partner_id,
    )
    return Response(status_code=204)


@public.get(
    "/branding/logos/{name}",
    operation_id="portal_access_partner_logo",
    summary="A partner's logo, by its content hash",
    description="Public. Cached for a year: the name changes with the content.",
    response_class=Response,
    responses={200: {"content": {"image/png": {}, "image/jpeg": {}, "image/svg+xml": {}}}, **problems(404)},
)
async def logo_file(name: str, uow: UoW) -> Response:
    match = HASHED_NAME.match(name)
    found = await logo_by_hash(uow.session, match["sha"]) if match else None
    if found is None:
        raise NotFound("logo", name)
    content_type, data = found
    headers = {
        "Cache-Control": "public, max-age=31536000, immutable",
        "ETag": f'"{name.split(".")[0]}"',
        "X-Content-Type-Options": "nosniff",
        "Access-Control-Allow-Origin": "*",
    }
    if content_type == "image/svg+xml":
        headers["Content-Security-Policy"] = SVG_POLICY
    return Response(data, media_type=content_type, headers=headers)
