"""The dashboard's browser session as a /v1 principal: every /v1 route takes a bearer API key or this cookie.

The person's role is read afresh on each request (a demotion or removal takes effect at once); a session that
still owes a second factor, or an MFA set-up its partner requires, reaches only the /v1/auth and /v1/me routes.
Changes need the session's CSRF token and an allowed Origin."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from adapters.bootstrap import Container
from adapters.db.unit_of_work import SqlUnitOfWork
from api.auth import Principal
from api.session_cookies import SessionCookie
from domain.errors import ErrorCode, NotAuthenticated, PermissionDenied
from domain.identity.tokens import hash_token
from domain.team.people import Membership
from domain.team.sessions import ABSOLUTE_TIMEOUT, TOUCH_INTERVAL, DashboardSession, SessionState

DASHBOARD_COOKIE = SessionCookie(
    "remit_dashboard", ABSOLUTE_TIMEOUT, csrf_realm="dashboard-csrf", csrf_source="GET /v1/me"
)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
STATE_REFUSALS = {
    SessionState.MFA_REQUIRED: (
        "Enter the code from your authenticator app to finish signing in (POST /v1/auth/sign-in/mfa).",
        ErrorCode.MFA_REQUIRED,
    ),
    SessionState.MFA_ENROLMENT_REQUIRED: (
        "This team requires two-step sign-in: set it up first (POST /v1/me/mfa).",
        ErrorCode.MFA_ENROLMENT_REQUIRED,
    ),
}


@dataclass
class LiveSession:
    session: DashboardSession
    token: str


async def live_session(request: Request, uow: SqlUnitOfWork, *, token: str | None = None) -> LiveSession:
    """The request's live dashboard session, in whatever state; its last-seen time refreshed."""
    token = token or DASHBOARD_COOKIE.read(request)
    if token is None:
        raise NotAuthenticated("Sign in to the dashboard, or send an API key.", code=ErrorCode.NOT_SIGNED_IN)
    session = await uow.dashboard_sessions.by_token_hash(hash_token(token))
    now = uow.clock.now()
    if session is None or not session.alive(now):
        raise NotAuthenticated("Your session has ended. Sign in again.", code=ErrorCode.SESSION_EXPIRED)
    assert session.last_seen_at is not None
    if now - session.last_seen_at >= TOUCH_INTERVAL:
        session.last_seen_at = now
        await uow.dashboard_sessions.save(session)
    return LiveSession(session, token)


def check_change(request: Request, container: Container, live: LiveSession) -> None:
    if request.method not in SAFE_METHODS:
        DASHBOARD_COOKIE.check_csrf(request, container, live.token, request.headers.get("x-csrf-token"))


async def current_membership(uow: SqlUnitOfWork, session: DashboardSession) -> Membership:
    membership = await uow.partner_users.membership(session.user_id, session.partner_id) if session.partner_id else None
    if membership is None:
        raise PermissionDenied(
            "You are no longer on this partner's team. Switch to another (POST /v1/me/partner).",
            code=ErrorCode.NOT_A_MEMBER,
        )
    return membership


async def session_principal(request: Request, uow: SqlUnitOfWork, container: Container) -> Principal:
    live = await live_session(request, uow)
    session = live.session
    if session.state in STATE_REFUSALS:
        detail, code = STATE_REFUSALS[session.state]
        raise NotAuthenticated(detail, code=code)
    check_change(request, container, live)
    membership = await current_membership(uow, session)
    uow.scope_to(membership.partner_id)
    return Principal(
        partner_id=membership.partner_id,
        livemode=False,  # what a key's mode gates (the sandbox clock) checks the partner's processor as well
        user_id=session.user_id,
        role=membership.role,
        session_id=session.id,
    )
