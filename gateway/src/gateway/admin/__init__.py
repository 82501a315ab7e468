"""The organization admin API: policies, role assignments, users, signing-key rotation."""
