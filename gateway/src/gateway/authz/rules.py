"""What a policy rule may say, how it matches a request, and the roles to start with."""

from __future__ import annotations

import re

from casbin.util.builtin_operators import key_match2

ACTIONS = ("read", "write", "delete")
_BY_METHOD = {
    "GET": "read",
    "HEAD": "read",
    "OPTIONS": "read",
    "POST": "write",
    "PUT": "write",
    "PATCH": "write",
    "DELETE": "delete",
}
_ADMIN_PATH = re.compile(r"^/api/[^/]+/admin(/|$)")
_OBJECT = re.compile(r"^/[A-Za-z0-9_*:/-]*$")
ROLE_NAME = re.compile(r"^[a-z][a-z0-9_]{1,62}$")


def action_of(method: str) -> str:
    # Unknown methods (TRACE, CONNECT, made-up ones) need the strongest permission.
    return _BY_METHOD.get(method.upper(), "delete")


def object_matches(path: str, pattern: str) -> bool:
    """keyMatch2, plus: ``/x/*`` covers ``/x``; admin paths only by admin patterns."""
    if _ADMIN_PATH.match(path) and not _ADMIN_PATH.match(pattern):
        return False
    if key_match2(path, pattern):
        return True
    return pattern.endswith("/*") and bool(key_match2(path, pattern[:-2]))


def action_matches(action: str, allowed: str) -> bool:
    return allowed == "*" or action in allowed.split("|")


def object_problem(pattern: str) -> str | None:
    """Why ``pattern`` is not a valid policy object, or None."""
    if not _OBJECT.match(pattern) or "//" in pattern:
        return "must be a path pattern like /api/inventory/* (letters, digits, _ - : * /)"
    return None


def action_problem(allowed: str) -> str | None:
    if allowed == "*":
        return None
    parts = allowed.split("|")
    if not parts or any(p not in ACTIONS for p in parts) or len(set(parts)) != len(parts):
        return "must be * or actions joined by |, from: read, write, delete"
    return None


ROLES: dict[str, str] = {
    "admin": "Everything in the organization, including administration",
    "planner": "Plans production and keeps inventory master data; reads everything else",
    "operator": "Records production and quality results on the shop floor",
    "quality_engineer": "Owns quality: inspections, findings, certificates",
    "maintenance_tech": "Owns maintenance: equipment, work orders, downtime",
    "viewer": "Reads everything except administration",
    "integration": "Machine callers such as the SAP integration",
}

# Unison's own workers and the roles a service-grant token of theirs carries: read only
# (search's rebuild reads the other services for an organization).
SERVICE_ROLES: dict[str, tuple[str, ...]] = {"search": ("viewer",)}

_ALL = "read|write|delete"
DEFAULT_POLICIES: tuple[tuple[str, str, str], ...] = (
    ("admin", "/api/*", "*"),
    ("admin", "/api/*/admin/*", "*"),
    ("admin", "/admin/*", "*"),
    ("planner", "/api/*", "read"),
    ("planner", "/api/production/*", _ALL),
    ("planner", "/api/inventory/*", _ALL),
    ("operator", "/api/*", "read"),
    ("operator", "/api/production/*", "read|write"),
    ("operator", "/api/quality/*", "read|write"),
    ("quality_engineer", "/api/*", "read"),
    ("quality_engineer", "/api/quality/*", _ALL),
    # Inventory carries out quality's decisions; a refused one is retried by its owner.
    ("quality_engineer", "/api/inventory/quality-postings/*/retry", "write"),
    ("maintenance_tech", "/api/*", "read"),
    ("maintenance_tech", "/api/maintenance/*", _ALL),
    ("viewer", "/api/*", "read"),
    ("integration", "/api/inventory/*", "read|write"),
    ("integration", "/api/production/*", "read"),
    # Machines post their counts with an API client of this role.
    ("integration", "/api/production/machine-counts", "write"),
)
