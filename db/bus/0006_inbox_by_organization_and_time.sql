-- The ops page counts an organization's handled events per minute over the last hour.
-- The BRIN index on handled_at alone would read every organization's events of that
-- hour and filter them; this one reads only the caller's (and the service's) rows.
-- It costs one more index entry per handled event.
CREATE INDEX inbox_by_organization_and_time ON bus.inbox (organization_id, owner, handled_at);
