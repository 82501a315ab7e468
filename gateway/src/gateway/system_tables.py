"""Tables in schema ``identity`` that hold no tenant data and therefore have no RLS.

Every other table in the schema is a tenant table: ``organization_id`` leads its primary
key and foreign keys, and row-level security is enabled and forced. The catalog test
reads this set; adding a table here is a decision that needs a reason next to it.
"""

from __future__ import annotations

SYSTEM_TABLES: frozenset[str] = frozenset(
    {
        # The gateway's own signing keys: the same for every organization, read before any
        # organization is known (JWKS, verifying a token), written by key rotation.
        "identity.signing_keys",
        # Failed logins by email / client_id / address, counted before the caller's
        # organization is known; it must work the same for unknown accounts.
        "identity.login_attempts",
    }
)
