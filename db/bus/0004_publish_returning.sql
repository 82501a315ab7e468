-- pgmq.send inserts with RETURNING msg_id, which needs SELECT on that column: without
-- it a service could publish only to its own queue (0001 granted INSERT alone).
GRANT SELECT (msg_id) ON pgmq.q_inventory_events, pgmq.q_production_events, pgmq.q_quality_events, pgmq.q_maintenance_events, pgmq.q_search_events, pgmq.q_reporting_events
    TO unison_gateway, unison_inventory, unison_production, unison_quality, unison_maintenance, unison_search, unison_reporting;
