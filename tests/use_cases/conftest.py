"""Fixtures for use-case tests: a fresh in-memory unit of work, a settable clock and a scripted processor."""

from __future__ import annotations

import pytest

from domain.clock import FixedClock
from tests.use_cases.factories import make_clock
from tests.use_cases.fakes import FakeProcessor, FakeUnitOfWork


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


@pytest.fixture
def clock() -> FixedClock:
    return make_clock()


@pytest.fixture
def processor() -> FakeProcessor:
    return FakeProcessor()
