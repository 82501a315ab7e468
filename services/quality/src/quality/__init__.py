"""The quality service:
inspection plans, inspections with AQL sampling, SPC, NCRs, CAPA and lot holds."""
