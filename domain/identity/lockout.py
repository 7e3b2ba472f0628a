"""The lockout rule for password and second-factor guessing, the same for portal users and partner users: after 5
failures the account locks for a growing while, up to 15 minutes; a success or an unlock clears it."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol

LOCK_AFTER_FAILURES = 5
LOCK_STEPS = (timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=5), timedelta(minutes=10))
MAX_LOCK = timedelta(minutes=15)


class Lockable(Protocol):
    failed_attempts: int
    locked_until: datetime | None
    updated_at: datetime


def is_locked(account: Lockable, now: datetime) -> bool:
    return account.locked_until is not None and now < account.locked_until


def record_failure(account: Lockable, now: datetime) -> None:
    account.failed_attempts += 1
    if account.failed_attempts >= LOCK_AFTER_FAILURES:
        step = account.failed_attempts - LOCK_AFTER_FAILURES
        account.locked_until = now + (LOCK_STEPS[step] if step < len(LOCK_STEPS) else MAX_LOCK)
    account.updated_at = now


def record_success(account: Lockable, now: datetime) -> None:
    if account.failed_attempts or account.locked_until:
        unlock(account, now)


def unlock(account: Lockable, now: datetime) -> None:
    account.failed_attempts = 0
    account.locked_until = None
    account.updated_at = now
