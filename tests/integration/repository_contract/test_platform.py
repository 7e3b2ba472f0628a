"""The contract of what the API's edge and the workers write beside the use cases: idempotency keys, API keys,
the processor inbox, the email outbox and the event outbox.

On PostgreSQL the idempotency claim and answer, the API-key lookup and touch, and the outbox insert take the
asyncpg fast path (PgIdempotency, PgApiKeys, PgOutbox in adapters/db/pg/).
"""

from __future__ import annotations

import dataclasses
import uuid

import pytest

from adapters.db.idempotency import StoredResponse
from domain.api_keys.model import ApiKey
from domain.clock import FixedClock
from domain.customers.use_cases import CreateCustomer, create_customer
from domain.errors import NotFound
from domain.mail import Email, Template
from domain.payments.processing import ProcessorEvent
from tests.integration.repository_contract.harness import AT, Store, Uow, unique

LATER = AT.replace(hour=17)
HASH = "a" * 64


async def claim(
    uow: Uow, store: Store, key: str, api_key_id: str = "key_1"
) -> tuple[int | None, StoredResponse | None]:
    return await uow.idempotency.claim(
        partner_id=store.partner_id, api_key_id=api_key_id, key=key, request_hash=HASH, at=AT
    )


# Idempotency keys


async def test_the_first_claim_owns_the_key_and_a_second_finds_it_in_flight(store: Store) -> None:
    key = unique("idem")
    async with store.open() as uow:
        row_id, stored = await claim(uow, store, key)
        await uow.commit()
    async with store.open() as uow:
        again = await claim(uow, store, key)
    assert row_id is not None and stored is None
    assert again == (None, StoredResponse(HASH, None, None, None, row_id, AT))


async def test_a_completed_claim_replays_its_answer(store: Store) -> None:
    key = unique("idem")
    async with store.open() as uow:
        row_id, _ = await claim(uow, store, key)
        assert row_id is not None
        await uow.idempotency.complete(row_id, 201, '{"id": "pay_1"}')
        await uow.commit()
    async with store.open() as uow:
        assert await claim(uow, store, key) == (None, StoredResponse(HASH, 201, '{"id": "pay_1"}', None, row_id, AT))


async def test_a_claim_rolled_back_with_its_request_is_forgotten(store: Store) -> None:
    key = unique("idem")
    async with store.open() as uow:
        await claim(uow, store, key)  # no commit: the request failed
    async with store.open() as uow:
        row_id, stored = await claim(uow, store, key)
    assert row_id is not None and stored is None


async def test_a_key_is_claimed_per_api_key(store: Store) -> None:
    key = unique("idem")
    async with store.open() as uow:
        first, _ = await claim(uow, store, key, api_key_id="key_1")
        second, stored = await claim(uow, store, key, api_key_id="key_2")
    assert (first is not None, second is not None, stored) == (True, True, None)
    assert first != second


async def test_a_claim_that_named_its_resource_is_not_released(store: Store) -> None:
    linked_key, plain_key = unique("idem"), unique("idem")
    async with store.open() as uow:
        linked, _ = await claim(uow, store, linked_key)
        plain, _ = await claim(uow, store, plain_key)
        assert linked is not None and plain is not None
        await uow.idempotency.link(linked, "pay_resumable")
        await uow.commit()
    async with store.open() as uow:
        await uow.idempotency.release(linked)
        await uow.idempotency.release(plain)
        await uow.commit()
    async with store.open() as uow:
        assert await claim(uow, store, linked_key) == (
            None,
            StoredResponse(HASH, None, None, "pay_resumable", linked, AT),
        )
        released = await claim(uow, store, plain_key)
    assert released[0] is not None and released[1] is None


async def test_an_abandoned_claim_is_taken_over_once(store: Store) -> None:
    key = unique("idem")
    async with store.open() as uow:
        row_id, _ = await claim(uow, store, key)
        assert row_id is not None
        await uow.idempotency.link(row_id, "pay_resumable")
        await uow.commit()
    async with store.open() as uow:
        _, stored = await claim(uow, store, key)
        assert stored is not None
        assert await uow.idempotency.take_over(stored, LATER)
        assert not await uow.idempotency.take_over(stored, LATER)  # the first take-over moved created_at on
        await uow.commit()
    async with store.open() as uow:
        assert await claim(uow, store, key) == (None, dataclasses.replace(stored, created_at=LATER))


# API keys


async def test_an_api_key_is_found_by_its_hash_and_touched(store: Store) -> None:
    key, secret = ApiKey.issue(store.partner_id, livemode=False, at=AT, name="CI")
    async with store.open() as uow:
        await uow.api_keys.add(key)
        await uow.commit()
    async with store.open() as uow:
        assert await uow.api_keys.by_hash(key.secret_hash) == key
        assert await uow.api_keys.by_hash("0" * 64) is None
        await uow.api_keys.touch(key.id, LATER)
        await uow.commit()
    async with store.open() as uow:
        assert await uow.api_keys.by_hash(key.secret_hash) == dataclasses.replace(key, last_used_at=LATER)
    assert secret.startswith("rk_test_")


async def test_a_revoked_api_key_keeps_its_first_revocation(store: Store) -> None:
    key, _ = ApiKey.issue(store.partner_id, livemode=True, at=AT)
    async with store.open() as uow:
        await uow.api_keys.add(key)
        await uow.api_keys.revoke(key.id, AT)
        await uow.api_keys.revoke(key.id, LATER)
        await uow.commit()
    async with store.open() as uow:
        assert await uow.api_keys.get(key.id) == dataclasses.replace(key, revoked_at=AT)
        assert key.id in [k.id for k in await uow.api_keys.for_partner(store.partner_id)]
        with pytest.raises(NotFound):
            await uow.api_keys.get("key_missing")


# Partners' billing-link slugs


async def test_a_changed_slug_is_retired_and_can_be_taken_back(store: Store) -> None:
    new = f"s-{uuid.uuid4().hex[:12]}"
    async with store.open() as uow:
        partner = await uow.partners.get(store.partner_id)
        old = partner.slug
        await uow.partners.change_slug(partner, new, at=AT)
        await uow.commit()
    async with store.open() as uow:
        moved = await uow.partners.get(store.partner_id)
        assert (moved.slug, await uow.partners.find_by_slug(old)) == (new, None)
        assert await uow.partners.id_for_retired_slug(old) == store.partner_id  # old billing links redirect
        await uow.partners.change_slug(moved, old, at=LATER)  # its own retired slug: taken back
        await uow.commit()
    async with store.open() as uow:
        assert (await uow.partners.get(store.partner_id)).slug == old
        assert await uow.partners.id_for_retired_slug(old) is None
        assert await uow.partners.id_for_retired_slug(new) == store.partner_id
        assert await uow.partners.id_for_retired_slug(f"s-{uuid.uuid4().hex[:12]}") is None


# The processor inbox


def event(event_id: str) -> ProcessorEvent:
    return ProcessorEvent(event_id, "charge.updated", "acct_1", AT, None, raw={"id": event_id})


async def test_an_event_is_claimed_once_and_marked_with_its_outcome(store: Store) -> None:
    event_id = unique("evt")
    async with store.open() as uow:
        assert await uow.inbox.claim("sandbox", event(event_id), at=AT)
        await uow.commit()
    async with store.open() as uow:
        assert not await uow.inbox.claim("sandbox", event(event_id), at=LATER)
        assert await uow.inbox.claim("stripe", event(event_id), at=LATER)  # another processor's event
        await uow.inbox.mark("sandbox", event_id, "applied: " + "x" * 300, at=LATER)
        await uow.commit()
    assert await store.inbox_outcome("sandbox", event_id) == ("applied: " + "x" * 191, LATER)


async def test_an_event_claimed_in_a_rolled_back_transaction_is_claimed_again(store: Store) -> None:
    event_id = unique("evt")
    async with store.open() as uow:
        assert await uow.inbox.claim("sandbox", event(event_id), at=AT)
    async with store.open() as uow:
        assert await uow.inbox.claim("sandbox", event(event_id), at=AT)


# Emails and events written with the transaction


async def test_an_email_is_queued_once_per_dedupe_key_and_only_if_committed(store: Store) -> None:
    key = unique("payment.settled")
    email = Email("ap@acme.example", Template.PAYMENT_CONFIRMATION, {"amount": 100}, store.partner_id, key)
    async with store.open() as uow:
        assert await uow.emails.queue(dataclasses.replace(email, dedupe_key=unique("rolled-back"))) is not None
    async with store.open() as uow:
        first = await uow.emails.queue(email)
        await uow.commit()
    async with store.open() as uow:
        again = await uow.emails.queue(dataclasses.replace(email, to="other@acme.example"))
        undeduped = await uow.emails.queue(dataclasses.replace(email, dedupe_key=None))
        await uow.commit()
    assert (first is not None, again, undeduped is not None) == (True, None, True)
    assert await store.emails() == sorted([email, dataclasses.replace(email, dedupe_key=None)], key=repr)


async def test_recorded_events_reach_the_outbox_on_commit_only(store: Store) -> None:
    clock = FixedClock(AT)
    async with store.open() as uow:
        await create_customer(CreateCustomer(name="Rolled back"), uow, clock=clock)
    async with store.open() as uow:
        kept = await create_customer(CreateCustomer(name=f"Kept {uuid.uuid4().hex[:6]}"), uow, clock=clock)
        await uow.commit()
    assert await store.outbox() == [("customer.created", {"customer_id": kept.id})]
