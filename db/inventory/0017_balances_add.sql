-- A posting adds its deltas to the on-hand rows it has locked, each found by its primary
-- key. Sent as one statement, the join of the keys to stock_balances was planned anew on
-- each of a connection's first five runs and then generically: with a batch's 5,000 keys
-- over a plant's 100k balances the custom plans hashed every balance of the plant (twice
-- the time of the probes), and which plan a batch got depended on its connection's past.
-- Inside a function with hash and merge joins off, the only plan is a probe per key.
CREATE FUNCTION inventory.balances_add(
    p_materials uuid[], p_plants uuid[], p_locations uuid[], p_lots text[],
    p_categories text[], p_deltas numeric[]
) RETURNS void
LANGUAGE sql
SET enable_hashjoin TO off
SET enable_mergejoin TO off
AS $$
UPDATE inventory.stock_balances b
SET quantity = b.quantity + k.delta, negative_allowed = m.negative_stock_allowed,
    updated_at = now()
FROM unnest(p_materials, p_plants, p_locations, p_lots, p_categories, p_deltas)
    AS k(material_id, plant_id, location_id, lot, category, delta),
    inventory.materials m
WHERE b.organization_id = app.current_org() AND b.material_id = k.material_id
  AND b.plant_id = k.plant_id AND b.location_id = k.location_id AND b.lot = k.lot
  AND b.category = k.category
  AND m.organization_id = b.organization_id AND m.id = b.material_id;
$$;
GRANT EXECUTE ON FUNCTION inventory.balances_add(uuid[], uuid[], uuid[], text[], text[],
    numeric[]) TO unison_inventory;
