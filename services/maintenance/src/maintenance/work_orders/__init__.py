"""Maintenance work orders: preventive (from plans), corrective (a breakdown reported or
a stop in production), predictive (a meter past its alarm limit); their state machine,
labour, checklist, failure codes and spare parts, and what production hears of them."""
