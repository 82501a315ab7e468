"""The gateway: identity, tokens, Casbin, proxy, live updates."""
