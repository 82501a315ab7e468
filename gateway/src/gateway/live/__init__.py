"""Live updates: LISTEN on ``unison_live`` once per process, fan out over WebSocket."""
