"""Which headers cross the gateway, in each direction.

Hop-by-hop headers (RFC 9110 7.6.1) describe one connection, not the message: they and
every header the Connection header names stop here. The body is re-framed by the next
hop, so Transfer-Encoding never crosses, and Content-Length only when it was the framing.
"""

from __future__ import annotations

from collections.abc import Iterable

Headers = list[tuple[bytes, bytes]]

HOP_BY_HOP = frozenset(
    {
        b"connection",
        b"keep-alive",
        b"transfer-encoding",
        b"te",
        b"trailer",
        b"trailers",
        b"upgrade",
        b"proxy-authorization",
        b"proxy-authenticate",
        b"proxy-connection",
    }
)
# Set by the gateway itself: the client's values are replaced, never trusted.
_REPLACED_ON_REQUEST = frozenset(
    {
        b"host",
        b"x-request-id",
        b"x-forwarded-for",
        b"x-forwarded-proto",
        b"x-forwarded-host",
        b"forwarded",
    }
)
# Added again by the gateway's own server and middleware.
_REPLACED_ON_RESPONSE = frozenset({b"x-request-id", b"date", b"server"})


def _connection_named(headers: Iterable[tuple[bytes, bytes]]) -> set[bytes]:
    named: set[bytes] = set()
    for name, value in headers:
        if name.lower() == b"connection":
            named.update(t.strip().lower() for t in value.split(b",") if t.strip())
    return named


def _without(headers: Iterable[tuple[bytes, bytes]], drop: frozenset[bytes]) -> Headers:
    headers = list(headers)
    dropped = drop | HOP_BY_HOP | _connection_named(headers)
    return [(name.lower(), value) for name, value in headers if name.lower() not in dropped]


def _value(headers: Iterable[tuple[bytes, bytes]], name: bytes) -> bytes | None:
    for key, value in headers:
        if key.lower() == name:
            return value
    return None


def upstream_request_headers(
    headers: Iterable[tuple[bytes, bytes]],
    *,
    request_id: str,
    client_host: str | None,
    scheme: str,
) -> Headers:
    headers = list(headers)
    drop = _REPLACED_ON_REQUEST
    if _value(headers, b"transfer-encoding") is not None:
        # Both framings present is how requests get smuggled: trust neither length.
        drop = drop | {b"content-length"}
    forwarded = _without(headers, drop)
    chain = [v.decode("latin-1") for k, v in headers if k.lower() == b"x-forwarded-for"]
    if client_host:
        chain.append(client_host)
    forwarded.append((b"x-request-id", request_id.encode()))
    if chain:
        forwarded.append((b"x-forwarded-for", ", ".join(chain).encode("latin-1")))
    forwarded.append((b"x-forwarded-proto", scheme.encode()))
    host = _value(headers, b"host")
    if host is not None:
        forwarded.append((b"x-forwarded-host", host))
    return forwarded


def client_response_headers(headers: Iterable[tuple[bytes, bytes]]) -> Headers:
    return _without(headers, _REPLACED_ON_RESPONSE)


def has_body(headers: Iterable[tuple[bytes, bytes]]) -> bool:
    headers = list(headers)
    if _value(headers, b"transfer-encoding") is not None:
        return True
    length = _value(headers, b"content-length")
    return length is not None and length.strip() not in (b"", b"0")
