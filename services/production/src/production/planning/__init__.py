"""Scheduling on the plant's real data: open orders, work centers with their calendars
and stops, and operations in progress as fixed load; the result written onto the
operations (the Gantt chart reads them) and kept as a run. The algorithm is
``production.scheduling``."""
