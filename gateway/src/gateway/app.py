"""``create_gateway(settings)``: the gateway's parts, wired once, handed to create_app."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from litestar import Litestar
from litestar.di import Provide

from gateway.admin.routes import admin_router
from gateway.admin.service import AdminService
from gateway.authz.enforcers import Enforcers
from gateway.authz.middleware import access_middleware
from gateway.cors import cors_middleware
from gateway.live.hub import LiveHub
from gateway.live.routes import live_route
from gateway.ops_page.activity import Activity, activity_middleware
from gateway.ops_page.login import login_routes
from gateway.ops_page.routes import ops_page_routes
from gateway.ops_page.session import session_middleware
from gateway.passwords import Passwords
from gateway.proxy.forward import Upstreams, proxy_handler
from gateway.proxy.openapi import MergedOpenAPI, openapi_middleware
from gateway.proxy.readiness import ReadinessProbe
from gateway.settings import Settings
from gateway.tokens.grants import TokenService
from gateway.tokens.issuer import AccessTokenIssuer, GatewayVerifier
from gateway.tokens.keys import KeyRing
from gateway.tokens.ratelimit import LoginLimiter
from gateway.tokens.routes import auth_router
from unison_bus.listener import Listener
from unison_bus.live import CHANNEL as LIVE_CHANNEL
from unison_pg import Database
from unison_web import ServiceApp, create_app
from unison_web.health import ReadinessCheck

POLICY_CHANNEL = "identity_policy_changed"
KEYS_CHANNEL = "identity_keys_changed"


@dataclass
class Gateway:
    """The parts of one gateway process (``app.state.gateway``; tests reach in here)."""

    settings: Settings
    database: Database
    keyring: KeyRing
    enforcers: Enforcers
    listener: Listener
    upstreams: Upstreams
    tokens: TokenService
    admin: AdminService
    verifier: GatewayVerifier
    live: LiveHub


def build_gateway(settings: Settings) -> Gateway:
    database = Database(
        settings.database_url, application_name="unison-gateway", max_size=settings.db_pool_size
    )
    keyring = KeyRing(database)
    live = LiveHub()
    verifier = GatewayVerifier(keyring, issuer=settings.jwt_issuer, audience=settings.jwt_audience)

    def keys_changed(_payload: str = "") -> None:
        keyring.mark_stale()
        verifier.forget()

    listener: Listener  # assigned below; the enforcers ask it at request time
    enforcers = Enforcers(database, listening=lambda: listener.connected.is_set())

    def reconnected() -> None:
        # Whatever changed while nobody listened is unknown: trust no cache.
        enforcers.invalidate()
        keys_changed()
        live.forget_history()

    listener = Listener(
        settings.database_url,
        {
            POLICY_CHANNEL: enforcers.on_notify,
            KEYS_CHANNEL: keys_changed,
            LIVE_CHANNEL: live.on_notify,
        },
        on_connect=reconnected,
        name="unison-gateway-listener",
    )
    return Gateway(
        settings=settings,
        database=database,
        keyring=keyring,
        enforcers=enforcers,
        listener=listener,
        upstreams=Upstreams(
            settings.services,
            connect_timeout=settings.proxy_connect_timeout,
            timeout=settings.proxy_timeout,
        ),
        tokens=_token_service(settings, database, keyring),
        admin=AdminService(
            database, key_lead=settings.signing_key_lead, token_ttl=settings.access_token_ttl
        ),
        verifier=verifier,
        live=live,
    )


def _token_service(settings: Settings, database: Database, keyring: KeyRing) -> TokenService:
    issuer = AccessTokenIssuer(
        keyring,
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        ttl=settings.access_token_ttl,
    )
    passwords = Passwords(
        time_cost=settings.argon2_time_cost,
        memory_cost=settings.argon2_memory_cost,
        parallelism=settings.argon2_parallelism,
    )
    limiter = LoginLimiter(
        database,
        max_failures=settings.login_max_failures,
        max_per_address=settings.login_max_failures_per_address,
        window=settings.login_window,
    )
    return TokenService(
        database,
        issuer,
        passwords,
        limiter,
        refresh_ttl=settings.refresh_token_ttl,
        services=settings.service_credentials,
    )


def _provide(value: Any) -> Provide:
    def provider() -> Any:
        return value

    return Provide(provider, sync_to_thread=False, use_cache=True)


def _readiness_checks(gw: Gateway) -> list[ReadinessCheck]:
    async def listener_ready() -> tuple[str, bool, str]:
        ok = gw.listener.connected.is_set()
        return ("policy_listener", ok, "listening" if ok else "reconnecting")

    probe = ReadinessProbe(
        gw.settings.ready_targets,
        timeout=gw.settings.ready_timeout,
        client=lambda: gw.upstreams.client,
    )
    return [listener_ready, *probe.checks()]


def _started(listener: Listener) -> Callable[[], Awaitable[None]]:
    async def start() -> None:
        listener.start()

    return start


def create_gateway(settings: Settings) -> Litestar:
    gw = build_gateway(settings)
    app: Litestar | None = None

    def own_document() -> dict[str, Any]:
        assert app is not None, "the document is asked for only once the app serves"
        return app.openapi_schema.to_schema()

    # Counted into the process's registry once create_app made it (see below).
    activity: Activity | None = None

    def counted() -> Activity:
        assert activity is not None, "requests arrive only once the app exists"
        return activity

    merged = MergedOpenAPI(
        settings.services,
        own_document,
        cache_seconds=settings.openapi_cache_seconds,
        timeout=settings.ready_timeout,
        client=lambda: gw.upstreams.client,
    )
    app = create_app(
        ServiceApp(
            name="gateway",
            database=gw.database,
            route_handlers=[
                auth_router,
                admin_router,
                live_route(gw.live),
                *ops_page_routes,
                *login_routes(counted, settings.refresh_token_ttl),
                proxy_handler(gw.upstreams),
            ],
            schemas=["identity"],
            dependencies={
                "tokens": _provide(gw.tokens),
                "admin": _provide(gw.admin),
                "keyring": _provide(gw.keyring),
            },
            on_startup=[gw.upstreams.open, gw.keyring.start, _started(gw.listener)],
            on_shutdown=[gw.upstreams.close, gw.listener.stop],
            readiness_checks=_readiness_checks(gw),
            middleware=[
                # Before the access check: a preflight carries no token.
                cors_middleware(settings.cors_allowed_origins, settings.cors_max_age),
                activity_middleware(counted),
                session_middleware,
                openapi_middleware(merged.document),
                access_middleware(gw.verifier, gw.enforcers),
            ],
            description="The only public entry: tokens, authorization, and the services.",
        )
    )
    app.state.gateway = gw
    activity = Activity(app.state.metrics.registry)
    app.state.ops_activity = activity
    return app
