"""The permission a route declares (api.deps.Reader / Writer), found by walking its dependencies."""

from __future__ import annotations

from fastapi.routing import APIRoute

from api.deps import Reader, Writer
from domain.api_keys.model import KeyScope
from domain.team.roles import Permission, scope_allows


def declared(route: APIRoute) -> Permission | None:
    stack = list(route.dependant.dependencies)
    while stack:
        dependency = stack.pop()
        if isinstance(dependency.call, Reader | Writer):
            return dependency.call.permission
        stack.extend(dependency.dependencies)
    return None


def for_people_only(route: APIRoute, path: str) -> bool:
    """Routes an API key can never use: a person's own account, and what only people may do (team, keys...)."""
    permission = declared(route)
    return path.startswith(("/v1/me", "/v1/auth")) or (
        permission is not None and not scope_allows(KeyScope.FULL, permission)
    )
