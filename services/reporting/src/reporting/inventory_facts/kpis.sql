-- The inventory KPIs' reads. Ratios are computed from the sums in Python.
-- Filters everywhere: a plant (null: every plant the caller may see), a material, a
-- material group (as inventory's material master says now). Without a material filter
-- the plant rollup is read, with one the material rollup.

-- name: stock
-- Stock per day of [$1, $2] (the running sum of every net flow up to that day) and the
-- cost of goods issued (261/601 and their reversals 262/602, at the values inventory
-- gave the lines), summed per $3 ('day', 'week' (ISO) or 'month'); $4 plant, $5 material,
-- $6 material group. The opening stock is the monthly rollup before $1's month plus the
-- days of that month before $1, so a plant's history is read month by month.
-- ``stock_value_days`` is the sum of the days' closing values (the average is it over
-- ``days``); closing = the bucket's last day. With a material or group filter the
-- material rollups are read through their material index (``= ANY`` of the chosen ids).
WITH chosen AS (
    SELECT CASE WHEN $5::uuid IS NOT NULL THEN ARRAY[$5::uuid]
        ELSE ARRAY(SELECT material_id FROM reporting.inventory_materials
                   WHERE organization_id = app.current_org() AND material_group = $6)
        END AS ids
), bounds AS (
    SELECT date_trunc('month', $1::date)::date AS month_start
), months AS (
    SELECT net_quantity AS quantity, net_value AS value
    FROM reporting.inventory_plant_monthly
    WHERE $5::uuid IS NULL AND $6::text IS NULL AND organization_id = app.current_org()
      AND bucket_month < (SELECT month_start FROM bounds)
      AND ($4::uuid IS NULL OR plant_id = $4)
    UNION ALL
    SELECT net_quantity, net_value
    FROM reporting.inventory_monthly
    WHERE ($5::uuid IS NOT NULL OR $6::text IS NOT NULL)
      AND organization_id = app.current_org()
      AND material_id = ANY ((SELECT ids FROM chosen)::uuid[])
      AND bucket_month < (SELECT month_start FROM bounds)
      AND ($4::uuid IS NULL OR plant_id = $4)
), flows AS (
    SELECT bucket_day AS day, movement_type, quantity_in - quantity_out AS quantity,
        value_in - value_out AS value
    FROM reporting.inventory_plant_daily
    WHERE $5::uuid IS NULL AND $6::text IS NULL AND organization_id = app.current_org()
      AND bucket_day BETWEEN (SELECT month_start FROM bounds) AND $2
      AND ($4::uuid IS NULL OR plant_id = $4)
    UNION ALL
    SELECT bucket_day, movement_type, quantity_in - quantity_out, value_in - value_out
    FROM reporting.inventory_daily
    WHERE ($5::uuid IS NOT NULL OR $6::text IS NOT NULL)
      AND organization_id = app.current_org()
      AND material_id = ANY ((SELECT ids FROM chosen)::uuid[])
      AND bucket_day BETWEEN (SELECT month_start FROM bounds) AND $2
      AND ($4::uuid IS NULL OR plant_id = $4)
), opening AS (
    SELECT coalesce(sum(quantity), 0) AS quantity, coalesce(sum(value), 0) AS value
    FROM (
        SELECT quantity, value FROM months
        UNION ALL
        SELECT quantity, value FROM flows WHERE day < $1
    ) o
), per_day AS (
    SELECT d::date AS day, coalesce(sum(f.quantity), 0) AS quantity,
        coalesce(sum(f.value), 0) AS value,
        coalesce(-sum(f.quantity) FILTER (
            WHERE f.movement_type IN ('261', '262', '601', '602')), 0) AS issued_quantity,
        coalesce(-sum(f.value) FILTER (
            WHERE f.movement_type IN ('261', '262', '601', '602')), 0) AS issued_value
    FROM generate_series($1::date, $2::date, interval '1 day') AS d
    LEFT JOIN flows f ON f.day = d::date AND f.day >= $1
    GROUP BY 1
), running AS (
    SELECT p.day, o.quantity + sum(p.quantity) OVER w AS stock_quantity,
        o.value + sum(p.value) OVER w AS stock_value, p.issued_quantity, p.issued_value
    FROM per_day p CROSS JOIN opening o
    WINDOW w AS (ORDER BY p.day)
)
SELECT date_trunc($3::text, day::timestamp)::date AS bucket,
    count(*)::integer AS days,
    (array_agg(stock_quantity ORDER BY day DESC))[1] AS closing_quantity,
    (array_agg(stock_value ORDER BY day DESC))[1] AS closing_value,
    sum(stock_quantity) AS stock_quantity_days,
    sum(stock_value) AS stock_value_days,
    sum(issued_quantity) AS issued_quantity,
    sum(issued_value) AS issued_value
FROM running
GROUP BY 1
ORDER BY 1;

-- name: movements
-- Movements of days [$1, $2] per $3 bucket and movement type: documents (only without a
-- material filter: a document counts once per plant), ledger lines, quantities and
-- values in (+ lines) and out (- lines, as positive amounts); $4 plant, $5 material,
-- $6 material group.
WITH chosen AS (
    SELECT CASE WHEN $5::uuid IS NOT NULL THEN ARRAY[$5::uuid]
        ELSE ARRAY(SELECT material_id FROM reporting.inventory_materials
                   WHERE organization_id = app.current_org() AND material_group = $6)
        END AS ids
), rows AS (
    SELECT bucket_day AS day, movement_type, documents, lines, quantity_in, quantity_out,
        value_in, value_out
    FROM reporting.inventory_plant_daily
    WHERE $5::uuid IS NULL AND $6::text IS NULL AND organization_id = app.current_org()
      AND bucket_day BETWEEN $1 AND $2 AND ($4::uuid IS NULL OR plant_id = $4)
    UNION ALL
    SELECT bucket_day, movement_type, NULL, lines, quantity_in, quantity_out, value_in,
        value_out
    FROM reporting.inventory_daily
    WHERE ($5::uuid IS NOT NULL OR $6::text IS NOT NULL)
      AND organization_id = app.current_org()
      AND material_id = ANY ((SELECT ids FROM chosen)::uuid[])
      AND bucket_day BETWEEN $1 AND $2 AND ($4::uuid IS NULL OR plant_id = $4)
)
SELECT date_trunc($3::text, day::timestamp)::date AS bucket, movement_type,
    sum(documents)::bigint AS documents, sum(lines)::bigint AS lines,
    sum(quantity_in) AS quantity_in, sum(quantity_out) AS quantity_out,
    sum(value_in) AS value_in, sum(value_out) AS value_out
FROM rows
GROUP BY 1, 2
HAVING sum(lines) > 0
ORDER BY 1, 2;

-- name: lot_ageing
-- The lots in stock now by days since they first came into their plant, as of $1, in
-- buckets 0-30, 31-90, 91-180, 181-365, over 365; a lot's value is its quantity at its
-- material's moving average in the plant (value / quantity of the material's stock).
-- $2 plant, $3 material, $4 material group.
WITH lots AS (
    SELECT l.quantity, $1::date - l.first_received AS age,
        CASE WHEN m.quantity > 0 THEN l.quantity * m.value / m.quantity ELSE 0 END AS value
    FROM reporting.inventory_lot_stock l
    JOIN reporting.inventory_material_stock m ON m.organization_id = l.organization_id
        AND m.plant_id = l.plant_id AND m.material_id = l.material_id
    WHERE l.organization_id = app.current_org() AND l.quantity > 0
      AND ($2::uuid IS NULL OR l.plant_id = $2) AND ($3::uuid IS NULL OR l.material_id = $3)
      AND ($4::text IS NULL OR l.material_id IN (
          SELECT material_id FROM reporting.inventory_materials
          WHERE organization_id = app.current_org() AND material_group = $4))
)
SELECT CASE WHEN age <= 30 THEN 0 WHEN age <= 90 THEN 1 WHEN age <= 180 THEN 2
        WHEN age <= 365 THEN 3 ELSE 4 END AS bucket,
    count(*)::integer AS lots, sum(quantity) AS quantity, sum(value) AS value
FROM lots
GROUP BY 1
ORDER BY 1;

-- name: below_reorder
-- Materials below their reorder point now, longest below first, keyset by (below since,
-- plant, material) after ($4, $5, $6) (nulls: from the start); $1 plant, $2 material
-- group, $3 limit.
SELECT b.plant_id, b.material_id, b.material_number, m.material_group, b.unit, b.on_hand,
    b.reorder_point, b.safety_stock, b.suggested_quantity, b.below_since
FROM reporting.inventory_below_reorder b
LEFT JOIN reporting.inventory_materials m
    ON m.organization_id = b.organization_id AND m.material_id = b.material_id
WHERE b.organization_id = app.current_org() AND b.below
  AND ($1::uuid IS NULL OR b.plant_id = $1) AND ($2::text IS NULL OR m.material_group = $2)
  AND ($4::timestamptz IS NULL
       OR (b.below_since, b.plant_id, b.material_id) > ($4, $5::uuid, $6::uuid))
ORDER BY b.below_since, b.plant_id, b.material_id
LIMIT $3;

-- name: below_reorder_count
-- How many materials are below their reorder point now; $1 plant, $2 material group.
SELECT count(*)::integer
FROM reporting.inventory_below_reorder b
LEFT JOIN reporting.inventory_materials m
    ON m.organization_id = b.organization_id AND m.material_id = b.material_id
WHERE b.organization_id = app.current_org() AND b.below
  AND ($1::uuid IS NULL OR b.plant_id = $1) AND ($2::text IS NULL OR m.material_group = $2);
