"""The search service:
one typo-tolerant, ranked, faceted search across every service, fed by events."""
