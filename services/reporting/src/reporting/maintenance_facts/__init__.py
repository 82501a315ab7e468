"""Maintenance's per-equipment day KPIs as facts, their daily rollup and the KPI series."""
