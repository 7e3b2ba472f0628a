"""The signed-in person: who they are, which customers they can reach, their sessions, their credentials."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from adapters.db.unit_of_work import SqlUnitOfWork
from api.deps import get_container
from api.errors import problems
from api.portal.deps import (
    AnySession,
    AnySessionWriting,
    Portal,
    PortalWriting,
    csrf_token_for,
    json_with_cookie,
    without_session_cookie,
)
from api.portal.schemas import AccessRequestView, AccountView
from api.v1.fields import Email, Name, RequestModel, ShortText
from domain.errors import Conflict, ErrorCode
from domain.portal import access, accounts, mfa
from domain.portal.sessions import PortalSession, SessionState
from domain.portal.sign_in import Opened

router = APIRouter(prefix="/portal/v1", tags=["portal_account"])


class SessionView(BaseModel):
    id: str
    current: bool
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    ip: str | None
    user_agent: str | None
    impersonated: bool

    @classmethod
    def of(cls, s: PortalSession, current_id: str) -> SessionView:
        assert s.last_seen_at is not None and s.expires_at is not None
        return cls(
            id=s.id,
            current=s.id == current_id,
            created_at=s.created_at,
            last_seen_at=s.last_seen_at,
            expires_at=s.expires_at,
            ip=s.ip,
            user_agent=s.user_agent,
            impersonated=s.impersonator is not None,
        )


class MeOut(BaseModel):
    email: str
    state: SessionState = Field(description="`active`, `mfa_pending` or `no_access`.")
    csrf_token: str
    customer_id: str | None = Field(description="The customer this session is working on.")
    accounts: list[AccountView] = Field(description="Every customer this person can switch to.")
    mfa_enabled: bool
    has_password: bool
    elevated_until: datetime | None = Field(
        description="Until when saving a bank account, auto-pay, team invitations and email changes are open "
        "without another factor."
    )
    impersonated: bool = Field(description="A read-only view opened by the partner: show a banner, disable changes.")
    impersonator: str | None
    access_request: AccessRequestView | None
    language: Literal["en", "fr"] | None = Field(
        description="The language this person chose for the portal and their emails; null until they choose one "
        "(the portal then saves the browser's)."
    )


async def me_answer(uow: SqlUnitOfWork, session: PortalSession, token: str, request: Request) -> MeOut:
    container = get_container(request)
    views: list[AccountView] = []
    mfa_enabled = has_password = False
    language: str | None = None
    if session.user_id is not None and session.state is not SessionState.NO_ACCESS:
        user = await uow.portal_users.get(session.user_id)
        mfa_enabled, has_password = user.totp_enabled, user.password_hash is not None
        language = user.language if user.language in ("en", "fr") else None
        for m in await uow.portal_users.memberships(user.id):
            customer = await uow.customers.get(m.customer_id)
            if not customer.archived:
                views.append(
                    AccountView(customer_id=customer.id, name=customer.name, permissions=sorted(m.permissions))
                )
    if (
        session.impersonator is not None
        and session.customer_id
        and not any(v.customer_id == session.customer_id for v in views)
    ):
        # The partner's stand-in holds no membership; it sees the one account it was opened on, read-only.
        customer = await uow.customers.get(session.customer_id)
        views.append(AccountView(customer_id=customer.id, name=customer.name, permissions=["view"]))
    pending = (
        await uow.access_requests.latest_for_email(session.email) if session.state is SessionState.NO_ACCESS else None
    )
    return MeOut(
        email=session.email,
        state=session.state,
        csrf_token=csrf_token_for(container, token),
        customer_id=session.customer_id,
        accounts=views,
        mfa_enabled=mfa_enabled,
        has_password=has_password,
        elevated_until=session.elevated_until,
        impersonated=session.impersonator is not None,
        impersonator=session.impersonator,
        access_request=AccessRequestView.of(pending) if pending else None,
        language=language,
    )


@router.get(
    "/me",
    operation_id="portal_account_me",
    summary="Who is signed in",
    description="The session's person, state, CSRF token and the customers they can switch between.",
    response_model=MeOut,
    responses=problems(401),
)
async def me(ctx: AnySession) -> MeOut:
    return await me_answer(ctx.uow, ctx.session, ctx.token, ctx.request)


async def _rotated(uow: SqlUnitOfWork, opened: Opened, request: Request) -> Response:
    return json_with_cookie(await me_answer(uow, opened.session, opened.token, request), request, opened.token)


class SwitchAccount(RequestModel):
    customer_id: str = Field(min_length=1, max_length=64)


@router.post(
    "/me/account",
    operation_id="portal_account_switch",
    summary="Switch to another customer this person can reach",
    response_model=MeOut,
    responses=problems(401, 403, 404),
)
async def switch(body: SwitchAccount, ctx: PortalWriting) -> MeOut:
    await accounts.switch_customer(accounts.SwitchCustomer(ctx.session, body.customer_id), ctx.uow)
    return await me_answer(ctx.uow, ctx.session, ctx.token, ctx.request)


class MeUpdate(RequestModel):
    language: Literal["en", "fr"] = Field(description="The language of the portal and of this person's emails.")


@router.patch(
    "/me",
    operation_id="portal_account_update",
    summary="Change my preferences",
    description="Remembers the language the portal shows and this person's emails are written in.",
    response_model=MeOut,
    responses=problems(401, 403, 422),
)
async def update_me(body: MeUpdate, ctx: PortalWriting) -> MeOut:
    await accounts.set_language(accounts.SetLanguage(ctx.user.id, body.language), ctx.uow, clock=ctx.uow.clock)
    return await me_answer(ctx.uow, ctx.session, ctx.token, ctx.request)


class SessionList(BaseModel):
    data: list[SessionView]


@router.get(
    "/me/sessions",
    operation_id="portal_account_sessions",
    summary="List my active sessions",
    response_model=SessionList,
    responses=problems(401, 403),
)
async def sessions(ctx: Portal) -> SessionList:
    live = await ctx.uow.portal_sessions.active_for_user(ctx.user.id, ctx.uow.clock.now())
    return SessionList(data=[SessionView.of(s, ctx.session.id) for s in live])


@router.delete(
    "/me/sessions/{session_id}",
    operation_id="portal_account_revoke_session",
    summary="Sign out one of my sessions",
    status_code=204,
    responses=problems(401, 403, 404),
)
async def revoke(session_id: str, ctx: PortalWriting) -> Response:
    await accounts.revoke_session(accounts.RevokeSession(ctx.user.id, session_id), ctx.uow, clock=ctx.uow.clock)
    response = Response(status_code=204)
    return without_session_cookie(response, ctx.request) if session_id == ctx.session.id else response


@router.post(
    "/sign-out",
    operation_id="portal_account_sign_out",
    summary="Sign out",
    description="Ends this session (an impersonated one too) and clears the cookie.",
    status_code=204,
    responses=problems(401, 403),
)
async def sign_out(ctx: AnySessionWriting) -> Response:
    ctx.session.revoked_at = ctx.uow.clock.now()
    await ctx.uow.portal_sessions.save(ctx.session)
    return without_session_cookie(Response(status_code=204), ctx.request)


class StepUp(RequestModel):
    password: str | None = Field(default=None, min_length=1, max_length=256)
    totp: str | None = Field(default=None, min_length=6, max_length=6)
    code: str | None = Field(default=None, min_length=6, max_length=6, description="From POST /me/step-up/code.")


@router.post(
    "/me/step-up/code",
    operation_id="portal_account_step_up_code",
    summary="Email a code to confirm it is me",
    status_code=204,
    responses=problems(401, 403, 429),
)
async def step_up_code(ctx: PortalWriting) -> Response:
    await accounts.send_step_up_code(
        accounts.SendStepUpCode(ctx.session), ctx.uow, creds=ctx.creds, clock=ctx.uow.clock
    )
    return Response(status_code=204)


@router.post(
    "/me/step-up",
    operation_id="portal_account_step_up",
    summary="Confirm it is me (second factor)",
    description="One of `password`, `totp` or `code`. Opens the sensitive actions for 10 minutes and rotates the "
    "session token.",
    response_model=MeOut,
    responses=problems(401, 403, 409, 429),
)
async def step_up(body: StepUp, ctx: PortalWriting) -> Response:
    opened = await accounts.step_up(
        accounts.StepUp(ctx.session, password=body.password, totp=body.totp, code=body.code),
        ctx.uow,
        creds=ctx.creds,
        clock=ctx.uow.clock,
        checkpoint=ctx.uow.checkpoint,
    )
    return await _rotated(ctx.uow, opened, ctx.request)


class PasswordChange(RequestModel):
    current_password: str | None = Field(default=None, max_length=256, description="Needed when one is set.")
    new_password: str = Field(min_length=1, max_length=256)


@router.post(
    "/me/password",
    operation_id="portal_account_change_password",
    summary="Set or change my password",
    description="8 to 256 characters, not a common password. Ends every other session. Setting a first password "
    "needs a recent second factor.",
    response_model=MeOut,
    responses=problems(400, 401, 403, 409),
)
async def change_password(body: PasswordChange, ctx: PortalWriting) -> Response:
    if ctx.user.password_hash is None:
        ctx.require_fresh_factor()
    opened = await accounts.change_password(
        accounts.ChangePassword(ctx.session, body.current_password, body.new_password),
        ctx.uow,
        creds=ctx.creds,
        clock=ctx.uow.clock,
    )
    return await _rotated(ctx.uow, opened, ctx.request)


class EmailChange(RequestModel):
    new_email: Email


class EmailChangeConfirm(RequestModel):
    new_email: Email
    code: str = Field(min_length=6, max_length=6)


@router.post(
    "/me/email",
    operation_id="portal_account_request_email_change",
    summary="Change my email: send a code to the new address",
    description="Needs a recent second factor.",
    status_code=204,
    responses=problems(401, 403, 409, 429),
)
async def request_email_change(body: EmailChange, ctx: PortalWriting) -> Response:
    ctx.require_fresh_factor()
    await accounts.request_email_change(
        accounts.RequestEmailChange(ctx.session, body.new_email), ctx.uow, creds=ctx.creds, clock=ctx.uow.clock
    )
    return Response(status_code=204)


@router.post(
    "/me/email/confirm",
    operation_id="portal_account_confirm_email_change",
    summary="Change my email: confirm with the code sent to the new address",
    description="Ends every other session.",
    response_model=MeOut,
    responses=problems(401, 403, 409),
)
async def confirm_email_change(body: EmailChangeConfirm, ctx: PortalWriting) -> Response:
    ctx.require_fresh_factor()
    opened = await accounts.confirm_email_change(
        accounts.ConfirmEmailChange(ctx.session, body.new_email, body.code),
        ctx.uow,
        creds=ctx.creds,
        clock=ctx.uow.clock,
        checkpoint=ctx.uow.checkpoint,
    )
    return await _rotated(ctx.uow, opened, ctx.request)


class MfaEnrolment(BaseModel):
    secret: str = Field(description="Base32; for typing into an authenticator by hand.")
    otpauth_uri: str = Field(description="Render as a QR code.")


class MfaConfirm(RequestModel):
    code: str = Field(min_length=6, max_length=6)


class RecoveryCodes(BaseModel):
    recovery_codes: list[str] = Field(description="Shown once. Each works once instead of an authenticator code.")
    csrf_token: str


@router.post(
    "/me/mfa",
    operation_id="portal_account_begin_mfa",
    summary="Start setting up two-step sign-in (TOTP)",
    description="Needs a recent second factor. Confirm with a first code to turn it on.",
    response_model=MfaEnrolment,
    responses=problems(401, 403, 409),
)
async def begin_mfa(ctx: PortalWriting) -> MfaEnrolment:
    ctx.require_fresh_factor()
    partner = await ctx.uow.partners.get(ctx.session.partner_id)
    enrolment = await mfa.begin(
        mfa.BeginEnrolment(ctx.session, partner.name), ctx.uow, creds=ctx.creds, clock=ctx.uow.clock
    )
    return MfaEnrolment(secret=enrolment.secret, otpauth_uri=enrolment.otpauth_uri)


@router.post(
    "/me/mfa/confirm",
    operation_id="portal_account_confirm_mfa",
    summary="Turn two-step sign-in on with a first code",
    description="Returns 10 recovery codes, shown once. Ends every other session and rotates this one.",
    response_model=RecoveryCodes,
    responses=problems(401, 403, 409),
)
async def confirm_mfa(body: MfaConfirm, ctx: PortalWriting) -> Response:
    ctx.require_fresh_factor()
    opened, codes = await mfa.confirm(
        mfa.ConfirmEnrolment(ctx.session, body.code), ctx.uow, creds=ctx.creds, clock=ctx.uow.clock
    )
    answer = RecoveryCodes(recovery_codes=codes, csrf_token=csrf_token_for(ctx.container, opened.token))
    return json_with_cookie(answer, ctx.request, opened.token)


@router.post(
    "/me/mfa/recovery-codes",
    operation_id="portal_account_new_recovery_codes",
    summary="Replace my recovery codes",
    response_model=RecoveryCodes,
    responses=problems(401, 403, 409),
)
async def recovery_codes(ctx: PortalWriting) -> RecoveryCodes:
    ctx.require_fresh_factor()
    codes = await mfa.regenerate_recovery_codes(mfa.RegenerateRecoveryCodes(ctx.session), ctx.uow, clock=ctx.uow.clock)
    return RecoveryCodes(recovery_codes=codes, csrf_token=csrf_token_for(ctx.container, ctx.token))


@router.delete(
    "/me/mfa",
    operation_id="portal_account_disable_mfa",
    summary="Turn two-step sign-in off",
    description="Needs a recent second factor. Ends every other session.",
    response_model=MeOut,
    responses=problems(401, 403, 409),
)
async def disable_mfa(ctx: PortalWriting) -> Response:
    ctx.require_fresh_factor()
    opened = await mfa.disable(mfa.DisableMfa(ctx.session), ctx.uow, clock=ctx.uow.clock)
    return await _rotated(ctx.uow, opened, ctx.request)


class AccessRequestIn(RequestModel):
    company_name: Name
    contact_name: Name
    phone: ShortText = Field(min_length=3)
    address: str = Field(min_length=3, max_length=500)


@router.post(
    "/access-requests",
    operation_id="portal_account_request_access",
    summary="Ask the partner for access",
    description="For a verified email no customer has (`no_access` session): business information once. The "
    "requester and the partner are emailed; the answer (and later `GET /me`) shows it awaiting approval.",
    status_code=201,
    response_model=AccessRequestView,
    responses=problems(401, 403, 409),
)
async def request_access(body: AccessRequestIn, ctx: AnySessionWriting) -> AccessRequestView:
    if ctx.session.state is not SessionState.NO_ACCESS:
        raise Conflict("You already have access; there is nothing to request.", code=ErrorCode.ALREADY_HAS_ACCESS)
    info = access.BusinessInfo(body.company_name, body.contact_name, body.phone, body.address)
    filed = await access.file_request(access.FileAccessRequest(ctx.session, info), ctx.uow, clock=ctx.uow.clock)
    return AccessRequestView.of(filed)
