"""Domain errors carry a stable code and no transport details; api/errors.py maps them."""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    """Every stable `code` a problem can carry: the catalogue integrators may branch on, published in the OpenAPI
    document (`Problem.code`). A new code is added here first; nothing else spells one."""

    ACCOUNT_LOCKED = "account_locked"
    ALREADY_A_MEMBER = "already_a_member"
    ALREADY_HAS_ACCESS = "already_has_access"
    ALREADY_SCHEDULED = "already_scheduled"
    AMOUNT_EXCEEDS_DUE = "amount_exceeds_due"
    AMOUNT_EXCEEDS_REFUNDABLE = "amount_exceeds_refundable"
    AMOUNT_TOO_LARGE = "amount_too_large"
    API_KEY_REVOKED = "api_key_revoked"
    APPROVAL_EXPIRED = "approval_expired"
    APPROVAL_NOT_PENDING = "approval_not_pending"
    AUTHENTICATION_REQUIRED = "authentication_required"
    BAD_ORIGIN = "bad_origin"
    CARD_EXPIRED = "card_expired"
    CHARGE_DISPUTED = "charge_disputed"
    CHARGE_NOT_CANCELABLE = "charge_not_cancelable"
    CHARGE_NOT_REFUNDABLE = "charge_not_refundable"
    CONFLICT = "conflict"
    CSRF_FAILED = "csrf_failed"
    CURRENCY_MISMATCH = "currency_mismatch"
    CURRENCY_NOT_SUPPORTED = "currency_not_supported"
    CUSTOMER_ARCHIVED = "customer_archived"
    CUSTOMER_MERGED = "customer_merged"
    CUSTOMER_MERGE_INTO_SELF = "customer_merge_into_self"
    DATABASE_UNAVAILABLE = "database_unavailable"
    DISPUTE_NOT_OPEN = "dispute_not_open"
    DOMAIN_ERROR = "domain_error"
    DOMAIN_TAKEN = "domain_taken"
    DUE_BEFORE_ISSUE = "due_before_issue"
    DUPLICATE_KEY = "duplicate_key"  # an import file names the same customer or invoice twice
    DUPLICATE_ALLOCATION = "duplicate_allocation"
    EMAIL_IN_USE = "email_in_use"
    EXPIRED_CARD = "expired_card"
    FACTOR_REQUIRED = "factor_required"
    HTTP_ERROR = "http_error"
    IDEMPOTENCY_KEY_IN_USE = "idempotency_key_in_use"
    IDEMPOTENCY_KEY_REQUIRED = "idempotency_key_required"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    IMPERSONATION_READ_ONLY = "impersonation_read_only"
    INTERNAL_ERROR = "internal_error"
    INVALID_ACCOUNT_HOLDER_NAME = "invalid_account_holder_name"
    INVALID_ACCOUNT_TYPE = "invalid_account_type"
    INVALID_AMOUNT = "invalid_amount"
    INVALID_API_KEY = "invalid_api_key"
    INVALID_CHARACTERS = "invalid_characters"
    INVALID_CODE = "invalid_code"
    INVALID_CREDENTIALS = "invalid_credentials"
    INVALID_CSV = "invalid_csv"
    INVALID_CURSOR = "invalid_cursor"
    INVALID_CVC = "invalid_cvc"
    INVALID_DATE = "invalid_date"
    INVALID_DAYS = "invalid_days"
    INVALID_EMAIL = "invalid_email"
    INVALID_EXPIRY_MONTH = "invalid_expiry_month"
    INVALID_EXPIRY_YEAR = "invalid_expiry_year"
    INVALID_LINE = "invalid_line"
    INVALID_LINK = "invalid_link"
    INVALID_MESSAGE = "invalid_message"
    INVALID_METHOD_TYPE = "invalid_method_type"
    INVALID_MFA_CODE = "invalid_mfa_code"
    INVALID_NAME = "invalid_name"
    INVALID_NUMBER = "invalid_number"
    INVALID_PAYMENT_METHOD = "invalid_payment_method"
    INVALID_PERMISSION = "invalid_permission"
    INVALID_PUBLIC_TOKEN = "invalid_public_token"
    INVALID_REQUEST = "invalid_request"
    INVALID_ROLE = "invalid_role"
    INVALID_SCHEDULED_DATE = "invalid_scheduled_date"
    INVALID_SETTING = "invalid_setting"
    INVALID_LOGO = "invalid_logo"
    LAST_ADMIN = "last_admin"
    LOGO_TOO_LARGE = "logo_too_large"
    MFA_ENROLMENT_REQUIRED = "mfa_enrolment_required"
    MFA_REQUIRED_BY_TEAM = "mfa_required_by_team"  # cannot be turned off while a team requires it
    NOT_A_MEMBER = "not_a_member"
    SIGN_UP_CLOSED = "sign_up_closed"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    INVALID_SIGNATURE = "invalid_signature"
    INVALID_SLUG = "invalid_slug"
    INVALID_STATE_TRANSITION = "invalid_state_transition"
    INVALID_TAG = "invalid_tag"
    INVALID_TOKEN = "invalid_token"
    INVALID_TOTAL = "invalid_total"
    INVOICE_CUSTOMER_MISMATCH = "invoice_customer_mismatch"
    INVOICE_HAS_BALANCE = "invoice_has_balance"
    INVOICE_HAS_PAYMENTS = "invoice_has_payments"
    INVOICE_NOT_DRAFT = "invoice_not_draft"
    INVOICE_NOT_PAYABLE = "invoice_not_payable"
    INVOICE_NOT_REOPENABLE = "invoice_not_reopenable"
    INVOICE_NUMBER_TAKEN = "invoice_number_taken"
    MALFORMED_JSON = "malformed_json"
    MANDATE_REQUIRED = "mandate_required"
    METHOD_IN_USE = "method_in_use"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    METHOD_NOT_ENABLED = "method_not_enabled"
    METHOD_NOT_SAVED = "method_not_saved"
    METHOD_SCHEDULED = "method_scheduled"
    MFA_DISABLED = "mfa_disabled"
    MFA_ENABLED = "mfa_enabled"
    MFA_NOT_PENDING = "mfa_not_pending"
    MFA_NOT_STARTED = "mfa_not_started"
    MFA_REQUIRED = "mfa_required"
    MISSING_FIELD = "missing_field"
    MISSING_PERMISSION = "missing_permission"
    NO_ACCESS = "no_access"
    NO_ALLOCATIONS = "no_allocations"
    NOT_A_TEST_NUMBER = "not_a_test_number"
    NOT_AUTHENTICATED = "not_authenticated"
    NOT_SIGNED_IN = "not_signed_in"
    NOTHING_DUE = "nothing_due"
    OWN_MEMBERSHIP = "own_membership"
    OWN_PERMISSIONS = "own_permissions"
    PARTIAL_PAYMENTS_DISABLED = "partial_payments_disabled"
    PARTIAL_REFUND_OF_PENDING_DEBIT = "partial_refund_of_pending_debit"
    PASSWORD_LENGTH = "password_length"
    PASSWORD_TOO_COMMON = "password_too_common"
    PAYLOAD_TOO_LARGE = "payload_too_large"
    PAYMENT_DISPUTED = "payment_disputed"
    PAYMENT_METHOD_DETACHED = "payment_method_detached"
    PAYMENT_METHOD_REQUIRED = "payment_method_required"
    PAYMENT_NOT_OFFLINE = "payment_not_offline"
    PAYMENT_NOT_REFUNDABLE = "payment_not_refundable"
    PAYMENT_NOT_RETRYABLE = "payment_not_retryable"
    PERMISSION_DENIED = "permission_denied"
    FORBIDDEN_FOR_ROLE = "forbidden_for_role"  # the key's scope (later: the person's role) does not allow it
    PROCESSOR_UNAVAILABLE = "processor_unavailable"
    QUESTION_ALREADY_OPEN = "question_already_open"
    RATE_LIMITED = "rate_limited"
    REFUND_EXCEEDS_CAPTURED = "refund_exceeds_captured"
    RESOURCE_BUSY = "resource_busy"
    RESOURCE_MISSING = "resource_missing"
    ROUTE_NOT_FOUND = "route_not_found"
    ROW_NOT_APPLIED = "row_not_applied"  # another row of the same imported invoice has errors
    SANDBOX_NOT_ENABLED = "sandbox_not_enabled"
    SCHEDULED_PAYMENT_NOT_CANCELABLE = "scheduled_payment_not_cancelable"
    SELF_APPROVAL = "self_approval"
    SESSION_EXPIRED = "session_expired"
    SIGN_IN_REQUIRED = "sign_in_required"
    SLUG_TAKEN = "slug_taken"
    STEP_UP_REQUIRED = "step_up_required"
    TEAM_INVITES_DISABLED = "team_invites_disabled"
    TOKEN_ALREADY_USED = "token_already_used"
    TOO_MANY_CODES = "too_many_codes"
    UNBALANCED_ENTRY = "unbalanced_entry"
    UNKNOWN_CURRENCY = "unknown_currency"
    VALIDATION_ERROR = "validation_error"


class DomainError(Exception):
    """Base class: `code` is stable and documented, `detail` is for people."""

    code = ErrorCode.DOMAIN_ERROR

    def __init__(self, detail: str, **context: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.context = context


class NotFound(DomainError):
    code = ErrorCode.RESOURCE_MISSING

    def __init__(self, kind: str, ident: str) -> None:
        super().__init__(f"No such {kind}: '{ident}'.", kind=kind, id=ident)


class InvalidRequest(DomainError):
    """The request is well-formed but breaks a business rule about its own fields."""

    code = ErrorCode.INVALID_REQUEST

    def __init__(self, detail: str, *, code: ErrorCode | None = None, field: str | None = None, **context: Any):
        super().__init__(detail, field=field, **context)
        if code:
            self.code = code
        self.field = field


class UnsupportedMediaType(InvalidRequest):
    """An uploaded file of a kind that is not taken here (HTTP 415)."""


class ContentTooLarge(InvalidRequest):
    """An uploaded file over its limit (HTTP 413)."""


class Conflict(DomainError):
    """The request conflicts with the current state of a resource."""

    code = ErrorCode.CONFLICT

    def __init__(self, detail: str, *, code: ErrorCode | None = None, **context: Any) -> None:
        super().__init__(detail, **context)
        if code:
            self.code = code


class InvalidTransition(Conflict):
    def __init__(self, entity: str, ident: str, from_state: str, to_state: str) -> None:
        super().__init__(
            f"Cannot move {entity} '{ident}' from '{from_state}' to '{to_state}'.",
            code=ErrorCode.INVALID_STATE_TRANSITION,
            entity=entity,
            id=ident,
            from_state=from_state,
            to_state=to_state,
        )


class CurrencyMismatch(InvalidRequest):
    def __init__(self, left: str, right: str) -> None:
        super().__init__(
            f"Currencies do not match: {left} and {right}.", code=ErrorCode.CURRENCY_MISMATCH, left=left, right=right
        )


class OverAllocation(Conflict):
    def __init__(self, invoice_id: str, requested: int, due: int, currency: str) -> None:
        super().__init__(
            f"Cannot apply {requested} to invoice '{invoice_id}': only {due} {currency} (minor units) is due.",
            code=ErrorCode.AMOUNT_EXCEEDS_DUE,
            invoice_id=invoice_id,
            requested=requested,
            amount_due=due,
            currency=currency,
        )


class UnbalancedEntry(DomainError):
    code = ErrorCode.UNBALANCED_ENTRY


class NotAuthenticated(DomainError):
    """Credentials are missing, wrong or expired."""

    code = ErrorCode.NOT_AUTHENTICATED

    def __init__(self, detail: str, *, code: ErrorCode | None = None, **context: Any) -> None:
        super().__init__(detail, **context)
        if code:
            self.code = code


class PermissionDenied(DomainError):
    """Signed in, but this principal may not do this."""

    code = ErrorCode.PERMISSION_DENIED

    def __init__(self, detail: str, *, code: ErrorCode | None = None, **context: Any) -> None:
        super().__init__(detail, **context)
        if code:
            self.code = code


class TooManyAttempts(DomainError):
    """A limit on something guessable or costly; try again after `retry_after` seconds."""

    code = ErrorCode.RATE_LIMITED

    def __init__(self, detail: str, *, retry_after: int, code: ErrorCode | None = None) -> None:
        super().__init__(detail, retry_after=retry_after)
        self.retry_after = retry_after
        if code:
            self.code = code
