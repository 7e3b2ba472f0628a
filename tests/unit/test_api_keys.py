"""API keys: a recognisable format with a checksum, and only a hash ever stored."""

from __future__ import annotations

import re
import string
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.api_keys.model import (
    BODY_LENGTH,
    CHECKSUM_LENGTH,
    PREFIXES,
    ApiKey,
    derived_body,
    hash_secret,
    looks_valid,
    make_secret,
)

AT = datetime(2026, 11, 2, tzinfo=UTC)
BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase


@pytest.mark.parametrize(("livemode", "prefix"), [(False, "rk_test_"), (True, "rk_live_")])
def test_format(livemode: bool, prefix: str) -> None:
    secret = make_secret(livemode=livemode)
    assert PREFIXES[livemode] == prefix
    assert re.fullmatch(rf"{prefix}[0-9A-Za-z]{{{BODY_LENGTH + CHECKSUM_LENGTH}}}", secret), secret
    assert looks_valid(secret)


def test_secrets_are_random() -> None:
    assert len({make_secret(livemode=False) for _ in range(100)}) == 100


@given(livemode=st.booleans(), body=st.text(BASE62, min_size=BODY_LENGTH, max_size=BODY_LENGTH))
def test_looks_valid_accepts_generated_keys(livemode: bool, body: str) -> None:
    assert looks_valid(make_secret(livemode=livemode, body=body))


@given(
    livemode=st.booleans(),
    body=st.text(BASE62, min_size=BODY_LENGTH, max_size=BODY_LENGTH),
    position=st.integers(0, 100),
    replacement=st.characters(codec="ascii"),
)
def test_looks_valid_refuses_any_one_character_change(
    livemode: bool, body: str, position: int, replacement: str
) -> None:
    secret = make_secret(livemode=livemode, body=body)
    i = position % len(secret)
    if secret[i] == replacement:
        return
    typo = secret[:i] + replacement + secret[i + 1 :]
    assert not looks_valid(typo), (secret, typo)


@given(livemode=st.booleans(), position=st.integers(0, 100))
def test_dropping_or_adding_a_character_is_refused(livemode: bool, position: int) -> None:
    secret = make_secret(livemode=livemode)
    i = position % len(secret)
    assert not looks_valid(secret[:i] + secret[i + 1 :])
    assert not looks_valid(secret[:i] + "A" + secret[i:])


@pytest.mark.parametrize(
    "candidate", ["", "rk_test_", "sk_test_" + "a" * 38, "rk_prod_" + "a" * 38, "RK_TEST_" + "a" * 38]
)
def test_looks_valid_refuses_other_strings(candidate: str) -> None:
    assert not looks_valid(candidate)


def test_issue_stores_only_a_hash_and_a_display_hint() -> None:
    key, secret = ApiKey.issue("ptr_TEST", livemode=False, at=AT, name="CI")
    assert looks_valid(secret)
    assert key.secret_hash == hash_secret(secret)
    assert key.secret_hash != secret
    assert secret not in key.secret_hash and secret[8:] not in key.secret_hash
    assert re.fullmatch(r"[0-9a-f]{64}", key.secret_hash)
    assert key.display == f"rk_test_…{secret[-4:]}"
    assert secret not in repr(key)
    assert (key.partner_id, key.livemode, key.name, key.created_at) == ("ptr_TEST", False, "CI", AT)
    assert key.id.startswith("key_")
    assert key.active
    key.revoked_at = AT
    assert not key.active


def test_hash_is_deterministic_and_distinguishes_keys() -> None:
    a, b = make_secret(livemode=True), make_secret(livemode=True)
    assert hash_secret(a) == hash_secret(a)
    assert hash_secret(a) != hash_secret(b)


@given(seed=st.binary(max_size=64))
def test_derived_body_is_deterministic_and_well_formed(seed: bytes) -> None:
    body = derived_body(seed)
    assert body == derived_body(seed)
    assert len(body) == BODY_LENGTH and set(body) <= set(BASE62)
    assert looks_valid(make_secret(livemode=False, body=body))


def test_derived_bodies_differ_by_seed() -> None:
    assert derived_body(b"demo-1") != derived_body(b"demo-2")
    key, secret = ApiKey.issue("ptr_TEST", livemode=False, at=AT, body=derived_body(b"demo"))
    again, secret_again = ApiKey.issue("ptr_TEST", livemode=False, at=AT, body=derived_body(b"demo"))
    assert secret == secret_again and key.secret_hash == again.secret_hash
