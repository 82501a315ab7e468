"""Equipment: a tree per plant (line → machine → component), linked to production work
centers, with criticality, manufacturer data and documents."""
