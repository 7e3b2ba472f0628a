"""Partners: the businesses that send invoices through Remit."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from domain.errors import ErrorCode, InvalidRequest
from domain.ids import new_id

SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


def normalize_slug(raw: str) -> str:
    slug = raw.strip().lower()
    if not SLUG_RE.match(slug):
        raise InvalidRequest(
            "A slug is 1 to 63 lower-case letters, digits or inner hyphens.", code=ErrorCode.INVALID_SLUG, field="slug"
        )
    return slug


@dataclass(slots=True)
class Partner:
    name: str
    slug: str
    created_at: datetime
    require_mfa: bool = False  # every team member must use two-step sign-in
    id: str = field(default_factory=lambda: new_id("ptr"))

    def __post_init__(self) -> None:
        self.slug = normalize_slug(self.slug)
        if not self.name.strip():
            raise InvalidRequest("A partner needs a name.", code=ErrorCode.INVALID_NAME, field="name")
