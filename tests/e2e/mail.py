"""Reading the emails the served app sent to the session's SMTP server: wait for one, take its code or a link.

Addresses are shared by the whole session, so give every test its own (`partner.email("ap")` does)."""

from __future__ import annotations

import asyncio
import html
import re
from collections.abc import Callable
from email.message import EmailMessage

from tests.mail_server import MailServer

CODE = re.compile(r"(?<!\d)(\d{6})(?!\d)")
URL = re.compile(r"https?://[^\s<>\"']+")


def text_of(message: EmailMessage) -> str:
    """The plain-text body (or the HTML one with its tags removed)."""
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    content = str(part.get_content())
    if part.get_content_type() == "text/html":
        content = html.unescape(re.sub(r"<[^>]+>", " ", content))
    return content


def subject_of(message: EmailMessage) -> str:
    return str(message.get("Subject", ""))


class Inbox:
    """`after` below is how many emails to that address the caller had already seen (`inbox.count(to)` before the
    action): the helpers wait for a newer one. The newest matching email wins."""

    def __init__(self, server: MailServer) -> None:
        self.server = server

    def all(self, to: str) -> list[EmailMessage]:
        return self.server.to(to)

    def count(self, to: str) -> int:
        return len(self.server.to(to))

    async def latest(
        self,
        to: str,
        *,
        after: int = 0,
        match: str | Callable[[EmailMessage], bool] | None = None,
        timeout: float = 20,  # noqa: ASYNC109 - reads best in tests; generous for a busy 2-core machine
    ) -> EmailMessage:
        """The newest email to `to` beyond the first `after`, whose subject or text contains `match` (or for which
        `match(message)` is true), waiting up to `timeout` seconds."""

        def wanted(message: EmailMessage) -> bool:
            if match is None:
                return True
            if callable(match):
                return match(message)
            return match in subject_of(message) or match in text_of(message)

        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            found = [m for m in self.server.to(to)[after:] if wanted(m)]
            if found:
                return found[-1]
            if loop.time() > deadline:
                seen = [subject_of(m) for m in self.server.to(to)]
                raise AssertionError(
                    f"no email to {to} (after the first {after}, matching {match!r}) within {timeout} s; "
                    f"subjects to that address: {seen}"
                )
            await asyncio.sleep(0.05)

    async def code(self, to: str, *, after: int = 0, timeout: float = 20) -> str:  # noqa: ASYNC109
        """The 6-digit code in the newest email to `to` that carries one."""
        message = await self.latest(
            to, after=after, match=lambda m: CODE.search(text_of(m)) is not None, timeout=timeout
        )
        found = CODE.search(text_of(message))
        assert found is not None
        return found.group(1)

    async def link(self, to: str, *, contains: str = "", after: int = 0, timeout: float = 10) -> str:  # noqa: ASYNC109
        """The first URL containing `contains` in the newest email to `to` that has one."""

        def links(message: EmailMessage) -> list[str]:
            return [u.rstrip(".,;:)]") for u in URL.findall(text_of(message)) if contains in u]

        message = await self.latest(to, after=after, match=lambda m: bool(links(m)), timeout=timeout)
        return links(message)[0]
