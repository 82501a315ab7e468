-- Inventory facts in, the rollups and the current stock maintained in the same statement.

-- name: add_movement
-- Ledger lines of a goods movement event, as parallel arrays: $1 posting dates,
-- $2 documents, $3 line numbers, $4 movement types, $5 plants, $6 locations,
-- $7 materials, $8 lots ('' none), $9 categories, $10 signed quantities, $11 signed
-- values, $12 reversal_of; $13 event id, $14 occurred_at. The document's own lines and
-- earlier lines a back-dated posting restated (a new value). A line not kept yet is a
-- new fact; a kept one takes the value of a newer event (occurred_at, then id) and the
-- rollups get new minus old; an older or equal one (the same document told twice, a
-- restatement overtaken by a later one) changes nothing. Returns the plants whose
-- figures changed (empty when nothing did).
WITH input AS (
    SELECT *
    FROM unnest($1::date[], $2::uuid[], $3::integer[], $4::text[], $5::uuid[], $6::uuid[],
        $7::uuid[], $8::text[], $9::text[], $10::numeric[], $11::numeric[], $12::uuid[])
        AS l(posting_date, movement_id, line_no, movement_type, plant_id, location_id,
            material_id, lot, category, quantity, value, reversal_of)
), old AS (
    SELECT f.posting_date, f.movement_id, f.line_no, f.value
    FROM reporting.inventory_movement_facts f
    JOIN input i ON f.posting_date = i.posting_date AND f.movement_id = i.movement_id
        AND f.line_no = i.line_no
    WHERE f.organization_id = app.current_org()
), written AS (
    INSERT INTO reporting.inventory_movement_facts AS f (organization_id, posting_date,
        movement_id, line_no, movement_type, plant_id, location_id, material_id, lot,
        category, quantity, value, reversal_of, event_id, occurred_at)
    SELECT app.current_org(), posting_date, movement_id, line_no, movement_type, plant_id,
        location_id, material_id, lot, category, quantity, value, reversal_of, $13::uuid,
        $14::timestamptz
    FROM input
    ON CONFLICT (organization_id, posting_date, movement_id, line_no)
    DO UPDATE SET value = excluded.value, event_id = excluded.event_id,
        occurred_at = excluded.occurred_at, received_at = now()
    WHERE (f.occurred_at, f.event_id) < (excluded.occurred_at, excluded.event_id)
      AND f.value <> excluded.value
    RETURNING posting_date, movement_id, line_no, movement_type, plant_id, material_id,
        lot, quantity, value
), new AS (
    -- What each written line adds: all of it when new, its value's change when restated.
    SELECT w.posting_date, w.movement_id, w.movement_type, w.plant_id, w.material_id,
        w.lot, o.movement_id IS NULL AS added,
        CASE WHEN o.movement_id IS NULL THEN w.quantity ELSE 0 END AS quantity,
        w.quantity > 0 AS inward, w.value - coalesce(o.value, 0) AS value,
        CASE WHEN o.movement_id IS NULL AND w.quantity > 0 THEN w.posting_date END
            AS received
    FROM written w
    LEFT JOIN old o ON o.posting_date = w.posting_date AND o.movement_id = w.movement_id
        AND o.line_no = w.line_no
), plant_day AS (
    INSERT INTO reporting.inventory_plant_daily AS r (organization_id, bucket_day,
        plant_id, movement_type, documents, lines, quantity_in, quantity_out, value_in,
        value_out)
    SELECT app.current_org(), posting_date, plant_id, movement_type,
        count(DISTINCT movement_id) FILTER (WHERE added), count(*) FILTER (WHERE added),
        coalesce(sum(quantity) FILTER (WHERE inward), 0),
        coalesce(-sum(quantity) FILTER (WHERE NOT inward), 0),
        coalesce(sum(value) FILTER (WHERE inward), 0),
        coalesce(-sum(value) FILTER (WHERE NOT inward), 0)
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
    SELECT app.current_org(), posting_date, plant_id, material_id, movement_type,
        count(*) FILTER (WHERE added),
        coalesce(sum(quantity) FILTER (WHERE inward), 0),
        coalesce(-sum(quantity) FILTER (WHERE NOT inward), 0),
        coalesce(sum(value) FILTER (WHERE inward), 0),
        coalesce(-sum(value) FILTER (WHERE NOT inward), 0)
    FROM new
    GROUP BY 2, 3, 4, 5
    ON CONFLICT (organization_id, bucket_day, plant_id, material_id, movement_type)
    DO UPDATE SET lines = r.lines + excluded.lines,
        quantity_in = r.quantity_in + excluded.quantity_in,
        quantity_out = r.quantity_out + excluded.quantity_out,
        value_in = r.value_in + excluded.value_in,
        value_out = r.value_out + excluded.value_out
    RETURNING 1
), plant_month AS (
    INSERT INTO reporting.inventory_plant_monthly AS r (organization_id, bucket_month,
        plant_id, lines, net_quantity, net_value)
    SELECT app.current_org(), date_trunc('month', posting_date)::date, plant_id,
        count(*) FILTER (WHERE added), sum(quantity), sum(value)
    FROM new
    GROUP BY 2, 3
    ON CONFLICT (organization_id, bucket_month, plant_id)
    DO UPDATE SET lines = r.lines + excluded.lines,
        net_quantity = r.net_quantity + excluded.net_quantity,
        net_value = r.net_value + excluded.net_value
    RETURNING 1
), material_month AS (
    INSERT INTO reporting.inventory_monthly AS r (organization_id, bucket_month, plant_id,
        material_id, lines, net_quantity, net_value)
    SELECT app.current_org(), date_trunc('month', posting_date)::date, plant_id,
        material_id, count(*) FILTER (WHERE added), sum(quantity), sum(value)
    FROM new
    GROUP BY 2, 3, 4
    ON CONFLICT (organization_id, bucket_month, plant_id, material_id)
    DO UPDATE SET lines = r.lines + excluded.lines,
        net_quantity = r.net_quantity + excluded.net_quantity,
        net_value = r.net_value + excluded.net_value
    RETURNING 1
), material_stock AS (
    INSERT INTO reporting.inventory_material_stock AS r (organization_id, plant_id,
        material_id, lines, quantity, value)
    SELECT app.current_org(), plant_id, material_id, count(*) FILTER (WHERE added),
        sum(quantity), sum(value)
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
        min(received)
    FROM new
    WHERE lot <> '' AND added
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
