-- Subscriptions to scheduled reports and their deliveries (one per period). RLS keeps a
-- subscription to its organization and to callers allowed all its plants.

-- name: insert
INSERT INTO reporting.report_subscriptions (organization_id, name, source, filters, frequency,
    weekday, hour, time_zone, format, delivery, recipients, plant_ids, next_run_at)
VALUES (app.current_org(), $1, $2, $3::text::jsonb, $4, $5, $6, $7, $8, $9, $10, $11, $12)
RETURNING id, name, source, filters, frequency, weekday, hour, time_zone, format, delivery,
    recipients, plant_ids, active, next_run_at, version, created_by, created_at, updated_at

-- name: get
SELECT id, name, source, filters, frequency, weekday, hour, time_zone, format, delivery,
    recipients, plant_ids, active, next_run_at, version, created_by, created_at, updated_at
FROM reporting.report_subscriptions
WHERE organization_id = app.current_org() AND id = $1

-- name: get_for_update
SELECT id, name, source, filters, frequency, weekday, hour, time_zone, format, delivery,
    recipients, plant_ids, active, next_run_at, version, created_by, created_at, updated_at
FROM reporting.report_subscriptions
WHERE organization_id = app.current_org() AND id = $1
FOR UPDATE

-- name: page
-- Keyset by id (time-ordered): $1 the last id of the previous page (null: first), $2 size.
SELECT id, name, source, filters, frequency, weekday, hour, time_zone, format, delivery,
    recipients, plant_ids, active, next_run_at, version, created_by, created_at, updated_at
FROM reporting.report_subscriptions
WHERE organization_id = app.current_org() AND ($1::uuid IS NULL OR id > $1)
ORDER BY id
LIMIT $2

-- name: update
UPDATE reporting.report_subscriptions
SET name = $2, filters = $3::text::jsonb, frequency = $4, weekday = $5, hour = $6,
    time_zone = $7, format = $8, delivery = $9, recipients = $10, active = $11,
    next_run_at = $12, version = version + 1, updated_at = now()
WHERE organization_id = app.current_org() AND id = $1
RETURNING id, name, source, filters, frequency, weekday, hour, time_zone, format, delivery,
    recipients, plant_ids, active, next_run_at, version, created_by, created_at, updated_at

-- name: delete
DELETE FROM reporting.report_subscriptions WHERE organization_id = app.current_org() AND id = $1

-- name: plants
-- Every plant of the organization's subscriptions (the job sees them all with these).
SELECT reporting.subscription_plants()

-- name: due
-- Subscriptions whose run time has come, oldest first, locked for this claim.
SELECT id, frequency, weekday, hour, time_zone, next_run_at
FROM reporting.report_subscriptions
WHERE organization_id = app.current_org() AND active AND next_run_at <= now()
ORDER BY next_run_at, id
LIMIT $1
FOR UPDATE SKIP LOCKED

-- name: add_delivery
-- The period's delivery; an existing one (a retried claim) stays as it is.
INSERT INTO reporting.report_deliveries (organization_id, subscription_id, scheduled_for,
    first_day, last_day)
VALUES (app.current_org(), $1, $2, $3, $4)
ON CONFLICT (organization_id, subscription_id, scheduled_for) DO NOTHING

-- name: advance
UPDATE reporting.report_subscriptions SET next_run_at = $2
WHERE organization_id = app.current_org() AND id = $1

-- name: take_pending
-- One pending delivery not tried yet in this run ($1) nor leased by another run: leased
-- for 15 minutes, its attempt counted.
UPDATE reporting.report_deliveries d
SET lease_until = now() + interval '15 minutes', attempts = d.attempts + 1
WHERE d.organization_id = app.current_org() AND d.id = (
    SELECT id FROM reporting.report_deliveries
    WHERE organization_id = app.current_org() AND status = 'pending'
      AND (lease_until IS NULL OR lease_until < now()) AND NOT (id = ANY ($1::uuid[]))
    ORDER BY id
    LIMIT 1
    FOR UPDATE SKIP LOCKED)
RETURNING d.id, d.subscription_id, d.scheduled_for, d.first_day, d.last_day, d.attempts

-- name: sent
UPDATE reporting.report_deliveries
SET status = 'sent', sent_at = now(), file_id = $2, lease_until = NULL, error = NULL
WHERE organization_id = app.current_org() AND id = $1 AND status = 'pending'

-- name: attempt_failed
-- $3: the attempts after which it is given up.
UPDATE reporting.report_deliveries
SET error = $2, lease_until = NULL,
    status = CASE WHEN attempts >= $3 THEN 'failed' ELSE 'pending' END
WHERE organization_id = app.current_org() AND id = $1 AND status = 'pending'

-- name: run_finished
UPDATE reporting.report_runs SET enqueued_at = NULL WHERE organization_id = app.current_org()

-- name: deliveries
-- A subscription's deliveries, latest period first: keyset on the scheduled time ($2, the
-- last one of the previous page; null: first page), $3 the page size.
SELECT id, scheduled_for, first_day, last_day, status, attempts, error, file_id, created_at,
    sent_at
FROM reporting.report_deliveries
WHERE organization_id = app.current_org() AND subscription_id = $1
  AND ($2::timestamptz IS NULL OR scheduled_for < $2)
ORDER BY scheduled_for DESC
LIMIT $3
