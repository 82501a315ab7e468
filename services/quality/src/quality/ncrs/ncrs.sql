-- NCRs, their lots and files.

-- name: insert
-- An NCR: $1 plant, $2 number, $3 title, $4 description, $5 severity, $6 material,
-- $7 quantity, $8 unit, $9 work order, $10 operation, $11 work center, $12 supplier,
-- $13 customer, $14 inspection, $15 defect codes, $16 first step (jsonb array).
INSERT INTO quality.ncrs (organization_id, plant_id, number, title, description, severity,
    material_id, quantity, unit, work_order_id, operation_no, work_center_id, supplier,
    customer, inspection_id, defect_codes, step_history)
VALUES (app.current_org(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,
        $16::text::jsonb)
RETURNING id;

-- name: lots_insert
-- NCR $1's lots ($2 plant, $3 lots, $4 quantities).
INSERT INTO quality.ncr_lots (organization_id, ncr_id, plant_id, lot, quantity)
SELECT app.current_org(), $1, $2, l, q FROM unnest($3::text[], $4::numeric[]) AS x(l, q);

-- name: get
-- NCR $1 with its lots (as a JSON array).
SELECT n.id, n.plant_id, n.number, n.status, n.title, n.description, n.severity, n.material_id,
    n.quantity, n.unit, n.work_order_id, n.operation_no, n.work_center_id, n.supplier,
    n.customer, n.inspection_id, n.defect_codes, n.disposition, n.disposition_note,
    n.disposition_status, n.disposition_error, n.step_history::text AS steps, n.version,
    n.created_at, n.created_by, n.updated_at, n.updated_by,
    (SELECT coalesce(json_agg(json_build_object('lot', l.lot, 'quantity', l.quantity)
                              ORDER BY l.lot), '[]')::text
     FROM quality.ncr_lots l
     WHERE l.organization_id = n.organization_id AND l.ncr_id = n.id) AS lots
FROM quality.ncrs n
WHERE n.organization_id = app.current_org() AND n.id = $1;

-- name: lock
-- NCR $1 locked (its current version).
SELECT version FROM quality.ncrs WHERE organization_id = app.current_org() AND id = $1
FOR UPDATE;

-- name: page
-- NCRs: $1 plant, $2 material, $3 status, $4 open only (each null: any), newest first
-- before $5, at most $6.
SELECT n.id, n.plant_id, n.number, n.status, n.title, n.description, n.severity, n.material_id,
    n.quantity, n.unit, n.work_order_id, n.operation_no, n.work_center_id, n.supplier,
    n.customer, n.inspection_id, n.defect_codes, n.disposition, n.disposition_note,
    n.disposition_status, n.disposition_error, n.step_history::text AS steps, n.version,
    n.created_at, n.created_by, n.updated_at, n.updated_by,
    (SELECT coalesce(json_agg(json_build_object('lot', l.lot, 'quantity', l.quantity)
                              ORDER BY l.lot), '[]')::text
     FROM quality.ncr_lots l
     WHERE l.organization_id = n.organization_id AND l.ncr_id = n.id) AS lots
FROM quality.ncrs n
WHERE n.organization_id = app.current_org()
  AND ($1::uuid IS NULL OR n.plant_id = $1)
  AND ($2::uuid IS NULL OR n.material_id = $2)
  AND ($3::text IS NULL OR n.status = $3)
  AND (NOT coalesce($4::boolean, false) OR n.status NOT IN ('closed', 'cancelled'))
  AND ($5::uuid IS NULL OR n.id < $5)
ORDER BY n.id DESC
LIMIT $6;

-- name: update_fields
-- NCR $1's editable fields ($2 title, $3 description, $4 severity, $5 supplier,
-- $6 customer, $7 defect codes).
UPDATE quality.ncrs SET title = $2, description = $3, severity = $4, supplier = $5,
    customer = $6, defect_codes = $7, version = version + 1, updated_at = now(),
    updated_by = app.current_user_id()
WHERE organization_id = app.current_org() AND id = $1;

-- name: step
-- NCR $1 moves to status $2, the step ($3, one jsonb object) appended to its history.
UPDATE quality.ncrs SET status = $2, step_history = step_history || $3::text::jsonb,
    version = version + 1, updated_at = now(), updated_by = app.current_user_id()
WHERE organization_id = app.current_org() AND id = $1;

-- name: disposition
-- NCR $1's disposition $2 (note $3) in status $4 ('requested' with request $5, or 'done'),
-- entering the disposition step ($6).
UPDATE quality.ncrs SET status = 'disposition', disposition = $2, disposition_note = $3,
    disposition_status = $4, disposition_request_id = $5, disposition_error = NULL,
    step_history = step_history || $6::text::jsonb,
    version = version + 1, updated_at = now(), updated_by = app.current_user_id()
WHERE organization_id = app.current_org() AND id = $1;

-- name: answered
-- Inventory's answer to request $1: $2 posted or failed, $3 error, $4 the step recorded
-- (jsonb object). No row: not the NCR's current request (an answer to an older one).
UPDATE quality.ncrs SET disposition_status = $2, disposition_error = $3,
    step_history = step_history || $4::text::jsonb, version = version + 1, updated_at = now()
WHERE organization_id = app.current_org() AND disposition_request_id = $1
  AND disposition_status = 'requested'
RETURNING id;

-- name: failed_results
-- The defect codes the failed results of inspection $1 name (or the characteristics that
-- failed without a code), most frequent first.
SELECT coalesce(defect_code, characteristic) AS code, count(*) AS n
FROM quality.results
WHERE organization_id = app.current_org() AND inspection_id = $1 AND NOT passed
GROUP BY 1 ORDER BY 2 DESC, 1
LIMIT 50;

-- name: of_inspection
-- The NCR already raised from inspection $1, if any (not cancelled).
SELECT id FROM quality.ncrs
WHERE organization_id = app.current_org() AND inspection_id = $1 AND status <> 'cancelled'
LIMIT 1;

-- name: file_insert
-- A file of NCR $1 ($2 plant, $3 filename, $4 content type, $5 size, $6 the object's key).
INSERT INTO quality.ncr_files (organization_id, plant_id, ncr_id, filename, content_type,
    size_bytes, object_key)
VALUES (app.current_org(), $2, $1, $3, $4, $5, $6)
RETURNING id, ncr_id, filename, content_type, size_bytes, uploaded_at, uploaded_by;

-- name: files
-- NCR $1's files (without their content).
SELECT id, ncr_id, filename, content_type, size_bytes, uploaded_at, uploaded_by
FROM quality.ncr_files
WHERE organization_id = app.current_org() AND ncr_id = $1
ORDER BY id;

-- name: file_get
-- File $2 of NCR $1: where it is (its key; the bytes themselves for a row written before
-- the object store).
SELECT filename, content_type, size_bytes, object_key, content FROM quality.ncr_files
WHERE organization_id = app.current_org() AND ncr_id = $1 AND id = $2;

-- name: file_delete
-- File $2 of NCR $1 deleted (a trigger queues its object for deletion); its id and key
-- back (no key: a row from before the object store).
DELETE FROM quality.ncr_files
WHERE organization_id = app.current_org() AND ncr_id = $1 AND id = $2
RETURNING id, object_key;
