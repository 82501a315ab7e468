-- What feeds the index: the other services' events, bound to search's queue (the worker
-- turns each into documents), and what the rebuild job needs to see every plant's.

-- Inventory: materials; lots (a lot appears with the movement that names it first, and
-- changes by its status events).
SELECT pgmq.bind_topic('inventory.material.*', 'search_events');
SELECT pgmq.bind_topic('inventory.goods_movement.posted', 'search_events');
SELECT pgmq.bind_topic('inventory.lot.status_changed', 'search_events');
-- Production: work orders.
SELECT pgmq.bind_topic('production.work_order.created', 'search_events');
SELECT pgmq.bind_topic('production.work_order.status_changed', 'search_events');
-- Quality: NCRs, CAPAs, inspection plans.
SELECT pgmq.bind_topic('quality.ncr.changed', 'search_events');
SELECT pgmq.bind_topic('quality.capa.changed', 'search_events');
SELECT pgmq.bind_topic('quality.inspection_plan.changed', 'search_events');
-- Maintenance: equipment, its documents (files) and maintenance work orders.
SELECT pgmq.bind_topic('maintenance.equipment.changed', 'search_events');
SELECT pgmq.bind_topic('maintenance.equipment_document.*', 'search_events');
SELECT pgmq.bind_topic('maintenance.work_order.status_changed', 'search_events');

-- The plants the organization's documents are in: the rebuild job scopes its transaction
-- to them (it has no token's plants), so it sees every document it may have to remove.
CREATE FUNCTION search.organization_plants() RETURNS uuid[]
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, search
    AS $$
    SELECT coalesce(array_agg(DISTINCT plant_id), '{}') FROM search.documents
    WHERE organization_id = app.current_org() AND plant_id IS NOT NULL
    $$;
CREATE POLICY documents_plants_of_organization ON search.documents FOR SELECT
    TO unison_owner USING (organization_id = app.current_org());
REVOKE ALL ON FUNCTION search.organization_plants() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION search.organization_plants() TO unison_search;
