"""Domain errors and the one map from error to RFC 9457 problem+json."""

from __future__ import annotations

import re
from typing import Any

import asyncpg
import msgspec
import structlog
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException

from unison_pg import DatabaseUnavailable

log = structlog.get_logger("unison_web")

PROBLEM = "application/problem+json"


class DomainError(Exception):
    status = 400
    title = "Bad request"

    def __init__(self, detail: str, *, errors: list[dict[str, str]] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []


class Invalid(DomainError):
    """The input is wrong; ``pointer`` is the JSON pointer of the offending field."""

    status = 422
    title = "Invalid input"

    def __init__(self, detail: str, pointer: str | None = None) -> None:
        errors = [{"pointer": pointer, "detail": detail}] if pointer else []
        super().__init__(detail, errors=errors)


class Unauthorized(DomainError):
    status = 401
    title = "Unauthorized"


class Forbidden(DomainError):
    status = 403
    title = "Forbidden"


class NotFound(DomainError):
    status = 404
    title = "Not found"


class Conflict(DomainError):
    status = 409
    title = "Conflict"


class PreconditionFailed(DomainError):
    status = 412
    title = "Precondition failed"


class PreconditionRequired(DomainError):
    status = 428
    title = "Precondition required"


def problem(
    request: Request[Any, Any, Any],
    status: int,
    title: str,
    detail: str,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response[bytes]:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
    }
    request_id = request.scope.get("state", {}).get("request_id")
    if request_id:
        body["request_id"] = request_id
    if errors:
        body["errors"] = errors
    return Response(
        msgspec.json.encode(body), status_code=status, media_type=PROBLEM, headers=headers
    )


def _pointer(key: str | None) -> str:
    """``$.lines[0].qty`` / ``lines.0.qty`` -> ``/lines/0/qty``."""
    if not key:
        return ""
    path = key.removeprefix("$").lstrip(".")
    parts: list[str] = []
    for piece in path.replace("[", ".").replace("]", "").split("."):
        if piece:
            parts.append(piece.replace("~", "~0").replace("/", "~1"))
    return "/" + "/".join(parts)


def _validation_errors(exc: ValidationException) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    extra = exc.extra if isinstance(exc.extra, list) else []
    for item in extra:
        if not isinstance(item, dict):
            continue
        message = str(item.get("message", "invalid"))
        key = item.get("key")
        source = item.get("source")
        if source in ("query", "header", "cookie", "path"):
            out.append({"parameter": str(key), "detail": message})
        else:
            out.append({"pointer": _body_pointer(key, message), "detail": message})
    return out


_FIELD_IN_MESSAGE = re.compile(r"(?:missing required|unknown) field `([^`]+)`")


def _body_pointer(key: object, message: str) -> str:
    # Litestar reports a top-level body error under the handler's parameter name ("data")
    # and strips msgspec's location; a missing or unknown field is then named only in the
    # message ("Object missing required field `number`").
    path = str(key) if key and key != "data" else _key_from(message)
    pointer = _pointer(path)
    field = _FIELD_IN_MESSAGE.search(message)
    if field:
        pointer += "/" + field.group(1).replace("~", "~0").replace("/", "~1")
    return pointer


def _key_from(message: str) -> str:
    # msgspec puts the location at the end: "Expected `str`, got `int` - at `$.number`".
    if "- at `" in message:
        return message.rsplit("- at `", 1)[1].rstrip("`")
    if "`$." in message:
        return message[message.index("`$.") + 1 :].split("`", 1)[0]
    return ""


def _handle_domain(request: Request[Any, Any, Any], exc: DomainError) -> Response[bytes]:
    return problem(request, exc.status, exc.title, exc.detail, exc.errors)


def _handle_validation(
    request: Request[Any, Any, Any], exc: ValidationException
) -> Response[bytes]:
    errors = _validation_errors(exc)
    detail = "; ".join(
        f"{e.get('pointer') or e.get('parameter') or 'body'}: {e['detail']}" for e in errors
    ) or str(exc.detail)
    return problem(request, 400, "Invalid request", detail, errors)


def _handle_http(request: Request[Any, Any, Any], exc: HTTPException) -> Response[bytes]:
    headers = dict(exc.headers or {})
    return problem(
        request, exc.status_code, _title(exc.status_code), str(exc.detail), None, headers
    )


def _title(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def _handle_unavailable(
    request: Request[Any, Any, Any], exc: DatabaseUnavailable
) -> Response[bytes]:
    log.warning("database_unavailable", path=request.url.path, error=str(exc))
    return problem(
        request,
        503,
        "Service unavailable",
        "the database is not reachable; retry",
        headers={"Retry-After": "1"},
    )


def _handle_postgres(
    request: Request[Any, Any, Any], exc: asyncpg.PostgresError
) -> Response[bytes]:
    # Constraint violations that the service did not turn into a domain error itself:
    # still the caller's input, never a 500.
    if isinstance(exc, asyncpg.UniqueViolationError):
        return problem(request, 409, "Conflict", f"already exists ({exc.constraint_name})")
    if isinstance(exc, asyncpg.ForeignKeyViolationError):
        return problem(
            request, 409, "Conflict", f"still referenced or missing ({exc.constraint_name})"
        )
    if isinstance(exc, asyncpg.CheckViolationError | asyncpg.NotNullViolationError):
        return problem(
            request, 422, "Invalid input", f"rejected by {exc.constraint_name or 'the database'}"
        )
    if isinstance(exc, asyncpg.DataError):
        return problem(request, 422, "Invalid input", exc.message)
    if isinstance(exc, asyncpg.InsufficientPrivilegeError) and "row-level security" in str(exc):
        # Writing a row the caller's organization or plants may not hold: as invisible
        # as another organization's rows are to reads.
        return problem(request, 404, "Not found", "no such resource")
    return _handle_unexpected(request, exc)


def _handle_unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[bytes]:
    log.error("unhandled_error", path=request.url.path, exc_info=exc)
    # The ops page's ring of recent errors names the kind, never the message (no data).
    request.scope.setdefault("state", {})["unhandled_error"] = type(exc).__name__
    return problem(request, 500, "Internal server error", "an unexpected error occurred")


EXCEPTION_HANDLERS: dict[int | type[Exception], Any] = {
    DomainError: _handle_domain,
    ValidationException: _handle_validation,
    HTTPException: _handle_http,
    DatabaseUnavailable: _handle_unavailable,
    asyncpg.PostgresError: _handle_postgres,
    Exception: _handle_unexpected,
}
