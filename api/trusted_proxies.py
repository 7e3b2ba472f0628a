"""Who is asking: the client's address and scheme, taken from X-Forwarded-For and X-Forwarded-Proto only when the
connection comes from a proxy named in REMIT_TRUSTED_PROXIES (none by default)."""

from __future__ import annotations

from collections.abc import Sequence
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address

from fastapi import Request
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

Network = IPv4Network | IPv6Network


class TrustedProxies:
    """Pure ASGI: rewrites `scope["client"]` and `scope["scheme"]` once, before anything reads them, so rate limits,
    mandates, the session cookie's Secure flag and the Origin check all see one answer however the app is served
    (uvicorn's own proxy header handling is off: see `remit serve`)."""

    def __init__(self, app: ASGIApp, proxies: Sequence[Network]) -> None:
        self.app = app
        self.proxies = tuple(proxies)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and self.proxies:
            scope = forwarded(scope, self.proxies)
        await self.app(scope, receive, send)


def forwarded(scope: Scope, proxies: Sequence[Network]) -> Scope:
    """The scope as the client sent it. Walking X-Forwarded-For from the right (the entries our own proxies added)
    past trusted proxies, the first address that is not one is the client; anything to its left was written by
    the client and is never believed."""
    peer = scope.get("client")
    if not peer or not _trusted(_address(str(peer[0])), proxies):
        return scope
    headers = Headers(scope=scope)
    client, hops = tuple(peer), 1  # hops: the trusted proxies the request passed through
    for entry in reversed(_values(headers, "x-forwarded-for")):
        address = _address(entry)
        if address is None:  # garbled: the last address a trusted proxy vouched for stands
            break
        client = (str(address), 0)
        if not _trusted(address, proxies):
            break
        hops += 1
    scheme = scope["scheme"]
    protos = [p.lower() for p in _values(headers, "x-forwarded-proto")]
    # A proxy that appends rather than replaces adds its own: the one the client spoke to is `hops` from the right.
    proto = protos[max(0, len(protos) - hops)] if protos else None
    if proto in ("http", "https"):
        scheme = proto if scope["type"] == "http" else {"http": "ws", "https": "wss"}[proto]
    return {**scope, "client": client, "scheme": scheme}


def client_ip(request: Request) -> str:
    """The client's address as the middleware settled it (the peer itself when no trusted proxy is in front)."""
    return request.client.host if request.client else "?"


def _values(headers: Headers, name: str) -> list[str]:
    """Every comma-separated entry of every `name` header, in order."""
    return [entry.strip() for value in headers.getlist(name) for entry in value.split(",") if entry.strip()]


def _address(text: str) -> IPv4Address | IPv6Address | None:
    """An address as proxies write it: `192.0.2.1`, `2001:db8::1`, or with a port (`192.0.2.1:443`, `[::1]:443`)."""
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    try:
        address = ip_address(text)
    except ValueError:
        return None
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped  # a dual-stack socket's view of an IPv4 peer
    return address


def _trusted(address: IPv4Address | IPv6Address | None, proxies: Sequence[Network]) -> bool:
    return address is not None and any(address in network for network in proxies)
