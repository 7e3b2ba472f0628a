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
from domain.portal.accounts import issue_link, link_url
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


async def file_request(
    session: PortalSession,
    info: BusinessInfo,
    uow: PortalUnitOfWork,
    *,
    clock: Clock,
    suggested_customer_id: str | None = None,
) -> AccessRequest:
    """Business information once: a second request while one is pending answers the pending one."""
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
        suggested_customer_id=suggested_customer_id,
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


async def grant(
    email: str,
    customer_id: str,
    permissions: frozenset[Permission],
    source: MembershipSource,
    uow: PortalUnitOfWork,
    *,
    clock: Clock,
    name: str | None = None,
) -> tuple[PortalUser, Membership]:
    """The portal user for this email (created if new) with access to the customer (kept if already there)."""
    now = clock.now()
    user = await uow.portal_users.by_email(email)
    if user is None:
        user = PortalUser(partner_id=uow.partner_id, email=email, name=name, created_at=now, updated_at=now)
        await uow.portal_users.add(user)
    membership = await uow.portal_users.membership(user.id, customer_id)
    if membership is None:
        membership = Membership(
            partner_id=uow.partner_id,
            user_id=user.id,
            customer_id=customer_id,
            permissions=permissions,
            source=source,
            created_at=now,
        )
        await uow.portal_users.add_membership(membership)
    return user, membership


async def approve(
    request_id: str,
    uow: PortalUnitOfWork,
    *,
    creds: Credentials,
    clock: Clock,
    actor: str,
    slug: str,
    customer_id: str | None = None,
    new_customer: CreateCustomer | None = None,
) -> AccessRequest:
    request = await uow.access_requests.get(request_id, lock=True)
    if customer_id is not None:
        customer = await uow.customers.get(customer_id)
        customer.ensure_active()
    elif new_customer is not None:
        customer = await create_customer(new_customer, uow, clock=clock)
    else:
        raise NotFound("customer", "")
    request.move_to(AccessRequestStatus.APPROVED, at=clock.now(), by=actor)
    request.customer_id = customer.id
    await uow.access_requests.save(request)
    user, _ = await grant(
        request.email,
        customer.id,
        ALL_PERMISSIONS,
        MembershipSource.APPROVED,
        uow,
        clock=clock,
        name=request.contact_name,
    )
    token = await issue_link(
        uow,
        clock=clock,
        purpose=LinkPurpose.SIGN_IN,
        created_by=actor,
        user_id=user.id,
        customer_id=customer.id,
    )
    await uow.emails.queue(
        Email(
            to=user.email,
            template=Template.ACCESS_APPROVED,
            context={"sign_in_url": link_url(creds, slug, "sign-in/link", token), "customer_name": customer.name},
            partner_id=uow.partner_id,
        )
    )
    uow.record(AccessRequestApproved(access_request_id=request.id, customer_id=customer.id))
    await uow.audit(
        actor=actor, action="access_request.approved", subject=request.id, details={"customer_id": customer.id}
    )
    return request


async def dismiss(request_id: str, uow: PortalUnitOfWork, *, clock: Clock, actor: str) -> AccessRequest:
    request = await uow.access_requests.get(request_id, lock=True)
    request.move_to(AccessRequestStatus.DISMISSED, at=clock.now(), by=actor)
    await uow.access_requests.save(request)
    await uow.audit(actor=actor, action="access_request.dismissed", subject=request.id)
    return request


async def invite(
    email: str,
    customer_id: str,
    uow: PortalUnitOfWork,
    *,
    creds: Credentials,
    clock: Clock,
    actor: str,
    slug: str,
    permissions: frozenset[Permission] = ALL_PERMISSIONS,
    inviter_email: str | None = None,
) -> PortalUser:
    """An activation link (7 days, single use) to set a password; from the partner or from a colleague."""
    customer = await uow.customers.get(customer_id)
    customer.ensure_active()
    team = inviter_email is not None
    if team and not (await uow.portal_settings.get()).team_invites:
        raise PermissionDenied(
            "Inviting colleagues is turned off for this portal.", code=ErrorCode.TEAM_INVITES_DISABLED
        )
    user, _ = await grant(
        email,
        customer.id,
        permissions,
        MembershipSource.TEAM if team else MembershipSource.INVITED,
        uow,
        clock=clock,
    )
    purpose = LinkPurpose.TEAM_INVITE if team else LinkPurpose.ACTIVATION
    token = await issue_link(
        uow, clock=clock, purpose=purpose, created_by=actor, user_id=user.id, customer_id=customer.id
    )
    context: dict[str, object] = {
        "activation_url": link_url(creds, slug, "activate", token),
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
    await uow.audit(actor=actor, action="portal_user.invited", subject=user.id, details={"customer_id": customer.id})
    return user
