-- The analytics catalogue, in DuckDB's SQL, over the views `counts`, `stops` and `shifts`
-- (facts.py: live partitions plus the organization's archive). Named parameters (each
-- query gets those it uses): $start, $end the period as UTC instants [start, end),
-- $first_day, $last_day its first and last day, $plant, $work_center filters (NULL:
-- every one the caller may see). Ratios are computed from summed inputs (never
-- averaged), as the dashboards do, rounded to 4 places; NULL where there is nothing to
-- divide. The time filters name the partition column so PostgreSQL prunes partitions.

-- name: oee_by_work_center_month
-- OEE, its factors and output of closed shifts per work center and production month.
SELECT work_center_id, strftime(date_trunc('month', production_day), '%Y-%m') AS month,
    count(*) AS shifts,
    round(sum(scheduled_seconds - break_seconds - planned_stop_seconds) / 60, 3)
        AS planned_minutes,
    round(sum(scheduled_seconds - break_seconds - planned_stop_seconds - breakdown_seconds
              - setup_seconds) / 60, 3) AS run_minutes,
    sum(good_count) AS good, sum(scrap_count) AS scrap, sum(rework_count) AS rework,
    round(sum(scheduled_seconds - break_seconds - planned_stop_seconds - breakdown_seconds
              - setup_seconds)
          / nullif(sum(scheduled_seconds - break_seconds - planned_stop_seconds), 0), 4)
        AS availability,
    round(sum(ideal_run_seconds)
          / nullif(sum(scheduled_seconds - break_seconds - planned_stop_seconds
                       - breakdown_seconds - setup_seconds), 0), 4) AS performance,
    round(sum(good_count - quality_rejected_count)
          / nullif(sum(good_count + scrap_count + rework_count), 0), 4) AS quality,
    round(sum(good_count - quality_rejected_count) * sum(ideal_run_seconds)
          / nullif(sum(good_count + scrap_count + rework_count), 0)
          / nullif(sum(scheduled_seconds - break_seconds - planned_stop_seconds), 0), 4) AS oee
FROM shifts
WHERE shift_start >= $start - INTERVAL 1 DAY AND shift_start < $end + INTERVAL 1 DAY
  AND production_day BETWEEN $first_day AND $last_day
  AND ($plant::UUID IS NULL OR plant_id = $plant) AND ($work_center::UUID IS NULL OR work_center_id = $work_center)
GROUP BY ALL
ORDER BY month, work_center_id;

-- name: output_by_work_center_month
-- Reported output (counts, live) per work center and UTC month, with the scrap rate.
SELECT work_center_id, strftime(date_trunc('month', logged_at), '%Y-%m') AS month,
    count(*) AS reports, sum(good_quantity) AS good, sum(scrap_quantity) AS scrap,
    sum(rework_quantity) AS rework,
    round(sum(scrap_quantity)
          / nullif(sum(good_quantity + scrap_quantity + rework_quantity), 0), 4) AS scrap_rate
FROM counts
WHERE logged_at >= $start AND logged_at < $end
  AND ($plant::UUID IS NULL OR plant_id = $plant) AND ($work_center::UUID IS NULL OR work_center_id = $work_center)
GROUP BY ALL
ORDER BY month, work_center_id;

-- name: downtime_pareto
-- Stop minutes by reason and loss, largest first, with share and cumulative share; a stop
-- counts for the part of it inside the period.
WITH clipped AS (
    SELECT coalesce(reason_code, '') AS reason_code, loss, planned,
        epoch(least(ended_at, $end) - greatest(started_at, $start)) / 60 AS minutes
    FROM stops
    WHERE started_at >= $start - INTERVAL 31 DAY AND started_at < $end AND ended_at > $start
      AND ($plant::UUID IS NULL OR plant_id = $plant) AND ($work_center::UUID IS NULL OR work_center_id = $work_center)
), reasons AS (
    SELECT reason_code, loss, bool_or(planned) AS planned, count(*) AS stops,
        sum(minutes) AS minutes
    FROM clipped GROUP BY reason_code, loss
)
SELECT reason_code, loss, planned, stops, round(minutes, 3) AS minutes,
    round(minutes / nullif(sum(minutes) OVER (), 0), 4) AS share,
    round(sum(minutes) OVER (ORDER BY minutes DESC, reason_code, loss
                             ROWS UNBOUNDED PRECEDING)
          / nullif(sum(minutes) OVER (), 0), 4) AS cumulative_share
FROM reasons
ORDER BY minutes DESC, reason_code, loss;

-- name: scrap_by_work_center_shift
-- Closed shifts' output per work center and shift code: scrap, rework and rejected rates.
SELECT work_center_id, shift_code, count(*) AS shifts, sum(good_count) AS good,
    sum(scrap_count) AS scrap, sum(rework_count) AS rework,
    sum(quality_rejected_count) AS quality_rejected,
    round(sum(scrap_count) / nullif(sum(good_count + scrap_count + rework_count), 0), 4)
        AS scrap_rate,
    round(sum(rework_count) / nullif(sum(good_count + scrap_count + rework_count), 0), 4)
        AS rework_rate
FROM shifts
WHERE shift_start >= $start - INTERVAL 1 DAY AND shift_start < $end + INTERVAL 1 DAY
  AND production_day BETWEEN $first_day AND $last_day
  AND ($plant::UUID IS NULL OR plant_id = $plant) AND ($work_center::UUID IS NULL OR work_center_id = $work_center)
GROUP BY ALL
ORDER BY work_center_id, shift_code;

-- name: hour_of_day_profile
-- Reported output by UTC hour of day: totals, the days with output, and per such day.
SELECT hour(logged_at) AS hour, count(DISTINCT CAST(logged_at AS DATE)) AS days,
    count(*) AS reports, sum(good_quantity) AS good, sum(scrap_quantity) AS scrap,
    round(sum(good_quantity) / count(DISTINCT CAST(logged_at AS DATE)), 3) AS good_per_day,
    round(sum(scrap_quantity)
          / nullif(sum(good_quantity + scrap_quantity + rework_quantity), 0), 4) AS scrap_rate
FROM counts
WHERE logged_at >= $start AND logged_at < $end
  AND ($plant::UUID IS NULL OR plant_id = $plant) AND ($work_center::UUID IS NULL OR work_center_id = $work_center)
GROUP BY ALL
ORDER BY hour;

-- name: week_over_week
-- Reported output per ISO week and the change against the week before (NULL for the
-- first week or after a week without output).
WITH weeks AS (
    SELECT date_trunc('week', logged_at) AS week_start, sum(good_quantity) AS good,
        sum(scrap_quantity) AS scrap, sum(rework_quantity) AS rework
    FROM counts
    WHERE logged_at >= $start AND logged_at < $end
      AND ($plant::UUID IS NULL OR plant_id = $plant) AND ($work_center::UUID IS NULL OR work_center_id = $work_center)
    GROUP BY ALL
)
SELECT strftime(week_start, '%G-W%V') AS week, CAST(week_start AS DATE) AS week_start,
    good, scrap, rework,
    CASE WHEN lag(week_start) OVER w = week_start - INTERVAL 7 DAY
         THEN round(good / nullif(lag(good) OVER w, 0) - 1, 4) END AS good_change,
    CASE WHEN lag(week_start) OVER w = week_start - INTERVAL 7 DAY
         THEN round(scrap / nullif(lag(scrap) OVER w, 0) - 1, 4) END AS scrap_change
FROM weeks
WINDOW w AS (ORDER BY week_start)
ORDER BY week_start;

-- name: downtime_by_work_center
-- Stops per work center: planned and unplanned minutes inside the period, the longest.
SELECT work_center_id, count(*) AS stops,
    round(sum(CASE WHEN planned THEN epoch(least(ended_at, $end) - greatest(started_at, $start))
                   ELSE 0 END) / 60, 3) AS planned_minutes,
    round(sum(CASE WHEN NOT planned THEN epoch(least(ended_at, $end) - greatest(started_at, $start))
                   ELSE 0 END) / 60, 3) AS unplanned_minutes,
    round(max(epoch(ended_at - started_at)) / 60, 3) AS longest_minutes
FROM stops
WHERE started_at >= $start - INTERVAL 31 DAY AND started_at < $end AND ended_at > $start
  AND ($plant::UUID IS NULL OR plant_id = $plant) AND ($work_center::UUID IS NULL OR work_center_id = $work_center)
GROUP BY ALL
ORDER BY unplanned_minutes DESC, work_center_id;
