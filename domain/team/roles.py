"""Who may do what: a partner user's role, or an API key's scope, against the permission a route declares.

| permission          | admin | sub_admin | member | read_only | full key | read_only key |
|---------------------|-------|-----------|--------|-----------|----------|---------------|
| read                | yes   | yes       | yes    | yes       | yes      | yes           |
| customers, invoices, payments, imports | yes | yes | yes | no  | yes      | no            |
| refunds, disputes, write_offs, access_requests, settings, audit, sandbox | yes | yes | no | no | yes | no |
| approvals           | yes   | yes       | no     | no        | no       | no            |
| team, api_keys, security, payout_destination, integrations | yes | no | no | no | no (team, api_keys, security) | no |

API keys act for software, not a person: they never decide approvals or manage people, keys or security settings.
"""

from __future__ import annotations

from enum import StrEnum

from domain.api_keys.model import KeyScope


class Role(StrEnum):
    ADMIN = "admin"  # everything
    SUB_ADMIN = "sub_admin"  # everything but team, API keys, payout destination, integrations and security settings
    MEMBER = "member"  # an accounts-receivable clerk: customers, invoices, payments, pay links, reminders
    READ_ONLY = "read_only"  # reads and exports


class Permission(StrEnum):
    READ = "read"
    CUSTOMERS = "customers"  # customers, their payment methods and portal users, merges
    INVOICES = "invoices"  # invoices, pay links, reminders, invoice questions
    PAYMENTS = "payments"  # charging saved methods, offline payments, scheduled payments
    IMPORTS = "imports"
    REFUNDS = "refunds"
    DISPUTES = "disputes"
    WRITE_OFFS = "write_offs"
    ACCESS_REQUESTS = "access_requests"  # deciding who may see a customer's invoices in the portal
    SETTINGS = "settings"  # payment and portal settings, branding
    AUDIT = "audit"  # reading the audit log
    SANDBOX = "sandbox"  # moving the test clock
    APPROVALS = "approvals"  # deciding someone else's request
    TEAM = "team"
    API_KEYS = "api_keys"
    SECURITY = "security"  # MFA enforcement and approval rules
    PAYOUT_DESTINATION = "payout_destination"
    INTEGRATIONS = "integrations"


_CLERK = frozenset(
    {Permission.READ, Permission.CUSTOMERS, Permission.INVOICES, Permission.PAYMENTS, Permission.IMPORTS}
)
_OWNER_ONLY = frozenset(
    {
        Permission.TEAM,
        Permission.API_KEYS,
        Permission.SECURITY,
        Permission.PAYOUT_DESTINATION,
        Permission.INTEGRATIONS,
    }
)
_PEOPLE_ONLY = frozenset({Permission.APPROVALS, Permission.TEAM, Permission.API_KEYS, Permission.SECURITY})

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.SUB_ADMIN: frozenset(Permission) - _OWNER_ONLY,
    Role.MEMBER: _CLERK,
    Role.READ_ONLY: frozenset({Permission.READ}),
}
SCOPE_PERMISSIONS: dict[KeyScope, frozenset[Permission]] = {
    KeyScope.FULL: frozenset(Permission) - _PEOPLE_ONLY,
    KeyScope.READ_ONLY: frozenset({Permission.READ}),
}
DECIDERS = frozenset(role for role, allowed in ROLE_PERMISSIONS.items() if Permission.APPROVALS in allowed)


def role_allows(role: Role, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[role]


def scope_allows(scope: KeyScope, permission: Permission) -> bool:
    return permission in SCOPE_PERMISSIONS[scope]


def refusal(permission: Permission, *, role: Role | None = None, scope: KeyScope | None = None) -> str:
    """What a refused person or program is told: what it lacked and who can help."""
    if role is not None:
        return (
            f"Your role ({role.value.replace('_', ' ')}) does not allow this: it needs the `{permission.value}` "
            "permission. Ask an admin of this account."
        )
    if scope is KeyScope.READ_ONLY:
        return "This API key is read-only: it can read everything but change nothing. Use a full key."
    return (
        f"API keys cannot do this (`{permission.value}`): it is for people signed in to the dashboard, so that a "
        "person is accountable for it."
    )
