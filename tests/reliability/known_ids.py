"""Real identifiers for the fuzzer's path parameters, read from the running stack.

A random UUID in ``/materials/{material_id}`` only ever meets a 404, so the operations
behind it would never see their real logic. Each ``{name}`` that follows a collection
(``GET /api/inventory/materials`` before ``/api/inventory/materials/{material_id}``) takes
the ids that collection lists, nested collections included once their parents are known.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

import httpx

_PARAM = re.compile(r"\{([^}]+)\}")
MAX_REQUESTS = 300


def _collections(paths: dict[str, Any]) -> dict[str, str]:
    """``{param: collection template}`` for every ``.../{param}`` whose parent is listed."""
    found: dict[str, str] = {}
    for template in paths:
        segments = template.split("/")
        for i, segment in enumerate(segments):
            match = _PARAM.fullmatch(segment)
            if not match or i == 0:
                continue
            parent = "/".join(segments[:i])
            if "get" in paths.get(parent, {}):
                found.setdefault(f"{parent}|{match.group(1)}", parent)
    return found


def _values(body: Any, param: str, skip_email: str) -> list[str]:
    items = body.get("items") if isinstance(body, dict) else body
    if not isinstance(items, list):
        return []
    bare = param.removesuffix("_id")
    values: list[str] = []
    for item in items:
        if not isinstance(item, dict) or item.get("email") == skip_email:
            continue  # never the fuzzer's own user: changing its roles would lock it out
        for key in (param, bare, "id", "code", "number"):
            value = item.get(key)
            if isinstance(value, str | int) and not isinstance(value, bool):
                values.append(str(value))
                break
    return values


def harvest(
    gateway: str, token: str, paths: dict[str, Any], skip_email: str
) -> dict[str, list[str]]:
    """``{path parameter name: [known values]}`` from GETs through the gateway."""
    known: dict[str, list[str]] = defaultdict(list)
    pending = _collections(paths)
    requests = 0
    with httpx.Client(
        base_url=gateway, headers={"Authorization": f"Bearer {token}"}, timeout=30
    ) as client:
        for _round in range(4):  # nested collections need their parents' ids first
            progressed = False
            for key, parent in list(pending.items()):
                param = key.split("|", 1)[1]
                needed = _PARAM.findall(parent)
                if any(not known.get(name) for name in needed) or requests >= MAX_REQUESTS:
                    continue
                url = _PARAM.sub(lambda m: known[m.group(1)][0], parent)
                requests += 1
                response = client.get(url, params={"limit": 20})
                del pending[key]
                progressed = True
                if response.status_code == 200 and "json" in response.headers.get(
                    "content-type", ""
                ):
                    for value in _values(response.json(), param, skip_email):
                        if value not in known[param]:
                            known[param].append(value)
            if not progressed:
                break
    return {name: values for name, values in known.items() if values}
