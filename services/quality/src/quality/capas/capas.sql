-- CAPAs and their actions.

-- name: insert
-- A CAPA: $1 plant, $2 number, $3 kind, $4 title, $5 owner, $6 due date, $7 root cause
-- (jsonb), $8 NCR ids, $9 effectiveness due, $10 first step (jsonb array).
INSERT INTO quality.capas (organization_id, plant_id, number, kind, title, owner, due_date,
    root_cause, ncr_ids, effectiveness_due, step_history)
VALUES (app.current_org(), $1, $2, $3, $4, $5, $6, $7::text::jsonb, $8, $9, $10::text::jsonb)
RETURNING id;

-- name: actions_insert
-- Actions of CAPA $1 ($2 plant; arrays $3 description, $4 owner, $5 due date).
INSERT INTO quality.capa_actions (organization_id, plant_id, capa_id, description, owner, due_date)
SELECT app.current_org(), $2, $1, d, o, u
FROM unnest($3::text[], $4::text[], $5::date[]) WITH ORDINALITY AS x(d, o, u, n)
ORDER BY n;

-- name: get_many
-- CAPAs $1 (uuid[]) with their actions (a JSON array), overdue as of $2.
SELECT c.id, c.plant_id, c.number, c.kind, c.title, c.status, c.owner, c.due_date,
    (c.due_date < $2 AND c.status NOT IN ('closed', 'cancelled')) AS overdue,
    c.root_cause::text AS root_cause, c.ncr_ids, c.effectiveness_due, c.effective,
    c.effectiveness_note, c.closed_at, c.version, c.created_at, c.created_by, c.updated_at,
    (SELECT coalesce(json_agg(json_build_object(
                'id', a.id, 'description', a.description, 'owner', a.owner,
                'due_date', a.due_date, 'done_at', a.done_at,
                'overdue', a.done_at IS NULL AND a.due_date < $2) ORDER BY a.id), '[]')::text
     FROM quality.capa_actions a
     WHERE a.organization_id = c.organization_id AND a.capa_id = c.id) AS actions
FROM quality.capas c
WHERE c.organization_id = app.current_org() AND c.id = ANY($1::uuid[]);

-- name: lock
-- CAPA $1's version, its row locked.
SELECT version FROM quality.capas WHERE organization_id = app.current_org() AND id = $1
FOR UPDATE;

-- name: page
-- CAPAs: $1 plant, $2 status, $3 NCR, $4 overdue only (as of $5) (each null: any), newest
-- first before $6, at most $7.
SELECT c.id, c.plant_id, c.number, c.kind, c.title, c.status, c.owner, c.due_date,
    (c.due_date < $5 AND c.status NOT IN ('closed', 'cancelled')) AS overdue,
    c.root_cause::text AS root_cause, c.ncr_ids, c.effectiveness_due, c.effective,
    c.effectiveness_note, c.closed_at, c.version, c.created_at, c.created_by, c.updated_at,
    (SELECT coalesce(json_agg(json_build_object(
                'id', a.id, 'description', a.description, 'owner', a.owner,
                'due_date', a.due_date, 'done_at', a.done_at,
                'overdue', a.done_at IS NULL AND a.due_date < $5) ORDER BY a.id), '[]')::text
     FROM quality.capa_actions a
     WHERE a.organization_id = c.organization_id AND a.capa_id = c.id) AS actions
FROM quality.capas c
WHERE c.organization_id = app.current_org()
  AND ($1::uuid IS NULL OR c.plant_id = $1)
  AND ($2::text IS NULL OR c.status = $2)
  AND ($3::uuid IS NULL OR c.ncr_ids @> ARRAY[$3::uuid])
  AND (NOT coalesce($4::boolean, false)
       OR (c.status NOT IN ('closed', 'cancelled') AND c.due_date < $5)
       OR EXISTS (SELECT 1 FROM quality.capa_actions a
                  WHERE a.organization_id = c.organization_id AND a.capa_id = c.id
                    AND a.done_at IS NULL AND a.due_date < $5))
  AND ($6::uuid IS NULL OR c.id < $6)
ORDER BY c.id DESC
LIMIT $7;

-- name: update_fields
-- CAPA $1's fields ($2 title, $3 owner, $4 due date, $5 NCR ids, $6 root cause jsonb,
-- $7 effectiveness due); a moved due date may be overdue again later.
UPDATE quality.capas SET title = $2, owner = $3,
    overdue_flagged_at = CASE WHEN due_date = $4 THEN overdue_flagged_at END,
    due_date = $4, ncr_ids = $5, root_cause = $6::text::jsonb, effectiveness_due = $7,
    version = version + 1, updated_at = now(), updated_by = app.current_user_id()
WHERE organization_id = app.current_org() AND id = $1;

-- name: step
-- CAPA $1 moves to $2 (step $3, jsonb object); $4 effective, $5 note of the check when
-- given; closed_at set on closing.
UPDATE quality.capas SET status = $2, step_history = step_history || $3::text::jsonb,
    effective = coalesce($4, effective), effectiveness_note = coalesce($5, effectiveness_note),
    closed_at = CASE WHEN $2 = 'closed' THEN now() END,
    version = version + 1, updated_at = now(), updated_by = app.current_user_id()
WHERE organization_id = app.current_org() AND id = $1;

-- name: touch
-- CAPA $1 changed through its actions.
UPDATE quality.capas SET version = version + 1, updated_at = now(),
    updated_by = app.current_user_id()
WHERE organization_id = app.current_org() AND id = $1;

-- name: action_done
-- Action $2 of CAPA $1 done (or open again: $3 false).
UPDATE quality.capa_actions
SET done_at = CASE WHEN $3 THEN coalesce(done_at, now()) END
WHERE organization_id = app.current_org() AND capa_id = $1 AND id = $2
RETURNING id;

-- name: ncrs_known
-- Which of the NCRs $1 exist in plant $2.
SELECT id FROM quality.ncrs
WHERE organization_id = app.current_org() AND id = ANY($1::uuid[]) AND plant_id = $2;

-- name: overdue_capas
-- Open CAPAs due before $1 not yet flagged, locked, at most $2.
SELECT id FROM quality.capas
WHERE organization_id = app.current_org() AND status NOT IN ('closed', 'cancelled')
  AND due_date < $1 AND overdue_flagged_at IS NULL
ORDER BY due_date, id
LIMIT $2
FOR UPDATE SKIP LOCKED;

-- name: overdue_actions
-- Open actions due before $1 not yet flagged (of CAPAs still open), at most $2.
SELECT a.id, a.capa_id FROM quality.capa_actions a
JOIN quality.capas c ON c.organization_id = a.organization_id AND c.id = a.capa_id
WHERE a.organization_id = app.current_org() AND a.done_at IS NULL AND a.due_date < $1
  AND a.overdue_flagged_at IS NULL AND c.status NOT IN ('closed', 'cancelled')
ORDER BY a.due_date, a.id
LIMIT $2
FOR UPDATE OF a SKIP LOCKED;

-- name: flag_capas
-- CAPAs $1 flagged overdue.
UPDATE quality.capas SET overdue_flagged_at = now()
WHERE organization_id = app.current_org() AND id = ANY($1::uuid[]);

-- name: flag_actions
-- Actions $1 flagged overdue.
UPDATE quality.capa_actions SET overdue_flagged_at = now()
WHERE organization_id = app.current_org() AND id = ANY($1::uuid[]);
