"""SmtpMailer against a real SMTP server (aiosmtpd): the message it writes, TLS both ways, logins, and how
refusals and outages are told apart."""

from __future__ import annotations

import pytest

from adapters.bootstrap import make_mailer
from adapters.mail.smtp import SmtpConfig, SmtpMailer, parse_smtp_url
from adapters.mail.stored import StoredMailer
from adapters.settings import Settings
from domain.mail import DeliveryFailed, RenderedEmail
from tests.mail_server import free_port, self_signed_tls, smtp_server

FROM = "Remit <no-reply@remit.test>"


def _email(to: str = "ap@acme.example", **overrides: str | None) -> RenderedEmail:
    fields: dict[str, str | None] = {
        "subject": "Payment received: $1,029.30 to Northwind IT",
        "text": "Thank you. Transaction RM-ABCD-EFGH-JKMN.\n",
        "html": "<p>Thank you. Transaction <strong>RM-ABCD-EFGH-JKMN</strong>.</p>",
        "sender_name": "Northwind IT",
        "reply_to": "billing@northwind.example",
        **overrides,
    }
    return RenderedEmail(to=to, **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://mail.example.com", SmtpConfig("mail.example.com", 25)),
        ("smtp://mail.example.com:2525", SmtpConfig("mail.example.com", 2525)),
        ("smtp://mail.example.com?starttls=1", SmtpConfig("mail.example.com", 587, starttls=True)),
        (
            "smtp://apikey:p%40ss%3Aword@mail.example.com:587?starttls=true",
            SmtpConfig("mail.example.com", 587, username="apikey", password="p@ss:word", starttls=True),
        ),
        ("smtps://u:p@mail.example.com", SmtpConfig("mail.example.com", 465, "u", "p", implicit_tls=True)),
        ("smtps://mail.example.com:2465?starttls=1", SmtpConfig("mail.example.com", 2465, implicit_tls=True)),
    ],
)
def test_smtp_urls(url: str, expected: SmtpConfig) -> None:
    assert parse_smtp_url(url) == expected


@pytest.mark.parametrize("url", ["http://mail.example.com", "smtp://", "mail.example.com:25"])
def test_bad_smtp_urls_are_refused(url: str) -> None:
    with pytest.raises(ValueError):
        parse_smtp_url(url)


def test_the_composition_root_picks_smtp_only_when_configured() -> None:
    assert isinstance(make_mailer(Settings(env="test")), StoredMailer)
    mailer = make_mailer(Settings(env="test", smtp_url="smtp://mail.example.com:2525", mail_from=FROM))
    assert isinstance(mailer, SmtpMailer)
    assert (mailer.config.host, mailer.config.port, mailer.from_address) == (
        "mail.example.com",
        2525,
        "no-reply@remit.test",
    )


@pytest.mark.parametrize("url", ["http://mail.example.com", "smtp://:25", "smtp://host:port"])
def test_settings_refuse_bad_smtp_urls(url: str) -> None:
    with pytest.raises(ValueError, match="smtp"):
        Settings(env="test", smtp_url=url)


async def test_a_multipart_message_from_the_partner_via_remit() -> None:
    async with smtp_server() as server:
        mailer = SmtpMailer(SmtpConfig("127.0.0.1", server.port), mail_from=FROM)
        await mailer.send(_email(subject="Reçu de paiement — $1,029.30"))
        message = await server.wait_for("ap@acme.example")
    assert server.received[0].recipients == ["ap@acme.example"]
    assert server.received[0].sender == "no-reply@remit.test"
    assert message["To"] == "ap@acme.example"
    assert message["Subject"] == "Reçu de paiement — $1,029.30"
    assert message["From"].addresses[0].display_name == "Northwind IT via Remit"
    assert message["From"].addresses[0].addr_spec == "no-reply@remit.test"
    assert message["Reply-To"] == "billing@northwind.example"
    assert message["Message-ID"] and message["Date"]
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None and html is not None
    assert "RM-ABCD-EFGH-JKMN" in text.get_content()
    assert "<strong>RM-ABCD-EFGH-JKMN</strong>" in html.get_content()


async def test_a_platform_email_comes_from_remit_with_no_reply_to() -> None:
    async with smtp_server() as server:
        mailer = SmtpMailer(SmtpConfig("127.0.0.1", server.port), mail_from=FROM)
        await mailer.send(_email(sender_name=None, reply_to=None))
        message = await server.wait_for("ap@acme.example")
    assert str(message["From"]) == "Remit <no-reply@remit.test>"
    assert message["Reply-To"] is None


async def test_a_refused_recipient_is_a_permanent_failure() -> None:
    async with smtp_server(refuse={"gone@acme.example"}) as server:
        mailer = SmtpMailer(SmtpConfig("127.0.0.1", server.port), mail_from=FROM)
        with pytest.raises(DeliveryFailed) as failed:
            await mailer.send(_email(to="gone@acme.example"))
        await mailer.send(_email(to="here@acme.example"))  # the server itself is fine
        await server.wait_for("here@acme.example")
    assert failed.value.permanent
    assert "550" in failed.value.detail


async def test_try_again_later_is_a_temporary_failure() -> None:
    async with smtp_server(defer=1) as server:
        mailer = SmtpMailer(SmtpConfig("127.0.0.1", server.port), mail_from=FROM)
        with pytest.raises(DeliveryFailed) as failed:
            await mailer.send(_email())
        await mailer.send(_email())
        await server.wait_for("ap@acme.example")
    assert not failed.value.permanent
    assert "451" in failed.value.detail


async def test_an_unreachable_server_is_a_temporary_failure() -> None:
    mailer = SmtpMailer(SmtpConfig("127.0.0.1", free_port()), mail_from=FROM, timeout=2)
    with pytest.raises(DeliveryFailed) as failed:
        await mailer.send(_email())
    assert not failed.value.permanent
    assert "unreachable" in failed.value.detail


async def test_starttls_with_the_servers_certificate() -> None:
    server_tls, client_tls = self_signed_tls()
    async with smtp_server(tls=(server_tls, client_tls), require_starttls=True) as server:
        secure = SmtpMailer(SmtpConfig("127.0.0.1", server.port, starttls=True), mail_from=FROM, tls_context=client_tls)
        await secure.send(_email(to="tls@acme.example"))
        await server.wait_for("tls@acme.example")
        plain = SmtpMailer(SmtpConfig("127.0.0.1", server.port), mail_from=FROM, timeout=5)
        with pytest.raises(DeliveryFailed) as refused:  # the server insists on STARTTLS: our settings are wrong
            await plain.send(_email(to="plain@acme.example"))
    assert not refused.value.permanent
    assert server.to("plain@acme.example") == []


async def test_an_untrusted_certificate_is_not_accepted() -> None:
    server_tls, _ = self_signed_tls()
    _, other_client = self_signed_tls()
    async with smtp_server(tls=(server_tls, other_client), require_starttls=True) as server:
        mailer = SmtpMailer(
            SmtpConfig("127.0.0.1", server.port, starttls=True), mail_from=FROM, tls_context=other_client, timeout=5
        )
        with pytest.raises(DeliveryFailed) as failed:
            await mailer.send(_email())
    assert not failed.value.permanent
    assert server.received == []


async def test_implicit_tls() -> None:
    server_tls, client_tls = self_signed_tls()
    async with smtp_server(tls=(server_tls, client_tls), implicit_tls=True) as server:
        mailer = SmtpMailer(
            SmtpConfig("127.0.0.1", server.port, implicit_tls=True), mail_from=FROM, tls_context=client_tls
        )
        await mailer.send(_email())
        message = await server.wait_for("ap@acme.example")
    assert message["Subject"].startswith("Payment received")


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")  # a test server on 127.0.0.1
async def test_login_with_the_urls_credentials() -> None:
    async with smtp_server(credentials=("apikey", "p@ss:word")) as server:
        url = f"smtp://apikey:p%40ss%3Aword@127.0.0.1:{server.port}"
        await SmtpMailer.from_url(url, mail_from=FROM).send(_email(to="auth@acme.example"))
        await server.wait_for("auth@acme.example")
        wrong = SmtpMailer.from_url(f"smtp://apikey:nope@127.0.0.1:{server.port}", mail_from=FROM)
        with pytest.raises(DeliveryFailed) as failed:
            await wrong.send(_email(to="wrong@acme.example"))
    assert not failed.value.permanent  # a bad password is ours to fix; the email is still good
    assert "535" in failed.value.detail
