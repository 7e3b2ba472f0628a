"""Portal fixtures: a partner with a customer whose email can sign in, and separate browsers (cookie jars)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import httpx
import pytest


@pytest.fixture
def browser(client: httpx.AsyncClient) -> Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]:
    """A new cookie jar on the same app, without the partner's API key."""

    @asynccontextmanager
    async def open_browser(**headers: Any) -> AsyncIterator[httpx.AsyncClient]:
        async with httpx.AsyncClient(transport=client._transport, base_url=str(client.base_url), headers=headers) as b:
            yield b

    return open_browser
