-- Inspection lots, results, the switching state of a sampling stream.

-- name: next_number
-- The organization's next number of kind $1.
INSERT INTO quality.number_ranges (organization_id, kind, next_value)
VALUES (app.current_org(), $1, 2)
ON CONFLICT (organization_id, kind) DO UPDATE
SET next_value = quality.number_ranges.next_value + 1
RETURNING next_value - 1;

-- name: insert
-- An inspection ($1 plant, $2 number, $3 plan, $4 material, $5 lot, $6 quantity, $7 unit,
-- $8 trigger, $9 source_key, $10 work order, $11 operation, $12 work center, $13 supplier,
-- $14 severity, $15 sample size, $16 Ac, $17 Re, $18 characteristics, $19 lot_held); no row
-- when its source made one already.
INSERT INTO quality.inspections (organization_id, plant_id, number, plan_id, material_id, lot,
    quantity, unit, trigger, source_key, work_order_id, operation_no, work_center_id, supplier,
    severity, sample_size, acceptance_number, rejection_number, characteristics, lot_held)
VALUES (app.current_org(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14,
        $15, $16, $17, $18::text::jsonb, $19)
ON CONFLICT (organization_id, source_key) WHERE source_key IS NOT NULL DO NOTHING
RETURNING id, plant_id, number, plan_id, material_id, lot, quantity, unit, trigger, work_order_id,
    operation_no, work_center_id, supplier, severity, sample_size, acceptance_number,
    rejection_number, characteristics::text AS characteristics, status, proposal, proposal_rule,
    decision, accepted_quantity, rejected_quantity, decided_at, decided_by, decision_note,
    lot_held, version, created_at, created_by;

-- name: get
-- Inspection $1.
SELECT id, plant_id, number, plan_id, material_id, lot, quantity, unit, trigger, work_order_id,
    operation_no, work_center_id, supplier, severity, sample_size, acceptance_number,
    rejection_number, characteristics::text AS characteristics, status, proposal, proposal_rule,
    decision, accepted_quantity, rejected_quantity, decided_at, decided_by, decision_note,
    lot_held, version, created_at, created_by FROM quality.inspections
WHERE organization_id = app.current_org() AND id = $1;

-- name: lock
-- Inspection $1, locked.
SELECT id, plant_id, number, plan_id, material_id, lot, quantity, unit, trigger, work_order_id,
    operation_no, work_center_id, supplier, severity, sample_size, acceptance_number,
    rejection_number, characteristics::text AS characteristics, status, proposal, proposal_rule,
    decision, accepted_quantity, rejected_quantity, decided_at, decided_by, decision_note,
    lot_held, version, created_at, created_by FROM quality.inspections
WHERE organization_id = app.current_org() AND id = $1
FOR UPDATE;

-- name: verdict
-- Inspection $1's status $2 and the plan's verdict ($3 proposal, $4 rule).
UPDATE quality.inspections SET status = $2, proposal = $3, proposal_rule = $4,
    version = version + 1
WHERE organization_id = app.current_org() AND id = $1;

-- name: decide
-- Inspection $1's usage decision: $2 decision, $3 accepted, $4 rejected, $5 note.
UPDATE quality.inspections
SET status = 'decided', decision = $2, accepted_quantity = $3, rejected_quantity = $4,
    decision_note = $5, decided_at = now(), decided_by = app.current_user_id(),
    version = version + 1
WHERE organization_id = app.current_org() AND id = $1
RETURNING id, plant_id, number, plan_id, material_id, lot, quantity, unit, trigger, work_order_id,
    operation_no, work_center_id, supplier, severity, sample_size, acceptance_number,
    rejection_number, characteristics::text AS characteristics, status, proposal, proposal_rule,
    decision, accepted_quantity, rejected_quantity, decided_at, decided_by, decision_note,
    lot_held, version, created_at, created_by;

-- name: page
-- Inspections: $1 plant, $2 material, $3 status (each null: any), newest first before $4,
-- at most $5.
SELECT id, plant_id, number, plan_id, material_id, lot, quantity, unit, trigger, work_order_id,
    operation_no, work_center_id, supplier, severity, sample_size, acceptance_number,
    rejection_number, characteristics::text AS characteristics, status, proposal, proposal_rule,
    decision, accepted_quantity, rejected_quantity, decided_at, decided_by, decision_note,
    lot_held, version, created_at, created_by FROM quality.inspections
WHERE organization_id = app.current_org()
  AND ($1::uuid IS NULL OR plant_id = $1)
  AND ($2::uuid IS NULL OR material_id = $2)
  AND ($3::text IS NULL OR status = $3)
  AND ($4::uuid IS NULL OR id < $4)
ORDER BY id DESC
LIMIT $5;

-- name: results_insert
-- Results, arrays: $1 measured_at, $2 plant, $3 inspection, $4 material, $5 characteristic,
-- $6 sample_no, $7 value, $8 passed, $9 defect_code, $10 work center.
INSERT INTO quality.results (organization_id, measured_at, plant_id, inspection_id,
    material_id, characteristic, sample_no, value, passed, defect_code, work_center_id)
SELECT app.current_org(), t, p, i, m, c, s, v, ok, d, w
FROM unnest($1::timestamptz[], $2::uuid[], $3::uuid[], $4::uuid[], $5::text[],
            $6::integer[], $7::numeric[], $8::boolean[], $9::text[], $10::uuid[])
     AS x(t, p, i, m, c, s, v, ok, d, w);

-- name: results_tally
-- Inspection $1's latest result per sample and characteristic, summed: how many
-- (sample, characteristic) pairs have one, and how many samples failed any.
WITH latest AS (
    SELECT DISTINCT ON (sample_no, characteristic) sample_no, characteristic, passed
    FROM quality.results
    WHERE organization_id = app.current_org() AND inspection_id = $1
    ORDER BY sample_no, characteristic, measured_at DESC, id DESC
)
SELECT count(*) AS recorded,
       count(DISTINCT sample_no) FILTER (WHERE NOT passed) AS nonconforming
FROM latest;

-- name: results_of
-- Inspection $1's results in (sample, characteristic, time) order.
SELECT characteristic, sample_no, value, passed, defect_code, measured_at, recorded_by
FROM quality.results
WHERE organization_id = app.current_org() AND inspection_id = $1
ORDER BY sample_no, characteristic, measured_at;

-- name: state_get
-- The switching state of the stream ($1 plant, $2 material, $3 supplier), locked.
SELECT state::text AS state FROM quality.sampling_states
WHERE organization_id = app.current_org() AND plant_id = $1 AND material_id = $2
  AND supplier = $3
FOR UPDATE;

-- name: state_read
-- The switching state of the stream ($1 plant, $2 material, $3 supplier).
SELECT state::text AS state FROM quality.sampling_states
WHERE organization_id = app.current_org() AND plant_id = $1 AND material_id = $2
  AND supplier = $3;

-- name: state_put
-- The stream's new state $4.
INSERT INTO quality.sampling_states (organization_id, plant_id, material_id, supplier, state)
VALUES (app.current_org(), $1, $2, $3, $4::text::jsonb)
ON CONFLICT (organization_id, plant_id, material_id, supplier) DO UPDATE
SET state = excluded.state, updated_at = now();

-- name: cancel
-- Inspection $1 cancelled.
UPDATE quality.inspections SET status = 'cancelled', decision_note = $2,
    decided_at = now(), decided_by = app.current_user_id(), version = version + 1
WHERE organization_id = app.current_org() AND id = $1
RETURNING id, plant_id, number, plan_id, material_id, lot, quantity, unit, trigger, work_order_id,
    operation_no, work_center_id, supplier, severity, sample_size, acceptance_number,
    rejection_number, characteristics::text AS characteristics, status, proposal, proposal_rule,
    decision, accepted_quantity, rejected_quantity, decided_at, decided_by, decision_note,
    lot_held, version, created_at, created_by;

-- name: lots_due
-- Lots of material $1 in plant $2 in stock with no inspection (not cancelled) created
-- since $3, at most $4.
SELECT s.lot, s.quantity, s.unit FROM quality.lot_stock s
WHERE s.organization_id = app.current_org() AND s.material_id = $1 AND s.plant_id = $2
  AND s.quantity > 0
  AND NOT EXISTS (
      SELECT 1 FROM quality.inspections i
      WHERE i.organization_id = s.organization_id AND i.material_id = s.material_id
        AND i.lot = s.lot AND i.plant_id = s.plant_id AND i.status <> 'cancelled'
        AND i.created_at >= $3)
ORDER BY s.lot
LIMIT $4;
