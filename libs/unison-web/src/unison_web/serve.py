"""Run an ASGI app with uvicorn: graceful SIGTERM, no uvicorn access log (we log our own)."""

from __future__ import annotations

import gc
import signal
from types import FrameType
from typing import Any

import uvicorn

# The cyclic collector's young generation, in container objects allocated (default 700).
# A 5,000-line batch posting allocates ~100k objects that all live until it answers: at
# 700 the collector ran ~150 times per batch, several of them full collections walking
# the whole heap, 113 ms of an 850 ms batch (measured); at 10,000, ~20 ms. Garbage in
# cycles waits a little longer for its collection, a few MB at most.
YOUNG_GENERATION = 10_000

# How long SIGTERM waits for in-flight requests (a worker: for running handlers) before
# cancelling them. Below Docker's 10 s between SIGTERM and SIGKILL, so a process always
# gets to close its pool and exit 0 (tests/reliability/test_sigterm.py).
GRACEFUL_SECONDS = 8
# How long an idle keep-alive connection stays open. Longer than the gateway keeps its
# pooled connections to a service (30 s): with uvicorn's default of 5 s, the service closed
# connections the gateway was about to reuse, and the request failed with a reset (502).
KEEP_ALIVE_SECONDS = 75


def tune_gc() -> None:
    """Freeze what start-up built (modules, the app, its routes: they live as long as the
    process, so full collections stop walking them) and collect the young generation
    less often."""
    gc.collect()
    gc.freeze()
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG_GENERATION, older, oldest)


class _Server(uvicorn.Server):
    """Exits 0 after a graceful shutdown on SIGTERM. Uvicorn re-raises the signal once it
    has shut down, so the process ended "killed by SIGTERM" (143) even when every request
    had finished: a supervisor could not tell a clean stop from a kill. SIGINT keeps
    uvicorn's behaviour (a second Ctrl-C forces the exit)."""

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        if sig == signal.SIGTERM:
            self.should_exit = True
            return
        super().handle_exit(sig, frame)


def serve(app: Any, host: str, port: int, *, graceful_seconds: int = GRACEFUL_SECONDS) -> None:
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
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
        server_header=False,
        proxy_headers=False,
    )
    tune_gc()
    _Server(config).run()
