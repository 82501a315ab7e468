-- What feeds the index: the other services' events, bound to search's queue (the worker
-- turns each into documents).

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

-- The rebuild job scopes its transactions with search.organization_plants() (migration
-- 0002: the plants table the index keeps), so it sees every document it may remove.
