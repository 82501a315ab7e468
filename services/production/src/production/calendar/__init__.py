"""Shift calendars: when a work center works, in UTC, from local wall-clock shift plans.

The public API is re-exported by ``production.shift_calendar``; these modules split it up:
``model`` (the Structs), ``intervals`` (half-open interval arithmetic), ``expand`` (shift
instances and working time) and ``validation`` (problems as JSON pointers).
"""
