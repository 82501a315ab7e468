"""Calling SAP's OData v2 services the way SAP Gateway requires.

A write first fetches a CSRF token with a GET carrying ``x-csrf-token: Fetch``; the POST
then sends the token back together with the session cookies of that GET. A token that
expired meanwhile is answered 403 with ``x-csrf-token: Required``: the client fetches a
new one, once. Authentication is HTTP basic or an OAuth 2.0 client-credentials token.

Failures come in two kinds: :class:`SapUnavailable` (5xx, 429, timeouts, no connection:
worth trying again later) and :class:`SapRefused` (any other 4xx: the request or the
credentials are wrong, and sending it again will not help). Both carry SAP's own error
text, from OData's ``{"error": {"code": ..., "message": {"value": ...}}}``.
"""

from __future__ import annotations

import base64
import re
from types import TracebackType
from typing import Any
from urllib.parse import quote

import httpx

from inventory.sap.repo import ConnectionRow

SERVICES = "/sap/opu/odata/sap"
MATERIAL_DOCUMENTS = "API_MATERIAL_DOCUMENT_SRV"
PRODUCTION_ORDERS = "API_PRODUCTION_ORDER_2_SRV"
_RETRYABLE = frozenset({408, 429})
_XML_MESSAGE = re.compile(r"<message[^>]*>([^<]*)</message>")
_XML_CODE = re.compile(r"<code>([^<]*)</code>")


class SapUnavailable(Exception):
    """SAP could not take the request now; ``uncertain`` when it may have been processed."""

    def __init__(self, text: str, *, uncertain: bool = False) -> None:
        super().__init__(text)
        self.uncertain = uncertain


class SapRefused(Exception):
    """SAP refused the request; trying again unchanged will not help."""

    def __init__(self, status: int, text: str) -> None:
        super().__init__(f"SAP answered {status}: {text}")
        self.status = status
        self.text = text


def error_text(response: httpx.Response) -> str:
    """SAP's error message, as readable as the response allows."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        return _odata_error(body["error"])
    raw = response.text.strip()
    message = _XML_MESSAGE.search(raw)
    if message:
        code = _XML_CODE.search(raw)
        return f"{code.group(1)}: {message.group(1)}" if code else message.group(1)
    return raw[:500] or response.reason_phrase


def _odata_error(error: dict[str, Any]) -> str:
    message = error.get("message")
    text = str(message.get("value", "")) if isinstance(message, dict) else str(message or "")
    code = error.get("code")
    parts = [f"{code}: {text}" if code else text]
    inner = error.get("innererror")
    details = inner.get("errordetails", []) if isinstance(inner, dict) else []
    for detail in details if isinstance(details, list) else []:
        extra = str(detail.get("message", "")) if isinstance(detail, dict) else ""
        if extra and extra != text and extra not in parts:
            parts.append(extra)
    return "; ".join(p for p in parts if p)


def _check(response: httpx.Response) -> None:
    status = response.status_code
    if status < 400:
        return
    if status >= 500 or status in _RETRYABLE:
        raise SapUnavailable(f"SAP answered {status}: {error_text(response)}")
    raise SapRefused(status, error_text(response))


def entity_key(value: str) -> str:
    """An Edm.String key in a resource path: ``A_ProductionOrder_2('1003981')``."""
    return "'" + quote(value.replace("'", "''"), safe="") + "'"


class SapClient:
    """One conversation with SAP (one job): its session cookies, tokens and timeout."""

    def __init__(
        self, connection: ConnectionRow, *, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self._connection = connection
        self._http = httpx.AsyncClient(
            timeout=httpx.Timeout(float(connection.timeout_seconds)),
            transport=transport,
            follow_redirects=False,
            headers={"Accept": "application/json"},
        )
        self._bearer: str | None = None

    async def __aenter__(self) -> SapClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self._http.aclose()

    def _url(self, service: str, resource: str = "") -> str:
        return f"{self._connection.base_url.rstrip('/')}{SERVICES}/{service}/{resource}"

    def _params(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        params = dict(extra or {})
        if self._connection.sap_client:
            params["sap-client"] = self._connection.sap_client
        return params

    async def _send(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        headers = {**kwargs.pop("headers", {}), **await self._authorization()}
        try:
            return await self._http.request(method, url, headers=headers, **kwargs)
        except httpx.TimeoutException:
            raise SapUnavailable(
                f"SAP did not answer {method} {url} within {self._connection.timeout_seconds} s",
                uncertain=method != "GET",
            ) from None
        except httpx.TransportError as exc:
            raise SapUnavailable(f"SAP is unreachable at {url}: {exc!r}") from None

    async def _authorization(self) -> dict[str, str]:
        c = self._connection
        if c.auth_kind == "basic":
            pair = f"{c.username or ''}:{c.password or ''}".encode()
            return {"Authorization": f"Basic {base64.b64encode(pair).decode()}"}
        if self._bearer is None:
            self._bearer = await self._token()
        return {"Authorization": f"Bearer {self._bearer}"}

    async def _token(self) -> str:
        c = self._connection
        try:
            response = await self._http.post(
                c.token_url or "",
                data={"grant_type": "client_credentials"},
                auth=(c.client_id or "", c.client_secret or ""),
            )
        except httpx.HTTPError as exc:
            raise SapUnavailable(f"the OAuth token endpoint is unreachable: {exc!r}") from None
        if response.status_code >= 500:
            raise SapUnavailable(f"the OAuth token endpoint answered {response.status_code}")
        if response.status_code != 200:
            raise SapRefused(
                response.status_code,
                f"the OAuth token endpoint refused the client: {error_text(response)}",
            )
        token = response.json().get("access_token")
        if not isinstance(token, str) or not token:
            raise SapRefused(response.status_code, "the OAuth token endpoint sent no access_token")
        return token

    async def get(self, service: str, resource: str, params: dict[str, str]) -> Any:
        query = self._params({**params, "$format": "json"})
        response = await self._send("GET", self._url(service, resource), params=query)
        _check(response)
        return response.json()

    async def _csrf_token(self, service: str) -> str:
        response = await self._send(
            "GET", self._url(service), params=self._params(), headers={"x-csrf-token": "Fetch"}
        )
        _check(response)
        token = str(response.headers.get("x-csrf-token", ""))
        if not token or token.lower() == "required":
            raise SapRefused(response.status_code, "SAP sent no CSRF token for the service")
        return token

    async def create(self, service: str, entity_set: str, body: dict[str, Any]) -> Any:
        """POST a new entity (deep insert allowed); SAP's answer (``{"d": ...}``)."""
        token = await self._csrf_token(service)
        response = await self._post(service, entity_set, body, token)
        if response.status_code == 403 and _token_required(response):
            token = await self._csrf_token(service)
            response = await self._post(service, entity_set, body, token)
        _check(response)
        return response.json()

    async def _post(
        self, service: str, entity_set: str, body: dict[str, Any], token: str
    ) -> httpx.Response:
        return await self._send(
            "POST",
            self._url(service, entity_set),
            params=self._params(),
            json=body,
            headers={"x-csrf-token": token, "Content-Type": "application/json"},
        )


def _token_required(response: httpx.Response) -> bool:
    return str(response.headers.get("x-csrf-token", "")).lower() == "required"
