"""What goes on a PDF, as plain data: kept apart from the renderers so that the API can name it without loading
the PDF library (fpdf and its fonts add about 19 MB to a process), which is imported only when a PDF is made."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.payments.model import PaymentStatus
from domain.portal.settings import PortalSettings
from domain.portal.support import support_contact


@dataclass(frozen=True, slots=True)
class PartnerContact:
    """How a customer reaches the partner, as printed on its documents."""

    name: str
    email: str | None = None
    phone: str | None = None
    url: str | None = None
    address: tuple[str, ...] = ()  # postal address lines, when the partner gave one

    @classmethod
    def of(cls, name: str, settings: PortalSettings) -> PartnerContact:
        """The same way to reach the partner its emails and the portal give (domain/portal/support.py): the support
        details it set, else the address it is notified at."""
        support = support_contact(settings)
        lines = tuple(line.strip() for line in (settings.business_address or "").splitlines() if line.strip())
        return cls(name=name, email=support.email, phone=support.phone, url=support.url, address=lines)

    def ways(self) -> list[str]:
        return [way for way in (self.email, self.phone) if way]


@dataclass(frozen=True, slots=True)
class AppliedPayment:
    """One payment as this invoice received it: `amount` is the part applied to this invoice."""

    received_on: date
    method_label: str
    amount: int
    status: PaymentStatus


@dataclass(frozen=True, slots=True)
class HowToPay:
    """Where the invoice is paid online. `guest`: anyone holding the link can pay (a pay link); else the customer
    signs in first (the portal's page for the invoice)."""

    url: str
    guest: bool = True


@dataclass(frozen=True, slots=True)
class InvoiceNow:
    """An invoice the payment is for, as it stands now."""

    number: str
    amount_due: int
    amount_pending: int = 0
