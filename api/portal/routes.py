"""Every /portal/v1 router, in the order the OpenAPI document lists them."""

from __future__ import annotations

from fastapi import APIRouter

from api.portal import (
    invoices,
    me,
    methods,
    notifications,
    partners,
    pay_links,
    payments,
    questions,
    scheduled,
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
    questions.router,
    payments.router,
    methods.router,
    scheduled.router,
    notifications.router,
]
