"""SPC charts over the recorded measurements: chart-ready series with control limits, run
rule violations and capability, and the watch that tells of a new violation as results
arrive. The calculations are ``quality.spc``'s; this reads the data and applies them."""
