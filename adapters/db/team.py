"""Partner users, their memberships, dashboard sessions, codes, links and sign-ups: platform rows (one person
spans partners), so these repositories are not scoped; memberships are read per person or per partner."""

from __future__ import annotations

import builtins
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.dataclass_rows import build, values
from adapters.db.tables import (
    DashboardCodeRow,
    DashboardSessionRow,
    PartnerMembershipRow,
    PartnerUserRow,
    SignUpRow,
    TeamLinkRow,
)
from domain.errors import NotFound
from domain.identity.codes import DASHBOARD, CodePurpose, OneTimeCode
from domain.team.people import LinkPurpose, Membership, PartnerUser, SignUp, TeamLink
from domain.team.roles import Role
from domain.team.sessions import DashboardSession, Factor, SessionState


async def _update(session: AsyncSession, model: type, entity: object) -> None:
    changed = values(entity)
    ident = changed.pop("id")
    await session.execute(
        update(model).where(model.id == ident).values(**changed).execution_options(synchronize_session=False)  # type: ignore[attr-defined]
    )


def _user(row: PartnerUserRow) -> PartnerUser:
    return build(PartnerUser, row, recovery_codes=list(row.recovery_codes or []))


def _membership(row: PartnerMembershipRow) -> Membership:
    return build(Membership, row, role=Role(row.role))


class SqlPartnerUsers:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, user: PartnerUser) -> None:
        self.session.add(PartnerUserRow(**values(user)))
        await self.session.flush()

    async def save(self, user: PartnerUser) -> None:
        await _update(self.session, PartnerUserRow, user)

    async def find(self, user_id: str) -> PartnerUser | None:
        row = await self.session.scalar(select(PartnerUserRow).where(PartnerUserRow.id == user_id))
        return None if row is None else _user(row)

    async def lock(self, user_id: str) -> PartnerUser:
        row = await self.session.scalar(select(PartnerUserRow).where(PartnerUserRow.id == user_id).with_for_update())
        if row is None:
            raise NotFound("user", user_id)
        return _user(row)

    async def by_email(self, email: str) -> PartnerUser | None:
        row = await self.session.scalar(select(PartnerUserRow).where(PartnerUserRow.email == email))
        return None if row is None else _user(row)

    async def add_membership(self, membership: Membership) -> None:
        self.session.add(PartnerMembershipRow(**values(membership)))
        await self.session.flush()

    async def save_membership(self, membership: Membership) -> None:
        await _update(self.session, PartnerMembershipRow, membership)

    async def remove_membership(self, membership: Membership) -> None:
        await self.session.execute(
            delete(PartnerMembershipRow)
            .where(PartnerMembershipRow.id == membership.id, PartnerMembershipRow.partner_id == membership.partner_id)
            .execution_options(synchronize_session=False)
        )

    async def memberships(self, user_id: str) -> builtins.list[Membership]:
        rows = await self.session.scalars(
            select(PartnerMembershipRow)
            .where(PartnerMembershipRow.user_id == user_id)
            .order_by(PartnerMembershipRow.created_at, PartnerMembershipRow.id)
        )
        return [_membership(r) for r in rows]

    async def membership(self, user_id: str, partner_id: str) -> Membership | None:
        row = await self.session.scalar(
            select(PartnerMembershipRow).where(
                PartnerMembershipRow.user_id == user_id, PartnerMembershipRow.partner_id == partner_id
            )
        )
        return None if row is None else _membership(row)

    async def team(self, partner_id: str, *, lock: bool = False) -> builtins.list[tuple[PartnerUser, Membership]]:
        stmt = (
            select(PartnerUserRow, PartnerMembershipRow)
            .join(PartnerMembershipRow, PartnerMembershipRow.user_id == PartnerUserRow.id)
            .where(PartnerMembershipRow.partner_id == partner_id)
            .order_by(PartnerMembershipRow.created_at, PartnerMembershipRow.id)
        )
        if lock:
            stmt = stmt.with_for_update(of=PartnerMembershipRow)
        rows = await self.session.execute(stmt)
        return [(_user(u), _membership(m)) for u, m in rows.all()]


def _session(row: DashboardSessionRow) -> DashboardSession:
    return build(DashboardSession, row, state=SessionState(row.state), factors=[Factor(f) for f in row.factors])


class SqlDashboardSessions:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, dashboard_session: DashboardSession) -> None:
        self.session.add(DashboardSessionRow(**values(dashboard_session)))
        await self.session.flush()

    async def save(self, dashboard_session: DashboardSession) -> None:
        await _update(self.session, DashboardSessionRow, dashboard_session)

    async def by_token_hash(self, token_hash: str) -> DashboardSession | None:
        row = await self.session.scalar(select(DashboardSessionRow).where(DashboardSessionRow.token_hash == token_hash))
        return None if row is None else _session(row)

    async def active_for_user(self, user_id: str, now: datetime) -> builtins.list[DashboardSession]:
        rows = await self.session.scalars(
            select(DashboardSessionRow)
            .where(
                DashboardSessionRow.user_id == user_id,
                DashboardSessionRow.revoked_at.is_(None),
                DashboardSessionRow.expires_at > now,
            )
            .order_by(DashboardSessionRow.created_at.desc(), DashboardSessionRow.id.desc())
        )
        return [s for s in map(_session, rows) if s.alive(now)]

    async def revoke_for_user(
        self, user_id: str, *, at: datetime, keep: str | None = None, partner_id: str | None = None
    ) -> int:
        stmt = update(DashboardSessionRow).where(
            DashboardSessionRow.user_id == user_id, DashboardSessionRow.revoked_at.is_(None)
        )
        if keep is not None:
            stmt = stmt.where(DashboardSessionRow.id != keep)
        if partner_id is not None:
            stmt = stmt.where(DashboardSessionRow.partner_id == partner_id)
        result = await self.session.execute(stmt.values(revoked_at=at).execution_options(synchronize_session=False))
        return int(result.rowcount or 0)  # type: ignore[attr-defined]


def _code(row: DashboardCodeRow) -> OneTimeCode:
    return build(OneTimeCode, row, realm=DASHBOARD, purpose=CodePurpose(row.purpose))


def _code_row(code: OneTimeCode) -> dict[str, object]:
    fields = values(code)
    del fields["realm"]  # the table holds only the dashboard's
    return fields


class SqlDashboardCodes:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def replace(self, code: OneTimeCode) -> None:
        await self.session.execute(
            update(DashboardCodeRow)
            .where(
                DashboardCodeRow.email == code.email,
                DashboardCodeRow.purpose == code.purpose.value,
                DashboardCodeRow.used_at.is_(None),
                DashboardCodeRow.voided_at.is_(None),
            )
            .values(voided_at=code.created_at)
            .execution_options(synchronize_session=False)
        )
        self.session.add(DashboardCodeRow(**_code_row(code)))
        await self.session.flush()

    async def sent_since(self, email: str, purpose: CodePurpose, since: datetime) -> int:
        count = await self.session.scalar(
            select(func.count()).where(
                DashboardCodeRow.email == email,
                DashboardCodeRow.purpose == purpose.value,
                DashboardCodeRow.created_at >= since,
            )
        )
        return int(count or 0)

    async def current(self, email: str, purpose: CodePurpose, *, lock: bool = True) -> OneTimeCode | None:
        stmt = (
            select(DashboardCodeRow)
            .where(
                DashboardCodeRow.email == email,
                DashboardCodeRow.purpose == purpose.value,
                DashboardCodeRow.used_at.is_(None),
                DashboardCodeRow.voided_at.is_(None),
            )
            .order_by(DashboardCodeRow.created_at.desc())
            .limit(1)
        )
        row = await self.session.scalar(stmt.with_for_update() if lock else stmt)
        return None if row is None else _code(row)

    async def save(self, code: OneTimeCode) -> None:
        fields = _code_row(code)
        ident = fields.pop("id")
        await self.session.execute(
            update(DashboardCodeRow)
            .where(DashboardCodeRow.id == ident)
            .values(**fields)
            .execution_options(synchronize_session=False)
        )


def _link(row: TeamLinkRow) -> TeamLink:
    return build(TeamLink, row, purpose=LinkPurpose(row.purpose), role=Role(row.role) if row.role else None)


class SqlTeamLinks:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, link: TeamLink) -> None:
        self.session.add(TeamLinkRow(**values(link)))
        await self.session.flush()

    async def save(self, link: TeamLink) -> None:
        await _update(self.session, TeamLinkRow, link)

    async def by_hash(self, token_hash: str, *, lock: bool = False) -> TeamLink | None:
        stmt = select(TeamLinkRow).where(TeamLinkRow.token_hash == token_hash)
        row = await self.session.scalar(stmt.with_for_update() if lock else stmt)
        return None if row is None else _link(row)

    async def created_since(self, purpose: LinkPurpose, email: str, since: datetime) -> int:
        count = await self.session.scalar(
            select(func.count()).where(
                TeamLinkRow.purpose == purpose.value, TeamLinkRow.email == email, TeamLinkRow.created_at >= since
            )
        )
        return int(count or 0)

    async def pending_invitations(self, partner_id: str, now: datetime) -> builtins.list[TeamLink]:
        rows = await self.session.scalars(
            select(TeamLinkRow)
            .where(
                TeamLinkRow.partner_id == partner_id,
                TeamLinkRow.purpose == LinkPurpose.INVITATION.value,
                TeamLinkRow.used_at.is_(None),
                TeamLinkRow.revoked_at.is_(None),
                TeamLinkRow.expires_at > now,
            )
            .order_by(TeamLinkRow.created_at.desc(), TeamLinkRow.id.desc())
        )
        return [_link(r) for r in rows]

    async def revoke_unused(self, purpose: LinkPurpose, email: str, *, at: datetime, partner_id: str | None) -> None:
        stmt = update(TeamLinkRow).where(
            TeamLinkRow.purpose == purpose.value,
            TeamLinkRow.email == email,
            TeamLinkRow.used_at.is_(None),
            TeamLinkRow.revoked_at.is_(None),
        )
        if partner_id is not None:
            stmt = stmt.where(TeamLinkRow.partner_id == partner_id)
        await self.session.execute(stmt.values(revoked_at=at).execution_options(synchronize_session=False))


class SqlSignUps:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, sign_up: SignUp) -> None:
        self.session.add(SignUpRow(**values(sign_up)))
        await self.session.flush()

    async def save(self, sign_up: SignUp) -> None:
        await _update(self.session, SignUpRow, sign_up)

    async def latest(self, email: str, *, lock: bool = False) -> SignUp | None:
        stmt = (
            select(SignUpRow)
            .where(SignUpRow.email == email)
            .order_by(SignUpRow.created_at.desc(), SignUpRow.id.desc())
            .limit(1)
        )
        row = await self.session.scalar(stmt.with_for_update() if lock else stmt)
        return None if row is None else build(SignUp, row)
