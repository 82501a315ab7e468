"""Quality KPIs: quality's day figures, NCRs and CAPAs as facts with daily rollups, and
the FPY, defect Pareto, NCR and CAPA on-time dashboards."""
