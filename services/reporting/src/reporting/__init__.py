"""The reporting service: KPI dashboards from incremental rollups, cache, analytics and
exports."""
