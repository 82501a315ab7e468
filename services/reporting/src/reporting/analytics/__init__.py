"""Ad-hoc analytics: a fixed catalogue of parameterized queries run in DuckDB over
reporting's fact tables (through postgres_scanner, as the runtime role, RLS applying)
and the organization's archived Parquet."""
