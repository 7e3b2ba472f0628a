"""The password policy: 8 to 256 characters, not a common password, not the email; no composition rules."""

from __future__ import annotations

from functools import cache
from importlib import resources

from domain.errors import ErrorCode, InvalidRequest

MIN_LENGTH = 8
MAX_LENGTH = 256


@cache
def common_passwords() -> frozenset[str]:
    text = resources.files("domain.identity").joinpath("common_passwords.txt").read_text("utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip())


def check_password(password: str, *, email: str) -> None:
    if not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        raise InvalidRequest(
            f"A password has {MIN_LENGTH} to {MAX_LENGTH} characters (12 or more is better).",
            code=ErrorCode.PASSWORD_LENGTH,
            field="password",
        )
    lowered = password.lower()
    if lowered in common_passwords() or lowered == email.lower() or lowered == email.split("@")[0].lower():
        raise InvalidRequest(
            "That password is too easy to guess: it is on a list of common passwords or matches your email.",
            code=ErrorCode.PASSWORD_TOO_COMMON,
            field="password",
        )
