"""Error responses documented as what they are: RFC 9457 problem+json.

Litestar documents the 400 it raises for malformed input as ``application/json`` with its
own body (``status_code``, ``detail``, ``extra``), while every Unison process answers
``application/problem+json`` (``errors.py``): a client generated from the document would
expect the wrong error shape, and a validator could not check the real one. The served
document is corrected as it is rendered (once: Litestar keeps the rendered dictionary).
"""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.openapi.plugins import JsonRenderPlugin

from unison_web.errors import PROBLEM

_TEXT = {"type": "string"}
PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "RFC 9457 problem details",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": _TEXT,
        "title": _TEXT,
        "status": {"type": "integer"},
        "detail": _TEXT,
        "instance": _TEXT,
        "request_id": _TEXT,
        "errors": {
            "type": "array",
            "description": "what is wrong where: a JSON pointer and a message",
            "items": {"type": "object", "properties": {"pointer": _TEXT, "detail": _TEXT}},
        },
    },
}
_LITESTARS_OWN = "Validation Exception"  # the description of Litestar's generated 400 body


def document_problems(document: dict[str, Any]) -> None:
    """Replace Litestar's 400 body with the Problem schema, in place."""
    problem = {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    replaced = False
    for item in (document.get("paths") or {}).values():
        for operation in item.values():
            responses = operation.get("responses") if isinstance(operation, dict) else None
            for response in (responses or {}).values():
                schema = (response.get("content") or {}).get("application/json", {}).get("schema")
                if isinstance(schema, dict) and schema.get("description") == _LITESTARS_OWN:
                    response["content"] = problem
                    replaced = True
    if replaced:
        document.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA


class ProblemDocumentingJson(JsonRenderPlugin):
    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        document_problems(openapi_schema)
        return super().render(request, openapi_schema)
