"""The portal's chips say the same words as the PDFs and emails: the SPA's messages for invoice and payment
standings are read from its messages.ts files and compared with the Python tables, in both languages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from domain.invoices.standing import STANDING_WORDS, Qualifier, Standing
from domain.money import LANGUAGES
from domain.payments.standing import PAYMENT_WORDS, PaymentStanding

SPA = Path(__file__).resolve().parents[2] / "web-portal" / "src"
ENTRY = re.compile(r"""^\s+(\w+): (?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"),?$""", re.MULTILINE)


def messages(path: Path) -> dict[str, dict[str, str]]:
    """{language: {key: text}} of a `defineMessages({en: {…}, fr: {…}})` file's plain string entries."""
    source = path.read_text(encoding="utf-8")
    blocks = re.split(r"^  (en|fr): \{$", source, flags=re.MULTILINE)
    found: dict[str, dict[str, str]] = {}
    for language, body in zip(blocks[1::2], blocks[2::2], strict=True):
        found[language] = {
            m.group(1): (m.group(2) or m.group(3) or "").replace("\\'", "'") for m in ENTRY.finditer(body)
        }
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_invoice_chips_say_the_standing_words(language: str) -> None:
    spa = messages(SPA / "invoices" / "messages.ts")[language]
    words = STANDING_WORDS[language]
    assert {s.value: spa[f"standing_{s.value}"] for s in Standing} == {s.value: words[s.value] for s in Standing}
    assert {q.value: spa[f"qualifier_{q.value}"] for q in Qualifier} == {
        q.value: words[f"+{q.value}"] for q in Qualifier
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_payment_chips_say_the_payment_words(language: str) -> None:
    spa = messages(SPA / "payments" / "messages.ts")[language]
    words = PAYMENT_WORDS[language]
    assert {s.value: spa[f"standing_{s.value}"] for s in PaymentStanding} == {
        s.value: words[s.value] for s in PaymentStanding
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_money_on_its_way_is_never_called_charged_or_paid(language: str) -> None:
    spa = messages(SPA / "payments" / "messages.ts")[language]
    pending_words = [spa["pendingAmount"], spa["pendingSubtotal"], spa["allocationsPending"], spa["standing_pending"]]
    forbidden = {"en": ("charged", "paid"), "fr": ("débité", "payé")}[language]
    assert not [w for w in pending_words if any(f in w.lower() for f in forbidden)]
    assert spa["standing_not_charged"] == PAYMENT_WORDS[language]["not_charged"]


def test_the_reader_sees_every_entry() -> None:
    """A guard on the parser itself: both languages, and as many entries in each."""
    for folder in ("invoices", "payments"):
        parsed = messages(SPA / folder / "messages.ts")
        assert set(parsed) == {"en", "fr"} and len(parsed["en"]) == len(parsed["fr"]) > 20, folder
