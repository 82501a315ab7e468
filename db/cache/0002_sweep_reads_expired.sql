-- The pg_cron sweep (0001) deleted nothing: a DELETE with a WHERE clause reads the rows
-- it deletes, so SELECT policies apply to it too, and the owner had none that matched (the
-- tenant policy needs the organization setting and owner = current_user). Let the owner
-- see expired rows only, which is all the sweep needs; live entries stay invisible to it.
CREATE POLICY entries_sweep_read ON cache.entries FOR SELECT TO unison_owner
    USING (expires_at < now());
