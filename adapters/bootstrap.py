"""The composition root: the only place that turns settings into concrete adapters."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from adapters.db.engine import make_engine, make_sessionmaker
from adapters.db.pg.repositories import POSTGRESQL
from adapters.db.repositories import Repositories
from adapters.db.unit_of_work import SqlUnitOfWork
from adapters.mail.delivery import Delivery
from adapters.mail.smtp import SmtpMailer
from adapters.mail.stored import StoredMailer
from adapters.processors.sandbox import SandboxBankConnector, SandboxProcessor
from adapters.security.credentials import Argon2Passwords, FernetBox, PyOtpTotp
from adapters.settings import Settings, derived_secret, load_settings
from domain.clock import Clock, SystemClock
from domain.portal.ports import Credentials
from domain.ports import BankConnector, JobQueue, Mailer, PaymentProcessor


@dataclass
class Container:
    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    credentials: Credentials  # the portal's passwords, TOTP, sealed secrets and link keys
    clock: Clock = field(default_factory=SystemClock)
    processors: dict[str, PaymentProcessor] = field(default_factory=dict)
    bank_connectors: dict[str, BankConnector] = field(default_factory=dict)
    mailer: Mailer = field(default_factory=StoredMailer)  # no SMTP server: emails stay readable at /dev/mailbox
    # Set by whoever runs jobs for this process (the API's lifespan, the arq worker); None: the sweeps do it.
    queue: JobQueue | None = None
    repositories: Repositories = field(default_factory=Repositories)  # the database's own classes (make_repositories)

    @property
    def sandbox(self) -> SandboxProcessor:
        processor = self.processors["sandbox"]
        assert isinstance(processor, SandboxProcessor)
        return processor

    def uow(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.sessions, clock=self.clock, queue=self.queue, repositories=self.repositories)

    def delivery(self) -> Delivery:
        """Hands queued emails to this container's mailer (tests swap the mailer, so it is built on demand)."""
        return Delivery(self.sessions, self.mailer, self.clock)

    async def close(self) -> None:
        await self.engine.dispose()


def build(settings: Settings | None = None, *, clock: Clock | None = None) -> Container:
    settings = settings or load_settings()
    if settings.env == "development":
        settings.resolved_secret_key()  # generated into var/ on the first development run
    engine = make_engine(settings.database_url, pool_size=settings.db_pool_size)
    sessions = make_sessionmaker(engine)
    clock = clock or SystemClock()
    sandbox = SandboxProcessor(sessions, clock=clock, webhook_secret=derived_secret(settings, "sandbox-webhooks"))
    return Container(
        settings=settings,
        engine=engine,
        sessions=sessions,
        credentials=make_credentials(settings),
        clock=clock,
        processors={"sandbox": sandbox},
        bank_connectors={"sandbox": SandboxBankConnector(sandbox)},
        mailer=make_mailer(settings),
        repositories=make_repositories(engine),
    )


def make_repositories(engine: AsyncEngine) -> Repositories:
    """The one place that asks which database this is: PostgreSQL gets its own repository classes."""
    return POSTGRESQL if engine.dialect.name == "postgresql" else Repositories()


def make_mailer(settings: Settings) -> Mailer:
    if settings.smtp_url:
        return SmtpMailer.from_url(settings.smtp_url, mail_from=settings.mail_from)
    return StoredMailer()


def make_credentials(settings: Settings) -> Credentials:
    fast = settings.env == "test"  # tests hash thousands of passwords; production uses the full cost
    return Credentials(
        passwords=Argon2Passwords(memory_kib=19_456, time_cost=1 if fast else 2),
        totp=PyOtpTotp(),
        box=FernetBox(derived_secret(settings, "portal-totp-seeds")),
        code_key=derived_secret(settings, "portal-one-time-codes").encode(),
        base_url=settings.base_url,
    )
