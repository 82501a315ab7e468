-- identity.user.changed carries a user's whole state; a redelivered older event must not
-- overwrite a newer one, so each person keeps the time of the state it holds.
ALTER TABLE quality.people ADD COLUMN changed_at timestamptz NOT NULL DEFAULT '-infinity';
