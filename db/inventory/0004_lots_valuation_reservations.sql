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

-- The moving-average walk. From the ledger position (p_date, p_entered, p_movement,
-- p_line) on, for one material and plant: start from the valuation row minus what the
-- lines from that point contributed (new lines, named by p_new, contributed nothing yet),
-- then go through the lines in ledger order once, giving each 'average' line its quantity
-- at the price of that moment, and write only the values that changed, in one UPDATE.
-- Only the lines after the point are read: a back-dated posting never replays the whole
-- ledger, and an ordinary posting (the point is the end) reads just its own lines.
--
-- The price while the quantity is positive is value / quantity; below or at zero the
-- last price holds. A line that takes the quantity to zero takes the remaining value, so
-- no rounding residue stays on an empty stock.
CREATE FUNCTION inventory.revalue(
    p_material uuid, p_plant uuid, p_date date, p_entered timestamptz, p_movement uuid,
    p_line integer, p_new uuid[]
) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    org      uuid := app.current_org();
    v        record;
    line     record;
    cur_q        numeric;
    cur_val      numeric;
    cur_price    numeric;
    amount   numeric;
    changed  integer := 0;
    keys_d   date[] := '{}';
    keys_m   uuid[] := '{}';
    keys_l   integer[] := '{}';
    amounts  numeric[] := '{}';
BEGIN
    SELECT quantity, value, price INTO v FROM inventory.valuations
    WHERE organization_id = org AND material_id = p_material AND plant_id = p_plant
    FOR UPDATE;
    cur_q := v.quantity;
    cur_val := v.value;
    cur_price := v.price;
    -- Back out what the old lines from the point on contributed.
    SELECT cur_q - coalesce(sum(l.quantity), 0), cur_val - coalesce(sum(l.value), 0)
      INTO cur_q, cur_val
    FROM inventory.goods_movement_lines l
    WHERE l.organization_id = org AND l.material_id = p_material AND l.plant_id = p_plant
      AND l.posting_date >= p_date
      AND (l.posting_date, l.entered_at, l.movement_id, l.line_no)
          >= (p_date, p_entered, p_movement, p_line)
      AND l.valuation <> 'none'
      AND NOT l.movement_id = ANY (p_new);
    -- The price just before the point: value / quantity while that is positive; else the
    -- price the last valued line before the point was valued at (the valuation row's
    -- price is the price at the end of the ledger, not at the point).
    IF cur_q > 0 THEN
        cur_price := cur_val / cur_q;
    ELSE
        SELECT coalesce(abs(l.value / l.quantity), cur_price) INTO cur_price
        FROM inventory.goods_movement_lines l
        WHERE l.organization_id = org AND l.material_id = p_material AND l.plant_id = p_plant
          AND (l.posting_date, l.entered_at, l.movement_id, l.line_no)
              < (p_date, p_entered, p_movement, p_line)
          AND l.valuation <> 'none' AND l.value <> 0
        ORDER BY l.posting_date DESC, l.entered_at DESC, l.movement_id DESC, l.line_no DESC
        LIMIT 1;
        cur_price := coalesce(cur_price, v.price);
    END IF;

    FOR line IN
        SELECT l.posting_date, l.movement_id, l.line_no, l.quantity, l.value, l.valuation
        FROM inventory.goods_movement_lines l
        WHERE l.organization_id = org AND l.material_id = p_material AND l.plant_id = p_plant
          AND l.posting_date >= p_date
          AND (l.posting_date, l.entered_at, l.movement_id, l.line_no)
              >= (p_date, p_entered, p_movement, p_line)
          AND l.valuation <> 'none'
        ORDER BY l.posting_date, l.entered_at, l.movement_id, l.line_no
    LOOP
        IF line.valuation = 'price' THEN
            amount := line.value;
        ELSIF cur_q + line.quantity = 0 THEN
            amount := -cur_val;
        ELSE
            amount := round(line.quantity * cur_price, 2);
        END IF;
        cur_q := cur_q + line.quantity;
        cur_val := cur_val + amount;
        IF cur_q > 0 THEN
            cur_price := greatest(cur_val / cur_q, 0);
        END IF;
        IF amount IS DISTINCT FROM line.value THEN
            keys_d := keys_d || line.posting_date;
            keys_m := keys_m || line.movement_id;
            keys_l := keys_l || line.line_no;
            amounts := amounts || amount;
            changed := changed + 1;
        END IF;
    END LOOP;

    IF changed > 0 THEN
        UPDATE inventory.goods_movement_lines l
        SET value = c.amount
        FROM unnest(keys_d, keys_m, keys_l, amounts) AS c(posting_date, movement_id, line_no, amount)
        WHERE l.organization_id = org AND l.posting_date = c.posting_date
          AND l.movement_id = c.movement_id AND l.line_no = c.line_no;
    END IF;
    UPDATE inventory.valuations
    SET quantity = cur_q, value = cur_val, price = cur_price, updated_at = now()
    WHERE organization_id = org AND material_id = p_material AND plant_id = p_plant;
    RETURN changed;
END
$$;
GRANT EXECUTE ON FUNCTION inventory.revalue(uuid, uuid, date, timestamptz, uuid, integer, uuid[])
    TO unison_inventory;
