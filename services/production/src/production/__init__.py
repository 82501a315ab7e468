"""The production service:
work centers, routings, work orders, shop-floor logging, shifts, downtime, OEE and scheduling."""
