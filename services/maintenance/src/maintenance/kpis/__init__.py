"""Equipment KPIs for any period (MTBF, MTTR, availability, planned-maintenance share,
backlog, PM compliance, cost), read from maintenance's own tables and production's stops
and planned time; published daily for reporting. The formulas are ``maintenance.kpi``."""
