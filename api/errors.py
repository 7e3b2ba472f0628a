"""The single table from error to HTTP status, rendered as RFC 9457 problem details."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.exc import DBAPIError, IntegrityError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from domain.errors import (
    Conflict,
    ContentTooLarge,
    DomainError,
    ErrorCode,
    InvalidRequest,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    TooManyAttempts,
    UnbalancedEntry,
    UnsupportedMediaType,
)
from domain.payments.processing import InvalidSignature, ProcessorUnavailable

log = logging.getLogger("remit.api")
PROBLEM_JSON = "application/problem+json"

STATUS_BY_ERROR: list[tuple[type[DomainError], int]] = [
    (NotFound, 404),
    (NotAuthenticated, 401),
    (PermissionDenied, 403),
    (TooManyAttempts, 429),
    (Conflict, 409),
    (UnsupportedMediaType, 415),
    (ContentTooLarge, 413),
    (InvalidRequest, 400),
    (InvalidSignature, 400),
    (ProcessorUnavailable, 503),
    (UnbalancedEntry, 500),
]


class FieldError(BaseModel):
    field: str = Field(description="Where the problem is, e.g. `allocations[0].amount`.")
    message: str
    code: str = Field(description="What is wrong with it: a validation type such as `missing`, or an error code.")


class Problem(BaseModel):
    """RFC 9457 problem details. `code` is stable; `title` and `detail` are for people."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "type": "urn:remit:problem:amount_exceeds_due",
                    "title": "Conflict",
                    "status": 409,
                    "code": "amount_exceeds_due",
                    "detail": "Cannot apply 50000 to invoice 'inv_01J…': only 12000 USD (minor units) is due.",
                }
            ]
        }
    )
    type: str
    title: str
    status: int
    code: ErrorCode = Field(description="Stable: branch on it. The catalogue is this enum.")
    detail: str
    errors: list[FieldError] | None = None


class AuthError(Exception):
    def __init__(self, detail: str, code: ErrorCode = ErrorCode.AUTHENTICATION_REQUIRED) -> None:
        super().__init__(detail)
        self.detail = detail
        self.code = code


def problem(
    status: int,
    code: str,
    detail: str,
    *,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": f"urn:remit:problem:{code}",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "code": code,
        "detail": detail,
    }
    if errors is not None:
        body["errors"] = errors
    if extra:
        body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def status_for(error: DomainError) -> int:
    for cls, status in STATUS_BY_ERROR:
        if isinstance(error, cls):
            return status
    return 400


def _field_name(loc: tuple[Any, ...]) -> str:
    parts = [p for p in loc if p not in ("body", "query", "path", "header")]
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "body"


def _json_safe(context: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in context.items() if isinstance(v, str | int | bool | type(None))}


# lock_not_available, deadlock_detected, serialization_failure: the transaction rolled back and may be retried.
RETRYABLE_SQLSTATES = frozenset({"55P03", "40P01", "40001"})


# Connection exceptions, and the server shutting down or starting up: the statement never ran to completion.
UNAVAILABLE_SQLSTATE_PREFIXES = ("08", "57P")


def database_unavailable(exc: DBAPIError) -> bool:
    """The database was unreachable or dropped the connection: nothing was committed, so the request can be
    retried (with the same idempotency key)."""
    state = _sqlstate(exc) or ""
    return (
        exc.connection_invalidated or isinstance(exc.orig, OSError) or state.startswith(UNAVAILABLE_SQLSTATE_PREFIXES)
    )


def _sqlstate(exc: DBAPIError) -> str | None:
    orig = exc.orig
    code = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    cause = getattr(orig, "__cause__", None)
    return code or getattr(cause, "sqlstate", None)


def _raw_body_error(error: Any) -> bool:
    """A body that was never parsed as JSON (wrong or missing content type) arrives as bytes or text."""
    return tuple(error.get("loc", ())) == ("body",) and isinstance(error.get("input"), bytes | str)


def _allowed_methods(request: Request) -> list[str]:
    """Every method any route serves at this path (Starlette's own 405 names only the first route's)."""
    methods: set[str] = set()
    for route in request.app.routes:
        match, _ = route.matches(request.scope)
        if match is not Match.NONE:
            methods |= set(getattr(route, "methods", None) or ())
    return sorted(methods)


def install(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(_: Request, exc: DomainError) -> JSONResponse:
        status = status_for(exc)
        if status >= 500:
            log.error("domain invariant failed: %s", exc)
            return problem(500, ErrorCode.INTERNAL_ERROR, "Something went wrong on our side; nothing was changed.")
        errors = None
        if isinstance(exc, InvalidRequest) and exc.field:
            errors = [{"field": exc.field, "message": exc.detail, "code": exc.code}]
        headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, TooManyAttempts) else None
        return problem(
            status, exc.code, exc.detail, errors=errors, headers=headers, extra={"context": _json_safe(exc.context)}
        )

    @app.exception_handler(AuthError)
    async def _auth(_: Request, exc: AuthError) -> JSONResponse:
        return problem(401, exc.code, exc.detail, headers={"WWW-Authenticate": 'Bearer realm="remit"'})

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        raw = exc.errors()
        if any(e.get("type") == "json_invalid" or _raw_body_error(e) for e in raw):
            return problem(400, ErrorCode.MALFORMED_JSON, "The request body must be a JSON object.")
        errors = [
            {
                "field": _field_name(tuple(e.get("loc", ()))),
                "message": str(e.get("msg", "")),
                "code": str(e.get("type")),
            }
            for e in raw
        ]
        return problem(422, ErrorCode.VALIDATION_ERROR, "The request has invalid or missing fields.", errors=errors)

    @app.exception_handler(DBAPIError)
    async def _database(_: Request, exc: DBAPIError) -> JSONResponse:
        if database_unavailable(exc):
            log.warning("database connection lost; answered 503: %s", exc.orig)
            return problem(
                503,
                ErrorCode.DATABASE_UNAVAILABLE,
                "The database could not be reached; nothing was changed. Retry in a moment with the same "
                "Idempotency-Key.",
                headers={"Retry-After": "1"},
            )
        if _sqlstate(exc) in RETRYABLE_SQLSTATES:
            return problem(
                409,
                ErrorCode.RESOURCE_BUSY,
                "Another request is changing the same records; retry in a moment.",
                headers={"Retry-After": "1"},
            )
        log.exception("database error", exc_info=exc)
        return problem(500, ErrorCode.INTERNAL_ERROR, "Something went wrong on our side; nothing was changed.")

    @app.exception_handler(IntegrityError)
    async def _integrity(_: Request, exc: IntegrityError) -> JSONResponse:
        log.warning("integrity error answered as 409: %s", exc.orig)
        return problem(409, ErrorCode.CONFLICT, "The request conflicts with existing data; nothing was changed.")

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        # FastAPI raises a bare 400 only when it cannot parse the body at all (bad UTF-8, absurd nesting).
        codes = {
            400: ErrorCode.MALFORMED_JSON,
            404: ErrorCode.ROUTE_NOT_FOUND,
            405: ErrorCode.METHOD_NOT_ALLOWED,
            413: ErrorCode.PAYLOAD_TOO_LARGE,
        }
        code = codes.get(exc.status_code, ErrorCode.HTTP_ERROR)
        headers = getattr(exc, "headers", None)
        if exc.status_code == 405:
            headers = {"Allow": ", ".join(_allowed_methods(request))}
        return problem(exc.status_code, code, str(exc.detail), headers=headers)

    @app.exception_handler(Exception)
    async def _unhandled(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=exc)
        return problem(500, ErrorCode.INTERNAL_ERROR, "Something went wrong on our side; nothing was changed.")


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for the error statuses a route can answer."""
    descriptions = {
        400: "The request breaks a business rule or is malformed.",
        402: "The processor declined the payment; the problem names the payment and the decline code.",
        401: "Missing, invalid or revoked API key.",
        403: "Signed in, but not allowed: a missing permission, a read-only (impersonated) session, a second factor "
        "needed first, or a CSRF check that failed.",
        404: "No such resource for this partner.",
        413: "The uploaded file (or the whole request body) is over its size limit.",
        415: "The uploaded file is not of a kind this route takes (see its Content-Type list).",
        409: "Conflicts with the resource's current state, an idempotency key reused with another body or still in "
        "flight, or another request changing the same records (`resource_busy`: retry after `Retry-After` seconds).",
        422: "Payload validation failed; `errors` lists each field.",
        429: "Too many requests; retry after `Retry-After` seconds.",
        503: "The payment processor or the database could not be reached; nothing was charged twice, retry later "
        "(after `Retry-After` seconds when given) with the same Idempotency-Key.",
    }
    schema = {"$ref": "#/components/schemas/Problem"}
    # Every authenticated route can meet a malformed request (400), bad parameters (422) and the rate limit (429).
    every = sorted({*statuses, 400, 422, 429})
    return {s: {"description": descriptions[s], "content": {PROBLEM_JSON: {"schema": schema}}} for s in every}


def problem_schemas() -> dict[str, Any]:
    """Component schemas for Problem and FieldError, added to the OpenAPI document by api/app.py."""
    schema = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    defs = schema.pop("$defs", {})
    return {"Problem": schema, **defs}
