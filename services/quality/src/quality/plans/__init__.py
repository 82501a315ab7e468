"""Inspection plans: what to inspect of a material, when (trigger), how many (sampling),
against which characteristics; versioned, released versions of one scope never overlap;
and the defect catalogue."""
