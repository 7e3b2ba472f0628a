"""Access requests (someone the partner does not know yet asks for access) and invitations (the partner, or a
colleague in the portal, gives someone access to a customer)."""

from __future__ import annotations

from dataclasses import dataclass

from domain.clock import Clock
from domain.customers.use_cases import CreateCustomer, create_customer
from domain.errors import Conflict, ErrorCode, NotFound, PermissionDenied
from domain.events import AccessRequestApproved, AccessRequestCreated
from domain.mail import Email, Template
from domain.portal.access_requests import AccessRequest, AccessRequestStatus
from domain.portal.accounts import IssueLink, issue_link, link_url
from domain.portal.links import LIFETIMES, LinkPurpose
from domain.portal.ports import Credentials, PortalUnitOfWork
from domain.portal.sessions import PortalSession, SessionState
from domain.portal.users import ALL_PERMISSIONS, Membership, MembershipSource, Permission, PortalUser


@dataclass(frozen=True, slots=True)
class BusinessInfo:
    company_name: str
    contact_name: str
    phone: str
    address: str


@dataclass(frozen=True, slots=True)
class FileAccessRequest:
    session: PortalSession
    info: BusinessInfo
    suggested_customer_id: str | None = None


@dataclass(frozen=True, slots=True)
class GrantAccess:
    email: str
    customer_id: str
    permissions: frozenset[Permission]
    source: MembershipSource
    name: str | None = None


@dataclass(frozen=True, slots=True)
class ApproveAccessRequest:
    """Approve onto an existing customer (`customer_id`) or one created now (`new_customer`)."""

    request_id: str
    actor: str
    slug: str
    customer_id: str | None = None
    new_customer: CreateCustomer | None = None


@dataclass(frozen=True, slots=True)
class DismissAccessRequest:
    request_id: str
    actor: str


@dataclass(frozen=True, slots=True)
class InvitePortalUser:
    """From the partner, or from a colleague in the portal (`inviter_email`)."""

    email: str
    customer_id: str
    actor: str
    slug: str
    permissions: frozenset[Permission] = ALL_PERMISSIONS
    inviter_email: str | None = None


async def file_request(cmd: FileAccessRequest, uow: PortalUnitOfWork, *, clock: Clock) -> AccessRequest:
    """Business information once: a second request while one is pending answers the pending one."""
    session, info = cmd.session, cmd.info
    if session.state is not SessionState.NO_ACCESS:
        raise Conflict("You already have access; there is nothing to request.", code=ErrorCode.ALREADY_HAS_ACCESS)
    latest = await uow.access_requests.latest_for_email(session.email)
    if latest is not None and latest.status is AccessRequestStatus.PENDING:
        return latest
    request = AccessRequest(
        partner_id=uow.partner_id,
        email=session.email,
        company_name=info.company_name,
        contact_name=info.contact_name,
        phone=info.phone,
        address=info.address,
        created_at=clock.now(),
        suggested_customer_id=cmd.suggested_customer_id,
    )
    await uow.access_requests.add(request)
    uow.record(AccessRequestCreated(access_request_id=request.id))
    await uow.emails.queue(
        Email(
            to=session.email,
            template=Template.ACCESS_REQUEST_PENDING,
            context={"contact_name": info.contact_name, "company_name": info.company_name},
            partner_id=uow.partner_id,
        )
    )
    for address in (await uow.portal_settings.get()).notification_emails:
        await uow.emails.queue(
            Email(
                to=address,
                template=Template.ACCESS_REQUEST_RECEIVED,
                context={
                    "email": session.email,
                    "company_name": info.company_name,
                    "contact_name": info.contact_name,
                    "phone": info.phone,
                    "address": info.address,
                    "request_id": request.id,
                },
                partner_id=uow.partner_id,
            )
        )
    return request


async def grant(cmd: GrantAccess, uow: PortalUnitOfWork, *, clock: Clock) -> tuple[PortalUser, Membership]:
    """The portal user for this email (created if new) with access to the customer (kept if already there)."""
    now = clock.now()
    user = await uow.portal_users.by_email(cmd.email)
    if user is None:
        user = PortalUser(partner_id=uow.partner_id, email=cmd.email, name=cmd.name, created_at=now, updated_at=now)
        await uow.portal_users.add(user)
    membership = await uow.portal_users.membership(user.id, cmd.customer_id)
    if membership is None:
        membership = Membership(
            partner_id=uow.partner_id,
            user_id=user.id,
            customer_id=cmd.customer_id,
            permissions=cmd.permissions,
            source=cmd.source,
            created_at=now,
        )
        await uow.portal_users.add_membership(membership)
    return user, membership


async def approve(
    cmd: ApproveAccessRequest, uow: PortalUnitOfWork, *, creds: Credentials, clock: Clock
) -> AccessRequest:
    actor = cmd.actor
    request = await uow.access_requests.get(cmd.request_id, lock=True)
    if cmd.customer_id is not None:
        customer = await uow.customers.get(cmd.customer_id)
        customer.ensure_active()
    elif cmd.new_customer is not None:
        customer = await create_customer(cmd.new_customer, uow, clock=clock)
    else:
        raise NotFound("customer", "")
    request.move_to(AccessRequestStatus.APPROVED, at=clock.now(), by=actor)
    request.customer_id = customer.id
    await uow.access_requests.save(request)
    access = GrantAccess(
        request.email, customer.id, ALL_PERMISSIONS, MembershipSource.APPROVED, name=request.contact_name
    )
    user, _ = await grant(access, uow, clock=clock)
    issue = IssueLink(LinkPurpose.SIGN_IN, actor, user_id=user.id, customer_id=customer.id)
    token = await issue_link(issue, uow, clock=clock)
    await uow.emails.queue(
        Email(
            to=user.email,
            template=Template.ACCESS_APPROVED,
            context={"sign_in_url": link_url(creds, cmd.slug, "sign-in/link", token), "customer_name": customer.name},
            partner_id=uow.partner_id,
        )
    )
    uow.record(AccessRequestApproved(access_request_id=request.id, customer_id=customer.id))
    await uow.audit(
        actor=actor, action="access_request.approved", subject=request.id, details={"customer_id": customer.id}
    )
    return request


async def dismiss(cmd: DismissAccessRequest, uow: PortalUnitOfWork, *, clock: Clock) -> AccessRequest:
    request = await uow.access_requests.get(cmd.request_id, lock=True)
    request.move_to(AccessRequestStatus.DISMISSED, at=clock.now(), by=cmd.actor)
    await uow.access_requests.save(request)
    await uow.audit(actor=cmd.actor, action="access_request.dismissed", subject=request.id)
    return request


async def invite(cmd: InvitePortalUser, uow: PortalUnitOfWork, *, creds: Credentials, clock: Clock) -> PortalUser:
    """An activation link (7 days, single use) to set a password; from the partner or from a colleague."""
    inviter_email = cmd.inviter_email
    customer = await uow.customers.get(cmd.customer_id)
    customer.ensure_active()
    team = inviter_email is not None
    if team and not (await uow.portal_settings.get()).team_invites:
        raise PermissionDenied(
            "Inviting colleagues is turned off for this portal.", code=ErrorCode.TEAM_INVITES_DISABLED
        )
    source = MembershipSource.TEAM if team else MembershipSource.INVITED
    user, _ = await grant(GrantAccess(cmd.email, customer.id, cmd.permissions, source), uow, clock=clock)
    purpose = LinkPurpose.TEAM_INVITE if team else LinkPurpose.ACTIVATION
    token = await issue_link(IssueLink(purpose, cmd.actor, user_id=user.id, customer_id=customer.id), uow, clock=clock)
    context: dict[str, object] = {
        "activation_url": link_url(creds, cmd.slug, "activate", token),
        "customer_name": customer.name,
        "days": LIFETIMES[purpose].days,
    }
    if team:
        context["inviter_email"] = inviter_email
    await uow.emails.queue(
        Email(
            to=user.email,
            template=Template.TEAM_INVITE if team else Template.PORTAL_INVITE,
            context=context,
            partner_id=uow.partner_id,
        )
    )
    await uow.audit(
        actor=cmd.actor, action="portal_user.invited", subject=user.id, details={"customer_id": customer.id}
    )
    return user
