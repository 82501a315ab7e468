"""OAuth2 token endpoint, access-token signing and the signing keys behind it."""
