"""Sandbox webhook signatures: `Remit-Sandbox-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from datetime import datetime

from domain.constant_time import same_secret
from domain.payments.processing import InvalidSignature

HEADER = "Remit-Sandbox-Signature"
TOLERANCE_SECONDS = 300


def signature(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def sign(body: bytes, *, secret: str, at: datetime) -> dict[str, str]:
    timestamp = int(at.timestamp())
    return {HEADER: f"t={timestamp},v1={signature(secret, timestamp, body)}"}


def verify(body: bytes, headers: Mapping[str, str], *, secret: str, now: datetime) -> None:
    """Raises InvalidSignature unless one v1 entry matches and the timestamp is within the tolerance."""
    header = next((value for name, value in headers.items() if name.lower() == HEADER.lower()), None)
    if not header:
        raise InvalidSignature(f"The {HEADER} header is missing.")
    timestamp, candidates = _parse(header)
    expected = signature(secret, timestamp, body)
    # Check every entry (no early exit), so timing says nothing about which one matched.
    matched = False
    for candidate in candidates:
        matched |= same_secret(candidate, expected)
    if not matched:
        raise InvalidSignature("No signature matches the body and the webhook secret.")
    if abs(now.timestamp() - timestamp) > TOLERANCE_SECONDS:
        raise InvalidSignature(f"The signature timestamp is more than {TOLERANCE_SECONDS} seconds from now.")


def _parse(header: str) -> tuple[int, list[str]]:
    timestamp: int | None = None
    candidates: list[str] = []
    for item in header.split(","):
        key, sep, value = item.strip().partition("=")
        if not sep:
            raise InvalidSignature(f"The {HEADER} header is garbled: expected `t=…,v1=…`.")
        if key == "t":
            if not value.isascii() or not value.isdigit() or timestamp is not None:
                raise InvalidSignature(f"The {HEADER} header has a bad timestamp.")
            timestamp = int(value)
        elif key == "v1":
            candidates.append(value)
    if timestamp is None:
        raise InvalidSignature(f"The {HEADER} header has no timestamp.")
    if not candidates:
        raise InvalidSignature(f"The {HEADER} header has no v1 signature.")
    return timestamp, candidates
