"""Session cookies and CSRF for browser sessions, shared by the customer portal and the partner dashboard: an
HttpOnly cookie (`__Host-` and Secure over https, SameSite=Lax), a CSRF token bound to the session token, and an
Origin check on every state change."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import Response
from pydantic import BaseModel

from adapters.bootstrap import Container
from adapters.settings import derived_secret
from domain.constant_time import same_secret
from domain.errors import ErrorCode, PermissionDenied


def is_https(request: Request) -> bool:
    """As the client sees it: behind a trusted proxy, its X-Forwarded-Proto (api/trusted_proxies.py)."""
    return request.url.scheme == "https"


@dataclass(frozen=True, slots=True)
class SessionCookie:
    name: str
    lifetime: timedelta
    csrf_realm: str  # keys the CSRF tokens, so a portal token never passes for a dashboard one
    csrf_source: str  # where a client finds its token, for the refusal's message

    def name_for(self, request: Request) -> str:
        return f"__Host-{self.name}" if is_https(request) else self.name

    def read(self, request: Request) -> str | None:
        token = request.cookies.get(self.name_for(request))
        return token if token and len(token) <= 200 else None

    def set(self, response: Response, request: Request, token: str) -> Response:
        response.set_cookie(
            self.name_for(request),
            token,
            max_age=int(self.lifetime.total_seconds()),
            path="/",
            secure=is_https(request),
            httponly=True,
            samesite="lax",
        )
        response.headers["Cache-Control"] = "no-store"
        return response

    def clear(self, response: Response, request: Request) -> Response:
        response.delete_cookie(
            self.name_for(request), path="/", secure=is_https(request), httponly=True, samesite="lax"
        )
        return response

    def json(self, model: BaseModel, request: Request, token: str, status: int = 200) -> Response:
        response = Response(model.model_dump_json(), status_code=status, media_type="application/json")
        return self.set(response, request, token)

    def csrf_token(self, container: Container, session_token: str) -> str:
        key = derived_secret(container.settings, self.csrf_realm).encode()
        return hmac.new(key, session_token.encode(), hashlib.sha256).hexdigest()

    def check_csrf(self, request: Request, container: Container, session_token: str, header: str | None) -> None:
        check_origin(request, container)
        if header is None or not same_secret(header, self.csrf_token(container, session_token)):
            raise PermissionDenied(
                f"Send the csrf_token from {self.csrf_source} in the X-CSRF-Token header.", code=ErrorCode.CSRF_FAILED
            )


def allowed_origins(request: Request, container: Container) -> set[str]:
    base = urlsplit(container.settings.base_url)
    own = f"{request.url.scheme}://{request.headers.get('host', request.url.netloc)}"
    return {f"{base.scheme}://{base.netloc}", own}


def check_origin(request: Request, container: Container) -> None:
    """A browser names the page that sent a state change; only our own pages may."""
    origin = request.headers.get("origin")
    if origin is not None and origin not in allowed_origins(request, container):
        raise PermissionDenied(
            "This request came from a page that is not allowed to send it.", code=ErrorCode.BAD_ORIGIN
        )
