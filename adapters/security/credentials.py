"""Credential primitives behind the domain's ports: argon2id passwords, pyotp TOTP, Fernet-sealed secrets."""

from __future__ import annotations

import base64
import hashlib
from datetime import datetime

import pyotp
from argon2 import PasswordHasher as Argon2
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.fernet import Fernet, InvalidToken

TOTP_STEP_SECONDS = 30


class Argon2Passwords:
    """argon2id with at least 19 MiB of memory, 2 passes, 1 lane (OWASP's minimum)."""

    def __init__(self, *, memory_kib: int = 19_456, time_cost: int = 2, parallelism: int = 1) -> None:
        self._argon = Argon2(memory_cost=memory_kib, time_cost=time_cost, parallelism=parallelism)
        self._dummy = self._argon.hash("a password nobody has")

    def hash(self, password: str) -> str:
        return self._argon.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._argon.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def dummy_verify(self, password: str) -> None:
        self.verify(self._dummy, password)


class PyOtpTotp:
    def new_secret(self) -> str:
        return pyotp.random_base32()

    def provisioning_uri(self, secret: str, *, account: str, issuer: str) -> str:
        return pyotp.TOTP(secret, interval=TOTP_STEP_SECONDS).provisioning_uri(name=account, issuer_name=issuer)

    def matching_step(self, secret: str, code: str, *, at: datetime) -> int | None:
        if not (len(code) == 6 and code.isdigit()):
            return None
        totp = pyotp.TOTP(secret, interval=TOTP_STEP_SECONDS)
        current = totp.timecode(at)
        for step in (current - 1, current, current + 1):
            if pyotp.utils.strings_equal(totp.generate_otp(step), code):
                return step
        return None


class FernetBox:
    def __init__(self, secret: str) -> None:
        key = base64.urlsafe_b64encode(hashlib.sha256(secret.encode()).digest())
        self._fernet = Fernet(key)

    def seal(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode()).decode()

    def open(self, sealed: str) -> str:
        try:
            return self._fernet.decrypt(sealed.encode()).decode()
        except InvalidToken as exc:
            raise ValueError("sealed secret cannot be opened with this key") from exc
