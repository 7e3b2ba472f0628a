"""The mailer used when no SMTP server is configured: nothing leaves the machine, rows are marked `stored` and
read at /dev/mailbox."""

from __future__ import annotations

from domain.mail import RenderedEmail


class StoredMailer:
    name = "stored"

    async def send(self, email: RenderedEmail) -> None:
        return None
