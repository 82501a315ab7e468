"""What quality keeps of other services' data, from their events: inventory's materials
and production's work orders (which material an operation makes, in which lot)."""
