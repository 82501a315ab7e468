"""Dashboard responses in the UNLOGGED cache, kept fresh by per-day counters that every
fact bumps in its own transaction, and the live updates that tell open dashboards so."""
