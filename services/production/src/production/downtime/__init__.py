"""Downtime per work center: when a machine stood, why, and what maintenance did about
it. Its time is booked into the OEE buckets of the shifts it touched."""
