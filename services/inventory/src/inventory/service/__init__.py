"""Use cases of the inventory service: each opens and owns its transaction."""
