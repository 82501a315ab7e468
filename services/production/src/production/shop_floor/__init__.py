"""The shop floor: operators start, pause, resume and finish operations and report good,
scrap and rework; machines send counts in bulk. Every report is a row of the production
log (a time series), moves the order's counters and its OEE bucket, and asks inventory to
post the goods movements it implies (backflush, receipt, by-products)."""
