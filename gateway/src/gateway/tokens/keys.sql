-- Signing keys (identity.signing_keys, a system table without RLS).

-- name: lock_signing_keys
-- Serializes key creation and rotation across gateway processes for one transaction.
SELECT pg_advisory_xact_lock(hashtext('identity.signing_keys'))

-- name: published_keys
-- Every key still published: signing now, waiting to sign, or retired but still needed
-- to verify tokens it signed.
-- public_jwk as text: the same on pooled connections (jsonb codec) and bare ones.
SELECT kid, alg, private_key, public_jwk::text AS public_jwk, signs_from, retires_at, expires_at
FROM identity.signing_keys
WHERE expires_at IS NULL OR expires_at > now()
ORDER BY signs_from

-- name: has_usable_key
-- A key that signs now or will sign later.
SELECT EXISTS (
    SELECT 1 FROM identity.signing_keys WHERE retires_at IS NULL OR retires_at > now()
)

-- name: retire_keys
-- $1 = when the new key starts signing, $2 = seconds its tokens stay verifiable after.
UPDATE identity.signing_keys
SET retires_at = $1::timestamptz,
    expires_at = $1::timestamptz + make_interval(secs => $2::double precision)
WHERE retires_at IS NULL OR retires_at > $1::timestamptz

-- name: insert_key
INSERT INTO identity.signing_keys (kid, alg, private_key, public_jwk, signs_from)
VALUES ($1, $2, $3, $4::text::jsonb, $5)

-- name: delete_expired_keys
-- Keys no token can carry any more; kept a day after expiry for the record.
DELETE FROM identity.signing_keys WHERE expires_at < now() - interval '1 day'

-- name: seconds_from_now
-- The database clock is the one every gateway process shares.
SELECT now() + make_interval(secs => $1::double precision)
