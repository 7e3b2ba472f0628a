"""Customers: the companies that owe a partner money."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from domain.errors import Conflict, ErrorCode, InvalidRequest
from domain.ids import new_id


class BillingTerms(StrEnum):
    DUE_ON_RECEIPT = "due_on_receipt"
    NET_7 = "net_7"
    NET_10 = "net_10"
    NET_15 = "net_15"
    NET_30 = "net_30"
    NET_45 = "net_45"
    NET_60 = "net_60"
    NET_90 = "net_90"

    @property
    def days(self) -> int:
        return 0 if self is BillingTerms.DUE_ON_RECEIPT else int(self.value.split("_")[1])


@dataclass(frozen=True, slots=True)
class Contact:
    email: str
    name: str | None = None
    phone: str | None = None
    language: str | None = None  # "en" | "fr"; None: the customer's


@dataclass(slots=True)
class Customer:
    partner_id: str
    name: str
    created_at: datetime
    updated_at: datetime
    email: str | None = None
    contacts: list[Contact] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    billing_terms: BillingTerms = BillingTerms.NET_30
    external_ids: dict[str, str] = field(default_factory=dict)
    metadata: dict[str, str] = field(default_factory=dict)
    archived: bool = False
    card_fee_exempt: bool = False  # card fees are absorbed for this customer
    language: str = "en"  # of emails sent before anyone at the customer chose one in the portal
    external_id: str | None = None  # the key CSV imports match it by, unique per partner; set by imports only
    merged_into: str | None = None  # the customer this duplicate was merged into; it then changes no more
    merged_at: datetime | None = None
    id: str = field(default_factory=lambda: new_id("cus"))

    def ensure_active(self) -> None:
        self.ensure_not_merged()
        if self.archived:
            raise Conflict(f"Customer '{self.id}' is archived.", code=ErrorCode.CUSTOMER_ARCHIVED, customer_id=self.id)

    def ensure_not_merged(self) -> None:
        if self.merged_into is not None:
            raise Conflict(
                f"Customer '{self.id}' was merged into '{self.merged_into}'; change that customer instead.",
                code=ErrorCode.CUSTOMER_MERGED,
                customer_id=self.id,
                merged_into=self.merged_into,
            )

    def absorb(self, duplicate: Customer, *, at: datetime) -> None:
        """Take over a duplicate's contacts (its primary email among them) and tags; the duplicate keeps neither
        and points here from now on, archived."""
        if duplicate.id == self.id:
            raise InvalidRequest(
                "A customer cannot be merged into itself.",
                code=ErrorCode.CUSTOMER_MERGE_INTO_SELF,
                field="into_customer_id",
            )
        duplicate.ensure_not_merged()
        self.ensure_active()  # the survivor takes everything on: never a merged or archived one
        known = {address.lower() for address in self.emails()}
        incoming = ([Contact(email=duplicate.email)] if duplicate.email else []) + duplicate.contacts
        for contact in incoming:
            if contact.email.lower() not in known:
                known.add(contact.email.lower())
                self.contacts.append(contact)
        self.tags = normalize_tags([*self.tags, *duplicate.tags])
        self.updated_at = at
        duplicate.contacts = []
        duplicate.tags = []
        duplicate.archived = True
        duplicate.merged_into = self.id
        duplicate.merged_at = at
        duplicate.updated_at = at

    def emails(self) -> list[str]:
        """Every address that belongs to this customer, primary first, without repeats."""
        seen: list[str] = []
        for address in [self.email, *(c.email for c in self.contacts)]:
            if address and address.lower() not in (s.lower() for s in seen):
                seen.append(address)
        return seen


def normalize_tags(tags: list[str]) -> list[str]:
    """Trimmed, de-duplicated (case-insensitively), in the order given."""
    out: list[str] = []
    for raw in tags:
        tag = raw.strip()
        if not tag:
            raise InvalidRequest("Tags cannot be blank.", code=ErrorCode.INVALID_TAG, field="tags")
        if tag.lower() not in (t.lower() for t in out):
            out.append(tag)
    return out


def search_terms(raw: str) -> str:
    """A search as typed: trimmed and lower-cased; at least one character."""
    term = raw.strip().lower()
    if not term:
        raise InvalidRequest("Type something to search for.", code=ErrorCode.INVALID_REQUEST, field="q")
    return term


def customer_matches(customer: Customer, term: str) -> bool:
    """A customer matches a search when its name or a word of it, its email, or its external id starts with the
    (lower-cased) term: what a person types into a search box to find a company."""
    name = customer.name.lower()
    return (
        name.startswith(term)
        or any(word.startswith(term) for word in name.split())
        or (customer.email or "").lower().startswith(term)
        or (customer.external_id or "").lower().startswith(term)
    )
