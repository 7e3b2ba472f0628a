"""Comparing secrets (MACs, hashes, tokens) in constant time, whatever text the caller sent."""

from __future__ import annotations

import hmac


def same_secret(given: str, expected: str) -> bool:
    """True when `given` equals `expected`, in a time that does not reveal where they differ.

    `hmac.compare_digest` raises TypeError on text that is not ASCII, which a request can always send; compared as
    UTF-8 bytes (lone surrogates passed through), any other string is simply unequal."""
    return hmac.compare_digest(given.encode("utf-8", "surrogatepass"), expected.encode("utf-8", "surrogatepass"))
