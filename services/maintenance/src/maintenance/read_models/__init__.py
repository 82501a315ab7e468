"""What maintenance keeps of production's data (from its events; it never reads another
schema): which equipment a work center is, the stops recorded on equipment, and the
planned operating time of each shift."""
