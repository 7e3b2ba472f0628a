"""Emails as the domain asks for them: a template name, its context and a recipient. Rendering and sending are
the mail adapters' job, after the transaction that asked commits."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from domain.money import LANGUAGES


class Template(StrEnum):
    SIGN_IN_CODE = "sign_in_code"
    STEP_UP_CODE = "step_up_code"
    EMAIL_CHANGE_CODE = "email_change_code"
    ACCESS_REQUEST_PENDING = "access_request_pending"
    ACCESS_REQUEST_RECEIVED = "access_request_received"
    ACCESS_APPROVED = "access_approved"
    PORTAL_INVITE = "portal_invite"
    TEAM_INVITE = "team_invite"
    PASSWORD_RESET = "password_reset"
    PASSWORD_CHANGED = "password_changed"
    PAYMENT_CONFIRMATION = "payment_confirmation"
    BANK_DEBIT_PENDING = "bank_debit_pending"
    BANK_DEBIT_SETTLED = "bank_debit_settled"
    BANK_DEBIT_FAILED = "bank_debit_failed"
    SCHEDULED_PAYMENT_EXECUTED = "scheduled_payment_executed"
    SCHEDULED_PAYMENT_FAILED = "scheduled_payment_failed"
    INVOICE_QUESTIONED = "invoice_questioned"
    INVOICE_QUESTION_RESOLVED = "invoice_question_resolved"
    DASHBOARD_SIGN_IN_CODE = "dashboard_sign_in_code"
    DASHBOARD_INVITE = "dashboard_invite"
    DASHBOARD_PASSWORD_RESET = "dashboard_password_reset"
    SIGN_UP_CODE = "sign_up_code"
    APPROVAL_REQUESTED = "approval_requested"
    APPROVAL_DECIDED = "approval_decided"


# These carry a code or a link that opens an account: their bodies are blanked once delivered.
SENSITIVE = frozenset(
    {
        Template.SIGN_IN_CODE,
        Template.STEP_UP_CODE,
        Template.EMAIL_CHANGE_CODE,
        Template.ACCESS_APPROVED,
        Template.PORTAL_INVITE,
        Template.TEAM_INVITE,
        Template.PASSWORD_RESET,
        Template.DASHBOARD_SIGN_IN_CODE,
        Template.DASHBOARD_INVITE,
        Template.DASHBOARD_PASSWORD_RESET,
        Template.SIGN_UP_CODE,
    }
)


class EmailStatus(StrEnum):
    QUEUED = "queued"  # waiting for delivery (or for a retry after a failure)
    SENT = "sent"  # accepted by the SMTP server
    STORED = "stored"  # no SMTP server configured: kept in the outbox, readable at /dev/mailbox
    FAILED = "failed"  # gave up after the last retry


@dataclass(frozen=True, slots=True)
class Email:
    to: str
    template: Template
    context: Mapping[str, Any] = field(default_factory=dict)  # JSON-serialisable values only
    partner_id: str | None = None
    dedupe_key: str | None = None  # the same key is queued once, however often its cause is replayed


@dataclass(frozen=True, slots=True)
class RenderedEmail:
    to: str
    subject: str
    text: str
    html: str
    sender_name: str | None = None
    reply_to: str | None = None


def email_language(*choices: str | None) -> str:
    """The first of these that Remit writes in, else English: for an email, the recipient's portal user's choice, then
    their contact's language, then the customer's; for a PDF, the language asked for, then the same."""
    return next((choice for choice in choices if choice in LANGUAGES), "en")


class DeliveryFailed(Exception):
    """The mail server refused or could not be reached; `permanent` when retrying cannot help."""

    def __init__(self, detail: str, *, permanent: bool = False) -> None:
        super().__init__(detail)
        self.detail = detail
        self.permanent = permanent
