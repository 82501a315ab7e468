"""The OAuth2 grants: password, client_credentials, refresh_token; and revocation.

Each use case owns its transactions. Password hashes are checked outside any
transaction, so a slow argon2 verification never holds a database connection.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid

import asyncpg
import msgspec

from gateway.authz.rules import SERVICE_ROLES
from gateway.passwords import Passwords
from gateway.tokens import repo
from gateway.tokens.issuer import AccessTokenIssuer, Identity
from gateway.tokens.oauth import OAuthError, invalid_client
from gateway.tokens.ratelimit import LoginLimiter
from unison_pg import Database

REFRESH_TOKEN_PREFIX = "urt_"  # noqa: S105 (a prefix, not a secret)


class TokenResponse(msgspec.Struct, frozen=True, omit_defaults=True):
    access_token: str
    token_type: str
    expires_in: int
    refresh_token: str | None = None


def _digest(refresh_token: str) -> bytes:
    # Refresh tokens are 256 random bits: a fast hash is enough, argon2 would buy nothing.
    return hashlib.sha256(refresh_token.encode()).digest()


def _new_refresh_token() -> tuple[str, bytes]:
    token = REFRESH_TOKEN_PREFIX + secrets.token_urlsafe(32)
    return token, _digest(token)


def _invalid_grant(description: str) -> OAuthError:
    return OAuthError("invalid_grant", description)


class TokenService:
    def __init__(
        self,
        database: Database,
        issuer: AccessTokenIssuer,
        passwords: Passwords,
        limiter: LoginLimiter,
        *,
        refresh_ttl: int,
        services: dict[str, str] | None = None,
    ) -> None:
        self._services = services or {}
        self._db = database
        self._issuer = issuer
        self._passwords = passwords
        self._limiter = limiter
        self._refresh_ttl = refresh_ttl

    async def password(self, email: str, password: str, address: str) -> TokenResponse:
        email = email.strip().lower()
        await self._limiter.check(("user", email), ("address", address))
        async with self._db.transaction(None, readonly=True) as conn:
            user = await repo.find_user_by_email(conn, email)
        matches = await self._passwords.verify(user.password_hash if user else None, password)
        if user is None or not matches or not user.active:
            await self._limiter.record_failure(("user", email), ("address", address))
            raise _invalid_grant("the email or the password is wrong, or the account is disabled")
        await self._limiter.clear(("user", email))
        rehashed = (
            await self._passwords.hash(password)
            if self._passwords.needs_rehash(user.password_hash)
            else None
        )
        refresh_token, digest = _new_refresh_token()
        async with self._db.transaction(None) as conn:
            await repo.set_tenant(conn, user.organization_id, f"user:{user.id}")
            if rehashed is not None:
                await repo.update_password_hash(conn, user, rehashed)
            identity = await self._user_identity(conn, user)
            await repo.insert_refresh_token(conn, user, uuid.uuid4(), digest, self._refresh_ttl)
        return await self._respond(identity, refresh_token)

    async def client_credentials(self, client_id: str, secret: str, address: str) -> TokenResponse:
        await self._limiter.check(("client", client_id), ("address", address))
        async with self._db.transaction(None, readonly=True) as conn:
            client = await repo.find_client(conn, client_id)
        matches = await self._passwords.verify(client.secret_hash if client else None, secret)
        if client is None or not matches or not client.active:
            await self._limiter.record_failure(("client", client_id), ("address", address))
            raise invalid_client("unknown client, wrong secret, or the client is disabled")
        await self._limiter.clear(("client", client_id))
        async with self._db.transaction(None) as conn:
            await repo.set_tenant(conn, client.organization_id, f"client:{client.client_id}")
            if self._passwords.needs_rehash(client.secret_hash):
                hashed = await self._passwords.hash(secret)
                await repo.update_client_secret_hash(conn, client, hashed)
            plants = await repo.client_plants(conn, client)
        identity = Identity(
            subject=f"client:{client.client_id}",
            organization_id=client.organization_id,
            plant_ids=plants,
            roles=tuple(sorted(client.roles)),
            kind="client",
            name=client.name,
        )
        # RFC 6749 4.4.3: no refresh token for client credentials; the client asks again.
        return await self._respond(identity, None)

    async def service(
        self, name: str, secret: str, organization_id: str, address: str
    ) -> TokenResponse:
        """The service grant: one of Unison's own workers (search's rebuild) reads the other
        services for an organization it was asked to work on. Read-only roles, every plant
        of the organization, short-lived like every access token; the secret is the
        deployment's (``UNISON_SERVICE_SECRETS``), not a tenant's."""
        # Counted as a client named service:<name> (the attempts table knows no other scope).
        key = ("client", f"service:{name}")
        await self._limiter.check(key, ("address", address))
        expected = self._services.get(name)
        if expected is None or not hmac.compare_digest(expected.encode(), secret.encode()):
            await self._limiter.record_failure(key, ("address", address))
            raise invalid_client("unknown service or wrong secret")
        await self._limiter.clear(key)
        try:
            organization = uuid.UUID(organization_id)
        except ValueError:
            raise OAuthError("invalid_request", "organization_id is not a UUID") from None
        async with self._db.transaction(None, readonly=True) as conn:
            await repo.set_tenant(conn, organization, f"service:{name}")
            known = await repo.organization_name(conn, organization)
            plants = await repo.organization_plants(conn, organization)
        if known is None:
            raise OAuthError("invalid_grant", "no such organization")
        identity = Identity(
            subject=f"service:{name}",
            organization_id=organization,
            plant_ids=plants,
            roles=SERVICE_ROLES[name],
            kind="service",
            name=f"Unison {name} service",
        )
        return await self._respond(identity, None)

    async def refresh(self, refresh_token: str) -> TokenResponse:
        # Have a signing key at hand first: once the old token is rotated in the database,
        # failing to sign would leave the client with neither token.
        await self._issuer.prepare()
        new_token, new_digest = _new_refresh_token()
        identity: Identity | None = None
        async with self._db.transaction(None) as conn:
            row = await repo.lock_refresh_token(conn, _digest(refresh_token))
            if row is None or row.revoked or row.expired:
                raise _invalid_grant("the refresh token is unknown, expired or revoked")
            user = await repo.find_user(conn, row.organization_id, row.user_id)
            if row.rotated or user is None or not user.active:
                # A rotated token presented again means two parties hold the family: end it.
                # The revocation commits; the error is raised after the transaction.
                await repo.revoke_family(conn, row)
            else:
                await repo.mark_rotated(conn, row)
                await repo.insert_refresh_token(
                    conn, user, row.family_id, new_digest, self._refresh_ttl
                )
                identity = await self._user_identity(conn, user)
        if identity is None:
            raise _invalid_grant("the refresh token was already used or its user is disabled")
        return await self._respond(identity, new_token)

    async def revoke(self, token: str) -> None:
        """RFC 7009: revoke the refresh token's family; unknown tokens are not an error."""
        async with self._db.transaction(None) as conn:
            row = await repo.lock_refresh_token(conn, _digest(token))
            if row is not None:
                await repo.revoke_family(conn, row)

    async def _user_identity(self, conn: asyncpg.Connection, user: repo.UserAccount) -> Identity:
        return Identity(
            subject=f"user:{user.id}",
            organization_id=user.organization_id,
            plant_ids=await repo.user_plants(conn, user),
            roles=await repo.user_roles(conn, user),
            kind="user",
            name=user.display_name,
        )

    async def _respond(self, identity: Identity, refresh_token: str | None) -> TokenResponse:
        return TokenResponse(
            access_token=await self._issuer.issue(identity),
            token_type="Bearer",  # noqa: S106
            expires_in=self._issuer.ttl,
            refresh_token=refresh_token,
        )
