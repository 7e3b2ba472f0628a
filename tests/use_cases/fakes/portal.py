"""Fakes of the portal repositories the payment engine touches: scheduled payments and portal users
(adapters/db/scheduled_payments.py, adapters/db/portal.py)."""

from __future__ import annotations

import builtins
import copy

from domain.errors import NotFound
from domain.pagination import Page, PageRequest
from domain.portal.users import Membership, PortalUser
from domain.scheduled_payments.model import ScheduledPayment, ScheduledStatus
from tests.use_cases.fakes.tables import Repo, keyset_page, violated


class FakeScheduledPayments(Repo):
    async def add(self, scheduled: ScheduledPayment) -> None:
        self._check_tenant(scheduled.partner_id, "scheduled payment")
        t = self._t
        violated(scheduled.id in t.scheduled_payments, "scheduled_payments_pkey")
        violated(scheduled.customer_id not in t.customers, "fk scheduled_payments.customer_id")
        violated(scheduled.payment_method_id not in t.payment_methods, "fk scheduled_payments.payment_method_id")
        violated(scheduled.portal_user_id not in (None, *t.portal_users), "fk scheduled_payments.portal_user_id")
        violated(scheduled.amount <= 0, "ck amount_positive")
        # SqlScheduledPayments.add writes what scheduling decided; what the run met comes later, through save.
        stored = copy.deepcopy(scheduled)
        stored.payment_id = stored.failure_message = stored.executed_at = None
        stored.canceled_at = stored.canceled_by = None
        t.scheduled_payments[scheduled.id] = stored

    async def get(self, ident: str, *, lock: bool = False) -> ScheduledPayment:
        try:
            return copy.deepcopy(self._t.scheduled_payments[ident])
        except KeyError:
            raise NotFound("scheduled payment", ident) from None

    async def save(self, scheduled: ScheduledPayment) -> None:
        row = self._t.scheduled_payments.get(scheduled.id)
        if row is None:
            return
        violated(scheduled.payment_id not in (None, *self._t.payments), "fk scheduled_payments.payment_id")
        saved = copy.deepcopy(row)  # SqlScheduledPayments.save: the lifecycle columns only
        saved.status = scheduled.status
        saved.payment_id = scheduled.payment_id
        saved.failure_message = scheduled.failure_message
        saved.executed_at = scheduled.executed_at
        saved.canceled_at = scheduled.canceled_at
        saved.canceled_by = scheduled.canceled_by
        self._t.scheduled_payments[scheduled.id] = saved

    async def list(
        self, page: PageRequest, *, customer_id: str | None = None, status: ScheduledStatus | None = None
    ) -> Page[ScheduledPayment]:
        def keep(s: ScheduledPayment) -> bool:
            return (customer_id is None or s.customer_id == customer_id) and (status is None or s.status is status)

        found = keyset_page([s for s in self._t.scheduled_payments.values() if keep(s)], page, lambda s: s.id)
        return Page(items=[copy.deepcopy(s) for s in found.items], has_more=found.has_more)

    async def waiting_for_customer(self, customer_id: str) -> builtins.list[ScheduledPayment]:
        waiting = [
            s
            for s in self._t.scheduled_payments.values()
            if s.customer_id == customer_id and s.status is ScheduledStatus.SCHEDULED
        ]
        return [copy.deepcopy(s) for s in sorted(waiting, key=lambda s: s.id)]


class FakePortalUsers(Repo):
    async def add(self, user: PortalUser) -> None:
        self._check_tenant(user.partner_id, "portal user")
        violated(user.id in self._t.portal_users, "portal_users_pkey")
        violated(any(u.email == user.email for u in self._t.portal_users.values()), "uq_portal_users_partner_id_email")
        self._t.portal_users[user.id] = copy.deepcopy(user)

    async def save(self, user: PortalUser) -> None:
        row = self._t.portal_users.get(user.id)
        if row is not None:  # every column but id and partner_id, like adapters/db/portal.py _save
            saved = copy.deepcopy(user)
            saved.partner_id = row.partner_id
            self._t.portal_users[user.id] = saved

    async def find(self, user_id: str) -> PortalUser | None:
        user = self._t.portal_users.get(user_id)
        return None if user is None else copy.deepcopy(user)

    async def get(self, user_id: str) -> PortalUser:
        user = await self.find(user_id)
        if user is None:
            raise NotFound("portal user", user_id)
        return user

    async def lock(self, user_id: str) -> PortalUser:
        return await self.get(user_id)

    async def by_email(self, email: str) -> PortalUser | None:
        found = [u for u in self._t.portal_users.values() if u.email == email]
        return copy.deepcopy(found[0]) if found else None

    async def list(self, page: PageRequest, *, customer_id: str | None = None) -> Page[PortalUser]:
        members = {m.user_id for m in self._t.memberships.values() if m.customer_id == customer_id}
        users = [u for u in self._t.portal_users.values() if customer_id is None or u.id in members]
        found = keyset_page(users, page, lambda u: u.id)
        return Page(items=[copy.deepcopy(u) for u in found.items], has_more=found.has_more)

    async def add_membership(self, membership: Membership) -> None:
        self._check_tenant(membership.partner_id, "membership")
        t = self._t
        violated(membership.user_id not in t.portal_users, "fk portal_memberships.user_id")
        violated(membership.customer_id not in t.customers, "fk portal_memberships.customer_id")
        pair = (membership.user_id, membership.customer_id)
        violated(
            any((m.user_id, m.customer_id) == pair for m in t.memberships.values()),
            "uq_portal_memberships_user_id_customer_id",
        )
        t.memberships[membership.id] = copy.deepcopy(membership)

    async def save_membership(self, membership: Membership) -> None:
        row = self._t.memberships.get(membership.id)
        if row is not None:
            saved = copy.deepcopy(membership)
            saved.partner_id = row.partner_id
            self._t.memberships[membership.id] = saved

    async def remove_membership(self, membership: Membership) -> None:
        self._t.memberships.pop(membership.id, None)

    async def memberships(self, user_id: str) -> builtins.list[Membership]:
        found = [m for m in self._t.memberships.values() if m.user_id == user_id]
        return [copy.deepcopy(m) for m in sorted(found, key=lambda m: m.id)]

    async def membership(self, user_id: str, customer_id: str) -> Membership | None:
        for m in self._t.memberships.values():
            if (m.user_id, m.customer_id) == (user_id, customer_id):
                return copy.deepcopy(m)
        return None

    async def members_of(self, customer_id: str) -> builtins.list[tuple[PortalUser, Membership]]:
        pairs = [
            (self._t.portal_users[m.user_id], m) for m in self._t.memberships.values() if m.customer_id == customer_id
        ]
        return [(copy.deepcopy(u), copy.deepcopy(m)) for u, m in sorted(pairs, key=lambda p: p[0].email)]

    async def customers_with_email(self, email: str) -> builtins.list[str]:
        """Customers (not archived) whose primary email or one of whose contacts is this address."""
        wanted = email.lower()
        found = [
            c.id
            for c in self._t.customers.values()
            if not c.archived
            and ((c.email or "").lower() == wanted or any(x.email.lower() == wanted for x in c.contacts))
        ]
        return sorted(found)
