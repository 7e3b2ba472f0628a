"""Sending through an SMTP server with aiosmtplib, one connection per email. Errors are sorted into "try again
later" (the server or network is unwell, or misconfigured) and "give up" (the server refused the recipient or
the message)."""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from urllib.parse import parse_qs, unquote, urlsplit

import aiosmtplib

from domain.mail import DeliveryFailed, RenderedEmail

TRUE = {"1", "true", "yes", "on"}


@dataclass(frozen=True, slots=True)
class SmtpConfig:
    host: str
    port: int
    username: str | None = None
    password: str | None = None
    implicit_tls: bool = False  # smtps://: TLS from the first byte (usually port 465)
    starttls: bool = False  # smtp://…?starttls=1: upgrade the plain connection before logging in (usually 587)


def parse_smtp_url(url: str) -> SmtpConfig:
    """`smtp://[user:pass@]host[:port][?starttls=1]` or `smtps://[user:pass@]host[:port]`."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ValueError("an SMTP URL looks like smtp://user:pass@host:587?starttls=1 or smtps://host:465")
    implicit = parts.scheme == "smtps"
    query = {k.lower(): v[-1].lower() for k, v in parse_qs(parts.query).items()}
    starttls = not implicit and query.get("starttls", "") in TRUE
    default_port = 465 if implicit else 587 if starttls else 25
    return SmtpConfig(
        host=parts.hostname,
        port=parts.port or default_port,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password is not None else None,
        implicit_tls=implicit,
        starttls=starttls,
    )


class SmtpMailer:
    name = "smtp"

    def __init__(
        self,
        config: SmtpConfig,
        *,
        mail_from: str,
        timeout: float = 30,
        tls_context: ssl.SSLContext | None = None,
    ) -> None:
        self.config = config
        self.from_name, self.from_address = parseaddr(mail_from)
        self.timeout = timeout
        self.tls_context = tls_context  # None: the system's trusted certificates

    @classmethod
    def from_url(cls, url: str, *, mail_from: str, timeout: float = 30) -> SmtpMailer:
        return cls(parse_smtp_url(url), mail_from=mail_from, timeout=timeout)

    def message(self, email: RenderedEmail) -> EmailMessage:
        """multipart/alternative: the plain text first, the HTML last (the part clients prefer)."""
        msg = EmailMessage()
        if email.sender_name:
            msg["From"] = Address(display_name=f"{email.sender_name} via Remit", addr_spec=self.from_address)
        else:
            msg["From"] = Address(display_name=self.from_name, addr_spec=self.from_address)
        msg["To"] = email.to
        if email.reply_to:
            msg["Reply-To"] = email.reply_to
        msg["Subject"] = email.subject
        msg["Date"] = formatdate(localtime=False)
        msg["Message-ID"] = make_msgid(domain=self.from_address.rpartition("@")[2] or None)
        msg.set_content(email.text)
        msg.add_alternative(email.html, subtype="html")
        return msg

    async def send(self, email: RenderedEmail) -> None:
        c = self.config
        try:
            await aiosmtplib.send(
                self.message(email),
                sender=self.from_address,
                recipients=[email.to],
                hostname=c.host,
                port=c.port,
                username=c.username,
                password=c.password,
                use_tls=c.implicit_tls,
                start_tls=c.starttls,
                timeout=self.timeout,
                tls_context=self.tls_context,
            )
        except aiosmtplib.SMTPRecipientsRefused as exc:
            codes = [r.code for r in exc.recipients]
            detail = "; ".join(f"{r.code} {r.message}" for r in exc.recipients)
            raise DeliveryFailed(f"recipient refused: {detail}", permanent=all(500 <= c < 600 for c in codes)) from exc
        except (aiosmtplib.SMTPRecipientRefused, aiosmtplib.SMTPDataError) as exc:
            # The server read the address or the message and said no: 5xx will not change on a retry.
            raise DeliveryFailed(f"refused: {exc.code} {exc.message}", permanent=500 <= exc.code < 600) from exc
        except aiosmtplib.SMTPResponseException as exc:
            # Sender refused, login failed, greeting refused: the server or our settings; worth retrying later.
            raise DeliveryFailed(f"SMTP server answered {exc.code} {exc.message}") from exc
        except (aiosmtplib.SMTPException, OSError) as exc:  # unreachable, timed out, TLS failed, disconnected
            raise DeliveryFailed(f"SMTP server unreachable at {c.host}:{c.port}: {exc}") from exc
