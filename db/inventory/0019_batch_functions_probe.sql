-- Plans that no statistics can turn into a scan per row, for the two functions a posting
-- runs over its whole batch. Their statements are planned without the arrays' sizes (ten
-- rows assumed), so stale statistics of a small table turned probes into scans:
--
-- inventory.balances_add (0012) joined the materials to read each row's negative_allowed;
-- right after a thousand materials were added (42 estimated) it scanned all materials
-- for every key, ~1 s for 5,000 keys. The flag is now a primary-key lookup per row, and
-- sequential scans are off as well as hash and merge joins: a probe per key, always.
--
-- inventory.revalue_many (0013) read the valuation rows in a join the same statistics
-- could make a scan per group, and wrote them back in one join that could scan the
-- valuations once per group: the rows are now read with sequential scans off, and each
-- is written back by its primary key, as inventory.revalue does.
CREATE OR REPLACE FUNCTION inventory.balances_add(
    p_materials uuid[], p_plants uuid[], p_locations uuid[], p_lots text[],
    p_categories text[], p_deltas numeric[]
) RETURNS void
LANGUAGE sql
SET enable_hashjoin TO off
SET enable_mergejoin TO off
SET enable_seqscan TO off
AS $$
UPDATE inventory.stock_balances b
SET quantity = b.quantity + k.delta,
    negative_allowed = (
        SELECT m.negative_stock_allowed FROM inventory.materials m
        WHERE m.organization_id = b.organization_id AND m.id = b.material_id),
    updated_at = now()
FROM unnest(p_materials, p_plants, p_locations, p_lots, p_categories, p_deltas)
    AS k(material_id, plant_id, location_id, lot, category, delta)
WHERE b.organization_id = app.current_org() AND b.material_id = k.material_id
  AND b.plant_id = k.plant_id AND b.location_id = k.location_id AND b.lot = k.lot
  AND b.category = k.category;
$$;

CREATE OR REPLACE FUNCTION inventory.revalue_many(
    p_materials uuid[], p_plants uuid[], p_lo integer[], p_hi integer[],
    p_dates date[], p_quantities numeric[], p_values numeric[], p_valuations text[]
) RETURNS numeric[]
LANGUAGE plpgsql
-- The valuation rows are read through their primary key, a probe per group, whatever
-- the statistics say (see above).
SET enable_hashjoin TO off
SET enable_mergejoin TO off
SET enable_seqscan TO off
AS $$
DECLARE
    org        uuid := app.current_org();
    g          record;
    i          integer;
    cur_q      numeric;
    cur_val    numeric;
    cur_price  numeric;
    amount     numeric;
    result     numeric[] := '{}';
BEGIN
    FOR g IN
        SELECT k.material_id, k.plant_id, k.lo, k.hi, w.quantity, w.value, w.price
        FROM unnest(p_materials, p_plants, p_lo, p_hi) WITH ORDINALITY
            AS k(material_id, plant_id, lo, hi, ord)
        LEFT JOIN inventory.valuations w ON w.organization_id = org
            AND w.material_id = k.material_id AND w.plant_id = k.plant_id
        ORDER BY k.ord
    LOOP
        IF g.quantity IS NULL THEN
            RAISE EXCEPTION 'no valuation row for material % in plant %',
                g.material_id, g.plant_id;
        END IF;
        -- A slice is in ledger order: its first line has its earliest date.
        IF p_dates[g.lo] < current_date THEN
            result := result || inventory.revalue(g.material_id, g.plant_id,
                p_dates[g.lo:g.hi], p_quantities[g.lo:g.hi], p_values[g.lo:g.hi],
                p_valuations[g.lo:g.hi]);
            CONTINUE;
        END IF;
        cur_q := g.quantity;
        cur_val := g.value;
        cur_price := g.price;
        FOR i IN g.lo .. g.hi LOOP
            IF p_valuations[i] = 'none' THEN
                amount := 0;
            ELSIF p_valuations[i] = 'price' THEN
                amount := p_values[i];
            ELSIF cur_q + p_quantities[i] = 0 THEN
                amount := -cur_val;
            ELSE
                amount := round(p_quantities[i] * cur_price, 2);
            END IF;
            IF p_valuations[i] <> 'none' THEN
                cur_q := cur_q + p_quantities[i];
                cur_val := cur_val + amount;
                IF cur_q > 0 THEN cur_price := greatest(cur_val / cur_q, 0); END IF;
            END IF;
            result := result || amount;
        END LOOP;
        UPDATE inventory.valuations
        SET quantity = cur_q, value = cur_val, price = cur_price, updated_at = now()
        WHERE organization_id = org AND material_id = g.material_id AND plant_id = g.plant_id;
    END LOOP;
    RETURN result;
END
$$;
