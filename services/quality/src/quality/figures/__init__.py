"""First-pass yield and the defect Pareto, by material, work center and period; each
day's figures published for reporting."""
