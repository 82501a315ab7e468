"""Authorization: Casbin RBAC with domains (one domain per organization)."""
