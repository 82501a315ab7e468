"""Label printing: a batch of work-order or lot labels rendered to one PDF by a background
job (with progress), kept a week for download."""
