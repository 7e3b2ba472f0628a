"""Domain errors carry a stable code and no transport details; api/errors.py maps them."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base class: `code` is stable and documented, `detail` is for people."""

    code = "domain_error"

    def __init__(self, detail: str, **context: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.context = context


class NotFound(DomainError):
    code = "resource_missing"

    def __init__(self, kind: str, ident: str) -> None:
        super().__init__(f"No such {kind}: '{ident}'.", kind=kind, id=ident)


class InvalidRequest(DomainError):
    """The request is well-formed but breaks a business rule about its own fields."""

    code = "invalid_request"

    def __init__(self, detail: str, *, code: str | None = None, field: str | None = None, **context: Any):
        super().__init__(detail, field=field, **context)
        if code:
            self.code = code
        self.field = field


class Conflict(DomainError):
    """The request conflicts with the current state of a resource."""

    code = "conflict"

    def __init__(self, detail: str, *, code: str | None = None, **context: Any) -> None:
        super().__init__(detail, **context)
        if code:
            self.code = code


class InvalidTransition(Conflict):
    def __init__(self, entity: str, ident: str, from_state: str, to_state: str) -> None:
        super().__init__(
            f"Cannot move {entity} '{ident}' from '{from_state}' to '{to_state}'.",
            code="invalid_state_transition",
            entity=entity,
            id=ident,
            from_state=from_state,
            to_state=to_state,
        )


class CurrencyMismatch(InvalidRequest):
    def __init__(self, left: str, right: str) -> None:
        super().__init__(
            f"Currencies do not match: {left} and {right}.", code="currency_mismatch", left=left, right=right
        )


class OverAllocation(Conflict):
    def __init__(self, invoice_id: str, requested: int, due: int, currency: str) -> None:
        super().__init__(
            f"Cannot apply {requested} to invoice '{invoice_id}': only {due} {currency} (minor units) is due.",
            code="amount_exceeds_due",
            invoice_id=invoice_id,
            requested=requested,
            amount_due=due,
            currency=currency,
        )


class UnbalancedEntry(DomainError):
    code = "unbalanced_entry"


class NotAuthenticated(DomainError):
    """Credentials are missing, wrong or expired."""

    code = "not_authenticated"

    def __init__(self, detail: str, *, code: str | None = None, **context: Any) -> None:
        super().__init__(detail, **context)
        if code:
            self.code = code


class PermissionDenied(DomainError):
    """Signed in, but this principal may not do this."""

    code = "permission_denied"

    def __init__(self, detail: str, *, code: str | None = None, **context: Any) -> None:
        super().__init__(detail, **context)
        if code:
            self.code = code


class TooManyAttempts(DomainError):
    """A limit on something guessable or costly; try again after `retry_after` seconds."""

    code = "rate_limited"

    def __init__(self, detail: str, *, retry_after: int, code: str | None = None) -> None:
        super().__init__(detail, retry_after=retry_after)
        self.retry_after = retry_after
        if code:
            self.code = code
