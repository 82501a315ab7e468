-- Who is told what: the people of the organization, subscriptions, and every e-mail.

-- name: person_upsert
-- Person $1 ($2 email, $3 display name, $4 roles, $5 plants (null: every plant),
-- $6 active) as of $7: an inactive user is kept, marked inactive; a state older than the
-- one kept changes nothing.
INSERT INTO quality.people (organization_id, user_id, email, display_name, roles, plant_ids,
    active, changed_at)
VALUES (app.current_org(), $1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (organization_id, user_id) DO UPDATE
SET email = excluded.email, display_name = excluded.display_name, roles = excluded.roles,
    plant_ids = excluded.plant_ids, active = excluded.active, changed_at = excluded.changed_at
WHERE quality.people.changed_at <= excluded.changed_at;

-- name: recipients
-- The addresses told of kind $1 about plant $2 (null: no particular plant): subscribed
-- addresses, and the active people having a subscribed role. A subscription or a person
-- limited to plants hears only of those plants. A person whose address is malformed is
-- left out (a subscription's is checked when written): one such address in ``To`` would
-- spoil the message for everyone. Lower-cased, deduplicated, sorted.
WITH subscribed AS (
    SELECT email, role FROM quality.subscriptions
    WHERE organization_id = app.current_org() AND $1::text = ANY (kinds)
      AND (plant_ids IS NULL OR $2::uuid = ANY (plant_ids))
), addresses AS (
    SELECT email FROM subscribed WHERE email IS NOT NULL
    UNION ALL
    SELECT p.email FROM quality.people p
    WHERE p.organization_id = app.current_org() AND p.active
      AND p.email ~ '^[^@\s]+@[^@\s]+$'
      AND p.roles && ARRAY(SELECT role FROM subscribed WHERE role IS NOT NULL)
      AND (p.plant_ids IS NULL OR $2::uuid = ANY (p.plant_ids))
)
SELECT coalesce(array_agg(DISTINCT lower(email) ORDER BY lower(email)), '{}')::text[]
FROM addresses;

-- name: notification_insert
-- An e-mail to send for organization $1 (RLS refuses any but the transaction's own):
-- $2 plant, $3 kind, $4 recipients, $5 subject, $6 body.
INSERT INTO quality.notifications (organization_id, plant_id, kind, recipients, subject, body)
VALUES ($1, $2, $3, $4, $5, $6)
RETURNING id;

-- name: notification_get
-- Notification $1.
SELECT id, plant_id, kind, recipients, subject, body, status, attempts, error, created_at,
    sent_at
FROM quality.notifications
WHERE organization_id = app.current_org() AND id = $1;

-- name: notification_page
-- Notifications of status $1 (null: any), newest first before $2, at most $3.
SELECT id, plant_id, kind, recipients, subject, body, status, attempts, error, created_at,
    sent_at
FROM quality.notifications
WHERE organization_id = app.current_org()
  AND ($1::text IS NULL OR status = $1)
  AND ($2::uuid IS NULL OR id < $2)
ORDER BY id DESC
LIMIT $3;

-- name: notification_sent
-- Notification $1 was accepted by the relay ($2: recipients it refused, or null).
UPDATE quality.notifications
SET status = 'sent', sent_at = now(), attempts = attempts + 1, error = $2
WHERE organization_id = app.current_org() AND id = $1 AND status = 'queued';

-- name: notification_attempt_failed
-- A delivery attempt of notification $1 failed with error $2; $3: it was the last one the
-- job runner makes, so the notification ends failed (else it stays queued for the retry).
UPDATE quality.notifications
SET attempts = attempts + 1, error = $2,
    status = CASE WHEN $3::boolean THEN 'failed' ELSE 'queued' END
WHERE organization_id = app.current_org() AND id = $1 AND status = 'queued';

-- name: notification_requeue
-- Notification $1 queued again: a failed one, or a queued one no job will send any more
-- (its job was cancelled, or ended without recording why). No row: neither.
UPDATE quality.notifications n
SET status = 'queued'
WHERE n.organization_id = app.current_org() AND n.id = $1
  AND (n.status = 'failed' OR (n.status = 'queued' AND NOT EXISTS (
      SELECT 1 FROM bus.jobs j
      WHERE j.organization_id = app.current_org() AND j.kind = $2
        AND j.params ->> 'notification_id' = n.id::text
        AND j.status IN ('queued', 'running'))))
RETURNING id, plant_id, kind, recipients, subject, body, status, attempts, error, created_at,
    sent_at;

-- name: job_attempts
-- Attempts made and allowed of job $1 (the current attempt is counted already).
SELECT attempts, max_attempts FROM bus.jobs
WHERE organization_id = app.current_org() AND id = $1;

-- name: subscription_insert
-- A subscription of address $1 or role $2 to kinds $3, plants $4 (null: every plant).
INSERT INTO quality.subscriptions (organization_id, email, role, kinds, plant_ids)
VALUES (app.current_org(), $1, $2, $3, $4)
RETURNING id, email, role, kinds, plant_ids, created_at, created_by;

-- name: subscription_page
-- Subscriptions in creation order after $1, at most $2.
SELECT id, email, role, kinds, plant_ids, created_at, created_by
FROM quality.subscriptions
WHERE organization_id = app.current_org() AND ($1::uuid IS NULL OR id > $1)
ORDER BY id
LIMIT $2;

-- name: subscription_delete
-- Subscription $1 ends; no row: there is none.
DELETE FROM quality.subscriptions
WHERE organization_id = app.current_org() AND id = $1
RETURNING id;
