"""Every email template renders, in HTML and plain text, from the context its sender passes; nothing a customer
typed can become markup; amounts are formatted with integers only."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jinja2 import UndefinedError

from adapters.mail.render import Branding, long_date, render_template
from domain.mail import SENSITIVE, Template
from domain.money import CURRENCIES, MAX_AMOUNT, display_amount
from domain.portal.settings import PortalSettings

T = Template
INVOICES = [
    {"number": "INV-000123", "amount": 100_000, "due": 0, "pending": 0, "standing": "paid", "qualifiers": []},
    {
        "number": "INV-000124",
        "amount": 2_500,
        "due": 7_500,
        "pending": 0,
        "standing": "overdue",
        "qualifiers": ["partly_paid"],
    },
]
PENDING_INVOICES = [
    {
        "number": "INV-000123",
        "amount": 100_000,
        "due": 0,
        "pending": 100_000,
        "standing": "payment_pending",
        "qualifiers": [],
    },
    {
        "number": "INV-000124",
        "amount": 2_500,
        "due": 7_500,
        "pending": 2_500,
        "standing": "open",
        "qualifiers": ["pending"],
    },
]
TXN = "RM-ABCD-EFGH-JKMN"
SAMPLES: dict[Template, dict[str, Any]] = {
    T.SIGN_IN_CODE: {"code": "482913", "minutes": 10},
    T.STEP_UP_CODE: {"code": "482913", "minutes": 10},
    T.EMAIL_CHANGE_CODE: {"code": "482913", "minutes": 10, "new_email": "new@acme.example"},
    T.ACCESS_REQUEST_PENDING: {"contact_name": "Dana Smith", "company_name": "Acme Dental"},
    T.ACCESS_REQUEST_RECEIVED: {
        "email": "dana@acme.example",
        "company_name": "Acme Dental",
        "contact_name": "Dana Smith",
        "phone": "+1 555 0100",
        "address": "1 Main St, Springfield",
        "request_id": "arq_01JD000000000000000000000",
    },
    T.ACCESS_APPROVED: {"sign_in_url": "https://pay.example/p/northwind/sign-in", "customer_name": "Acme Dental"},
    T.PORTAL_INVITE: {"activation_url": "https://pay.example/activate/tok", "customer_name": "Acme Dental", "days": 7},
    T.TEAM_INVITE: {
        "activation_url": "https://pay.example/activate/tok",
        "customer_name": "Acme Dental",
        "inviter_email": "boss@acme.example",
        "days": 7,
    },
    T.PASSWORD_RESET: {"reset_url": "https://pay.example/reset/tok", "minutes": 60},
    T.PASSWORD_CHANGED: {},
    T.PAYMENT_CONFIRMATION: {
        "transaction_id": TXN,
        "amount": 105_430,
        "fee": 2_930,
        "currency": "USD",
        "method_label": "Visa •••• 4242",
        "invoices": INVOICES,
        "paid_on": "2026-11-21",
    },
    T.BANK_DEBIT_PENDING: {
        "transaction_id": TXN,
        "amount": 102_500,
        "fee": 0,
        "currency": "USD",
        "method_label": "Sandbox Bank (US) •••• 6789",
        "invoices": PENDING_INVOICES,
        "paid_on": "2026-11-21",
        "business_days": 4,
    },
    T.BANK_DEBIT_SETTLED: {
        "transaction_id": TXN,
        "amount": 102_500,
        "currency": "CAD",
        "method_label": "Bank •••• 6789",
        "invoices": INVOICES,
    },
    T.BANK_DEBIT_FAILED: {
        "transaction_id": TXN,
        "amount": 102_500,
        "currency": "USD",
        "method_label": "Bank •••• 6789",
        "reason": "The bank account is closed.",
        "return_code": "R02",
        "invoices": INVOICES,
    },
    T.SCHEDULED_PAYMENT_EXECUTED: {
        "transaction_id": TXN,
        "amount": 5_000,
        "currency": "USD",
        "scheduled_for": "2026-12-01",
        "status": "succeeded",
        "invoices": INVOICES,
    },
    T.SCHEDULED_PAYMENT_FAILED: {
        "amount": 5_000,
        "currency": "USD",
        "scheduled_for": "2026-12-01",
        "reason": "The card was declined.",
    },
    T.INVOICE_QUESTIONED: {
        "invoice_number": "INV-000123",
        "customer_name": "Acme Dental",
        "message": "Why is line 3 billed twice?\nThanks, Dana",
        "from_email": "dana@acme.example",
    },
    T.INVOICE_QUESTION_RESOLVED: {"invoice_number": "INV-000123", "resolution": "We credited line 3."},
    T.APPROVAL_REQUESTED: {
        "approval_id": "apr_01JD3MF0000000000000000000",
        "action": "refund",
        "subject_id": "pay_01JD3M9W4E0000000000000000",
        "amount": 75_000,
        "currency": "USD",
        "requested_by": "user:usr_01JD3M0000000000000000000",
        "expires_on": "2026-12-08",
    },
    T.APPROVAL_DECIDED: {
        "approval_id": "apr_01JD3MF0000000000000000000",
        "action": "write_off",
        "subject_id": "inv_01JD3M7K2B0000000000000000",
        "amount": 7_500,
        "currency": "USD",
        "requested_by": "api_key:key_01JD3M0000000000000000000",
        "decided_by": "user:usr_01JD3M1000000000000000000",
        "decision": "rejected",
        "reason": "The customer paid by wire yesterday.",
        "failure": None,
    },
    T.DASHBOARD_SIGN_IN_CODE: {"code": "482913", "minutes": 10},
    T.SIGN_UP_CODE: {"code": "482913", "minutes": 10, "team_name": "Northwind IT"},
    T.DASHBOARD_PASSWORD_RESET: {"url": "https://remit.example/dashboard/reset-password#token=tok", "minutes": 60},
    T.DASHBOARD_INVITE: {
        "url": "https://remit.example/dashboard/accept-invitation#token=tok",
        "team_name": "Northwind IT",
        "role": "sub_admin",
        "days": 7,
        "has_account": False,
    },
}
# What must reach the reader in each email: the code, the link, the amount, the transaction.
ESSENTIAL = {
    T.DASHBOARD_SIGN_IN_CODE: ["482913", "10 minutes"],
    T.SIGN_UP_CODE: ["482913", "Northwind IT"],
    T.DASHBOARD_PASSWORD_RESET: ["https://remit.example/dashboard/reset-password#token=tok", "60 minutes"],
    T.DASHBOARD_INVITE: ["https://remit.example/dashboard/accept-invitation#token=tok", "Northwind IT", "sub-admin"],
    T.SIGN_IN_CODE: ["482913", "10 minutes"],
    T.STEP_UP_CODE: ["482913"],
    T.EMAIL_CHANGE_CODE: ["482913", "new@acme.example"],
    T.ACCESS_REQUEST_PENDING: ["Dana Smith", "Acme Dental"],
    T.ACCESS_REQUEST_RECEIVED: ["dana@acme.example", "+1 555 0100", "1 Main St, Springfield", "arq_01JD"],
    T.ACCESS_APPROVED: ["https://pay.example/p/northwind/sign-in"],
    T.PORTAL_INVITE: ["https://pay.example/activate/tok", "7 days"],
    T.TEAM_INVITE: ["https://pay.example/activate/tok", "boss@acme.example"],
    T.PASSWORD_RESET: ["https://pay.example/reset/tok", "60 minutes"],
    T.PASSWORD_CHANGED: ["password"],
    T.PAYMENT_CONFIRMATION: [TXN, "$1,054.30", "$29.30", "INV-000124", "November 21, 2026", "Visa •••• 4242"],
    T.BANK_DEBIT_PENDING: [TXN, "$1,025.00", "4 business days", "Sandbox Bank (US) •••• 6789"],
    T.BANK_DEBIT_SETTLED: [TXN, "CA$1,025.00"],
    T.BANK_DEBIT_FAILED: [TXN, "The bank account is closed.", "R02"],
    T.SCHEDULED_PAYMENT_EXECUTED: [TXN, "$50.00", "December 1, 2026"],
    T.SCHEDULED_PAYMENT_FAILED: ["$50.00", "The card was declined."],
    T.INVOICE_QUESTIONED: ["INV-000123", "Why is line 3 billed twice?"],
    T.INVOICE_QUESTION_RESOLVED: ["INV-000123", "We credited line 3."],
    T.APPROVAL_REQUESTED: ["apr_01JD3MF", "$750.00", "pay_01JD3M9W4E", "December 8, 2026"],
    T.APPROVAL_DECIDED: ["apr_01JD3MF", "$75.00", "The customer paid by wire yesterday.", "rejected"],
}
NORTHWIND = Branding.of(
    "Northwind IT",
    PortalSettings(primary_color="#FFD700", support_email="billing@northwind.example", support_phone="+1 555 0199"),
)


def test_every_template_has_a_sample() -> None:
    assert set(SAMPLES) == set(Template) == set(ESSENTIAL)


@pytest.mark.parametrize("template", list(Template))
def test_every_template_renders_in_both_parts(template: Template) -> None:
    rendered = render_template(template, SAMPLES[template], NORTHWIND)
    assert rendered.subject and "\n" not in rendered.subject and len(rendered.subject) < 120
    for part in (rendered.text, rendered.html):
        for needle in ESSENTIAL[template]:
            assert needle in part, f"{template}: {needle!r} missing"
        assert "Northwind IT" in part
        assert "billing@northwind.example" in part  # how to reach the partner, in the footer
        assert "You received this email because" in part
    assert rendered.html.startswith("<!DOCTYPE html>")
    assert "background:#FFD700" in rendered.html and "color:#000000" in rendered.html  # dark text on yellow
    assert "<" not in rendered.text.replace("<-", "")  # plain text has no markup
    assert "{{" not in rendered.text and "{%" not in rendered.html


@pytest.mark.parametrize("template", list(Template))
def test_every_template_renders_without_a_partner(template: Template) -> None:
    rendered = render_template(template, SAMPLES[template], Branding.platform())
    assert "Remit" in rendered.text and "on behalf of" not in rendered.text
    assert "#1F4FD1" in rendered.html


@pytest.mark.parametrize("template", [t for t in Template if SAMPLES[t]])
def test_a_missing_value_fails_loudly(template: Template) -> None:
    context = dict(SAMPLES[template])
    context.pop(next(iter(context)))
    with pytest.raises(UndefinedError):
        render_template(template, context, NORTHWIND)


def test_sensitive_subjects_never_carry_the_code_or_link() -> None:
    """Subjects survive the redaction of sensitive bodies, so they must hold nothing secret."""
    for template in SENSITIVE:
        subject = render_template(template, SAMPLES[template], NORTHWIND).subject
        assert "482913" not in subject and "https://" not in subject


def test_customer_text_is_escaped_in_html_and_kept_in_text() -> None:
    attack = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    context = {**SAMPLES[T.INVOICE_QUESTIONED], "message": attack, "customer_name": attack}
    rendered = render_template(T.INVOICE_QUESTIONED, context, NORTHWIND)
    assert "<script>" not in rendered.html and "<img src=x" not in rendered.html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in rendered.html
    assert attack in rendered.text  # plain text shows exactly what they typed
    pending = render_template(
        T.ACCESS_REQUEST_PENDING, {"contact_name": attack, "company_name": "A & B <Ltd>"}, NORTHWIND
    )
    assert "<script>" not in pending.html and "A &amp; B &lt;Ltd&gt;" in pending.html


def test_a_link_cannot_break_out_of_its_attribute() -> None:
    context = {**SAMPLES[T.PASSWORD_RESET], "reset_url": 'https://pay.example/r?a=1&b="><script>x</script>'}
    html = render_template(T.PASSWORD_RESET, context, NORTHWIND).html
    assert "<script>" not in html
    assert 'href="https://pay.example/r?a=1&amp;b=&#34;&gt;&lt;script&gt;' in html


def test_branding_values_cannot_inject_css_or_links() -> None:
    stored = PortalSettings(primary_color="red;background:url(x)", logo_url="javascript:alert(1)")
    branding = Branding.of("Northwind IT", stored)
    html = render_template(T.PASSWORD_CHANGED, {}, branding).html
    assert "url(x)" not in html and "javascript:" not in html and "#1F4FD1" in html


def test_context_cannot_rename_the_partner() -> None:
    rendered = render_template(T.PASSWORD_CHANGED, {"partner_name": "Evil Corp"}, NORTHWIND)
    assert "Evil Corp" not in rendered.text


def test_optional_values_read_well_when_absent() -> None:
    no_note = render_template(T.INVOICE_QUESTION_RESOLVED, {"invoice_number": "INV-1", "resolution": None}, NORTHWIND)
    assert "did not add a note" in no_note.text and "None" not in no_note.text
    no_code = render_template(T.BANK_DEBIT_FAILED, {**SAMPLES[T.BANK_DEBIT_FAILED], "return_code": None}, NORTHWIND)
    assert "return code" not in no_code.text and "None" not in no_code.html
    pending = render_template(
        T.SCHEDULED_PAYMENT_EXECUTED, {**SAMPLES[T.SCHEDULED_PAYMENT_EXECUTED], "status": "pending"}, NORTHWIND
    )
    assert pending.subject.startswith("Scheduled payment started") and "business days" in pending.text
    made = render_template(T.SCHEDULED_PAYMENT_EXECUTED, SAMPLES[T.SCHEDULED_PAYMENT_EXECUTED], NORTHWIND)
    assert made.subject.startswith("Scheduled payment made") and "Keep this email as your receipt" in made.text
    unconfirmed = render_template(
        T.SCHEDULED_PAYMENT_EXECUTED, {**SAMPLES[T.SCHEDULED_PAYMENT_EXECUTED], "status": "processing"}, NORTHWIND
    )
    assert "not confirmed it yet" in unconfirmed.text and "receipt" not in unconfirmed.subject
    no_fee = render_template(T.BANK_DEBIT_PENDING, SAMPLES[T.BANK_DEBIT_PENDING], NORTHWIND)
    assert "Card fee" not in no_fee.text


def test_payment_confirmation_itemizes_the_payment() -> None:
    text = render_template(T.PAYMENT_CONFIRMATION, SAMPLES[T.PAYMENT_CONFIRMATION], NORTHWIND).text
    lines = [line.strip() for line in text.splitlines()]
    assert "Invoice INV-000123: $1,000.00 received, nothing left to pay (Paid)" in lines
    assert "Invoice INV-000124: $25.00 received, $75.00 still due (Overdue · Partly paid)" in lines
    assert "Card fee: $29.30" in lines
    assert "Total paid: $1,054.30" in lines


@pytest.mark.parametrize(
    ("amount", "currency", "shown"),
    [
        (102_930, "USD", "$1,029.30"),
        (102_930, "CAD", "CA$1,029.30"),
        (0, "USD", "$0.00"),
        (5, "USD", "$0.05"),
        (-2_500, "USD", "-$25.00"),
        (MAX_AMOUNT, "USD", "$10,000,000,000.00"),
        (123_456_789_012_345_678, "EUR", "€1,234,567,890,123,456.78"),
        (1_500, "JPY", "¥1,500"),
        (1_999, "GBP", "£19.99"),
        (100, "XYZ", "1.00\u00a0XYZ"),
    ],
)
def test_money_filter(amount: int, currency: str, shown: str) -> None:
    assert display_amount(amount, currency) == shown


@pytest.mark.parametrize("bad", [10.5, 1.0, "100", True, None])
def test_money_refuses_anything_but_integers(bad: Any) -> None:
    with pytest.raises(TypeError):
        display_amount(bad, "USD")


@given(st.integers(-(10**18), 10**18), st.sampled_from(sorted(CURRENCIES)))
def test_money_round_trips_its_digits(amount: int, currency: str) -> None:
    """Reading the digits back gives the exact amount: no float rounding, no lost or extra cent."""
    shown = display_amount(amount, currency)
    digits = re.sub(r"\D", "", shown)
    assert int(digits) == abs(amount)
    assert shown.startswith("-") == (amount < 0)
    if CURRENCIES[currency]:
        assert re.search(rf"\.\d{{{CURRENCIES[currency]}}}$", shown)
    assert "e" not in shown.lower().replace("chf", "")


def test_dates_are_written_out() -> None:
    assert long_date("2026-11-01") == "November 1, 2026"
    assert long_date("2026-03-09T10:00:00+00:00") == "March 9, 2026"
