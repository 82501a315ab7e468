-- The stock ledger grows up: lots with a status, stock categories (unrestricted, quality
-- inspection, blocked), every SAP movement type the shop floor needs, the value of each
-- line at the moving average price, period close, and reservations.

-- A lot-managed material needs a lot on every posting.
ALTER TABLE inventory.materials
    ADD COLUMN lot_managed boolean NOT NULL DEFAULT false;

-- Lots (SAP batches) per material, across plants, as SAP keeps them at material level.
-- Only a released lot may be issued to an order or delivered.
CREATE TABLE inventory.lots (
    organization_id uuid NOT NULL,
    material_id     uuid NOT NULL,
    lot             text NOT NULL CHECK (lot ~ '^[A-Za-z0-9][A-Za-z0-9_./-]{0,39}$'),
    status          text NOT NULL DEFAULT 'released'
                        CHECK (status IN ('released', 'quarantine', 'blocked')),
    manufactured_on date,
    expires_on      date,
    supplier_lot    text CHECK (length(supplier_lot) BETWEEN 1 AND 40),
    status_reason   text CHECK (length(status_reason) BETWEEN 1 AND 200),
    version         integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    created_by      text NOT NULL DEFAULT app.current_user_id(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    updated_by      text NOT NULL DEFAULT app.current_user_id(),
    PRIMARY KEY (organization_id, material_id, lot),
    FOREIGN KEY (organization_id, material_id) REFERENCES inventory.materials (organization_id, id),
    CONSTRAINT lots_expire_after_manufacture
        CHECK (expires_on IS NULL OR manufactured_on IS NULL OR expires_on >= manufactured_on)
);
-- Lots about to expire, for the ageing views and FEFO.
CREATE INDEX lots_expiry ON inventory.lots (organization_id, expires_on)
    WHERE expires_on IS NOT NULL;

-- Every movement type the ledger speaks; the reversal of N is N + 1. 322 and 344 are also
-- posted on their own, as SAP users do, to put stock into quality inspection or block it.
ALTER TABLE inventory.goods_movements
    DROP CONSTRAINT goods_movements_movement_type_check,
    ADD CONSTRAINT goods_movements_movement_type_check CHECK (movement_type IN (
        '101', '102', '261', '262', '301', '302', '311', '312', '321', '322', '343', '344',
        '531', '532', '551', '552', '601', '602', '701', '702'));

-- Stock category of a line and a balance: unrestricted use, quality inspection, blocked.
ALTER TABLE inventory.goods_movement_lines
    ADD COLUMN category text NOT NULL DEFAULT 'unrestricted'
        CHECK (category IN ('unrestricted', 'quality', 'blocked')),
    -- The line's value in the organization's currency, signed like the quantity.
    ADD COLUMN value numeric NOT NULL DEFAULT 0,
    -- How the value was found: 'price' is fixed (a receipt at a given price, a reversal
    -- of one); 'average' is the quantity at the moving average price at that point of the
    -- ledger, restated when a back-dated posting changes that price; 'none' does not
    -- change the plant's stock (a transfer inside the plant).
    ADD COLUMN valuation text NOT NULL DEFAULT 'average'
        CHECK (valuation IN ('price', 'average', 'none')),
    ADD COLUMN reservation_id uuid;

-- Every line's material and location are checked by the posting, and its balance row
-- (written in the same transaction) holds foreign keys to both, so neither can be deleted
-- while stock refers to it. The ledger's own per-row foreign key checks to materials,
-- locations and units cost a third of a 5,000-line batch: they go. The key to the document
-- header stays.
ALTER TABLE inventory.goods_movement_lines
    DROP CONSTRAINT goods_movement_lines_organization_id_material_id_fkey,
    DROP CONSTRAINT goods_movement_lines_organization_id_plant_id_location_id_fkey,
    DROP CONSTRAINT goods_movement_lines_organization_id_entry_unit_fkey;

-- The ledger's order inside a material and plant is (posting_date, entered_at,
-- movement_id, line_no): the history checks and the revaluation walk it from a point on.
DROP INDEX inventory.goods_movement_lines_material;
CREATE INDEX goods_movement_lines_material ON inventory.goods_movement_lines
    (organization_id, material_id, plant_id, posting_date, entered_at);

ALTER TABLE inventory.stock_balances
    ADD COLUMN category text NOT NULL DEFAULT 'unrestricted'
        CHECK (category IN ('unrestricted', 'quality', 'blocked')),
    DROP CONSTRAINT stock_balances_pkey,
    ADD PRIMARY KEY (organization_id, material_id, plant_id, location_id, lot, category);

-- The moving average per material and plant: total quantity and value of the plant's
-- stock, and the last price (used while the quantity is not positive). One row per pair,
-- locked by every posting of the pair, so valuation follows the order of the ledger.
CREATE TABLE inventory.valuations (
    organization_id uuid NOT NULL,
    material_id     uuid NOT NULL,
    plant_id        uuid NOT NULL,
    quantity        numeric NOT NULL DEFAULT 0,
    value           numeric NOT NULL DEFAULT 0,
    price           numeric NOT NULL DEFAULT 0 CHECK (price >= 0),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organization_id, material_id, plant_id),
    FOREIGN KEY (organization_id, material_id) REFERENCES inventory.materials (organization_id, id)
);

-- Stock that was on hand before valuation existed starts at value zero.
INSERT INTO inventory.valuations (organization_id, material_id, plant_id, quantity)
SELECT organization_id, material_id, plant_id, sum(quantity)
FROM inventory.stock_balances
GROUP BY organization_id, material_id, plant_id;

-- Closed periods (months) per plant, as a plant's books close. Closing is in sequence, so
-- everything up to a plant's latest closed month is frozen. The snapshot keeps quantity
-- and value per material at the end of the month, for stock value reports.
CREATE TABLE inventory.periods (
    organization_id uuid NOT NULL,
    plant_id        uuid NOT NULL,
    period          date NOT NULL CHECK (period = date_trunc('month', period)::date),
    closed_at       timestamptz NOT NULL DEFAULT now(),
    closed_by       text NOT NULL DEFAULT app.current_user_id(),
    PRIMARY KEY (organization_id, plant_id, period)
);

CREATE TABLE inventory.period_valuations (
    organization_id uuid NOT NULL,
    plant_id        uuid NOT NULL,
    period          date NOT NULL,
    material_id     uuid NOT NULL,
    quantity        numeric NOT NULL,
    value           numeric NOT NULL,
    PRIMARY KEY (organization_id, plant_id, period, material_id),
    FOREIGN KEY (organization_id, plant_id, period)
        REFERENCES inventory.periods (organization_id, plant_id, period) ON DELETE CASCADE
);

-- Reservations: quantity promised to an order (or a manual request), optionally of one
-- location or lot. What is still reserved is quantity - withdrawn while open and not
-- expired; issues that name the reservation withdraw from it.
CREATE TABLE inventory.reservations (
    organization_id  uuid NOT NULL,
    id               uuid NOT NULL DEFAULT app.uuid7(),
    plant_id         uuid NOT NULL,
    material_id      uuid NOT NULL,
    location_id      uuid,
    lot              text,
    quantity         numeric NOT NULL CHECK (quantity > 0),
    withdrawn        numeric NOT NULL DEFAULT 0 CHECK (withdrawn >= 0),
    status           text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed', 'cancelled')),
    reference        text NOT NULL CHECK (length(reference) BETWEEN 1 AND 100),
    requirement_date date NOT NULL,
    expires_at       timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    created_by       text NOT NULL DEFAULT app.current_user_id(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organization_id, id),
    FOREIGN KEY (organization_id, material_id) REFERENCES inventory.materials (organization_id, id),
    FOREIGN KEY (organization_id, plant_id, location_id)
        REFERENCES inventory.storage_locations (organization_id, plant_id, id),
    CONSTRAINT reservations_withdrawn_at_most_reserved CHECK (withdrawn <= quantity)
);
-- What is reserved of a material in a plant: the availability query's path.
CREATE INDEX reservations_open ON inventory.reservations
    (organization_id, material_id, plant_id) WHERE status = 'open';
CREATE INDEX reservations_reference ON inventory.reservations
    (organization_id, reference, id);

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['valuations', 'reservations', 'periods', 'period_valuations'] LOOP
        EXECUTE format('ALTER TABLE inventory.%I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE inventory.%I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format(
            'CREATE POLICY %I ON inventory.%I'
            ' USING (organization_id = app.current_org() AND app.plant_allowed(plant_id))'
            ' WITH CHECK (organization_id = app.current_org() AND app.plant_allowed(plant_id))',
            t || '_tenant', t);
    END LOOP;
    -- Lots belong to the organization, not to one plant: a lot moves between plants.
    FOREACH t IN ARRAY ARRAY['lots'] LOOP
        EXECUTE format('ALTER TABLE inventory.%I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE inventory.%I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format(
            'CREATE POLICY %I ON inventory.%I'
            ' USING (organization_id = app.current_org())'
            ' WITH CHECK (organization_id = app.current_org())',
            t || '_tenant', t);
    END LOOP;
END
$$;

GRANT SELECT, INSERT, UPDATE ON inventory.lots, inventory.valuations, inventory.reservations
    TO unison_inventory;
GRANT SELECT, INSERT, DELETE ON inventory.periods, inventory.period_valuations
    TO unison_inventory;
-- The ledger stays append-only for quantities; only the value of a line valued at the
-- moving average is restated, when a back-dated posting changes the price before it.
GRANT UPDATE (value) ON inventory.goods_movement_lines TO unison_inventory;

-- The moving-average walk, for one material and plant, run by every posting before its
-- lines are written. The new lines (arrays, in ledger order: by posting date, then as
-- they will be inserted) go after every existing line of their date, since they are
-- entered now. The walk starts at the earliest new posting date: the state there is the
-- valuation row minus what the existing lines after that date contributed. It then goes
-- once through those existing lines and the new ones, merged in ledger order, giving each
-- 'average' line its quantity at the price of that moment; it returns the new lines'
-- values and writes back only the existing lines whose value changed (a back-dated
-- posting restates what follows it; an ordinary posting touches no existing line).
-- Only the lines after the point are read: never the whole ledger.
--
-- The price while the quantity is positive is value / quantity; at or below zero the
-- last price holds. A line that takes the quantity to zero takes the remaining value, so
-- no rounding residue stays on an empty stock.
CREATE FUNCTION inventory.revalue(
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

    FOR old IN
        SELECT l.posting_date, l.movement_id, l.line_no, l.quantity, l.value, l.valuation
        FROM inventory.goods_movement_lines l
        WHERE l.organization_id = org AND l.material_id = p_material AND l.plant_id = p_plant
          AND l.posting_date > first_date AND l.valuation <> 'none'
          AND first_date < current_date
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
GRANT EXECUTE ON FUNCTION inventory.revalue(uuid, uuid, date[], numeric[], numeric[], text[])
    TO unison_inventory;
