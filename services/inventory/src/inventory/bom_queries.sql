-- Bills of materials: every statement the BOM use cases run. RLS scopes each table to the
-- transaction's organization (and plants); the explicit organization_id = app.current_org()
-- keeps the tenant the leading index condition. '00000000-0000-0000-0000-000000000000' is
-- the plant_key of a BOM valid in every plant.

-- ---------------------------------------------------------------- graph lock

-- name: bom_graph_lock
-- Serialize the writes that change the organization's BOM graph (create, release) until
-- the transaction ends, so two saves cannot each miss the other's half of a cycle.
SELECT pg_advisory_xact_lock(
    hashtextextended('inventory.bom_graph:' || app.current_org()::text, 0));

-- ---------------------------------------------------------------- materials and units

-- name: bom_materials
-- Id, number, description, base unit and status of the materials with ids in $1.
SELECT id, number, description, base_unit, status
FROM inventory.materials
WHERE organization_id = app.current_org() AND id = ANY ($1::uuid[]);

-- name: bom_materials_by_number
-- The same for the materials whose numbers, in lower case, are in $1.
SELECT id, number, description, base_unit, status
FROM inventory.materials
WHERE organization_id = app.current_org() AND number_key = ANY ($1::text[]);

-- name: bom_material_units
-- The alternative units of the materials with ids in $1.
SELECT material_id, unit, numerator, denominator
FROM inventory.material_units
WHERE organization_id = app.current_org() AND material_id = ANY ($1::uuid[]);

-- ---------------------------------------------------------------- headers

-- name: bom_get
-- The BOM version $1, with its material's number and exact base quantity.
SELECT b.id, b.material_id, m.number AS material_number, b.plant_id, b.usage, b.alternative,
    b.revision, b.status, b.valid_from, b.valid_to, b.base_quantity, b.base_unit, b.base_num,
    b.base_den, b.material_base_unit, b.description, b.change_number, b.version, b.created_at,
    b.created_by, b.updated_at, b.updated_by, b.released_at, b.released_by
FROM inventory.boms b
JOIN inventory.materials m ON m.organization_id = b.organization_id AND m.id = b.material_id
WHERE b.organization_id = app.current_org() AND b.id = $1;

-- name: bom_lock
-- The BOM version $1, locked until the transaction ends.
SELECT b.id, b.material_id, m.number AS material_number, b.plant_id, b.usage, b.alternative,
    b.revision, b.status, b.valid_from, b.valid_to, b.base_quantity, b.base_unit, b.base_num,
    b.base_den, b.material_base_unit, b.description, b.change_number, b.version, b.created_at,
    b.created_by, b.updated_at, b.updated_by, b.released_at, b.released_by
FROM inventory.boms b
JOIN inventory.materials m ON m.organization_id = b.organization_id AND m.id = b.material_id
WHERE b.organization_id = app.current_org() AND b.id = $1
FOR UPDATE OF b;

-- name: bom_next_revision
-- The next revision number of material $1, plant $2 (NULL = all plants), usage $3,
-- alternative $4.
SELECT coalesce(max(revision), 0) + 1
FROM inventory.boms
WHERE organization_id = app.current_org() AND material_id = $1
  AND plant_key = coalesce($2::uuid, '00000000-0000-0000-0000-000000000000'::uuid)
  AND usage = $3 AND alternative = $4;

-- name: bom_insert
-- A new draft: $1 material, $2 plant, $3 usage, $4 alternative, $5 revision, $6 valid_from,
-- $7 valid_to, $8 base_quantity, $9 base_unit, $10/$11 base quantity in the material's base
-- unit as a ratio, $12 that base unit, $13 description, $14 change_number. Returns its id.
INSERT INTO inventory.boms (organization_id, material_id, plant_id, usage, alternative,
    revision, valid_from, valid_to, base_quantity, base_unit, base_num, base_den,
    material_base_unit, description, change_number)
VALUES (app.current_org(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
RETURNING id;

-- name: bom_update_draft
-- Replace the header fields of draft $1 and bump its version: $2 valid_from, $3 valid_to,
-- $4 base_quantity, $5 base_unit, $6/$7 the exact ratio, $8 material base unit,
-- $9 description, $10 change_number.
UPDATE inventory.boms
SET valid_from = $2, valid_to = $3, base_quantity = $4, base_unit = $5, base_num = $6,
    base_den = $7, material_base_unit = $8, description = $9, change_number = $10,
    version = version + 1, updated_at = now(), updated_by = app.current_user_id()
WHERE organization_id = app.current_org() AND id = $1 AND status = 'draft';

-- name: bom_delete
-- Delete draft $1 (its items go with it).
DELETE FROM inventory.boms
WHERE organization_id = app.current_org() AND id = $1 AND status = 'draft';

-- name: bom_set_released
-- Release draft $1.
UPDATE inventory.boms
SET status = 'released', released_at = now(), released_by = app.current_user_id(),
    version = version + 1, updated_at = now(), updated_by = app.current_user_id()
WHERE organization_id = app.current_org() AND id = $1 AND status = 'draft';

-- name: bom_set_obsolete
-- Withdraw released version $1.
UPDATE inventory.boms
SET status = 'obsolete', version = version + 1, updated_at = now(),
    updated_by = app.current_user_id()
WHERE organization_id = app.current_org() AND id = $1 AND status = 'released';

-- name: bom_close_validity
-- End released version $1's validity at $2 (exclusive): a successor starts there.
UPDATE inventory.boms
SET valid_to = $2, version = version + 1, updated_at = now(),
    updated_by = app.current_user_id()
WHERE organization_id = app.current_org() AND id = $1 AND status = 'released';

-- name: bom_released_overlapping
-- The released versions of material $1, plant $2, usage $3, alternative $4 whose validity
-- overlaps [$5, $6) ($6 NULL = open), oldest first, locked.
SELECT b.id, b.material_id, m.number AS material_number, b.plant_id, b.usage, b.alternative,
    b.revision, b.status, b.valid_from, b.valid_to, b.base_quantity, b.base_unit, b.base_num,
    b.base_den, b.material_base_unit, b.description, b.change_number, b.version, b.created_at,
    b.created_by, b.updated_at, b.updated_by, b.released_at, b.released_by
FROM inventory.boms b
JOIN inventory.materials m ON m.organization_id = b.organization_id AND m.id = b.material_id
WHERE b.organization_id = app.current_org() AND b.material_id = $1
  AND b.plant_key = coalesce($2::uuid, '00000000-0000-0000-0000-000000000000'::uuid)
  AND b.usage = $3 AND b.alternative = $4 AND b.status = 'released'
  AND daterange(b.valid_from, b.valid_to) && daterange($5::date, $6::date)
ORDER BY b.valid_from
FOR UPDATE OF b;

-- name: bom_versions_exist
-- Whether any version (any status) of material $1, plant $2, usage $3, alternative $4 exists.
SELECT EXISTS (
    SELECT 1 FROM inventory.boms
    WHERE organization_id = app.current_org() AND material_id = $1
      AND plant_key = coalesce($2::uuid, '00000000-0000-0000-0000-000000000000'::uuid)
      AND usage = $3 AND alternative = $4);

-- name: boms_page
-- One page of BOM versions in creation order after id $5 (NULL = from the start), at most
-- $6; filters are optional (NULL = any): $1 material, $2 plant (exactly: NULL matches every
-- version), $3 usage, $4 status. $7 true: only versions valid in every plant.
SELECT b.id, b.material_id, m.number AS material_number, b.plant_id, b.usage, b.alternative,
    b.revision, b.status, b.valid_from, b.valid_to, b.base_quantity, b.base_unit, b.base_num,
    b.base_den, b.material_base_unit, b.description, b.change_number, b.version, b.created_at,
    b.created_by, b.updated_at, b.updated_by, b.released_at, b.released_by
FROM inventory.boms b
JOIN inventory.materials m ON m.organization_id = b.organization_id AND m.id = b.material_id
WHERE b.organization_id = app.current_org()
  AND ($1::uuid IS NULL OR b.material_id = $1)
  AND ($2::uuid IS NULL OR b.plant_key = $2)
  AND ($3::text IS NULL OR b.usage = $3)
  AND ($4::text IS NULL OR b.status = $4)
  AND ($5::uuid IS NULL OR b.id > $5)
  AND (NOT $7::boolean OR b.plant_key = '00000000-0000-0000-0000-000000000000'::uuid)
ORDER BY b.id
LIMIT $6;

-- ---------------------------------------------------------------- items

-- name: bom_items_insert
-- The items of BOM $1 in plant_key $2, one array per column, in the same order:
-- $3 item_number, $4 component, $5 category, $6 phantom, $7 quantity, $8 unit,
-- $9/$10 base quantity ratio, $11 component base unit, $12 scrap %, $13 operation,
-- $14 valid_from, $15 valid_to.
INSERT INTO inventory.bom_items (organization_id, bom_id, plant_key, item_number,
    component_id, category, phantom, quantity, unit, base_num, base_den, component_base_unit,
    scrap_percent, operation, valid_from, valid_to)
SELECT app.current_org(), $1, $2, x.item_number, x.component_id, x.category, x.phantom,
    x.quantity, x.unit, x.base_num, x.base_den, x.component_base_unit, x.scrap_percent,
    x.operation, x.valid_from, x.valid_to
FROM unnest($3::integer[], $4::uuid[], $5::text[], $6::boolean[], $7::numeric[], $8::text[],
            $9::numeric[], $10::numeric[], $11::text[], $12::numeric[], $13::text[],
            $14::date[], $15::date[])
    AS x(item_number, component_id, category, phantom, quantity, unit, base_num, base_den,
         component_base_unit, scrap_percent, operation, valid_from, valid_to);

-- name: bom_items_delete
-- Remove every item of draft $1 (before writing its new list).
DELETE FROM inventory.bom_items
WHERE organization_id = app.current_org() AND bom_id = $1;

-- name: bom_items_of
-- The items of the BOM versions in $1, by version and item number, with component numbers.
SELECT i.bom_id, i.item_number, i.component_id, m.number AS component_number, i.category,
    i.phantom, i.quantity, i.unit, i.base_num, i.base_den, i.component_base_unit,
    i.scrap_percent, i.operation, i.valid_from, i.valid_to
FROM inventory.bom_items i
JOIN inventory.materials m ON m.organization_id = i.organization_id AND m.id = i.component_id
WHERE i.organization_id = app.current_org() AND i.bom_id = ANY ($1::uuid[])
ORDER BY i.bom_id, i.item_number;

-- ---------------------------------------------------------------- cycle check

-- name: bom_cycle_path
-- The material numbers of a path from assembly $1 back to itself, when $1 with stock
-- components $2 would close a loop in the released BOM graph (every plant, usage,
-- alternative and validity); no path, NULL. reach holds each (material, predecessor)
-- pair once (UNION), so the walk is linear in the graph's edges however often sub-trees
-- are shared; back then follows predecessors from $1 to one of $2.
WITH RECURSIVE reach (node, pred) AS (
    SELECT DISTINCT c.id, $1::uuid FROM unnest($2::uuid[]) AS c (id)
    UNION
    SELECT g.component_id, g.parent_id
    FROM reach r
    -- Per row by index (OFFSET 0 keeps the planner from joining the whole graph per step).
    CROSS JOIN LATERAL (
        SELECT e.parent_id, e.component_id
        FROM inventory.bom_graph e
        WHERE e.organization_id = app.current_org() AND e.parent_id = r.node
        OFFSET 0
    ) g
    WHERE r.node <> $1::uuid
),
back (node, path) AS (
    SELECT $1::uuid, ARRAY[$1::uuid]
    WHERE EXISTS (SELECT 1 FROM reach WHERE reach.node = $1::uuid)
    UNION ALL
    SELECT p.pred, p.pred || b.path
    FROM back b
    CROSS JOIN LATERAL (
        SELECT r.pred FROM reach r WHERE r.node = b.node ORDER BY r.pred LIMIT 1
    ) p
    WHERE (cardinality(b.path) = 1 OR b.node <> $1::uuid) AND cardinality(b.path) <= 200
),
found AS (
    SELECT path FROM back WHERE node = $1::uuid AND cardinality(path) > 1 LIMIT 1
)
SELECT ARRAY(
    SELECT (SELECT m.number FROM inventory.materials m
            WHERE m.organization_id = app.current_org() AND m.id = step.id)
    FROM unnest(found.path) WITH ORDINALITY AS step (id, ord)
    ORDER BY step.ord)
FROM found;

-- ---------------------------------------------------------------- explosion

-- name: bom_explosion
-- Explode material $1 for plant $2 (NULL: BOMs for all plants only) on date $3, usage $4,
-- top-level alternative $5 (NULL: the first valid), for $6 / $7 of its base unit, at most
-- $8 levels deep ($8 + 1 comes back when the structure is deeper), all assemblies ($9
-- true) or phantoms only ($9 false: what one order for $1 issues).
-- At each level the BOM used is the released version valid on $3: the plant's own before
-- the one for all plants, then the lowest alternative. A component's quantity in its base
-- unit is num / den, compounded exactly (numeric multiplication never rounds):
--   num = parent num * item base_num * (100 + scrap %) * header base_den
--   den = parent den * item base_den * 100 * header base_num
-- i.e. parent quantity / header base quantity * item quantity * (1 + scrap % / 100).
-- The first row (depth 0) is the material itself with the BOM chosen for it. Rows come
-- depth first in item order; path is the item numbers from the top ("10/20"); trail (the
-- material ids from the top) only on rows deeper than $8, for the message.
WITH RECURSIVE tree AS (
    SELECT 0 AS depth, '{}'::integer[] AS sort_key, ARRAY[$1::uuid] AS trail,
        NULL::uuid AS bom_id, 0 AS item_number, $1::uuid AS component_id,
        top.number AS component_number, top.description, 'stock'::text AS category, false AS phantom, NULL::numeric AS quantity,
        NULL::text AS unit, NULL::numeric AS item_base_num, NULL::numeric AS item_base_den,
        top.material_base_unit AS component_base_unit, 0::numeric AS scrap_percent,
        NULL::text AS operation, $6::numeric AS num, $7::numeric AS den,
        top.id AS sub_bom_id, top.base_num AS sub_base_num, top.base_den AS sub_base_den,
        top.alternative AS sub_alternative, top.revision AS sub_revision
    FROM (
        SELECT s.id, s.base_num, s.base_den, s.alternative, s.revision, s.material_base_unit,
            m.number, m.description
        FROM inventory.boms s
        JOIN inventory.materials m
            ON m.organization_id = s.organization_id AND m.id = s.material_id
        WHERE s.organization_id = app.current_org() AND s.material_id = $1::uuid
          AND s.usage = $4::text AND s.status = 'released'
          AND s.plant_key IN (coalesce($2::uuid, '00000000-0000-0000-0000-000000000000'::uuid),
                              '00000000-0000-0000-0000-000000000000'::uuid)
          AND ($5::smallint IS NULL OR s.alternative = $5::smallint)
          AND s.valid_from <= $3::date AND (s.valid_to IS NULL OR s.valid_to > $3::date)
        ORDER BY s.plant_id IS NULL, s.alternative
        LIMIT 1
    ) top
    UNION ALL
    SELECT t.depth + 1, t.sort_key || i.item_number, t.trail || i.component_id,
        i.bom_id, i.item_number, i.component_id, i.number, i.description, i.category,
        i.phantom, i.quantity, i.unit,
        i.base_num, i.base_den, i.component_base_unit, i.scrap_percent, i.operation,
        t.num * i.base_num * (100 + i.scrap_percent) * t.sub_base_den,
        t.den * i.base_den * 100 * t.sub_base_num,
        s.id, s.base_num, s.base_den, s.alternative, s.revision
    FROM tree t
    -- Each row's items by primary key, whatever the planner guesses about the work
    -- table (it cannot know its size): OFFSET 0 keeps the subquery from being flattened
    -- into a join that scans every item of the organization per level.
    CROSS JOIN LATERAL (
        SELECT i.bom_id, i.item_number, i.component_id, m.number, m.description, i.category,
            i.phantom, i.quantity, i.unit, i.base_num, i.base_den, i.component_base_unit,
            i.scrap_percent, i.operation
        FROM inventory.bom_items i
        JOIN inventory.materials m
            ON m.organization_id = i.organization_id AND m.id = i.component_id
        WHERE i.organization_id = app.current_org() AND i.bom_id = t.sub_bom_id
          AND (i.valid_from IS NULL OR i.valid_from <= $3::date)
          AND (i.valid_to IS NULL OR i.valid_to > $3::date)
        OFFSET 0
    ) i
    LEFT JOIN LATERAL (
        SELECT s.id, s.base_num, s.base_den, s.alternative, s.revision
        FROM inventory.boms s
        WHERE i.category = 'stock'
          AND s.organization_id = app.current_org() AND s.material_id = i.component_id
          AND s.usage = $4::text AND s.status = 'released'
          AND s.plant_key IN (coalesce($2::uuid, '00000000-0000-0000-0000-000000000000'::uuid),
                              '00000000-0000-0000-0000-000000000000'::uuid)
          AND s.valid_from <= $3::date AND (s.valid_to IS NULL OR s.valid_to > $3::date)
        ORDER BY s.plant_id IS NULL, s.alternative
        LIMIT 1
    ) s ON true
    WHERE t.depth <= $8::integer
      AND (t.depth = 0 OR t.phantom OR $9::boolean)
)
SELECT t.depth, array_to_string(t.sort_key, '/') AS path,
    CASE WHEN t.depth > $8::integer THEN t.trail END AS trail, t.bom_id, t.item_number,
    t.component_id,
    t.component_number, t.description, t.category, t.phantom, t.quantity, t.unit,
    t.item_base_num, t.item_base_den, t.component_base_unit, t.scrap_percent, t.operation,
    t.num, t.den, t.sub_bom_id, t.sub_alternative, t.sub_revision
FROM tree t
ORDER BY t.sort_key;

-- name: bom_trail_numbers
-- The numbers of the materials with ids in $1, in that order (a path for a message).
SELECT ARRAY(
    SELECT (SELECT m.number FROM inventory.materials m
            WHERE m.organization_id = app.current_org() AND m.id = step.id)
    FROM unnest($1::uuid[]) WITH ORDINALITY AS step (id, ord)
    ORDER BY step.ord);

-- ---------------------------------------------------------------- where-used

-- name: bom_where_used
-- The items that use component $1 in BOM versions released and valid on $2, keyset by
-- BOM version and item number after ($5, $6), at most $7; $3 plant (its own BOMs and those
-- for all plants; NULL = every visible one), $4 usage (NULL = any).
SELECT b.id AS bom_id, b.material_id, m.number AS material_number,
    m.description AS material_description, b.plant_id, b.usage, b.alternative, b.revision,
    b.valid_from, b.valid_to, b.base_quantity, b.base_unit, i.item_number, i.category,
    i.phantom, i.quantity, i.unit, i.scrap_percent, i.operation
FROM inventory.bom_items i
JOIN inventory.boms b ON b.organization_id = i.organization_id AND b.id = i.bom_id
JOIN inventory.materials m ON m.organization_id = b.organization_id AND m.id = b.material_id
WHERE i.organization_id = app.current_org() AND i.component_id = $1
  AND b.status = 'released'
  AND b.valid_from <= $2::date AND (b.valid_to IS NULL OR b.valid_to > $2::date)
  AND (i.valid_from IS NULL OR i.valid_from <= $2::date)
  AND (i.valid_to IS NULL OR i.valid_to > $2::date)
  AND ($3::uuid IS NULL
       OR b.plant_key IN ($3::uuid, '00000000-0000-0000-0000-000000000000'::uuid))
  AND ($4::text IS NULL OR b.usage = $4::text)
  AND ($5::uuid IS NULL OR (i.bom_id, i.item_number) > ($5::uuid, $6::integer))
ORDER BY i.bom_id, i.item_number
LIMIT $7;

-- name: bom_where_used_levels
-- Every material whose BOM uses component $1 at any depth (as a stock item of a version
-- released and valid on $2; $3 plant, $4 usage as in bom_where_used), up to $5 + 1 levels:
-- its shortest level, the materials below it on the way to $1, and whether it is a top
-- level material (no valid BOM uses it). (material, via, level) is kept once (UNION), so
-- shared sub-assemblies are not walked once per path.
WITH RECURSIVE up (material_id, via_id, level) AS (
    SELECT $1::uuid, NULL::uuid, 0
    UNION
    SELECT p.material_id, u.material_id, u.level + 1
    FROM up u
    -- Per row by index (OFFSET 0: see bom_explosion).
    CROSS JOIN LATERAL (
        SELECT b.material_id
        FROM inventory.bom_items i
        JOIN inventory.boms b ON b.organization_id = i.organization_id AND b.id = i.bom_id
        WHERE i.organization_id = app.current_org() AND i.component_id = u.material_id
          AND i.category = 'stock'
          AND b.status = 'released'
          AND b.valid_from <= $2::date AND (b.valid_to IS NULL OR b.valid_to > $2::date)
          AND (i.valid_from IS NULL OR i.valid_from <= $2::date)
          AND (i.valid_to IS NULL OR i.valid_to > $2::date)
          AND ($3::uuid IS NULL
               OR b.plant_key IN ($3::uuid, '00000000-0000-0000-0000-000000000000'::uuid))
          AND ($4::text IS NULL OR b.usage = $4::text)
        OFFSET 0
    ) p
    WHERE u.level <= $5::integer
)
SELECT x.material_id, m.number AS material_number, m.description AS material_description,
    x.level,
    ARRAY(SELECT v.number FROM inventory.materials v
          WHERE v.organization_id = app.current_org() AND v.id = ANY (x.via_ids)
          ORDER BY v.number) AS via_numbers,
    NOT EXISTS (
        SELECT 1
        FROM inventory.bom_items i
        JOIN inventory.boms b ON b.organization_id = i.organization_id AND b.id = i.bom_id
        WHERE i.organization_id = app.current_org() AND i.component_id = x.material_id
          AND i.category = 'stock'
          AND b.status = 'released'
          AND b.valid_from <= $2::date AND (b.valid_to IS NULL OR b.valid_to > $2::date)
          AND (i.valid_from IS NULL OR i.valid_from <= $2::date)
          AND (i.valid_to IS NULL OR i.valid_to > $2::date)
          AND ($3::uuid IS NULL
               OR b.plant_key IN ($3::uuid, '00000000-0000-0000-0000-000000000000'::uuid))
          AND ($4::text IS NULL OR b.usage = $4::text)
    ) AS top_level
FROM (
    SELECT u.material_id, min(u.level) AS level, array_agg(DISTINCT u.via_id) AS via_ids
    FROM up u
    WHERE u.level > 0
    GROUP BY u.material_id
    OFFSET 0
) x
CROSS JOIN LATERAL (
    SELECT m.number, m.description FROM inventory.materials m
    WHERE m.organization_id = app.current_org() AND m.id = x.material_id
    OFFSET 0
) m
ORDER BY x.level, m.number;
