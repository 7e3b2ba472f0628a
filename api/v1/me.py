"""/v1/me: the signed-in person's own account — who they are, the teams they are on, switching partner, two-step
sign-in and their sessions. Dashboard sessions only (an API key is not a person)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from adapters.bootstrap import Container
from adapters.db.unit_of_work import SqlUnitOfWork
from api.dashboard_session import DASHBOARD_COOKIE, LiveSession, check_change, live_session
from api.deps import UoW, get_container, json_response
from api.errors import problems
from api.v1.auth import Code, Password, SessionStateOut, SignedIn, signed_in
from api.v1.fields import EmailOut, RequestModel, ResourceId
from domain.errors import ErrorCode, NotAuthenticated, PermissionDenied
from domain.team import accounts
from domain.team.people import PartnerUser
from domain.team.roles import Role
from domain.team.sessions import SessionState

router = APIRouter(prefix="/v1/me", tags=["me"])


@dataclass
class MeContext:
    uow: SqlUnitOfWork
    live: LiveSession
    user: PartnerUser
    container: Container
    request: Request


async def _me_in(request: Request, uow: UoW, allowed: set[SessionState]) -> MeContext:
    live = await live_session(request, uow)
    if live.session.state not in allowed:
        code = (
            ErrorCode.MFA_REQUIRED
            if live.session.state is SessionState.MFA_REQUIRED
            else ErrorCode.MFA_ENROLMENT_REQUIRED
        )
        raise NotAuthenticated("Finish signing in first.", code=code)
    container = get_container(request)
    check_change(request, container, live)
    user = await uow.partner_users.find(live.session.user_id)
    if user is None:
        raise NotAuthenticated("Your session has ended. Sign in again.", code=ErrorCode.SESSION_EXPIRED)
    return MeContext(uow, live, user, container, request)


async def _me(request: Request, uow: UoW) -> MeContext:
    return await _me_in(request, uow, {SessionState.ACTIVE})


async def _me_enrolling(request: Request, uow: UoW) -> MeContext:
    return await _me_in(request, uow, {SessionState.ACTIVE, SessionState.MFA_ENROLMENT_REQUIRED})


Me = Annotated[MeContext, Depends(_me, scope="function")]
MeEnrolling = Annotated[MeContext, Depends(_me_enrolling, scope="function")]  # also before a required MFA set-up


class MembershipOut(BaseModel):
    partner_id: str
    partner_name: str
    partner_slug: str
    role: Role
    require_mfa: bool


class PartnerUserOut(BaseModel):
    object: str = "partner_user"
    id: str
    email: EmailOut
    name: str | None
    mfa_enabled: bool
    session_state: str
    memberships: list[MembershipOut]
    current_partner_id: str | None
    role: Role | None = Field(description="The role in the current partner.")
    csrf_token: str


async def _me_out(ctx: MeContext) -> PartnerUserOut:
    memberships = []
    for m in await ctx.uow.partner_users.memberships(ctx.user.id):
        partner = await ctx.uow.partners.get(m.partner_id)
        memberships.append(
            MembershipOut(
                partner_id=partner.id,
                partner_name=partner.name,
                partner_slug=partner.slug,
                role=m.role,
                require_mfa=partner.require_mfa,
            )
        )
    current = ctx.live.session.partner_id
    return PartnerUserOut(
        id=ctx.user.id,
        email=ctx.user.email,
        name=ctx.user.name,
        mfa_enabled=ctx.user.totp_enabled,
        session_state=ctx.live.session.state.value,
        memberships=memberships,
        current_partner_id=current,
        role=next((m.role for m in memberships if m.partner_id == current), None),
        csrf_token=DASHBOARD_COOKIE.csrf_token(ctx.container, ctx.live.token),
    )


@router.get(
    "",
    operation_id="me_retrieve",
    summary="Who is signed in",
    description="The person, the teams they are on with their role in each, the current partner and the CSRF token.",
    response_model=PartnerUserOut,
    responses=problems(401),
)
async def retrieve(ctx: MeEnrolling) -> Response:
    return json_response(await _me_out(ctx))


class SwitchIn(RequestModel):
    partner_id: ResourceId


@router.post(
    "/partner",
    operation_id="me_switch_partner",
    summary="Work for another of your partners",
    description="The session's token and CSRF token are replaced. If that team requires two-step sign-in and you "
    "have not set it up, the answer's state says so.",
    response_model=SignedIn,
    responses=problems(401, 403, 409, 422),
)
async def switch_partner(body: SwitchIn, ctx: MeEnrolling) -> Response:
    opened = await accounts.switch_partner(
        accounts.SwitchPartner(ctx.live.session, body.partner_id), ctx.uow, clock=ctx.uow.clock
    )
    return signed_in(ctx.request, opened)


class StepUpIn(RequestModel):
    password: Password | None = None
    code: Code | None = Field(default=None, description="An authenticator code.")


@router.post(
    "/step-up",
    operation_id="me_step_up",
    summary="Confirm it is you before a sensitive change",
    description="Your password or a current authenticator code opens a 10-minute window for turning off two-step "
    "sign-in, and gives the session a new token (and CSRF token). Signing in with a password or authenticator code "
    "opens the same window. Wrong answers count towards the account lock.",
    response_model=SignedIn,
    responses=problems(400, 401, 409, 429),
)
async def step_up(body: StepUpIn, ctx: Me) -> Response:
    cmd = accounts.StepUp(ctx.live.session, body.password, body.code)
    opened = await accounts.step_up(
        cmd, ctx.uow, creds=ctx.container.credentials, clock=ctx.uow.clock, checkpoint=ctx.uow.checkpoint
    )
    return signed_in(ctx.request, opened)


class PasswordChangeIn(RequestModel):
    current_password: Password
    password: Password = Field(description="8 to 256 characters, not a common password, not your email.")


@router.post(
    "/password",
    operation_id="me_password_change",
    summary="Change your password",
    description="Needs the current password. Ends your other sessions; this one gets a new token.",
    response_model=SignedIn,
    responses=problems(400, 401, 409, 422, 429),
)
async def change_password(body: PasswordChangeIn, ctx: Me) -> Response:
    cmd = accounts.ChangePassword(ctx.live.session, body.current_password, body.password)
    opened = await accounts.change_password(
        cmd, ctx.uow, creds=ctx.container.credentials, clock=ctx.uow.clock, checkpoint=ctx.uow.checkpoint
    )
    return signed_in(ctx.request, opened)


class EnrolmentOut(BaseModel):
    secret: str = Field(description="For typing into an authenticator app by hand.")
    otpauth_uri: str = Field(description="For a QR code.")


@router.post(
    "/mfa",
    operation_id="me_mfa_begin",
    summary="Start setting up two-step sign-in",
    description="Returns a new TOTP secret; it takes effect once confirmed with a first code.",
    response_model=EnrolmentOut,
    responses=problems(401, 403, 409),
)
async def begin_mfa(ctx: MeEnrolling) -> Response:
    enrolment = await accounts.begin_mfa(
        ctx.live.session, ctx.uow, creds=ctx.container.credentials, clock=ctx.uow.clock
    )
    return json_response(EnrolmentOut(secret=enrolment.secret, otpauth_uri=enrolment.otpauth_uri))


class MfaConfirmIn(RequestModel):
    code: Code


class MfaConfirmed(SignedIn):
    recovery_codes: list[str] = Field(description="10 single-use codes, shown once: keep them somewhere safe.")


@router.post(
    "/mfa/confirm",
    operation_id="me_mfa_confirm",
    summary="Confirm two-step sign-in with a first code",
    description="Turns it on, returns 10 recovery codes (shown once) and ends your other sessions.",
    response_model=MfaConfirmed,
    responses=problems(401, 403, 409, 422),
)
async def confirm_mfa(body: MfaConfirmIn, ctx: MeEnrolling) -> Response:
    opened, codes = await accounts.confirm_mfa(
        ctx.live.session, body.code, ctx.uow, creds=ctx.container.credentials, clock=ctx.uow.clock
    )
    answer = MfaConfirmed(
        state=SessionStateOut(opened.session.state.value),
        csrf_token=DASHBOARD_COOKIE.csrf_token(ctx.container, opened.token),
        partner_id=opened.session.partner_id,
        recovery_codes=codes,
    )
    return DASHBOARD_COOKIE.json(answer, ctx.request, opened.token)


@router.delete(
    "/mfa",
    operation_id="me_mfa_disable",
    summary="Turn off two-step sign-in",
    description="Needs a recent confirmation (POST /v1/me/step-up). Refused while a team you are on requires it. "
    "Ends your other sessions.",
    response_model=SignedIn,
    responses=problems(401, 403, 409),
)
async def disable_mfa(ctx: Me) -> Response:
    if not ctx.live.session.elevated(ctx.uow.clock.now()):
        raise PermissionDenied("Confirm it is you first (POST /v1/me/step-up).", code=ErrorCode.STEP_UP_REQUIRED)
    opened = await accounts.disable_mfa(ctx.live.session, ctx.uow, clock=ctx.uow.clock)
    return signed_in(ctx.request, opened)


class DashboardSessionOut(BaseModel):
    object: str = "dashboard_session"
    id: str
    current: bool
    ip: str | None
    user_agent: str | None
    created_at: datetime
    last_seen_at: datetime | None
    expires_at: datetime | None


class DashboardSessionList(BaseModel):
    object: str = "list"
    data: list[DashboardSessionOut]


@router.get(
    "/sessions",
    operation_id="me_sessions_list",
    summary="Your signed-in sessions",
    response_model=DashboardSessionList,
    responses=problems(401),
)
async def sessions(ctx: Me) -> Response:
    mine = await ctx.uow.dashboard_sessions.active_for_user(ctx.user.id, ctx.uow.clock.now())
    data = [
        DashboardSessionOut(
            id=s.id,
            current=s.id == ctx.live.session.id,
            ip=s.ip,
            user_agent=s.user_agent,
            created_at=s.created_at,
            last_seen_at=s.last_seen_at,
            expires_at=s.expires_at,
        )
        for s in mine
    ]
    return json_response(DashboardSessionList(data=data))


@router.delete(
    "/sessions/{session_id}",
    operation_id="me_sessions_end",
    summary="Sign out one of your sessions",
    description="Another person's session id answers 404.",
    status_code=204,
    responses=problems(401, 403, 404),
)
async def end_session(session_id: str, ctx: Me) -> Response:
    await accounts.end_session(accounts.EndSession(ctx.live.session, session_id), ctx.uow, clock=ctx.uow.clock)
    return Response(status_code=204)
