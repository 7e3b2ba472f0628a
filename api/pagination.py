"""Opaque list cursors and the list envelope."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel, Field

from domain.errors import ErrorCode, InvalidRequest
from domain.ids import looks_like_id
from domain.pagination import Page, PageRequest

T = TypeVar("T")

Limit = Annotated[int, Query(ge=1, le=100, description="Page size, 1 to 100.")]
Cursor = Annotated[
    str | None,
    Query(
        max_length=200,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="`next_cursor` from the previous page; omit for the first page.",
    ),
]


class ListOf(BaseModel, Generic[T]):
    data: list[T]
    next_cursor: str | None = Field(description="Pass as `cursor` to get the next page; null on the last page.")


def encode_cursor(last_id: str) -> str:
    return base64.urlsafe_b64encode(f"v1:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> str | None:
    if cursor is None:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raw = ""
    if not raw.startswith("v1:") or not looks_like_id(raw[3:]):
        raise InvalidRequest("The cursor is not one this API issued.", code=ErrorCode.INVALID_CURSOR, field="cursor")
    return raw[3:]


def page_request(limit: int, cursor: str | None) -> PageRequest:
    return PageRequest(limit=limit, before_id=decode_cursor(cursor))


def next_cursor(page: Page[Any], last_id: str | None) -> str | None:
    return encode_cursor(last_id) if page.has_more and last_id else None


def page_of(page: Page[Any], data: list[T]) -> ListOf[T]:
    """The list envelope for a page of domain objects (each with an `id`) and their API views."""
    return ListOf[T](data=data, next_cursor=next_cursor(page, page.items[-1].id if page.items else None))
