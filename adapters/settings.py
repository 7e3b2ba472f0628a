"""Configuration from REMIT_* environment variables."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from email.utils import parseaddr
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

VAR_DIR = Path("var")
# The customer portal's built web app (`make web`); Docker images copy it to the same place.
WEB_PORTAL_DIST = Path(__file__).resolve().parents[1] / "web-portal" / "dist"
# The partner dashboard's built web app (`make web`), served at /dashboard.
WEB_PARTNER_DIST = Path(__file__).resolve().parents[1] / "web-partner" / "dist"


class ConfigError(Exception):
    """Raised with one readable line when the configuration cannot work."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="REMIT_", extra="ignore")

    env: Literal["development", "test", "production"] = "development"
    database_url: str = Field(default=f"sqlite:///{VAR_DIR}/remit.db")
    redis_url: str | None = None
    secret_key: str | None = None
    base_url: str = "http://127.0.0.1:8000"
    idempotency_retention_hours: int = Field(default=24, ge=24, le=24 * 30)
    db_pool_size: int = Field(default=10, ge=1, le=200)
    rate_limit_per_second: float = Field(default=100, gt=0, le=100_000)
    rate_limit_burst: int = Field(default=200, ge=1, le=1_000_000)
    auth_failures_per_minute: int = Field(default=30, ge=1, le=100_000)
    # smtp://[user:pass@]host:port (add ?starttls=1 for STARTTLS) or smtps://… (TLS from the first byte).
    # Unset: emails are kept in the database and shown at /dev/mailbox instead of being sent.
    smtp_url: str | None = None
    mail_from: str = "Remit <no-reply@remit.local>"
    web_portal_dir: Path = WEB_PORTAL_DIST
    web_partner_dir: Path = WEB_PARTNER_DIST
    # The load balancers and reverse proxies in front (addresses or CIDR networks, comma-separated) whose
    # X-Forwarded-For and X-Forwarded-Proto are believed. None by default: the connection's own peer and scheme.
    trusted_proxies: Annotated[tuple[IPv4Network | IPv6Network, ...], NoDecode] = ()
    # Self-service sign-up of new partners (POST /v1/auth/sign-up): open or closed; unset, open except in production.
    signup: Literal["open", "closed"] | None = None

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        if not value.startswith(("sqlite", "postgresql", "postgres://")):
            raise ValueError("must start with sqlite:/// or postgresql://")
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis_scheme(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        if not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must start with redis:// or rediss://")
        return value

    @field_validator("smtp_url")
    @classmethod
    def _smtp_scheme(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("smtp", "smtps"):
            raise ValueError("must start with smtp:// (add ?starttls=1 for STARTTLS) or smtps://")
        try:
            parts.port  # noqa: B018 - urlsplit checks the port only when it is read
        except ValueError:
            raise ValueError("has a port that is not a number between 0 and 65535") from None
        if not parts.hostname:
            raise ValueError("must name a host, e.g. smtp://mail.example.com:587?starttls=1")
        return value

    @field_validator("mail_from")
    @classmethod
    def _mail_from(cls, value: str) -> str:
        address = parseaddr(value)[1]
        if "@" not in address or address.startswith("@") or address.endswith("@"):
            raise ValueError("must be an address such as 'Remit <billing@example.com>' or billing@example.com")
        return value

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _networks(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        networks = []
        for part in (p.strip() for p in value.split(",")):
            if not part:
                continue
            try:
                networks.append(ip_network(part))
            except ValueError as exc:
                raise ValueError(
                    f"must list IP addresses or CIDR networks separated by commas, e.g. 10.0.0.0/8,127.0.0.1 ({exc})"
                ) from None
        return tuple(networks)

    @field_validator("base_url")
    @classmethod
    def _base_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @model_validator(mode="after")
    def _production_needs_secret(self) -> Settings:
        if self.env == "production" and not self.secret_key:
            raise ValueError("REMIT_SECRET_KEY is required when REMIT_ENV=production")
        if self.secret_key is not None and len(self.secret_key) < 32:
            raise ValueError("REMIT_SECRET_KEY must be at least 32 characters")
        return self

    @property
    def sign_up_open(self) -> bool:
        return self.signup == "open" if self.signup is not None else self.env != "production"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def resolved_secret_key(self) -> str:
        """The configured key, or in development one generated once into var/secret_key."""
        if self.secret_key:
            return self.secret_key
        if self.env == "test":
            return "test-only-secret-key-never-used-in-development-or-production"
        path = VAR_DIR / "secret_key"
        if not path.exists():
            VAR_DIR.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(48))
            path.chmod(0o600)
        return path.read_text().strip()


def derived_secret(settings: Settings, purpose: str) -> str:
    """A secret for one purpose (signing sandbox events…), so no two uses share a key."""
    key = settings.resolved_secret_key().encode()
    return "whsec_" + hmac.new(key, purpose.encode(), hashlib.sha256).hexdigest()


def load_settings() -> Settings:
    try:
        settings = Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        message = str(first["msg"]).removeprefix("Value error, ")
        if first["loc"]:
            message = f"REMIT_{'_'.join(str(p) for p in first['loc']).upper()} {message}"
        raise ConfigError(f"Invalid configuration: {message}") from None
    if settings.is_sqlite:
        db_path = settings.database_url.split("///", 1)[-1]
        if db_path and db_path != ":memory:":
            Path(db_path).parent.mkdir(parents=True, exist_ok=True)
    return settings
