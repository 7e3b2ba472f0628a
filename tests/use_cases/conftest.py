"""Fixtures for use-case tests: a fresh in-memory unit of work and a settable clock."""

from __future__ import annotations

import pytest

from domain.clock import FixedClock
from tests.use_cases.factories import make_clock
from tests.use_cases.fakes import FakeUnitOfWork


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


@pytest.fixture
def clock() -> FixedClock:
    return make_clock()
