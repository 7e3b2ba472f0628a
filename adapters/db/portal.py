"""Repositories for the customer portal: users and memberships, sessions, one-time codes, single-use links,
access requests and pay links. Rows and dataclasses share field names; `_values`/`_build` convert between them."""

from __future__ import annotations

import builtins
import dataclasses
from datetime import datetime
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.paging import fetch_page
from adapters.db.tables import (
    AccessRequestRow,
    Base,
    OneTimeCodeRow,
    PayLinkRow,
    PortalMembershipRow,
    PortalSessionRow,
    PortalTokenRow,
    PortalUserRow,
)
from domain.errors import NotFound
from domain.pagination import Page, PageRequest
from domain.pay_links.model import PayLink
from domain.portal.access_requests import AccessRequest, AccessRequestStatus
from domain.portal.codes import CodePurpose, OneTimeCode
from domain.portal.links import LinkPurpose, PortalLink
from domain.portal.sessions import Factor, PortalSession, SessionState
from domain.portal.users import Membership, MembershipSource, Permission, PortalUser

T = TypeVar("T")


def _values(entity: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in dataclasses.fields(entity):
        value = getattr(entity, f.name)
        if isinstance(value, StrEnum):
            value = value.value
        elif isinstance(value, frozenset):
            value = sorted(v.value if isinstance(v, StrEnum) else v for v in value)
        elif isinstance(value, list):
            value = [v.value if isinstance(v, StrEnum) else v for v in value]
        out[f.name] = value
    return out


def _build(cls: type[T], row: Base, **converted: Any) -> T:
    names = [f.name for f in dataclasses.fields(cls)]  # type: ignore[arg-type]
    raw = {name: getattr(row, name) for name in names if name not in converted}
    return cls(**raw, **converted)


async def _add(session: AsyncSession, model: type[Base], entity: Any) -> None:
    session.add(model(**_values(entity)))
    await session.flush()


async def _save(session: AsyncSession, model: Any, entity: Any) -> None:
    values = _values(entity)
    ident = values.pop("id")
    values.pop("partner_id", None)
    await session.execute(
        update(model).where(model.id == ident).values(**values).execution_options(synchronize_session=False)
    )


def _user(row: PortalUserRow) -> PortalUser:
    return _build(PortalUser, row, recovery_codes=list(row.recovery_codes))


def _membership(row: PortalMembershipRow) -> Membership:
    return _build(
        Membership,
        row,
        permissions=frozenset(Permission(p) for p in row.permissions),
        source=MembershipSource(row.source),
    )


class SqlPortalUsers:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, user: PortalUser) -> None:
        await _add(self.session, PortalUserRow, user)

    async def save(self, user: PortalUser) -> None:
        await _save(self.session, PortalUserRow, user)

    async def find(self, user_id: str) -> PortalUser | None:
        row = await self.session.scalar(select(PortalUserRow).where(PortalUserRow.id == user_id))
        return None if row is None else _user(row)

    async def get(self, user_id: str) -> PortalUser:
        user = await self.find(user_id)
        if user is None:
            raise NotFound("portal user", user_id)
        return user

    async def lock(self, user_id: str) -> PortalUser:
        row = await self.session.scalar(select(PortalUserRow).where(PortalUserRow.id == user_id).with_for_update())
        if row is None:
            raise NotFound("portal user", user_id)
        return _user(row)

    async def by_email(self, email: str) -> PortalUser | None:
        row = await self.session.scalar(select(PortalUserRow).where(PortalUserRow.email == email))
        return None if row is None else _user(row)

    async def list(self, page: PageRequest, *, customer_id: str | None = None) -> Page[PortalUser]:
        stmt = select(PortalUserRow)
        if customer_id is not None:
            stmt = stmt.where(
                PortalUserRow.id.in_(
                    select(PortalMembershipRow.user_id).where(PortalMembershipRow.customer_id == customer_id)
                )
            )
        rows = await fetch_page(self.session, stmt, PortalUserRow.id, page)
        return Page(items=[_user(r) for r in rows.items], has_more=rows.has_more)

    # memberships

    async def add_membership(self, membership: Membership) -> None:
        await _add(self.session, PortalMembershipRow, membership)

    async def save_membership(self, membership: Membership) -> None:
        await _save(self.session, PortalMembershipRow, membership)

    async def remove_membership(self, membership: Membership) -> None:
        row = await self.session.get(PortalMembershipRow, membership.id)
        if row is not None:
            await self.session.delete(row)
            await self.session.flush()

    async def memberships(self, user_id: str) -> builtins.list[Membership]:
        rows = await self.session.scalars(
            select(PortalMembershipRow).where(PortalMembershipRow.user_id == user_id).order_by(PortalMembershipRow.id)
        )
        return [_membership(r) for r in rows]

    async def membership(self, user_id: str, customer_id: str) -> Membership | None:
        row = await self.session.scalar(
            select(PortalMembershipRow).where(
                PortalMembershipRow.user_id == user_id, PortalMembershipRow.customer_id == customer_id
            )
        )
        return None if row is None else _membership(row)

    async def members_of(self, customer_id: str) -> builtins.list[tuple[PortalUser, Membership]]:
        rows = await self.session.execute(
            select(PortalUserRow, PortalMembershipRow)
            .join(PortalMembershipRow, PortalMembershipRow.user_id == PortalUserRow.id)
            .where(PortalMembershipRow.customer_id == customer_id)
            .order_by(PortalUserRow.email)
        )
        return [(_user(u), _membership(m)) for u, m in rows.all()]

    async def customers_with_email(self, email: str) -> builtins.list[str]:
        """Customers (not archived) whose primary email or one of whose contacts is this address."""
        if self.session.get_bind().dialect.name == "postgresql":
            in_contacts = (
                "EXISTS (SELECT 1 FROM jsonb_array_elements(customers.contacts) c WHERE lower(c->>'email') = :email)"
            )
        else:
            in_contacts = (
                "EXISTS (SELECT 1 FROM json_each(customers.contacts) c "
                "WHERE lower(json_extract(c.value, '$.email')) = :email)"
            )
        rows = await self.session.execute(
            text(
                "SELECT id FROM customers WHERE partner_id = :partner AND NOT archived "
                f"AND (lower(email) = :email OR {in_contacts}) ORDER BY id"
            ),
            {"partner": self.session.info["partner_id"], "email": email},
        )
        return [r[0] for r in rows]


def _session(row: PortalSessionRow) -> PortalSession:
    return _build(PortalSession, row, state=SessionState(row.state), factors=[Factor(f) for f in row.factors])


class SqlPortalSessions:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, portal_session: PortalSession) -> None:
        await _add(self.session, PortalSessionRow, portal_session)

    async def save(self, portal_session: PortalSession) -> None:
        await _save(self.session, PortalSessionRow, portal_session)

    async def by_token_hash(self, token_hash: str) -> PortalSession | None:
        row = await self.session.scalar(select(PortalSessionRow).where(PortalSessionRow.token_hash == token_hash))
        return None if row is None else _session(row)

    async def get(self, session_id: str) -> PortalSession:
        row = await self.session.scalar(select(PortalSessionRow).where(PortalSessionRow.id == session_id))
        if row is None:
            raise NotFound("session", session_id)
        return _session(row)

    async def active_for_user(self, user_id: str, now: datetime) -> list[PortalSession]:
        rows = await self.session.scalars(
            select(PortalSessionRow)
            .where(
                PortalSessionRow.user_id == user_id,
                PortalSessionRow.revoked_at.is_(None),
                PortalSessionRow.expires_at > now,
            )
            .order_by(PortalSessionRow.id.desc())
        )
        return [s for s in map(_session, rows) if s.alive(now)]

    async def revoke_for_user(self, user_id: str, *, at: datetime, keep: str | None = None) -> int:
        stmt = update(PortalSessionRow).where(
            PortalSessionRow.user_id == user_id, PortalSessionRow.revoked_at.is_(None)
        )
        if keep is not None:
            stmt = stmt.where(PortalSessionRow.id != keep)
        result = await self.session.execute(stmt.values(revoked_at=at).execution_options(synchronize_session=False))
        return int(result.rowcount or 0)  # type: ignore[attr-defined]


def _code(row: OneTimeCodeRow) -> OneTimeCode:
    return _build(OneTimeCode, row, purpose=CodePurpose(row.purpose))


class SqlOneTimeCodes:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def replace(self, code: OneTimeCode) -> None:
        """Store a new code, voiding any earlier one for the same email, purpose and subject."""
        await self.session.execute(
            update(OneTimeCodeRow)
            .where(
                OneTimeCodeRow.email == code.email,
                OneTimeCodeRow.purpose == code.purpose.value,
                OneTimeCodeRow.used_at.is_(None),
                OneTimeCodeRow.voided_at.is_(None),
            )
            .values(voided_at=code.created_at)
            .execution_options(synchronize_session=False)
        )
        await _add(self.session, OneTimeCodeRow, code)

    async def sent_since(self, email: str, purpose: CodePurpose, since: datetime) -> int:
        count = await self.session.scalar(
            select(func.count()).where(
                OneTimeCodeRow.email == email,
                OneTimeCodeRow.purpose == purpose.value,
                OneTimeCodeRow.created_at >= since,
            )
        )
        return int(count or 0)

    async def current(self, email: str, purpose: CodePurpose, *, lock: bool = True) -> OneTimeCode | None:
        stmt = (
            select(OneTimeCodeRow)
            .where(
                OneTimeCodeRow.email == email,
                OneTimeCodeRow.purpose == purpose.value,
                OneTimeCodeRow.used_at.is_(None),
                OneTimeCodeRow.voided_at.is_(None),
            )
            .order_by(OneTimeCodeRow.created_at.desc())
            .limit(1)
        )
        row = await self.session.scalar(stmt.with_for_update() if lock else stmt)
        return None if row is None else _code(row)

    async def save(self, code: OneTimeCode) -> None:
        await _save(self.session, OneTimeCodeRow, code)


def _link(row: PortalTokenRow) -> PortalLink:
    return _build(PortalLink, row, purpose=LinkPurpose(row.purpose))


class SqlPortalLinks:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, link: PortalLink) -> None:
        await _add(self.session, PortalTokenRow, link)

    async def save(self, link: PortalLink) -> None:
        await _save(self.session, PortalTokenRow, link)

    async def by_hash(self, token_hash: str) -> PortalLink | None:
        row = await self.session.scalar(
            select(PortalTokenRow).where(PortalTokenRow.token_hash == token_hash).with_for_update()
        )
        return None if row is None else _link(row)

    async def revoke_unused(self, user_id: str, purpose: LinkPurpose, *, at: datetime) -> None:
        await self.session.execute(
            update(PortalTokenRow)
            .where(
                PortalTokenRow.user_id == user_id,
                PortalTokenRow.purpose == purpose.value,
                PortalTokenRow.used_at.is_(None),
                PortalTokenRow.revoked_at.is_(None),
            )
            .values(revoked_at=at)
            .execution_options(synchronize_session=False)
        )


def _request(row: AccessRequestRow) -> AccessRequest:
    return _build(AccessRequest, row, status=AccessRequestStatus(row.status))


class SqlAccessRequests:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, request: AccessRequest) -> None:
        await _add(self.session, AccessRequestRow, request)

    async def save(self, request: AccessRequest) -> None:
        await _save(self.session, AccessRequestRow, request)

    async def get(self, request_id: str, *, lock: bool = False) -> AccessRequest:
        stmt = select(AccessRequestRow).where(AccessRequestRow.id == request_id)
        row = await self.session.scalar(stmt.with_for_update() if lock else stmt)
        if row is None:
            raise NotFound("access request", request_id)
        return _request(row)

    async def latest_for_email(self, email: str) -> AccessRequest | None:
        row = await self.session.scalar(
            select(AccessRequestRow)
            .where(AccessRequestRow.email == email)
            .order_by(AccessRequestRow.id.desc())
            .limit(1)
        )
        return None if row is None else _request(row)

    async def list(self, page: PageRequest, *, status: AccessRequestStatus | None = None) -> Page[AccessRequest]:
        stmt = select(AccessRequestRow)
        if status is not None:
            stmt = stmt.where(AccessRequestRow.status == status.value)
        rows = await fetch_page(self.session, stmt, AccessRequestRow.id, page)
        return Page(items=[_request(r) for r in rows.items], has_more=rows.has_more)


class SqlPayLinks:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, link: PayLink) -> None:
        await _add(self.session, PayLinkRow, link)

    async def save(self, link: PayLink) -> None:
        await _save(self.session, PayLinkRow, link)

    async def find(self, link_id: str) -> PayLink | None:
        row = await self.session.scalar(select(PayLinkRow).where(PayLinkRow.id == link_id))
        return None if row is None else _build(PayLink, row)

    async def active_for(self, invoice_id: str) -> PayLink | None:
        row = await self.session.scalar(
            select(PayLinkRow).where(PayLinkRow.invoice_id == invoice_id, PayLinkRow.revoked_at.is_(None))
        )
        return None if row is None else _build(PayLink, row)
