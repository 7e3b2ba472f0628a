"""Answers shared by the portal's sign-in and account routes."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from domain.portal.access_requests import AccessRequest, AccessRequestStatus
from domain.portal.users import Permission


class SignInStatus(StrEnum):
    SIGNED_IN = "signed_in"
    MFA_REQUIRED = "mfa_required"
    NO_ACCESS = "no_access"


class AccessRequestView(BaseModel):
    id: str
    status: AccessRequestStatus
    company_name: str
    contact_name: str
    created_at: datetime

    @classmethod
    def of(cls, r: AccessRequest) -> AccessRequestView:
        return cls(
            id=r.id, status=r.status, company_name=r.company_name, contact_name=r.contact_name, created_at=r.created_at
        )


class AccountView(BaseModel):
    customer_id: str
    name: str
    permissions: list[Permission]


class SignInOut(BaseModel):
    status: SignInStatus = Field(
        description="`signed_in`; `mfa_required` (send the authenticator code to `…/sign-in/mfa`); or `no_access` "
        "(the email is verified but no customer has it: file an access request)."
    )
    csrf_token: str = Field(description="Send back in `X-CSRF-Token` on every change.")
    email: str
    partner_slug: str = Field(
        description="The billing link this session belongs to. A link's token decides the partner, so a link "
        "opened under another billing link signs in here: continue at `/pay/{partner_slug}`."
    )
    access_request: AccessRequestView | None = Field(description="For `no_access`: the request filed, if any.")


class Accepted(BaseModel):
    status: str = "accepted"
    detail: str
