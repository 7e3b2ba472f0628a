"""/v1/auth: signing people in to the dashboard (password or emailed code, then TOTP), signing up, password resets
and team invitations. Each answer that opens a session sets the HttpOnly cookie and returns the CSRF token every
change must carry in `X-CSRF-Token`; after that, every /v1 route accepts the cookie as it accepts an API key."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field, StringConstraints

from adapters.bootstrap import Container
from api.dashboard_session import DASHBOARD_COOKIE, live_session
from api.deps import UoW, get_container
from api.errors import problems
from api.rate_limit import TokenBuckets
from api.session_cookies import check_origin
from api.trusted_proxies import client_ip
from api.v1.fields import Email, Name, RequestModel
from domain.errors import ErrorCode, PermissionDenied, TooManyAttempts
from domain.team import accounts, sign_in

router = APIRouter(prefix="/v1/auth", tags=["auth"])

SENDS = "sends"
GUESSES = "guesses"
SIGN_UPS = "sign_ups"
ALWAYS_ACCEPTED = "If this address can receive it, an email is on its way."


def dashboard_limits() -> dict[str, TokenBuckets]:
    """Per client address, in-process (api/rate_limit.py): 20 code or reset emails an hour, 60 guesses of
    passwords, codes and links an hour (30 at once), and 10 sign-ups an hour."""
    return {
        SENDS: TokenBuckets(rate_per_second=20 / 3600, burst=20),
        GUESSES: TokenBuckets(rate_per_second=60 / 3600, burst=30),
        SIGN_UPS: TokenBuckets(rate_per_second=10 / 3600, burst=10),
    }


def _guard(request: Request, kind: str, what: str) -> Container:
    """Our own pages only, then the per-address budget."""
    container = get_container(request)
    check_origin(request, container)
    buckets: TokenBuckets = request.app.state.dashboard_limits[kind]
    if wait := buckets.take(client_ip(request)):
        raise TooManyAttempts(f"Too many {what} from this network. Try again later.", retry_after=max(1, int(wait)))
    return container


def _agent(request: Request) -> str | None:
    return request.headers.get("user-agent")


class SessionStateOut(StrEnum):
    ACTIVE = "active"
    MFA_REQUIRED = "mfa_required"
    MFA_ENROLMENT_REQUIRED = "mfa_enrolment_required"


class SignedIn(BaseModel):
    object: str = "dashboard_session"
    state: SessionStateOut = Field(
        description="`active`: signed in. `mfa_required`: send an authenticator or recovery code to "
        "`/v1/auth/sign-in/mfa`. `mfa_enrolment_required`: the team requires two-step sign-in; set it up with "
        "`POST /v1/me/mfa` before anything else."
    )
    csrf_token: str = Field(description="Send it in `X-CSRF-Token` with every change made with this session.")
    partner_id: str | None = Field(description="The partner the session works for; switch with POST /v1/me/partner.")


class DashboardAccepted(BaseModel):
    status: str = "accepted"
    detail: str


def signed_in(request: Request, opened: sign_in.Opened) -> Response:
    container = get_container(request)
    body = SignedIn(
        state=SessionStateOut(opened.session.state.value),
        csrf_token=DASHBOARD_COOKIE.csrf_token(container, opened.token),
        partner_id=opened.session.partner_id,
    )
    return DASHBOARD_COOKIE.json(body, request, opened.token)


Password = Annotated[str, Field(min_length=1, max_length=256)]
Code = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)]
Token = Annotated[str, Field(min_length=10, max_length=200)]


class PasswordSignIn(RequestModel):
    email: Email
    password: Password


class DashboardCodeRequest(RequestModel):
    email: Email


class DashboardCodeVerify(RequestModel):
    email: Email
    code: Code = Field(description="The 6 digits from the email.")


class DashboardMfaVerify(RequestModel):
    code: Code = Field(description="A 6-digit authenticator code, or one of the recovery codes (`xxxxx-xxxxx`).")


class DashboardResetRequest(RequestModel):
    email: Email


class ResetConfirm(RequestModel):
    token: Token
    password: Password


class InvitationAccept(RequestModel):
    token: Token
    name: Name | None = None
    password: Password | None = Field(
        default=None, description="Required for a new person; someone who already has a Remit login may omit it."
    )


class SignUpIn(RequestModel):
    email: Email
    password: Password
    partner_name: Name
    slug: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=63)] = Field(
        description="The partner's address in billing links (`/pay/<slug>`): lowercase letters, digits and dashes."
    )


class SignUpVerify(RequestModel):
    email: Email
    code: Code


@router.post(
    "/sign-in/password",
    operation_id="auth_sign_in_password",
    summary="Sign in with email and password",
    description="Opens a dashboard session (HttpOnly cookie). Five failures lock the account for a minute, "
    "growing to 15; an emailed code or a reset still works. Unknown emails answer exactly like wrong passwords.",
    response_model=SignedIn,
    responses=problems(401, 403, 409, 422, 429),
)
async def password(body: PasswordSignIn, uow: UoW, request: Request) -> Response:
    container = _guard(request, GUESSES, "sign-in attempts")
    cmd = sign_in.SignInWithPassword(body.email, body.password, client_ip(request), _agent(request))
    opened = await sign_in.sign_in_with_password(
        cmd, uow, creds=container.credentials, clock=uow.clock, checkpoint=uow.checkpoint
    )
    return signed_in(request, opened)


@router.post(
    "/sign-in/code",
    operation_id="auth_sign_in_code",
    summary="Email a one-time sign-in code",
    description="Always 202 with the same answer, known address or not. 6 digits, 10 minutes, single use; a new "
    "code voids the previous one; at most 5 an hour per address.",
    status_code=202,
    response_model=DashboardAccepted,
    responses=problems(401, 422, 429),
)
async def send_code(body: DashboardCodeRequest, uow: UoW, request: Request) -> DashboardAccepted:
    container = _guard(request, SENDS, "sign-in codes")
    await sign_in.send_sign_in_code(
        sign_in.SendSignInCode(body.email), uow, creds=container.credentials, clock=uow.clock
    )
    return DashboardAccepted(detail=ALWAYS_ACCEPTED)


@router.post(
    "/sign-in/verify",
    operation_id="auth_sign_in_verify",
    summary="Sign in with the emailed code",
    description="Opens a dashboard session. Five wrong codes void the code.",
    response_model=SignedIn,
    responses=problems(401, 403, 422, 429),
)
async def verify_code(body: DashboardCodeVerify, uow: UoW, request: Request) -> Response:
    container = _guard(request, GUESSES, "sign-in attempts")
    cmd = sign_in.SignInWithCode(body.email, body.code, client_ip(request), _agent(request))
    opened = await sign_in.sign_in_with_code(
        cmd, uow, creds=container.credentials, clock=uow.clock, checkpoint=uow.checkpoint
    )
    return signed_in(request, opened)


@router.post(
    "/sign-in/mfa",
    operation_id="auth_sign_in_mfa",
    summary="Finish signing in with an authenticator or recovery code",
    description="For a session in state `mfa_required`. Five wrong codes end the session. The session gets a new "
    "token (and CSRF token).",
    response_model=SignedIn,
    responses=problems(401, 403, 409, 422, 429),
)
async def mfa(body: DashboardMfaVerify, uow: UoW, request: Request) -> Response:
    container = _guard(request, GUESSES, "sign-in attempts")
    live = await live_session(request, uow)
    DASHBOARD_COOKIE.check_csrf(request, container, live.token, request.headers.get("x-csrf-token"))
    opened = await sign_in.complete_mfa(
        sign_in.CompleteMfa(live.session, body.code),
        uow,
        creds=container.credentials,
        clock=uow.clock,
        checkpoint=uow.checkpoint,
    )
    return signed_in(request, opened)


@router.post(
    "/sign-out",
    operation_id="auth_sign_out",
    summary="Sign out",
    description="Ends this session and clears its cookie.",
    status_code=204,
    responses=problems(401, 403),
)
async def sign_out(uow: UoW, request: Request) -> Response:
    container = get_container(request)
    live = await live_session(request, uow)
    DASHBOARD_COOKIE.check_csrf(request, container, live.token, request.headers.get("x-csrf-token"))
    await accounts.sign_out(accounts.SignOut(live.session), uow, clock=uow.clock)
    return DASHBOARD_COOKIE.clear(Response(status_code=204), request)


@router.post(
    "/password-reset",
    operation_id="auth_password_reset",
    summary="Email a password-reset link",
    description="Always 202 with the same answer. The link works once, for one hour.",
    status_code=202,
    response_model=DashboardAccepted,
    responses=problems(401, 422, 429),
)
async def request_reset(body: DashboardResetRequest, uow: UoW, request: Request) -> DashboardAccepted:
    container = _guard(request, SENDS, "reset emails")
    await accounts.request_password_reset(
        accounts.RequestPasswordReset(body.email), uow, creds=container.credentials, clock=uow.clock
    )
    return DashboardAccepted(detail=ALWAYS_ACCEPTED)


@router.post(
    "/password-reset/confirm",
    operation_id="auth_password_reset_confirm",
    summary="Choose a new password from a reset link",
    description="Ends every other session of the person and signs in (asking for the second factor when on).",
    response_model=SignedIn,
    responses=problems(400, 401, 409, 422, 429),
)
async def confirm_reset(body: ResetConfirm, uow: UoW, request: Request) -> Response:
    container = _guard(request, GUESSES, "attempts")
    cmd = accounts.ResetPassword(body.token, body.password, client_ip(request), _agent(request))
    opened = await accounts.reset_password(cmd, uow, creds=container.credentials, clock=uow.clock)
    return signed_in(request, opened)


@router.post(
    "/invitations/accept",
    operation_id="auth_invitation_accept",
    summary="Accept a team invitation",
    description="Joins the team with the invited role and signs in. A new person chooses a name and password; "
    "someone with a Remit login already keeps theirs. The link works once, for 7 days.",
    response_model=SignedIn,
    responses=problems(400, 401, 409, 422, 429),
)
async def accept_invitation(body: InvitationAccept, uow: UoW, request: Request) -> Response:
    container = _guard(request, GUESSES, "attempts")
    cmd = accounts.AcceptInvitation(body.token, body.name, body.password, client_ip(request), _agent(request))
    opened = await accounts.accept_invitation(cmd, uow, creds=container.credentials, clock=uow.clock)
    return signed_in(request, opened)


class AuthConfig(BaseModel):
    object: str = "auth_config"
    sign_up_open: bool = Field(description="Whether `POST /v1/auth/sign-up` may open a new partner on this server.")


@router.get(
    "/config",
    operation_id="auth_config",
    summary="What the sign-in pages may offer",
    description="Public: no credential needed. Tells the dashboard whether to offer self-service sign-up.",
    response_model=AuthConfig,
)
async def config(request: Request) -> AuthConfig:
    return AuthConfig(sign_up_open=get_container(request).settings.sign_up_open)


def _sign_up_open(container: Container) -> None:
    if not container.settings.sign_up_open:
        raise PermissionDenied(
            "Sign-up is closed on this server: ask its operator for an account.", code=ErrorCode.SIGN_UP_CLOSED
        )


@router.post(
    "/sign-up",
    operation_id="auth_sign_up",
    summary="Sign up: a new partner and its first admin",
    description="Checks the password and the slug, then emails a code to prove the address; nothing exists until "
    "the code comes back to `/v1/auth/sign-up/verify`. Open unless the server sets `REMIT_SIGNUP=closed` (the "
    "default in production).",
    status_code=202,
    response_model=DashboardAccepted,
    responses=problems(400, 401, 403, 409, 422, 429),
)
async def sign_up(body: SignUpIn, uow: UoW, request: Request) -> DashboardAccepted:
    container = _guard(request, SIGN_UPS, "sign-ups")
    _sign_up_open(container)
    cmd = accounts.SignUpForAccount(body.email, body.password, body.partner_name, body.slug)
    await accounts.sign_up(cmd, uow, creds=container.credentials, clock=uow.clock)
    return DashboardAccepted(detail="Check your email for a 6-digit code to finish opening the account.")


@router.post(
    "/sign-up/verify",
    operation_id="auth_sign_up_verify",
    summary="Finish signing up with the emailed code",
    description="Creates the partner, makes the person its admin and signs them in.",
    status_code=201,
    response_model=SignedIn,
    responses=problems(401, 403, 409, 422, 429),
)
async def verify_sign_up(body: SignUpVerify, uow: UoW, request: Request) -> Response:
    container = _guard(request, GUESSES, "attempts")
    _sign_up_open(container)
    cmd = accounts.VerifySignUp(body.email, body.code, client_ip(request), _agent(request))
    _partner, opened = await accounts.verify_sign_up(
        cmd, uow, creds=container.credentials, clock=uow.clock, checkpoint=uow.checkpoint
    )
    response = signed_in(request, opened)
    response.status_code = 201
    return response
