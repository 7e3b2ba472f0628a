"""Every /portal/v1 router, in the order the OpenAPI document lists them."""

from __future__ import annotations

from fastapi import APIRouter

from api.portal import (
    invoice_questions,
    invoices,
    me,
    partners,
    pay_links,
    payment_methods,
    payments,
    reminders,
    scheduled_payments,
    sign_in,
    team,
)

ROUTERS: list[APIRouter] = [
    partners.router,
    sign_in.router,
    me.router,
    team.router,
    pay_links.router,
    invoices.router,
    invoice_questions.router,
    payments.router,
    payment_methods.router,
    scheduled_payments.router,
    reminders.router,
]
