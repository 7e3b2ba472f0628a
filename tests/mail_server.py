"""A real SMTP server for tests: aiosmtpd on 127.0.0.1, on a free port, in its own thread.

    async with smtp_server() as server:
        container.mailer = SmtpMailer(SmtpConfig("127.0.0.1", server.port), mail_from="Remit <no-reply@remit.test>")
        ...
        message = await server.wait_for("ap@acme.example")  # an email.message.EmailMessage

Options: `refuse` answers 550 to those recipients, `defer=n` answers 451 to the first n messages, `tls` (from
`self_signed_tls()`) serves STARTTLS (`require_starttls=True` insists on it) or TLS from the first byte
(`implicit_tls=True`), `credentials=(user, password)` requires that login.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import socket
import ssl
import tempfile
import threading
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage


@dataclass
class MailServer:
    port: int
    received: list[Received] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def messages(self) -> list[EmailMessage]:
        with self._lock:
            return [r.message for r in self.received]

    def to(self, address: str) -> list[EmailMessage]:
        """Every message delivered to this address so far."""
        wanted = address.lower()
        with self._lock:
            return [r.message for r in self.received if wanted in (a.lower() for a in r.recipients)]

    async def wait_for(self, to: str, timeout: float = 5) -> EmailMessage:  # noqa: ASYNC109 - reads best in tests
        """The first message delivered to `to`, waiting for it up to `timeout` seconds."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            found = self.to(to)
            if found:
                return found[0]
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"no email to {to} within {timeout} s; got {len(self.received)} others")
            await asyncio.sleep(0.02)


class _Handler:
    def __init__(self, server: MailServer, refuse: Iterable[str], defer: int) -> None:
        self.server = server
        self.refuse = {a.lower() for a in refuse}
        self.defer = defer

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]) -> str:
        if address.lower() in self.refuse:
            return "550 5.1.1 <" + address + ">: no such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.defer > 0:
            self.defer -= 1
            return "451 4.3.0 Try again later"
        raw = envelope.original_content or envelope.content
        message = BytesParser(policy=default_policy).parsebytes(raw)
        assert isinstance(message, EmailMessage)
        with self.server._lock:
            self.server.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


@asynccontextmanager
async def smtp_server(
    *,
    refuse: Iterable[str] = (),
    defer: int = 0,
    tls: tuple[ssl.SSLContext, ssl.SSLContext] | None = None,
    implicit_tls: bool = False,
    require_starttls: bool = False,
    credentials: tuple[str, str] | None = None,
) -> AsyncIterator[MailServer]:
    server = MailServer(port=free_port())
    options: dict[str, Any] = {}
    if tls is not None and implicit_tls:
        options["ssl_context"] = tls[0]
    elif tls is not None:
        options.update(tls_context=tls[0], require_starttls=require_starttls)
    if credentials is not None:

        def authenticate(_server: Any, _session: Any, _envelope: Any, _mechanism: str, data: Any) -> AuthResult:
            ok = isinstance(data, LoginPassword) and (data.login.decode(), data.password.decode()) == credentials
            return AuthResult(success=ok, handled=False)

        options.update(authenticator=authenticate, auth_required=True, auth_require_tls=False)
    controller = Controller(_Handler(server, refuse, defer), hostname="127.0.0.1", port=server.port, **options)
    await asyncio.to_thread(controller.start)
    try:
        yield server
    finally:
        await asyncio.to_thread(controller.stop)


def self_signed_tls() -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """(server context, client context) for a throwaway certificate naming 127.0.0.1 and localhost."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_pem = cert.public_bytes(serialization.Encoding.PEM)
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    with tempfile.TemporaryDirectory() as folder:
        cert_file, key_file = Path(folder) / "cert.pem", Path(folder) / "key.pem"
        cert_file.write_bytes(cert_pem)
        key_file.write_bytes(key_pem)
        server.load_cert_chain(cert_file, key_file)
    client = ssl.create_default_context(cadata=cert_pem.decode())
    return server, client


async def queue_emails(container: Any, *emails: Any) -> list[str]:
    """Queue emails in one committed unit of work, as a use case would; returns their ids (none for a dedupe hit)."""
    async with container.uow() as uow:
        ids = [await uow.emails.queue(email) for email in emails]
        await uow.commit()
    return [ident for ident in ids if ident is not None]
