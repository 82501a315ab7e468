-- The moving-average walk (0004) of a posting dated today: the same walk, without
-- running the query for the existing lines after the posting date, which finds none.
CREATE OR REPLACE FUNCTION inventory.revalue(
    p_material uuid, p_plant uuid, p_dates date[], p_quantities numeric[],
    p_values numeric[], p_valuations text[]
) RETURNS numeric[]
LANGUAGE plpgsql
-- The final UPDATE joins a few changed lines to a partitioned ledger: a nested loop does
-- one index lookup per line in the one partition it lives in, where a hash join would
-- read every partition whole.
SET enable_hashjoin TO off
SET enable_mergejoin TO off
AS $$
DECLARE
    org        uuid := app.current_org();
    v          record;
    old        record;
    first_date date := (SELECT min(d) FROM unnest(p_dates) d);
    n          integer := coalesce(cardinality(p_dates), 0);
    i          integer := 1;
    cur_q      numeric;
    cur_val    numeric;
    cur_price  numeric;
    amount     numeric;
    result     numeric[] := '{}';
    keys_d     date[] := '{}';
    keys_m     uuid[] := '{}';
    keys_l     integer[] := '{}';
    amounts    numeric[] := '{}';
BEGIN
    SELECT quantity, value, price INTO v FROM inventory.valuations
    WHERE organization_id = org AND material_id = p_material AND plant_id = p_plant
    FOR UPDATE;
    cur_price := v.price;
    cur_q := v.quantity;
    cur_val := v.value;
    -- Posting dates are never in the future: a posting dated today has no existing line
    -- after it, and the walk is just its own lines.
    IF first_date < current_date THEN
    -- Back out what the existing lines after the point contributed.
    SELECT v.quantity - coalesce(sum(l.quantity), 0), v.value - coalesce(sum(l.value), 0)
      INTO cur_q, cur_val
    FROM inventory.goods_movement_lines l
    WHERE l.organization_id = org AND l.material_id = p_material AND l.plant_id = p_plant
      AND l.posting_date > first_date AND l.valuation <> 'none';
    IF cur_q > 0 THEN
        cur_price := cur_val / cur_q;
    ELSIF cur_q <> v.quantity OR cur_val <> v.value THEN
        -- Not positive at the point: the price the last valued line up to it had.
        SELECT coalesce(abs(l.value / l.quantity), v.price) INTO cur_price
        FROM inventory.goods_movement_lines l
        WHERE l.organization_id = org AND l.material_id = p_material AND l.plant_id = p_plant
          AND l.posting_date <= first_date AND l.valuation <> 'none' AND l.value <> 0
        ORDER BY l.posting_date DESC, l.entered_at DESC, l.movement_id DESC, l.line_no DESC
        LIMIT 1;
        cur_price := coalesce(cur_price, v.price);
    END IF;
    END IF;

    -- Only a back-dated posting has existing lines to walk through. The query is not run
    -- at all otherwise: its generic plan opens every partition of the ledger even when
    -- its condition is false, which cost ~0.35 ms per material and plant, most of the
    -- walk of a posting dated today.
    IF first_date < current_date THEN
    FOR old IN
        SELECT l.posting_date, l.movement_id, l.line_no, l.quantity, l.value, l.valuation
        FROM inventory.goods_movement_lines l
        WHERE l.organization_id = org AND l.material_id = p_material AND l.plant_id = p_plant
          AND l.posting_date > first_date AND l.valuation <> 'none'
        ORDER BY l.posting_date, l.entered_at, l.movement_id, l.line_no
    LOOP
        -- New lines dated before this one come first (same date: the old one was entered
        -- first).
        WHILE i <= n AND p_dates[i] < old.posting_date LOOP
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
            i := i + 1;
        END LOOP;
        IF old.valuation = 'price' THEN
            amount := old.value;
        ELSIF cur_q + old.quantity = 0 THEN
            amount := -cur_val;
        ELSE
            amount := round(old.quantity * cur_price, 2);
        END IF;
        cur_q := cur_q + old.quantity;
        cur_val := cur_val + amount;
        IF cur_q > 0 THEN cur_price := greatest(cur_val / cur_q, 0); END IF;
        IF amount IS DISTINCT FROM old.value THEN
            keys_d := keys_d || old.posting_date;
            keys_m := keys_m || old.movement_id;
            keys_l := keys_l || old.line_no;
            amounts := amounts || amount;
        END IF;
    END LOOP;
    END IF;
    WHILE i <= n LOOP
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
        i := i + 1;
    END LOOP;

    IF cardinality(amounts) > 0 THEN
        UPDATE inventory.goods_movement_lines l
        SET value = c.amount
        FROM unnest(keys_d, keys_m, keys_l, amounts) AS c(posting_date, movement_id, line_no, amount)
        WHERE l.organization_id = org AND l.posting_date = c.posting_date
          AND l.movement_id = c.movement_id AND l.line_no = c.line_no;
    END IF;
    UPDATE inventory.valuations
    SET quantity = cur_q, value = cur_val, price = cur_price, updated_at = now()
    WHERE organization_id = org AND material_id = p_material AND plant_id = p_plant;
    RETURN result;
END
$$;
