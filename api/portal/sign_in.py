"""Signing in: emailed codes, passwords, the MFA step, single-use links; activation and password reset."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import Field

from adapters.db.unit_of_work import SqlUnitOfWork
from api.deps import UoW, get_container
from api.errors import problems
from api.portal.deps import (
    AnySessionWriting,
    BillingPartner,
    check_origin,
    client_ip,
    credentials,
    csrf_token_for,
    json_with_cookie,
    scope_by_link,
)
from api.portal.schemas import Accepted, AccessRequestView, SignInOut, SignInStatus
from api.rate_limit import TokenBuckets
from api.v1.fields import Email, Flag, RequestModel
from domain.errors import TooManyAttempts
from domain.portal import accounts, impersonation, sign_in
from domain.portal.ports import Credentials
from domain.portal.sessions import SessionState

router = APIRouter(prefix="/portal/v1", tags=["portal_access"])

SENDS = "portal_sends"
GUESSES = "portal_guesses"


def portal_limits() -> dict[str, TokenBuckets]:
    """Per client address, in-process (see api/rate_limit.py): 20 code or reset emails an hour, and 60 guesses
    of codes, passwords and links an hour (30 at once)."""
    return {
        SENDS: TokenBuckets(rate_per_second=20 / 3600, burst=20),
        GUESSES: TokenBuckets(rate_per_second=60 / 3600, burst=30),
    }


@dataclass(frozen=True, slots=True)
class Caller:
    creds: Credentials
    ip: str
    user_agent: str | None


def _caller(request: Request, kind: str, what: str) -> Caller:
    """What every sign-in route does first: our own pages only, the per-address limit, then who is asking."""
    container = get_container(request)
    check_origin(request, container)
    _limit(kind, request, what)
    return Caller(credentials(container), client_ip(request), request.headers.get("user-agent"))


def _limit(kind: str, request: Request, what: str) -> None:
    buckets: TokenBuckets = request.app.state.portal_limits[kind]
    if wait := buckets.take(client_ip(request)):
        raise TooManyAttempts(f"Too many {what} from this network. Try again later.", retry_after=max(1, int(wait)))


ScreenLanguage = Annotated[
    Literal["en", "fr"] | None,
    Field(description="The language the person is reading the portal in: the email is written in it."),
]


class CodeRequest(RequestModel):
    email: Email
    language: ScreenLanguage = None


class CodeVerify(RequestModel):
    email: Email
    code: str = Field(min_length=1, max_length=12, description="The 6 digits from the email.")


class PasswordSignIn(RequestModel):
    email: Email
    password: str = Field(min_length=1, max_length=256)


class MfaVerify(RequestModel):
    code: str = Field(min_length=1, max_length=32, description="A 6-digit authenticator code, or a recovery code.")
    recovery: Flag = Field(default=False, description="True when `code` is one of the recovery codes.")


class LinkRedeem(RequestModel):
    token: str = Field(min_length=10, max_length=200)


class PasswordSet(RequestModel):
    token: str = Field(min_length=10, max_length=200)
    password: str = Field(min_length=1, max_length=256)


async def signed_in_answer(request: Request, uow: UoW, opened: sign_in.Opened) -> Response:
    container = get_container(request)
    s = opened.session
    status = {
        SessionState.ACTIVE: SignInStatus.SIGNED_IN,
        SessionState.MFA_PENDING: SignInStatus.MFA_REQUIRED,
        SessionState.NO_ACCESS: SignInStatus.NO_ACCESS,
    }[s.state]
    pending = await uow.access_requests.latest_for_email(s.email) if s.state is SessionState.NO_ACCESS else None
    body = SignInOut(
        status=status,
        csrf_token=csrf_token_for(container, opened.token),
        email=s.email,
        partner_slug=(await uow.partners.get(s.partner_id)).slug,
        access_request=AccessRequestView.of(pending) if pending else None,
    )
    return json_with_cookie(body, request, opened.token)


@router.post(
    "/partners/{slug}/sign-in/code",
    operation_id="portal_access_send_code",
    summary="Email a one-time sign-in code",
    description="Always answers 202 the same way, whether or not the address is known. The code has 6 digits, "
    "lasts 10 minutes, and a new one voids the previous one; at most 5 per hour per address.",
    status_code=202,
    response_model=Accepted,
    responses=problems(404),
)
async def send_code(slug: str, body: CodeRequest, partner: BillingPartner, uow: UoW, request: Request) -> Accepted:
    caller = _caller(request, SENDS, "sign-in codes")
    await sign_in.send_code(
        sign_in.SendCode(body.email, language=body.language), uow, creds=caller.creds, clock=uow.clock
    )
    return Accepted(detail="If this address can receive codes, one is on its way. It works for 10 minutes.")


@router.post(
    "/partners/{slug}/sign-in/verify",
    operation_id="portal_access_verify_code",
    summary="Sign in with the emailed code",
    description="Opens a session (HttpOnly cookie) and returns the CSRF token. For an address no customer has, the "
    "session is limited: it can only file an access request (`status: no_access`).",
    response_model=SignInOut,
    responses=problems(401, 404),
)
async def verify_code(slug: str, body: CodeVerify, partner: BillingPartner, uow: UoW, request: Request) -> Response:
    return await _sign_in(request, uow, sign_in.sign_in_with_code, sign_in.SignInWithCode, body.email, body.code)


@router.post(
    "/partners/{slug}/sign-in/password",
    operation_id="portal_access_password",
    summary="Sign in with a password",
    description="Five failures lock the account for a minute, growing to 15 minutes; an emailed reset link or the "
    "partner unlocks it. With MFA on, answers `mfa_required`.",
    response_model=SignInOut,
    responses=problems(401, 404, 409, 429),
)
async def password(slug: str, body: PasswordSignIn, partner: BillingPartner, uow: UoW, request: Request) -> Response:
    return await _sign_in(
        request, uow, sign_in.sign_in_with_password, sign_in.SignInWithPassword, body.email, body.password
    )


async def _sign_in(
    request: Request,
    uow: SqlUnitOfWork,
    use_case: Callable[..., Awaitable[Any]],
    command: Callable[[str, str, str | None, str | None], Any],
    email: str,
    secret: str,
) -> Response:
    """A code or a password, counted against the same guessing budget, opens a session the same way."""
    caller = _caller(request, GUESSES, "sign-in attempts")
    opened = await use_case(
        command(email, secret, caller.ip, caller.user_agent),
        uow,
        creds=caller.creds,
        clock=uow.clock,
        checkpoint=uow.checkpoint,
    )
    return await signed_in_answer(request, uow, opened)


@router.post(
    "/sign-in/mfa",
    operation_id="portal_access_mfa",
    summary="Finish signing in with an authenticator or recovery code",
    description="The step after a code, link or password when MFA is on. It never asks for the emailed code "
    "again. Five wrong codes end the waiting session. The session token is rotated.",
    response_model=SignInOut,
    responses=problems(401, 403, 409, 429),
)
async def mfa(body: MfaVerify, ctx: AnySessionWriting, uow: UoW, request: Request) -> Response:
    _limit(GUESSES, request, "sign-in attempts")
    await sign_in.complete_mfa(
        sign_in.CompleteMfa(ctx.session, body.code, recovery=body.recovery),
        uow,
        creds=ctx.creds,
        clock=uow.clock,
        checkpoint=uow.checkpoint,
    )
    opened = await accounts.rotate(accounts.RotateSession(ctx.session), uow)
    return await signed_in_answer(request, uow, opened)


@router.post(
    "/sign-in/link",
    operation_id="portal_access_link",
    summary="Sign in with an emailed single-use link",
    description="The link an approved access request sends. Single use; expires after 3 days.",
    response_model=SignInOut,
    responses=problems(401),
)
async def link(body: LinkRedeem, uow: UoW, request: Request) -> Response:
    caller = _caller(request, GUESSES, "attempts")
    await scope_by_link(uow, body.token)
    opened = await accounts.sign_in_with_link(
        accounts.SignInWithLink(body.token, caller.ip, caller.user_agent), uow, clock=uow.clock
    )
    return await signed_in_answer(request, uow, opened)


@router.post(
    "/activation",
    operation_id="portal_access_activate",
    summary="Set a password from an activation or team-invitation link",
    description="Single use, valid 7 days. Signs in (or asks for MFA when it is on).",
    response_model=SignInOut,
    responses=problems(400, 401, 409),
)
async def activate(body: PasswordSet, uow: UoW, request: Request) -> Response:
    caller = _caller(request, GUESSES, "attempts")
    await scope_by_link(uow, body.token)
    opened = await accounts.activate(
        accounts.Activate(body.token, body.password, caller.ip, caller.user_agent),
        uow,
        creds=caller.creds,
        clock=uow.clock,
    )
    return await signed_in_answer(request, uow, opened)


class ResetRequest(RequestModel):
    email: Email
    language: ScreenLanguage = None


@router.post(
    "/partners/{slug}/password-reset",
    operation_id="portal_access_request_reset",
    summary="Email a password-reset link",
    description="Always answers 202 the same way. The link is single use and lasts one hour.",
    status_code=202,
    response_model=Accepted,
    responses=problems(404),
)
async def request_reset(slug: str, body: ResetRequest, partner: BillingPartner, uow: UoW, request: Request) -> Accepted:
    caller = _caller(request, SENDS, "reset requests")
    await accounts.request_password_reset(
        accounts.RequestPasswordReset(body.email, partner.slug, language=body.language),
        uow,
        creds=caller.creds,
        clock=uow.clock,
    )
    return Accepted(detail="If this address has a password here, a reset link is on its way. It works for one hour.")


@router.post(
    "/password-reset",
    operation_id="portal_access_reset_password",
    summary="Set a new password from a reset link",
    description="Unlocks the account and ends every other session; signs in (or asks for MFA when it is on).",
    response_model=SignInOut,
    responses=problems(400, 401, 409),
)
async def reset(body: PasswordSet, uow: UoW, request: Request) -> Response:
    caller = _caller(request, GUESSES, "attempts")
    await scope_by_link(uow, body.token)
    opened = await accounts.reset_password(
        accounts.ResetPassword(body.token, body.password, caller.ip, caller.user_agent),
        uow,
        creds=caller.creds,
        clock=uow.clock,
    )
    return await signed_in_answer(request, uow, opened)


@router.post(
    "/sign-in/impersonation",
    operation_id="portal_access_impersonation",
    summary="Open the partner's read-only view from an impersonation link",
    description="Single use, valid 2 minutes. The session is read-only and bannered (`impersonated` in "
    "`GET /portal/v1/me`); it and every request it makes are in the audit log.",
    response_model=SignInOut,
    responses=problems(401),
)
async def impersonation_view(body: LinkRedeem, uow: UoW, request: Request) -> Response:
    caller = _caller(request, GUESSES, "attempts")
    await scope_by_link(uow, body.token)
    opened = await impersonation.open_view(
        impersonation.OpenImpersonation(body.token, caller.ip, caller.user_agent), uow, clock=uow.clock
    )
    return await signed_in_answer(request, uow, opened)
