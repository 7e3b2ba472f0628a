"""Fakes of the rows read before or beside a tenant scope: partners, API keys, idempotency keys, the processor
inbox and the email outbox (adapters/db/partners.py, idempotency.py, processor_events.py, emails.py)."""

from __future__ import annotations

import builtins
import copy
import dataclasses
from datetime import datetime
from typing import TYPE_CHECKING

from adapters.db.idempotency import StoredResponse
from domain.api_keys.model import ApiKey
from domain.errors import NotFound
from domain.ids import new_id
from domain.mail import Email
from domain.partners.model import Partner
from domain.payments.processing import ProcessorEvent
from tests.use_cases.fakes.tables import IdempotencyRow, InboxRow, Repo, violated

if TYPE_CHECKING:
    from tests.use_cases.fakes.unit_of_work import FakeUnitOfWork


class FakePartners(Repo):
    async def add(self, partner: Partner) -> None:
        violated(partner.id in self._t.partners, "partners_pkey")
        violated(any(p.slug == partner.slug for p in self._t.partners.values()), "uq_partners_slug")
        self._t.partners[partner.id] = copy.deepcopy(partner)

    async def find_by_slug(self, slug: str) -> Partner | None:
        found = [p for p in self._t.partners.values() if p.slug == slug]
        return copy.deepcopy(found[0]) if found else None

    async def by_slug(self, slug: str) -> Partner:
        partner = await self.find_by_slug(slug)
        if partner is None:
            raise NotFound("partner", slug)
        return partner

    async def find_by_id(self, partner_id: str) -> Partner | None:
        partner = self._t.partners.get(partner_id)
        return None if partner is None else copy.deepcopy(partner)

    async def get(self, partner_id: str) -> Partner:
        partner = await self.find_by_id(partner_id)
        if partner is None:
            raise NotFound("partner", partner_id)
        return partner

    async def change_slug(self, partner: Partner, new: str, *, at: datetime) -> None:
        violated(any(p.slug == new for p in self._t.partners.values()), "uq_partners_slug")
        if self._t.retired_slugs.get(new) == partner.id:
            del self._t.retired_slugs[new]
        self._t.retired_slugs.setdefault(partner.slug, partner.id)
        self._t.partners[partner.id] = dataclasses.replace(self._t.partners[partner.id], slug=new)

    async def id_for_retired_slug(self, slug: str) -> str | None:
        return self._t.retired_slugs.get(slug)


class FakeApiKeys(Repo):
    async def add(self, key: ApiKey) -> None:
        violated(key.partner_id not in self._t.partners, "fk api_keys.partner_id")
        violated(any(k.secret_hash == key.secret_hash for k in self._t.api_keys.values()), "uq_api_keys_secret_hash")
        self._t.api_keys[key.id] = copy.deepcopy(key)

    async def by_hash(self, secret_hash: str) -> ApiKey | None:
        found = [k for k in self._t.api_keys.values() if k.secret_hash == secret_hash]
        return copy.deepcopy(found[0]) if found else None

    async def get(self, key_id: str) -> ApiKey:
        try:
            return copy.deepcopy(self._t.api_keys[key_id])
        except KeyError:
            raise NotFound("api key", key_id) from None

    async def for_partner(self, partner_id: str) -> list[ApiKey]:
        keys = [k for k in self._t.api_keys.values() if k.partner_id == partner_id]
        return [copy.deepcopy(k) for k in sorted(keys, key=lambda k: k.created_at)]

    async def revoke(self, key_id: str, at: datetime) -> None:
        key = self._t.api_keys.get(key_id)
        if key is not None and key.revoked_at is None:
            self._t.api_keys[key_id] = dataclasses.replace(key, revoked_at=at)

    async def touch(self, key_id: str, at: datetime) -> None:
        key = self._t.api_keys.get(key_id)
        if key is not None:
            self._t.api_keys[key_id] = dataclasses.replace(key, last_used_at=at)


class FakeIdempotency(Repo):
    """SqlIdempotency: claimed in the request's transaction, so a rollback forgets the claim too."""

    def _find(self, partner_id: str, api_key_id: str, key: str) -> IdempotencyRow | None:
        for row in self._t.idempotency.values():
            if (row.partner_id, row.api_key_id, row.key) == (partner_id, api_key_id, key):
                return row
        return None

    async def claim(
        self, *, partner_id: str, api_key_id: str, key: str, request_hash: str, at: datetime
    ) -> tuple[int | None, StoredResponse | None]:
        row = self._find(partner_id, api_key_id, key)
        if row is None:
            violated(partner_id not in self._t.partners, "fk idempotency_keys.partner_id")
            self._t.idempotency_sequence += 1
            ident = self._t.idempotency_sequence
            self._t.idempotency[ident] = IdempotencyRow(ident, partner_id, api_key_id, key, request_hash, at)
            return ident, None
        stored = StoredResponse(
            row.request_hash, row.response_status, row.response_body, row.resource_id, row.id, row.created_at
        )
        return None, stored

    def _update(self, row_id: int, **changes: object) -> None:
        row = self._t.idempotency.get(row_id)
        if row is not None:
            self._t.idempotency[row_id] = dataclasses.replace(row, **changes)  # type: ignore[arg-type]

    async def release(self, row_id: int) -> None:
        row = self._t.idempotency.get(row_id)
        if row is not None and row.response_status is None and row.resource_id is None:
            del self._t.idempotency[row_id]

    async def link(self, row_id: int, resource_id: str) -> None:
        self._update(row_id, resource_id=resource_id)

    async def take_over(self, stored: StoredResponse, at: datetime) -> bool:
        row = self._t.idempotency.get(stored.row_id or 0)
        if row is None or row.response_status is not None or row.created_at != stored.created_at:
            return False
        self._update(row.id, created_at=at)
        return True

    async def complete(self, row_id: int, status: int, body: str) -> None:
        self._update(row_id, response_status=status, response_body=body)

    async def purge_older_than(self, cutoff: datetime) -> int:
        old = [i for i, row in self._t.idempotency.items() if row.created_at < cutoff]
        for ident in old:
            del self._t.idempotency[ident]
        return len(old)


class FakeInbox(Repo):
    """SqlProcessorInbox: one row per (processor, event id); a duplicate delivery inserts nothing."""

    async def claim(self, processor: str, event: ProcessorEvent, *, at: datetime) -> bool:
        if (processor, event.id) in self._t.inbox:
            return False
        self._t.inbox[(processor, event.id)] = InboxRow(event.type, event.account, dict(event.raw), at)
        return True

    async def mark(self, processor: str, event_id: str, outcome: str, *, at: datetime) -> None:
        row = self._t.inbox.get((processor, event_id))
        if row is not None:
            self._t.inbox[(processor, event_id)] = dataclasses.replace(row, processed_at=at, outcome=outcome[:200])


class FakeEmails(Repo):
    """SqlEmails: queued in the transaction; the dedupe key is unique across every partner."""

    def __init__(self, uow: FakeUnitOfWork) -> None:
        super().__init__(uow)
        self.queued: builtins.list[str] = []  # ids to deliver once the transaction commits

    async def queue(self, email: Email) -> str | None:
        if email.dedupe_key is not None and any(e.dedupe_key == email.dedupe_key for e in self._t.emails.values()):
            return None
        ident = new_id("eml")
        self._t.emails[ident] = email
        self.queued.append(ident)
        return ident
