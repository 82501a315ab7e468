"""Meters and their readings: counters (hours, cycles, strokes) that usage plans count on,
fed by hand, by machines in bulk and by production's counts; condition gauges whose alarm
limits open predictive work orders."""
