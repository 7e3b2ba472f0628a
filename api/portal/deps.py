"""Portal principals: the session cookie, CSRF (a session-bound header token plus an Origin check), the guards
routes declare by type, and the partner a billing link or a custom domain names."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Header, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from adapters.bootstrap import Container
from adapters.db.unit_of_work import SqlUnitOfWork
from adapters.settings import derived_secret
from api.deps import UoW, get_container
from api.idempotency import IDEMPOTENCY_KEY_PATTERN
from api.session_cookies import SessionCookie
from api.session_cookies import check_origin as check_origin  # the portal routes read it from here
from api.trusted_proxies import client_ip as client_ip  # the portal routes read it from here
from domain.errors import ErrorCode, NotAuthenticated, NotFound, PermissionDenied
from domain.identity.tokens import hash_token
from domain.partners.model import Partner
from domain.portal.ports import Credentials
from domain.portal.sessions import ABSOLUTE_TIMEOUT, TOUCH_INTERVAL, PortalSession, SessionState
from domain.portal.users import Membership, MembershipSource, Permission, PortalUser

PORTAL_COOKIE = SessionCookie(
    "remit_portal", ABSOLUTE_TIMEOUT, csrf_realm="portal-csrf", csrf_source="GET /portal/v1/me"
)


class PartnerMoved(Exception):
    """A billing link with a slug the partner used before: answered with a permanent redirect."""

    def __init__(self, location: str) -> None:
        self.location = location


def credentials(container: Container) -> Credentials:
    return container.credentials


def pay_link_key(container: Container) -> bytes:
    return derived_secret(container.settings, "pay-links").encode()


def csrf_token_for(container: Container, session_token: str) -> str:
    return PORTAL_COOKIE.csrf_token(container, session_token)


def cookie_name(request: Request) -> str:
    return PORTAL_COOKIE.name_for(request)


def with_session_cookie(response: Response, request: Request, token: str) -> Response:
    return PORTAL_COOKIE.set(response, request, token)


def without_session_cookie(response: Response, request: Request) -> Response:
    return PORTAL_COOKIE.clear(response, request)


def json_with_cookie(model: BaseModel, request: Request, token: str, status: int = 200) -> Response:
    return PORTAL_COOKIE.json(model, request, token, status)


async def partner_by_slug(uow: SqlUnitOfWork, slug: str, request: Request) -> Partner:
    """The partner a billing link names; a retired slug redirects to the current one; scopes the unit of work."""
    normalized = slug.strip().lower()
    partner = await uow.partners.find_by_slug(normalized)
    if partner is None:
        moved_to = await uow.partners.id_for_retired_slug(normalized)
        current = await uow.partners.find_by_id(moved_to) if moved_to else None
        if current is None:
            raise NotFound("partner", slug)
        raise PartnerMoved(request.url.path.replace(f"/partners/{slug}", f"/partners/{current.slug}", 1))
    uow.scope_to(partner.id)
    return partner


async def _billing_partner(slug: str, uow: UoW, request: Request) -> Partner:
    return await partner_by_slug(uow, slug, request)


BillingPartner = Annotated[Partner, Depends(_billing_partner, scope="function")]


@dataclass
class SessionContext:
    """Any live portal session (also one waiting for MFA, or one with no access yet)."""

    uow: SqlUnitOfWork
    session: PortalSession
    token: str
    container: Container
    request: Request

    @property
    def creds(self) -> Credentials:
        return credentials(self.container)

    @property
    def actor(self) -> str:
        return f"impersonator:{self.session.impersonator}" if self.session.impersonator else f"portal:{self.session.id}"


@dataclass
class PortalContext(SessionContext):
    """A signed-in session with its user and the membership of the customer it is working on."""

    user: PortalUser
    membership: Membership

    @property
    def customer_id(self) -> str:
        return self.membership.customer_id

    def require(self, permission: Permission) -> None:
        if not self.membership.allows(permission):
            raise PermissionDenied(
                f"Your access to this account does not include '{permission.value}'. Ask a colleague who manages "
                "the team to grant it.",
                code=ErrorCode.MISSING_PERMISSION,
                permission=permission.value,
            )

    def require_fresh_factor(self) -> None:
        """Saving a bank account, auto-pay, team invitations and email changes need a recent second factor."""
        if not self.session.elevated(self.uow.clock.now()):
            raise PermissionDenied(
                "Confirm it is you first: enter your password, an authenticator code, or a code we email you.",
                code=ErrorCode.STEP_UP_REQUIRED,
            )


async def _session(request: Request, uow: UoW) -> SessionContext:
    container = get_container(request)
    token = request.cookies.get(cookie_name(request))
    if not token or len(token) > 200:
        raise NotAuthenticated("Sign in to continue.", code=ErrorCode.NOT_SIGNED_IN)
    session = await uow.portal_sessions.by_token_hash(hash_token(token))
    now = uow.clock.now()
    if session is None or not session.alive(now):
        raise NotAuthenticated("Your session has ended. Sign in again.", code=ErrorCode.SESSION_EXPIRED)
    uow.scope_to(session.partner_id)
    assert session.last_seen_at is not None
    if now - session.last_seen_at >= TOUCH_INTERVAL:
        session.last_seen_at = now
        await uow.portal_sessions.save(session)
    if session.impersonator is not None:
        await uow.audit(
            actor=f"impersonator:{session.impersonator}",
            action="portal.impersonated_request",
            subject=session.customer_id,
            details={"method": request.method, "path": request.url.path, "session_id": session.id},
        )
    return SessionContext(uow=uow, session=session, token=token, container=container, request=request)


def check_csrf(ctx: SessionContext, header_token: str | None) -> None:
    PORTAL_COOKIE.check_csrf(ctx.request, ctx.container, ctx.token, header_token)


CsrfHeader = Annotated[
    str | None,
    Header(
        alias="X-CSRF-Token",
        max_length=128,
        description="The `csrf_token` from `GET /portal/v1/me` or the sign-in answer; required on every change.",
    ),
]


async def _any_session(ctx: Annotated[SessionContext, Depends(_session, scope="function")]) -> SessionContext:
    return ctx


async def _any_session_writing(
    ctx: Annotated[SessionContext, Depends(_session, scope="function")], csrf: CsrfHeader = None
) -> SessionContext:
    check_csrf(ctx, csrf)
    return ctx


async def _signed_in(ctx: Annotated[SessionContext, Depends(_session, scope="function")]) -> PortalContext:
    s = ctx.session
    if s.impersonator is not None and s.customer_id is not None:
        # The partner's read-only view: a stand-in user that can only look.
        now = ctx.uow.clock.now()
        viewer = PortalUser(partner_id=s.partner_id, email=s.email, created_at=now, updated_at=now, id=s.id)
        view_only = Membership(
            partner_id=s.partner_id,
            user_id=viewer.id,
            customer_id=s.customer_id,
            permissions=frozenset({Permission.VIEW}),
            source=MembershipSource.INVITED,
            created_at=now,
        )
        return _acting_as(ctx, viewer, view_only)
    if s.state is not SessionState.ACTIVE or s.user_id is None or s.customer_id is None:
        if s.state is SessionState.MFA_PENDING:
            raise NotAuthenticated(
                "Enter the code from your authenticator app to finish signing in.", code=ErrorCode.MFA_REQUIRED
            )
        raise PermissionDenied("Your email is verified but has no access yet.", code=ErrorCode.NO_ACCESS)
    user = await ctx.uow.portal_users.get(s.user_id)
    membership = await ctx.uow.portal_users.membership(user.id, s.customer_id)
    if membership is None:  # removed from the team while signed in
        raise PermissionDenied("You no longer have access to this account.", code=ErrorCode.NO_ACCESS)
    return _acting_as(ctx, user, membership)


def _acting_as(ctx: SessionContext, user: PortalUser, membership: Membership) -> PortalContext:
    return PortalContext(
        uow=ctx.uow,
        session=ctx.session,
        token=ctx.token,
        container=ctx.container,
        request=ctx.request,
        user=user,
        membership=membership,
    )


async def _signed_in_writing(
    ctx: Annotated[PortalContext, Depends(_signed_in, scope="function")], csrf: CsrfHeader = None
) -> PortalContext:
    check_csrf(ctx, csrf)
    if ctx.session.impersonated:
        await ctx.uow.commit()  # the refused attempt stays in the audit log
        raise PermissionDenied(
            "This is a read-only view of the portal opened by the partner; nothing can be changed from it.",
            code=ErrorCode.IMPERSONATION_READ_ONLY,
        )
    return ctx


AnySession = Annotated[SessionContext, Depends(_any_session, scope="function")]
AnySessionWriting = Annotated[SessionContext, Depends(_any_session_writing, scope="function")]
Portal = Annotated[PortalContext, Depends(_signed_in, scope="function")]
PortalWriting = Annotated[PortalContext, Depends(_signed_in_writing, scope="function")]

# The payment routes answer a missing key themselves (400 idempotency_key_required, after their own checks) where
# FastAPI would answer 422: optional to FastAPI, the header is documented as the required one it is.
IdempotencyKey = Annotated[
    str | None,
    Header(alias="Idempotency-Key", max_length=255, pattern=IDEMPOTENCY_KEY_PATTERN, include_in_schema=False),
]
REQUIRED_IDEMPOTENCY_KEY: dict[str, Any] = {  # a route's openapi_extra
    "parameters": [
        {
            "name": "Idempotency-Key",
            "in": "header",
            "required": True,
            "description": "A unique string per intended payment (a UUID made when the pay screen opens): a double "
            "click or a retry with the same key pays once.",
            "schema": {
                "type": "string",
                "maxLength": 255,
                "pattern": IDEMPOTENCY_KEY_PATTERN,
                "title": "Idempotency-Key",
            },
        }
    ]
}


async def scope_by_link(uow: SqlUnitOfWork, token: str) -> None:
    """Links carry no partner in their URL: the stored link names it."""
    partner_id = await uow.partners.id_for_portal_link(hash_token(token))
    if partner_id is None:
        raise NotAuthenticated("This link is not valid any more. Ask for a new one.", code=ErrorCode.INVALID_LINK)
    uow.scope_to(partner_id)


def problem_redirect(exc: PartnerMoved) -> JSONResponse:
    return JSONResponse(
        {"code": "partner_moved", "location": exc.location}, status_code=308, headers={"Location": exc.location}
    )
