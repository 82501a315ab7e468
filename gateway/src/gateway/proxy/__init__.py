"""Everything that talks to the services: the proxy, the merged OpenAPI, readiness."""
