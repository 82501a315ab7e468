-- Shift calendars: the header, its patterns and holidays, and its exceptions.

-- name: insert
-- A calendar ($1 plant, $2 code, $3 name, $4 timezone); no row when the code is taken.
INSERT INTO production.shift_calendars (organization_id, plant_id, code, name, timezone)
VALUES (app.current_org(), $1, $2, $3, $4)
ON CONFLICT (organization_id, plant_id, code) DO NOTHING
RETURNING id, plant_id, code, name, timezone, version, created_at, created_by, updated_at,
    updated_by;

-- name: header
-- Calendar $1's header.
SELECT id, plant_id, code, name, timezone, version, created_at, created_by, updated_at,
    updated_by
FROM production.shift_calendars
WHERE organization_id = app.current_org() AND id = $1;

-- name: header_lock
-- Calendar $1's header, locked for a change.
SELECT id, plant_id, code, name, timezone, version, created_at, created_by, updated_at,
    updated_by
FROM production.shift_calendars
WHERE organization_id = app.current_org() AND id = $1
FOR UPDATE;

-- name: header_update
-- Calendar $1: $2 name, $3 timezone; bumps the version (exceptions bump it too, so a
-- cached expansion keyed by version is never stale).
UPDATE production.shift_calendars
SET name = coalesce($2, name), timezone = coalesce($3, timezone), version = version + 1,
    updated_at = now(), updated_by = app.current_user_id()
WHERE organization_id = app.current_org() AND id = $1
RETURNING id, plant_id, code, name, timezone, version, created_at, created_by, updated_at,
    updated_by;

-- name: delete
-- Calendar $1; fails on a foreign key while a work center uses it.
DELETE FROM production.shift_calendars
WHERE organization_id = app.current_org() AND id = $1
RETURNING id;

-- name: patterns_delete
-- Remove them, before patterns_insert writes the new ones (a data-modifying CTE would not
-- see its own delete).
DELETE FROM production.shift_patterns
WHERE organization_id = app.current_org() AND calendar_id = $1;

-- name: patterns_insert
-- Calendar $1's patterns become ($2 valid_from[], $3 valid_to[], $4 shifts json[]).
INSERT INTO production.shift_patterns (organization_id, calendar_id, valid_from, valid_to, shifts)
SELECT app.current_org(), $1, f, t, s::jsonb
FROM unnest($2::date[], $3::date[], $4::text[]) AS u(f, t, s);

-- name: holidays_delete
-- Remove them, before holidays_insert writes the new ones (a data-modifying CTE would not
-- see its own delete).
DELETE FROM production.calendar_holidays
WHERE organization_id = app.current_org() AND calendar_id = $1;

-- name: holidays_insert
-- Calendar $1's holidays become ($2 day[], $3 name[]).
INSERT INTO production.calendar_holidays (organization_id, calendar_id, day, name)
SELECT app.current_org(), $1, d, n FROM unnest($2::date[], $3::text[]) AS u(d, n);

-- name: document
-- Calendar $1 as one JSON document: patterns and holidays, and the exceptions that
-- overlap [$2, $3) (null bounds: none), for the shift rules; one round trip.
SELECT c.id, c.plant_id, c.code, c.name, c.timezone, c.version, c.created_at, c.created_by,
    c.updated_at, c.updated_by,
    coalesce((SELECT json_agg(json_build_object('valid_from', p.valid_from,
                  'valid_to', p.valid_to, 'shifts', p.shifts) ORDER BY p.valid_from)
              FROM production.shift_patterns p
              WHERE p.organization_id = c.organization_id AND p.calendar_id = c.id),
             '[]')::text AS patterns,
    coalesce((SELECT json_agg(json_build_object('day', h.day, 'name', h.name) ORDER BY h.day)
              FROM production.calendar_holidays h
              WHERE h.organization_id = c.organization_id AND h.calendar_id = c.id),
             '[]')::text AS holidays,
    coalesce((SELECT json_agg(json_build_object('start', e.starts_at, 'end', e.ends_at,
                  'kind', e.kind, 'name', e.name, 'shift_code', e.shift_code)
                  ORDER BY e.starts_at)
              FROM production.calendar_exceptions e
              WHERE e.organization_id = c.organization_id AND e.calendar_id = c.id
                AND $2::timestamptz IS NOT NULL
                AND e.ends_at > $2 AND e.starts_at < $3),
             '[]')::text AS exceptions
FROM production.shift_calendars c
WHERE c.organization_id = app.current_org() AND c.id = $1;

-- name: page
-- Calendars of plant $1 (null: every plant of the token) in (plant, code) order after
-- ($2 plant, $3 code), at most $4.
SELECT id, plant_id, code, name, timezone, version, created_at, created_by, updated_at,
    updated_by
FROM production.shift_calendars
WHERE organization_id = app.current_org()
  AND ($1::uuid IS NULL OR plant_id = $1)
  AND ($2::uuid IS NULL OR (plant_id, code) > ($2, $3::text))
ORDER BY plant_id, code
LIMIT $4;

-- name: exception_insert
-- An exception of calendar $1 ($2 starts_at, $3 ends_at, $4 kind, $5 name, $6 shift_code).
INSERT INTO production.calendar_exceptions (organization_id, calendar_id, starts_at, ends_at,
    kind, name, shift_code)
VALUES (app.current_org(), $1, $2, $3, $4, $5, $6)
RETURNING id, calendar_id, starts_at, ends_at, kind, name, shift_code;

-- name: exception_delete
-- Exception $2 of calendar $1.
DELETE FROM production.calendar_exceptions
WHERE organization_id = app.current_org() AND calendar_id = $1 AND id = $2
RETURNING id;

-- name: exceptions_page
-- Exceptions of calendar $1 overlapping [$2, $3), in start order after ($4 start, $5 id),
-- at most $6.
SELECT id, calendar_id, starts_at, ends_at, kind, name, shift_code
FROM production.calendar_exceptions
WHERE organization_id = app.current_org() AND calendar_id = $1
  AND ends_at > $2 AND starts_at < $3
  AND ($4::timestamptz IS NULL OR (starts_at, id) > ($4, $5::uuid))
ORDER BY starts_at, id
LIMIT $6;

-- name: any_calendar
-- Whether the organization has a shift calendar in the transaction's plants.
SELECT EXISTS (SELECT 1 FROM production.shift_calendars
               WHERE organization_id = app.current_org());

-- name: versions
-- The versions of calendars $1 (uuid[]): what an in-process expansion is keyed by.
SELECT id, version FROM production.shift_calendars
WHERE organization_id = app.current_org() AND id = ANY($1::uuid[]);
