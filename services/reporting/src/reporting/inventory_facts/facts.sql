-- Inventory facts in, the rollups and the current stock maintained in the same statement.

-- name: add_movement
-- A goods movement document: $1 posting date, $2 movement id, $3 movement type,
-- $4 reversal_of, $5 event id, $6 occurred_at, then its lines as parallel arrays: $7 line
-- numbers, $8 plants, $9 locations, $10 materials, $11 lots ('' none), $12 categories,
-- $13 signed quantities, $14 signed values. Lines already kept (the same document told
-- twice) are skipped, so nothing is added twice. Returns the plants whose figures
-- changed (empty when nothing was new).
WITH new AS (
    INSERT INTO reporting.inventory_movement_facts (organization_id, posting_date,
        movement_id, line_no, movement_type, plant_id, location_id, material_id, lot,
        category, quantity, value, reversal_of, event_id, occurred_at)
    SELECT app.current_org(), $1::date, $2::uuid, l.line_no, $3::text, l.plant_id,
        l.location_id, l.material_id, l.lot, l.category, l.quantity, l.value, $4::uuid,
        $5::uuid, $6::timestamptz
    FROM unnest($7::integer[], $8::uuid[], $9::uuid[], $10::uuid[], $11::text[],
        $12::text[], $13::numeric[], $14::numeric[])
        AS l(line_no, plant_id, location_id, material_id, lot, category, quantity, value)
    ON CONFLICT (organization_id, posting_date, movement_id, line_no) DO NOTHING
    RETURNING posting_date, movement_id, movement_type, plant_id, material_id, lot,
        quantity, value
), plant_day AS (
    INSERT INTO reporting.inventory_plant_daily AS r (organization_id, bucket_day,
        plant_id, movement_type, documents, lines, quantity_in, quantity_out, value_in,
        value_out)
    SELECT app.current_org(), posting_date, plant_id, movement_type,
        count(DISTINCT movement_id), count(*),
        coalesce(sum(quantity) FILTER (WHERE quantity > 0), 0),
        coalesce(-sum(quantity) FILTER (WHERE quantity <= 0), 0),
        coalesce(sum(value) FILTER (WHERE quantity > 0), 0),
        coalesce(-sum(value) FILTER (WHERE quantity <= 0), 0)
    FROM new
    GROUP BY 2, 3, 4
    ON CONFLICT (organization_id, bucket_day, plant_id, movement_type)
    DO UPDATE SET documents = r.documents + excluded.documents,
        lines = r.lines + excluded.lines,
        quantity_in = r.quantity_in + excluded.quantity_in,
        quantity_out = r.quantity_out + excluded.quantity_out,
        value_in = r.value_in + excluded.value_in,
        value_out = r.value_out + excluded.value_out
    RETURNING 1
), material_day AS (
    INSERT INTO reporting.inventory_daily AS r (organization_id, bucket_day, plant_id,
        material_id, movement_type, lines, quantity_in, quantity_out, value_in, value_out)
    SELECT app.current_org(), posting_date, plant_id, material_id, movement_type, count(*),
        coalesce(sum(quantity) FILTER (WHERE quantity > 0), 0),
        coalesce(-sum(quantity) FILTER (WHERE quantity <= 0), 0),
        coalesce(sum(value) FILTER (WHERE quantity > 0), 0),
        coalesce(-sum(value) FILTER (WHERE quantity <= 0), 0)
    FROM new
    GROUP BY 2, 3, 4, 5
    ON CONFLICT (organization_id, bucket_day, plant_id, material_id, movement_type)
    DO UPDATE SET lines = r.lines + excluded.lines,
        quantity_in = r.quantity_in + excluded.quantity_in,
        quantity_out = r.quantity_out + excluded.quantity_out,
        value_in = r.value_in + excluded.value_in,
        value_out = r.value_out + excluded.value_out
    RETURNING 1
), material_stock AS (
    INSERT INTO reporting.inventory_material_stock AS r (organization_id, plant_id,
        material_id, lines, quantity, value)
    SELECT app.current_org(), plant_id, material_id, count(*), sum(quantity), sum(value)
    FROM new
    GROUP BY 2, 3
    ON CONFLICT (organization_id, plant_id, material_id)
    DO UPDATE SET lines = r.lines + excluded.lines,
        quantity = r.quantity + excluded.quantity, value = r.value + excluded.value
    RETURNING 1
), lot_stock AS (
    -- The first receipt is a minimum, so the order facts arrive in does not matter.
    INSERT INTO reporting.inventory_lot_stock AS r (organization_id, plant_id,
        material_id, lot, lines, quantity, first_received)
    SELECT app.current_org(), plant_id, material_id, lot, count(*), sum(quantity),
        min(posting_date) FILTER (WHERE quantity > 0)
    FROM new
    WHERE lot <> ''
    GROUP BY 2, 3, 4
    ON CONFLICT (organization_id, plant_id, material_id, lot)
    DO UPDATE SET lines = r.lines + excluded.lines,
        quantity = r.quantity + excluded.quantity,
        first_received = least(r.first_received, excluded.first_received)
    RETURNING 1
)
SELECT coalesce(array_agg(DISTINCT plant_id), '{}') FROM new;

-- name: keep_material
-- The material master: $1 material, $2 number, $3 group, $4 base unit, $5 version. A
-- lower version than the one kept (a late event) changes nothing.
INSERT INTO reporting.inventory_materials AS m (organization_id, material_id, number,
    material_group, base_unit, version)
VALUES (app.current_org(), $1, $2, $3, $4, $5)
ON CONFLICT (organization_id, material_id)
DO UPDATE SET number = excluded.number, material_group = excluded.material_group,
    base_unit = excluded.base_unit, version = excluded.version
WHERE m.version < excluded.version AND NOT m.deleted;

-- name: delete_material
-- Material $1 ($2 its number) was deleted: kept (its facts stay), marked.
INSERT INTO reporting.inventory_materials AS m (organization_id, material_id, number,
    base_unit, version, deleted)
VALUES (app.current_org(), $1, $2, '', 0, true)
ON CONFLICT (organization_id, material_id) DO UPDATE SET deleted = true;

-- name: keep_reorder_state
-- A reorder-point crossing of material $2 in plant $1: $3 below (false: recovered),
-- $4 material number, $5 unit, $6 on hand, $7 reorder point, $8 safety stock,
-- $9 suggested quantity, $10 below since, $11 event id, $12 occurred_at. The newest
-- event wins. Returns 1 when the state changed.
WITH kept AS (
    INSERT INTO reporting.inventory_below_reorder AS b (organization_id, plant_id,
        material_id, below, material_number, unit, on_hand, reorder_point, safety_stock,
        suggested_quantity, below_since, event_id, occurred_at)
    VALUES (app.current_org(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
    ON CONFLICT (organization_id, plant_id, material_id)
    DO UPDATE SET below = excluded.below, material_number = excluded.material_number,
        unit = excluded.unit, on_hand = excluded.on_hand,
        reorder_point = excluded.reorder_point, safety_stock = excluded.safety_stock,
        suggested_quantity = excluded.suggested_quantity,
        below_since = excluded.below_since, event_id = excluded.event_id,
        occurred_at = excluded.occurred_at
    WHERE (b.occurred_at, b.event_id) < (excluded.occurred_at, excluded.event_id)
    RETURNING 1
)
SELECT count(*) FROM kept;

-- name: bump_days
-- Facts of plant $1 changed the figures of days $2 (date[]): their counters go up by one.
INSERT INTO reporting.inventory_generations AS g (organization_id, plant_id, day)
SELECT app.current_org(), $1::uuid, d FROM unnest($2::date[]) AS d
ON CONFLICT (organization_id, plant_id, day) DO UPDATE SET generation = g.generation + 1;

-- name: bump_span
-- A rebuild of days [$2, $3] for plants $1 (uuid[]): every one of those days changed.
INSERT INTO reporting.inventory_generations AS g (organization_id, plant_id, day)
SELECT app.current_org(), p, d::date
FROM unnest($1::uuid[]) AS p, generate_series($2::date, $3::date, interval '1 day') AS d
ON CONFLICT (organization_id, plant_id, day) DO UPDATE SET generation = g.generation + 1;

-- name: range_generation
-- The sum of the counters of plants $1 (uuid[]) over days [$2, $3].
SELECT coalesce(sum(generation), 0)::bigint
FROM reporting.inventory_generations
WHERE organization_id = app.current_org() AND plant_id = ANY($1::uuid[])
  AND day BETWEEN $2 AND $3;

-- name: materials_generation
-- Grows with every change of the organization's material master (each bumps a version;
-- rows are never deleted): part of the key of answers filtered by material group.
SELECT coalesce(sum(version), 0)::bigint + count(*) FILTER (WHERE deleted)
FROM reporting.inventory_materials
WHERE organization_id = app.current_org();
