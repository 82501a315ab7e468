"""Work centers: where operations run, on which calendar, at what capacity and cost."""
