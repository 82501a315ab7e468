-- The moving-average walk of a whole posting in one call. A 5,000-line batch touches
-- ~1,000 materials; calling inventory.revalue once per material and plant cost ~90 ms:
-- per call a read and an update of the valuation row, and four slices of the posting's
-- arrays, each found by walking the array from its start. This walks the groups in one
-- function over the whole arrays: the valuation rows of the groups are read in one
-- statement and written back in one. A group with a back-dated line is still walked by
-- inventory.revalue, which restates the existing lines after its date; a group dated
-- today has none, and its walk is the tail of inventory.revalue's, step for step (a test
-- holds the two to the same values).
--
-- Groups ($1 material_id, $2 plant_id, distinct pairs) own the slices $3..$4 (1-based,
-- inclusive) of the lines' columns ($5 posting dates, $6 quantities, $7 values,
-- $8 valuations), each slice in ledger order; the result is every line's value, in the
-- order of the columns. The caller holds the valuation rows' locks.
CREATE FUNCTION inventory.revalue_many(
    p_materials uuid[], p_plants uuid[], p_lo integer[], p_hi integer[],
    p_dates date[], p_quantities numeric[], p_values numeric[], p_valuations text[]
) RETURNS numeric[]
LANGUAGE plpgsql
-- The valuation rows are read and written through their primary key, a probe per group.
SET enable_hashjoin TO off
SET enable_mergejoin TO off
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
    upd_m      uuid[] := '{}';
    upd_p      uuid[] := '{}';
    upd_q      numeric[] := '{}';
    upd_v      numeric[] := '{}';
    upd_price  numeric[] := '{}';
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
        upd_m := upd_m || g.material_id;
        upd_p := upd_p || g.plant_id;
        upd_q := upd_q || cur_q;
        upd_v := upd_v || cur_val;
        upd_price := upd_price || cur_price;
    END LOOP;
    UPDATE inventory.valuations w
    SET quantity = u.quantity, value = u.value, price = u.price, updated_at = now()
    FROM unnest(upd_m, upd_p, upd_q, upd_v, upd_price)
        AS u(material_id, plant_id, quantity, value, price)
    WHERE w.organization_id = org AND w.material_id = u.material_id
      AND w.plant_id = u.plant_id;
    RETURN result;
END
$$;
GRANT EXECUTE ON FUNCTION inventory.revalue_many(uuid[], uuid[], integer[], integer[], date[],
    numeric[], numeric[], text[]) TO unison_inventory;
