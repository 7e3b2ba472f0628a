"""Field types shared by request models (strict integers for money, strict booleans and dates, bounded strings,
metadata), and the documented formats of answers' addresses and colours."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
)

from domain.money import MAX_AMOUNT
from domain.portal.settings import COLOR_RE

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
ISO_DAY_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # what fromisoformat also takes (2026-W44-1) is not a day


class RequestModel(BaseModel):
    """Unknown fields are refused, so a typo never silently does nothing."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _storable_text(cls, value: object) -> object:
        _check_text(value)
        return value


def storable(value: str) -> bool:
    """Text a database can keep: no NUL characters and no lone surrogates."""
    if "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _check_text(value: object) -> None:
    if isinstance(value, str):
        if not storable(value):
            raise ValueError("text contains a NUL character or invalid Unicode")
    elif isinstance(value, dict):
        for k, v in value.items():
            _check_text(k)
            _check_text(v)
    elif isinstance(value, list | tuple):
        for item in value:
            _check_text(item)
    elif isinstance(value, BaseModel):
        _check_text(value.__dict__)


def _email(value: str) -> str:
    if not EMAIL_RE.match(value):
        raise ValueError("not a valid email address")
    return value


def _metadata(value: dict[str, str]) -> dict[str, str]:
    if len(value) > 50:
        raise ValueError("at most 50 metadata keys")
    for key, item in value.items():
        if not 1 <= len(key) <= 40:
            raise ValueError("metadata keys have 1 to 40 characters")
        if len(item) > 500:
            raise ValueError("metadata values have at most 500 characters")
    return value


Amount = Annotated[
    int,
    Field(
        strict=True, gt=0, le=MAX_AMOUNT, description="Integer minor units (cents): 1050 is $10.50.", examples=[1050]
    ),
]
SignedAmount = Annotated[
    int, Field(strict=True, ge=-MAX_AMOUNT, le=MAX_AMOUNT, description="Integer minor units; negative for credits.")
]
Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=320),
    AfterValidator(_email),
    Field(json_schema_extra={"format": "email"}),
]
# In answers: an address checked on its way in, documented as one (and not checked again on its way out).
EmailOut = Annotated[str, Field(json_schema_extra={"format": "email"})]
# `#RRGGBB`: the portal settings check it (400 invalid_setting) and the document says so.
HexColor = Annotated[str, Field(json_schema_extra={"pattern": COLOR_RE.pattern})]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
LongText = Annotated[str, StringConstraints(max_length=5000)]
Currency = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z]{3}$"),
    Field(description="ISO 4217 code, case-insensitive (answered upper-case).", examples=["USD"]),
]
Metadata = Annotated[
    dict[
        Annotated[str, StringConstraints(min_length=1, max_length=40)],
        Annotated[str, StringConstraints(max_length=500)],
    ],
    AfterValidator(_metadata),
    Field(description="Up to 50 string key-value pairs for your own use."),
]


def _iso_day(value: object) -> object:
    """Only `YYYY-MM-DD` strings: no timestamps, no numbers that happen to parse."""
    if isinstance(value, date):
        return value
    if isinstance(value, str) and ISO_DAY_RE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError("must be a calendar date written YYYY-MM-DD")


Day = Annotated[date, BeforeValidator(_iso_day), Field(description="A calendar date, `YYYY-MM-DD`.")]
ResourceId = Annotated[str, StringConstraints(min_length=1, max_length=64)]

# A body's boolean is JSON `true` or `false`: never 0, 1, 1.0 or "yes" (pydantic's lax mode takes all of those).
Flag = Annotated[bool, Field(strict=True)]


def _query_flag(value: object) -> object:
    """A query string has only text: `true` or `false`, nothing else that happens to parse (1, yes, on)."""
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    raise ValueError("must be true or false")


QueryFlag = Annotated[bool, BeforeValidator(_query_flag)]
