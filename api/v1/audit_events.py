"""/v1/audit-events: the partner's audit trail, newest first; append-only in the database, never a secret."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from api.deps import ReadAudit, json_response
from api.errors import problems
from api.pagination import Cursor, Limit, ListOf, page_of, page_request
from domain.audit import AuditEvent, AuditQuery, redact
from domain.errors import ErrorCode, InvalidRequest

router = APIRouter(prefix="/v1/audit-events", tags=["audit"])


class AuditEventOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "aud_01JD3M9W4F0000000000000000",
                    "object": "audit_event",
                    "actor": "api_key:key_01JD3M7K2B0000000000000000",
                    "action": "settings.payments.updated",
                    "subject": "ptr_01JD3M7K2A0000000000000000",
                    "details": {"card_fee_percent": {"before": 0, "after": 3}},
                    "created_at": "2026-11-21T09:05:00Z",
                }
            ]
        }
    )
    id: str
    object: str = "audit_event"
    actor: str = Field(description="Who acted: `api_key:<id>`, `operator`, a portal user, or an impersonator.")
    action: str = Field(description="What happened, dotted: `invoice.written_off`, `settings.portal.updated`, …")
    subject: str | None = Field(description="The id of what was acted on.")
    details: dict[str, Any] = Field(
        description="What changed; settings changes read `{field: {before, after}}`. Anything secret-looking reads "
        "`[redacted]`."
    )
    created_at: datetime

    @classmethod
    def of(cls, event: AuditEvent) -> AuditEventOut:
        return cls(
            id=event.id,
            actor=event.actor,
            action=event.action,
            subject=event.subject,
            details=redact(event.details),
            created_at=event.created_at,
        )


# Written out in full with its zone: no Unix timestamps, no bare dates, no local times that mean different instants.
_INSTANT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})")


def _instant(value: object) -> object:
    if not isinstance(value, str) or not _INSTANT.fullmatch(value):
        raise ValueError("an ISO 8601 date-time with a time zone, e.g. 2026-11-21T09:00:00Z")
    return value


Instant = Annotated[datetime, BeforeValidator(_instant)]


def _utc(value: datetime | None) -> datetime | None:
    return None if value is None else value.astimezone(UTC)


@router.get(
    "",
    operation_id="audit_events_list",
    summary="List audit events",
    description="Newest first, keyset paged. Sign-ins, team and API key changes, settings changes (before → after), "
    "refunds, write-offs, impersonations and exports are recorded; events are never changed or deleted. Filter by "
    "`actor` (exact), `action` (exact, or a prefix ending in `.` such as `settings.`) and a time window "
    "(`since` inclusive, `until` exclusive, ISO 8601 with a time zone).",
    response_model=ListOf[AuditEventOut],
    responses=problems(400, 401, 422),
)
async def list_events(
    ctx: ReadAudit,
    limit: Limit = 20,
    cursor: Cursor = None,
    actor: Annotated[str | None, Query(min_length=1, max_length=100, description="Exact actor.")] = None,
    action: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=60,
            pattern=r"^[a-z0-9_.]+$",
            description="Exact action, or a prefix ending in `.`.",
            examples=["invoice.written_off", "settings."],
        ),
    ] = None,
    since: Annotated[
        Instant | None, Query(description="Events at or after this instant.", examples=["2026-11-01T00:00:00Z"])
    ] = None,
    until: Annotated[Instant | None, Query(description="Events before this instant.")] = None,
) -> Response:
    query = AuditQuery(actor=actor, action=action, since=_utc(since), until=_utc(until))
    if query.since is not None and query.until is not None and query.until <= query.since:
        raise InvalidRequest("`until` must be after `since`.", code=ErrorCode.INVALID_REQUEST, field="until")
    page = await ctx.uow.audit_log.list(query, page_request(limit, cursor))
    return json_response(page_of(page, [AuditEventOut.of(e) for e in page.items]))
