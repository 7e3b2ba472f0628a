"""Sandbox events are signed, and only what the webhook secret signed recently is read."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from adapters.bootstrap import Container
from adapters.processors.sandbox import SandboxProcessor
from adapters.processors.sandbox.signing import HEADER, signature
from domain.clock import FixedClock
from domain.payments.processing import ChargeStatus, InvalidSignature
from tests.contract.conftest import SECRET, attached, charge, us_bank


async def _settled_event(sandbox: SandboxProcessor, account: str) -> tuple[bytes, dict[str, str]]:
    await charge(sandbox, account, await attached(sandbox, account, us_bank("000123456789")))
    [signed] = await sandbox.advance(account, 2)
    return signed


async def test_a_signed_event_reads_back(sandbox: SandboxProcessor, account: str, clock: FixedClock) -> None:
    body, headers = await _settled_event(sandbox, account)
    assert set(headers) == {HEADER}

    event = sandbox.parse_event(body, headers, now=clock.now())

    payload = json.loads(body)
    assert (event.id, event.type, event.account) == (payload["id"], "charge.succeeded", account)
    assert event.id.startswith("evt_sbx_")
    assert event.created_at == clock.now()
    assert event.charge is not None and event.charge.status is ChargeStatus.SUCCEEDED
    retrieved = await sandbox.retrieve_charge(account=account, processor_payment_id=event.charge.processor_payment_id)
    assert event.charge == retrieved
    assert event.raw == payload


async def test_header_names_are_case_insensitive_and_any_v1_may_match(
    sandbox: SandboxProcessor, account: str, clock: FixedClock
) -> None:
    body, headers = await _settled_event(sandbox, account)
    value = headers[HEADER]
    sandbox.parse_event(body, {HEADER.lower(): value}, now=clock.now())
    rotated = value.replace(",v1=", ",v1=" + "0" * 64 + ",v1=")  # an old secret's signature beside the new one
    sandbox.parse_event(body, {HEADER.upper(): rotated}, now=clock.now())


async def test_a_tampered_body_is_refused(sandbox: SandboxProcessor, account: str, clock: FixedClock) -> None:
    body, headers = await _settled_event(sandbox, account)
    tampered = body.replace(b'"amount":5000', b'"amount":500000')
    assert tampered != body
    with pytest.raises(InvalidSignature, match="No signature matches"):
        sandbox.parse_event(tampered, headers, now=clock.now())


async def test_another_secret_is_refused(
    sandbox: SandboxProcessor, account: str, container: Container, clock: FixedClock
) -> None:
    body, headers = await _settled_event(sandbox, account)
    other = SandboxProcessor(container.sessions, clock=clock, webhook_secret="whsec_someone_else")
    with pytest.raises(InvalidSignature):
        other.parse_event(body, headers, now=clock.now())


async def test_stale_timestamps_are_refused(sandbox: SandboxProcessor, account: str, clock: FixedClock) -> None:
    body, headers = await _settled_event(sandbox, account)
    sandbox.parse_event(body, headers, now=clock.now() + timedelta(seconds=300))
    sandbox.parse_event(body, headers, now=clock.now() - timedelta(seconds=300))
    for skew in (301, -301, 86_400):
        with pytest.raises(InvalidSignature, match="300 seconds"):
            sandbox.parse_event(body, headers, now=clock.now() + timedelta(seconds=skew))


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {HEADER: ""},
        {HEADER: "garbage"},
        {HEADER: "t=abc,v1=00"},
        {HEADER: "v1=00"},
        {HEADER: "t=1795000000"},
        {"Other-Signature": "t=1795000000,v1=00"},
    ],
)
def test_missing_or_garbled_headers_are_refused(
    sandbox: SandboxProcessor, clock: FixedClock, headers: dict[str, str]
) -> None:
    with pytest.raises(InvalidSignature):
        sandbox.parse_event(b"{}", headers, now=clock.now())


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"\xff\xfe",
        b"[1, 2]",
        b'{"id": "evt_1", "type": "charge.succeeded", "account": "a", "created": 1}',
        b'{"id": "evt_1", "type": "charge.succeeded", "account": "a", "created": "soon", "data": {"object": {}}}',
        b'{"id": "evt_1", "type": "t", "account": "a", "created": 1, "data": {"object": {"object": "charge"}}}',
    ],
)
def test_signed_bodies_that_are_not_events_are_refused(
    sandbox: SandboxProcessor, clock: FixedClock, body: bytes
) -> None:
    timestamp = int(clock.now().timestamp())
    headers = {HEADER: f"t={timestamp},v1={signature(SECRET, timestamp, body)}"}
    with pytest.raises(InvalidSignature):
        sandbox.parse_event(body, headers, now=clock.now())


def test_an_event_about_something_else_has_no_charge(sandbox: SandboxProcessor, clock: FixedClock) -> None:
    body = json.dumps(
        {"id": "evt_1", "type": "payout.paid", "account": "a", "created": 1, "data": {"object": {"object": "payout"}}}
    ).encode()
    event = sandbox.parse_event(body, sandbox.sign(body, at=clock.now()), now=clock.now())
    assert (event.type, event.charge) == ("payout.paid", None)
