-- Production handles two of maintenance's work-order events (a stop opens, a stop ends);
-- 'maintenance.work_order.*' also routed status_changed here, which production has no
-- handler for: every such event went to the dead-letter queue.
SELECT pgmq.unbind_topic('maintenance.work_order.*', 'production_events');
SELECT pgmq.bind_topic('maintenance.work_order.opened', 'production_events');
SELECT pgmq.bind_topic('maintenance.work_order.completed', 'production_events');
