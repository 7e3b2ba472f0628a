"""HTTP load clients for the benchmark: a lean keep-alive HTTP/1.1 pool, and httpx for comparison.

On 2 cores the client shares the CPU with the server and PostgreSQL, so its cost per request matters:
httpx.AsyncClient spends a few hundred microseconds to milliseconds per request (and its pool degrades
with many concurrent connections), which makes it the bottleneck against a no-op endpoint. The lean pool
speaks just what uvicorn answers here (HTTP/1.1, Content-Length bodies, keep-alive) at a fraction of it.
"""

from __future__ import annotations

import asyncio
import contextlib
from urllib.parse import urlencode, urlsplit

import httpx

Params = dict[str, str | int]


class HttpPool:
    """`size` connections to one origin, so `size` requests can be in flight; a request answers (status, body)."""

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, bytes]:
        return await self._request(method, path, params, body, headers or {})

    async def _request(
        self, method: str, path: str, params: Params | None, body: bytes | None, headers: dict[str, str]
    ) -> tuple[int, bytes]:
        raise NotImplementedError

    async def aclose(self) -> None:
        raise NotImplementedError


class _Connection:
    """One keep-alive HTTP/1.1 connection, opened lazily and re-opened after an error or `Connection: close`."""

    def __init__(self, host: str, port: int, default_headers: dict[str, str]) -> None:
        self.host, self.port = host, port
        self._head = "".join(f"{k}: {v}\r\n" for k, v in {"Host": f"{host}:{port}", **default_headers}.items())
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, target: str, body: bytes | None, headers: dict[str, str]) -> tuple[int, bytes]:
        if self._writer is None:
            self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
        assert self._reader is not None
        extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        if body is not None:
            extra += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        try:
            self._writer.write(f"{method} {target} HTTP/1.1\r\n{self._head}{extra}\r\n".encode() + (body or b""))
            status, length, close = _parse_head(await self._reader.readuntil(b"\r\n\r\n"))
            payload = await self._reader.readexactly(length)
        except BaseException:
            await self.close()
            raise
        if close:
            await self.close()
        return status, payload

    async def close(self) -> None:
        writer, self._reader, self._writer = self._writer, None, None
        if writer is not None:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()


def _parse_head(head: bytes) -> tuple[int, int, bool]:
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length, close = None, False
    for line in lines[1:]:
        name, _, value = line.partition(":")
        name = name.strip().lower()
        if name == "content-length":
            length = int(value)
        elif name == "connection":
            close = value.strip().lower() == "close"
        elif name == "transfer-encoding":
            raise RuntimeError(f"unsupported Transfer-Encoding: {value.strip()}")
    if length is None:
        raise RuntimeError("response without Content-Length")
    return status, length, close


class LeanPool(HttpPool):
    """`size` keep-alive connections to one origin; a request borrows one."""

    def __init__(self, base_url: str, size: int, headers: dict[str, str] | None = None) -> None:
        url = urlsplit(base_url)
        assert url.scheme == "http" and url.hostname and url.port
        self._all = [_Connection(url.hostname, url.port, headers or {}) for _ in range(size)]
        self._idle: asyncio.LifoQueue[_Connection] = asyncio.LifoQueue()
        for conn in self._all:
            self._idle.put_nowait(conn)

    async def _request(
        self, method: str, path: str, params: Params | None, body: bytes | None, headers: dict[str, str]
    ) -> tuple[int, bytes]:
        target = f"{path}?{urlencode(params)}" if params else path
        conn = await self._idle.get()
        try:
            return await conn.request(method, target, body, headers)
        finally:
            self._idle.put_nowait(conn)

    async def aclose(self) -> None:
        for conn in self._all:
            await conn.close()


class HttpxPool(HttpPool):
    """One httpx.AsyncClient whose connection pool is sized to the concurrency."""

    def __init__(self, base_url: str, size: int, headers: dict[str, str] | None = None) -> None:
        limits = httpx.Limits(max_connections=size, max_keepalive_connections=size)
        self._client = httpx.AsyncClient(
            base_url=base_url, limits=limits, timeout=30.0, headers=headers or {}, trust_env=False
        )

    async def _request(
        self, method: str, path: str, params: Params | None, body: bytes | None, headers: dict[str, str]
    ) -> tuple[int, bytes]:
        extra = {"Content-Type": "application/json", **headers} if body is not None else headers
        response = await self._client.request(method, path, params=params, content=body, headers=extra)
        return response.status_code, response.content

    async def aclose(self) -> None:
        await self._client.aclose()


CLIENTS: dict[str, type[LeanPool] | type[HttpxPool]] = {"lean": LeanPool, "httpx": HttpxPool}


def make_pool(kind: str, base_url: str, size: int, headers: dict[str, str] | None = None) -> HttpPool:
    return CLIENTS[kind](base_url, size, headers)
