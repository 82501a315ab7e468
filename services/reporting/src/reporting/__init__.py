"""The reporting service:
kPI dashboards from incremental rollups, cache, analytics and exports."""
