"""Run an ASGI app with uvicorn: graceful SIGTERM, no uvicorn access log (we log our own)."""

from __future__ import annotations

from typing import Any

import uvicorn


def serve(app: Any, host: str, port: int, *, graceful_seconds: int = 20) -> None:
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_config=None,
        access_log=False,
        loop="uvloop",
        http="httptools",
        lifespan="on",
        timeout_graceful_shutdown=graceful_seconds,
        server_header=False,
        proxy_headers=False,
    )
    uvicorn.Server(config).run()
