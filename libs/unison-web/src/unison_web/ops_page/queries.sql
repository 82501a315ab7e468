-- What a service's ops page reads. `{service}` is the service's name (checked to be an
-- identifier before it is put in): pgmq names a queue's table after the queue.

-- name: queue_depths
-- Per queue of this service, the caller's organization only ($1, text): messages
-- waiting, those read and not yet acknowledged (in flight), and the oldest one's age.
-- The organization sits in each message (no index): queue tables hold the backlog only.
SELECT q.queue, count(m.enqueued_at) AS depth,
       count(m.enqueued_at) FILTER (WHERE m.vt > now()) AS in_flight,
       extract(epoch FROM now() - min(m.enqueued_at))::float8 AS oldest_seconds
  FROM (VALUES ('{service}_events', 1), ('{service}_jobs', 2), ('{service}_events_dlq', 3))
       AS q(queue, position)
  LEFT JOIN (
        SELECT '{service}_events' AS queue, enqueued_at, vt FROM pgmq.q_{service}_events
         WHERE coalesce(headers->>'organization_id', message->>'organization_id') = $1
        UNION ALL
        SELECT '{service}_jobs', enqueued_at, vt FROM pgmq.q_{service}_jobs
         WHERE message->>'organization_id' = $1
        UNION ALL
        SELECT '{service}_events_dlq', enqueued_at, vt FROM pgmq.q_{service}_events_dlq
         WHERE message->'event'->>'organization_id' = $1
       ) m ON m.queue = q.queue
 GROUP BY q.queue, q.position
 ORDER BY q.position

-- name: handled_per_minute
-- Events this service's worker handled in each minute of the last hour (its inbox
-- records every handled event with the time; RLS keeps it to the organization).
SELECT (extract(epoch FROM date_trunc('minute', handled_at)) / 60)::bigint AS minute,
       count(*) AS handled
  FROM bus.inbox
 WHERE organization_id = app.current_org() AND owner = current_user
   AND handled_at >= date_trunc('minute', now()) - interval '59 minutes'
 GROUP BY 1

-- name: jobs_recent
-- The newest jobs of this service in the organization (index jobs_list).
SELECT id, kind, status, progress_done, progress_total, progress_message, error,
       attempts, max_attempts, cancel_requested, created_by, created_at, started_at,
       finished_at
  FROM bus.jobs
 WHERE organization_id = app.current_org() AND owner = current_user
 ORDER BY created_at DESC, id DESC
 LIMIT $1

-- name: dead_letters
-- The oldest dead letters of the organization ($1, text), as ops.py lists them.
SELECT msg_id, enqueued_at, message->>'topic' AS topic, message->>'error' AS error,
       (message->>'read_ct')::int AS attempts, message->>'failed_at' AS failed_at,
       message->'event'->>'id' AS event_id
  FROM pgmq.q_{service}_events_dlq
 WHERE message->'event'->>'organization_id' = $1
 ORDER BY msg_id
 LIMIT $2

-- name: cancel_job
-- A queued job ends at once; a running one is asked to stop at its next progress.
UPDATE bus.jobs SET cancel_requested = true,
       status = CASE WHEN status = 'queued' THEN 'cancelled' ELSE status END,
       finished_at = CASE WHEN status = 'queued' THEN now() ELSE finished_at END,
       updated_at = now()
 WHERE organization_id = app.current_org() AND owner = current_user AND id = $1
   AND status IN ('queued', 'running')
RETURNING id, status

-- name: schedule_runs
-- This service's pg_cron jobs with their last runs (bus.schedule_runs, SECURITY DEFINER).
SELECT jobname, schedule, active, runid, status, return_message, start_time, end_time
  FROM bus.schedule_runs($1)
