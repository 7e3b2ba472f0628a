"""Portal users and their memberships (which customers each may act for, with what permissions)."""

from __future__ import annotations

import builtins
from collections.abc import Sequence

from sqlalchemy import delete, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.dataclass_rows import add_row, build, save_row
from adapters.db.paging import fetch_page
from adapters.db.statements import Statements
from adapters.db.tables import PortalMembershipRow, PortalSessionRow, PortalUserRow
from domain.errors import NotFound
from domain.pagination import Page, PageRequest
from domain.portal.sessions import SessionState
from domain.portal.users import Membership, MembershipSource, Permission, PortalUser


def _user(row: PortalUserRow) -> PortalUser:
    return build(PortalUser, row, recovery_codes=list(row.recovery_codes))


def _membership(row: PortalMembershipRow) -> Membership:
    return build(
        Membership,
        row,
        permissions=frozenset(Permission(p) for p in row.permissions),
        source=MembershipSource(row.source),
    )


class SqlPortalUsers(Statements):
    def __init__(self, session: AsyncSession, partner_id: str) -> None:
        self.session = session
        self.partner_id = partner_id

    async def add(self, user: PortalUser) -> None:
        await add_row(self.session, PortalUserRow, user)

    async def save(self, user: PortalUser) -> None:
        await save_row(self.session, PortalUserRow, user, partner_id=self.partner_id)

    async def find(self, user_id: str) -> PortalUser | None:
        row = await self.session.scalar(
            select(PortalUserRow).where(PortalUserRow.partner_id == self.partner_id, PortalUserRow.id == user_id)
        )
        return None if row is None else _user(row)

    async def get(self, user_id: str) -> PortalUser:
        user = await self.find(user_id)
        if user is None:
            raise NotFound("portal user", user_id)
        return user

    async def lock(self, user_id: str) -> PortalUser:
        row = await self.session.scalar(
            select(PortalUserRow)
            .where(PortalUserRow.partner_id == self.partner_id, PortalUserRow.id == user_id)
            .with_for_update()
        )
        if row is None:
            raise NotFound("portal user", user_id)
        return _user(row)

    async def by_email(self, email: str) -> PortalUser | None:
        row = await self.session.scalar(
            select(PortalUserRow).where(PortalUserRow.partner_id == self.partner_id, PortalUserRow.email == email)
        )
        return None if row is None else _user(row)

    async def list(self, page: PageRequest, *, customer_id: str | None = None) -> Page[PortalUser]:
        stmt = select(PortalUserRow).where(PortalUserRow.partner_id == self.partner_id)
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
        await add_row(self.session, PortalMembershipRow, membership)

    async def save_membership(self, membership: Membership) -> None:
        await save_row(self.session, PortalMembershipRow, membership, partner_id=self.partner_id)

    async def remove_membership(self, membership: Membership) -> None:
        await self.session.execute(
            delete(PortalMembershipRow).where(
                PortalMembershipRow.partner_id == self.partner_id, PortalMembershipRow.id == membership.id
            )
        )

    async def memberships(self, user_id: str) -> builtins.list[Membership]:
        rows = await self.session.scalars(
            select(PortalMembershipRow)
            .where(PortalMembershipRow.partner_id == self.partner_id, PortalMembershipRow.user_id == user_id)
            .order_by(PortalMembershipRow.id)
        )
        return [_membership(r) for r in rows]

    async def membership(self, user_id: str, customer_id: str) -> Membership | None:
        row = await self.session.scalar(
            select(PortalMembershipRow).where(
                PortalMembershipRow.partner_id == self.partner_id,
                PortalMembershipRow.user_id == user_id,
                PortalMembershipRow.customer_id == customer_id,
            )
        )
        return None if row is None else _membership(row)

    async def members_of(self, customer_id: str) -> builtins.list[tuple[PortalUser, Membership]]:
        rows = await self.session.execute(
            select(PortalUserRow, PortalMembershipRow)
            .join(PortalMembershipRow, PortalMembershipRow.user_id == PortalUserRow.id)
            .where(PortalMembershipRow.partner_id == self.partner_id, PortalMembershipRow.customer_id == customer_id)
            .order_by(PortalUserRow.email)
        )
        return [(_user(u), _membership(m)) for u, m in rows.all()]

    async def ever_signed_in(self, user_ids: Sequence[str]) -> set[str]:
        """Those of these people who opened a session of their own (a code sign-in changes nothing on the user)."""
        if not user_ids:
            return set()
        found = await self.session.scalars(
            select(PortalSessionRow.user_id)
            .where(
                PortalSessionRow.partner_id == self.partner_id,
                PortalSessionRow.user_id.in_(list(user_ids)),
                PortalSessionRow.state == SessionState.ACTIVE.value,
                PortalSessionRow.impersonator.is_(None),
            )
            .distinct()
        )
        return {user_id for user_id in found if user_id is not None}

    async def customers_with_email(self, email: str) -> builtins.list[str]:
        """Customers (not archived) whose primary email or one of whose contacts is this address."""
        contacts = self.json_elements.format(column="customers.contacts", alias="c")
        in_contacts = f"EXISTS (SELECT 1 FROM {contacts} WHERE lower(c.value ->> 'email') = :email)"
        rows = await self.session.execute(
            text(
                "SELECT id FROM customers WHERE partner_id = :partner AND NOT archived "
                f"AND (lower(email) = :email OR {in_contacts}) ORDER BY id"
            ),
            {"partner": self.partner_id, "email": email},
        )
        return [r[0] for r in rows]
